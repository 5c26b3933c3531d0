import { describe, expect, it } from "vitest";
import { startGeminiFake } from "../../../test/gemini-fake/index.js";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { createMetrics } from "./create-metrics.js";
import { type CreateServerOptions, createServer } from "./create-server.js";

const API_KEY = "fake-gemini-key";
const gemini = useGeminiFake({ apiKey: API_KEY });

async function start(options: CreateServerOptions): Promise<string> {
  return gemini.listen(
    createServer({
      apiKey: API_KEY,
      baseUrl: gemini.fake.url,
      retry: { baseDelayMs: 1 },
      modelMetadata: false,
      ...options,
    }),
  );
}

const post = (url: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      messages: [{ role: "user", content: "Hi" }],
      ...extra,
    }),
  });

/** The value of one series in a Prometheus text page, e.g. `name{a="b"}`. */
function readSeries(page: string, series: string): number | undefined {
  const line = page.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("is off unless enabled", async () => {
    const url = await start({});
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(404);
    await response.text();
  });

  it("counts requests, latency, retries, upstream errors, tokens and streams", async () => {
    const url = await start({ metrics: true });
    gemini.fake.enqueue(
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

    const first = await post(url);
    expect(first.status).toBe(200);
    await first.json();
    const streamed = await post(url, { stream: true });
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    await streamed.text();
    const rejected = await post(url);
    expect(rejected.status).toBe(400);
    await rejected.json();
    await (await fetch(`${url}/health`)).text();

    const scrape = await fetch(`${url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get("content-type")).toContain("text/plain");
    const page = await scrape.text();
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
    // Scrapes are not requests of the API, and no default process metrics leak in.
    expect(page).not.toContain('route="other"');
    expect(page).not.toContain("process_cpu");
  });

  it("counts a stream as open until its last byte", async () => {
    const metrics = createMetrics();
    const url = await start({ metrics, idleTimeoutMs: 5000 });
    gemini.fake.enqueue({
      kind: "slow",
      delayMs: 0,
      between: 300,
      inner: { kind: "text", text: "a b c d", chunks: 3 },
    });

    const streamed = await post(url, { stream: true });
    const reader = streamed.body!.getReader();
    await reader.read();
    const during = await (await fetch(`${url}/metrics`)).text();
    expect(readSeries(during, "claude_gemini_open_streams")).toBe(1);
    while (!(await reader.read()).done) {}
    const after = await metrics.registry.getSingleMetricAsString("claude_gemini_open_streams");
    expect(readSeries(after, "claude_gemini_open_streams")).toBe(0);
  });

  it("asks for the proxy key when one is set, and never shows it", async () => {
    const url = await start({ metrics: true, proxyApiKey: "proxy-secret-key" });
    const anonymous = await fetch(`${url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    await wrong.text();

    const allowed = await fetch(`${url}/metrics`, { headers: { authorization: "Bearer proxy-secret-key" } });
    expect(allowed.status).toBe(200);
    const page = await allowed.text();
    expect(page).toContain("# TYPE claude_gemini_requests_total counter");
    expect(page).not.toContain("proxy-secret-key");
    expect(page).not.toContain(API_KEY);
  });

  it("keeps each server's series apart", async () => {
    const first = createMetrics();
    const second = createMetrics();
    first.recordRequest({
      requestId: "req_1",
      method: "GET",
      path: "/v1/models",
      status: 200,
      latencyMs: 3,
      retries: 0,
      stream: false,
    });
    expect(await first.registry.getSingleMetricAsString("claude_gemini_requests_total")).toContain(
      'claude_gemini_requests_total{route="/v1/models",status="200",model=""} 1',
    );
    expect(await second.registry.getSingleMetricAsString("claude_gemini_requests_total")).not.toContain(
      "/v1/models",
    );
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
      const url = await start({
        apiKey: undefined,
        apiKeys: ["pool-key-1111", "pool-key-2222", "dead-key-0000"],
        baseUrl: pooled.url,
        metrics: true,
      });
      // 1111 gets a 429 and rests, the dead key is taken out: 2222 serves all three requests.
      for (let index = 0; index < 3; index++) expect((await post(url)).status).toBe(200);
      const page = await (await fetch(`${url}/metrics`)).text();
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
});
