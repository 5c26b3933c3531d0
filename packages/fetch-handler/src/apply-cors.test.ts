import { describe, expect, it } from "vitest";
import { applyCors, type CorsOptions } from "./apply-cors.js";
import { createWebResponse } from "./create-web-response.js";
import type { HandlerAnswer } from "./handler-core.js";
import { readWebRequest } from "./read-web-request.js";

const respond = async (): Promise<HandlerAnswer> => ({
  status: 200,
  headers: { "request-id": "req_1" },
  body: "{}",
});
/** The policy applied to a WHATWG request, its answer read back as a WHATWG response. */
const serveWithCors = async (
  request: Request,
  options: CorsOptions,
  serve: () => Promise<HandlerAnswer>,
): Promise<Response> => createWebResponse(await applyCors(readWebRequest(request), options, serve));
const preflight = (origin: string, extra: Record<string, string> = {}) =>
  new Request("http://localhost/v1/messages", {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", ...extra },
  });

describe("applyCors", () => {
  it("answers a preflight from an allowed origin without calling the handler", async () => {
    let called = false;
    const response = await serveWithCors(
      preflight("https://app.example", { "access-control-request-headers": "x-api-key, x-stainless-os" }),
      { origins: ["https://app.example"], maxAgeSeconds: 60 },
      async () => {
        called = true;
        return respond();
      },
    );
    expect(called).toBe(false);
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "access-control-allow-origin": "https://app.example",
      "access-control-allow-headers": "x-api-key, x-stainless-os",
      "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
      "access-control-max-age": "60",
    });
  });

  it("lists configured headers instead of echoing the request's", async () => {
    const response = await serveWithCors(
      preflight("https://app.example", { "access-control-request-headers": "x-anything" }),
      { origins: "*", allowHeaders: ["content-type", "x-api-key"] },
      respond,
    );
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, x-api-key");
  });

  it("gives a stranger's preflight no allow headers", async () => {
    const response = await serveWithCors(
      preflight("https://evil.example"),
      { origins: ["https://app.example"] },
      respond,
    );
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("adds headers to answers for allowed origins only, keeping status, body and headers", async () => {
    const options = { origins: ["https://app.example"] };
    const allowed = await serveWithCors(
      new Request("http://localhost/v1/models", { headers: { origin: "https://app.example" } }),
      options,
      respond,
    );
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe("{}");
    expect(allowed.headers.get("request-id")).toBe("req_1");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("retry-after");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("x-claude-gemini-warnings");
    expect(allowed.headers.get("vary")).toBe("origin");
    const stranger = await serveWithCors(
      new Request("http://localhost/v1/models", { headers: { origin: "https://evil.example" } }),
      options,
      respond,
    );
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    const noOrigin = await serveWithCors(new Request("http://localhost/v1/models"), options, respond);
    expect(noOrigin.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("passes a plain OPTIONS request (no preflight headers) to the handler", async () => {
    const response = await serveWithCors(
      new Request("http://localhost/v1/messages", { method: "OPTIONS" }),
      { origins: "*" },
      async () => ({ status: 405, headers: {}, body: null }),
    );
    expect(response.status).toBe(405);
  });
});
