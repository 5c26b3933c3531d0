import { describe, expect, it } from "vitest";
import { createTokenCountCache } from "./create-token-count-cache.js";

function clock() {
  let time = 1_000;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe("createTokenCountCache", () => {
  it("counts a body once, then answers it from memory until it expires", async () => {
    const time = clock();
    const cache = createTokenCountCache({ ttlMs: 1000, now: time.now });
    let calls = 0;
    const count = async () => ++calls * 10;
    expect(await cache.count("a", count)).toEqual({ tokens: 10, source: "gemini" });
    expect(await cache.count("a", count)).toEqual({ tokens: 10, source: "cache" });
    time.advance(1001);
    expect(await cache.count("a", count)).toEqual({ tokens: 20, source: "gemini" });
    expect(calls).toBe(2);
  });

  it("shares a count in flight with every caller of the same body", async () => {
    const cache = createTokenCountCache();
    let release: (tokens: number) => void = () => {};
    let calls = 0;
    const count = () => {
      calls++;
      return new Promise<number>((resolve) => {
        release = resolve;
      });
    };
    const first = cache.count("a", count);
    const second = cache.count("a", count);
    release(7);
    expect(await first).toEqual({ tokens: 7, source: "gemini" });
    expect(await second).toEqual({ tokens: 7, source: "shared" });
    expect(calls).toBe(1);
  });

  it("lets a burst spend its budget, answers the rest with undefined, and refills over time", async () => {
    const time = clock();
    const cache = createTokenCountCache({ burst: 3, refillPerSecond: 2, now: time.now });
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, index) => cache.count(`body-${index}`, async () => index + 1)),
    );
    expect(answers.map((answer) => answer?.source)).toEqual([
      "gemini",
      "gemini",
      "gemini",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    time.advance(499);
    expect(await cache.count("later-1", async () => 1)).toBeUndefined();
    time.advance(1);
    expect(await cache.count("later-2", async () => 1)).toEqual({ tokens: 1, source: "gemini" });
    // A remembered body needs no budget.
    expect(await cache.count("body-0", async () => 99)).toEqual({ tokens: 1, source: "cache" });
  });

  it("remembers no failure, and every caller waiting on it hears of it", async () => {
    const cache = createTokenCountCache();
    let fail: (error: Error) => void = () => {};
    const failing = () =>
      new Promise<number>((_, reject) => {
        fail = reject;
      });
    const first = cache.count("a", failing);
    const second = cache.count("a", failing);
    fail(new Error("429"));
    await expect(first).rejects.toThrow("429");
    await expect(second).rejects.toThrow("429");
    expect(await cache.count("a", async () => 5)).toEqual({ tokens: 5, source: "gemini" });
  });

  it("keeps at most maxEntries counts, dropping the least recently used", async () => {
    const cache = createTokenCountCache({ maxEntries: 2, burst: 10 });
    await cache.count("a", async () => 1);
    await cache.count("b", async () => 2);
    await cache.count("a", async () => 0); // a is used again: b is now the oldest
    await cache.count("c", async () => 3);
    expect(await cache.count("a", async () => 100)).toEqual({ tokens: 1, source: "cache" });
    expect(await cache.count("b", async () => 200)).toEqual({ tokens: 200, source: "gemini" });
  });
});
