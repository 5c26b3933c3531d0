/**
 * Upstream faults scripted in the Gemini fake, through the node-http server. Each must end in
 * the right Anthropic status or SSE `error` event within a bounded time, with bounded
 * retries (counted at the fake), while a healthy stream in flight at the same time completes.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../gemini-fake/index.js";
import { type AnthropicAnswer, checkAnthropicAnswer } from "./check-anthropic-answer.js";
import { type StartedProxy, startProxy } from "./start-proxy.js";

/** A hang check, not a performance figure. */
const BOUND_MS = 10_000;
const MAX_ATTEMPTS = 3;
const BODY = { model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "Hi." }] };

let proxy: StartedProxy;

beforeAll(async () => {
  proxy = await startProxy({
    server: {
      idleTimeoutMs: 500,
      requestTimeoutMs: 700,
      retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 10, maxTotalDelayMs: 2000 },
    },
  });
});
afterAll(async () => {
  await proxy?.close();
});

async function ask(
  url: string,
  stream: boolean,
): Promise<{ answer: AnthropicAnswer; elapsedMs: number; retryAfter: string | null }> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, stream }),
    signal: AbortSignal.timeout(BOUND_MS + 5000),
  });
  const retryAfter = response.headers.get("retry-after");
  const answer = await checkAnthropicAnswer(response);
  return { answer, elapsedMs: performance.now() - startedAt, retryAfter };
}

/**
 * Starts a healthy slow stream, waits until its upstream call took its scenario from the
 * queue, queues `faults`, sends the faulty request, and checks the healthy stream still ends
 * with `message_stop`. Returns the faulty answer and the upstream calls it made.
 */
async function withHealthyNeighbour(faults: Scenario[], stream: boolean) {
  proxy.fake.reset();
  proxy.fake.enqueue({
    kind: "slow",
    delayMs: 0,
    between: 40,
    inner: { kind: "text", text: "healthy neighbour stream ".repeat(8), chunks: 8 },
  });
  const healthyResponse = await fetch(`${proxy.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...BODY, stream: true }),
    signal: AbortSignal.timeout(BOUND_MS + 5000),
  });
  const healthy = checkAnthropicAnswer(healthyResponse);
  // Generate calls only: the proxy also reads model metadata in the background.
  const generateCalls = () => proxy.fake.requests.filter((request) => request.action !== "get");
  expect(generateCalls()).toHaveLength(1);
  proxy.fake.enqueue(...faults);
  const faulty = await ask(proxy.url, stream);
  const healthyAnswer = await healthy;
  expect(healthyAnswer.ending).toBe("message_stop");
  // The stream's text arrived whole: the neighbour was not cut short by the failure.
  const text = healthyAnswer.events
    ?.filter((event) => event.type === "content_block_delta")
    .map((event) => event.delta.text)
    .join("");
  expect(text).toBe("healthy neighbour stream ".repeat(8));
  expect(faulty.elapsedMs).toBeLessThan(BOUND_MS);
  return { ...faulty, upstreamCalls: generateCalls().length - 1 };
}

const times = (count: number, scenario: Scenario): Scenario[] =>
  Array.from({ length: count }, () => scenario);
const error = (
  status: number,
  geminiStatus: string,
  extra: Partial<Extract<Scenario, { kind: "error" }>> = {},
) =>
  ({ kind: "error", status, geminiStatus, message: `upstream says ${geminiStatus}`, ...extra }) as Scenario;

describe("upstream faults", { timeout: 60_000 }, () => {
  it.each([
    // [name, upstream statuses, client status, error type]
    ["500", error(500, "INTERNAL"), 500, "api_error"],
    ["503", error(503, "UNAVAILABLE"), 529, "overloaded_error"],
    ["504", error(504, "DEADLINE_EXCEEDED"), 504, "timeout_error"],
    [
      "429 with a short RetryInfo",
      error(429, "RESOURCE_EXHAUSTED", { retryDelay: "0.05s" }),
      429,
      "rate_limit_error",
    ],
  ] as const)(
    "maps a persistent %s after bounded retries, streaming or not",
    async (_name, fault, status, type) => {
      for (const stream of [false, true]) {
        const { answer, upstreamCalls } = await withHealthyNeighbour(times(MAX_ATTEMPTS + 2, fault), stream);
        expect(answer.status).toBe(status);
        expect(answer.errorType).toBe(type);
        expect(upstreamCalls).toBe(MAX_ATTEMPTS);
      }
    },
  );

  it("answers a 429 whose RetryInfo exceeds the retry budget at once, passing the delay on", async () => {
    const { answer, upstreamCalls, retryAfter } = await withHealthyNeighbour(
      times(MAX_ATTEMPTS, error(429, "RESOURCE_EXHAUSTED", { retryDelay: "53s" })),
      false,
    );
    expect(answer.status).toBe(429);
    expect(answer.errorType).toBe("rate_limit_error");
    expect(upstreamCalls).toBe(1);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(53);
  });

  it("recovers from one transient 503 by retrying", async () => {
    const { answer, upstreamCalls } = await withHealthyNeighbour([error(503, "UNAVAILABLE")], true);
    expect(answer.ending).toBe("message_stop");
    expect(upstreamCalls).toBe(2);
  });

  it("times a silent upstream out: 504 without a stream, overloaded before a stream's first chunk", async () => {
    const silent: Scenario = { kind: "slow", delayMs: 30_000, inner: { kind: "text", text: "late" } };
    const plain = await withHealthyNeighbour(times(MAX_ATTEMPTS + 2, silent), false);
    expect(plain.answer.status).toBe(504);
    expect(plain.answer.errorType).toBe("timeout_error");
    expect(plain.upstreamCalls).toBeLessThanOrEqual(MAX_ATTEMPTS);
    const streamed = await withHealthyNeighbour(times(MAX_ATTEMPTS + 2, silent), true);
    expect(streamed.answer.status).toBe(529);
    expect(streamed.answer.errorType).toBe("overloaded_error");
    expect(streamed.upstreamCalls).toBe(MAX_ATTEMPTS);
    // Every abandoned attempt was cancelled upstream, not left running.
    await expect.poll(() => proxy.fake.requests.slice(1).every((request) => request.aborted)).toBe(true);
  });

  it("cuts a stream that stalls after it started with an overloaded_error event and cancels the upstream", async () => {
    const { answer, upstreamCalls } = await withHealthyNeighbour([{ kind: "stall", afterChunks: 2 }], true);
    expect(answer.ending).toBe("error_event");
    expect(answer.errorType).toBe("overloaded_error");
    expect(upstreamCalls).toBe(1);
    await expect.poll(() => proxy.fake.requests[1]?.aborted).toBe(true);
  });

  it.each([
    ["a reset during the stream", { kind: "cut_stream", afterChunks: 2, mode: "reset" }, "overloaded_error"],
    ["a close during the stream", { kind: "cut_stream", afterChunks: 2, mode: "close" }, undefined],
    ["a garbage chunk", { kind: "garbage_chunk", afterChunks: 2 }, "api_error"],
    [
      "an error-object chunk",
      {
        kind: "error_chunk",
        afterChunks: 2,
        geminiStatus: "UNAVAILABLE",
        message: "The model is overloaded.",
      },
      "overloaded_error",
    ],
    [
      "an INTERNAL error-object chunk",
      {
        kind: "error_chunk",
        afterChunks: 1,
        geminiStatus: "INTERNAL",
        message: "Internal error encountered.",
      },
      "api_error",
    ],
  ] as [string, Scenario, string | undefined][])(
    "ends the stream with an error event after %s",
    async (_name, fault, type) => {
      const { answer, upstreamCalls } = await withHealthyNeighbour([fault], true);
      expect(answer.status).toBe(200);
      expect(answer.ending).toBe("error_event");
      if (type) expect(answer.errorType).toBe(type);
      // Text was already sent to the client: no retry may replay it.
      expect(upstreamCalls).toBe(1);
    },
  );

  it("retries a reset before the first chunk, then fails with a well-formed error", async () => {
    const reset: Scenario = { kind: "cut_stream", afterChunks: 0, mode: "reset" };
    for (const stream of [true, false]) {
      const { answer, upstreamCalls } = await withHealthyNeighbour(times(MAX_ATTEMPTS + 2, reset), stream);
      expect(answer.ending).not.toBe("message_stop");
      expect(answer.ending).not.toBe("message");
      expect(answer.status === 200 ? answer.ending : answer.status).not.toBe(500);
      expect(upstreamCalls).toBe(MAX_ATTEMPTS);
    }
  });

  it("answers a response without candidates with an error or an explained retry, never an empty end_turn", async () => {
    const faults = times(MAX_ATTEMPTS + 2, { kind: "empty_candidates" });
    const streamed = await withHealthyNeighbour(faults, true);
    expect(streamed.answer.ending).toBe("error_event");
    expect(streamed.upstreamCalls).toBeLessThanOrEqual(MAX_ATTEMPTS);
    const plain = await withHealthyNeighbour(faults, false);
    expect(plain.upstreamCalls).toBe(MAX_ATTEMPTS);
    expect(plain.answer.ending).toBe("message");
    // After the retries, the message says what happened instead of ending empty.
    expect(plain.answer.body.content).toEqual([
      { type: "text", text: expect.stringMatching(/empty response/) },
    ]);
  });

  it("answers a refused connection with an overloaded_error in bounded time", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const refused = await startProxy({
      server: { baseUrl: `http://127.0.0.1:${closedPort}`, retry: { maxAttempts: 3, baseDelayMs: 10 } },
    });
    try {
      for (const stream of [false, true]) {
        const { answer, elapsedMs } = await ask(refused.url, stream);
        expect(answer.status).toBe(529);
        expect(answer.errorType).toBe("overloaded_error");
        expect(answer.errorMessage).toMatch(/Could not reach Gemini/);
        expect(elapsedMs).toBeLessThan(BOUND_MS);
      }
    } finally {
      await refused.close();
    }
  });

  it("still answers /health after every fault", async () => {
    const response = await fetch(`${proxy.url}/health`);
    expect(response.status).toBe(200);
  });
});
