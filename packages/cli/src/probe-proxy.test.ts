import { describe, expect, it } from "vitest";
import { probeProxy } from "./probe-proxy.js";

type Routes = Record<string, { status: number; body: unknown }>;

function fakeFetch(routes: Routes, seen: { path: string; key: string | null }[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input);
    seen.push({ path: url.pathname, key: new Headers(init?.headers).get("x-api-key") });
    const route = routes[url.pathname];
    if (!route) throw new TypeError("fetch failed");
    return new Response(JSON.stringify(route.body), { status: route.status });
  }) as typeof fetch;
}

describe("probeProxy", () => {
  it("recognises our proxy by its health body and Gemini model list, sending the key", async () => {
    const seen: { path: string; key: string | null }[] = [];
    const fetch = fakeFetch(
      {
        "/health": { status: 200, body: { status: "ok" } },
        "/v1/models": {
          status: 200,
          body: { data: [{ id: "claude-sonnet-4-5" }, { id: "gemini-3.8-flash" }] },
        },
      },
      seen,
    );
    expect(await probeProxy("http://127.0.0.1:8080", { fetch, proxyApiKey: "k" })).toBe("ours");
    expect(seen).toEqual([
      { path: "/health", key: null },
      { path: "/v1/models", key: "k" },
    ]);
  });

  it.each([
    ["another health body", { "/health": { status: 200, body: { healthy: true } } }],
    ["a 404 health", { "/health": { status: 404, body: {} } }],
    [
      "no Gemini models",
      {
        "/health": { status: 200, body: { status: "ok" } },
        "/v1/models": { status: 200, body: { data: [{ id: "gpt-4" }] } },
      },
    ],
    [
      "a refused model list",
      { "/health": { status: 200, body: { status: "ok" } }, "/v1/models": { status: 401, body: {} } },
    ],
  ] as [string, Routes][])("calls a server with %s someone else's", async (_name, routes) => {
    expect(await probeProxy("http://127.0.0.1:8080", { fetch: fakeFetch(routes) })).toBe("other");
  });

  it("reports nothing when nothing answers", async () => {
    expect(await probeProxy("http://127.0.0.1:8080", { fetch: fakeFetch({}) })).toBe("none");
  });
});
