import { readGeminiFailure } from "@claude-gemini/core";
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
 * Gemini's status name for a failed call (`readGeminiFailure`), its HTTP code when it gave no
 * name, `ABORTED` for a cancelled call, and `NETWORK` when no answer came at all.
 */
function readGeminiStatus(error: unknown): string {
  if (typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError") {
    return "ABORTED";
  }
  const failure = readGeminiFailure(error);
  if (failure?.status !== undefined) return failure.status;
  if (failure?.httpStatus !== undefined) return String(failure.httpStatus);
  const status =
    typeof error === "object" && error !== null ? (error as { status?: unknown }).status : undefined;
  if (typeof status === "number" && status >= 400) return String(status);
  return "NETWORK";
}
