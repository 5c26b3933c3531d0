import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ClaudeGeminiError } from "@claude-gemini/core";
import type { FetchHandler } from "@claude-gemini/fetch-handler";
import { createErrorResponse } from "./create-error-response.js";
import { createRequestBody } from "./create-request-body.js";
import { createRequestId } from "./create-request-id.js";
import { writeWebResponse } from "./write-web-response.js";

/** Express-style continuation: called with an error the bridge itself could not answer. */
export type NextFunction = (error?: unknown) => void;

/** A Node `http` request listener that also fits where Express expects middleware. */
export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse, next?: NextFunction) => void;

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Largest request body accepted, counted after `content-encoding` is decoded. Larger
   * bodies get 413 `request_too_large`. Default 32 MiB, the Messages API's own limit.
   */
  maxBodyBytes?: number;
  /**
   * Supplies a body some earlier middleware already read off the socket (for instance
   * `express.json()`); return `undefined` to stream it from the socket as usual.
   */
  readConsumedBody?: (incoming: IncomingMessage) => Uint8Array | string | undefined;
}

/** The Messages API refuses bodies above 32 MB; so do we unless told otherwise. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

/**
 * Bridges a fetch handler to Node's `http` server. The request body streams from the socket
 * (decoded from gzip, deflate, br or zstd with the size limit applied to the decoded bytes),
 * `request.signal` aborts when the client disconnects, and the response body is written with
 * backpressure; a client that goes away cancels the response body, which stops the upstream.
 *
 * Failures of the handler become Anthropic JSON errors. Failures of the bridge itself go to
 * `next(error)` when a `next` was given and nothing was sent yet, else an Anthropic error too.
 *
 * @example
 * http.createServer(createNodeListener(createFetchHandler({ apiKey }))).listen(8080);
 */
export function createNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): NodeListener {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return (incoming, outgoing, next) => {
    handleRequest(incoming, outgoing, next).catch((error: unknown) => {
      // Last line of defence: one broken exchange must never take the process down.
      if (!outgoing.headersSent && !outgoing.destroyed) {
        void writeWebResponse(createErrorResponse(error, createRequestId()), outgoing).catch(() =>
          outgoing.destroy(),
        );
      } else if (!outgoing.writableEnded) {
        outgoing.end();
      }
    });
  };

  async function handleRequest(incoming: IncomingMessage, outgoing: ServerResponse, next?: NextFunction) {
    const tooLarge = () =>
      new ClaudeGeminiError({
        message: `The request body is larger than the limit of ${maxBodyBytes} bytes.`,
        status: 413,
        type: "request_too_large",
      });
    // A refused body is left partly unread: closing the connection afterwards is cheaper than draining it.
    const answerTooLarge = () =>
      writeWebResponse(createErrorResponse(tooLarge(), createRequestId(), { connection: "close" }), outgoing);

    const abortController = new AbortController();
    const onClientGone = () => {
      if (!outgoing.writableFinished) abortController.abort(new Error("The client closed the connection."));
    };
    // The socket says the client left (end of stream or reset) before Node gets round to
    // closing the response, which waits for the rest of the event-loop turn: under 1,000 open
    // streams that was 9 ms at p99 and 32 ms at worst of upstream work nobody would read.
    // Node ends a response on the client's end of stream unless the server allows half-open
    // connections, so that case waits for the response's own close.
    const socket = incoming.socket as (Socket & { server?: { httpAllowHalfOpen?: boolean } }) | null;
    const watchEnd = socket !== null && socket.server?.httpAllowHalfOpen !== true;
    if (watchEnd) socket.on("end", onClientGone);
    socket?.on("error", onClientGone);
    outgoing.on("close", () => {
      if (watchEnd) socket.off("end", onClientGone);
      socket?.off("error", onClientGone);
      onClientGone();
    });

    let limitExceeded = false;
    let request: Request;
    try {
      const declaredLength = Number(incoming.headers["content-length"]);
      if (!incoming.headers["content-encoding"] && declaredLength > maxBodyBytes) {
        await answerTooLarge();
        return;
      }
      request = toWebRequest(incoming, abortController.signal, {
        maxBodyBytes,
        readConsumedBody: options.readConsumedBody,
        onLimitExceeded: () => {
          limitExceeded = true;
        },
        limitError: tooLarge,
      });
    } catch (error) {
      if (next && !outgoing.headersSent) return next(error);
      await writeWebResponse(createErrorResponse(error, createRequestId()), outgoing);
      return;
    }

    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      response = createErrorResponse(error, createRequestId());
    }

    if (limitExceeded) {
      // Whatever the handler made of the truncated body, the honest answer is 413.
      await response.body?.cancel().catch(() => {});
      await answerTooLarge();
      return;
    }
    if (outgoing.destroyed) {
      await response.body?.cancel().catch(() => {});
      return;
    }

    try {
      await writeWebResponse(response, outgoing, { method: incoming.method });
    } catch (error) {
      if (next && !outgoing.headersSent) return next(error);
      await writeWebResponse(createErrorResponse(error, createRequestId()), outgoing);
    }
  }
}

function toWebRequest(
  incoming: IncomingMessage,
  signal: AbortSignal,
  options: {
    maxBodyBytes: number;
    readConsumedBody: NodeListenerOptions["readConsumedBody"];
    onLimitExceeded: () => void;
    limitError: () => unknown;
  },
): Request {
  const method = (incoming.method ?? "GET").toUpperCase();
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!;
    // HTTP/2 pseudo-headers (`:path`, …) are not headers in the fetch sense.
    if (!name.startsWith(":")) headers.append(name, raw[index + 1]!);
  }

  const url = buildUrl(incoming);
  if (BODYLESS_METHODS.has(method)) return new Request(url, { method, headers, signal });

  const consumed = options.readConsumedBody?.(incoming);
  if (consumed !== undefined) {
    // The bytes were decoded and parsed upstream of us: the original framing headers no longer match.
    headers.delete("content-encoding");
    headers.delete("content-length");
    return new Request(url, { method, headers, signal, body: consumed as BodyInit });
  }

  const body = createRequestBody(incoming, options);
  if (body.decoded) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  return new Request(url, { method, headers, signal, body: body.stream, duplex: "half" } as RequestInit);
}

function buildUrl(incoming: IncomingMessage): string {
  const encrypted = (incoming.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const protocol = encrypted ? "https" : "http";
  const path = incoming.url?.startsWith("/") ? incoming.url : `/${incoming.url ?? ""}`;
  const host = incoming.headers.host;
  if (host) {
    try {
      return new URL(`${protocol}://${host}${path}`).href;
    } catch {
      // A malformed Host header must not stop the request: routing only needs the path.
    }
  }
  return new URL(`${protocol}://localhost${path}`).href;
}
