import { describe, expect, it } from "vitest";
import { createContextCache } from "./create-context-cache.js";
import { apiError, errorInfo, networkError } from "./test-utils/create-upstream-errors.js";

describe("the stale-cache check reads the typed failure", () => {
  const cache = createContextCache({
    enabled: true,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const violation = (field: string) => [
    { "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: [{ field, description: "x" }] },
  ];
  it.each([
    [
      "a 403 for the cache",
      apiError(403, "PERMISSION_DENIED", [], "CachedContent not found (or permission denied)"),
      true,
    ],
    ["a 404", apiError(404, "NOT_FOUND", [], "Not found."), true],
    ["a bare 403 page", Object.assign(new Error("<html>"), { name: "ApiError", status: 403 }), true],
    ["a 400 naming cached_content", apiError(400, "INVALID_ARGUMENT", violation("cached_content")), true],
    [
      "a 400 quoting the words",
      apiError(400, "INVALID_ARGUMENT", [], "CachedContent not found (or permission denied)"),
      false,
    ],
    ["a rejected key", apiError(403, "PERMISSION_DENIED", errorInfo("API_KEY_INVALID")), false],
    ["an overload", apiError(503, "UNAVAILABLE"), false],
    ["a network failure", networkError("ECONNRESET"), false],
  ])("%s → %s", (_label, error, stale) => {
    expect(cache.isStaleCacheError(error)).toBe(stale);
  });
});
