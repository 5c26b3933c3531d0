import { ClaudeGeminiError } from "@claude-gemini/core";
import { describe, expect, it } from "vitest";
import { readUpstreamFailure } from "./read-upstream-failure.js";
import {
  buildRetryRules,
  decideRetry,
  decideRetryForAnswer,
  RETRY_RULES,
  readRetryBudget,
  resolveRetrySettings,
} from "./retry-policy.js";

const apiError = (status: number, error: Record<string, unknown>) =>
  Object.assign(new Error(JSON.stringify({ error })), { name: "ApiError", status });
const gemini = (code: number, status: string | undefined, details: unknown[] = [], message = "x") =>
  apiError(code, { code, ...(status === undefined ? {} : { status }), message, details });
const proxy = (status: number, retryAfterSeconds?: number) =>
  new ClaudeGeminiError({ status, type: "api_error", message: "proxy", retryAfterSeconds });
const networkError = (code?: string) =>
  Object.assign(
    new TypeError("fetch failed"),
    code === undefined ? {} : { cause: Object.assign(new Error("x"), { code }) },
  );

const PER_DAY = [
  { violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }] },
  { retryDelay: "30s" },
];
const PER_MINUTE = [
  { violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel" }] },
  { retryDelay: "1.5s" },
];
const KEY_INVALID = [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }];

describe("decideRetry: every rule, from the typed failure", () => {
  it.each([
    ["a per-day quota", gemini(429, "RESOURCE_EXHAUSTED", PER_DAY), false, "per-day quota", undefined],
    [
      "a per-minute quota, after its RetryInfo",
      gemini(429, "RESOURCE_EXHAUSTED", PER_MINUTE),
      true,
      "transient Gemini status",
      1500,
    ],
    ["an overloaded model", gemini(503, "UNAVAILABLE"), true, "transient Gemini status", undefined],
    ["an internal error", gemini(500, "INTERNAL"), true, "transient Gemini status", undefined],
    ["a deadline", gemini(504, "DEADLINE_EXCEEDED"), true, "transient Gemini status", undefined],
    ["an invalid argument", gemini(400, "INVALID_ARGUMENT"), false, "other Gemini status", undefined],
    ["a model not found", gemini(404, "NOT_FOUND"), false, "other Gemini status", undefined],
    ["a permission refusal", gemini(403, "PERMISSION_DENIED"), false, "other Gemini status", undefined],
    ["a rejected key", gemini(400, "INVALID_ARGUMENT", KEY_INVALID), false, "key rejected", undefined],
    ["a 503 without a status", gemini(503, undefined), true, "transient HTTP code", undefined],
    ["a 501 without a status", gemini(501, undefined), false, "other HTTP code", undefined],
    ["a 400 without a status", gemini(400, undefined), false, "other HTTP code", undefined],
    [
      "a bare 502 page",
      Object.assign(new Error("<html>"), { name: "ApiError", status: 502 }),
      true,
      "transient HTTP code",
      undefined,
    ],
    [
      "a non-Gemini 408",
      Object.assign(new Error("timeout"), { status: 408 }),
      true,
      "transient HTTP code",
      undefined,
    ],
    [
      "a non-Gemini 404",
      Object.assign(new Error("nope"), { status: 404 }),
      false,
      "other HTTP code",
      undefined,
    ],
    [
      "an answer that is not JSON",
      new SyntaxError("Unexpected token"),
      false,
      "unparsable answer",
      undefined,
    ],
    ["the proxy's idle timeout", proxy(529), true, "transient proxy failure", undefined],
    ["a pool at rest", proxy(429, 7), true, "transient proxy failure", 7000],
    ["the proxy's own 400", proxy(400), false, "other proxy failure", undefined],
    ["a refused connection", networkError("ECONNREFUSED"), true, "no answer", undefined],
    ["a fetch TypeError without a code", networkError(), true, "no answer", undefined],
    ["an abort", Object.assign(new Error("aborted"), { name: "AbortError" }), true, "no answer", undefined],
    ["a bug", new RangeError("oops"), true, "unknown failure", undefined],
    ["a thrown string", "boom", true, "unknown failure", undefined],
  ] as const)("%s: retry %s (%s)", (_label, error, retryable, rule, retryAfterMs) => {
    const decision = decideRetry(readUpstreamFailure(error));
    expect(decision).toEqual(
      retryAfterMs === undefined ? { retryable, rule } : { retryable, rule, retryAfterMs },
    );
  });

  it("never reads a retry delay or a verdict out of message text", () => {
    const quoted = gemini(
      503,
      "UNAVAILABLE",
      [],
      'please wait "retryDelay": "90s", API key not valid, PerDay',
    );
    const decision = decideRetry(readUpstreamFailure(quoted));
    expect(decision).toEqual({ retryable: true, rule: "transient Gemini status" });
    expect(decision.retryAfterMs).toBeUndefined();
    const client = gemini(400, "INVALID_ARGUMENT", [], "The model is overloaded. Please try again later.");
    expect(decideRetry(readUpstreamFailure(client))).toEqual({
      retryable: false,
      rule: "other Gemini status",
    });
  });

  it("lets a rule list be extended in one place: the first rule that holds decides", () => {
    const rules = [{ name: "never retry 503", when: () => true, retry: false }, ...RETRY_RULES];
    expect(decideRetry(readUpstreamFailure(gemini(503, "UNAVAILABLE")), rules)).toEqual({
      retryable: false,
      rule: "never retry 503",
    });
    expect(RETRY_RULES.at(-1)?.name).toBe("unknown failure");
  });
});

describe("decideRetryForAnswer", () => {
  const malformed = { candidates: [{ finishReason: "MALFORMED_FUNCTION_CALL" }] } as never;
  const started = { candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] } }] } as never;
  const stopped = {
    candidates: [{ finishReason: "STOP", content: { role: "model", parts: [{ text: "Hi" }] } }],
  } as never;
  it.each([
    ["a malformed function call", malformed, "whole", true],
    ["a malformed function call as a complete first chunk", malformed, "first-chunk", true],
    ["the start of a stream", started, "first-chunk", false],
    ["a finished answer", stopped, "whole", false],
    ["a finished first chunk", stopped, "first-chunk", false],
  ] as const)("%s (%s): %s", (_label, response, part, expected) => {
    expect(decideRetryForAnswer(response, part)).toBe(expected);
  });
});

describe("buildRetryRules: a list of HTTP statuses to retry", () => {
  const rules = buildRetryRules([429, 503]);
  it.each([
    ["a listed 503", gemini(503, "UNAVAILABLE"), true, "listed HTTP status"],
    [
      "a listed 429 per-minute quota",
      gemini(429, "RESOURCE_EXHAUSTED", PER_MINUTE),
      true,
      "listed HTTP status",
    ],
    [
      "an unlisted 500, which the default rules retry",
      gemini(500, "INTERNAL"),
      false,
      "unlisted HTTP status",
    ],
    ["an unlisted 504", gemini(504, "DEADLINE_EXCEEDED"), false, "unlisted HTTP status"],
    [
      "a listed 429 that is a per-day quota",
      gemini(429, "RESOURCE_EXHAUSTED", PER_DAY),
      false,
      "per-day quota",
    ],
    ["a rejected key", gemini(400, "INVALID_ARGUMENT", KEY_INVALID), false, "key rejected"],
    [
      "a bare listed 503 page",
      Object.assign(new Error("<html>"), { name: "ApiError", status: 503 }),
      true,
      "listed HTTP status",
    ],
    ["the proxy's own 529", proxy(529), true, "transient proxy failure"],
    ["a reset connection", networkError("ECONNRESET"), true, "no answer"],
  ] as const)("%s → retry %s (%s)", (_label, error, retryable, rule) => {
    const decision = decideRetry(readUpstreamFailure(error), rules);
    expect(decision).toMatchObject({ retryable, rule });
  });

  it("is the default rule list when no statuses are given", () => {
    expect(buildRetryRules(undefined)).toBe(RETRY_RULES);
  });
});

describe("resolveRetrySettings: the retry option, then a client's retryOptions, then the defaults", () => {
  it("fills every default", () => {
    expect(resolveRetrySettings(undefined, undefined)).toEqual({
      maxAttempts: 3,
      maxTotalDelayMs: 20_000,
      baseDelayMs: 500,
      maxDelayMs: 60_000,
      backoffFactor: 2,
      jitter: 0.5,
      rules: RETRY_RULES,
    });
  });

  it("takes each field from the option first, the client second", () => {
    const settings = resolveRetrySettings(
      { maxAttempts: 2, jitter: 0 },
      { maxAttempts: 5, baseDelayMs: 1000, backoffFactor: 3, jitter: 1, httpStatusCodes: [503] },
    );
    expect(settings).toMatchObject({ maxAttempts: 2, baseDelayMs: 1000, backoffFactor: 3, jitter: 0 });
    expect(decideRetry(readUpstreamFailure(gemini(500, "INTERNAL")), settings.rules).retryable).toBe(false);
  });

  it("brings numbers out of range into it", () => {
    expect(
      resolveRetrySettings(
        {
          maxAttempts: 0,
          baseDelayMs: -5,
          maxDelayMs: -1,
          backoffFactor: 0.5,
          jitter: 7,
          maxTotalDelayMs: -1,
        },
        undefined,
      ),
    ).toMatchObject({
      maxAttempts: 1,
      baseDelayMs: 0,
      maxDelayMs: 0,
      backoffFactor: 1,
      jitter: 1,
      maxTotalDelayMs: 0,
    });
  });
});

describe("readRetryBudget: the client's retries and the proxy's add up", () => {
  const retry = resolveRetrySettings(undefined, undefined);
  it.each([
    [undefined, 3],
    ["0", 3],
    ["1", 1],
    ["10", 1],
    ["not a number", 3],
  ])("x-stainless-retry-count %s → %i attempts", (count, attempts) => {
    const headers = new Headers(count === undefined ? {} : { "x-stainless-retry-count": count });
    expect(readRetryBudget(headers, retry)).toEqual({ ...retry, maxAttempts: attempts });
  });
});
