import { createServer as createHttpServer, type Server } from "node:http";
import { createFetchHandler, type FetchHandlerOptions } from "@claude-gemini/fetch-handler";
import { createAgentPool } from "./create-agent-pool.js";
import { createNodeFetch } from "./create-node-fetch.js";
import {
  createNodeListener,
  DEFAULT_MAX_BODY_BYTES,
  type NodeListenerOptions,
} from "./create-node-listener.js";
import { createNodeTransport } from "./create-node-transport.js";
import { type IdleMemoryReleaseOptions, releaseMemoryWhenIdle } from "./release-memory-when-idle.js";

/** Options of {@link createServer}: the fetch handler's, plus Node server timeouts. */
export interface CreateServerOptions
  extends FetchHandlerOptions,
    Pick<NodeListenerOptions, "maxBodyBytesInFlight" | "unreadBody"> {
  /**
   * How long an idle keep-alive connection stays open. Default 65000: longer than the
   * 60 s idle timeout of common load balancers, so they never reuse a socket we just closed.
   */
  keepAliveTimeoutMs?: number;
  /** Time allowed to receive a request's headers. Default 66000 (must exceed the keep-alive timeout). */
  headersTimeoutMs?: number;
  /**
   * Time allowed to receive a whole request, body included. Default 300000. Node applies it
   * to the request only, never to the response, so long event streams are not cut by it.
   */
  receiveTimeoutMs?: number;
  /**
   * Most connections open at once to Gemini (each open stream holds one); further calls wait
   * for a free one. Default 256. Used by the built-in `node:http` transport and fetch, which
   * are skipped when `fetch`, `client` or `transport` is given.
   */
  upstreamMaxSockets?: number;
  /**
   * Give memory back to the OS once the server has been idle for a while after a burst of
   * traffic ({@link releaseMemoryWhenIdle}). Default off: it reaches V8's collector through a
   * V8 flag, which is the host process's business. `true` turns it on (10 s idle, 32 MiB
   * growth), an object tunes it. The `claude-gemini-proxy` command turns it on.
   */
  releaseMemoryWhenIdle?: boolean | IdleMemoryReleaseOptions;
}

/**
 * A Node `http.Server` serving the Anthropic Messages API from Gemini: `createFetchHandler`
 * behind {@link createNodeListener}. Call `listen` yourself.
 *
 * Socket inactivity timeouts stay off (`server.timeout = 0`): a thinking model can stay silent
 * for minutes, and the fetch handler already bounds upstream silence (`idleTimeoutMs`) and
 * sends `ping` events to keep proxies in between from timing the stream out.
 *
 * @example
 * createServer({ apiKey: process.env.GEMINI_API_KEY }).listen(8080, "127.0.0.1");
 */
export function createServer(options: CreateServerOptions = {}): Server {
  const {
    keepAliveTimeoutMs,
    headersTimeoutMs,
    receiveTimeoutMs,
    upstreamMaxSockets,
    releaseMemoryWhenIdle: idleRelease = false,
    maxBodyBytesInFlight,
    unreadBody,
    ...rest
  } = options;
  // Generate calls go out on a `node:http` transport without WHATWG objects; the client's other
  // calls (token counts, model metadata) on a `node:http` fetch; both share one bounded pool.
  let handlerOptions: FetchHandlerOptions = rest;
  if (rest.fetch === undefined && rest.client === undefined && rest.transport === undefined) {
    const pool = createAgentPool({ maxSockets: upstreamMaxSockets });
    handlerOptions = { ...rest, fetch: createNodeFetch({}, pool), transport: createNodeTransport({}, pool) };
  }
  // `metrics` is the fetch handler's own option: it serves `GET /metrics` itself.
  const handler = createFetchHandler(handlerOptions);
  const listener = createNodeListener(handler, {
    maxBodyBytes: handlerOptions.maxBodyBytes,
    maxBodyBytesInFlight,
    unreadBody,
  });
  const server = createHttpServer(listener);
  // `Expect: 100-continue`: a body declared too large is answered (413) before the client sends
  // it; Node would otherwise invite the upload with `100 Continue` first.
  const maxBodyBytes = handlerOptions.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  server.on("checkContinue", (incoming, outgoing) => {
    const declaredLength = Number(incoming.headers["content-length"]);
    if (incoming.headers["content-encoding"] || !(declaredLength > maxBodyBytes)) outgoing.writeContinue();
    listener(incoming, outgoing);
  });
  server.keepAliveTimeout = keepAliveTimeoutMs ?? 65_000;
  server.headersTimeout = headersTimeoutMs ?? Math.max(66_000, server.keepAliveTimeout + 1000);
  server.requestTimeout = receiveTimeoutMs ?? 300_000;
  server.timeout = 0;
  if (idleRelease) releaseMemoryWhenIdle(server, idleRelease === true ? {} : idleRelease);
  return server;
}
