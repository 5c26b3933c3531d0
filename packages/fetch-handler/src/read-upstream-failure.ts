import {
  ClaudeGeminiError,
  type GeminiFailure,
  readGeminiFailure,
  readNetworkFailure,
} from "@claude-gemini/core";
import { isParseError } from "./describe-failure.js";

/**
 * A failed upstream call, typed, as every policy (retry, key rotation, capability correction,
 * model fallback) reads it. Built from the structured error only: Gemini's answer through
 * `readGeminiFailure`, the proxy's own `ClaudeGeminiError`, and for a call that got no answer
 * the error's name and network code. Never from message text.
 */
export type UpstreamFailure =
  /** Gemini answered with an error (an `ApiError`, an `{ error }` stream chunk). */
  | { source: "gemini"; gemini: GeminiFailure }
  /** The proxy's own failure around the call: a timeout, an empty stream, a pool without a usable key. */
  | { source: "proxy"; status: number; retryAfterMs: number | undefined }
  /** Something answered with an HTTP status but not in Gemini's error format. */
  | { source: "http"; httpStatus: number }
  /** An answer came and was not JSON: whole, billed, and garbled the same way next time. */
  | { source: "unparsable" }
  /** No answer came: the connection failed (`unreachable`) or the wait ran out (`timeout`). */
  | { source: "no-answer"; cause: "unreachable" | "timeout" }
  /** Anything else (a bug): treated like a server error. */
  | { source: "unknown" };

/**
 * Reads what kind of failure `error` is; a call without an answer is told apart by core's
 * `readNetworkFailure` (names and network codes, a bare `fetch` TypeError).
 *
 * @example
 * const failure = readUpstreamFailure(error);
 * if (failure.source === "gemini" && failure.gemini.quota?.perDay) …
 */
export function readUpstreamFailure(error: unknown): UpstreamFailure {
  if (ClaudeGeminiError.isInstance(error)) {
    return {
      source: "proxy",
      status: error.status,
      retryAfterMs: error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000,
    };
  }
  if (isParseError(error)) return { source: "unparsable" };
  if (typeof error !== "object" || error === null) return { source: "unknown" };
  const gemini = readGeminiFailure(error);
  if (gemini !== undefined) return { source: "gemini", gemini };
  const record = error as { name?: unknown; status?: unknown };
  if (typeof record.status === "number" && record.status >= 400 && record.status < 600) {
    return { source: "http", httpStatus: record.status };
  }
  const network = readNetworkFailure(error);
  if (network !== undefined) return { source: "no-answer", cause: network.cause };
  return { source: "unknown" };
}
