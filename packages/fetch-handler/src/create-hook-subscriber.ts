import type { FetchHandlerLogger, FetchHandlerOptions } from "./fetch-handler-options.js";
import type { LifecycleHooks } from "./lifecycle-event.js";

/**
 * The handler's own log line and its public hooks as one lifecycle subscriber: the debug
 * `request complete` line and `onRequestComplete` on `requestComplete`, `onUpstreamAttempt` on
 * `upstreamAttemptEnd` (in the documented `UpstreamAttemptRecord` shape) and `onApiKeyEvent` on
 * `apiKey`. Each hook that throws is logged and ignored.
 */
export function createHookSubscriber(
  options: Pick<FetchHandlerOptions, "onRequestComplete" | "onUpstreamAttempt" | "onApiKeyEvent">,
  logger: FetchHandlerLogger,
): LifecycleHooks {
  const { onRequestComplete, onUpstreamAttempt, onApiKeyEvent } = options;
  const call = <T>(name: string, hook: ((record: T) => void) | undefined, record: T, requestId?: string) => {
    if (hook === undefined) return;
    try {
      hook(record);
    } catch (error) {
      logger.warn(`${name} threw`, {
        ...(requestId === undefined ? {} : { requestId }),
        error: String(error),
      });
    }
  };
  const hooks: LifecycleHooks = {
    requestComplete({ record }) {
      // Debug: hosts log the request line from `onRequestComplete`, once.
      logger.debug("request complete", { ...record });
      call("onRequestComplete", onRequestComplete, record, record.requestId);
    },
  };
  // Only when asked for: the record is built for every Gemini call.
  if (onUpstreamAttempt !== undefined) {
    hooks.upstreamAttemptEnd = (event) =>
      call(
        "onUpstreamAttempt",
        onUpstreamAttempt,
        {
          requestId: event.requestId,
          attempt: event.attempt,
          geminiModel: event.geminiModel,
          stream: event.stream,
          startTime: event.startTime,
          durationMs: event.durationMs,
          ...(event.failure === undefined
            ? {}
            : { error: event.error, geminiStatus: event.failure.geminiStatus }),
        },
        event.requestId,
      );
  }
  if (onApiKeyEvent !== undefined) {
    hooks.apiKey = ({ keyFingerprint, event }) =>
      call("onApiKeyEvent", onApiKeyEvent, { keyFingerprint, event });
  }
  return hooks;
}
