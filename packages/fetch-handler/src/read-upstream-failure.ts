import { ClaudeGeminiError, type GeminiFailure, readGeminiFailure } from "@claude-gemini/core";
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

/** Node (undici), Bun and Deno codes for "could not reach the host". */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "ConnectionRefused",
  "ConnectionClosed",
  "FailedToOpenSocket",
]);

/** Codes for "the wait ran out". */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * Reads what kind of failure `error` is. A `TypeError` without a code counts as "no answer":
 * `fetch` rejects with one for every network error
 * (https://fetch.spec.whatwg.org/#fetch-method), whatever its runtime-specific message says.
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
  if (record.name === "AbortError" || record.name === "TimeoutError")
    return { source: "no-answer", cause: "timeout" };
  const code = findErrorCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) return { source: "no-answer", cause: "timeout" };
  if (code !== undefined && CONNECTION_CODES.has(code)) return { source: "no-answer", cause: "unreachable" };
  // Without a code (Deno, browsers): `fetch`'s own TypeError. With another code it is a bug.
  if (record.name === "TypeError" && code === undefined) return { source: "no-answer", cause: "unreachable" };
  return { source: "unknown" };
}

/** A string `code` on the error or its `cause` chain (undici puts it on `cause`). */
function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
