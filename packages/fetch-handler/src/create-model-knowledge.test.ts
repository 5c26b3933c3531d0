import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerLogger, FetchHandlerOptions } from "./fetch-handler-options.js";

// The fake's `gemini-4-xenon` is a model no table knows: levels MEDIUM/HIGH/XHIGH only, no
// budgets, 32,768 output tokens. Its `gemini-3.6-flash` refuses MINIMAL, which the built-in
// table guesses it takes. The proxy has to learn both from the service.
const GEMINI_KEY = "test-gemini-key";
let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function createHandler(options: Partial<FetchHandlerOptions> = {}) {
  const logged: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logged.push({ level, message, fields });
    };
  const logger: FetchHandlerLogger = {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
  };
  const handler = createFetchHandler({
    apiKey: GEMINI_KEY,
    baseUrl: fake.url,
    retry: { baseDelayMs: 1, maxTotalDelayMs: 1000 },
    modelMetadata: false,
    logger,
    ...options,
  });
  return { handler, logged };
}

function message(model: string, extra: Record<string, unknown> = {}) {
  return new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 1024, messages: [{ role: "user", content: "Hi" }], ...extra }),
  });
}

const generateCalls = () =>
  fake.requests.filter(
    (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
  );
const thinkingOf = (request: { body?: unknown }) =>
  (request.body as { generationConfig?: { thinkingConfig?: unknown } }).generationConfig?.thinkingConfig;

describe("capability correction from the service", () => {
  it("learns the levels of a model no table knows, retrying once before the first byte", async () => {
    const { handler, logged } = createHandler();
    const first = await handler(message("gemini-4-xenon"));
    expect(first.status).toBe(200);
    const calls = generateCalls();
    expect(calls.map(thinkingOf)).toEqual([{ thinkingLevel: "LOW" }, { thinkingLevel: "MEDIUM" }]);
    expect(calls[0]?.rejection?.message).toContain("'low' is not a supported thinking level");

    fake.reset();
    const second = await handler(message("gemini-4-xenon", { stream: true }));
    expect(second.status).toBe(200);
    await second.text();
    expect(generateCalls().map(thinkingOf)).toEqual([{ thinkingLevel: "MEDIUM" }]);
    expect(logged.filter((entry) => entry.message.startsWith("Gemini corrected a model capability"))).toEqual(
      [
        expect.objectContaining({
          level: "info",
          fields: { geminiModel: "gemini-4-xenon", lesson: "thinking levels MEDIUM, HIGH, XHIGH" },
        }),
      ],
    );

    const info = await (await handler(new Request("http://localhost/v1/models/gemini-4-xenon"))).json();
    expect(info.claude_gemini.learned).toEqual(["thinking levels MEDIUM, HIGH, XHIGH"]);
    expect(info.capabilities.effort.xhigh).toEqual({ supported: true });
  });

  it("corrects a row of the table the service contradicts (3.6 Flash without MINIMAL), streaming too", async () => {
    const { handler } = createHandler();
    const response = await handler(message("gemini-3.6-flash", { stream: true }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("message_stop");
    expect(generateCalls().map(thinkingOf)).toEqual([{ thinkingLevel: "MINIMAL" }, { thinkingLevel: "LOW" }]);
  });

  it("never learns from a 400 that quotes the client's text, and never retries it", async () => {
    const { handler } = createHandler();
    const quoted =
      "Invalid argument in contents[0]: 'minimal' is not a supported thinking level for this model. Allowed values are: high";
    fake.enqueue({ kind: "error", status: 400, geminiStatus: "INVALID_ARGUMENT", message: quoted });
    const response = await handler(message("gemini-3-flash-preview"));
    expect(response.status).toBe(400);
    expect(generateCalls()).toHaveLength(1);
    // A sentence that is exactly the template still teaches nothing unless it names the value
    // the proxy sent (MINIMAL here, for a request without thinking).
    fake.reset();
    fake.enqueue({
      kind: "error",
      status: 400,
      geminiStatus: "INVALID_ARGUMENT",
      message: "'high' is not a supported thinking level for this model. Allowed values are: minimal",
    });
    expect((await handler(message("gemini-3-flash-preview"))).status).toBe(400);
    expect(generateCalls()).toHaveLength(1);
    fake.reset();
    expect((await handler(message("gemini-3-flash-preview"))).status).toBe(200);
    expect(generateCalls().map(thinkingOf)).toEqual([{ thinkingLevel: "MINIMAL" }]);
  });

  it("gives the client the original error when the corrected call fails too, and learns nothing", async () => {
    const { handler } = createHandler();
    // Not retryable: the corrected call fails for good.
    fake.enqueue({ kind: "error", status: 403, geminiStatus: "PERMISSION_DENIED", message: "Not allowed." });
    const response = await handler(message("gemini-4-xenon"));
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("'low' is not a supported thinking level");
    fake.reset();
    await handler(message("gemini-4-xenon"));
    expect(generateCalls().map(thinkingOf)[0]).toEqual({ thinkingLevel: "LOW" });
  });

  it("makes at most one corrective retry per request", async () => {
    const { handler } = createHandler({
      models: { capabilities: { "gemini-4-xenon": { maxOutputTokens: 65_536 } } },
    });
    // Both the level and max_tokens are wrong for xenon: one correction, then the service's error.
    const response = await handler(message("gemini-4-xenon", { max_tokens: 60_000 }));
    expect(response.status).toBe(400);
    expect(generateCalls()).toHaveLength(2);
  });
});

describe("model metadata from the service", () => {
  it("clamps max_tokens to the output limit the service reports for a model no table knows", async () => {
    const { handler } = createHandler({ modelMetadata: true });
    // Metadata is fetched in the background on first use: this request uses the table's values.
    const first = await handler(message("gemini-4-xenon"));
    expect(first.status).toBe(200);
    await expect.poll(() => fake.requests.some((request) => request.action === "get")).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    fake.reset();
    await handler(message("gemini-4-xenon", { max_tokens: 60_000 }));
    const config = (generateCalls()[0]!.body as { generationConfig: { maxOutputTokens: number } })
      .generationConfig;
    expect(config.maxOutputTokens).toBe(32_768);
    const info = await (await handler(new Request("http://localhost/v1/models/gemini-4-xenon"))).json();
    expect(info).toMatchObject({
      max_input_tokens: 1_048_576,
      max_tokens: 32_768,
      display_name: "Gemini 4 Xenon",
    });
    expect(info.claude_gemini.reported_by_service).toBe(true);
  });

  it("reads the configured models' metadata at start-up, in the background", async () => {
    const { handler } = createHandler({ modelMetadata: true, models: { opusModel: "gemini-4-hydrogen" } });
    await expect
      .poll(() =>
        fake.requests
          .filter((request) => request.action === "get")
          .map((request) => request.model)
          .sort(),
      )
      .toEqual(["gemini-3.5-flash-lite", "gemini-3.8-flash", "gemini-4-hydrogen"]);
    const info = await (await handler(new Request("http://localhost/v1/models/gemini-3.8-flash"))).json();
    expect(info).toMatchObject({ max_input_tokens: 1_048_576, max_tokens: 65_536 });
  });

  it("never delays or fails a request when the metadata call hangs or fails", async () => {
    const hangingGet: typeof fetch = async (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if ((init?.method ?? "GET") === "GET" && /\/models\/[^:]+$/.test(url))
        return new Promise<Response>(() => {});
      return fetch(input, init);
    };
    const { handler } = createHandler({ modelMetadata: true, fetch: hangingGet });
    const started = performance.now();
    const response = await handler(message("gemini-3.8-flash"));
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(5_000);
    const info = await (await handler(new Request("http://localhost/v1/models/gemini-3.8-flash"))).json();
    // Without metadata, the table's values: 1,048,576 / 65,536.
    expect(info).toMatchObject({ max_input_tokens: 1_048_576, max_tokens: 65_536 });
    expect(info.claude_gemini.reported_by_service).toBe(false);
  });
});
