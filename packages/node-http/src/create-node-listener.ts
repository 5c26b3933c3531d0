import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ClaudeGeminiError } from "@claude-gemini/core";
import {
  createErrorResponse,
  DEFAULT_MAX_BODY_BYTES,
  type FetchHandler,
  findHandlerCore,
  type HandlerAnswer,
} from "@claude-gemini/fetch-handler";
import { buildNodeUrl } from "./build-node-url.js";
import { createBodyBudget } from "./create-body-budget.js";
import { type BodyRefusal, createRequestBody, type RequestBodyOptions } from "./create-request-body.js";
import { createRequestId } from "./create-request-id.js";
import { type DiscardUnreadBodyOptions, discardUnreadBody } from "./discard-unread-body.js";
import { readNodeRequest } from "./read-node-request.js";
import { discardHandlerAnswer, writeHandlerAnswer } from "./write-handler-answer.js";
import { type WriteOutcome, writeWebResponse } from "./write-web-response.js";

/** Express-style continuation: called with an error the bridge itself could not answer. */
export type NextFunction = (error?: unknown) => void;

/** A Node `http` request listener that also fits where Express expects middleware. */
export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse, next?: NextFunction) => void;

/** Options of {@link createNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Largest request body accepted, counted after `content-encoding` is decoded. Larger
   * bodies get 413 `request_too_large`. Default 24 MiB ({@link DEFAULT_MAX_BODY_BYTES}).
   */
  maxBodyBytes?: number;
  /**
   * Most bytes of request bodies held at once by all requests of this listener: a body holds
   * its bytes from the first one received (or its declared `content-length`) until the
   * handler has answered (for a stream, its first event). A body that does not fit gets 529
   * `overloaded_error` with `retry-after`, which clients retry. Default 128 MiB
   * ({@link DEFAULT_MAX_BODY_BYTES_IN_FLIGHT}); never below `maxBodyBytes`.
   */
  maxBodyBytesInFlight?: number;
  /**
   * What is done with the rest of a body the handler answered without reading (401, 413, 529
   * and such): it is read and thrown away, so the client can finish sending and read the
   * answer, for at most `maxBytes` (default 128 MiB) and `timeoutMs` (default 10000); past
   * either the connection is closed.
   */
  unreadBody?: Partial<DiscardUnreadBodyOptions>;
  /**
   * Supplies a body some earlier middleware already read off the socket (for instance
   * `express.json()`); return `undefined` to stream it from the socket as usual.
   */
  readConsumedBody?: (incoming: IncomingMessage) => Uint8Array | string | undefined;
}

/** The fetch handler's default, so the bridge and the handler refuse at the same size. */
export { DEFAULT_MAX_BODY_BYTES };

/** Room for five bodies of the default limit, or dozens of everyday Claude Code requests, at once. */
export const DEFAULT_MAX_BODY_BYTES_IN_FLIGHT = 128 * 1024 * 1024;

const DEFAULT_UNREAD_BODY: DiscardUnreadBodyOptions = { maxBytes: 128 * 1024 * 1024, timeoutMs: 10_000 };

/** How long a client refused for lack of body budget is asked to wait. */
const BUSY_RETRY_AFTER_SECONDS = 2;

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

/** Methods the WHATWG `Request` refuses to represent; they get a 405 here, not a 500 from its constructor. */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/** What the handler answered: a WHATWG `Response`, or the answer of a fetch handler's core. */
type BridgeAnswer =
  | { response: Response; answer?: undefined }
  | { answer: HandlerAnswer; response?: undefined };

/**
 * Bridges a fetch handler to Node's `http` server. The request body streams from the socket
 * (decoded from gzip or deflate, with the size limit applied to the decoded bytes),
 * `request.signal` aborts when the client disconnects, and the response body is written with
 * backpressure; a client that goes away cancels the response body, which stops the upstream.
 * Bodies in flight share one budget (`maxBodyBytesInFlight`), and a body left unread by an
 * early answer is read and discarded within bounds, so the client sees the answer.
 *
 * A handler made by `createFetchHandler` is served through its core (`findHandlerCore`): the
 * same handler, without building a WHATWG `Request` and reading back a `Response`, which cost
 * most of the bridge's time per request. Any other handler goes through `Request` and `Response`.
 *
 * Failures of the handler become Anthropic JSON errors. Failures of the bridge itself go to
 * `next(error)` when a `next` was given and nothing was sent yet, else an Anthropic error too.
 *
 * @example
 * http.createServer(createNodeListener(createFetchHandler({ apiKey }))).listen(8080);
 */
export function createNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): NodeListener {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const budget = createBodyBudget(
    Math.max(maxBodyBytes, options.maxBodyBytesInFlight ?? DEFAULT_MAX_BODY_BYTES_IN_FLIGHT),
  );
  const unreadBody: DiscardUnreadBodyOptions = { ...DEFAULT_UNREAD_BODY, ...options.unreadBody };
  const core = findHandlerCore(handler);
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
    const refusalError = (reason: BodyRefusal) =>
      reason === "too-large"
        ? new ClaudeGeminiError({
            message: `The request body is larger than the limit of ${maxBodyBytes} bytes.`,
            status: 413,
            type: "request_too_large",
          })
        : new ClaudeGeminiError({
            message: `The proxy holds too many request bodies at once (limit ${budget.limitBytes} bytes in flight); retry shortly.`,
            status: 529,
            type: "overloaded_error",
            retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS,
          });
    // An early answer leaves the body unread: it is discarded within bounds while the answer
    // goes out, so the client reads the status instead of a reset connection.
    const answerEarly = (error: unknown, headers: Record<string, string> = {}) => {
      discardUnreadBody(incoming, unreadBody);
      return writeWebResponse(createErrorResponse(error, createRequestId(), headers), outgoing);
    };

    const method = (incoming.method ?? "GET").toUpperCase();
    if (FORBIDDEN_METHODS.has(method)) {
      const error = new ClaudeGeminiError({
        status: 405,
        type: "invalid_request_error",
        message: `Method ${method} is not allowed; use GET, HEAD or POST.`,
      });
      await answerEarly(error, { allow: "GET, HEAD, POST" });
      return;
    }

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

    // Bytes this request holds of the server's body budget, given back once the handler answered.
    let heldBytes = 0;
    const admit = (receivedBytes: number) => {
      if (receivedBytes <= heldBytes) return true;
      if (!budget.reserve(receivedBytes - heldBytes)) return false;
      heldBytes = receivedBytes;
      return true;
    };
    let refusal: BodyRefusal | undefined;
    let serve: () => Promise<BridgeAnswer>;
    let detachBody = () => {};
    try {
      const declaredLength = Number(incoming.headers["content-length"]);
      const identity = !incoming.headers["content-encoding"];
      if (identity && declaredLength > maxBodyBytes) {
        await answerEarly(refusalError("too-large"));
        return;
      }
      const consumed = BODYLESS_METHODS.has(method) ? undefined : options.readConsumedBody?.(incoming);
      // A declared length is taken up front, so a body that cannot fit is refused before it is read.
      if (identity && consumed === undefined && declaredLength > 0 && !admit(declaredLength)) {
        await answerEarly(refusalError("busy"));
        return;
      }
      const requestOptions = {
        method,
        consumed,
        maxBodyBytes,
        admit,
        onRefused: (reason: BodyRefusal) => {
          refusal = reason;
        },
        refusalError,
      };
      if (core !== undefined) {
        const read = readNodeRequest(incoming, abortController.signal, requestOptions);
        detachBody = read.detachBody;
        serve = async () => ({ answer: await core(read.request) });
      } else {
        const read = toWebRequest(incoming, abortController.signal, requestOptions);
        detachBody = read.detachBody;
        serve = async () => ({ response: await handler(read.request) });
      }
    } catch (error) {
      budget.release(heldBytes);
      if (next && !outgoing.headersSent) return next(error);
      await answerEarly(error);
      return;
    }

    let answered: BridgeAnswer;
    try {
      answered = await serve();
    } catch (error) {
      answered = { response: createErrorResponse(error, createRequestId()) };
    } finally {
      budget.release(heldBytes);
      heldBytes = Number.POSITIVE_INFINITY;
    }

    if (refusal !== undefined) {
      // Whatever the handler made of the cut body, the honest answer is the refusal.
      await discardAnswer(answered);
      await answerEarly(refusalError(refusal));
      return;
    }
    if (outgoing.destroyed) {
      await discardAnswer(answered);
      return;
    }
    if (!incoming.complete) {
      // The handler answered without reading the whole body (a 401, a 404…): stop feeding it.
      detachBody();
      discardUnreadBody(incoming, unreadBody);
    }

    try {
      await writeAnswer(answered, outgoing, incoming.method);
    } catch (error) {
      if (next && !outgoing.headersSent) return next(error);
      await writeWebResponse(createErrorResponse(error, createRequestId()), outgoing);
    }
  }
}

function writeAnswer(
  answered: BridgeAnswer,
  outgoing: ServerResponse,
  method?: string,
): Promise<WriteOutcome> {
  return answered.answer === undefined
    ? writeWebResponse(answered.response, outgoing, { method })
    : writeHandlerAnswer(answered.answer, outgoing, { method });
}

async function discardAnswer(answered: BridgeAnswer): Promise<void> {
  if (answered.answer === undefined) await answered.response.body?.cancel().catch(() => {});
  else discardHandlerAnswer(answered.answer);
}

function toWebRequest(
  incoming: IncomingMessage,
  signal: AbortSignal,
  options: RequestBodyOptions & { method: string; consumed: Uint8Array | string | undefined },
): { request: Request; detachBody: () => void } {
  const { method, consumed } = options;
  const headers = new Headers();
  const raw = incoming.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!;
    // HTTP/2 pseudo-headers (`:path`, …) are not headers in the fetch sense.
    if (!name.startsWith(":")) headers.append(name, raw[index + 1]!);
  }

  const url = buildNodeUrl(incoming).href;
  const detachBody = () => {};
  if (BODYLESS_METHODS.has(method))
    return { request: new Request(url, { method, headers, signal }), detachBody };

  if (consumed !== undefined) {
    // The bytes were decoded and parsed upstream of us: the original framing headers no longer match.
    headers.delete("content-encoding");
    headers.delete("content-length");
    return { request: new Request(url, { method, headers, signal, body: consumed as BodyInit }), detachBody };
  }

  const body = createRequestBody(incoming, options);
  if (body.decoded) {
    headers.delete("content-encoding");
    headers.delete("content-length");
  }
  const request = new Request(url, {
    method,
    headers,
    signal,
    body: body.stream,
    duplex: "half",
  } as RequestInit);
  return { request, detachBody: body.detach };
}
