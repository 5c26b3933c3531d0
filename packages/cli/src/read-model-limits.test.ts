import { describe, expect, it } from "vitest";
import { readModelLimits } from "./read-model-limits.js";

const answer = (body: unknown, status = 200) =>
  Promise.resolve(
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }),
  );

describe("readModelLimits", () => {
  it("reads the capability table without a proxy", async () => {
    const models = { capabilities: { "gemini-3.5-flash-lite": { maxOutputTokens: 8192 } } };
    expect(await readModelLimits(["gemini-3.8-flash", "gemini-3.5-flash-lite"], { models })).toEqual({
      "gemini-3.8-flash": { maxInputTokens: 1_048_576, maxOutputTokens: 65_536, source: "table" },
      "gemini-3.5-flash-lite": { maxInputTokens: 1_048_576, maxOutputTokens: 8192, source: "table" },
    });
  });

  it("asks a running proxy's /v1/models/{id} first, with its key, and falls back to the table", async () => {
    const seen: { url: string; key: string | null }[] = [];
    const fetch = ((input: URL, init?: RequestInit) => {
      seen.push({ url: String(input), key: new Headers(init?.headers).get("x-api-key") });
      if (String(input).endsWith("/gemini-3.8-flash")) {
        return answer({
          type: "model",
          id: "gemini-3.8-flash",
          max_input_tokens: 2_000_000,
          max_tokens: 30_000,
        });
      }
      if (String(input).endsWith("/gemini-3.5-flash-lite"))
        return answer({ type: "model", id: "gemini-3.5-flash-lite" });
      return answer({ type: "error" }, 404);
    }) as typeof globalThis.fetch;
    const limits = await readModelLimits(["gemini-3.8-flash", "gemini-3.5-flash-lite", "gemini-4-hydrogen"], {
      proxyUrl: "http://127.0.0.1:8080",
      proxyApiKey: "proxy-key",
      fetch,
    });
    expect(limits).toEqual({
      "gemini-3.8-flash": { maxInputTokens: 2_000_000, maxOutputTokens: 30_000, source: "proxy" },
      "gemini-3.5-flash-lite": { maxInputTokens: 1_048_576, maxOutputTokens: 65_536, source: "table" },
      "gemini-4-hydrogen": { maxInputTokens: 1_048_576, maxOutputTokens: 65_536, source: "table" },
    });
    expect(seen.map((call) => call.key)).toEqual(["proxy-key", "proxy-key", "proxy-key"]);
    expect(seen[0]?.url).toBe("http://127.0.0.1:8080/v1/models/gemini-3.8-flash");
  });

  it("falls back to the table when the proxy cannot be reached", async () => {
    const fetch = (() => Promise.reject(new TypeError("fetch failed"))) as typeof globalThis.fetch;
    const limits = await readModelLimits(["gemini-3.8-flash"], { proxyUrl: "http://127.0.0.1:1", fetch });
    expect(limits["gemini-3.8-flash"]?.source).toBe("table");
  });
});
