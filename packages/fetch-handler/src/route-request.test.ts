import { describe, expect, it } from "vitest";
import { routeRequest } from "./route-request.js";

describe("routeRequest", () => {
  it.each([
    ["POST", "/v1/messages", { kind: "route", name: "messages" }],
    ["POST", "/v1/messages/", { kind: "route", name: "messages" }],
    ["POST", "/v1/messages/count_tokens", { kind: "route", name: "count-tokens" }],
    ["GET", "/v1/models", { kind: "route", name: "list-models" }],
    ["GET", "/v1/models/claude-opus-4-5", { kind: "route", name: "get-model", modelId: "claude-opus-4-5" }],
    [
      "GET",
      "/v1/models/models%2Fgemini-3.8-flash",
      { kind: "route", name: "get-model", modelId: "models/gemini-3.8-flash" },
    ],
    ["GET", "/health", { kind: "route", name: "health" }],
    ["HEAD", "/health", { kind: "route", name: "health" }],
    ["GET", "/test-connection/", { kind: "route", name: "test-connection" }],
    ["GET", "/v1/messages", { kind: "method-not-allowed", allow: "POST" }],
    ["DELETE", "/v1/models", { kind: "method-not-allowed", allow: "GET" }],
    ["GET", "/v1/messages/count_tokens", { kind: "method-not-allowed", allow: "POST" }],
    ["POST", "/v1/complete", { kind: "not-found" }],
    ["POST", "/v1/messages//", { kind: "not-found" }],
    ["GET", "/", { kind: "not-found" }],
  ])("%s %s", (method, path, expected) => {
    expect(routeRequest(method, path)).toEqual(expected);
  });
});
