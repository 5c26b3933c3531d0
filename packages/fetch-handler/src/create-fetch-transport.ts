import { createTimeoutError, type UpstreamReply, type UpstreamTransport } from "./upstream-transport.js";

/** The `fetch` a transport calls: the runtime's, or one given by the user. */
export type TransportFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/**
 * An {@link UpstreamTransport} on a `fetch`: the default on Deno, Bun and Workers, and on Node
 * whenever the handler is given a `fetch` or a `client` (whose `httpOptions.fetch` it uses).
 * The caller's signal and the timeout share one `AbortController` and one timer, cleared as
 * soon as the body is read or given up, instead of `AbortSignal.any` + `AbortSignal.timeout`
 * per call.
 *
 * Given the runtime's own `fetch` on Node (`fetchFunction` omitted), undici's 300 s limits on
 * waiting for headers and between body bytes are lifted as the SDK lifts them: Gemini may think
 * longer, and the handler bounds upstream silence itself (`idleTimeoutMs`).
 *
 * @example
 * createFetchHandler({ apiKey, transport: createFetchTransport(myFetch) });
 */
export function createFetchTransport(fetchFunction?: TransportFetch): UpstreamTransport {
  const send = fetchFunction ?? ((input, init) => globalThis.fetch(input, init));
  const dispatcher = fetchFunction === undefined ? createNoTimeoutDispatcher() : undefined;

  return async (request) => {
    const { signal: callerSignal, timeoutMs } = request;
    callerSignal?.throwIfAborted();
    let signal = callerSignal;
    let release: (() => void) | undefined;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(createTimeoutError()), timeoutMs);
      const onAbort = () => controller.abort(callerSignal?.reason);
      callerSignal?.addEventListener("abort", onAbort, { once: true });
      signal = controller.signal;
      release = () => {
        clearTimeout(timer);
        callerSignal?.removeEventListener("abort", onAbort);
      };
    }
    const init: RequestInit & { dispatcher?: unknown } = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
    };
    if (dispatcher !== undefined) init.dispatcher = dispatcher;
    let response: Response;
    try {
      response = await send(request.url, init);
    } catch (error) {
      release?.();
      throw error;
    }
    return createFetchReply(response, release);
  };
}

function createFetchReply(response: Response, release: (() => void) | undefined): UpstreamReply {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    release?.();
  };
  return {
    status: response.status,
    statusText: response.statusText,
    header: (name) => response.headers.get(name) ?? undefined,
    async text() {
      try {
        return await response.text();
      } finally {
        finish();
      }
    },
    async read() {
      if (response.body === null) {
        finish();
        return undefined;
      }
      reader ??= response.body.getReader();
      try {
        const { done, value } = await reader.read();
        if (!done) return value;
      } catch (error) {
        finish();
        throw error;
      }
      finish();
      return undefined;
    },
    cancel() {
      finish();
      const cancelled = reader === undefined ? response.body?.cancel() : reader.cancel();
      cancelled?.catch(() => {});
    },
  };
}

/** Node's fetch dispatcher, as far as it is used here. */
interface Dispatcher {
  dispatch(options: Record<string, unknown>, handler: unknown): unknown;
}

const readGlobalDispatcher = (): Dispatcher | undefined =>
  (globalThis as unknown as Record<symbol, Dispatcher | undefined>)[GLOBAL_DISPATCHER];

/** A per-request undici dispatcher with its header and body timeouts off (Node only). */
function createNoTimeoutDispatcher(): Dispatcher | undefined {
  const runtime = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof runtime?.versions?.node !== "string") return undefined;
  return {
    dispatch(options, handler) {
      let global = readGlobalDispatcher();
      if (global === undefined) {
        // Node creates its dispatcher on first use of its fetch machinery.
        new Headers();
        global = readGlobalDispatcher();
      }
      if (typeof global?.dispatch !== "function")
        throw new Error("Node's fetch dispatcher is not available.");
      return global.dispatch({ ...options, headersTimeout: 0, bodyTimeout: 0 }, handler);
    },
  };
}
