import { readGeminiFailure } from "@claude-gemini/core";
import type { UpstreamCallScope } from "./create-upstream-pool.js";
import type { UpstreamFailure } from "./lifecycle-event.js";
import type { RequestScope } from "./request-scope.js";

/**
 * Wraps one Gemini call of a request so that each attempt is reported as a pair of lifecycle
 * events: `upstreamAttemptStart`, then `upstreamAttemptEnd` with its duration, the pooled key it
 * used and, when it failed, the typed fields of `readGeminiFailure`. The call's own result or
 * failure passes through untouched. The operation gets the attempt's {@link UpstreamCallScope},
 * which the upstream pool tells which key it used.
 */
export function observeUpstreamAttempt<T>(
  scope: RequestScope,
  call: { geminiModel: string | undefined; stream: boolean },
  operation: (attempt: number, upstreamScope: UpstreamCallScope) => Promise<T>,
): (attempt: number) => Promise<T> {
  return async (attempt) => {
    const startTime = Date.now();
    const startedAt = performance.now();
    const upstreamScope: UpstreamCallScope = {
      requestId: scope.requestId,
      emit: scope.emit,
      keyFingerprint: undefined,
    };
    const started = { attempt, stream: call.stream, geminiModel: call.geminiModel, startTime };
    scope.emit({ type: "upstreamAttemptStart", ...started });
    const end = (failed: boolean, error?: unknown) =>
      scope.emit({
        type: "upstreamAttemptEnd",
        ...started,
        durationMs: performance.now() - startedAt,
        keyFingerprint: upstreamScope.keyFingerprint,
        ...(failed ? { error, failure: describeUpstreamFailure(error) } : {}),
      });
    try {
      const value = await operation(attempt, upstreamScope);
      end(false);
      return value;
    } catch (error) {
      end(true, error);
      throw error;
    }
  };
}

/**
 * The typed fields of a failed call: `readGeminiFailure`'s, with `geminiStatus` its status name,
 * its HTTP code when it gave no name, `ABORTED` for a cancelled call and `NETWORK` when no answer
 * came at all.
 */
function describeUpstreamFailure(error: unknown): UpstreamFailure {
  const failure = readGeminiFailure(error);
  return {
    geminiStatus: readGeminiStatus(error, failure),
    httpStatus: failure?.httpStatus,
    status: failure?.status,
    reasons: failure?.reasons ?? [],
    retryDelayMs: failure?.retryDelayMs,
    quota: failure?.quota,
    keyRejected: failure?.keyRejected ?? false,
  };
}

function readGeminiStatus(error: unknown, failure: ReturnType<typeof readGeminiFailure>): string {
  if (typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError") {
    return "ABORTED";
  }
  if (failure?.status !== undefined) return failure.status;
  if (failure?.httpStatus !== undefined) return String(failure.httpStatus);
  const status =
    typeof error === "object" && error !== null ? (error as { status?: unknown }).status : undefined;
  if (typeof status === "number" && status >= 400) return String(status);
  return "NETWORK";
}
