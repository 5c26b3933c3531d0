import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import type { UpstreamReply, UpstreamTransport } from "@claude-gemini/fetch-handler";
import { type AgentPool, type AgentPoolOptions, createAgentPool } from "./create-agent-pool.js";
import { createBodyDecoder } from "./create-body-decoder.js";

/** Options of {@link createNodeTransport}: its connection pool's. */
export type NodeTransportOptions = AgentPoolOptions;

/**
 * The fetch handler's upstream transport on `node:http`/`node:https` (the `transport` option),
 * reading Node's `IncomingMessage` directly: no WHATWG `Headers`, `Response`, body stream or
 * composed `AbortSignal` per call. One keep-alive pool per origin as `createNodeFetch` keeps
 * (`agentFor` shares one between the two).
 *
 * The body is decoded (`gzip`, `deflate`, `br`) and pulled: the socket is paused while the
 * reader is behind (Node's stream buffer is full). The caller's `signal` and `timeoutMs` (one
 * timer) destroy the request, and the call or the body read fails with the abort reason or a
 * `TimeoutError`. A connection that closes before the body's end fails the read (Node's
 * `ECONNRESET`). `cancel()` destroys the connection unless the body had already ended, in which
 * case the connection went back to the pool. No redirects are followed: Gemini sends none.
 *
 * @example
 * createFetchHandler({ apiKey, transport: createNodeTransport({ maxSockets: 64 }) });
 */
export function createNodeTransport(
  options: NodeTransportOptions = {},
  agentFor: AgentPool = createAgentPool(options),
): UpstreamTransport {
  const targets = new Map<string, Target>();
  return (request) =>
    new Promise<UpstreamReply>((resolve, reject) => {
      const target = readTarget(targets, request.url, agentFor);
      const { signal, timeoutMs } = request;
      signal?.throwIfAborted();
      // One flat list, stored by Node as the header block at once: a record would be validated
      // and stored field by field (`setHeader`), which showed in the small-request profile.
      // Node adds no `host` to such a list, so it comes first, as Node would send it (a `host`
      // of the caller's, for a gateway behind an address, takes its place).
      const headers: string[] = ["host", target.host];
      let authorised = false;
      for (const name in request.headers) {
        const lower = name.toLowerCase();
        if (lower === "content-length") continue;
        if (lower === "host") headers[1] = request.headers[name]!;
        else {
          if (lower === "authorization") authorised = true;
          headers.push(name, request.headers[name]!);
        }
      }
      // Credentials in the URL, as Node's `http.request(url)` sends them (a record's header wins).
      if (target.authorization !== undefined && !authorised)
        headers.push("authorization", target.authorization);
      headers.push("content-length", String(Buffer.byteLength(request.body)));
      const outgoing = target.send({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: request.method,
        headers,
        agent: target.agent,
      });
      const call = new NodeCall(outgoing, signal, reject);
      if (timeoutMs !== undefined && timeoutMs > 0) {
        call.timer = setTimeout(() => call.fail(createTimeoutError()), timeoutMs);
      }
      outgoing.on("response", (incoming) => {
        if (call.done) {
          incoming.destroy();
          return;
        }
        resolve(call.answer(incoming));
      });
      outgoing.end(request.body);
    });
}

/** What a call to one URL needs of it, parsed once: the URLs a handler calls are few. */
interface Target {
  send: typeof httpRequest;
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  host: string;
  /** `Basic …` from credentials in the URL, if any. */
  authorization: string | undefined;
  agent: ReturnType<AgentPool>;
}

/** Most URLs whose parse is kept (one per model and action in use); past it the parses start over. */
const MAX_TARGETS = 256;

function readTarget(targets: Map<string, Target>, href: string, agentFor: AgentPool): Target {
  let target = targets.get(href);
  if (target !== undefined) return target;
  const url = new URL(href);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Unsupported protocol ${url.protocol}`);
  }
  target = {
    send: url.protocol === "https:" ? httpsRequest : httpRequest,
    protocol: url.protocol,
    // Node's own `http.request(url)` strips an IPv6 literal's brackets the same way.
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    host: url.host,
    authorization:
      url.username === "" && url.password === ""
        ? undefined
        : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`,
    agent: agentFor(url),
  };
  if (targets.size >= MAX_TARGETS) targets.clear();
  targets.set(href, target);
  return target;
}

/**
 * One call's state, from sending to the body's end: a class so that its listeners are bound
 * once and every field lives in one object (the cost of a call is counted in microseconds).
 */
class NodeCall {
  done = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  private incoming: IncomingMessage | undefined;
  private source: Readable | undefined;
  private decoder: Readable | undefined;
  private failure: unknown;
  private waiter: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private ended = false;

  // Plain fields, not parameter properties: the load script runs this source with Node's type
  // stripping, which takes only erasable syntax (`erasableSyntaxOnly` in tsconfig.base.json).
  private readonly outgoing: ClientRequest;
  private readonly signal: AbortSignal | undefined;
  private readonly rejectCall: (error: unknown) => void;

  constructor(
    outgoing: ClientRequest,
    signal: AbortSignal | undefined,
    rejectCall: (error: unknown) => void,
  ) {
    this.outgoing = outgoing;
    this.signal = signal;
    this.rejectCall = rejectCall;
    // Errors keep a listener for the call's whole life, so a late one is never unhandled.
    outgoing.on("error", this.fail);
    signal?.addEventListener("abort", this.onAbort);
  }

  /** The reply over `incoming`: its listeners attached now, before any byte is consumed. */
  answer(incoming: IncomingMessage): UpstreamReply {
    this.incoming = incoming;
    const decoder = createBodyDecoder(incoming.headers["content-encoding"]);
    let source: Readable = incoming;
    incoming.on("error", this.fail);
    incoming.on("close", this.onClose);
    if (decoder) {
      decoder.on("error", this.fail);
      incoming.pipe(decoder);
      source = decoder;
      this.decoder = decoder;
    }
    this.source = source;
    source.on("readable", this.wake);
    source.on("end", this.onEnd);
    return {
      status: incoming.statusCode ?? 502,
      statusText: incoming.statusMessage ?? "",
      header(name) {
        const key = name.toLowerCase();
        // The bytes handed out are decoded, so the framing headers no longer describe them.
        if (decoder && (key === "content-encoding" || key === "content-length")) return undefined;
        const value = incoming.headers[key];
        return Array.isArray(value) ? value.join(", ") : value;
      },
      text: () => this.text(),
      read: () => this.read(),
      cancel: () => this.cancel(),
    };
  }

  async read(): Promise<Uint8Array | undefined> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const chunk = this.source?.read() as Buffer | null | undefined;
      if (chunk !== null && chunk !== undefined) return chunk;
      if (this.ended || this.source === undefined) return undefined;
      if (this.source === this.incoming && this.incoming.complete && this.incoming.readableLength === 0) {
        // Every byte of the body was parsed and handed out: its end is known now, a tick before
        // Node emits `end`, so a reader finishing its answer does so in this run, before Node
        // sends what was written (it flushes on its next tick). Settled here, a late `cancel`
        // or abort no longer closes a connection that goes back to the pool.
        this.markEnded();
        return undefined;
      }
      await new Promise<void>((resolve, reject) => {
        this.waiter = { resolve, reject };
      });
    }
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for (let chunk = await this.read(); chunk !== undefined; chunk = await this.read()) {
      chunks.push(chunk as Buffer);
    }
    const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8");
    // As `Response.text()`: a UTF-8 byte order mark is not part of the text.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  cancel(): void {
    if (this.done) return;
    this.settle();
    this.ended = true;
    // The reader gave up: the rest of the body is not worth its connection.
    this.incoming?.destroy();
    this.decoder?.destroy();
    this.outgoing.destroy();
    this.wake();
  }

  /** Fails the call (before its answer) or its body (after), once, and closes its connection. */
  readonly fail = (error: unknown): void => {
    if (this.done) return;
    const reason = this.signal?.aborted ? this.signal.reason : error;
    this.settle();
    this.failure = reason;
    this.outgoing.destroy();
    this.incoming?.destroy();
    this.decoder?.destroy();
    if (this.incoming === undefined) this.rejectCall(reason);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(reason);
  };

  private readonly onAbort = (): void => this.fail(this.signal?.reason);

  private readonly wake = (): void => {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve();
  };

  private readonly onEnd = (): void => {
    this.markEnded();
    this.wake();
  };

  /** The body is whole: the connection goes back to the pool, the limits have done their job. */
  private markEnded(): void {
    this.ended = true;
    if (!this.done) this.settle();
  }

  private readonly onClose = (): void => {
    if (this.incoming?.complete === false) {
      this.fail(new Error("The upstream connection closed before the response ended."));
    }
  };

  private settle(): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.signal?.removeEventListener("abort", this.onAbort);
  }
}

/** The error a call that ran out of time fails with, as `AbortSignal.timeout` makes it. */
function createTimeoutError(): Error {
  return new DOMException("The operation was aborted due to timeout", "TimeoutError");
}
