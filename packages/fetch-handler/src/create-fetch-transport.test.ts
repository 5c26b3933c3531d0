import { readNetworkFailure } from "@claude-gemini/core";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import { createFetchTransport, type TransportFetch } from "./create-fetch-transport.js";
import type { UpstreamReply, UpstreamRequest, UpstreamTransport } from "./upstream-transport.js";

const GEMINI_KEY = "transport-key";
let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});

const REQUEST: UpstreamRequest = {
  url: "http://gemini.test/v1beta/models/m:generateContent",
  method: "POST",
  headers: { "Content-Type": "application/json", "x-goog-api-key": "k" },
  body: '{"contents":[]}',
};

interface Seen {
  url: string;
  init: RequestInit & { dispatcher?: unknown };
}

/**
 * A `fetch` that records its calls and answers with a body whose pieces come from `pieces`
 * one pull at a time; a piece `"hang"` waits for the signal. `cancelled` turns true when the
 * body is cancelled.
 */
function createRecordingFetch(pieces: string[] = ["{}"], answerDelay = 0) {
  const seen: Seen[] = [];
  const state = { cancelled: false };
  const fetch: TransportFetch = async (url, init = {}) => {
    seen.push({ url: String(url), init });
    const signal = init.signal ?? undefined;
    if (answerDelay > 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, answerDelay);
        signal?.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    }
    const queue = [...pieces];
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const piece = queue.shift();
        if (piece === undefined) controller.close();
        else if (piece === "hang")
          await new Promise<void>((_resolve, reject) => {
            signal?.addEventListener("abort", () => {
              controller.error(signal.reason);
              reject(signal.reason);
            });
          });
        else controller.enqueue(new TextEncoder().encode(piece));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return new Response(body, { status: 200, statusText: "Fine", headers: { "content-type": "text/plain" } });
  };
  return { fetch, seen, state };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("createFetchTransport", () => {
  it("sends the request through the fetch and reads status, headers and body", async () => {
    const { fetch, seen } = createRecordingFetch(['{"a":', "1}"]);
    const reply = await createFetchTransport(fetch)(REQUEST);
    expect(seen[0]).toMatchObject({
      url: REQUEST.url,
      init: { method: "POST", headers: REQUEST.headers, body: REQUEST.body },
    });
    // A given fetch is trusted with its own limits: no dispatcher is slipped in.
    expect(seen[0]?.init.dispatcher).toBeUndefined();
    // Without a timeout, the caller's signal goes through as is (here: none).
    expect(seen[0]?.init.signal).toBeUndefined();
    expect(reply.status).toBe(200);
    expect(reply.statusText).toBe("Fine");
    expect(reply.header("Content-Type")).toBe("text/plain");
    expect(reply.header("x-missing")).toBeUndefined();
    expect(await reply.text()).toBe('{"a":1}');
  });

  it("reads the body piece by piece and cancels it", async () => {
    const { fetch, state } = createRecordingFetch(["one", "two", "three"]);
    const transport = createFetchTransport(fetch);
    const reply = await transport(REQUEST);
    expect(new TextDecoder().decode(await reply.read())).toBe("one");
    expect(new TextDecoder().decode(await reply.read())).toBe("two");
    reply.cancel();
    expect(state.cancelled).toBe(true);

    const whole = await transport(REQUEST);
    const pieces: string[] = [];
    for (let piece = await whole.read(); piece !== undefined; piece = await whole.read()) {
      pieces.push(new TextDecoder().decode(piece));
    }
    expect(pieces).toEqual(["one", "two", "three"]);
  });

  it("passes the caller's abort reason on, before the answer and while the body is read", async () => {
    const reason = new Error("client left");
    const early = new AbortController();
    const slow = createRecordingFetch(["{}"], 1000);
    const pending = createFetchTransport(slow.fetch)({ ...REQUEST, signal: early.signal, timeoutMs: 5000 });
    setTimeout(() => early.abort(reason), 20);
    expect(await failureOf(pending)).toBe(reason);

    const late = new AbortController();
    const hanging = createRecordingFetch(["data: 1\n\n", "hang"]);
    const reply = await createFetchTransport(hanging.fetch)({ ...REQUEST, signal: late.signal });
    // No timeout: the caller's own signal is the fetch's signal.
    expect(hanging.seen[0]?.init.signal).toBe(late.signal);
    await reply.read();
    const read = reply.read();
    late.abort(reason);
    expect(await failureOf(read)).toBe(reason);

    await expect(
      createFetchTransport(hanging.fetch)({ ...REQUEST, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
  });

  it("times out a late answer and a stalled body with a TimeoutError the policies read as a timeout", async () => {
    const slow = createRecordingFetch(["{}"], 1000);
    const early = await failureOf(createFetchTransport(slow.fetch)({ ...REQUEST, timeoutMs: 30 }));
    expect(early).toMatchObject({ name: "TimeoutError" });
    expect(readNetworkFailure(early)).toEqual({ cause: "timeout" });

    const hanging = createRecordingFetch(["data: 1\n\n", "hang"]);
    const reply = await createFetchTransport(hanging.fetch)({ ...REQUEST, timeoutMs: 50 });
    await reply.read();
    const stalled = await failureOf(reply.read());
    expect(stalled).toMatchObject({ name: "TimeoutError" });
  });

  it("lets go of the caller's signal and the timer once the body is read", async () => {
    const { fetch, seen } = createRecordingFetch(["done"]);
    const controller = new AbortController();
    const reply = await createFetchTransport(fetch)({ ...REQUEST, signal: controller.signal, timeoutMs: 30 });
    expect(await reply.text()).toBe("done");
    await new Promise((resolve) => setTimeout(resolve, 60));
    controller.abort(new Error("late"));
    // The combined signal the fetch got saw neither the timer nor the late abort.
    expect(seen[0]?.init.signal?.aborted).toBe(false);
  });

  it("uses the runtime's fetch with undici's 300 s limits lifted when no fetch is given", async () => {
    const original = globalThis.fetch;
    const { fetch, seen } = createRecordingFetch(["{}"]);
    globalThis.fetch = fetch as typeof globalThis.fetch;
    try {
      await (await createFetchTransport()(REQUEST)).text();
    } finally {
      globalThis.fetch = original;
    }
    const dispatcher = seen[0]?.init.dispatcher as { dispatch?: unknown } | undefined;
    expect(typeof dispatcher?.dispatch).toBe("function");
  });

  it("reaches a real server through the runtime's fetch", async () => {
    const reply = await createFetchTransport()({
      ...REQUEST,
      url: `${fake.url}/v1beta/models/gemini-3.8-flash:generateContent`,
      headers: { "content-type": "application/json", "x-goog-api-key": GEMINI_KEY },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }),
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(await reply.text())).toHaveProperty("candidates");
  });
});

describe("the transport option", () => {
  const body = JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 64,
    messages: [{ role: "user", content: "Hi" }],
  });
  const ask = (handler: (request: Request) => Promise<Response>) =>
    handler(
      new Request("http://localhost/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body,
      }),
    );

  /** A transport that counts its calls and forwards them to the runtime's fetch. */
  function createCountingTransport() {
    const calls: UpstreamRequest[] = [];
    const inner = createFetchTransport();
    const transport: UpstreamTransport = (request): Promise<UpstreamReply> => {
      calls.push(request);
      return inner(request);
    };
    return { transport, calls };
  }

  /** A `fetch` that counts its calls and forwards them to the runtime's fetch. */
  function createCountingFetch() {
    const calls: string[] = [];
    const fetch: TransportFetch = (input, init) => {
      calls.push(String(input instanceof Request ? input.url : input));
      return globalThis.fetch(input, init);
    };
    return { fetch, calls };
  }

  it("wins over fetch for generate calls", async () => {
    const { transport, calls } = createCountingTransport();
    const counted = createCountingFetch();
    const handler = createFetchHandler({
      apiKey: GEMINI_KEY,
      baseUrl: fake.url,
      modelMetadata: false,
      fetch: counted.fetch,
      transport,
    });
    const response = await ask(handler);
    expect(response.status).toBe(200);
    expect(calls.map((call) => call.url)).toEqual([
      `${fake.url}/v1beta/models/gemini-3.8-flash:generateContent`,
    ]);
    expect(counted.calls).toEqual([]);
  });

  it("wins over a client's fetch for generate calls", async () => {
    const { transport, calls } = createCountingTransport();
    const counted = createCountingFetch();
    const client = new GoogleGenAI({
      apiKey: GEMINI_KEY,
      apiVersion: "v1beta",
      httpOptions: { baseUrl: fake.url, fetch: counted.fetch },
    });
    const response = await ask(createFetchHandler({ client, modelMetadata: false, transport }));
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(counted.calls).toEqual([]);
  });

  it("leaves generate calls on fetch when not given", async () => {
    const counted = createCountingFetch();
    const handler = createFetchHandler({
      apiKey: GEMINI_KEY,
      baseUrl: fake.url,
      modelMetadata: false,
      fetch: counted.fetch,
    });
    expect((await ask(handler)).status).toBe(200);
    expect(counted.calls).toEqual([`${fake.url}/v1beta/models/gemini-3.8-flash:generateContent`]);
  });
});
