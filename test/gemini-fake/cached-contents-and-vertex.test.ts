import { ApiError, GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "./index.js";

const KEYS = ["fake-key-one", "fake-key-two"];
const LONG_SYSTEM = "Stable instructions for a long session. ".repeat(200);
let fake: GeminiFake;
let one: GoogleGenAI;
let two: GoogleGenAI;

const connect = (apiKey: string) =>
  new GoogleGenAI({ apiKey, apiVersion: "v1beta", httpOptions: { baseUrl: fake.url } });

beforeAll(async () => {
  fake = await startGeminiFake({ apiKeys: KEYS });
  one = connect(KEYS[0]!);
  two = connect(KEYS[1]!);
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("several keys", () => {
  it("accepts every configured key and refuses others with API_KEY_INVALID", async () => {
    await one.models.generateContent({ model: "gemini-2.5-flash-lite", contents: "Hi" });
    await two.models.generateContent({ model: "gemini-2.5-flash-lite", contents: "Hi" });
    const error = await failure(
      connect("other").models.generateContent({ model: "gemini-2.5-flash-lite", contents: "Hi" }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toContain("API_KEY_INVALID");
  });
});

describe("cachedContents", () => {
  it("creates, serves, extends and deletes a cache, reporting cachedContentTokenCount", async () => {
    const cache = await one.caches.create({
      model: "gemini-2.5-flash-lite",
      config: { systemInstruction: LONG_SYSTEM, ttl: "300s" },
    });
    expect(cache.name).toMatch(/^cachedContents\//);
    const tokens = cache.usageMetadata?.totalTokenCount ?? 0;
    expect(tokens).toBeGreaterThanOrEqual(1024);

    const response = await one.models.generateContent({
      model: "gemini-2.5-flash-lite",
      contents: "Hi",
      config: { cachedContent: cache.name },
    });
    expect(response.usageMetadata?.cachedContentTokenCount).toBe(tokens);
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(tokens);

    const before = Date.parse(cache.expireTime ?? "");
    const extended = await one.caches.update({ name: cache.name!, config: { ttl: "3600s" } });
    expect(Date.parse(extended.expireTime ?? "")).toBeGreaterThan(before);
    expect((await one.caches.get({ name: cache.name! })).name).toBe(cache.name);
    await one.caches.delete({ name: cache.name! });
    expect((await failure(one.caches.get({ name: cache.name! }))).status).toBe(403);
  });

  it("refuses small caches, other keys' caches, expired caches and prefixes sent next to a cache", async () => {
    const small = await failure(
      one.caches.create({ model: "gemini-2.5-flash-lite", config: { systemInstruction: "Hi" } }),
    );
    expect(small.message).toContain("Cached content is too small");

    const cache = await one.caches.create({
      model: "gemini-2.5-flash-lite",
      config: { systemInstruction: LONG_SYSTEM },
    });
    const withPrefix = await failure(
      one.models.generateContent({
        model: "gemini-2.5-flash-lite",
        contents: "Hi",
        config: { cachedContent: cache.name, systemInstruction: "Also this." },
      }),
    );
    expect(withPrefix.message).toContain(
      "CachedContent can not be used with GenerateContent request setting",
    );
    const otherModel = await failure(
      one.models.generateContent({
        model: "gemini-3.8-flash",
        contents: "Hi",
        config: { cachedContent: cache.name },
      }),
    );
    expect(otherModel.message).toContain("has to be the same");
    const otherKey = await failure(
      two.models.generateContent({
        model: "gemini-2.5-flash-lite",
        contents: "Hi",
        config: { cachedContent: cache.name },
      }),
    );
    expect(otherKey.status).toBe(403);

    fake.expireCachedContents();
    const expired = await failure(
      one.models.generateContent({
        model: "gemini-2.5-flash-lite",
        contents: "Hi",
        config: { cachedContent: cache.name },
      }),
    );
    expect(expired.status).toBe(403);
    expect(expired.message).toContain("CachedContent not found");
  });

  it("refuses a cache for a retired model with 404 NOT_FOUND", async () => {
    const before = fake.cachedContents().length;
    const retired = await failure(
      one.caches.create({ model: "gemini-2.5-flash", config: { systemInstruction: LONG_SYSTEM } }),
    );
    expect(retired.status).toBe(404);
    expect(retired.message).toContain("NOT_FOUND");
    expect(fake.cachedContents()).toHaveLength(before);
  });
});

describe("Vertex AI paths", () => {
  it("serves the Vertex AI URL shapes with a bearer token and refuses calls without one", async () => {
    const vertex = await startGeminiFake({ vertex: { project: "p", location: "us-central1" } });
    try {
      const call = (path: string, authorization?: string) =>
        fetch(`${vertex.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }),
        });
      const path =
        "/v1beta1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash-lite:generateContent";
      const answered = await call(path, "Bearer token");
      expect(answered.status).toBe(200);
      expect((await answered.json()).candidates[0].content.parts[0].text).toBe("Hello from the Gemini fake.");
      expect((await call(path)).status).toBe(401);
      expect((await call(path.replace("/p/", "/q/"), "Bearer token")).status).toBe(403);
      expect(vertex.requests[0]).toMatchObject({
        apiVersion: "v1beta1",
        model: "gemini-2.5-flash-lite",
        vertex: { project: "p" },
      });
    } finally {
      await vertex.close();
    }
  });
});
