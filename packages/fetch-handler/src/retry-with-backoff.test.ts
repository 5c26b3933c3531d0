import { ClaudeGeminiError } from "@claude-gemini/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { retryWithBackoff } from "./retry-with-backoff.js";

const overloaded = () => new ClaudeGeminiError({ status: 529, type: "overloaded_error", message: "busy" });
const invalid = () => new ClaudeGeminiError({ status: 400, type: "invalid_request_error", message: "bad" });

/** Records waits instead of sleeping, so the tests run in no time. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (delayMs: number) => void waits.push(delayMs) };
}

const bounds = { maxAttempts: 3, maxTotalDelayMs: 20_000, baseDelayMs: 500 };

describe("retryWithBackoff", () => {
  it("returns the first success with the number of retries made", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const result = await retryWithBackoff(
      async () => {
        calls++;
        if (calls < 3) throw overloaded();
        return "done";
      },
      { ...bounds, sleep, random: () => 0.5 },
    );
    expect(result).toEqual({ value: "done", retries: 2 });
    // Exponential: 500 then 1000, each half fixed and half jitter.
    expect(waits).toEqual([375, 750]);
  });

  it("throws a non-retryable failure at once", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls++;
        throw invalid();
      },
      { ...bounds, sleep },
    );
    await expect(failing).rejects.toMatchObject({ status: 400 });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("waits as long as the upstream asked", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await retryWithBackoff(
      async () => {
        if (calls++ === 0) {
          throw new ClaudeGeminiError({
            status: 429,
            type: "rate_limit_error",
            message: "slow",
            retryAfterSeconds: 7,
          });
        }
        return "ok";
      },
      { ...bounds, sleep },
    );
    expect(waits).toEqual([7000]);
  });

  it.each([
    ["does not fit the budget", 60, {}],
    ["is longer than maxDelayMs", 7, { maxDelayMs: 5000 }],
  ])("gives up at once when the asked wait %s", async (_label, retryAfterSeconds, extra) => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls++;
        throw new ClaudeGeminiError({
          status: 429,
          type: "rate_limit_error",
          message: "slow",
          retryAfterSeconds,
        });
      },
      { ...bounds, ...extra, sleep },
    );
    await expect(failing).rejects.toMatchObject({ retryAfterSeconds });
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it("reads RetryInfo.retryDelay from an SDK error message", async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    const apiError = Object.assign(
      new Error(
        JSON.stringify({
          error: {
            code: 429,
            status: "RESOURCE_EXHAUSTED",
            message: "quota",
            details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.5s" }],
          },
        }),
      ),
      { name: "ApiError", status: 429 },
    );
    await retryWithBackoff(
      async () => {
        if (calls++ === 0) throw apiError;
        return "ok";
      },
      { ...bounds, sleep },
    );
    expect(waits).toEqual([2500]);
  });

  it("retries a retryable value, discards it, and returns the last one when attempts run out", async () => {
    const { sleep } = recordingSleep();
    const discarded: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(async () => ++calls, {
      ...bounds,
      sleep,
      shouldRetryValue: () => true,
      discardValue: (value) => discarded.push(value),
    });
    expect(result).toEqual({ value: 3, retries: 2 });
    expect(discarded).toEqual([1, 2]);
  });

  it("grows its waits by backoffFactor, cuts them at maxDelayMs, and draws a jitter share at random", async () => {
    const { waits, sleep } = recordingSleep();
    await expect(
      retryWithBackoff(
        async () => {
          throw overloaded();
        },
        { ...bounds, maxAttempts: 5, backoffFactor: 3, maxDelayMs: 5000, jitter: 0, sleep },
      ),
    ).rejects.toMatchObject({ status: 529 });
    expect(waits).toEqual([500, 1500, 4500, 5000]);

    const random = recordingSleep();
    await retryWithBackoff(
      async (attempt) => {
        if (attempt === 1) throw overloaded();
        return "ok";
      },
      { ...bounds, jitter: 1, random: () => 0.25, sleep: random.sleep },
    );
    expect(random.waits).toEqual([125]);
  });

  it("stops when the signal aborts", async () => {
    const controller = new AbortController();
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls++;
        controller.abort();
        throw overloaded();
      },
      { ...bounds, signal: controller.signal },
    );
    await expect(failing).rejects.toMatchObject({ status: 529 });
    expect(calls).toBe(1);
  });

  it("never exceeds its attempts or its total wait, whatever the failures and jitter", async () => {
    const failure = fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: 0, max: 30 }).map((seconds) => seconds),
      fc.constant("fatal" as const),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(failure, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 30_000 }),
        fc.integer({ min: 0, max: 2_000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (failures, maxAttempts, maxTotalDelayMs, baseDelayMs, jitter) => {
          const { waits, sleep } = recordingSleep();
          let calls = 0;
          const outcome = await retryWithBackoff(
            async () => {
              const next = failures[calls++];
              if (next === "fatal") throw invalid();
              if (next === undefined && calls > failures.length) return "ok";
              throw new ClaudeGeminiError({
                status: 529,
                type: "overloaded_error",
                message: "busy",
                retryAfterSeconds: next,
              });
            },
            { maxAttempts, maxTotalDelayMs, baseDelayMs, sleep, random: () => jitter },
          ).then(
            (result) => result,
            () => undefined,
          );
          expect(calls).toBeLessThanOrEqual(maxAttempts);
          expect(waits).toHaveLength(calls - 1);
          expect(waits.reduce((sum, wait) => sum + wait, 0)).toBeLessThanOrEqual(maxTotalDelayMs);
          if (outcome) expect(outcome.retries).toBe(calls - 1);
        },
      ),
    );
  });
});
