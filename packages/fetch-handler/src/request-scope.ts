import type { RequestCompleteRecord } from "./fetch-handler-options.js";
import type { HandlerRequest } from "./handler-core.js";
import type { HandlerSettings } from "./handler-settings.js";
import type { LifecycleEvent, RequestEventInput } from "./lifecycle-event.js";
import type { RouteName } from "./route-request.js";

/** What the events of a request said so far: the completion record without its final fields. */
export type RequestRecordDraft = Omit<
  RequestCompleteRecord,
  "requestId" | "method" | "path" | "status" | "latencyMs"
>;

/** What one request's handlers share: its id, its cancellation and its lifecycle events. */
export interface RequestScope {
  readonly requestId: string;
  readonly request: HandlerRequest;
  readonly path: string;
  readonly settings: HandlerSettings;
  /** Aborted when the client goes away (the request's signal) or its response stream is cancelled. */
  readonly signal: AbortSignal;
  /** Aborts {@link RequestScope.signal}; called when a response stream is cancelled. */
  abort(reason?: unknown): void;
  /** Milliseconds since the request arrived. */
  elapsed(): number;
  /** Reports a lifecycle event of this request to the handler's subscribers. */
  emit(event: RequestEventInput): void;
  /** The completion record as the events so far describe it; read-only, written by {@link RequestScope.emit}. */
  readonly record: Readonly<RequestRecordDraft>;
  /** Set by a handler whose response outlives its promise (a stream): it calls `complete` itself. */
  deferCompletion: boolean;
  /** Emits `requestComplete` once (later calls are ignored) and releases the client signal listener. */
  complete(status: number): void;
}

/** Starts the scope of one request and emits its `requestStart` event. */
export function createRequestScope(
  request: HandlerRequest,
  path: string,
  route: RouteName | undefined,
  settings: HandlerSettings,
): RequestScope {
  const startedAt = performance.now();
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(request.signal.reason);
  if (request.signal.aborted) controller.abort(request.signal.reason);
  else request.signal.addEventListener("abort", onClientAbort, { once: true });
  const requestId = `req_${settings.generateId()}`;
  const record: RequestRecordDraft = { retries: 0, stream: false };
  let completed = false;

  const scope: RequestScope = {
    requestId,
    request,
    path,
    settings,
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    elapsed: () => Math.round(performance.now() - startedAt),
    emit(input) {
      const event = { ...input, requestId } as LifecycleEvent;
      foldIntoRecord(record, event);
      settings.emit(event);
    },
    record,
    deferCompletion: false,
    complete(status) {
      if (completed) return;
      completed = true;
      request.signal.removeEventListener("abort", onClientAbort);
      const complete: RequestCompleteRecord = {
        requestId,
        method: request.method,
        path,
        ...record,
        status,
        latencyMs: scope.elapsed(),
      };
      settings.emit({ type: "requestComplete", requestId, route, record: complete });
    },
  };
  settings.emit({ type: "requestStart", requestId, method: request.method, path, route });
  return scope;
}

/** What each event adds to the completion record; the one place that record is written. */
function foldIntoRecord(record: RequestRecordDraft, event: LifecycleEvent): void {
  switch (event.type) {
    case "requestRead":
      record.model = event.model;
      record.geminiModel = event.geminiModel;
      record.stream = event.stream;
      return;
    case "modelSelected":
      record.geminiModel = event.geminiModel;
      return;
    case "upstreamAttemptStart":
      if (event.attempt > 1) record.retries++;
      return;
    case "streamOpen":
      record.stream = true;
      if (event.timeToFirstTokenMs !== undefined) record.timeToFirstTokenMs = event.timeToFirstTokenMs;
      return;
    case "streamEnd":
      assignDefined(record, {
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        thinkingTokens: event.thinkingTokens,
        cachedTokens: event.cachedTokens,
        errorType: event.errorType,
      });
      return;
    case "usage":
      assignDefined(record, {
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        thinkingTokens: event.thinkingTokens,
        cachedTokens: event.cachedTokens,
      });
      return;
    case "contextCacheCreated":
      record.cacheCreationTokens = event.tokens;
      return;
    case "requestFailed":
      record.errorType = event.errorType;
      return;
    case "requestStart":
    case "upstreamAttemptEnd":
    case "requestComplete":
    case "apiKey":
      return;
    default:
      event satisfies never;
  }
}

function assignDefined(record: RequestRecordDraft, fields: Partial<RequestRecordDraft>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) (record as Record<string, unknown>)[key] = value;
  }
}
