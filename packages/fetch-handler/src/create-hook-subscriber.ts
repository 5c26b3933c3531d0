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
  return {
    requestComplete({ record }) {
      // Debug: hosts log the request line from `onRequestComplete`, once.
      logger.debug("request complete", { ...record });
      call("onRequestComplete", onRequestComplete, record, record.requestId);
    },
    upstreamAttemptEnd(event) {
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
    },
    apiKey({ keyFingerprint, event }) {
      call("onApiKeyEvent", onApiKeyEvent, { keyFingerprint, event });
    },
  };
}
