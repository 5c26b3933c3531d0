import { describe, expect, it } from "vitest";
import { decideFallback, readFallbackChain } from "./fallback-policy.js";
import { readUpstreamFailure } from "./read-upstream-failure.js";
import { apiError, errorInfo, networkError, proxyError } from "./test-utils/create-upstream-errors.js";

describe("decideFallback", () => {
  it.each([
    ["an overloaded model", apiError(503, "UNAVAILABLE"), true],
    ["a model not found", apiError(404, "NOT_FOUND"), true],
    ["a 503 page without a status", apiError(503, undefined), true],
    [
      "a 404 page without a status",
      Object.assign(new Error("<html>"), { name: "ApiError", status: 404 }),
      true,
    ],
    ["the proxy's idle timeout (529)", proxyError(529), true],
    ["an unreachable host", networkError("ECONNREFUSED"), true],
    ["a rate limit", apiError(429, "RESOURCE_EXHAUSTED"), false],
    ["a client error", apiError(400, "INVALID_ARGUMENT"), false],
    ["a rejected key on a 404", apiError(404, "NOT_FOUND", errorInfo("API_KEY_INVALID")), false],
    ["a server error", apiError(500, "INTERNAL"), false],
    ["a timeout", networkError("ETIMEDOUT"), false],
    ["the proxy's own timeout (504)", proxyError(504), false],
    ["an unparsable answer", new SyntaxError("x"), false],
    ["a bug", new Error("boom"), false],
  ])("%s → %s", (_label, error, expected) => {
    expect(decideFallback(readUpstreamFailure(error))).toBe(expected);
  });

  it.each([
    [undefined, "gemini-3-flash-preview", []],
    [
      ["gemini-3-flash-preview", "gemini-2.5-flash-lite", "gemini-2.5-flash-lite"],
      "gemini-3-flash-preview",
      ["gemini-2.5-flash-lite"],
    ],
    [
      { "gemini-3-flash-preview": ["gemini-3.1-pro-preview"], "*": ["gemini-2.5-flash-lite"] },
      "gemini-3-flash-preview",
      ["gemini-3.1-pro-preview"],
    ],
    [
      { "gemini-3-flash-preview": ["gemini-3.1-pro-preview"], "*": ["gemini-2.5-flash-lite"] },
      "gemini-3.8-flash",
      ["gemini-2.5-flash-lite"],
    ],
    [{ toString: ["gemini-2.5-flash-lite"] }, "toString", ["gemini-2.5-flash-lite"]],
    [{ "gemini-3-flash-preview": ["x"] }, "constructor", []],
  ] as const)("chain %j for %s → %j", (fallbackModels, primary, chain) => {
    expect(readFallbackChain(fallbackModels as never, primary)).toEqual(chain);
  });
});
