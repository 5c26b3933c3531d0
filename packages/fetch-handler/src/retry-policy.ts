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

/** The rules that never retry, whatever else is configured: they come first in every list. */
const NEVER_RETRIED_RULES: readonly RetryRule[] = [
  // An answer that is not JSON came whole and was billed: asking again would pay for it again,
  // and the same gateway or bug would garble it the same way.
  { name: "unparsable answer", when: (failure) => failure.source === "unparsable", retry: false },
  // Waiting seconds cannot cure a per-day quota.
  { name: "per-day quota", when: (failure) => gemini(failure)?.quota?.perDay === true, retry: false },
  { name: "key rejected", when: (failure) => gemini(failure)?.keyRejected === true, retry: false },
];

/** Gemini's answers with a status: transient ones are tried again, the rest are not. */
const STATUS_RULES: readonly RetryRule[] = [
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
];

/** Failures that are not an answer of Gemini's: the proxy's own, a call that got no answer. */
const OTHER_RULES: readonly RetryRule[] = [
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
 * Every rule that decides whether a failed Gemini call is tried again, in order; the first that
 * holds decides. To add a rule, add a line to one of the lists above (and a row to
 * `retry-policy.test.ts`).
 */
export const RETRY_RULES: readonly RetryRule[] = [...NEVER_RETRIED_RULES, ...STATUS_RULES, ...OTHER_RULES];

/** The HTTP status of Gemini's answer to a failed call, when there was one. */
function readHttpStatus(failure: UpstreamFailure): number | undefined {
  if (failure.source === "gemini") return failure.gemini.httpStatus;
  return failure.source === "http" ? failure.httpStatus : undefined;
}

/**
 * The rules for a configured list of HTTP statuses to retry (`RetryOptions.httpStatusCodes`,
 * or a client's `retryOptions.httpStatusCodes`): after the rules that never retry, a failed
 * call whose HTTP status is listed is tried again and one whose status is not listed is not;
 * failures without an HTTP status keep {@link RETRY_RULES}. Without a list, `RETRY_RULES`.
 */
export function buildRetryRules(httpStatusCodes?: readonly number[]): readonly RetryRule[] {
  if (httpStatusCodes === undefined) return RETRY_RULES;
  const listed = new Set(httpStatusCodes);
  return [
    ...NEVER_RETRIED_RULES,
    {
      name: "listed HTTP status",
      when: (failure) => {
        const status = readHttpStatus(failure);
        return status !== undefined && listed.has(status);
      },
      retry: true,
    },
    { name: "unlisted HTTP status", when: (failure) => readHttpStatus(failure) !== undefined, retry: false },
    ...STATUS_RULES,
    ...OTHER_RULES,
  ];
}

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

/** The default of each {@link RetryOptions} number, for the handler and for any other caller of `retryWithBackoff`. */
export const RETRY_DEFAULTS = {
  maxAttempts: 3,
  maxTotalDelayMs: 20_000,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  backoffFactor: 2,
  jitter: 0.5,
} as const satisfies Required<Omit<RetryOptions, "httpStatusCodes">>;

/** {@link RetryOptions} with every default filled in and the rules built. */
export interface RetrySettings {
  maxAttempts: number;
  maxTotalDelayMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  backoffFactor: number;
  jitter: number;
  /** The rules in force: {@link RETRY_RULES}, or those of `httpStatusCodes` (`buildRetryRules`). */
  rules: readonly RetryRule[];
}

/**
 * The handler's retry settings: each field of `options` (the handler's `retry` option), else of
 * `fromClient` (what a `client`'s `httpOptions.retryOptions` say, `readClientRetryOptions`),
 * else the default. Numbers out of range are brought into it.
 */
export function resolveRetrySettings(
  options: RetryOptions | undefined,
  fromClient: RetryOptions | undefined,
): RetrySettings {
  const pick = <K extends keyof RetryOptions>(key: K): RetryOptions[K] => options?.[key] ?? fromClient?.[key];
  const baseDelayMs = Math.max(0, pick("baseDelayMs") ?? RETRY_DEFAULTS.baseDelayMs);
  return {
    maxAttempts: Math.max(1, Math.floor(pick("maxAttempts") ?? RETRY_DEFAULTS.maxAttempts)),
    maxTotalDelayMs: Math.max(0, pick("maxTotalDelayMs") ?? RETRY_DEFAULTS.maxTotalDelayMs),
    baseDelayMs,
    maxDelayMs: Math.max(baseDelayMs, pick("maxDelayMs") ?? RETRY_DEFAULTS.maxDelayMs),
    backoffFactor: Math.max(1, pick("backoffFactor") ?? RETRY_DEFAULTS.backoffFactor),
    jitter: Math.min(1, Math.max(0, pick("jitter") ?? RETRY_DEFAULTS.jitter)),
    rules: buildRetryRules(pick("httpStatusCodes")),
  };
}

/**
 * The proxy's retries for one request. A client that says it is retrying already
 * (`x-stainless-retry-count` above 0, sent by the official SDKs and so by Claude Code) gets a
 * single upstream attempt: its own retries and the proxy's must add up, not multiply (Claude
 * Code's ten tries of a persistent 429 would otherwise cost thirty Gemini calls).
 */
export function readRetryBudget(headers: HeaderReader, retry: RetrySettings): RetrySettings {
  const clientRetry = Number(headers.get("x-stainless-retry-count") ?? "0");
  if (Number.isFinite(clientRetry) && clientRetry > 0) return { ...retry, maxAttempts: 1 };
  return retry;
}
