import type { RequestScope } from "./request-scope.js";

/**
 * Wraps one Gemini call of a request so that {@link FetchHandlerOptions.onUpstreamAttempt}
 * hears of each attempt: when it started, how long it took, and how it failed. The call's
 * own result or failure passes through untouched, and a throwing hook is ignored: metrics and
 * traces must never change what the client gets.
 */
export function observeUpstreamAttempt<T>(
  scope: RequestScope,
  operation: (attempt: number) => Promise<T>,
): (attempt: number) => Promise<T> {
  const hook = scope.settings.onUpstreamAttempt;
  if (hook === undefined) return operation;
  return async (attempt) => {
    const startTime = Date.now();
    const startedAt = performance.now();
    const report = (error: unknown, failed: boolean) => {
      try {
        hook({
          requestId: scope.requestId,
          attempt,
          geminiModel: scope.record.geminiModel,
          stream: scope.record.stream ?? false,
          startTime,
          durationMs: performance.now() - startedAt,
          ...(failed ? { error, geminiStatus: readGeminiStatus(error) } : {}),
        });
      } catch (hookError) {
        scope.settings.logger.warn("onUpstreamAttempt threw", {
          requestId: scope.requestId,
          error: String(hookError),
        });
      }
    };
    try {
      const value = await operation(attempt);
      report(undefined, false);
      return value;
    } catch (error) {
      report(error, true);
      throw error;
    }
  };
}

/**
 * Gemini's status name from whatever the SDK threw: an `ApiError` carries Gemini's error body
 * as JSON in its message, a stream chunk `{error: {status}}` carries it directly. The proxy's
 * own failures (an idle upstream cut) fall back to their HTTP status.
 */
function readGeminiStatus(error: unknown): string {
  if (typeof error !== "object" || error === null) return "UNKNOWN";
  const record = error as {
    name?: unknown;
    status?: unknown;
    message?: unknown;
    error?: { status?: unknown };
  };
  if (record.name === "AbortError") return "ABORTED";
  if (typeof record.error?.status === "string") return record.error.status;
  if (typeof record.message === "string") {
    const named = /"status"\s*:\s*"([A-Z_]+)"/.exec(record.message)?.[1];
    if (named !== undefined) return named;
  }
  if (typeof record.status === "number" && record.status >= 400) return String(record.status);
  return "NETWORK";
}
