import type { GeminiErrorStatus, GeminiGenerateContentResponse } from "@claude-gemini/core";
import { isRetryableGeminiResponse } from "@claude-gemini/core";
import type { RetryOptions } from "./fetch-handler-options.js";
import type { HeaderReader } from "./handler-core.js";
import type { UpstreamFailure } from "./read-upstream-failure.js";

/** What {@link decideRetry} says about one failed attempt. */
export interface RetryDecision {
  retryable: boolean;
  /** The wait the upstream asked for (`RetryInfo.retryDelay`, or the proxy's own `retry-after`). */
  retryAfterMs?: number;
  /** The name of the rule that decided, for logs and tests. */
  rule: string;
}

/** One retry rule: the first rule whose `when` holds decides. */
export interface RetryRule {
  name: string;
  when: (failure: UpstreamFailure) => boolean;
  retry: boolean;
}

/**
 * google.rpc statuses worth another attempt of the same request: overload, rate limits, server
 * faults and timeouts. The rest say the request (or its key) must change first.
 */
const TRANSIENT_GEMINI_STATUS = {
  RESOURCE_EXHAUSTED: true,
  UNAVAILABLE: true,
  INTERNAL: true,
  UNKNOWN: true,
  DATA_LOSS: true,
  CANCELLED: true,
  ABORTED: true,
  DEADLINE_EXCEEDED: true,
  INVALID_ARGUMENT: false,
  FAILED_PRECONDITION: false,
  OUT_OF_RANGE: false,
  ALREADY_EXISTS: false,
  UNIMPLEMENTED: false,
  UNAUTHENTICATED: false,
  PERMISSION_DENIED: false,
  NOT_FOUND: false,
} as const satisfies Record<GeminiErrorStatus, boolean>;

/** The proxy's own failures worth another attempt: a pool at rest, an empty stream, timeouts, silence. */
const TRANSIENT_PROXY_STATUSES: ReadonlySet<number> = new Set([429, 500, 504, 529]);

/** An HTTP code without a google.rpc status: 408, 429 and the 5xx (but 501, "not implemented"). */
function isTransientHttpCode(code: number | undefined): boolean {
  return code === undefined || code === 408 || code === 429 || (code >= 500 && code !== 501);
}

const gemini = (failure: UpstreamFailure) => (failure.source === "gemini" ? failure.gemini : undefined);

/**
 * Every rule that decides whether a failed Gemini call is tried again, in order; the first that
 * holds decides. To add a rule, add a line here (and a row to `retry-policy.test.ts`).
 */
export const RETRY_RULES: readonly RetryRule[] = [
  // An answer that is not JSON came whole and was billed: asking again would pay for it again,
  // and the same gateway or bug would garble it the same way.
  { name: "unparsable answer", when: (failure) => failure.source === "unparsable", retry: false },
  // Waiting seconds cannot cure a per-day quota.
  { name: "per-day quota", when: (failure) => gemini(failure)?.quota?.perDay === true, retry: false },
  { name: "key rejected", when: (failure) => gemini(failure)?.keyRejected === true, retry: false },
  {
    name: "transient Gemini status",
    when: (failure) => {
      const status = gemini(failure)?.status;
      return status !== undefined && TRANSIENT_GEMINI_STATUS[status];
    },
    retry: true,
  },
  { name: "other Gemini status", when: (failure) => gemini(failure)?.status !== undefined, retry: false },
  {
    name: "transient HTTP code",
    when: (failure) =>
      (failure.source === "gemini" && isTransientHttpCode(failure.gemini.httpStatus)) ||
      (failure.source === "http" && isTransientHttpCode(failure.httpStatus)),
    retry: true,
  },
  {
    name: "other HTTP code",
    when: (failure) => failure.source === "gemini" || failure.source === "http",
    retry: false,
  },
  {
    name: "transient proxy failure",
    when: (failure) => failure.source === "proxy" && TRANSIENT_PROXY_STATUSES.has(failure.status),
    retry: true,
  },
  { name: "other proxy failure", when: (failure) => failure.source === "proxy", retry: false },
  { name: "no answer", when: (failure) => failure.source === "no-answer", retry: true },
  // What no rule knows is reported as a server error (500): worth one more try.
  { name: "unknown failure", when: () => true, retry: true },
];

/**
 * Decides from the typed failure whether the call is tried again, and after how long when the
 * upstream said (`RetryInfo`; the `retry-after` that `mapUpstreamError` adds for clients when
 * Gemini gave none is too long for a first quick retry here). Whether that wait fits the budget
 * is `retryWithBackoff`'s part: a delay that does not fit throws the failure to the client.
 */
export function decideRetry(
  failure: UpstreamFailure,
  rules: readonly RetryRule[] = RETRY_RULES,
): RetryDecision {
  const rule = rules.find((candidate) => candidate.when(failure)) ?? RETRY_RULES.at(-1)!;
  if (!rule.retry) return { retryable: false, rule: rule.name };
  const retryAfterMs =
    failure.source === "gemini"
      ? failure.gemini.retryDelayMs
      : failure.source === "proxy"
        ? failure.retryAfterMs
        : undefined;
  return retryAfterMs === undefined
    ? { retryable: true, rule: rule.name }
    : { retryable: true, retryAfterMs, rule: rule.name };
}

/**
 * An answer that came but deserves another attempt (`MALFORMED_FUNCTION_CALL` and its kin,
 * `isRetryableGeminiResponse`). Of a stream only a first chunk that is already the whole answer
 * (it has a finish reason) is judged: the start of an answer says nothing yet.
 */
export function decideRetryForAnswer(
  response: GeminiGenerateContentResponse,
  part: "whole" | "first-chunk",
): boolean {
  if (part === "first-chunk") {
    const finished =
      response.candidates?.[0]?.finishReason !== undefined ||
      response.promptFeedback?.blockReason !== undefined;
    if (!finished) return false;
  }
  return isRetryableGeminiResponse(response);
}

/**
 * The proxy's retries for one request. A client that says it is retrying already
 * (`x-stainless-retry-count` above 0, sent by the official SDKs and so by Claude Code) gets a
 * single upstream attempt: its own retries and the proxy's must add up, not multiply (Claude
 * Code's ten tries of a persistent 429 would otherwise cost thirty Gemini calls).
 */
export function readRetryBudget(
  headers: HeaderReader,
  retry: Required<RetryOptions>,
): Required<RetryOptions> {
  const clientRetry = Number(headers.get("x-stainless-retry-count") ?? "0");
  if (Number.isFinite(clientRetry) && clientRetry > 0) return { ...retry, maxAttempts: 1 };
  return retry;
}
