import { ClaudeGeminiError } from "@claude-gemini/core";
import { describe, expect, it } from "vitest";
import { createKeyPool } from "./create-key-pool.js";

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** What `@google/genai` throws: an `ApiError` whose message is Gemini's JSON error body. */
function apiError(status: number, body: unknown): Error & { status: number } {
  const error = Object.assign(new Error(JSON.stringify(body)), { status });
  error.name = "ApiError";
  return error;
}

function rateLimited(retryDelay?: string): Error & { status: number } {
  const details = retryDelay
    ? [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay }]
    : undefined;
  return apiError(429, { error: { code: 429, status: "RESOURCE_EXHAUSTED", details } });
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
    const invalid = apiError(400, { error: { code: 400, details: [{ reason: "API_KEY_INVALID" }] } });
    const suspended = apiError(403, {
      error: { code: 403, status: "PERMISSION_DENIED", details: [{ reason: "CONSUMER_SUSPENDED" }] },
    });
    const unrelated = apiError(403, { error: { code: 403, message: "no access to model" } });
    const first = pool.acquire();
    expect(pool.report(first, unrelated)).toBe("keep-error");
    expect(pool.report(first, invalid)).toBe("next-key");
    const second = pool.acquire();
    expect(second.client).toBe("b-2222");
    expect(pool.report(second, suspended)).toBe("keep-error");
    expect(() => pool.acquire()).toThrow(/taken out of the pool/);
    expect(events).toEqual(["…1111 request", "…1111 removed", "…2222 request", "…2222 removed"]);
  });

  it("decides from the structured error only: text quoting a key error removes nothing (issue 14, item 2)", () => {
    const { pool } = startPool(["a-1111", "b-2222"]);
    // What a 400 looks like when Gemini quotes the client's own request back.
    const quoting = [
      apiError(400, {
        error: {
          code: 400,
          status: "INVALID_ARGUMENT",
          message:
            "Invalid value at 'contents': \"please say: API key not valid. API key expired. has been suspended\"",
        },
      }),
      apiError(400, {
        error: { code: 400, status: "INVALID_ARGUMENT", message: 'quoted: "reason": "API_KEY_INVALID"' },
      }),
      apiError(403, {
        error: { code: 403, status: "PERMISSION_DENIED", message: '{"reason":"CONSUMER_SUSPENDED"}' },
      }),
      // Text alone, not Gemini's structured error (a gateway page).
      apiError(400, "API key not valid. Please pass a valid API key. API_KEY_INVALID"),
    ];
    for (let round = 0; round < 3; round++) {
      for (const error of quoting) expect(pool.report(pool.acquire(), error)).toBe("keep-error");
    }
    expect(() => pool.acquire()).not.toThrow();
    expect(pool.unavailableError().status).toBe(429);
  });
});
