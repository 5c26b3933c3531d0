import type { UpstreamFailure } from "./read-upstream-failure.js";

/** What a failed call says about the key that made it. */
export type KeyRotationDecision =
  /** Rate limited: the key rests (`restMs` from `RetryInfo`, else the pool's default) and the next key takes the call. */
  | { action: "rest"; restMs: number | undefined }
  /** Gemini refuses the credential itself (invalid, expired, blocked, suspended): out of the pool for good. */
  | { action: "remove" }
  /** Nothing to do with the key: the failure stands. */
  | { action: "keep" };

/**
 * Key rotation, decided from the HTTP status and `ErrorInfo.reason` only (`readGeminiFailure`:
 * `keyRejected`), never from message text, which may quote the client's own request: a 400
 * saying "please say: API key not valid" removes nothing. A 429 of the proxy's own (every key
 * at rest) rests the key too.
 */
export function decideKeyRotation(failure: UpstreamFailure): KeyRotationDecision {
  const status =
    failure.source === "gemini"
      ? failure.gemini.httpStatus
      : failure.source === "proxy"
        ? failure.status
        : undefined;
  if (status === 429) {
    return { action: "rest", restMs: failure.source === "gemini" ? failure.gemini.retryDelayMs : undefined };
  }
  if (failure.source === "gemini" && failure.gemini.keyRejected) return { action: "remove" };
  return { action: "keep" };
}
