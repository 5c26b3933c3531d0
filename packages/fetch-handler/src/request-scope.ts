import type { RequestCompleteRecord } from "./fetch-handler-options.js";
import type { HandlerSettings } from "./handler-settings.js";

/** What one request's handlers share: its id, its cancellation and the record being filled in. */
export interface RequestScope {
  readonly requestId: string;
  readonly request: Request;
  readonly path: string;
  readonly settings: HandlerSettings;
  /** Aborted when the client goes away (the Request's signal) or its response stream is cancelled. */
  readonly signal: AbortSignal;
  /** Aborts {@link RequestScope.signal}; called when a response stream is cancelled. */
  abort(reason?: unknown): void;
  /** Milliseconds since the request arrived. */
  elapsed(): number;
  /** Fields of the completion record learnt along the way. */
  readonly record: Partial<Omit<RequestCompleteRecord, "requestId" | "method" | "path" | "latencyMs">>;
  /** Set by a handler whose response outlives its promise (a stream): it calls `complete` itself. */
  deferCompletion: boolean;
  /** Reports the request once (later calls are ignored) and releases the client signal listener. */
  complete(status: number): void;
}

/** Starts the scope of one request. */
export function createRequestScope(request: Request, path: string, settings: HandlerSettings): RequestScope {
  const startedAt = performance.now();
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(request.signal.reason);
  if (request.signal.aborted) controller.abort(request.signal.reason);
  else request.signal.addEventListener("abort", onClientAbort, { once: true });
  let completed = false;

  const scope: RequestScope = {
    requestId: `req_${settings.generateId()}`,
    request,
    path,
    settings,
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    elapsed: () => Math.round(performance.now() - startedAt),
    record: { retries: 0, stream: false },
    deferCompletion: false,
    complete(status) {
      if (completed) return;
      completed = true;
      request.signal.removeEventListener("abort", onClientAbort);
      const record: RequestCompleteRecord = {
        ...scope.record,
        requestId: scope.requestId,
        method: request.method,
        path,
        status,
        latencyMs: scope.elapsed(),
        retries: scope.record.retries ?? 0,
        stream: scope.record.stream ?? false,
      };
      // Debug: hosts log the request line from `onRequestComplete`, once.
      settings.logger.debug("request complete", { ...record });
      try {
        settings.onRequestComplete?.(record);
      } catch (error) {
        settings.logger.warn("onRequestComplete threw", { requestId: scope.requestId, error: String(error) });
      }
    },
  };
  return scope;
}
