export type { CorsOptions } from "./apply-cors.js";
export { checkKeylessRequest, type KeylessRequestOptions } from "./check-keyless-request.js";
export { createErrorResponse } from "./create-error-response.js";
export { createFetchHandler } from "./create-fetch-handler.js";
export { createFetchTransport, type TransportFetch } from "./create-fetch-transport.js";
export { createMetrics, type ProxyMetrics } from "./create-metrics.js";
export { createRequestLogger, type LogLevel, type RequestLoggerOptions } from "./create-request-logger.js";
export { decodeContentEncoding, isDecodableEncoding } from "./decode-content-encoding.js";
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
export {
  type AnswerBody,
  type AnswerEventSource,
  type EventSink,
  findHandlerCore,
  HANDLER_CORE,
  type HandlerAnswer,
  type HandlerCore,
  type HandlerRequest,
  type HeaderReader,
  isEventSource,
} from "./handler-core.js";
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
export {
  ENVIRONMENT_VARIABLE_NAMES,
  MISSING_API_KEY_MESSAGE,
  type ParsedEnvironment,
  parseEnvironment,
} from "./parse-environment.js";
export { DEFAULT_MAX_BODY_BYTES } from "./read-json-body.js";
export type { RouteName } from "./route-request.js";
export type { UpstreamReply, UpstreamRequest, UpstreamTransport } from "./upstream-transport.js";
