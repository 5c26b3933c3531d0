/**
 * What the proxy keeps closed: the proxy key on every API route, secrets out of every log line
 * and response, no server-side fetching of URL sources, a loud warning when listening off
 * loopback without a key, and CORS only when configured.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseEnvironment } from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../packages/cli/src/cli.js";
import { checkAnthropicAnswer } from "./check-anthropic-answer.js";
import { GEMINI_TEST_KEY, type StartedProxy, startProxy } from "./start-proxy.js";

const PROXY_KEY = "proxy-key-d41d8cd98f00b204";
const WRONG_KEY = "client-guess-9e107d9d372bb682";
/** Shaped like a real Google API key, but configured nowhere: found by its shape alone. */
const OTHER_GOOGLE_KEY = "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY";
const BODY = { model: "claude-sonnet-4-5", max_tokens: 64, messages: [{ role: "user", content: "Hi." }] };

/** Every API route, with a method that reaches its handler. */
const API_ROUTES: [string, string, unknown?][] = [
  ["POST", "/v1/messages", BODY],
  ["POST", "/v1/messages?beta=true", { ...BODY, stream: true }],
  ["POST", "/v1/messages/count_tokens", { model: BODY.model, messages: BODY.messages }],
  ["GET", "/v1/models"],
  ["GET", "/v1/models/claude-sonnet-4-5"],
  ["GET", "/test-connection"],
  ["GET", "/v1/unknown-route"],
  ["DELETE", "/v1/messages"],
];

/** Everything clients saw: bodies and headers of every response in this file. */
const seen: string[] = [];

async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.clone().text();
  seen.push(JSON.stringify([...response.headers]), text);
  return response;
}

let proxy: StartedProxy;

beforeAll(async () => {
  proxy = await startProxy({ server: { proxyApiKey: PROXY_KEY, idleTimeoutMs: 500, requestTimeoutMs: 800 } });
});
afterAll(async () => {
  await proxy?.close();
});

describe("client authentication", () => {
  it.each(API_ROUTES)("requires the proxy key on %s %s", async (method, path, body) => {
    for (const headers of [
      {} as Record<string, string>,
      { "x-api-key": WRONG_KEY },
      { authorization: `Bearer ${WRONG_KEY}` },
      { authorization: PROXY_KEY },
      { authorization: `Basic ${PROXY_KEY}` },
      { "x-api-key": PROXY_KEY.slice(0, -1) },
      { "x-api-key": `${PROXY_KEY}0` },
    ]) {
      const response = await call(proxy.url, method, path, body, headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      const answer = await checkAnthropicAnswer(response);
      expect(answer.errorType).toBe("authentication_error");
    }
    for (const headers of [{ "x-api-key": PROXY_KEY }, { authorization: `Bearer ${PROXY_KEY}` }] as Record<
      string,
      string
    >[]) {
      const response = await call(proxy.url, method, path, body, headers);
      expect(response.status).not.toBe(401);
      await checkAnthropicAnswer(response);
    }
  });

  it("keeps /health open and says nothing about the configuration", async () => {
    const response = await call(proxy.url, "GET", "/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    const headerNames = [...response.headers.keys()];
    expect(
      headerNames.filter(
        (name) =>
          ![
            "content-type",
            "request-id",
            "content-length",
            "transfer-encoding",
            "date",
            "connection",
            "keep-alive",
          ].includes(name),
      ),
    ).toEqual([]);
    expect(proxy.fake.requests.filter((request) => request.path.includes("health"))).toEqual([]);
  });
});

describe("secrets", () => {
  it("never show up in a log line or a response, even when the upstream echoes the key", async () => {
    const auth = { "x-api-key": PROXY_KEY, authorization: `Bearer ${PROXY_KEY}` };
    const echoing = `API key ${GEMINI_TEST_KEY} not valid. Please pass a valid API key. (key=${GEMINI_TEST_KEY}, project key ${OTHER_GOOGLE_KEY})`;
    proxy.fake.enqueue(
      {
        kind: "error",
        status: 400,
        geminiStatus: "INVALID_ARGUMENT",
        message: echoing,
        reason: "API_KEY_INVALID",
      },
      { kind: "error", status: 500, geminiStatus: "INTERNAL", message: echoing },
      { kind: "error", status: 500, geminiStatus: "INTERNAL", message: echoing },
      { kind: "error", status: 500, geminiStatus: "INTERNAL", message: echoing },
      { kind: "error_chunk", afterChunks: 1, geminiStatus: "INTERNAL", message: echoing },
      { kind: "error", status: 403, geminiStatus: "PERMISSION_DENIED", message: echoing },
    );
    await call(proxy.url, "POST", "/v1/messages", BODY, auth);
    await call(proxy.url, "POST", "/v1/messages", BODY, auth);
    const streamed = await call(proxy.url, "POST", "/v1/messages", { ...BODY, stream: true }, auth);
    expect((await checkAnthropicAnswer(streamed)).ending).toBe("error_event");
    await call(proxy.url, "POST", "/v1/messages", { ...BODY, stream: true }, auth);
    // Requests that fail in our own code, with a key in the body and in a header of the wrong kind.
    await call(proxy.url, "POST", "/v1/messages", { ...BODY, model: PROXY_KEY, max_tokens: "x" }, auth);
    await call(
      proxy.url,
      "POST",
      "/v1/messages",
      { ...BODY, metadata: { user_id: 7 } },
      { ...auth, cookie: PROXY_KEY },
    );
    await call(proxy.url, "POST", "/v1/messages", BODY, { authorization: `Bearer ${WRONG_KEY}` });
    await call(proxy.url, "GET", "/v1/models", undefined, auth);
    await call(proxy.url, "GET", "/test-connection", undefined, auth);

    // The upstream did echo the key, so the test would see a leak if there were one.
    expect(proxy.logs.length).toBeGreaterThan(10);
    const everything = [...proxy.logs, ...seen].join("\n");
    expect(everything).toContain("not valid");
    for (const secret of [GEMINI_TEST_KEY, PROXY_KEY, WRONG_KEY, OTHER_GOOGLE_KEY]) {
      expect(everything.includes(secret), `${secret} leaked`).toBe(false);
    }
  });
});

describe("URL sources", () => {
  let target: Server;
  let hits = 0;
  let targetUrl = "";

  beforeAll(async () => {
    target = createHttpServer((_request, response) => {
      hits++;
      response.writeHead(200, { "content-type": "image/png" }).end("not really a png");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  it("are passed to Gemini as fileData and never fetched by the proxy", async () => {
    proxy.fake.reset();
    const content = [
      { type: "text", text: "Describe these." },
      { type: "image", source: { type: "url", url: `${targetUrl}/picture.png` } },
      { type: "document", source: { type: "url", url: `${targetUrl}/paper.pdf` } },
      {
        type: "image",
        source: { type: "url", url: `${targetUrl.replace("127.0.0.1", "localhost")}/other.png` },
      },
    ];
    const response = await call(
      proxy.url,
      "POST",
      "/v1/messages",
      { ...BODY, messages: [{ role: "user", content }] },
      {
        "x-api-key": PROXY_KEY,
      },
    );
    expect(response.status).toBe(200);
    const counted = await call(
      proxy.url,
      "POST",
      "/v1/messages/count_tokens",
      { model: BODY.model, messages: [{ role: "user", content }] },
      { "x-api-key": PROXY_KEY },
    );
    expect(counted.status).toBe(200);
    const sent = JSON.stringify(proxy.fake.requests[0]?.body.contents);
    expect(sent).toContain(`"fileUri":"${targetUrl}/picture.png"`);
    expect(sent).toContain(`"fileUri":"${targetUrl}/paper.pdf"`);
    expect(hits).toBe(0);
  });
});

describe("listening off loopback (issue 14, item 9)", () => {
  async function start(env: Record<string, string>): Promise<{ code: number; stderr: string; url?: string }> {
    let stderr = "";
    let url: string | undefined;
    const shutdown = new AbortController();
    const code = await main(
      ["serve"],
      { GEMINI_API_KEY: GEMINI_TEST_KEY, PROXY_PORT: "0", LOG_LEVEL: "silent", ...env },
      {
        stdout: () => {},
        stderr: (text) => {
          stderr += text;
        },
        isTTY: false,
        cwd: "/nonexistent-directory-for-env",
        shutdownSignal: shutdown.signal,
        onListening: (_server, listening) => {
          url = listening;
          shutdown.abort();
        },
      },
    );
    return { code, stderr, url };
  }

  it("refuses to serve on every interface without a proxy key, as the Docker image's PROXY_HOST=0.0.0.0 did", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "proxy.lan"]) {
      const open = await start({ PROXY_HOST: host });
      expect(open.code, host).toBe(1);
      expect(open.url, host).toBeUndefined();
      expect(open.stderr).toMatch(
        /cannot start: PROXY_HOST=.* is not a loopback address and PROXY_API_KEY is not set/,
      );
      expect(open.stderr).not.toContain(GEMINI_TEST_KEY);
    }
  });

  it("serves with a proxy key, on loopback, or when told to (and then warns loudly)", async () => {
    const optedIn = await start({ PROXY_HOST: "0.0.0.0", ALLOW_UNAUTHENTICATED_REMOTE: "true" });
    expect(optedIn.code).toBe(0);
    expect(optedIn.url).toBeDefined();
    expect(optedIn.stderr).toMatch(
      /\*\*\* WARNING: claude-gemini-proxy listens on 0\.0\.0\.0 without PROXY_API_KEY/,
    );
    expect(optedIn.stderr).not.toContain(GEMINI_TEST_KEY);
    const keyed = await start({ PROXY_HOST: "0.0.0.0", PROXY_API_KEY: PROXY_KEY });
    expect(keyed.code).toBe(0);
    expect(keyed.stderr).not.toContain("WARNING");
    for (const env of [{ PROXY_HOST: "127.0.0.1" }, { PROXY_HOST: "localhost" }, {}] as Record<
      string,
      string
    >[]) {
      const local = await start(env);
      expect(local.code).toBe(0);
      expect(local.stderr).not.toContain("WARNING");
    }
  });

  it("never echoes the credentials of an invalid GEMINI_BASE_URL", async () => {
    for (const value of [
      "ftp://gateway-user:s3cr3t-pass@gateway.example/v1",
      "gateway.example/?key=s3cr3t-pass&x=1",
    ]) {
      const problems = parseEnvironment({ GEMINI_API_KEY: "k", GEMINI_BASE_URL: value }).problems.join("\n");
      expect(problems).toMatch(/^GEMINI_BASE_URL must be an http\(s\) URL/);
      expect(problems).not.toContain("s3cr3t-pass");
      expect(problems).toContain("***");
    }
  });
});

describe("CORS", () => {
  const origin = "https://app.example.com";
  const preflightHeaders = {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type, x-api-key, anthropic-version",
  };

  it("is off by default: no access-control headers, no preflight answer", async () => {
    const keyed = await startProxy({ server: { proxyApiKey: PROXY_KEY } });
    // Without a key, a foreign Origin is refused outright (see keyless-browser-attacks.test.ts).
    const open = await startProxy();
    try {
      const preflight = await call(keyed.url, "OPTIONS", "/v1/messages", undefined, {
        ...preflightHeaders,
        "x-api-key": PROXY_KEY,
      });
      expect(preflight.status).toBe(405);
      const answer = await call(keyed.url, "POST", "/v1/messages", BODY, { origin, "x-api-key": PROXY_KEY });
      expect(answer.status).toBe(200);
      const keylessPreflight = await call(open.url, "OPTIONS", "/v1/messages", undefined, preflightHeaders);
      expect(keylessPreflight.status).toBe(403);
      for (const response of [preflight, answer, keylessPreflight]) {
        expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      }
    } finally {
      await keyed.close();
      await open.close();
    }
  });

  it("answers preflights without the key and marks responses for allowed origins only", async () => {
    const withCors = await startProxy({
      server: { proxyApiKey: PROXY_KEY, cors: { origins: [origin, "http://localhost:5173"] } },
    });
    try {
      const preflight = await call(withCors.url, "OPTIONS", "/v1/messages", undefined, preflightHeaders);
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
      expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
      expect(preflight.headers.get("access-control-allow-headers")).toBe(
        "content-type, x-api-key, anthropic-version",
      );
      expect(preflight.headers.get("vary")).toMatch(/origin/i);

      const allowed = await call(withCors.url, "POST", "/v1/messages", BODY, {
        origin,
        "x-api-key": PROXY_KEY,
      });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBe(origin);
      expect(allowed.headers.get("access-control-expose-headers")).toContain("request-id");
      const unauthenticated = await call(withCors.url, "POST", "/v1/messages", BODY, { origin });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get("access-control-allow-origin")).toBe(origin);

      const stranger = { ...preflightHeaders, origin: "https://evil.example" };
      const strangerPreflight = await call(withCors.url, "OPTIONS", "/v1/messages", undefined, stranger);
      expect(strangerPreflight.headers.get("access-control-allow-origin")).toBeNull();
      const strangerAnswer = await call(withCors.url, "GET", "/v1/models", undefined, {
        origin: stranger.origin,
        "x-api-key": PROXY_KEY,
      });
      expect(strangerAnswer.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await withCors.close();
    }
  });

  it("allows any origin with '*', streams included", async () => {
    const anyOrigin = await startProxy({ server: { cors: { origins: "*" } } });
    try {
      const response = await call(
        anyOrigin.url,
        "POST",
        "/v1/messages",
        { ...BODY, stream: true },
        { origin },
      );
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect((await checkAnthropicAnswer(response)).ending).toBe("message_stop");
    } finally {
      await anyOrigin.close();
    }
  });

  it("is configured from CORS_ORIGINS", () => {
    const load = (value: string) => parseEnvironment({ GEMINI_API_KEY: "k", CORS_ORIGINS: value });
    expect(load("*")).toMatchObject({ problems: [], options: { cors: { origins: "*" } } });
    expect(load(" https://a.example , http://localhost:3000 ")).toMatchObject({
      problems: [],
      options: { cors: { origins: ["https://a.example", "http://localhost:3000"] } },
    });
    expect(load("https://a.example/path")).toMatchObject({
      problems: [expect.stringMatching(/^CORS_ORIGINS must be \* or a comma-separated list of origins/)],
    });
    const unset = parseEnvironment({ GEMINI_API_KEY: "k" });
    expect(unset.problems).toEqual([]);
    expect(unset.options.cors).toBeUndefined();
  });
});
