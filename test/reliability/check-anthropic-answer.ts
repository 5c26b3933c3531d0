/** What one proxy answer turned out to be, once checked for well-formedness. */
export interface AnthropicAnswer {
  status: number;
  /** The JSON body of a non-stream answer. */
  // biome-ignore lint/suspicious/noExplicitAny: tests index into wire bodies freely.
  body?: any;
  /** The events of an SSE answer, in order. */
  // biome-ignore lint/suspicious/noExplicitAny: tests index into wire events freely.
  events?: any[];
  /** How the answer ended: a message, an error body, or an SSE stream's last event. */
  ending: "message" | "error" | "message_stop" | "error_event" | "other";
  /** The error type of an error body or `error` event. */
  errorType?: string;
  errorMessage?: string;
}

const ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "not_found_error",
  "request_too_large",
  "rate_limit_error",
  "api_error",
  "timeout_error",
  "overloaded_error",
]);

/** Text that must never reach a client: stack frames and machine paths. */
const LEAK = /\n\s+at |node_modules|file:\/\/|\/src\/[\w-]+\.ts/;

/**
 * Reads a proxy response to the end and throws an Error saying what is wrong when it is not
 * a well-formed Anthropic answer: an error body `{type: "error", error: {type, message},
 * request_id}` whose id matches the `request-id` header, a message, or an SSE stream that
 * starts with `message_start`, keeps block indexes in order and ends with `message_stop` or
 * an `error` event.
 */
export async function checkAnthropicAnswer(response: Response): Promise<AnthropicAnswer> {
  const status = response.status;
  const contentType = response.headers.get("content-type") ?? "";
  const requestId = response.headers.get("request-id");
  const text = await response.text();
  const fail = (problem: string): never => {
    throw new Error(`${problem} (status ${status}, body ${JSON.stringify(text.slice(0, 300))})`);
  };
  if (requestId === null || !requestId.startsWith("req_")) fail("no request-id header");

  if (contentType.startsWith("text/event-stream")) {
    if (status !== 200) fail("an event stream with a status other than 200");
    return checkEventStream(status, text, fail);
  }
  if (!contentType.startsWith("application/json")) fail(`unexpected content-type "${contentType}"`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail("a body that is not JSON");
  }
  if (status < 400) {
    return { status, body, ending: "message" };
  }
  const error = checkErrorBody(body, fail);
  if ((body as { request_id?: unknown }).request_id !== requestId) fail("request_id differs from the header");
  return { status, body, ending: "error", errorType: error.type, errorMessage: error.message };
}

function checkErrorBody(body: unknown, fail: (problem: string) => never): { type: string; message: string } {
  const candidate = body as { type?: unknown; error?: { type?: unknown; message?: unknown } } | null;
  if (candidate?.type !== "error") fail("an error body without type: error");
  const type = candidate?.error?.type;
  const message = candidate?.error?.message;
  if (typeof type !== "string" || !ERROR_TYPES.has(type)) fail(`unknown error type ${String(type)}`);
  if (typeof message !== "string" || message.length === 0) fail("an error without a message");
  if (LEAK.test(message as string)) fail("an error message that leaks a stack or a path");
  return { type: type as string, message: message as string };
}

function checkEventStream(status: number, text: string, fail: (problem: string) => never): AnthropicAnswer {
  // biome-ignore lint/suspicious/noExplicitAny: wire events.
  const events: any[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === "") continue;
    const lines = block.split(/\r?\n/);
    const name = lines
      .find((line) => line.startsWith("event:"))
      ?.slice(6)
      .trim();
    const data = lines
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trimStart())
      .join("\n");
    if (name === undefined) fail("an SSE event without an event: line");
    let event: { type?: unknown };
    try {
      event = JSON.parse(data);
    } catch {
      return fail("an SSE event whose data is not JSON");
    }
    if (event.type !== name) fail(`event: ${name} carries data of type ${String(event.type)}`);
    events.push(event);
  }
  const meaningful = events.filter((event) => event.type !== "ping");
  const last = meaningful.at(-1);
  if (last === undefined) fail("an empty event stream");
  if (last.type === "error") {
    const error = checkErrorBody(last, fail);
    const started = meaningful[0]?.type === "message_start";
    if (!started && meaningful.length > 1) fail("events before an error but no message_start");
    return { status, events, ending: "error_event", errorType: error.type, errorMessage: error.message };
  }
  if (meaningful[0].type !== "message_start") fail("the stream does not start with message_start");
  if (last.type !== "message_stop") fail(`the stream ends with ${last.type}`);
  const open = new Set<number>();
  let started = 0;
  let sawDelta = false;
  for (const event of meaningful.slice(1, -1)) {
    switch (event.type) {
      case "content_block_start":
        if (event.index !== started) fail(`block ${event.index} started out of order`);
        started++;
        open.add(event.index);
        break;
      case "content_block_delta":
        if (!open.has(event.index)) fail(`a delta for block ${event.index}, which is not open`);
        break;
      case "content_block_stop":
        if (!open.delete(event.index)) fail(`a stop for block ${event.index}, which is not open`);
        break;
      case "message_delta":
        if (typeof event.usage !== "object" || event.usage === null) fail("message_delta without usage");
        sawDelta = true;
        break;
      default:
        fail(`unexpected event ${event.type} inside the stream`);
    }
  }
  if (open.size > 0) fail("blocks left open at message_stop");
  if (!sawDelta) fail("no message_delta before message_stop");
  return { status, events, ending: "message_stop" };
}
