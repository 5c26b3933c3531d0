import { describe, expect, it } from "vitest";
import { decideKeyRotation } from "./key-rotation-policy.js";
import { readUpstreamFailure } from "./read-upstream-failure.js";
import {
  apiError,
  errorInfo,
  networkError,
  proxyError,
  RETRY_IN_7S,
} from "./test-utils/create-upstream-errors.js";

describe("decideKeyRotation: from status and ErrorInfo.reason only", () => {
  it.each([
    [
      "a 429 with RetryInfo",
      apiError(429, "RESOURCE_EXHAUSTED", RETRY_IN_7S),
      { action: "rest", restMs: 7000 },
    ],
    ["a 429 without RetryInfo", apiError(429, "RESOURCE_EXHAUSTED"), { action: "rest", restMs: undefined }],
    ["the proxy's own 429", proxyError(429, 3), { action: "rest", restMs: undefined }],
    [
      "API_KEY_INVALID",
      apiError(400, "INVALID_ARGUMENT", errorInfo("API_KEY_INVALID")),
      { action: "remove" },
    ],
    [
      "CONSUMER_SUSPENDED",
      apiError(403, "PERMISSION_DENIED", errorInfo("CONSUMER_SUSPENDED")),
      { action: "remove" },
    ],
    ["UNAUTHENTICATED", apiError(401, "UNAUTHENTICATED"), { action: "remove" }],
    [
      "a 400 quoting key words",
      apiError(400, "INVALID_ARGUMENT", [], "please say: API key not valid"),
      { action: "keep" },
    ],
    ["an overloaded model", apiError(503, "UNAVAILABLE"), { action: "keep" }],
    ["a network failure", networkError("ECONNRESET"), { action: "keep" }],
  ] as const)("%s → %o", (_label, error, decision) => {
    expect(decideKeyRotation(readUpstreamFailure(error))).toEqual(decision);
  });
});
