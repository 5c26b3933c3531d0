import { ClaudeGeminiError } from "@claude-gemini/core";
import { describe, expect, it } from "vitest";
import { createKeyPool } from "./create-key-pool.js";

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function rateLimited(retryDelay?: string): Error & { status: number } {
  const details = retryDelay
    ? `,"details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"${retryDelay}"}]`
    : "";
  return Object.assign(new Error(`{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"${details}}}`), {
    status: 429,
  });
}

function startPool(keys: string[]) {
  let time = 1_000_000;
  const pool = createKeyPool(keys, {
    createClient: (key) => ({ key }),
    logger: silent,
    defaultRestMs: 10_000,
    now: () => time,
  });
  return { pool, advance: (milliseconds: number) => (time += milliseconds) };
}

describe("createKeyPool", () => {
  it("builds one client per key, once", () => {
    const created: string[] = [];
    const pool = createKeyPool(["a-1111", "b-2222"], {
      createClient: (key) => created.push(key),
      logger: silent,
    });
    for (let index = 0; index < 5; index++) pool.acquire();
    expect(created).toEqual(["a-1111", "b-2222"]);
  });

  it("rests a key for its RetryInfo delay, then uses it again", () => {
    const { pool, advance } = startPool(["a-1111", "b-2222"]);
    const first = pool.acquire();
    expect(pool.report(first, rateLimited("5s"))).toBe("next-key");
    expect([pool.acquire(), pool.acquire()].map((key) => key.client.key)).toEqual(["b-2222", "b-2222"]);
    advance(5_000);
    expect([pool.acquire(), pool.acquire()].map((key) => key.client.key)).toEqual(["a-1111", "b-2222"]);
  });

  it("rests for the default without RetryInfo, and reports the shortest rest when all rest", () => {
    const { pool, advance } = startPool(["a-1111", "b-2222"]);
    expect(pool.report(pool.acquire(), rateLimited())).toBe("next-key");
    advance(2_000);
    expect(pool.report(pool.acquire(), rateLimited("30s"))).toBe("all-resting");
    let thrown: unknown;
    try {
      pool.acquire();
    } catch (error) {
      thrown = error;
    }
    expect(ClaudeGeminiError.isInstance(thrown)).toBe(true);
    // Key a rests 10 s from t=0, so 8 s are left; key b rests 30 s.
    expect(thrown).toMatchObject({ status: 429, retryAfterSeconds: 8 });
  });

  it("never rests or removes the only key", () => {
    const { pool } = startPool(["only-1111"]);
    const key = pool.acquire();
    expect(pool.report(key, rateLimited("60s"))).toBe("keep-error");
    expect(pool.acquire()).toBe(key);
  });

  it("removes dead keys for good, and says so when none is left", () => {
    const events: string[] = [];
    const pool = createKeyPool(["a-1111", "b-2222"], {
      createClient: (key) => key,
      logger: silent,
      onEvent: (record) => events.push(`${record.keyFingerprint} ${record.event}`),
    });
    const invalid = Object.assign(
      new Error('{"error":{"code":400,"details":[{"reason":"API_KEY_INVALID"}]}}'),
      {
        status: 400,
      },
    );
    const suspended = Object.assign(
      new Error(
        '{"error":{"code":403,"status":"PERMISSION_DENIED","details":[{"reason":"CONSUMER_SUSPENDED"}]}}',
      ),
      { status: 403 },
    );
    const unrelated = Object.assign(new Error('{"error":{"code":403,"message":"no access to model"}}'), {
      status: 403,
    });
    const first = pool.acquire();
    expect(pool.report(first, unrelated)).toBe("keep-error");
    expect(pool.report(first, invalid)).toBe("next-key");
    const second = pool.acquire();
    expect(second.client).toBe("b-2222");
    expect(pool.report(second, suspended)).toBe("keep-error");
    expect(() => pool.acquire()).toThrow(/taken out of the pool/);
    expect(events).toEqual(["…1111 request", "…1111 removed", "…2222 request", "…2222 removed"]);
  });
});
