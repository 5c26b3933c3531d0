import type { FetchHandler } from "./fetch-handler-options.js";

/** Reads one request header by name (any case); several values of a name come joined with ", ", as `Headers.get` does. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * A request as the handler's core reads it: a WHATWG `Request` fits (see `readWebRequest`),
 * and a host bridge can build one straight from its native request, without a `Request`.
 */
export interface HandlerRequest {
  /** Upper case for the methods WHATWG normalizes (GET, POST, HEAD…). */
  readonly method: string;
  /** The absolute URL. */
  readonly url: string;
  /** The URL's pathname, parsed as `new URL(url).pathname` parses it. */
  readonly pathname: string;
  /** The headers; a body a bridge already decoded comes without `content-encoding` and `content-length`. */
  readonly headers: HeaderReader;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /**
   * The body's bytes as they arrive, or `null` for none. Read once; a reader that stops early
   * (`cancel`, or `return` on the iterator) tells the source it may stop reading.
   */
  readonly body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

/** Where an event source puts its text: the shape of a `ReadableStreamDefaultController` of strings. */
export interface EventSink {
  enqueue(text: string): void;
  close(): void;
  /** Room left before the reader falls behind: 0 or more while the reader waits for text. */
  readonly desiredSize: number | null;
}

/**
 * The body of a server-sent event stream, pull-driven like a `ReadableStream` of high-water mark
 * 0: `start` once, then `pull` whenever the reader has taken everything and waits for more (never
 * two at once), `cancel` when the reader goes away. It may `enqueue` and `close` at any time
 * (pings, timeouts), and it never fails: its own errors end it with an `error` event.
 */
export interface AnswerEventSource {
  readonly kind: "event-source";
  start(sink: EventSink): void;
  pull(sink: EventSink): Promise<void>;
  cancel(reason?: unknown): void;
}

/** What the core answers: a body of text, of bytes, an event stream or none. */
export type AnswerBody = string | Uint8Array | AnswerEventSource | null;

/** A response as the handler's core writes it; header names are lower case. */
export interface HandlerAnswer {
  status: number;
  headers: Record<string, string>;
  body: AnswerBody;
  /** Send the length of a text or bytes body as `content-length` rather than with chunked framing. */
  sendLength?: boolean;
}

/** The handler's one request path: what `createFetchHandler`'s `(Request) => Promise<Response>` wraps. */
export type HandlerCore = (request: HandlerRequest) => Promise<HandlerAnswer>;

/**
 * The property under which a handler made by `createFetchHandler` carries its core, so a host
 * bridge (node-http) can serve requests without building a WHATWG `Request` and reading back a
 * `Response`. A handler without it is served through `Request` and `Response`.
 */
export const HANDLER_CORE: unique symbol = Symbol("claude-gemini.handler-core");

/** A fetch handler that carries its core under {@link HANDLER_CORE}. */
export type FetchHandlerWithCore = FetchHandler & { readonly [HANDLER_CORE]?: HandlerCore };

/**
 * The core of a handler made by `createFetchHandler`, or `undefined` for any other handler.
 *
 * @example
 * const core = findHandlerCore(handler);
 * const answer = core ? await core(request) : undefined;
 */
export function findHandlerCore(handler: FetchHandler): HandlerCore | undefined {
  return (handler as FetchHandlerWithCore)[HANDLER_CORE];
}

/** Whether an answer body is an event stream. */
export function isEventSource(body: AnswerBody): body is AnswerEventSource {
  return body !== null && typeof body === "object" && (body as { kind?: unknown }).kind === "event-source";
}
