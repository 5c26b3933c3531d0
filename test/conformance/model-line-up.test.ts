import Anthropic from "@anthropic-ai/sdk";
import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, SIGNATURE_PLACEHOLDER, startGeminiFake } from "../gemini-fake/index.js";

// Today's line-up (2026-12-06), one model no table knows (`gemini-4-xenon`, whose rules the
// proxy has to learn from the fake's refusals), retired names and Claude names with no model
// settings — each through the official SDK with every thinking control a client can send, and a
// streamed tool round trip whose signatures the fake checks on Gemini 3 and later.
const GEMINI_KEY = "line-up-gemini-key";
const MODELS = [
  "gemini-2.5-flash-lite",
  "gemini-3-flash-preview",
  "gemini-3.1-pro-preview",
  "gemini-3.1-flash-lite",
  "gemini-3.5-flash-lite",
  "gemini-3.6-flash",
  "gemini-3.7-flash",
  "gemini-3.8-flash",
  "gemini-4-argon",
  "gemini-4-carbon",
  "gemini-4-hydrogen",
  "gemini-4-neon",
  "gemini-4-xenon",
  "gemini-2.5-pro",
  "gemini-2.5-flash",
  "gemini-3-pro-preview",
  "claude-opus-5-5",
  "claude-sonnet-5-5",
  "claude-haiku-5-5",
  "claude-haiku-4-5",
];
const THINKING: Record<string, Partial<Anthropic.MessageCreateParamsNonStreaming>> = {
  none: {},
  disabled: { thinking: { type: "disabled" } },
  "enabled 1024": { thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 8192 },
  "enabled 30000": { thinking: { type: "enabled", budget_tokens: 30_000 }, max_tokens: 64_000 },
  adaptive: { thinking: { type: "adaptive" } },
  between_tools: { thinking: { type: "between_tools" } as unknown as Anthropic.ThinkingConfigParam },
  ...Object.fromEntries(
    ["low", "medium", "high", "xhigh", "max"].map((effort) => [
      `adaptive, effort ${effort}`,
      {
        thinking: { type: "adaptive" },
        output_config: { effort },
      } as Partial<Anthropic.MessageCreateParamsNonStreaming>,
    ]),
  ),
};
const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city.",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

let fake: GeminiFake;
let client: Anthropic;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
  // One handler for everything, as a long-running proxy: what it learns carries over.
  const handler = createFetchHandler({ apiKey: GEMINI_KEY, baseUrl: fake.url, retry: { maxAttempts: 1 } });
  client = new Anthropic({
    apiKey: "unused",
    baseURL: "http://localhost",
    maxRetries: 0,
    fetch: (url, init) => handler(new Request(url, init)),
  });
});
afterAll(async () => {
  await fake?.close();
});

const generateCalls = () =>
  fake.requests.filter(
    (request) => request.action === "generateContent" || request.action === "streamGenerateContent",
  );

describe.each(MODELS)("%s", (model) => {
  it.each(Object.keys(THINKING))("answers with thinking: %s", async (form) => {
    const before = generateCalls().length;
    const body = {
      model,
      max_tokens: 4096,
      messages: [{ role: "user", content: "Hi" }],
      ...THINKING[form],
    } as Anthropic.MessageCreateParamsNonStreaming;
    // The SDK refuses large max_tokens without streaming; smaller requests go both ways.
    const message =
      body.max_tokens > 16_000
        ? await client.messages.stream(body).finalMessage()
        : await client.messages.create(body);
    expect(message.model).toBe(model);
    expect(message.content.some((block) => block.type === "text")).toBe(true);
    // At most the one corrective retry a refused setting earns.
    expect(generateCalls().length - before).toBeLessThanOrEqual(2);
  });

  it("streams a tool round trip with signatures", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris?" };
    fake.enqueue({
      kind: "tool_calls",
      thoughts: "Check it.",
      calls: [{ name: "get_weather", args: { city: "Paris" } }],
    });
    const first = await client.messages
      .stream({
        model,
        max_tokens: 8192,
        thinking: { type: "adaptive" },
        tools: [WEATHER_TOOL],
        messages: [question],
      })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    fake.enqueue({ kind: "text", text: "Sunny." });
    const second = await client.messages
      .stream({
        model,
        max_tokens: 8192,
        thinking: { type: "adaptive" },
        tools: [WEATHER_TOOL],
        messages: [
          question,
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Sunny" }] },
        ],
      })
      .finalMessage();
    expect(second.stop_reason).toBe("end_turn");
    const sent = generateCalls().at(-1)!;
    expect(sent.rejection).toBeUndefined();
    const served = sent.model;
    const call = sent.body.contents
      .flatMap((content: { parts: Record<string, unknown>[] }) => content.parts)
      .find((part: Record<string, unknown>) => part.functionCall);
    if (!served.startsWith("gemini-2")) {
      // The fake's own signature came back: not lost, not the validator-skipping placeholder.
      expect(call.thoughtSignature).toEqual(expect.any(String));
      expect(call.thoughtSignature).not.toBe(SIGNATURE_PLACEHOLDER);
    }
  });
});

describe("the fake's refusals the proxy had to learn from", () => {
  it("were each one setting on a model the table got wrong, and nothing else", () => {
    const refused = generateCalls().filter((request) => request.rejection);
    // Both were refused at least once (so the proxy did learn), and only a few times in all.
    expect(new Set(refused.map((request) => request.model))).toEqual(
      new Set(["gemini-3.6-flash", "gemini-4-xenon"]),
    );
    expect(refused.length).toBeLessThanOrEqual(4);
    for (const request of refused) {
      expect(["gemini-3.6-flash", "gemini-4-xenon"], request.rejection?.message).toContain(request.model);
      expect(request.rejection?.message).toMatch(
        /is not a supported thinking level|supported range is from 1 \(inclusive\) to 32769/,
      );
    }
  });
});
