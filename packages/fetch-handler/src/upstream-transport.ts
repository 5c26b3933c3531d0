/** One HTTP call to Gemini, as the wire sends it: everything already built and serialised. */
export interface UpstreamRequest {
  url: string;
  method: string;
  /** Header names as the wire spells them; one value each. */
  headers: Record<string, string>;
  /** The request body (JSON text). */
  body: string;
  /**
   * Cancels the call and its body: a pending call rejects, and a body being read fails, with
   * `signal.reason`.
   */
  signal?: AbortSignal;
  /**
   * Time allowed for the whole call, body included; after it the call and its body fail with a
   * `DOMException` named `TimeoutError` (as from `AbortSignal.timeout`). Absent or 0: no limit
   * of the transport's own (no 300 s header or body limit either: Gemini may think longer).
   */
  timeoutMs?: number;
}

/**
 * Gemini's answer to one {@link UpstreamRequest}: the status and headers are in, the body is
 * read through `text`, through `read`, or given up with `cancel`; exactly one of them. The body
 * is decoded (`gzip`, `deflate`, `br`) and read with backpressure: while nobody reads, the
 * transport stops reading from the connection.
 */
export interface UpstreamReply {
  readonly status: number;
  /** The reason phrase (`Bad Gateway`), empty when the runtime has none. */
  readonly statusText: string;
  /** A header's value (name in any case), `undefined` when absent. */
  header(name: string): string | undefined;
  /** The whole body as UTF-8 text, a byte order mark dropped (as `Response.text()`). */
  text(): Promise<string>;
  /**
   * The next bytes of the body as they arrive, `undefined` once it has ended. Rejects with
   * the abort reason, the timeout's error, or the connection's error; a connection closed
   * before the body's end is an error, never an end.
   */
  read(): Promise<Uint8Array | undefined>;
  /** Gives up the rest of the body: the call's connection is closed rather than drained. */
  cancel(): void;
}

/**
 * How the wire (`create-gemini-wire.ts`) reaches Gemini: one request in, one reply out, with
 * no WHATWG `Request`, `Response`, `Headers` or body stream in between unless the transport
 * itself is built on `fetch` (`createFetchTransport`). Rejects when no answer came: a network
 * error as the runtime reports it (its `code`, e.g. `ECONNREFUSED`, or `fetch`'s `TypeError`),
 * the abort reason, or the timeout's `TimeoutError`, so the upstream policies classify it.
 *
 * @example
 * const reply = await transport({ url, method: "POST", headers, body, timeoutMs: 600_000 });
 * if (reply.status === 200) console.log(JSON.parse(await reply.text()));
 */
export type UpstreamTransport = (request: UpstreamRequest) => Promise<UpstreamReply>;

/** The error a call that ran out of time fails with, as `AbortSignal.timeout` makes it. */
export function createTimeoutError(): Error {
  return new DOMException("The operation was aborted due to timeout", "TimeoutError");
}
