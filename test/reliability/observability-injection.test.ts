/**
 * Issue 14, items 6, 7, 8 and the malformed-answer part of 10: what a client (or an upstream
 * answer) can put into the operator's metrics and logs.
 *
 * - `/metrics` grew with client-chosen model names: 60 invented names took it from 42 KB to
 *   169 KB, and CR and NUL reached label values.
 * - The text log format wrote a model name with `\n` and ANSI escapes raw to the terminal.
 * - A non-JSON upstream answer quoting the key reached the log through V8's parse error, which
 *   quotes ~10 characters the redactor missed; keys under 8 characters were never redacted.
 * - A malformed 200 answer was asked for three times (each one billed).
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestLogger } from "@claude-gemini/fetch-handler";
import { createServer } from "@claude-gemini/node-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkAnthropicAnswer } from "./check-anthropic-answer.js";
import { GEMINI_TEST_KEY, type StartedProxy, startProxy } from "./start-proxy.js";

const json = { "content-type": "application/json" };

function post(url: string, body: Record<string, unknown>, path = "/v1/messages"): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ max_tokens: 16, messages: [{ role: "user", content: "Hi." }], ...body }),
  });
}

/** A server started on a free loopback port, closed after the file. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Every run of 8 characters of `secret`: none may appear in what the operator sees. */
function fragmentsOf(secret: string): string[] {
  return Array.from({ length: secret.length - 7 }, (_, start) => secret.slice(start, start + 8));
}

describe("metrics labels (item 6)", () => {
  let proxy: StartedProxy;
  beforeAll(async () => {
    proxy = await startProxy({ server: { metrics: true, models: { haikuModel: "gemini-2.5-flash-lite" } } });
  });
  afterAll(() => proxy?.close());

  it("stay the same size however many model names clients invent", async () => {
    const scrape = async () => (await fetch(`${proxy.url}/metrics`)).text();
    // Warm up: one request per route the attack uses, so every series it touches exists.
    for (const path of ["/v1/messages", "/v1/messages/count_tokens"]) {
      await (await post(proxy.url, { model: "gemini-3.6-flash" }, path)).arrayBuffer();
      await (await post(proxy.url, { model: "gemini-invented-0" }, path)).arrayBuffer();
    }
    await (await post(proxy.url, { model: "not/a model" })).arrayBuffer();
    const before = await scrape();
    for (let index = 1; index <= 60; index++) {
      const model = `gemini-invented-${index}-${Math.random().toString(36).slice(2)}`;
      const answer = await post(proxy.url, { model });
      expect(answer.status).toBe(404);
      await answer.arrayBuffer();
      // count_tokens answers 200 with an estimate when Gemini does not know the model.
      const counted = await post(proxy.url, { model }, "/v1/messages/count_tokens");
      expect(counted.status).toBe(200);
      await counted.arrayBuffer();
    }
    for (const model of ["gemini-2.5-pro\r\nx", "gemini-2.5-pro\u0000", "gemini-\u001b[31m"]) {
      await (await post(proxy.url, { model })).arrayBuffer();
    }
    const after = await scrape();
    expect(after).not.toContain("gemini-invented");
    for (const character of ["\r", "\u0000", "\u001b"]) expect(after).not.toContain(character);
    expect(after).toContain('model="other"');
    // Counters move, series do not multiply: the page grows by a few digits, not by 127 KB.
    expect(after.split("\n").length).toBe(before.split("\n").length);
    expect(after.length - before.length).toBeLessThan(2000);
  });

  it("keep a label for configured models, and for a model Gemini actually answered with", async () => {
    await (await post(proxy.url, { model: "claude-haiku-4-5" })).arrayBuffer();
    const unconfigured = await post(proxy.url, { model: "gemini-4-argon" });
    expect(unconfigured.status).toBe(200);
    await unconfigured.arrayBuffer();
    const page = await (await fetch(`${proxy.url}/metrics`)).text();
    expect(page).toMatch(/claude_gemini_requests_total\{[^}]*model="gemini-2\.5-flash-lite"/);
    expect(page).toMatch(/claude_gemini_requests_total\{[^}]*model="gemini-4-argon"/);
  });
});

describe("log lines (item 7)", () => {
  it("carry no terminal escape or forged line from a model name or an upstream message", async () => {
    const proxy = await startProxy();
    const lines: string[] = [];
    const { logger, onRequestComplete } = createRequestLogger({
      level: "debug",
      format: "text",
      write: (line) => lines.push(line),
    });
    const server = createServer({
      apiKey: GEMINI_TEST_KEY,
      baseUrl: proxy.fake.url,
      retry: { maxAttempts: 1 },
      logger,
      onRequestComplete,
    });
    try {
      const url = await listen(server);
      const forged = "\n\u001b[2J\u001b[32mINFO all good\u001b[0m\r\u009b31m\u202e";
      await (await post(url, { model: `gemini-3.8-flash${forged}` })).arrayBuffer();
      proxy.fake.enqueue({
        kind: "error",
        status: 400,
        geminiStatus: "INVALID_ARGUMENT",
        message: `Bad request.${forged}`,
      });
      await (await post(url, { model: "gemini-3.8-flash" })).arrayBuffer();
      expect(lines.length).toBeGreaterThan(3);
      const text = lines.join("");
      expect(text).toContain("Bad request.");
      for (const line of lines) {
        expect(line.endsWith("\n")).toBe(true);
        expect(line.slice(0, -1)).not.toMatch(/[\p{Cc}\u202e]/u);
      }
      expect(text).toContain(String.raw`\u001b[2J`);
    } finally {
      await close(server);
      await proxy.close();
    }
  });
});

describe("keys in upstream answers (item 8) and malformed answers (item 10)", () => {
  // A realistic key that does not have the AIza shape: only the configured secret can find it.
  const KEY = "AQ.Ab8RN6Kx2vQ7mTzL9pWc4dEfGhJkLmNo";
  let upstream: Server;
  let upstreamUrl = "";
  let hits = 0;
  let answer: (response: import("node:http").ServerResponse) => void = () => {};

  beforeAll(async () => {
    upstream = createHttpServer((request, response) => {
      // Calls, not the handler's background reads of model metadata (GET).
      if (request.method === "POST") hits++;
      request.resume();
      request.on("end", () => answer(response));
    });
    upstreamUrl = await listen(upstream);
  });
  afterAll(() => close(upstream));

  async function startKeyedProxy(apiKey: string) {
    const lines: string[] = [];
    const { logger, onRequestComplete } = createRequestLogger({
      level: "debug",
      format: "json",
      write: (line) => lines.push(line),
    });
    const server = createServer({
      apiKey,
      baseUrl: upstreamUrl,
      retry: { maxAttempts: 3, baseDelayMs: 1 },
      logger,
      onRequestComplete,
    });
    return { url: await listen(server), lines, server };
  }

  it("a 200 that is not JSON is asked for once, and its text (with the key) reaches no log", async () => {
    const proxy = await startKeyedProxy(KEY);
    try {
      // A gateway's answer that quotes the key right at the start, where V8's parse error looks;
      // for a stream, in SSE framing (a stream that ends mid-event may be a cut, and is retried).
      const text = `${KEY.slice(3)} rejected by gateway`;
      for (const stream of [false, true]) {
        answer = (response) =>
          stream
            ? response.writeHead(200, { "content-type": "text/event-stream" }).end(`data: ${text}\r\n\r\n`)
            : response.writeHead(200, { "content-type": "application/json" }).end(text);
        hits = 0;
        const response = await post(proxy.url, { model: "gemini-3.8-flash", stream });
        const checked = await checkAnthropicAnswer(response);
        // A stream is held back until Gemini's first chunk, so it fails as JSON too.
        expect(checked.status).toBe(500);
        expect(checked.errorType).toBe("api_error");
        expect(hits).toBe(1);
      }
      const logs = proxy.lines.join("");
      expect(logs).toContain("not valid JSON (its text is not logged)");
      for (const fragment of fragmentsOf(KEY)) expect(logs).not.toContain(fragment);
    } finally {
      await close(proxy.server);
    }
  });

  it("an upstream error quoting part of the key, or a short key, is redacted in logs and answers", async () => {
    for (const key of [KEY, "Zk93q"]) {
      const proxy = await startKeyedProxy(key);
      try {
        const quoted = key.length > 8 ? key.slice(5, 17) : key;
        answer = (response) =>
          response.writeHead(400, { "content-type": "application/json" }).end(
            JSON.stringify({
              error: {
                code: 400,
                status: "INVALID_ARGUMENT",
                message: `API key ${quoted} not valid. Please pass a valid API key.`,
              },
            }),
          );
        const response = await post(proxy.url, { model: "gemini-3.8-flash" });
        const body = await response.text();
        expect(response.status).toBeGreaterThanOrEqual(400);
        const seen = `${body}\n${proxy.lines.join("")}`;
        expect(seen).toContain("[redacted]");
        expect(seen).not.toContain(quoted);
      } finally {
        await close(proxy.server);
      }
    }
  });
});
