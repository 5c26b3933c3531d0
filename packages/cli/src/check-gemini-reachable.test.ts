import { describe, expect, it } from "vitest";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { checkGeminiReachable } from "./check-gemini-reachable.js";

const gemini = useGeminiFake({ apiKey: "good-key" });

describe("checkGeminiReachable", () => {
  it("passes with a working key, with one free metadata call", async () => {
    const result = await checkGeminiReachable(
      { apiKey: "good-key", baseUrl: gemini.fake.url, models: {} },
      "gemini-3.8-flash",
    );
    expect(result).toEqual({ ok: true });
    expect(gemini.fake.requests.map((request) => request.action)).toEqual(["get"]);
  });

  it("blocks on a rejected key", async () => {
    const result = await checkGeminiReachable(
      { apiKey: "bad-key", baseUrl: gemini.fake.url, models: {} },
      "gemini-3.8-flash",
    );
    expect(result).toMatchObject({ ok: false, kind: "key", blocking: true });
  });

  it("reports an unknown model without blocking: the key may still serve the mapped models", async () => {
    const result = await checkGeminiReachable(
      { apiKey: "good-key", baseUrl: gemini.fake.url, models: {} },
      "gemini-9.9-ultra",
    );
    expect(result).toMatchObject({ ok: false, kind: "model", blocking: false });
  });

  it("blocks when nothing answers in time, naming the endpoint", async () => {
    const hanging = ((_input: string, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      })) as typeof fetch;
    const result = await checkGeminiReachable(
      { apiKey: "good-key", baseUrl: "http://10.0.0.1:8443", models: {} },
      "gemini-3.8-flash",
      { fetch: hanging, timeoutMs: 50 },
    );
    expect(result).toMatchObject({ ok: false, kind: "timeout", blocking: true });
    if (!result.ok)
      expect(result.problem).toMatch(
        /^Gemini at http:\/\/10\.0\.0\.1:8443 did not answer in time\. Check GEMINI_BASE_URL/,
      );
  });

  it("leaves Vertex AI to its own credentials", async () => {
    expect(
      await checkGeminiReachable(
        { vertexai: { project: "p", location: "l" }, models: {} },
        "gemini-3.8-flash",
      ),
    ).toEqual({ ok: true });
  });
});
