import type { GeminiErrorStatus } from "@claude-gemini/core";
import type { ApiKeyEventRecord, RequestCompleteRecord } from "./fetch-handler-options.js";
import type { RouteName } from "./route-request.js";

/**
 * What happens to one request, in order: `requestStart`, `requestRead` once the body names a
 * model, `modelSelected` for each Gemini model tried, `upstreamAttemptStart`/`End` around every
 * Gemini call (retries included), `streamOpen`/`streamEnd` around an event stream sent to the
 * client, `usage` for a JSON answer, and `requestComplete` last, once. `apiKey` events come from
 * the key pool and belong to no single request. Logs, traces, metrics and the public hooks all
 * read these events (see {@link LifecycleSubscriber}); none of them wraps the handler's options.
 */
export type LifecycleEvent =
  | RequestStartEvent
  | RequestReadEvent
  | ModelSelectedEvent
  | UpstreamAttemptStartEvent
  | UpstreamAttemptEndEvent
  | StreamOpenEvent
  | StreamEndEvent
  | UsageEvent
  | ContextCacheCreatedEvent
  | RequestFailedEvent
  | RequestCompleteEvent
  | ApiKeyEvent;

/** A request arrived. */
export interface RequestStartEvent {
  type: "requestStart";
  requestId: string;
  method: string;
  path: string;
  /** The route its path names (`routeRequest`; also on a 405), or `undefined` for a 404. */
  route: RouteName | undefined;
}

/** The body was read and validated: the model the client asked for, and the Gemini model it maps to. */
export interface RequestReadEvent {
  type: "requestRead";
  requestId: string;
  model: string;
  geminiModel: string;
  stream: boolean;
}

/** The Gemini model the next calls go to: the mapped one, then each fallback in turn. */
export interface ModelSelectedEvent {
  type: "modelSelected";
  requestId: string;
  geminiModel: string;
}

/** A Gemini call begins. */
export interface UpstreamAttemptStartEvent {
  type: "upstreamAttemptStart";
  requestId: string;
  /** 1 for the first call of a retry sequence, 2 for its first retry, and so on. */
  attempt: number;
  stream: boolean;
  geminiModel: string | undefined;
  /** Milliseconds since the Unix epoch. */
  startTime: number;
}

/** What a failed Gemini call said, from `readGeminiFailure` of `@claude-gemini/core`. */
export interface UpstreamFailure {
  /**
   * Gemini's status name (`RESOURCE_EXHAUSTED`…), its HTTP code when it gave no name, `ABORTED`
   * for a cancelled call and `NETWORK` when no answer came at all.
   */
  geminiStatus: string;
  httpStatus: number | undefined;
  status: GeminiErrorStatus | undefined;
  reasons: readonly string[];
  retryDelayMs: number | undefined;
  quota: { quotaIds: string[]; perDay: boolean } | undefined;
  keyRejected: boolean;
}

/** A Gemini call ended: answered (for a stream: its first chunk arrived) or failed. */
export interface UpstreamAttemptEndEvent extends Omit<UpstreamAttemptStartEvent, "type"> {
  type: "upstreamAttemptEnd";
  durationMs: number;
  /** `…` and the last four characters of the pooled key the call went out with, when keys are pooled. */
  keyFingerprint: string | undefined;
  /** The thrown error; absent when Gemini answered. */
  error?: unknown;
  /** The failure's typed fields; absent when Gemini answered. */
  failure?: UpstreamFailure;
}

/** An event stream to the client starts (after Gemini's first chunk). */
export interface StreamOpenEvent {
  type: "streamOpen";
  requestId: string;
  /** From the request's arrival to Gemini's first chunk; absent for an answer replayed as a stream. */
  timeToFirstTokenMs: number | undefined;
}

/** The event stream ended: completed, failed with an error event, or cancelled by the client. */
export interface StreamEndEvent {
  type: "streamEnd";
  requestId: string;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  thinkingTokens: number | undefined;
  cachedTokens: number | undefined;
  /** Anthropic `error.type` of the error event sent, or `"aborted"` when the client went away. */
  errorType: string | undefined;
}

/** Token counts of a JSON answer (messages) or a token count (count_tokens). */
export interface UsageEvent {
  type: "usage";
  requestId: string;
  inputTokens: number;
  outputTokens?: number;
  thinkingTokens?: number;
  cachedTokens?: number;
}

/** A Gemini context cache was created for this request's prefix. */
export interface ContextCacheCreatedEvent {
  type: "contextCacheCreated";
  requestId: string;
  tokens: number;
}

/** The request is answered with an error (before any stream started). */
export interface RequestFailedEvent {
  type: "requestFailed";
  requestId: string;
  status: number;
  /** Anthropic `error.type`, or `"aborted"` when the client went away. */
  errorType: string;
}

/** The response is complete (for a stream: its last byte); its record is built from the events before it. */
export interface RequestCompleteEvent {
  type: "requestComplete";
  requestId: string;
  /** As in {@link RequestStartEvent}. */
  route: RouteName | undefined;
  record: RequestCompleteRecord;
}

/** A pooled Gemini key served a call, was rate limited or was taken out. */
export interface ApiKeyEvent extends ApiKeyEventRecord {
  type: "apiKey";
}

/** The events of one request, without the `requestId` its scope adds. */
export type RequestEventInput = LifecycleEvent extends infer Event
  ? Event extends { requestId: string }
    ? Omit<Event, "requestId">
    : never
  : never;

/**
 * A listener of {@link LifecycleEvent}s, registered once per handler: a function that gets
 * every event, or an object with a method per event type it cares about (`requestComplete`,
 * `upstreamAttemptEnd`…). Subscribers run in order, synchronously; one that throws is logged and
 * skipped, and never changes what the client gets.
 *
 * @example
 * const countStreams: LifecycleSubscriber = { streamOpen: () => open++, streamEnd: () => open-- };
 * createFetchHandler({ apiKey, subscribers: [countStreams] });
 */
export type LifecycleSubscriber = ((event: LifecycleEvent) => void) | LifecycleHooks;

/** The object form of a {@link LifecycleSubscriber}: one optional method per event type. */
export type LifecycleHooks = {
  [Type in LifecycleEvent["type"]]?: (event: Extract<LifecycleEvent, { type: Type }>) => void;
};
