import type { AnthropicStreamEvent } from "@claude-gemini/core";
import { createSseDecoder } from "@claude-gemini/core";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerOptions, RequestCompleteRecord } from "./fetch-handler-options.js";

const GEMINI_KEY = "test-gemini-key";
const ORIGIN = "http://localhost";
const REQUEST_ID = /^req_[A-Za-z0-9]+$/;

let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function createHandler(options: Partial<FetchHandlerOptions> = {}) {
  const records: RequestCompleteRecord[] = [];
  const handler = createFetchHandler({
    apiKey: GEMINI_KEY,
    baseUrl: fake.url,
    retry: { baseDelayMs: 1, maxTotalDelayMs: 2000 },
    onRequestComplete: (record) => records.push(record),
    // These tests count the calls of each request; metadata calls are tested in model-knowledge.test.ts.
    modelMetadata: false,
    ...options,
  });
  return { handler, records };
}

function messagesBody(overrides: Record<string, unknown> = {}) {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hello" }],
    ...overrides,
  };
}

function post(
  path: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
) {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

function get(path: string, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${path}`, { headers });
}

async function readEvents(response: Response): Promise<AnthropicStreamEvent[]> {
  const events: AnthropicStreamEvent[] = [];
  const decoder = createSseDecoder((event) => {
    const data = JSON.parse(event.data) as AnthropicStreamEvent;
    // Every event names its type twice; a mismatch would break the official SDK.
    expect(event.event).toBe(data.type);
    events.push(data);
  });
  const text = new TextDecoder();
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    decoder.push(text.decode(bytes, { stream: true }));
  }
  decoder.push(text.decode());
  decoder.end();
  return events;
}

function textOf(events: AnthropicStreamEvent[]): string {
  return events
    .map((event) =>
      event.type === "content_block_delta" && event.delta.type === "text_delta" ? event.delta.text : "",
    )
    .join("");
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("POST /v1/messages", () => {
  it("answers a non-streaming text request with an Anthropic message", async () => {
    const { handler, records } = createHandler();
    fake.enqueue({ kind: "text", text: "Hi there, friend." });
    const response = await handler(post("/v1/messages?beta=true", messagesBody()));
    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).toMatch(REQUEST_ID);
    const message = await response.json();
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "claude-sonnet-4-5" });
    expect(message.content).toEqual([{ type: "text", text: "Hi there, friend." }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ action: "generateContent", apiVersion: "v1beta" });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      status: 200,
      stream: false,
      retries: 0,
      model: "claude-sonnet-4-5",
      path: "/v1/messages",
      method: "POST",
      requestId: response.headers.get("request-id"),
    });
    expect(records[0]!.inputTokens).toBeGreaterThan(0);
    expect(records[0]!.outputTokens).toBeGreaterThan(0);
  });

  it("streams a text answer as Anthropic SSE events in order", async () => {
    const { handler, records } = createHandler();
    fake.enqueue({ kind: "text", text: "One two three four five six.", chunks: 3 });
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(response.headers.get("request-id")).toMatch(REQUEST_ID);
    const events = await readEvents(response);
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("message_stop");
    expect(events.at(-2)).toMatchObject({ type: "message_delta", delta: { stop_reason: "end_turn" } });
    expect(textOf(events)).toBe("One two three four five six.");
    expect(fake.requests[0]?.action).toBe("streamGenerateContent");
    expect(records[0]).toMatchObject({ status: 200, stream: true });
    expect(records[0]!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it("round-trips a tool call, signatures included, through a Gemini 3 model", async () => {
    const { handler } = createHandler();
    const tools = [
      {
        name: "get_weather",
        description: "Weather for a city",
        input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    ];
    fake.enqueue({
      kind: "tool_calls",
      calls: [{ name: "get_weather", args: { city: "Paris" } }],
      signatures: true,
    });
    const first = await handler(
      post(
        "/v1/messages",
        messagesBody({
          model: "gemini-3-flash-preview",
          tools,
          messages: [{ role: "user", content: "Weather in Paris?" }],
        }),
      ),
    );
    expect(first.status).toBe(200);
    const message = await first.json();
    expect(message.stop_reason).toBe("tool_use");
    const toolUse = message.content.find((block: { type: string }) => block.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "get_weather", input: { city: "Paris" } });

    fake.enqueue({ kind: "text", text: "It is sunny in Paris." });
    const second = await handler(
      post(
        "/v1/messages",
        messagesBody({
          model: "gemini-3-flash-preview",
          tools,
          messages: [
            { role: "user", content: "Weather in Paris?" },
            { role: "assistant", content: message.content },
            {
              role: "user",
              content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Sunny, 24 C" }],
            },
          ],
        }),
      ),
    );
    // The strict fake rejects a Gemini 3 call turn whose signature was lost.
    expect(fake.requests[1]?.rejection).toBeUndefined();
    expect(second.status).toBe(200);
    expect((await second.json()).content[0]).toEqual({ type: "text", text: "It is sunny in Paris." });
    const contents = fake.requests[1]!.body.contents as Array<{ parts: Array<Record<string, unknown>> }>;
    expect(contents.flatMap((content) => content.parts).some((part) => "functionResponse" in part)).toBe(
      true,
    );
  });

  it("serves stream: true with one non-streaming call when enableStreaming is false", async () => {
    const { handler } = createHandler({ enableStreaming: false });
    fake.enqueue({ kind: "text", text: "Replayed as a stream." });
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const events = await readEvents(response);
    expect(fake.requests.map((request) => request.action)).toEqual(["generateContent"]);
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("message_stop");
    expect(textOf(events)).toBe("Replayed as a stream.");
  });
});

describe("upstream control", () => {
  it("pulls upstream chunks only as fast as the client reads", async () => {
    let produced = 0;
    let finished = false;
    const encoder = new TextEncoder();
    // An upstream that writes one SSE chunk each time its reader asks for more.
    const client = new GoogleGenAI({
      apiKey: GEMINI_KEY,
      apiVersion: "v1beta",
      httpOptions: {
        baseUrl: "http://gemini.test",
        fetch: async (_url: string | URL | Request, init?: RequestInit) => {
          const body = new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                if (produced === 1000) return controller.close();
                const chunk = {
                  candidates: [{ content: { role: "model", parts: [{ text: `word${produced} ` }] } }],
                };
                produced++;
                controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\r\n\r\n`));
              },
              cancel() {
                finished = true;
              },
            },
            { highWaterMark: 0 },
          );
          init?.signal?.addEventListener("abort", () => {
            finished = true;
          });
          return new Response(body, { headers: { "content-type": "text/event-stream" } });
        },
      },
    });
    const handler = createFetchHandler({ client, modelMetadata: false });
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(produced).toBeLessThan(10);
    await reader.cancel();
    await waitFor(() => finished);
    expect(produced).toBeLessThan(10);
  });

  it("sends generate calls with an injected client's settings, headers and abort signal", async () => {
    const client = new GoogleGenAI({
      apiKey: GEMINI_KEY,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: fake.url, headers: { "x-injected": "yes" } },
    });
    fake.enqueue(
      { kind: "slow", delayMs: 3000, inner: { kind: "text", text: "too late" } },
      { kind: "text", text: "injected" },
    );
    const handler = createFetchHandler({ client, modelMetadata: false });
    const abort = new AbortController();
    const pending = handler(post("/v1/messages", messagesBody(), { signal: abort.signal }));
    await waitFor(() => fake.requests.length === 1);
    abort.abort();
    await pending;
    await waitFor(() => fake.requests[0]?.aborted === true);
    const response = await handler(post("/v1/messages", messagesBody()));
    expect((await response.json()).content[0].text).toBe("injected");
    expect(fake.requests[1]?.model).toBe("gemini-3.8-flash");
    expect(fake.requests[1]?.headers["x-injected"]).toBe("yes");
    expect(fake.requests[1]?.headers["x-goog-api-client"]).toMatch(/^google-genai-sdk\//);
  });

  it("serves a client whose request client it cannot read through the SDK's methods, and says so once", async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const client = new GoogleGenAI({
      apiKey: GEMINI_KEY,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: fake.url },
    });
    Object.defineProperty(client, "apiClient", { value: undefined });
    const { handler } = createHandler({ client, logger });
    expect(warnings.filter((message) => /request client could not be read/.test(message))).toHaveLength(1);
    fake.enqueue(
      { kind: "text", text: "Through the SDK." },
      { kind: "text", text: "Streamed through the SDK." },
    );
    const json = await handler(post("/v1/messages", messagesBody()));
    expect((await json.json()).content).toEqual([{ type: "text", text: "Through the SDK." }]);
    const streamed = await handler(post("/v1/messages", messagesBody({ stream: true })));
    expect(textOf(await readEvents(streamed))).toBe("Streamed through the SDK.");
    expect(fake.requests).toHaveLength(2);
  });

  it("refuses a client that is not a GoogleGenAI when the handler is built", () => {
    const client = { models: { generateContent: async () => ({}) } } as unknown as GoogleGenAI;
    expect(() => createFetchHandler({ client })).toThrow(/GoogleGenAI instance/);
  });

  it("answers 504 timeout_error when a non-streaming call outlives requestTimeoutMs", async () => {
    const { handler } = createHandler({ requestTimeoutMs: 150 });
    fake.enqueue({ kind: "slow", delayMs: 3000, inner: { kind: "text", text: "too late" } });
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(response.status).toBe(504);
    expect((await response.json()).error.type).toBe("timeout_error");
    await waitFor(() => fake.requests[0]?.aborted === true);
  });

  it("aborts a pending non-streaming call when the client goes away", async () => {
    const { handler } = createHandler();
    fake.enqueue({ kind: "slow", delayMs: 3000, inner: { kind: "text", text: "too late" } });
    const client = new AbortController();
    const pending = handler(post("/v1/messages", messagesBody(), { signal: client.signal }));
    await waitFor(() => fake.requests.length === 1);
    client.abort();
    await pending;
    await waitFor(() => fake.requests[0]?.aborted === true);
  });
});

describe("retries", () => {
  it("retries a 503 and answers with the second attempt", async () => {
    const logged: string[] = [];
    const note = (message: string) => void logged.push(message);
    const { handler, records } = createHandler({
      logger: { debug: note, info: note, warn: note, error: note },
    });
    fake.enqueue(
      { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." },
      { kind: "text", text: "Second time lucky." },
    );
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(response.status).toBe(200);
    expect((await response.json()).content[0].text).toBe("Second time lucky.");
    expect(fake.requests).toHaveLength(2);
    expect(records[0]?.retries).toBe(1);
    expect(logged).toContain("retrying Gemini call");
    expect(logged.join("\n")).not.toContain(GEMINI_KEY);
  });

  it("survives an onRequestComplete that throws", async () => {
    const handler = createFetchHandler({
      apiKey: GEMINI_KEY,
      baseUrl: fake.url,
      modelMetadata: false,
      onRequestComplete: () => {
        throw new Error("observer bug");
      },
    });
    const response = await handler(get("/health"));
    expect(response.status).toBe(200);
  });

  it("retries a 503 before the first chunk of a stream", async () => {
    const { handler } = createHandler();
    fake.enqueue(
      { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." },
      { kind: "text", text: "Streamed after a retry.", chunks: 2 },
    );
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    expect(response.status).toBe(200);
    expect(textOf(await readEvents(response))).toBe("Streamed after a retry.");
    expect(fake.requests).toHaveLength(2);
  });

  it("retries as a client's httpOptions.retryOptions say: its attempts, and only its statuses", async () => {
    const client = new GoogleGenAI({
      apiKey: GEMINI_KEY,
      apiVersion: "v1beta",
      httpOptions: {
        baseUrl: fake.url,
        retryOptions: { attempts: 4, initialDelay: 0.001, maxDelay: 0.01, httpStatusCodes: [503] },
      },
    });
    const { handler } = createHandler({ client, retry: undefined });
    const overloaded = { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "Busy." } as const;
    fake.enqueue(overloaded, overloaded, overloaded, { kind: "text", text: "Fourth time lucky." });
    const served = await handler(post("/v1/messages", messagesBody()));
    expect(served.status).toBe(200);
    expect((await served.json()).content).toEqual([{ type: "text", text: "Fourth time lucky." }]);
    expect(fake.requests).toHaveLength(4);

    // INTERNAL is retried by the handler's own rules, but this client lists 503 only.
    fake.reset();
    fake.enqueue(
      { kind: "error", status: 500, geminiStatus: "INTERNAL", message: "Oops." },
      { kind: "text", text: "never reached" },
    );
    const refused = await handler(post("/v1/messages", messagesBody()));
    expect(refused.status).toBe(500);
    expect(fake.requests).toHaveLength(1);
  });

  it("lets the retry option win over a client's retryOptions, field by field", async () => {
    const client = new GoogleGenAI({
      apiKey: GEMINI_KEY,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: fake.url, retryOptions: { attempts: 5, initialDelay: 0.001 } },
    });
    const { handler } = createHandler({ client, retry: { maxAttempts: 2 } });
    const overloaded = { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "Busy." } as const;
    fake.enqueue(overloaded, overloaded, overloaded, { kind: "text", text: "never reached" });
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(response.status).toBe(529);
    expect(fake.requests).toHaveLength(2);
  });

  it("answers a stream that fails before its first chunk with a JSON error once retries run out", async () => {
    const { handler } = createHandler({ retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const overloaded = {
      kind: "error",
      status: 503,
      geminiStatus: "UNAVAILABLE",
      message: "Overloaded.",
    } as const;
    fake.enqueue(overloaded, overloaded, { kind: "text", text: "never reached" });
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    expect(response.status).toBe(529);
    expect(response.headers.get("content-type")).toBe("application/json");
    const body = await response.json();
    expect(body).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    expect(body.request_id).toBe(response.headers.get("request-id"));
    expect(fake.requests).toHaveLength(2);
  });

  it("returns a 429 at once when its RetryInfo asks for more than the retry budget", async () => {
    const { handler, records } = createHandler({ retry: { maxTotalDelayMs: 1000, baseDelayMs: 1 } });
    fake.enqueue({
      kind: "error",
      status: 429,
      geminiStatus: "RESOURCE_EXHAUSTED",
      message: "Resource has been exhausted (e.g. check quota).",
      retryDelay: "30s",
    });
    const started = performance.now();
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("30");
    expect((await response.json()).error.type).toBe("rate_limit_error");
    expect(fake.requests).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 429, errorType: "rate_limit_error", retries: 0 });
  });

  it("honours a short RetryInfo delay and then succeeds", async () => {
    const { handler } = createHandler({ retry: { maxTotalDelayMs: 2000, baseDelayMs: 1 } });
    fake.enqueue(
      {
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Slow down.",
        retryDelay: "0.2s",
      },
      { kind: "text", text: "After the wait." },
    );
    const started = performance.now();
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(fake.requests).toHaveLength(2);
  });

  it("re-asks after a MALFORMED_FUNCTION_CALL", async () => {
    const { handler } = createHandler();
    fake.enqueue(
      { kind: "finish", finishReason: "MALFORMED_FUNCTION_CALL" },
      { kind: "text", text: "Fixed." },
    );
    const response = await handler(post("/v1/messages", messagesBody()));
    expect((await response.json()).content).toEqual([{ type: "text", text: "Fixed." }]);
    expect(fake.requests).toHaveLength(2);
  });

  it("makes one upstream attempt when the client says it is retrying already (x-stainless-retry-count)", async () => {
    const { handler } = createHandler({ retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const overloaded = {
      kind: "error",
      status: 503,
      geminiStatus: "UNAVAILABLE",
      message: "Overloaded.",
    } as const;
    fake.enqueue(overloaded, overloaded, overloaded);
    const retrying = await handler(
      post("/v1/messages", messagesBody(), { headers: { "x-stainless-retry-count": "2" } }),
    );
    expect(retrying.status).toBe(529);
    expect(fake.requests).toHaveLength(1);
    fake.reset();
    fake.enqueue(overloaded, overloaded, overloaded);
    const first = await handler(
      post("/v1/messages", messagesBody(), { headers: { "x-stainless-retry-count": "0" } }),
    );
    expect(first.status).toBe(529);
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    const { handler } = createHandler();
    fake.enqueue({ kind: "error", status: 400, geminiStatus: "INVALID_ARGUMENT", message: "Bad field." });
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(response.status).toBe(400);
    expect((await response.json()).error.type).toBe("invalid_request_error");
    expect(fake.requests).toHaveLength(1);
  });
});

describe("stream failures", () => {
  it("turns an error chunk mid-stream into an error event and ends the stream", async () => {
    const { handler, records } = createHandler();
    fake.enqueue({
      kind: "error_chunk",
      afterChunks: 1,
      geminiStatus: "UNAVAILABLE",
      message: "Overloaded.",
      code: 503,
    });
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    expect(response.status).toBe(200);
    const events = await readEvents(response);
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    expect(events.some((event) => event.type === "message_stop")).toBe(false);
    expect(records[0]?.errorType).toBe("overloaded_error");
  });

  it("reports a stream without a finish reason as an error, never as a complete answer", async () => {
    const { handler } = createHandler();
    fake.enqueue({ kind: "no_finish_reason", text: "Half an ans" });
    const events = await readEvents(await handler(post("/v1/messages", messagesBody({ stream: true }))));
    expect(events.at(-1)?.type).toBe("error");
    expect(events.some((event) => event.type === "message_stop")).toBe(false);
  });

  it("reports an unparsable chunk as an error event", async () => {
    const { handler } = createHandler();
    fake.enqueue({ kind: "garbage_chunk", afterChunks: 1 });
    const events = await readEvents(await handler(post("/v1/messages", messagesBody({ stream: true }))));
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("error");
  });

  it("reports a connection cut mid-stream as an error event", async () => {
    const { handler } = createHandler();
    fake.enqueue({ kind: "cut_stream", afterChunks: 1, mode: "reset" });
    const events = await readEvents(await handler(post("/v1/messages", messagesBody({ stream: true }))));
    expect(events.at(-1)?.type).toBe("error");
  });

  it("cuts an upstream that stalls longer than idleTimeoutMs", async () => {
    const { handler } = createHandler({ idleTimeoutMs: 200 });
    fake.enqueue({ kind: "stall", afterChunks: 1 });
    const started = performance.now();
    const events = await readEvents(await handler(post("/v1/messages", messagesBody({ stream: true }))));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(events.at(-1)).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    await waitFor(() => fake.requests[0]?.aborted === true);
  });

  it("sends ping events while the upstream is quiet", async () => {
    const { handler } = createHandler({ pingIntervalMs: 20 });
    fake.enqueue({
      kind: "slow",
      delayMs: 0,
      between: 150,
      inner: { kind: "text", text: "a b c d", chunks: 2 },
    });
    const events = await readEvents(await handler(post("/v1/messages", messagesBody({ stream: true }))));
    expect(events.some((event) => event.type === "ping")).toBe(true);
    expect(events.at(-1)?.type).toBe("message_stop");
  });

  it("aborts the upstream call when the client goes away", async () => {
    const { handler, records } = createHandler();
    fake.enqueue({ kind: "stall", afterChunks: 1 });
    const client = new AbortController();
    const response = await handler(
      post("/v1/messages", messagesBody({ stream: true }), { signal: client.signal }),
    );
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await waitFor(() => fake.requests[0]?.aborted === true);
    await reader.cancel().catch(() => {});
    await waitFor(() => records.length === 1);
    expect(records[0]?.errorType).toBe("aborted");
  });

  it("records a client that leaves while a chunk is awaited as aborted, not as a failure", async () => {
    const { handler, records } = createHandler();
    fake.enqueue({ kind: "stall", afterChunks: 1 });
    const client = new AbortController();
    const response = await handler(
      post("/v1/messages", messagesBody({ stream: true }), { signal: client.signal }),
    );
    const reader = response.body!.getReader();
    await reader.read();
    // A bridge keeps reading, so the stream is waiting on Gemini when the client goes.
    const pending = reader.read().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.abort();
    await waitFor(() => fake.requests[0]?.aborted === true);
    await pending;
    await waitFor(() => records.length === 1);
    expect(records[0]?.errorType).toBe("aborted");
  });

  it("aborts the upstream call when the response stream is cancelled", async () => {
    const { handler } = createHandler();
    fake.enqueue({ kind: "stall", afterChunks: 1 });
    const response = await handler(post("/v1/messages", messagesBody({ stream: true })));
    await response.body!.cancel();
    await waitFor(() => fake.requests[0]?.aborted === true);
  });
});

describe("POST /v1/messages/count_tokens", () => {
  it("asks Gemini to count the converted request", async () => {
    const { handler } = createHandler();
    const response = await handler(
      post("/v1/messages/count_tokens?beta=true", {
        model: "claude-sonnet-4-5",
        system: "You are terse.",
        messages: [{ role: "user", content: "Count me, please." }],
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-claude-gemini-token-estimate")).toBeNull();
    const body = await response.json();
    expect(body.input_tokens).toBeGreaterThan(0);
    expect(fake.requests.map((request) => request.action)).toEqual(["countTokens"]);
  });

  it("falls back to an estimate, flagged in a header, when Gemini fails", async () => {
    const { handler } = createHandler({ apiKey: "a-rejected-key" });
    const response = await handler(
      post("/v1/messages/count_tokens", {
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: "Hi there" }],
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-claude-gemini-token-estimate")).toBe("true");
    expect((await response.json()).input_tokens).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(1);
  });
});

describe("models, health and test-connection", () => {
  it("lists Claude aliases and Gemini models in Anthropic's shape", async () => {
    const { handler } = createHandler({ models: { sonnetModel: "gemini-3.1-pro-preview" } });
    const response = await handler(get("/v1/models?limit=1000"));
    const list = await response.json();
    const ids = list.data.map((model: { id: string }) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "claude-opus-5-5",
        "claude-sonnet-5-5",
        "claude-haiku-5-5",
        "claude-haiku-4-5",
        "gemini-3.1-pro-preview",
        "gemini-3.8-flash",
        "gemini-3.5-flash-lite",
      ]),
    );
    expect(ids.filter((id: string) => id.startsWith("gemini-2.5"))).toEqual([]);
    expect(list).toMatchObject({ has_more: false, first_id: ids[0], last_id: ids.at(-1) });
    for (const model of list.data) {
      expect(model).toMatchObject({
        type: "model",
        id: expect.any(String),
        display_name: expect.any(String),
        created_at: expect.any(String),
        max_input_tokens: expect.any(Number),
        max_tokens: expect.any(Number),
        capabilities: { thinking: { supported: true }, image_input: { supported: true } },
      });
    }
    expect(fake.requests).toHaveLength(0);
  });

  it("pages the model list", async () => {
    const { handler } = createHandler();
    const page = await (await handler(get("/v1/models?limit=2"))).json();
    expect(page.data).toHaveLength(2);
    expect(page.has_more).toBe(true);
    const next = await (await handler(get(`/v1/models?limit=1000&after_id=${page.last_id}`))).json();
    expect(next.data[0].id).not.toBe(page.data[1].id);
    expect(next.has_more).toBe(false);
  });

  it("describes one model and 404s an unknown one", async () => {
    const { handler } = createHandler();
    const known = await handler(get("/v1/models/gemini-3.8-flash"));
    expect(await known.json()).toMatchObject({ type: "model", id: "gemini-3.8-flash" });
    const unknown = await handler(get("/v1/models/not-a-model"));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.type).toBe("not_found_error");
  });

  it("answers /health without calling Gemini or asking for the proxy key", async () => {
    const { handler } = createHandler({ proxyApiKey: "proxy-secret" });
    const response = await handler(get("/health/"));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("request-id")).toMatch(REQUEST_ID);
    expect(fake.requests).toHaveLength(0);
  });

  it("test-connection reports a working setup", async () => {
    const { handler } = createHandler();
    const response = await handler(get("/test-connection"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      model: "gemini-3.8-flash",
      latencyMs: expect.any(Number),
    });
    expect(fake.requests.map((request) => request.action)).toEqual(["generateContent", "get"]);
  });

  it("test-connection explains a rejected key in plain words without echoing it", async () => {
    const { handler } = createHandler({ apiKey: "a-rejected-key" });
    const response = await handler(get("/test-connection"));
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.ok).toBe(false);
    expect(body.kind).toBe("key");
    expect(body.problem).toBe(
      "The Gemini API key was rejected (API_KEY_INVALID). Check GEMINI_API_KEY: a key from https://aistudio.google.com/apikey, without quotes or spaces.",
    );
    expect(JSON.stringify(body)).not.toContain("a-rejected-key");
  });
});

describe("client authentication", () => {
  it.each([
    ["no key", {}, 401],
    ["a wrong x-api-key", { "x-api-key": "guess" }, 401],
    ["a wrong bearer token", { authorization: "Bearer guess" }, 401],
    ["the x-api-key", { "x-api-key": "proxy-secret" }, 200],
    ["the bearer token", { authorization: "Bearer proxy-secret" }, 200],
  ])("with proxyApiKey set, %s gets %i", async (_name, headers, status) => {
    const { handler } = createHandler({ proxyApiKey: "proxy-secret" });
    const response = await handler(get("/v1/models", headers));
    expect(response.status).toBe(status);
    if (status === 401) {
      const body = await response.json();
      expect(body.error.type).toBe("authentication_error");
      expect(body.request_id).toBe(response.headers.get("request-id"));
    }
  });

  it("guards the messages route before reading the body", async () => {
    const { handler } = createHandler({ proxyApiKey: "proxy-secret" });
    const response = await handler(post("/v1/messages", messagesBody()));
    expect(response.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it("accepts any key, or none, without proxyApiKey", async () => {
    const { handler } = createHandler();
    expect((await handler(get("/v1/models", { "x-api-key": "anything" }))).status).toBe(200);
    expect((await handler(get("/v1/models"))).status).toBe(200);
  });
});

describe("request errors", () => {
  it("rejects malformed JSON with invalid_request_error", async () => {
    const { handler } = createHandler();
    const response = await handler(post("/v1/messages", "{ not json"));
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "Request body is not valid JSON" },
    });
    expect(body.request_id).toBe(response.headers.get("request-id"));
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects an invalid messages body naming the field", async () => {
    const { handler } = createHandler();
    const response = await handler(post("/v1/messages", { model: "claude-sonnet-4-5", messages: [] }));
    expect(response.status).toBe(400);
    expect((await response.json()).error.type).toBe("invalid_request_error");
  });

  it("answers a body over maxBodyBytes with 413", async () => {
    const { handler } = createHandler({ maxBodyBytes: 200 });
    const response = await handler(
      post("/v1/messages", messagesBody({ messages: [{ role: "user", content: "x".repeat(500) }] })),
    );
    expect(response.status).toBe(413);
    expect((await response.json()).error.type).toBe("request_too_large");
  });

  it("reads gzip bodies, and counts the limit after decoding", async () => {
    const gzip = async (text: string) =>
      new Uint8Array(
        await new Response(
          new Blob([text]).stream().pipeThrough(new CompressionStream("gzip")),
        ).arrayBuffer(),
      );
    const { handler } = createHandler({ maxBodyBytes: 4000 });
    fake.enqueue({ kind: "text", text: "Decoded fine." });
    const small = await handler(
      new Request(`${ORIGIN}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: await gzip(JSON.stringify(messagesBody())),
      }),
    );
    expect(small.status).toBe(200);
    expect((await small.json()).content[0].text).toBe("Decoded fine.");

    const bomb = await gzip(
      JSON.stringify(messagesBody({ messages: [{ role: "user", content: "y".repeat(100_000) }] })),
    );
    expect(bomb.byteLength).toBeLessThan(4000);
    const large = await handler(
      new Request(`${ORIGIN}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: bomb,
      }),
    );
    expect(large.status).toBe(413);
  });

  it("answers unknown paths with 404 and wrong methods with 405", async () => {
    const { handler } = createHandler();
    const missing = await handler(post("/v1/complete", {}));
    expect(missing.status).toBe(404);
    const missingError = (await missing.json()).error;
    expect(missingError.type).toBe("not_found_error");
    expect(missingError.message).toMatch(
      /^No route for POST \/v1\/complete\. This proxy serves POST \/v1\/messages, /,
    );
    expect(missingError.message).not.toContain("[path]");
    const wrongMethod = await handler(get("/v1/messages/count_tokens"));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    const wrongMethodError = (await wrongMethod.json()).error;
    expect(wrongMethodError.type).toBe("invalid_request_error");
    expect(wrongMethodError.message).toBe(
      "Method GET is not allowed on /v1/messages/count_tokens (token counting); use POST /v1/messages/count_tokens.",
    );
  });

  it("answers Claude Code's reachability probes with a plain 200, even with proxyApiKey set", async () => {
    const { handler } = createHandler({ proxyApiKey: "proxy-secret" });
    for (const path of ["/", "/api/hello"]) {
      const head = await handler(new Request(`${ORIGIN}${path}`, { method: "HEAD" }));
      expect(head.status, path).toBe(200);
      const got = await handler(get(path));
      expect(got.status, path).toBe(200);
      expect(await got.json()).toEqual({ status: "ok" });
    }
    expect((await handler(get("/v1/models"))).status).toBe(401);
  });

  it("puts a request-id on every response, unique per request", async () => {
    const { handler } = createHandler({ proxyApiKey: "proxy-secret" });
    const auth = { "x-api-key": "proxy-secret" };
    fake.enqueue({ kind: "text", text: "ok" });
    const responses = await Promise.all([
      handler(get("/health")),
      handler(get("/nowhere", auth)),
      handler(get("/v1/messages", auth)),
      handler(get("/v1/models")),
      handler(get("/v1/models", auth)),
      handler(post("/v1/messages", "nope", { headers: auth })),
      handler(post("/v1/messages", messagesBody(), { headers: auth })),
    ]);
    const ids = responses.map((response) => response.headers.get("request-id"));
    for (const id of ids) expect(id).toMatch(REQUEST_ID);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
