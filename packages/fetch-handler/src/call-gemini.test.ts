import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, type RecordedRequest, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerOptions, RequestCompleteRecord } from "./fetch-handler-options.js";

// The composition of call-gemini.ts, end to end through the real @google/genai client and the
// strict Gemini fake: key rotation inside retries inside the one correction inside fallback.
const KEY_A = "compose-key-aaaa";
const KEY_B = "compose-key-bbbb";
const PRIMARY = "gemini-3-flash-preview";
// The fake refuses MINIMAL on 3.6 Flash, where the proxy's table guesses it is allowed.
const FALLBACK = "gemini-3.6-flash";

let fake: GeminiFake;
beforeAll(async () => {
  fake = await startGeminiFake({ apiKeys: [KEY_A, KEY_B] });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function createHandler(options: Partial<FetchHandlerOptions> = {}) {
  const records: RequestCompleteRecord[] = [];
  const logs: string[] = [];
  const log = (message: string) => logs.push(message);
  const handler = createFetchHandler({
    apiKeys: [KEY_A, KEY_B],
    baseUrl: fake.url,
    retry: { maxAttempts: 2, baseDelayMs: 1, maxTotalDelayMs: 2000 },
    modelMetadata: false,
    fallbackModels: { [PRIMARY]: [FALLBACK] },
    onRequestComplete: (record) => records.push(record),
    logger: { debug() {}, info: log, warn: log, error: log },
    ...options,
  });
  return { handler, records, logs };
}

const post = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({
      model: PRIMARY,
      max_tokens: 1024,
      messages: [{ role: "user", content: "Hi" }],
      ...body,
    }),
  });

const overloaded = {
  kind: "error",
  status: 503,
  geminiStatus: "UNAVAILABLE",
  message: "The model is overloaded.",
} as const;
const rateLimited = {
  kind: "error",
  status: 429,
  geminiStatus: "RESOURCE_EXHAUSTED",
  message: "Quota exceeded.",
  retryDelay: "30s",
} as const;

/** Model, key and outcome of every generate call, in order. */
const calls = () =>
  fake.requests
    .filter((request) => request.action === "generateContent" || request.action === "streamGenerateContent")
    .map((request: RecordedRequest) => ({
      model: request.model,
      key: request.headers["x-goog-api-key"],
      level: request.body.generationConfig?.thinkingConfig?.thinkingLevel,
      status: request.rejection?.status ?? (request.model === PRIMARY ? "scripted" : 200),
    }));

describe("callGemini: key → retry → correction → fallback", () => {
  it.each([
    ["JSON", false],
    ["stream", true],
  ])("runs every layer in order in one request (%s)", async (_label, stream) => {
    const { handler, records, logs } = createHandler();
    fake.setDefault({
      kind: "script",
      handler: (request) => {
        if (request.model !== PRIMARY) return { kind: "text", text: "from the fallback" };
        return request.headers["x-goog-api-key"] === KEY_A ? rateLimited : overloaded;
      },
    });
    const response = await handler(post({ stream }));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("from the fallback");
    expect(text).toContain(`"model":"${PRIMARY}"`);
    expect(response.headers.get("x-claude-gemini-model")).toBe(FALLBACK);
    expect(calls()).toEqual([
      // 1. key: A is rate limited, B takes the same attempt at once.
      { model: PRIMARY, key: KEY_A, level: "MINIMAL", status: "scripted" },
      { model: PRIMARY, key: KEY_B, level: "MINIMAL", status: "scripted" },
      // 2. retry: B again (A rests for its RetryInfo), overloaded again; the budget is spent.
      { model: PRIMARY, key: KEY_B, level: "MINIMAL", status: "scripted" },
      // 4. fallback, converted for 3.6 Flash, which refuses MINIMAL…
      { model: FALLBACK, key: KEY_B, level: "MINIMAL", status: 400 },
      // 3. …so the one correction converts again with what the refusal taught.
      { model: FALLBACK, key: KEY_B, level: "LOW", status: 200 },
    ]);
    expect(records.at(-1)).toMatchObject({ status: 200, geminiModel: FALLBACK, retries: 1 });
    expect(logs).toEqual(
      expect.arrayContaining([
        "Gemini API key rate limited; resting it",
        "retrying Gemini call",
        "Gemini model unavailable; falling back",
        "Gemini refused a setting for this model; retrying once corrected",
      ]),
    );
  });

  it("makes one attempt per model when the client says it is retrying itself", async () => {
    const { handler } = createHandler({
      apiKeys: [KEY_A],
      fallbackModels: [PRIMARY, "gemini-2.5-flash-lite"],
    });
    fake.setDefault({ kind: "script", handler: () => overloaded });
    const response = await handler(post({}, { "x-stainless-retry-count": "2" }));
    expect(response.status).toBe(529);
    expect(calls().map((call) => call.model)).toEqual([PRIMARY, "gemini-2.5-flash-lite"]);
    // Without the header: the budget's two attempts on each model.
    fake.reset();
    fake.setDefault({ kind: "script", handler: () => overloaded });
    expect((await handler(post({}))).status).toBe(529);
    expect(calls()).toHaveLength(4);
  });

  it("neither retries nor falls back on a per-day quota", async () => {
    const { handler } = createHandler({ apiKeys: [KEY_A] });
    fake.setDefault({
      kind: "respond",
      handler: () => ({
        status: 429,
        body: {
          error: {
            code: 429,
            status: "RESOURCE_EXHAUSTED",
            message: "Quota exceeded.",
            details: [
              {
                "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }],
              },
            ],
          },
        },
      }),
    });
    const response = await handler(post({}));
    expect(response.status).toBe(429);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect(calls()).toHaveLength(1);
  });

  it("spends the one correction of a request once: a second refusal stands", async () => {
    const { handler } = createHandler({ apiKeys: [KEY_A], fallbackModels: undefined });
    fake.setDefault({
      kind: "script",
      handler: () => ({
        kind: "error",
        status: 400,
        geminiStatus: "INVALID_ARGUMENT",
        message:
          "'minimal' is not a supported thinking level for this model. Allowed values are: low, medium, high",
      }),
    });
    const response = await handler(post({ model: FALLBACK }));
    expect(response.status).toBe(400);
    // The first call and its one corrected call; a 400 is neither retried nor corrected twice.
    expect(calls().map((call) => call.level)).toEqual(["MINIMAL", "LOW"]);
  });
});
