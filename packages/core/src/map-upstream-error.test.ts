import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";
import apiKeyExpired from "./__fixtures__/errors/api-key-expired.json" with { type: "json" };
import apiKeyInvalid from "./__fixtures__/errors/api-key-invalid.json" with { type: "json" };
import deadlineExceeded from "./__fixtures__/errors/deadline-exceeded.json" with { type: "json" };
import inputTokenLimit from "./__fixtures__/errors/input-token-limit.json" with { type: "json" };
import internal from "./__fixtures__/errors/internal.json" with { type: "json" };
import invalidArgumentSchema from "./__fixtures__/errors/invalid-argument-schema.json" with { type: "json" };
import missingThoughtSignature from "./__fixtures__/errors/missing-thought-signature.json" with {
  type: "json",
};
import notFoundModel from "./__fixtures__/errors/not-found-model.json" with { type: "json" };
import permissionDenied from "./__fixtures__/errors/permission-denied.json" with { type: "json" };
import resourceExhaustedPerDay from "./__fixtures__/errors/resource-exhausted-per-day.json" with {
  type: "json",
};
import resourceExhaustedPerMinute from "./__fixtures__/errors/resource-exhausted-per-minute.json" with {
  type: "json",
};
import unavailableOverloaded from "./__fixtures__/errors/unavailable-overloaded.json" with { type: "json" };
import userLocation from "./__fixtures__/errors/user-location.json" with { type: "json" };
import type { AnthropicErrorType } from "./anthropic-api.js";
import { ClaudeGeminiError, InvalidRequestError } from "./claude-gemini-error.js";
import type { GeminiErrorStatus } from "./gemini-api.js";
import { mapUpstreamError } from "./map-upstream-error.js";

/** What `@google/genai` throws for a non-2xx answer: the JSON body as the message. */
function apiErrorFor(body: { error: { code: number } }): ApiError {
  return new ApiError({ message: JSON.stringify(body), status: body.error.code });
}

const ANTHROPIC_STATUS: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

describe("mapUpstreamError: every google.rpc status", () => {
  it.each<[GeminiErrorStatus, number, AnthropicErrorType, string]>([
    ["INVALID_ARGUMENT", 400, "invalid_request_error", "false"],
    ["FAILED_PRECONDITION", 400, "invalid_request_error", "false"],
    ["OUT_OF_RANGE", 400, "invalid_request_error", "false"],
    ["ALREADY_EXISTS", 400, "invalid_request_error", "false"],
    ["UNIMPLEMENTED", 400, "invalid_request_error", "false"],
    ["UNAUTHENTICATED", 401, "authentication_error", "false"],
    ["PERMISSION_DENIED", 403, "permission_error", "false"],
    ["NOT_FOUND", 404, "not_found_error", "false"],
    ["RESOURCE_EXHAUSTED", 429, "rate_limit_error", "true"],
    ["CANCELLED", 500, "api_error", "true"],
    ["ABORTED", 500, "api_error", "true"],
    ["UNKNOWN", 500, "api_error", "true"],
    ["INTERNAL", 500, "api_error", "true"],
    ["DATA_LOSS", 500, "api_error", "true"],
    ["UNAVAILABLE", 529, "overloaded_error", "true"],
    ["DEADLINE_EXCEEDED", 504, "timeout_error", "true"],
  ])("%s → %i %s", (geminiStatus, status, type, shouldRetry) => {
    const response = mapUpstreamError({
      error: { code: 418, message: "Something happened.", status: geminiStatus },
    });
    expect(response.status).toBe(status);
    expect(response.body.error.type).toBe(type);
    expect(ANTHROPIC_STATUS[response.body.error.type]).toBe(status);
    expect(response.body.error.message).toBe(`Gemini: Something happened. (${geminiStatus})`);
    expect(response.headers["x-should-retry"]).toBe(shouldRetry);
    expect(response.headers["content-type"]).toBe("application/json");
    expect("retry-after" in response.headers).toBe(status === 429 || status === 529);
  });

  it.each<[number, number, AnthropicErrorType]>([
    [400, 400, "invalid_request_error"],
    [401, 401, "authentication_error"],
    [403, 403, "permission_error"],
    [404, 404, "not_found_error"],
    [408, 504, "timeout_error"],
    [413, 413, "request_too_large"],
    [422, 400, "invalid_request_error"],
    [429, 429, "rate_limit_error"],
    [500, 500, "api_error"],
    [502, 529, "overloaded_error"],
    [503, 529, "overloaded_error"],
    [504, 504, "timeout_error"],
    [507, 500, "api_error"],
  ])("falls back on HTTP %i when the status name is missing → %i %s", (code, status, type) => {
    const response = mapUpstreamError({ error: { code, message: "No status here." } });
    expect(response.status).toBe(status);
    expect(response.body.error.type).toBe(type);
    expect(response.body.error.message).toBe(`Gemini: No status here. (${code})`);
  });

  it("treats an unknown status name by its HTTP code", () => {
    const response = mapUpstreamError({
      error: { code: 503, message: "Try later.", status: "SOMETHING_NEW" },
    });
    expect(response.status).toBe(529);
  });
});

describe("mapUpstreamError: recorded Gemini error bodies thrown as ApiError", () => {
  it.each<[string, { error: { code: number } }, number, AnthropicErrorType]>([
    ["api-key-invalid", apiKeyInvalid, 401, "authentication_error"],
    ["api-key-expired", apiKeyExpired, 401, "authentication_error"],
    ["invalid-argument-schema", invalidArgumentSchema, 400, "invalid_request_error"],
    ["missing-thought-signature", missingThoughtSignature, 400, "invalid_request_error"],
    ["user-location", userLocation, 400, "invalid_request_error"],
    ["permission-denied", permissionDenied, 403, "permission_error"],
    ["not-found-model", notFoundModel, 404, "not_found_error"],
    ["resource-exhausted-per-minute", resourceExhaustedPerMinute, 429, "rate_limit_error"],
    ["resource-exhausted-per-day", resourceExhaustedPerDay, 429, "rate_limit_error"],
    ["internal", internal, 500, "api_error"],
    ["unavailable-overloaded", unavailableOverloaded, 529, "overloaded_error"],
    ["deadline-exceeded", deadlineExceeded, 504, "timeout_error"],
    ["input-token-limit", inputTokenLimit, 400, "invalid_request_error"],
  ])("%s", (_name, fixture, status, type) => {
    const response = mapUpstreamError(apiErrorFor(fixture));
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ type: "error", error: { type, message: expect.any(String) } });
    expect(response.body.error.message).toMatch(/^(?:prompt is too long: .*)?Gemini: /);
    expect(response.body.error.message).not.toContain("{");
  });

  it("keeps Gemini's reason and status in the message", () => {
    const response = mapUpstreamError(apiErrorFor(unavailableOverloaded));
    expect(response.body.error.message).toBe(
      "Gemini: The model is overloaded. Please try again later. (UNAVAILABLE)",
    );
  });

  it("reads the stream-chunk form `got status: X. {json}`", () => {
    const error = new ApiError({
      message: `got status: UNAVAILABLE. ${JSON.stringify(unavailableOverloaded)}`,
      status: 503,
    });
    const response = mapUpstreamError(error);
    expect(response.status).toBe(529);
    expect(response.body.error.message).toContain("The model is overloaded");
  });

  it("finds the JSON body behind a prefix that has brackets of its own", () => {
    const error = new ApiError({
      message: `[503] upstream said: ${JSON.stringify(unavailableOverloaded)}`,
      status: 503,
    });
    expect(mapUpstreamError(error).body.error.message).toContain("(UNAVAILABLE)");
  });

  it("reads a JSON array body (non-SSE streamGenerateContent)", () => {
    const error = new ApiError({ message: JSON.stringify([notFoundModel]), status: 404 });
    expect(mapUpstreamError(error).body.error.type).toBe("not_found_error");
  });

  it("duck-types an ApiError from another copy of the SDK", () => {
    const foreign = { name: "ApiError", status: 403, message: JSON.stringify(permissionDenied) };
    expect(mapUpstreamError(foreign).status).toBe(403);
  });

  it("uses the HTTP status of an ApiError whose message is not JSON", () => {
    const response = mapUpstreamError(new ApiError({ message: "Service Unavailable", status: 503 }));
    expect(response.status).toBe(529);
    expect(response.body.error.message).toBe("Gemini: Service Unavailable");
  });

  it("does not echo an HTML error page", () => {
    const html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    const response = mapUpstreamError(new ApiError({ message: html, status: 502 }));
    expect(response.status).toBe(529);
    expect(response.body.error.message).toBe("Gemini answered HTTP 502.");
  });

  it("maps a mid-stream `{error}` chunk object", () => {
    const response = mapUpstreamError(internal);
    expect(response.status).toBe(500);
    expect(response.body.error.message).toContain("An internal error has occurred");
  });

  it("rewrites an oversized prompt in Anthropic's words so Claude Code can compact", () => {
    const response = mapUpstreamError(apiErrorFor(inputTokenLimit));
    expect(response.body.error.message).toMatch(
      /^prompt is too long: 1187416 tokens > 1048576 maximum\. Gemini: /,
    );
  });
});

describe("mapUpstreamError: retry headers", () => {
  it("turns RetryInfo.retryDelay into retry-after and retry-after-ms", () => {
    const response = mapUpstreamError(apiErrorFor(resourceExhaustedPerMinute));
    expect(response.headers["retry-after"]).toBe("52");
    expect(response.headers["retry-after-ms"]).toBe("52000");
    expect(response.headers["x-should-retry"]).toBe("true");
  });

  it.each([
    ["53s", "53", "53000"],
    ["1.5s", "2", "1500"],
    ["0.250s", "1", "250"],
    ["500ms", "1", "500"],
    ["2m", "120", "120000"],
  ])("parses retryDelay %s", (retryDelay, seconds, milliseconds) => {
    const response = mapUpstreamError({
      error: {
        code: 429,
        message: "Quota.",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay }],
      },
    });
    expect(response.headers["retry-after"]).toBe(seconds);
    expect(response.headers["retry-after-ms"]).toBe(milliseconds);
  });

  it("gives 429 and 529 a default retry-after when Gemini names none", () => {
    const overloaded = mapUpstreamError(apiErrorFor(unavailableOverloaded));
    expect(Number(overloaded.headers["retry-after"])).toBeGreaterThan(0);
    const limited = mapUpstreamError({
      error: { code: 429, message: "Slow down.", status: "RESOURCE_EXHAUSTED" },
    });
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
  });

  it("does not invite retries of a per-day quota", () => {
    const response = mapUpstreamError(apiErrorFor(resourceExhaustedPerDay));
    expect(response.status).toBe(429);
    expect(response.headers["x-should-retry"]).toBe("false");
    expect(response.headers["retry-after"]).toBe("2");
  });

  it("sets no retry-after on errors a retry cannot fix", () => {
    const response = mapUpstreamError(apiErrorFor(invalidArgumentSchema));
    expect(response.headers["retry-after"]).toBeUndefined();
    expect(response.headers["x-should-retry"]).toBe("false");
  });
});

describe("mapUpstreamError: our own errors and local failures", () => {
  it("uses a ClaudeGeminiError's status, type and retry hint", () => {
    const error = new ClaudeGeminiError({
      message: "Gemini is busy.",
      status: 529,
      type: "overloaded_error",
      retryAfterSeconds: 7,
    });
    const response = mapUpstreamError(error, { requestId: "req_123" });
    expect(response).toEqual({
      status: 529,
      body: {
        type: "error",
        error: { type: "overloaded_error", message: "Gemini is busy." },
        request_id: "req_123",
      },
      headers: {
        "content-type": "application/json",
        "request-id": "req_123",
        "retry-after": "7",
        "retry-after-ms": "7000",
        "x-should-retry": "true",
      },
    });
  });

  it("passes an InvalidRequestError through as a 400", () => {
    const response = mapUpstreamError(new InvalidRequestError("messages.2.content.0.source.data: Required"));
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual({
      type: "invalid_request_error",
      message: "messages.2.content.0.source.data: Required",
    });
    expect(response.headers["x-should-retry"]).toBe("false");
  });

  it("recognises a ClaudeGeminiError from another copy of the package by its brand", () => {
    const foreign = Object.assign(new Error("Nope."), {
      [Symbol.for("claude-gemini.error")]: true,
      status: 403,
      type: "permission_error",
      retryAfterSeconds: undefined,
    });
    expect(mapUpstreamError(foreign).body.error.type).toBe("permission_error");
  });

  it.each(["AbortError", "TimeoutError"])("maps %s to 504 timeout_error", (name) => {
    const error = new Error("The operation was aborted.");
    error.name = name;
    const response = mapUpstreamError(error);
    expect(response.status).toBe(504);
    expect(response.body.error.type).toBe("timeout_error");
    expect(response.headers["x-should-retry"]).toBe("true");
  });

  it.each(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND"])("maps fetch failed (%s) to 529 overloaded", (code) => {
    const error = new TypeError("fetch failed", {
      cause: Object.assign(new Error(`connect ${code}`), { code }),
    });
    const response = mapUpstreamError(error);
    expect(response.status).toBe(529);
    expect(response.body.error).toEqual({
      type: "overloaded_error",
      message: `Could not reach Gemini (${code}).`,
    });
    expect(response.headers["retry-after"]).toBeDefined();
  });

  it("maps a connect timeout to 504", () => {
    const cause = Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" });
    expect(mapUpstreamError(new TypeError("fetch failed", { cause })).status).toBe(504);
  });

  it("maps a bare network TypeError without a code to 529", () => {
    expect(mapUpstreamError(new TypeError("fetch failed")).status).toBe(529);
  });

  it.each<[string, unknown]>([
    ["a bug", new TypeError("Cannot read properties of undefined (reading 'parts')")],
    ["a string", "boom"],
    ["null", null],
    ["undefined", undefined],
    ["a number", 42],
    ["a plain object", { foo: "bar" }],
  ])("answers %s with a generic 500 that reveals nothing", (_name, error) => {
    const response = mapUpstreamError(error);
    expect(response.status).toBe(500);
    expect(response.body.error).toEqual({ type: "api_error", message: "Internal server error." });
    expect(response.headers["x-should-retry"]).toBe("true");
  });

  it("adds request_id and the request-id header only when given", () => {
    const without = mapUpstreamError(new Error("x"));
    expect("request_id" in without.body).toBe(false);
    expect("request-id" in without.headers).toBe(false);
    const withId = mapUpstreamError(new Error("x"), { requestId: "req_abc" });
    expect(withId.body.request_id).toBe("req_abc");
    expect(withId.headers["request-id"]).toBe("req_abc");
  });
});

describe("mapUpstreamError: scrubbing", () => {
  const key = `AIza${"Sy0123456789abcdefghijklmnopqrstu_-"}`;

  it("has a realistic key in the test", () => {
    expect(key).toMatch(/^AIza[0-9A-Za-z_-]{35}$/);
  });

  it("removes Google API keys from upstream messages", () => {
    const response = mapUpstreamError({
      error: { code: 400, message: `API key ${key} has been suspended.`, status: "PERMISSION_DENIED" },
    });
    expect(response.body.error.message).not.toContain(key);
    expect(response.body.error.message).not.toContain("AIza");
    expect(response.body.error.message).toContain("[redacted]");
  });

  it("removes key= query parameters but keeps the rest of the URL", () => {
    const url =
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash-lite:generateContent";
    const response = mapUpstreamError(
      new ClaudeGeminiError({
        message: `Request to ${url}?alt=sse&key=secret-value-123 failed`,
        status: 500,
        type: "api_error",
      }),
    );
    expect(response.body.error.message).toBe(`Request to ${url}?alt=sse&key=[redacted] failed`);
  });

  it("removes bearer tokens", () => {
    const response = mapUpstreamError(
      new ClaudeGeminiError({
        message: "Sent Authorization: Bearer ya29.a0Af-xyz",
        status: 401,
        type: "authentication_error",
      }),
    );
    expect(response.body.error.message).toBe("Sent Authorization: Bearer [redacted]");
  });

  it("drops stack frames and internal paths", () => {
    const message = [
      "Could not convert request: bad part",
      "    at convertPart (/srv/app/node_modules/@claude-gemini/core/dist/index.js:120:11)",
      "    at /srv/app/server.js:10:5",
      "while reading /home/deploy/.config/claude-gemini/settings.json and C:\\Users\\deploy\\app.js",
      "see file:///srv/app/x.js",
    ].join("\n");
    const response = mapUpstreamError(
      new ClaudeGeminiError({ message, status: 400, type: "invalid_request_error" }),
    );
    const text = response.body.error.message;
    expect(text).toContain("Could not convert request: bad part");
    expect(text).not.toMatch(/\bat convertPart|\/srv\/app|\/home\/deploy|C:\\Users|file:/);
    expect(text).toContain("[path]");
  });

  it("keeps documentation links and model paths in Gemini messages", () => {
    const response = mapUpstreamError(apiErrorFor(resourceExhaustedPerMinute));
    expect(response.body.error.message).toContain("https://ai.google.dev/gemini-api/docs/rate-limits");
    expect(response.body.error.message).toContain(
      "generativelanguage.googleapis.com/generate_content_free_tier_requests",
    );
    const notFound = mapUpstreamError(apiErrorFor(notFoundModel));
    expect(notFound.body.error.message).toContain("models/gemini-9.9-ultra is not found");
  });

  it("never includes the stack of an error", () => {
    const error = new ClaudeGeminiError({ message: "Short.", status: 500, type: "api_error" });
    expect(JSON.stringify(mapUpstreamError(error))).not.toContain("map-upstream-error");
  });

  it("caps very long messages", () => {
    const response = mapUpstreamError({
      error: { code: 400, message: "x".repeat(50_000), status: "INVALID_ARGUMENT" },
    });
    expect(response.body.error.message.length).toBeLessThanOrEqual(2000);
    expect(response.body.error.message.endsWith("…")).toBe(true);
  });
});
