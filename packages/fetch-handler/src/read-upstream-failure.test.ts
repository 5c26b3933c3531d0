import { describe, expect, it } from "vitest";
import { readUpstreamFailure } from "./read-upstream-failure.js";
import { apiError, networkError, proxyError } from "./test-utils/create-upstream-errors.js";

describe("readUpstreamFailure", () => {
  it.each([
    ["a Gemini ApiError", apiError(503, "UNAVAILABLE"), "gemini"],
    ["the proxy's own error", proxyError(529), "proxy"],
    ["a non-Gemini status", Object.assign(new Error("x"), { status: 502 }), "http"],
    ["a parse error", new SyntaxError("Unexpected token"), "unparsable"],
    ["a refused connection", networkError("ECONNREFUSED"), "no-answer"],
    ["a connect timeout", networkError("UND_ERR_CONNECT_TIMEOUT"), "no-answer"],
    ["a fetch TypeError without a code", new TypeError("error sending request"), "no-answer"],
    ["a TypeError with a code of Node's own (a bug)", networkError("ERR_INVALID_ARG_TYPE"), "unknown"],
    ["an abort", Object.assign(new Error("x"), { name: "AbortError" }), "no-answer"],
    ["a plain Error", new Error("boom"), "unknown"],
    ["undefined", undefined, "unknown"],
  ])("%s → %s", (_label, error, source) => {
    expect(readUpstreamFailure(error).source).toBe(source);
  });

  it("tells a timeout from an unreachable host by name and code, not by message", () => {
    expect(readUpstreamFailure(networkError("ETIMEDOUT"))).toEqual({ source: "no-answer", cause: "timeout" });
    expect(readUpstreamFailure(networkError("ENOTFOUND"))).toEqual({
      source: "no-answer",
      cause: "unreachable",
    });
    expect(readUpstreamFailure(new Error("fetch failed: socket hang up, connect ECONNREFUSED"))).toEqual({
      source: "unknown",
    });
  });
});
