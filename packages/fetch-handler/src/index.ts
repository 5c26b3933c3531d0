export type { CorsOptions } from "./apply-cors.js";
export { checkKeylessRequest, type KeylessRequestOptions } from "./check-keyless-request.js";
export { createFetchHandler } from "./create-fetch-handler.js";
export { createMetrics, type ProxyMetrics } from "./create-metrics.js";
export {
  describeGeminiFailure,
  type GeminiFailure,
  type GeminiFailureContext,
  type GeminiFailureKind,
} from "./describe-gemini-failure.js";
export type {
  ApiKeyEventRecord,
  AutoModeCheckOptions,
  ContextCacheOptions,
  FetchHandler,
  FetchHandlerLogger,
  FetchHandlerOptions,
  RequestCompleteRecord,
  RetryOptions,
  UpstreamAttemptRecord,
} from "./fetch-handler-options.js";
export type {
  ApiKeyEvent,
  ContextCacheCreatedEvent,
  LifecycleEvent,
  LifecycleHooks,
  LifecycleSubscriber,
  ModelSelectedEvent,
  RequestCompleteEvent,
  RequestFailedEvent,
  RequestReadEvent,
  RequestStartEvent,
  StreamEndEvent,
  StreamOpenEvent,
  UpstreamAttemptEndEvent,
  UpstreamAttemptStartEvent,
  UpstreamFailure,
  UsageEvent,
} from "./lifecycle-event.js";
export type { RouteName } from "./route-request.js";
