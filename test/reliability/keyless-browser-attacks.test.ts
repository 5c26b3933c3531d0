/**
 * Issue 14, item 4: without `PROXY_API_KEY` (the `code` launcher's default) the proxy accepted
 * any `Host`, any `Origin` and `text/plain` bodies, so a web page open in the user's browser
 * could drive it: DNS rebinding (the page's own name resolved to 127.0.0.1) and plain
 * cross-site requests both got `/v1/messages` answered, and `/test-connection` made two
 * Gemini calls. These tests send the requests such a page makes, with the headers a browser
 * puts on them, to the real node-http server, and check that none reaches Gemini.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAnthropicAnswer } from "./check-anthropic-answer.js";
import { type StartedProxy, startProxy } from "./start-proxy.js";

const BODY = JSON.stringify({
  model: "claude-sonnet-4-5",
  max_tokens: 16,
  messages: [{ role: "user", content: "Hi." }],
});

interface Attempt {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request with exactly the headers given (Host included), read as a fetch `Response`. */
function send(url: string, attempt: Attempt): Promise<Response> {
  return new Promise((resolve, reject) => {
    const target = new URL(attempt.path ?? "/v1/messages", url);
    const request = httpRequest(
      target,
      {
        method: attempt.method ?? "POST",
        headers: attempt.headers,
        setHost: attempt.headers?.host === undefined,
      },
      (response) => {
        const pieces: Buffer[] = [];
        response.on("data", (piece: Buffer) => pieces.push(piece));
        response.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === "string") headers.set(name, value);
          }
          resolve(new Response(Buffer.concat(pieces), { status: response.statusCode ?? 0, headers }));
        });
      },
    );
    request.on("error", reject);
    request.end(attempt.body);
  });
}

const json = { "content-type": "application/json" };

/** What a page on another site, or one that rebound its name to 127.0.0.1, can send. */
const ATTACKS: [string, Attempt, number, string][] = [
  [
    "DNS rebinding: same-origin POST to the page's own name",
    {
      headers: { host: "attacker.example:8080", origin: "http://attacker.example:8080", ...json },
      body: BODY,
    },
    403,
    "permission_error",
  ],
  [
    "DNS rebinding: same-origin GET /test-connection (no Origin on a same-origin GET)",
    { method: "GET", path: "/test-connection", headers: { host: "attacker.example:8080" } },
    403,
    "permission_error",
  ],
  [
    "DNS rebinding: count_tokens",
    { path: "/v1/messages/count_tokens", headers: { host: "rebind.attacker.example", ...json }, body: BODY },
    403,
    "permission_error",
  ],
  [
    "DNS rebinding: a name that only starts like a loopback one",
    { headers: { host: "127.0.0.1.attacker.example", ...json }, body: BODY },
    403,
    "permission_error",
  ],
  [
    "DNS rebinding: a name that only starts like localhost",
    { headers: { host: "localhost.attacker.example:8080", ...json }, body: BODY },
    403,
    "permission_error",
  ],
  [
    "cross-site fetch, text/plain body (a simple request: no preflight)",
    {
      headers: {
        origin: "https://evil.example",
        "content-type": "text/plain;charset=UTF-8",
        "sec-fetch-site": "cross-site",
      },
      body: BODY,
    },
    403,
    "permission_error",
  ],
  [
    "cross-site form post (application/x-www-form-urlencoded)",
    {
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: `${BODY}=`,
    },
    403,
    "permission_error",
  ],
  [
    "sandboxed iframe or file:// page (Origin: null)",
    { headers: { origin: "null", ...json }, body: BODY },
    403,
    "permission_error",
  ],
  [
    "cross-site GET /test-connection from an <img> tag (no Origin, Sec-Fetch-Site: cross-site)",
    {
      method: "GET",
      path: "/test-connection",
      headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
    },
    403,
    "permission_error",
  ],
  [
    "a text/plain body without Origin",
    { headers: { "content-type": "text/plain" }, body: BODY },
    415,
    "invalid_request_error",
  ],
  ["a body without content-type (a Blob with no type)", { body: BODY }, 415, "invalid_request_error"],
  [
    "a body with a JSON-looking but different type",
    { headers: { "content-type": "application/json-patch+json" }, body: BODY },
    415,
    "invalid_request_error",
  ],
];

/** What Claude Code, the Anthropic SDKs and a local tool do: all must keep working. */
const ALLOWED: [string, Attempt][] = [
  ["Claude Code: 127.0.0.1 with a port, application/json", { headers: { ...json }, body: BODY }],
  ["localhost with a port", { headers: { host: "localhost:8080", ...json }, body: BODY }],
  ["localhost without a port", { headers: { host: "localhost", ...json }, body: BODY }],
  ["127.1.2.3", { headers: { host: "127.1.2.3:9", ...json }, body: BODY }],
  ["[::1] with a port", { headers: { host: "[::1]:8080", ...json }, body: BODY }],
  ["upper-case LOCALHOST", { headers: { host: "LOCALHOST:8080", ...json }, body: BODY }],
  ["a charset parameter", { headers: { "content-type": "application/json; charset=utf-8" }, body: BODY }],
  [
    "a page served from localhost (a local dev server)",
    { headers: { origin: "http://localhost:5173", "sec-fetch-site": "same-site", ...json }, body: BODY },
  ],
  ["a GET without a body", { method: "GET", path: "/v1/models", headers: {} }],
  ["/health from anywhere", { method: "GET", path: "/health", headers: { host: "attacker.example" } }],
];

let keyless: StartedProxy;

beforeAll(async () => {
  keyless = await startProxy({ server: { metrics: true } });
});
afterAll(async () => {
  await keyless?.close();
});

describe("a proxy without PROXY_API_KEY", () => {
  it.each(ATTACKS)("refuses %s", async (_label, attempt, status, errorType) => {
    keyless.fake.reset();
    const answer = await checkAnthropicAnswer(await send(keyless.url, attempt));
    expect(answer.status).toBe(status);
    expect(answer.errorType).toBe(errorType);
    // Nothing reached Gemini but the handler's own background reads of model metadata.
    expect(keyless.fake.requests.filter((request) => request.action !== "get")).toEqual([]);
  });

  it.each(ALLOWED)("serves %s", async (_label, attempt) => {
    const response = await send(keyless.url, attempt);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it("keeps /metrics to loopback callers too", async () => {
    const rebound = await send(keyless.url, {
      method: "GET",
      path: "/metrics",
      headers: { host: "attacker.example" },
    });
    expect(rebound.status).toBe(403);
    const crossSite = await send(keyless.url, {
      method: "GET",
      path: "/metrics",
      headers: { origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const local = await send(keyless.url, { method: "GET", path: "/metrics", headers: {} });
    expect(local.status).toBe(200);
    expect(await local.text()).toContain("claude_gemini_requests_total");
  });

  it("names what was refused and how to allow it", async () => {
    const rebound = await checkAnthropicAnswer(
      await send(keyless.url, { headers: { host: "attacker.example:8080", ...json }, body: BODY }),
    );
    expect(rebound.errorMessage).toMatch(
      /only answers requests addressed to localhost.*"attacker\.example:8080".*PROXY_API_KEY/,
    );
    const plain = await checkAnthropicAnswer(
      await send(keyless.url, { headers: { "content-type": "text/plain" }, body: BODY }),
    );
    expect(plain.errorMessage).toBe('content-type must be application/json, received "text/plain".');
  });
});

describe("the rules' switches", () => {
  it("allowUnauthenticatedRemote serves other host names, and still refuses other sites' pages", async () => {
    const remote = await startProxy({ server: { allowUnauthenticatedRemote: true } });
    try {
      const named = await send(remote.url, { headers: { host: "proxy.lan:8080", ...json }, body: BODY });
      expect(named.status).toBe(200);
      await named.arrayBuffer();
      const page = await send(remote.url, {
        headers: { host: "proxy.lan:8080", origin: "https://evil.example", "content-type": "text/plain" },
        body: BODY,
      });
      expect(page.status).toBe(403);
      const untyped = await send(remote.url, { headers: { host: "proxy.lan:8080" }, body: BODY });
      expect(untyped.status).toBe(415);
      expect(remote.fake.requests.filter((request) => request.action !== "get")).toHaveLength(1);
    } finally {
      await remote.close();
    }
  });

  it("an origin allowed by CORS_ORIGINS may call a keyless proxy", async () => {
    const withCors = await startProxy({ server: { cors: { origins: ["https://app.example.com"] } } });
    try {
      const allowed = await send(withCors.url, {
        headers: { origin: "https://app.example.com", ...json },
        body: BODY,
      });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      await allowed.arrayBuffer();
      const other = await send(withCors.url, {
        headers: { origin: "https://evil.example", ...json },
        body: BODY,
      });
      expect(other.status).toBe(403);
    } finally {
      await withCors.close();
    }
  });

  it("with PROXY_API_KEY the key decides, whatever the host", async () => {
    const keyed = await startProxy({ server: { proxyApiKey: "proxy-key-keyless-test" } });
    try {
      const named = await send(keyed.url, {
        headers: { host: "proxy.example.com", "x-api-key": "proxy-key-keyless-test", ...json },
        body: BODY,
      });
      expect(named.status).toBe(200);
      await named.arrayBuffer();
      const unkeyed = await send(keyed.url, { headers: { host: "127.0.0.1", ...json }, body: BODY });
      expect(unkeyed.status).toBe(401);
    } finally {
      await keyed.close();
    }
  });
});
