import Anthropic, { RateLimitError } from "@anthropic-ai/sdk";
import {
  type ApiKeyEventRecord,
  createFetchHandler,
  type FetchHandlerOptions,
  type RequestCompleteRecord,
} from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type GeminiFake,
  type RecordedRequest,
  SIGNATURE_PLACEHOLDER,
  startGeminiFake,
} from "../gemini-fake/index.js";

// Issue 8's backend features, end to end: the official Anthropic SDK talks to the bare fetch
// handler, the handler talks to the strict Gemini fake.

const KEY_A = "pool-key-aaaa";
const KEY_B = "pool-key-bbbb";
const DEAD_KEY = "pool-key-dead";

// biome-ignore lint/suspicious/noExplicitAny: recorded Gemini bodies are arbitrary JSON.
type GeminiPart = Record<string, any>;

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city.",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKeys: [KEY_A, KEY_B] });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setDefault({ kind: "text", text: "Hello from the Gemini fake." });
});

interface Harness {
  client: Anthropic;
  records: RequestCompleteRecord[];
  keyEvents: ApiKeyEventRecord[];
  logs: { level: string; message: string; fields?: Record<string, unknown> }[];
  /** The last raw response the client got. */
  lastResponse: () => Response | undefined;
}

function startHarness(options: Partial<FetchHandlerOptions>): Harness {
  const records: RequestCompleteRecord[] = [];
  const keyEvents: ApiKeyEventRecord[] = [];
  const logs: Harness["logs"] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    logs.push({ level, message, fields });
  const handler = createFetchHandler({
    apiKey: KEY_A,
    baseUrl: fake.url,
    retry: { maxAttempts: 2, baseDelayMs: 1 },
    // The key pool cases check the exact rotation; metadata reads would take turns too.
    modelMetadata: false,
    onRequestComplete: (record) => records.push(record),
    onApiKeyEvent: (event) => keyEvents.push(event),
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    ...options,
  });
  let lastResponse: Response | undefined;
  const client = new Anthropic({
    apiKey: "unused",
    baseURL: "http://localhost",
    maxRetries: 0,
    fetch: async (url, init) => {
      lastResponse = await handler(new Request(url, init));
      return lastResponse.clone();
    },
  });
  return { client, records, keyEvents, logs, lastResponse: () => lastResponse };
}

function generateRequests(): RecordedRequest[] {
  return fake.requests.filter(
    (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
  );
}

function keyOf(request: RecordedRequest): string | undefined {
  return request.headers["x-goog-api-key"];
}

const ask = (client: Anthropic, model = "gemini-2.5-flash-lite") =>
  client.messages.create({ model, max_tokens: 256, messages: [{ role: "user", content: "Hi" }] });

describe("key pool", () => {
  it("uses the keys round-robin, one client per key", async () => {
    const harness = startHarness({ apiKey: undefined, apiKeys: [KEY_A, KEY_B] });
    for (let index = 0; index < 4; index++) await ask(harness.client);
    expect(generateRequests().map(keyOf)).toEqual([KEY_A, KEY_B, KEY_A, KEY_B]);
    expect(
      harness.keyEvents.filter((event) => event.event === "request").map((event) => event.keyFingerprint),
    ).toEqual(["…aaaa", "…bbbb", "…aaaa", "…bbbb"]);
  });

  it("moves to the next key at once on a 429 and rests the limited key for its RetryInfo delay", async () => {
    const harness = startHarness({ apiKeys: [KEY_A, KEY_B] });
    fake.setDefault({
      kind: "script",
      handler: (request) =>
        keyOf(request) === KEY_A
          ? {
              kind: "error",
              status: 429,
              geminiStatus: "RESOURCE_EXHAUSTED",
              message: "Quota exceeded.",
              retryDelay: "30s",
            }
          : { kind: "text", text: "served by B" },
    });
    const startedAt = Date.now();
    const first = await ask(harness.client);
    expect(first.content).toEqual([{ type: "text", text: "served by B" }]);
    // No backoff wait: the second key took the same attempt.
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(generateRequests().map(keyOf)).toEqual([KEY_A, KEY_B]);

    // Key A rests: the next requests all go to B.
    await ask(harness.client);
    await ask(harness.client);
    expect(generateRequests().map(keyOf)).toEqual([KEY_A, KEY_B, KEY_B, KEY_B]);
    expect(harness.keyEvents).toContainEqual({ keyFingerprint: "…aaaa", event: "rate_limited" });
  });

  it("answers 429 with the shortest remaining rest when every key rests", async () => {
    const harness = startHarness({ apiKeys: [KEY_A, KEY_B], retry: { maxAttempts: 1 } });
    fake.setDefault({
      kind: "script",
      handler: (request) => ({
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Quota exceeded.",
        retryDelay: keyOf(request) === KEY_A ? "90s" : "40s",
      }),
    });
    const error = await ask(harness.client).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    const retryAfter = Number((error as RateLimitError).headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(30);
    expect(retryAfter).toBeLessThanOrEqual(40);

    // While both rest, no call reaches Gemini at all.
    fake.reset();
    await expect(ask(harness.client)).rejects.toBeInstanceOf(RateLimitError);
    expect(generateRequests()).toHaveLength(0);
  });

  it("takes an invalid key out for good with a loud log that never names the key", async () => {
    const harness = startHarness({ apiKey: undefined, apiKeys: [DEAD_KEY, KEY_B] });
    const first = await ask(harness.client);
    expect(first.content).toEqual([{ type: "text", text: "Hello from the Gemini fake." }]);
    await ask(harness.client);
    await ask(harness.client);
    // The dead key was tried once; everything else went to B.
    expect(generateRequests().map(keyOf)).toEqual([DEAD_KEY, KEY_B, KEY_B, KEY_B]);
    expect(harness.keyEvents).toContainEqual({ keyFingerprint: "…dead", event: "removed" });
    const loud = harness.logs.filter((entry) => entry.level === "error");
    expect(loud).toHaveLength(1);
    expect(loud[0]!.fields).toMatchObject({ keyFingerprint: "…dead" });
    expect(JSON.stringify(harness.logs)).not.toContain(DEAD_KEY);
  });

  it("rotates countTokens through the pool too", async () => {
    const harness = startHarness({ apiKey: undefined, apiKeys: [KEY_A, KEY_B] });
    // Two different bodies: the same body twice would be answered from the count cache.
    for (let index = 0; index < 2; index++) {
      await harness.client.messages.countTokens({
        model: "gemini-2.5-flash-lite",
        messages: [{ role: "user", content: `Hi number ${index}` }],
      });
    }
    expect(fake.requests.filter((request) => request.action === "countTokens").map(keyOf)).toEqual([
      KEY_A,
      KEY_B,
    ]);
  });
});

describe("count_tokens bursts", () => {
  /**
   * What Claude Code's /context sends at once: a baseline, the system prompt piece by piece
   * as user messages, then every tool alone beside the baseline message; 26 bodies, the
   * baseline twice.
   */
  function contextBurst(): Anthropic.MessageCountTokensParams[] {
    const model = "claude-sonnet-4-5";
    const baseline = { model, messages: [{ role: "user" as const, content: "foo" }] };
    const pieces = Array.from({ length: 10 }, (_, index) => ({
      model,
      messages: [
        {
          role: "user" as const,
          content: `System prompt section ${index}: ${"Follow the house rules. ".repeat(20 + index)}`,
        },
      ],
    }));
    const tools = Array.from({ length: 14 }, (_, index) => ({
      ...baseline,
      tools: [
        {
          name: `Tool${index}`,
          description: `Does task number ${index}. ${"It takes care. ".repeat(10 * (index + 1))}`,
          input_schema: {
            type: "object" as const,
            properties: { path: { type: "string", description: "Where to work." } },
            required: ["path"],
          },
        },
      ],
    }));
    return [baseline, ...pieces, baseline, ...tools];
  }

  const countCalls = () => fake.requests.filter((request) => request.action === "countTokens");

  it("answers a burst of 26 with a handful of Gemini calls, and a repeated /context from memory", async () => {
    const harness = startHarness({});
    const bodies = contextBurst();
    expect(bodies).toHaveLength(26);
    const count = () =>
      Promise.all(
        bodies.map(async (body) => {
          const { data, response } = await harness.client.messages.countTokens(body).withResponse();
          return {
            tokens: data.input_tokens,
            estimated: response.headers.get("x-claude-gemini-token-estimate") === "true",
          };
        }),
      );

    // Which bodies got Gemini's number: the copies of one body share one call, so every
    // Gemini call stands for exactly one distinct body. The 26 arrive in no fixed order, so
    // which bodies those are is the server's race to settle, not the test's.
    const counted = (answers: typeof first) =>
      new Set(
        bodies
          .map((body, index) => (answers[index]?.estimated !== false ? undefined : JSON.stringify(body)))
          .filter(Boolean),
      );

    const first = await count();
    const firstCalls = countCalls().length;
    // A budget of four new bodies at once; a refill while the burst is served may add one.
    expect(firstCalls).toBeGreaterThanOrEqual(1);
    expect(firstCalls).toBeLessThanOrEqual(5);
    for (const answer of first) expect(Number.isInteger(answer.tokens) && answer.tokens > 0).toBe(true);
    // Every answer Gemini did not count says so.
    expect(counted(first).size).toBe(firstCalls);
    expect(first.filter((answer) => answer.estimated).length).toBeGreaterThanOrEqual(26 - firstCalls - 1);
    // The baseline's two copies get one number when Gemini counted both.
    if (first[0]?.estimated === false && first[11]?.estimated === false) expect(first[11]).toEqual(first[0]);

    // /context again: what Gemini counted comes from memory, only new bodies spend the budget.
    const second = await count();
    const secondCalls = countCalls().length - firstCalls;
    expect(secondCalls).toBeLessThanOrEqual(5);
    first.forEach((answer, index) => {
      if (!answer.estimated) expect(second[index]).toEqual(answer);
    });
    expect(counted(second).size).toBe(firstCalls + secondCalls);
    expect(countCalls().every((request) => request.rejection === undefined)).toBe(true);
  });

  it("still asks Gemini for a single count once the burst is over", async () => {
    const harness = startHarness({});
    await Promise.all(contextBurst().map((body) => harness.client.messages.countTokens(body)));
    const before = countCalls().length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { response } = await harness.client.messages
      .countTokens({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "A new question." }] })
      .withResponse();
    expect(response.headers.get("x-claude-gemini-token-estimate")).toBeNull();
    expect(countCalls().length).toBe(before + 1);
  });
});

describe("fallback models", () => {
  const overloaded = {
    kind: "error",
    status: 503,
    geminiStatus: "UNAVAILABLE",
    message: "The model is overloaded.",
  } as const;

  it("falls back from an overloaded model after its retries, names the model used, keeps message.model", async () => {
    const harness = startHarness({ fallbackModels: ["gemini-2.5-flash-lite"] });
    fake.setDefault({
      kind: "script",
      handler: (request) =>
        request.model === "gemini-3.1-pro-preview" ? overloaded : { kind: "text", text: "from 2.5" },
    });
    const message = await harness.client.messages.create({
      model: "gemini-3.1-pro-preview",
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(message.model).toBe("gemini-3.1-pro-preview");
    expect(message.content.at(-1)).toEqual({ type: "text", text: "from 2.5" });
    expect(harness.lastResponse()?.headers.get("x-claude-gemini-model")).toBe("gemini-2.5-flash-lite");
    expect(harness.records.at(-1)).toMatchObject({
      model: "gemini-3.1-pro-preview",
      geminiModel: "gemini-2.5-flash-lite",
    });
    // Two attempts on the primary (its retry budget), then the fallback.
    expect(generateRequests().map((request) => request.model)).toEqual([
      "gemini-3.1-pro-preview",
      "gemini-3.1-pro-preview",
      "gemini-2.5-flash-lite",
    ]);
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    // Converted again for 2.5: a thinking budget, never Gemini 3's thinking level.
    const thinking = generateRequests()[2]!.body.generationConfig.thinkingConfig;
    expect(thinking.thinkingBudget).toBe(2048);
    expect(thinking.thinkingLevel).toBeUndefined();
  });

  it("falls back on a model that is not found, with a per-model chain, when streaming", async () => {
    const harness = startHarness({ fallbackModels: { "gemini-9-ultra": ["gemini-2.5-flash-lite"] } });
    const stream = harness.client.messages.stream({
      model: "gemini-9-ultra",
      max_tokens: 256,
      messages: [{ role: "user", content: "Hi" }],
    });
    const message = await stream.finalMessage();
    expect(message.model).toBe("gemini-9-ultra");
    expect(message.content).toEqual([{ type: "text", text: "Hello from the Gemini fake." }]);
    expect(harness.lastResponse()?.headers.get("x-claude-gemini-model")).toBe("gemini-2.5-flash-lite");
    expect(generateRequests().map((request) => request.model)).toEqual([
      "gemini-9-ultra",
      "gemini-2.5-flash-lite",
    ]);
  });

  it("does not fall back on a client error", async () => {
    const harness = startHarness({ fallbackModels: ["gemini-2.5-flash-lite"] });
    fake.enqueue({ kind: "error", status: 400, geminiStatus: "INVALID_ARGUMENT", message: "Bad request." });
    await expect(ask(harness.client, "gemini-2.5-flash-lite")).rejects.toMatchObject({ status: 400 });
    expect(generateRequests()).toHaveLength(1);
  });

  it("replaces Gemini 3 signatures when a tool turn falls back to a model of another generation", async () => {
    const harness = startHarness({
      fallbackModels: { "gemini-3-flash-preview": ["gemini-3.1-pro-preview", "gemini-2.5-flash-lite"] },
    });
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris?" };
    fake.enqueue({
      kind: "tool_calls",
      calls: [{ name: "get_weather", args: { city: "Paris" } }],
      thoughts: "Look it up.",
    });
    const first = await harness.client.messages.create({
      model: "gemini-3-flash-preview",
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [WEATHER_TOOL],
      messages: [question],
    });
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    fake.reset();
    fake.setDefault({
      kind: "script",
      handler: (request) =>
        request.model === "gemini-2.5-flash-lite" ? { kind: "text", text: "Sunny." } : overloaded,
    });
    const second = await harness.client.messages.create({
      model: "gemini-3-flash-preview",
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [WEATHER_TOOL],
      messages: [
        question,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Sunny" }] },
      ],
    });
    expect(second.content.at(-1)).toEqual({ type: "text", text: "Sunny." });
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    const byModel = (model: string) => generateRequests().find((request) => request.model === model)!;
    const partsOf = (request: RecordedRequest): GeminiPart[] =>
      request.body.contents.flatMap((content: { parts: GeminiPart[] }) => content.parts);
    // Gemini 3 Pro validates signatures: the Flash one is replaced with the placeholder.
    const proCall = partsOf(byModel("gemini-3.1-pro-preview")).find((part) => part.functionCall);
    expect(proCall?.thoughtSignature).toBe(SIGNATURE_PLACEHOLDER);
    // Gemini 2.5 gets no signatures and no Gemini 3 thought parts at all.
    const flashParts = partsOf(byModel("gemini-2.5-flash-lite"));
    expect(flashParts.some((part) => part.thoughtSignature !== undefined || part.thought === true)).toBe(
      false,
    );
    expect(flashParts.some((part) => part.functionCall?.name === "get_weather")).toBe(true);
  });
});

describe("a client that switches models mid-conversation", () => {
  const FLASH = "gemini-3-flash-preview";
  const PRO = "gemini-3.1-pro-preview";
  const partsOf = (request: RecordedRequest): GeminiPart[] =>
    request.body.contents.flatMap((content: { parts: GeminiPart[] }) => content.parts);
  const callsOf = (request: RecordedRequest) => partsOf(request).filter((part) => part.functionCall);
  const toolTurn = (
    client: Anthropic,
    model: string,
    messages: Anthropic.MessageParam[],
    stream = false,
  ): Promise<Anthropic.Message> => {
    const body = {
      model,
      max_tokens: 2048,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      tools: [WEATHER_TOOL],
      messages,
    };
    return stream ? client.messages.stream(body).finalMessage() : client.messages.create(body);
  };
  const resultFor = (message: Anthropic.Message, content: string): Anthropic.MessageParam => {
    const toolUse = message.content.find((block) => block.type === "tool_use")!;
    return { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content }] };
  };

  it.each([
    ["JSON", false],
    ["streaming", true],
  ])(
    "sends each model only the signatures it issued, the placeholder for the others (%s)",
    async (_label, stream) => {
      const harness = startHarness({});
      const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris, then Rome?" };
      const call = (city: string) => ({
        kind: "tool_calls" as const,
        calls: [{ name: "get_weather", args: { city } }],
        thoughts: `Look up ${city}.`,
      });
      // Turn 1 on Flash: a signed call. Turn 2 on Pro (the client switched): Flash's signature
      // must not reach Pro. Turn 3 back on Flash: its own signature goes back, Pro's does not.
      fake.enqueue(call("Paris"), call("Rome"), { kind: "text", text: "Sunny in both." });
      const first = await toolTurn(harness.client, FLASH, [question], stream);
      const history: Anthropic.MessageParam[] = [
        question,
        { role: "assistant", content: first.content },
        resultFor(first, "Sunny"),
      ];
      const second = await toolTurn(harness.client, PRO, history, stream);
      history.push({ role: "assistant", content: second.content }, resultFor(second, "Sunny"));
      const third = await toolTurn(harness.client, FLASH, history, stream);
      expect(third.content.at(-1)).toEqual({ type: "text", text: "Sunny in both." });

      // The strict fake binds signatures to the model that issued them: none was refused.
      for (const request of fake.requests) expect(request.rejection).toBeUndefined();
      const [flashFirst, proRequest, flashAgain] = generateRequests();
      expect([flashFirst?.model, proRequest?.model, flashAgain?.model]).toEqual([FLASH, PRO, FLASH]);
      // Pro: Flash's call goes with the placeholder, and Flash's thought is not sent at all.
      expect(callsOf(proRequest!).map((part) => part.thoughtSignature)).toEqual([SIGNATURE_PLACEHOLDER]);
      expect(partsOf(proRequest!).some((part) => part.thought === true)).toBe(false);
      // Flash again: its own call keeps its real signature, Pro's call gets the placeholder.
      const [flashCall, proCall] = callsOf(flashAgain!);
      expect(flashCall?.thoughtSignature).toEqual(expect.any(String));
      expect(flashCall?.thoughtSignature).not.toBe(SIGNATURE_PLACEHOLDER);
      expect(proCall?.thoughtSignature).toBe(SIGNATURE_PLACEHOLDER);
    },
  );

  it("reads first-format carriers as the requested model's, and leaves them out for a fallback", async () => {
    const harness = startHarness({ fallbackModels: { [FLASH]: [PRO] } });
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris?" };
    fake.enqueue({
      kind: "tool_calls",
      calls: [{ name: "get_weather", args: { city: "Paris" } }],
      thoughts: "Hm.",
    });
    const first = await toolTurn(harness.client, FLASH, [question]);
    // The carriers as the proxy wrote them before they named their model.
    const legacy = first.content.map((block) => {
      if (block.type === "tool_use")
        return { ...block, id: block.id.replace(/__gm1_[A-Za-z0-9_-]+?(?=__gs1_)/, "") };
      if (block.type === "thinking")
        return { ...block, signature: block.signature.replace(/^cgm2\.(\w)\.[A-Za-z0-9_-]+\./, "cgm1.$1.") };
      return block;
    }) as Anthropic.ContentBlock[];
    expect(JSON.stringify(legacy)).not.toMatch(/__gm1_|cgm2\./);
    const history: Anthropic.MessageParam[] = [
      question,
      { role: "assistant", content: legacy },
      resultFor({ ...first, content: legacy }, "Sunny"),
    ];
    fake.enqueue({ kind: "text", text: "Sunny." });
    await toolTurn(harness.client, FLASH, history);
    // The same history when Flash is overloaded: Pro gets it without Flash's signatures.
    fake.setDefault({
      kind: "script",
      handler: (request) =>
        request.model === FLASH
          ? { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." }
          : { kind: "text", text: "Sunny, says Pro." },
    });
    const fallback = await toolTurn(harness.client, FLASH, history);
    expect(fallback.content.at(-1)).toEqual({ type: "text", text: "Sunny, says Pro." });
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    const requests = generateRequests();
    const sameModel = requests[1]!;
    const toPro = requests.find((request) => request.model === PRO)!;
    // Sent to the model they came from: the real signature goes back.
    expect(callsOf(sameModel)[0]?.thoughtSignature).toEqual(expect.any(String));
    expect(callsOf(sameModel)[0]?.thoughtSignature).not.toBe(SIGNATURE_PLACEHOLDER);
    expect(callsOf(toPro)[0]?.thoughtSignature).toBe(SIGNATURE_PLACEHOLDER);
    expect(partsOf(toPro).some((part) => part.thought === true)).toBe(false);
  });
});

describe("context cache", () => {
  // About 6000 fake tokens of stable prefix, like Claude Code's system prompt and tools.
  const longSystem = "You are a careful coding agent. ".repeat(750);
  const send = (client: Anthropic, text: string, stream = false) => {
    const body = {
      model: "gemini-2.5-flash-lite",
      max_tokens: 256,
      system: longSystem,
      tools: [WEATHER_TOOL],
      messages: [{ role: "user" as const, content: text }],
    };
    return stream ? client.messages.stream(body).finalMessage() : client.messages.create(body);
  };
  const cacheOptions = { contextCache: { enabled: true, minTokens: 2048 } };

  it("is off by default", async () => {
    const harness = startHarness({});
    await send(harness.client, "one");
    await send(harness.client, "two");
    expect(fake.requests.some((request) => request.action === "createCachedContent")).toBe(false);
    expect(generateRequests()[1]!.body.systemInstruction).toBeDefined();
  });

  it("creates a cache once, reports its creation and then cache reads, and sends no prefix with it", async () => {
    const harness = startHarness(cacheOptions);
    const first = await send(harness.client, "one");
    const second = await send(harness.client, "two", true);
    for (const request of fake.requests) expect(request.rejection).toBeUndefined();
    expect(fake.requests.filter((request) => request.action === "createCachedContent")).toHaveLength(1);
    const [cache] = fake.cachedContents();
    expect(cache!.tokens).toBeGreaterThan(2048);

    expect(first.usage.cache_creation_input_tokens).toBe(cache!.tokens);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(cache!.tokens);
    expect(second.usage.input_tokens).toBeLessThan(100);
    expect(harness.records[0]!.cacheCreationTokens).toBe(cache!.tokens);

    for (const request of generateRequests()) {
      expect(request.body.cachedContent).toBe(cache!.name);
      expect(request.body.systemInstruction).toBeUndefined();
      expect(request.body.tools).toBeUndefined();
    }
    // A different question keeps the cache: the prefix did not change.
    expect(generateRequests()[1]!.body.contents).toEqual([{ role: "user", parts: [{ text: "two" }] }]);
  });

  it("leaves short prefixes alone", async () => {
    const harness = startHarness(cacheOptions);
    await harness.client.messages.create({
      model: "gemini-2.5-flash-lite",
      max_tokens: 64,
      system: "Short.",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(fake.requests.some((request) => request.action === "createCachedContent")).toBe(false);
  });

  it("evicts a cache Gemini no longer has, answers uncached, and creates a new one next time", async () => {
    const harness = startHarness({ contextCache: { enabled: true, minTokens: 2048, ttlSeconds: 3600 } });
    await send(harness.client, "one");
    fake.expireCachedContents();
    const answer = await send(harness.client, "two");
    expect(answer.content).toEqual([{ type: "text", text: "Hello from the Gemini fake." }]);
    const generates = generateRequests();
    // The stale cache is refused (403), the same call goes again with the prefix inline.
    expect(generates[1]!.rejection?.status).toBe(403);
    expect(generates[2]!.body.cachedContent).toBeUndefined();
    expect(generates[2]!.body.systemInstruction).toBeDefined();
    await send(harness.client, "three");
    expect(fake.requests.filter((request) => request.action === "createCachedContent")).toHaveLength(2);
  });
});
