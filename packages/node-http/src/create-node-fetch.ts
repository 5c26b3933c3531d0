import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import type * as zlib from "node:zlib";
import { type AgentPool, type AgentPoolOptions, createAgentPool } from "./create-agent-pool.js";
import { createBodyDecoder } from "./create-body-decoder.js";

/** Options of {@link createNodeFetch}: its connection pool's. */
export type NodeFetchOptions = AgentPoolOptions;

/** The part of `fetch` the Gemini client calls: a URL or `Request`, and init options. */
export type NodeFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Bytes the response body queues before the socket is paused (backpressure). */
const QUEUE_BYTES = 64 * 1024;
/** Statuses whose response has no body by definition; `new Response` refuses one. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` built on `node:http`/`node:https` for the Gemini client (`httpOptions.fetch`): one
 * keep-alive connection pool per upstream origin, bounded by `maxSockets`, with idle
 * connections closed after `freeSocketTimeoutMs`. Node's global `fetch` keeps every
 * connection it ever opened while the server's keep-alive lasts, and costs more per call.
 *
 * The response body is a `ReadableStream` with backpressure (the socket pauses while the
 * reader is behind) that hands on the bytes as they arrive (an event stream's reader splits
 * them into events), and an aborted `signal` destroys the request. No redirects are followed:
 * Gemini sends none. `agentFor` lets it share a pool (`createAgentPool`) with
 * `createNodeTransport`.
 *
 * @example
 * createFetchHandler({ apiKey, fetch: createNodeFetch({ maxSockets: 64 }) });
 */
export function createNodeFetch(
  options: NodeFetchOptions = {},
  agentFor: AgentPool = createAgentPool(options),
): NodeFetch {
  return async (input, init = {}) => {
    if (typeof input !== "string" && !(input instanceof URL)) {
      return sendRequest(new URL(input.url), {
        method: input.method,
        headers: input.headers,
        body: input.body === null ? null : new Uint8Array(await input.arrayBuffer()),
        signal: init.signal ?? input.signal,
      });
    }
    return sendRequest(typeof input === "string" ? new URL(input) : input, init);
  };

  async function sendRequest(url: URL, init: RequestInit): Promise<Response> {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`Unsupported protocol ${url.protocol}`);
    }
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const body = await toBodyBytes(init.body);
    const headers = toHeaderRecord(init.headers);
    if (body !== undefined) headers["content-length"] = String(body.byteLength);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;

    return new Promise<Response>((resolve, reject) => {
      const outgoing = send(url, { method: init.method ?? "GET", headers, agent: agentFor(url) });
      let responded = false;
      const onAbort = () => outgoing.destroy(signal?.reason as Error);
      signal?.addEventListener("abort", onAbort, { once: true });
      const release = () => signal?.removeEventListener("abort", onAbort);
      outgoing.once("error", (error) => {
        if (responded) return;
        release();
        reject(signal?.aborted ? signal.reason : error);
      });
      outgoing.once("response", (incoming) => {
        responded = true;
        resolve(toWebResponse(incoming, signal, release));
      });
      outgoing.end(body);
    });
  }
}

function toWebResponse(
  incoming: IncomingMessage,
  signal: AbortSignal | undefined,
  release: () => void,
): Response {
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) headers.append(raw[index]!, raw[index + 1]!);
  const status = incoming.statusCode ?? 502;
  const init = { status, statusText: incoming.statusMessage ?? "", headers };
  if (NULL_BODY_STATUSES.has(status)) {
    incoming.resume();
    release();
    return new Response(null, init);
  }
  const decoder = createBodyDecoder(incoming.headers["content-encoding"]);
  if (decoder) {
    // The bytes handed out are decoded, so the framing headers no longer describe them.
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return new Response(createBodyStream(incoming, decoder, signal, release), init);
}

/**
 * The response body as a pull-based web stream: data is enqueued as it arrives and the socket
 * is paused once {@link QUEUE_BYTES} wait unread.
 */
function createBodyStream(
  incoming: IncomingMessage,
  decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined,
  signal: AbortSignal | undefined,
  release: () => void,
): ReadableStream<Uint8Array> {
  let source: Readable = incoming;
  if (decoder) {
    incoming.on("error", (error) => decoder.destroy(error));
    incoming.pipe(decoder);
    source = decoder;
  }
  let settled = false;
  let controller: ReadableStreamDefaultController<Uint8Array>;

  const detach = () => {
    settled = true;
    release();
    source.off("data", onData);
    source.off("end", onEnd);
    source.off("error", onError);
    incoming.off("close", onClose);
  };
  const onData = (chunk: Buffer) => {
    if (settled) return;
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 0) <= 0) source.pause();
  };
  const onEnd = () => {
    if (settled) return;
    detach();
    controller.close();
  };
  const onError = (error: unknown) => {
    if (settled) return;
    detach();
    controller.error(signal?.aborted ? signal.reason : error);
  };
  const onClose = () => {
    if (!incoming.complete) onError(new Error("The upstream connection closed before the response ended."));
  };

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
        source.on("data", onData);
        source.on("end", onEnd);
        source.on("error", onError);
        incoming.on("close", onClose);
      },
      pull() {
        if (!settled && source.isPaused()) source.resume();
      },
      cancel() {
        // The reader gave up: the rest of the body is not worth its connection.
        detach();
        incoming.destroy();
        decoder?.destroy();
      },
    },
    { highWaterMark: QUEUE_BYTES, size: (chunk) => chunk.byteLength },
  );
}

async function toBodyBytes(body: RequestInit["body"]): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  // Blobs, forms, streams: rare here (the Gemini client sends strings), so the slow general path.
  return new Uint8Array(await new Response(body).arrayBuffer());
}

function toHeaderRecord(headers: RequestInit["headers"]): Record<string, string> {
  const record: Record<string, string> = {};
  if (headers === undefined) return record;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      record[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) record[name!.toLowerCase()] = value!;
  } else {
    for (const name of Object.keys(headers))
      record[name.toLowerCase()] = (headers as Record<string, string>)[name]!;
  }
  return record;
}
