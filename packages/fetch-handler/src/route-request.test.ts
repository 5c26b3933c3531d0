import { describe, expect, it } from "vitest";
import { describeRouteMiss, routeRequest } from "./route-request.js";

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
    ["GET", "/v1/messages", { kind: "method-not-allowed", allow: "POST", name: "messages" }],
    ["DELETE", "/v1/models", { kind: "method-not-allowed", allow: "GET", name: "list-models" }],
    ["GET", "/v1/messages/count_tokens", { kind: "method-not-allowed", allow: "POST", name: "count-tokens" }],
    ["POST", "/v1/complete", { kind: "not-found" }],
    ["POST", "/v1/messages//", { kind: "not-found" }],
    ["HEAD", "/", { kind: "route", name: "probe" }],
    ["HEAD", "/api/hello", { kind: "route", name: "probe" }],
    ["GET", "/api/hello/", { kind: "route", name: "probe" }],
    ["POST", "/", { kind: "not-found" }],
    ["GET", "/metrics", { kind: "route", name: "metrics" }],
    ["POST", "/metrics", { kind: "method-not-allowed", allow: "GET", name: "metrics" }],
    ["GET", "/api", { kind: "not-found" }],
  ])("%s %s", (method, path, expected) => {
    expect(routeRequest(method, path)).toEqual(expected);
  });
});

describe("describeRouteMiss", () => {
  it("names the path asked for and lists every route the proxy serves", () => {
    expect(describeRouteMiss("post", "/v1/complete", { kind: "not-found" })).toBe(
      "No route for POST /v1/complete. This proxy serves POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, GET /v1/models/{id}, GET /health and GET /test-connection; Anthropic clients need its base URL without /v1 (e.g. ANTHROPIC_BASE_URL=http://127.0.0.1:8080).",
    );
  });

  it("names the route a wrong method hit and the call to make instead", () => {
    expect(describeRouteMiss("GET", "/v1/messages", routeRequest("GET", "/v1/messages") as never)).toBe(
      "Method GET is not allowed on /v1/messages (the Messages API); use POST /v1/messages.",
    );
  });

  it("cuts a very long path", () => {
    const message = describeRouteMiss("GET", `/${"a".repeat(500)}`, { kind: "not-found" });
    expect(message).toContain(`/${"a".repeat(199)}…`);
    expect(message.length).toBeLessThan(600);
  });
});
