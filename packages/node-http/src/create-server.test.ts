import type { Server } from "node:http";
import { gzipSync } from "node:zlib";
import type { UpstreamTransport } from "@claude-gemini/fetch-handler";
import { describe, expect, it } from "vitest";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { closeServerGracefully } from "./close-server-gracefully.js";
import { createNodeTransport } from "./create-node-transport.js";
import { type CreateServerOptions, createServer } from "./create-server.js";

// The real fetch handler behind the real Node server, talking to the Gemini fake.

const API_KEY = "fake-gemini-key";
const gemini = useGeminiFake({ apiKey: API_KEY });

async function start(options: CreateServerOptions = {}): Promise<{ server: Server; url: string }> {
  const server = createServer({
    apiKey: API_KEY,
    baseUrl: gemini.fake.url,
    retry: { maxAttempts: 1 },
    // These tests read the fake's first request; metadata calls are tested in fetch-handler.
    modelMetadata: false,
    ...options,
  });
  return { server, url: await gemini.listen(server) };
}

const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Say hello" }],
    ...extra,
  });

const headers = { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "any" };

/** The part of an Anthropic stream event these tests look at. */
interface EventData {
  type: string;
  delta?: { type?: string; text?: string };
}

/** Reads an SSE response, noting when each `data:` event arrived. */
async function readEvents(response: Response): Promise<{ type: string; data: EventData; at: number }[]> {
  const events: { type: string; data: EventData; at: number }[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary = buffer.indexOf("\n\n");
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const dataLine = block.split("\n").find((line) => line.startsWith("data:"));
      if (dataLine) {
        const data = JSON.parse(dataLine.slice(5)) as EventData;
        events.push({ type: data.type, data, at: performance.now() });
      }
      boundary = buffer.indexOf("\n\n");
    }
  }
  return events;
}

describe("createServer with the real fetch handler", () => {
  it("answers a non-streaming message", async () => {
    gemini.fake.enqueue({ kind: "text", text: "Hello there" });
    const { url } = await start();
    const response = await fetch(`${url}/v1/messages?beta=true`, {
      method: "POST",
      headers,
      body: messagesBody(),
    });
    expect(response.status).toBe(200);
    const message = await response.json();
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: "Hello there" }],
    });
    expect(gemini.fake.requests[0]?.headers["x-goog-api-key"]).toBe(API_KEY);
  });

  it("passes a stream through as Gemini produces it, not all at the end", async () => {
    gemini.fake.enqueue({
      kind: "slow",
      delayMs: 0,
      between: 150,
      inner: { kind: "text", text: "one two three four", chunks: 4 },
    });
    const { url } = await start();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers,
      body: messagesBody({ stream: true }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(response);
    expect(events[0]?.type).toBe("message_start");
    expect(events.at(-1)?.type).toBe("message_stop");
    const deltas = events.filter((event) => event.data.delta?.type === "text_delta");
    expect(deltas.map((event) => event.data.delta?.text).join("")).toBe("one two three four");
    // Four chunks 150 ms apart upstream must reach the client spread out the same way.
    expect(deltas.at(-1)!.at - deltas[0]!.at).toBeGreaterThan(300);
  });

  it("accepts a gzip-encoded request body", async () => {
    gemini.fake.enqueue({ kind: "text", text: "zipped" });
    const { url } = await start();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { ...headers, "content-encoding": "gzip" },
      body: gzipSync(messagesBody()),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).content[0].text).toBe("zipped");
  });

  it("answers malformed JSON with 400 invalid_request_error", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers,
      body: '{"model": "claude',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(gemini.fake.requests).toHaveLength(0);
  });

  it("answers a body over maxBodyBytes with 413 request_too_large", async () => {
    const { url } = await start({ maxBodyBytes: 2000 });
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers,
      body: messagesBody({ messages: [{ role: "user", content: "x".repeat(5000) }] }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "request_too_large" } });
    expect(gemini.fake.requests).toHaveLength(0);
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    gemini.fake.enqueue({ kind: "stall", afterChunks: 1 });
    const { url } = await start();
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers,
      body: messagesBody({ stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => gemini.fake.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
  });

  it("lets an open stream finish during a graceful shutdown and refuses new connections", async () => {
    gemini.fake.enqueue({
      kind: "slow",
      delayMs: 200,
      between: 100,
      inner: { kind: "text", text: "a b c", chunks: 3 },
    });
    const { server, url } = await start();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers,
      body: messagesBody({ stream: true }),
    });
    const eventsPromise = readEvents(response);
    const closed = closeServerGracefully(server, { gracePeriodMs: 10_000 });
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    const events = await eventsPromise;
    expect(events.at(-1)?.type).toBe("message_stop");
    await closed;
    expect(server.listening).toBe(false);
  });

  it("cuts streams still open when the grace period ends", async () => {
    gemini.fake.enqueue({ kind: "stall", afterChunks: 1 });
    const { server, url } = await start();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers,
      body: messagesBody({ stream: true }),
    });
    const reader = response.body!.getReader();
    await reader.read();
    const startedAt = performance.now();
    await closeServerGracefully(server, { gracePeriodMs: 300 });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return "ended";
      })(),
    ).rejects.toThrow();
  });
});

describe("createServer's upstream", () => {
  const ask = async (url: string) =>
    fetch(`${url}/v1/messages`, { method: "POST", headers, body: messagesBody() });

  it("sends generate calls through a transport it is given, and adds none of its own", async () => {
    gemini.fake.enqueue({ kind: "text", text: "Through the transport" });
    const seen: string[] = [];
    const inner = createNodeTransport();
    const transport: UpstreamTransport = (request) => {
      seen.push(request.url);
      return inner(request);
    };
    const { url } = await start({ transport });
    expect((await ask(url)).status).toBe(200);
    expect(seen).toEqual([`${gemini.fake.url}/v1beta/models/gemini-3.8-flash:generateContent`]);
  });

  it("leaves generate calls on a fetch it is given", async () => {
    gemini.fake.enqueue({ kind: "text", text: "Through fetch" });
    const seen: string[] = [];
    const { url } = await start({
      fetch: (input, init) => {
        seen.push(String(input));
        return globalThis.fetch(input, init);
      },
    });
    expect((await ask(url)).status).toBe(200);
    expect(seen).toEqual([`${gemini.fake.url}/v1beta/models/gemini-3.8-flash:generateContent`]);
  });
});

describe("createServer and the host process", () => {
  it("leaves memory release (a V8 flag) off unless the host asks for it", () => {
    // The watch is one more `request` listener next to the bridge's own.
    expect(createServer({ apiKey: API_KEY }).listenerCount("request")).toBe(1);
    expect(createServer({ apiKey: API_KEY, releaseMemoryWhenIdle: true }).listenerCount("request")).toBe(2);
    expect(
      createServer({ apiKey: API_KEY, releaseMemoryWhenIdle: { idleMs: 50 } }).listenerCount("request"),
    ).toBe(2);
  });
});
