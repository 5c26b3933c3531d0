import { readFileSync } from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { createFetchHandler } from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../gemini-fake/index.js";
import { checkAgainstDiscovery, loadDiscoveryDocument } from "../support/check-against-discovery.js";

// Every body the proxy sends upstream must use only names, types and enum values the real
// service knows, per Google's Discovery document (kept outside the project; skipped without it).
const document = loadDiscoveryDocument();
const GEMINI_KEY = "discovery-gemini-key";
const SCHEMA_OF_ACTION: Readonly<Record<string, string>> = {
  generateContent: "GenerateContentRequest",
  streamGenerateContent: "GenerateContentRequest",
  countTokens: "CountTokensRequest",
};
const MODELS = [
  "gemini-2.5-flash-lite",
  "gemini-3-flash-preview",
  "gemini-3.1-pro-preview",
  "gemini-3.5-flash-lite",
  "gemini-3.8-flash",
  "gemini-4-argon",
  "gemini-4-hydrogen",
  "gemini-4-xenon",
  "claude-opus-5-5",
];
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city.",
  input_schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object" as const,
    properties: {
      city: { type: "string", minLength: 1 },
      unit: { enum: ["c", "f"], default: "c" },
      days: { type: "integer", exclusiveMinimum: 0, maximum: 9007199254740991 },
    },
    required: ["city"],
    additionalProperties: false,
  },
};

let fake: GeminiFake;
let client: Anthropic;
let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
  handler = createFetchHandler({ apiKey: GEMINI_KEY, baseUrl: fake.url, retry: { maxAttempts: 1 } });
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

describe.skipIf(document === undefined)("every body sent upstream fits Google's Discovery document", () => {
  it("finds an unknown name, a wrong type and an unknown enum value (the checker can fail)", () => {
    const problems = checkAgainstDiscovery(document!, "GenerateContentRequest", {
      contents: [{ role: "user", parts: [{ text: "hi", textx: 1 }] }],
      generationConfig: { maxOutputTokens: "many", thinkingConfig: { thinkingLevel: "ULTRA" } },
      tools: [
        {
          functionDeclarations: [{ name: "f", parameters: { type: "OBJECT", additionalProperties: false } }],
        },
      ],
    });
    expect(problems).toEqual([
      'GenerateContentRequest.contents[0].parts[0]: unknown name "textx"',
      'GenerateContentRequest.generationConfig.maxOutputTokens: expected an integer, got "many"',
      'GenerateContentRequest.generationConfig.thinkingConfig.thinkingLevel: "ULTRA" is not one of THINKING_LEVEL_UNSPECIFIED, MINIMAL, LOW, MEDIUM, HIGH',
      'GenerateContentRequest.tools[0].functionDeclarations[0].parameters: unknown name "additionalProperties"',
    ]);
  });

  it("holds for every model, thinking form, tool turn, image, structured output and count", async () => {
    const thinkingForms = [
      {},
      { thinking: { type: "disabled" as const } },
      { thinking: { type: "enabled" as const, budget_tokens: 4096 } },
      { thinking: { type: "adaptive" as const }, output_config: { effort: "max" } },
    ];
    for (const model of MODELS) {
      for (const form of thinkingForms) {
        fake.enqueue({ kind: "tool_calls", calls: [{ name: "get_weather", args: { city: "Paris" } }] });
        const first = await client.messages.create({
          model,
          max_tokens: 8192,
          system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
          tools: [WEATHER_TOOL],
          messages: [{ role: "user", content: "Weather in Paris?" }],
          ...form,
        } as unknown as Anthropic.MessageCreateParamsNonStreaming);
        const toolUse = first.content.find((block) => block.type === "tool_use")!;
        fake.enqueue({ kind: "text", text: "Sunny." });
        await client.messages
          .stream({
            model,
            max_tokens: 8192,
            tools: [WEATHER_TOOL],
            temperature: 0.5,
            stop_sequences: ["END"],
            messages: [
              { role: "user", content: "Weather in Paris?" },
              { role: "assistant", content: first.content },
              {
                role: "user",
                content: [
                  {
                    type: "tool_result",
                    tool_use_id: toolUse.id,
                    content: [
                      { type: "text", text: "Sunny" },
                      { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
                    ],
                  },
                ],
              },
            ],
            ...form,
          } as unknown as Anthropic.MessageStreamParams)
          .finalMessage();
      }
      fake.enqueue({ kind: "text", text: '{"city":"Paris"}' });
      await client.messages.create({
        model,
        max_tokens: 1024,
        messages: [{ role: "user", content: "City as JSON" }],
        output_config: {
          format: {
            type: "json_schema",
            schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      } as unknown as Anthropic.MessageCreateParamsNonStreaming);
      await client.messages.countTokens({
        model,
        system: "Count me.",
        tools: [WEATHER_TOOL],
        messages: [{ role: "user", content: "How many tokens?" }],
      });
    }
    // A whole recorded Claude Code request, as the CLI sends it.
    const recorded = readFileSync(
      new URL("../e2e/__fixtures__/claude-code-2.1.332-request.json", import.meta.url),
      "utf8",
    );
    fake.enqueue({ kind: "text", text: "ok" });
    const response = await handler(
      new Request("http://localhost/v1/messages?beta=true", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: recorded,
      }),
    );
    expect(response.status).toBe(200);
    await response.text();

    const checked = fake.requests.filter((request) => SCHEMA_OF_ACTION[request.action] !== undefined);
    expect(checked.length).toBeGreaterThan(MODELS.length * 9);
    const problems = checked.flatMap((request) =>
      checkAgainstDiscovery(document!, SCHEMA_OF_ACTION[request.action]!, request.body).map(
        (problem) => `${request.model} ${request.action}: ${problem}`,
      ),
    );
    expect(problems).toEqual([]);
  });
});
