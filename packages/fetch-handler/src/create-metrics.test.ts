import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import { createMetrics } from "./create-metrics.js";
import type { FetchHandlerOptions } from "./fetch-handler-options.js";

// Metrics through a plain fetch handler, with no Node server in between: what Deno, Bun and
// Workers get. node-http's createServer passes its `metrics` option through to the same code.

const API_KEY = "fake-gemini-key";
let gemini: GeminiFake;

beforeAll(async () => {
  gemini = await startGeminiFake({ apiKey: API_KEY });
});
afterAll(async () => {
  await gemini.close();
});
beforeEach(() => {
  gemini.reset();
});

function start(options: Partial<FetchHandlerOptions>) {
  return createFetchHandler({
    apiKey: API_KEY,
    baseUrl: gemini.url,
    retry: { baseDelayMs: 1 },
    modelMetadata: false,
    ...options,
  });
}

const post = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      messages: [{ role: "user", content: "Hi" }],
      ...extra,
    }),
  });

const scrape = (headers: Record<string, string> = {}) => new Request("http://localhost/metrics", { headers });

/** The value of one series in a Prometheus text page, e.g. `name{a="b"}`. */
function readSeries(page: string, series: string): number | undefined {
  const line = page.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("is a 404 unless enabled", async () => {
    const handler = start({});
    const response = await handler(scrape());
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: "not_found_error" } });
  });

  it("counts requests, latency, retries, upstream errors, tokens and streams", async () => {
    const handler = start({ metrics: true });
    gemini.enqueue(
      { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." },
      {
        kind: "text",
        text: "Hello",
        usage: {
          promptTokenCount: 40,
          candidatesTokenCount: 7,
          thoughtsTokenCount: 5,
          cachedContentTokenCount: 30,
        },
      },
      {
        kind: "text",
        text: "Streamed answer",
        chunks: 3,
        usage: { promptTokenCount: 10, candidatesTokenCount: 4 },
      },
      { kind: "error", status: 400, geminiStatus: "INVALID_ARGUMENT", message: "Bad schema." },
    );

    const first = await handler(post());
    expect(first.status).toBe(200);
    await first.json();
    const streamed = await handler(post({ stream: true }));
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    await streamed.text();
    const rejected = await handler(post());
    expect(rejected.status).toBe(400);
    await rejected.json();
    await (await handler(new Request("http://localhost/health"))).text();

    const response = await handler(scrape());
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const page = await response.text();
    const model = 'model="gemini-3.5-flash-lite"';

    expect(readSeries(page, `claude_gemini_requests_total{route="/v1/messages",status="200",${model}}`)).toBe(
      2,
    );
    expect(readSeries(page, `claude_gemini_requests_total{route="/v1/messages",status="400",${model}}`)).toBe(
      1,
    );
    expect(readSeries(page, 'claude_gemini_requests_total{route="/health",status="200",model=""}')).toBe(1);
    expect(
      readSeries(
        page,
        `claude_gemini_request_duration_seconds_count{route="/v1/messages",${model},stream="false"}`,
      ),
    ).toBe(2);
    expect(
      readSeries(
        page,
        `claude_gemini_request_duration_seconds_count{route="/v1/messages",${model},stream="true"}`,
      ),
    ).toBe(1);
    expect(
      readSeries(
        page,
        `claude_gemini_request_duration_seconds_bucket{le="+Inf",route="/v1/messages",${model},stream="false"}`,
      ),
    ).toBe(2);
    expect(readSeries(page, `claude_gemini_time_to_first_token_seconds_count{${model}}`)).toBe(1);
    expect(readSeries(page, `claude_gemini_upstream_retries_total{${model}}`)).toBe(1);
    expect(
      readSeries(page, `claude_gemini_upstream_errors_total{${model},gemini_status="UNAVAILABLE"}`),
    ).toBe(1);
    expect(
      readSeries(page, `claude_gemini_upstream_errors_total{${model},gemini_status="INVALID_ARGUMENT"}`),
    ).toBe(1);
    // As the client sees them: input without the cached part, output with the thinking part.
    expect(readSeries(page, `claude_gemini_tokens_total{${model},type="input"}`)).toBe(20);
    expect(readSeries(page, `claude_gemini_tokens_total{${model},type="output"}`)).toBe(16);
    expect(readSeries(page, `claude_gemini_tokens_total{${model},type="thinking"}`)).toBe(5);
    expect(readSeries(page, `claude_gemini_tokens_total{${model},type="cached"}`)).toBe(30);
    expect(readSeries(page, "claude_gemini_open_streams")).toBe(0);
    // Scrapes are not requests of the API.
    expect(page).not.toContain('route="other"');
    for (const name of ["requests_total", "request_duration_seconds", "open_streams"]) {
      expect(page).toContain(`# HELP claude_gemini_${name} `);
    }
    expect(page).toContain("# TYPE claude_gemini_request_duration_seconds histogram");
    expect(page).toContain("# TYPE claude_gemini_open_streams gauge");
  });

  it("counts a stream as open until its last byte, and a cancelled one as closed", async () => {
    const metrics = createMetrics();
    const handler = start({ metrics, idleTimeoutMs: 5000 });
    gemini.enqueue(
      { kind: "slow", delayMs: 0, between: 200, inner: { kind: "text", text: "a b c d", chunks: 3 } },
      { kind: "stall", afterChunks: 1 },
    );

    const streamed = await handler(post({ stream: true }));
    const reader = streamed.body!.getReader();
    await reader.read();
    expect(readSeries(await (await handler(scrape())).text(), "claude_gemini_open_streams")).toBe(1);
    while (!(await reader.read()).done) {}
    expect(readSeries(metrics.render(), "claude_gemini_open_streams")).toBe(0);

    const abandoned = await handler(post({ stream: true }));
    const abandonedReader = abandoned.body!.getReader();
    await abandonedReader.read();
    expect(readSeries(metrics.render(), "claude_gemini_open_streams")).toBe(1);
    await abandonedReader.cancel();
    expect(readSeries(metrics.render(), "claude_gemini_open_streams")).toBe(0);
  });

  it("counts a one-chunk stream that ends before the handler returns", async () => {
    const metrics = createMetrics();
    const handler = start({ metrics });
    gemini.enqueue({ kind: "text", text: "Short." });
    await (await handler(post({ stream: true }))).text();
    expect(readSeries(metrics.render(), "claude_gemini_open_streams")).toBe(0);
  });

  it("asks for the proxy key when one is set, and never shows it", async () => {
    const handler = start({ metrics: true, proxyApiKey: "proxy-secret-key" });
    const anonymous = await handler(scrape());
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const wrong = await handler(scrape({ authorization: "Bearer nope" }));
    expect(wrong.status).toBe(401);
    await wrong.text();

    const allowed = await handler(scrape({ authorization: "Bearer proxy-secret-key" }));
    expect(allowed.status).toBe(200);
    const page = await allowed.text();
    expect(page).toContain("# TYPE claude_gemini_requests_total counter");
    expect(page).not.toContain("proxy-secret-key");
    expect(page).not.toContain(API_KEY);
  });

  it("keeps a keyless proxy's page to loopback callers, and answers HEAD without a body", async () => {
    const handler = start({ metrics: true });
    const rebound = await handler(new Request("http://attacker.example/metrics"));
    expect(rebound.status).toBe(403);
    const crossSite = await handler(scrape({ origin: "https://evil.example" }));
    expect(crossSite.status).toBe(403);
    const head = await handler(new Request("http://localhost/metrics", { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const posted = await handler(new Request("http://localhost/metrics", { method: "POST" }));
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET");
  });

  it("keeps each handler's series apart", async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.requestComplete?.({
      type: "requestComplete",
      requestId: "req_1",
      route: "list-models",
      record: {
        requestId: "req_1",
        method: "GET",
        path: "/v1/models",
        status: 200,
        latencyMs: 3,
        retries: 0,
        stream: false,
      },
    });
    expect(first.render()).toContain(
      'claude_gemini_requests_total{route="/v1/models",status="200",model=""} 1',
    );
    expect(second.render()).not.toContain("/v1/models");
  });

  it("counts requests, 429s and removals per pooled key, labelled by fingerprint only", async () => {
    const pooled = await startGeminiFake({ apiKeys: ["pool-key-1111", "pool-key-2222"] });
    try {
      pooled.setDefault({
        kind: "script",
        handler: (request) =>
          request.headers["x-goog-api-key"] === "pool-key-1111"
            ? {
                kind: "error",
                status: 429,
                geminiStatus: "RESOURCE_EXHAUSTED",
                message: "Quota.",
                retryDelay: "60s",
              }
            : { kind: "text", text: "ok" },
      });
      const handler = start({
        apiKey: undefined,
        apiKeys: ["pool-key-1111", "pool-key-2222", "dead-key-0000"],
        baseUrl: pooled.url,
        metrics: true,
      });
      // 1111 gets a 429 and rests, the dead key is taken out: 2222 serves all three requests.
      for (let index = 0; index < 3; index++) expect((await handler(post())).status).toBe(200);
      const page = await (await handler(scrape())).text();
      expect(readSeries(page, 'claude_gemini_api_key_requests_total{key="…1111"}')).toBe(1);
      expect(readSeries(page, 'claude_gemini_api_key_rate_limited_total{key="…1111"}')).toBe(1);
      expect(readSeries(page, 'claude_gemini_api_key_requests_total{key="…2222"}')).toBe(3);
      expect(readSeries(page, 'claude_gemini_api_key_removals_total{key="…0000"}')).toBe(1);
      expect(page).not.toContain("pool-key");
      expect(page).not.toContain("dead-key");
    } finally {
      await pooled.close();
    }
  });

  it("gives configured and fallback models a label of their own, and folds invented ones into other", async () => {
    const handler = start({
      metrics: true,
      models: { haikuModel: "gemini-9-configured" },
      fallbackModels: ["gemini-9-fallback"],
    });
    gemini.setDefault({ kind: "error", status: 404, geminiStatus: "NOT_FOUND", message: "No such model." });
    await (await handler(post())).text();
    await (await handler(post({ model: "gemini-invented-1" }))).text();
    const page = await (await handler(scrape())).text();
    expect(page).toContain('model="gemini-9-configured"');
    expect(page).toContain('model="gemini-9-fallback"');
    expect(page).toContain('model="other"');
    expect(page).not.toContain("gemini-invented");
  });
});
