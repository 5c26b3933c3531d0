import { randomFillSync } from "node:crypto";
import {
  type AnthropicStreamEvent,
  buildSafeguardClassifierRequest,
  type ContentBlock,
  convertToAnthropicMessage,
  convertToGeminiRequest,
  createIdGenerator,
  createStreamTranslator,
  type ModelMappingOptions,
  readSafeguardVerdicts,
  validateMessagesRequest,
} from "@claude-gemini/core";
import { type GenerateContentParameters, GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, type Scenario, startGeminiFake } from "./index.js";
import { KNOWN_MODELS } from "./known-models.js";
import { validateGenerateRequest } from "./validate-generate-request.js";

const API_KEY = "fake-key";
let fake: GeminiFake;
let client: GoogleGenAI;
const generateId = createIdGenerator((bytes) => randomFillSync(bytes));

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: API_KEY });
  client = new GoogleGenAI({ apiKey: API_KEY, apiVersion: "v1beta", httpOptions: { baseUrl: fake.url } });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const ANSWER = "Die Schweiz gewann 2024 in Zürich. 🎉 Das Finale war ausverkauft.";
const grounded: Scenario = {
  kind: "grounded",
  text: ANSWER,
  queries: ["Finale 2024 Zürich"],
  sources: [
    { uri: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/A", title: "srf.ch" },
    { uri: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/B", title: "nzz.ch" },
  ],
  supports: [
    { text: "Die Schweiz gewann 2024 in Zürich.", sources: [0, 1] },
    { text: "Das Finale war ausverkauft.", sources: [1] },
  ],
  chunks: 3,
};

/** The request Claude Code's WebSearch tool sends (non-streaming, one server tool). */
function webSearchRequest(model: string, extra: Record<string, unknown> = {}) {
  return validateMessagesRequest({
    model,
    max_tokens: 32000,
    system: [{ type: "text", text: "You are an assistant for performing a web search tool use" }],
    messages: [{ role: "user", content: "Perform a web search for the query: Finale 2024 Zürich" }],
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8, search_profile: "x" }],
    ...extra,
  });
}

const bash = {
  name: "Bash",
  input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
};

const textOf = (content: readonly ContentBlock[]) =>
  content.map((block) => (block.type === "text" ? block.text : "")).join("");

function expectAccepted(): void {
  expect(fake.requests.map((request) => request.rejection)).toEqual(fake.requests.map(() => undefined));
}

describe("web search through the fake", () => {
  it.each(["gemini-2.5-flash-lite", "gemini-3.1-pro-preview"])(
    "%s: googleSearch accepted, search blocks and citations come back",
    async (model) => {
      fake.enqueue(grounded);
      const { value, context } = convertToGeminiRequest(webSearchRequest(model));
      const response = await client.models.generateContent(value);
      expectAccepted();
      expect(fake.requests[0]?.model).toBe(model);
      expect(fake.requests[0]?.body.tools).toEqual([{ googleSearch: {} }]);
      const message = convertToAnthropicMessage(response, { context, generateId }).value;
      expect(message.content.slice(0, 2)).toMatchObject([
        { type: "server_tool_use", name: "web_search", input: { query: "Finale 2024 Zürich" } },
        { type: "web_search_tool_result", content: [{ title: "srf.ch" }, { title: "nzz.ch" }] },
      ]);
      expect(message.content[0]?.type === "server_tool_use" && message.content[0].id).toMatch(/^srvtoolu_/);
      expect(textOf(message.content)).toBe(ANSWER);
      const cited = message.content.filter((block) => block.type === "text" && block.citations);
      expect(cited.map((block) => (block.type === "text" ? block.text : ""))).toEqual([
        "Die Schweiz gewann 2024 in Zürich.",
        "Das Finale war ausverkauft.",
      ]);
    },
  );

  it("streams a grounded answer as a well-formed event sequence", async () => {
    fake.enqueue(grounded);
    const { value, context } = convertToGeminiRequest(webSearchRequest("gemini-2.5-flash-lite"));
    const translator = createStreamTranslator({ context, generateId });
    const events: AnthropicStreamEvent[] = [];
    for await (const chunk of await client.models.generateContentStream(value))
      events.push(...translator.push(chunk));
    events.push(...translator.finish());
    expectAccepted();
    const starts = events.flatMap((event) =>
      event.type === "content_block_start" ? [event.content_block.type] : [],
    );
    expect(starts).toEqual(["text", "server_tool_use", "web_search_tool_result"]);
    expect(events.at(-1)).toEqual({ type: "message_stop" });
  });

  it("a request without the search tool gets no grounding", async () => {
    fake.enqueue(grounded);
    const { value, context } = convertToGeminiRequest(
      webSearchRequest("gemini-2.5-flash-lite", { tools: [] }),
    );
    const response = await client.models.generateContent(value);
    const message = convertToAnthropicMessage(response, { context, generateId }).value;
    expect(message.content.map((block) => block.type)).toEqual(["text"]);
  });

  it.each([
    ["gemini-2.5-flash-lite", true],
    // A backend without the combined mode (Vertex AI) on a model that has it.
    ["gemini-3.1-pro-preview", false],
  ] as const)(
    "%s: search next to functions is dropped by core, so the fake accepts it",
    async (model, backendCombines) => {
      fake.enqueue({ kind: "text", text: "ok" });
      const request = webSearchRequest(model, {
        tools: [bash, { type: "web_search_20250305", name: "web_search" }],
      });
      const { value } = convertToGeminiRequest(request, {
        supportsServerSideToolInvocations: backendCombines,
      });
      await client.models.generateContent(value);
      expectAccepted();
      expect(fake.requests[0]?.body.tools).toEqual([{ functionDeclarations: [expect.any(Object)] }]);
    },
  );

  it("web fetch becomes urlContext and is accepted", async () => {
    fake.enqueue({ kind: "text", text: "The page says hello." });
    const request = webSearchRequest("gemini-2.5-flash-lite", {
      tools: [{ type: "web_fetch_20250910", name: "web_fetch", max_uses: 2 }],
    });
    await client.models.generateContent(convertToGeminiRequest(request).value);
    expectAccepted();
    expect(fake.requests[0]?.body.tools).toEqual([{ urlContext: {} }]);
  });
});

describe("the fake enforces the built-in tool rules", () => {
  const contents = [{ role: "user", parts: [{ text: "hi" }] }];
  const declaration = { name: "Bash", parametersJsonSchema: { type: "object" } };

  it.each<[string, string, GenerateContentParameters["config"], RegExp | undefined]>([
    [
      "search with functions on 2.5",
      "gemini-2.5-flash-lite",
      { tools: [{ googleSearch: {}, functionDeclarations: [declaration] }] },
      /cannot be combined/,
    ],
    [
      "search with functions on Gemini 3 without the opt-in",
      "gemini-3.1-pro-preview",
      { tools: [{ googleSearch: {} }, { functionDeclarations: [declaration] }] },
      /cannot be combined/,
    ],
    [
      "search with functions on Gemini 3 with the opt-in",
      "gemini-3.1-pro-preview",
      {
        tools: [{ googleSearch: {}, functionDeclarations: [declaration] }],
        toolConfig: { includeServerSideToolInvocations: true },
      },
      undefined,
    ],
    [
      "a JSON schema without JSON mode",
      "gemini-2.5-flash-lite",
      { responseJsonSchema: { type: "object" } },
      /application\/json/,
    ],
    [
      "JSON mode with functions on 2.5",
      "gemini-2.5-flash-lite",
      { responseMimeType: "application/json", tools: [{ functionDeclarations: [declaration] }] },
      /Function calling with a response mime type/,
    ],
    [
      "responseJsonSchema on Gemini 4",
      "gemini-4-argon",
      { responseMimeType: "application/json", responseJsonSchema: { type: "object" } },
      undefined,
    ],
  ])("%s", async (_label, model, config, rejection) => {
    fake.enqueue({ kind: "text", text: "ok" });
    await client.models.generateContent({ model, contents, config }).catch(() => undefined);
    const recorded = fake.requests[0]?.rejection;
    if (rejection === undefined) expect(recorded).toBeUndefined();
    else expect(recorded?.message).toMatch(rejection);
  });

  // The SDK refuses or rewrites these before sending, so the rule is checked on raw bodies.
  it.each<[string, string, Record<string, unknown>, RegExp]>([
    [
      "excludeDomains on the Gemini API",
      "gemini-2.5-flash-lite",
      { contents, tools: [{ googleSearch: { excludeDomains: ["a.b"] } }] },
      /Unknown name "excludeDomains"/,
    ],
    [
      "responseSchema outside the OpenAPI subset",
      "gemini-2.5-flash-lite",
      {
        contents,
        generationConfig: {
          responseMimeType: "application/json",
          responseSchema: {
            type: "OBJECT",
            properties: { a: { type: "STRING" } },
            additionalProperties: false,
          },
        },
      },
      /additionalProperties|additional_properties/,
    ],
    [
      "an unknown mime type",
      "gemini-2.5-flash-lite",
      { contents, generationConfig: { responseMimeType: "text/html" } },
      /allowed mimetypes/,
    ],
  ])("raw body: %s", (_label, model, body, rejection) => {
    const context = { model: KNOWN_MODELS[model]!, isKnownSignature: () => true };
    expect(validateGenerateRequest(body, context)?.message).toMatch(rejection);
    expect(validateGenerateRequest({ contents }, context)).toBeUndefined();
  });

  it("raw body: responseJsonSchema on a model without JSON Schema", () => {
    // No model served today lacks JSON Schema (2.0 Flash, the last, is retired); the rule stays
    // for one that does, so it is shown on a made-up model.
    const model = {
      ...KNOWN_MODELS["gemini-2.5-flash-lite"]!,
      id: "gemini-without-json-schema",
      supportsJsonSchema: false,
    };
    const context = { model, isKnownSignature: () => true };
    const generationConfig = { responseMimeType: "application/json", responseJsonSchema: { type: "object" } };
    expect(validateGenerateRequest({ contents, generationConfig }, context)?.message).toBe(
      "* GenerateContentRequest.generation_config.response_json_schema: response_json_schema is not supported for models/gemini-without-json-schema.\n",
    );
    const served = { ...context, model: KNOWN_MODELS["gemini-2.5-flash-lite"]! };
    expect(validateGenerateRequest({ contents, generationConfig }, served)).toBeUndefined();
  });
});

describe("structured output through the fake", () => {
  const schema = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { city: { type: "string", minLength: 1 }, celsius: { type: "number" } },
    required: ["city", "celsius"],
    additionalProperties: false,
  };
  const weather = { city: "Bern", celsius: 21.5 };

  // The last row is a model configured as taking no JSON Schema (2.0 Flash was the last such
  // model served): core then sends the OpenAPI subset in `responseSchema`, which the fake checks.
  const withoutJsonSchema = { capabilities: { "gemini-2.5-flash-lite": { supportsJsonSchema: false } } };
  it.each<[string, string, ModelMappingOptions | undefined]>([
    ["gemini-2.5-flash-lite", "responseJsonSchema", undefined],
    ["gemini-3-flash-preview", "responseJsonSchema", undefined],
    ["gemini-4-argon", "responseJsonSchema", undefined],
    ["gemini-2.5-flash-lite", "responseSchema", withoutJsonSchema],
  ])("%s: JSON mode with %s is accepted and the text parses", async (model, field, models) => {
    fake.enqueue({ kind: "json", value: weather });
    const request = validateMessagesRequest({
      model,
      max_tokens: 1000,
      messages: [{ role: "user", content: "Weather in Bern?" }],
      output_config: { format: { type: "json_schema", schema } },
    });
    const { value, context } = convertToGeminiRequest(request, { models });
    const response = await client.models.generateContent(value);
    expectAccepted();
    expect(fake.requests[0]?.body.generationConfig).toMatchObject({
      responseMimeType: "application/json",
      [field]: expect.any(Object),
    });
    const message = convertToAnthropicMessage(response, { context, generateId }).value;
    expect(message.content.filter((block) => block.type === "text")).toHaveLength(1);
    expect(JSON.parse(textOf(message.content))).toEqual(weather);
  });

  it("gemini-3.1-pro-preview: JSON mode with tools is accepted", async () => {
    fake.enqueue({ kind: "json", value: weather });
    const request = validateMessagesRequest({
      model: "gemini-3.1-pro-preview",
      max_tokens: 1000,
      messages: [{ role: "user", content: "Weather in Bern?" }],
      tools: [bash],
      output_config: { format: { type: "json_schema", schema } },
    });
    await client.models.generateContent(convertToGeminiRequest(request).value);
    expectAccepted();
    expect(fake.requests[0]?.body.generationConfig.responseMimeType).toBe("application/json");
  });

  it.each([false, true])(
    "gemini-2.5-flash-lite: format and tools go as final_answer, whose call comes back as the JSON text (stream: %s)",
    async (stream) => {
      fake.enqueue({ kind: "tool_calls", calls: [{ name: "final_answer", args: weather }] });
      const request = validateMessagesRequest({
        model: "gemini-2.5-flash-lite",
        max_tokens: 1000,
        messages: [{ role: "user", content: "Weather in Bern?" }],
        tools: [bash],
        output_config: { format: { type: "json_schema", schema } },
      });
      const { value, context } = convertToGeminiRequest(request);
      let content: ContentBlock[];
      if (stream) {
        const translator = createStreamTranslator({ context, generateId });
        const events: AnthropicStreamEvent[] = [];
        for await (const chunk of await client.models.generateContentStream(value))
          events.push(...translator.push(chunk));
        events.push(...translator.finish());
        content = [];
        for (const event of events) {
          if (event.type === "content_block_start") content.push({ ...event.content_block } as ContentBlock);
          if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
            const block = content[event.index];
            if (block?.type === "text") block.text += event.delta.text;
          }
        }
      } else {
        content = convertToAnthropicMessage(await client.models.generateContent(value), {
          context,
          generateId,
        }).value.content;
      }
      expectAccepted();
      expect(fake.requests[0]?.body.generationConfig?.responseMimeType).toBeUndefined();
      expect(fake.requests[0]?.body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY" } });
      expect(content.map((block) => block.type)).toEqual(["text"]);
      expect(JSON.parse(textOf(content))).toEqual(weather);
    },
  );
});

describe("the auto-mode classifier through the fake", () => {
  const request = validateMessagesRequest({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    tools: [bash],
    messages: [{ role: "user", content: "Clean up." }],
    safeguards: [{ type: "dangerous_tool_use", classifier_context: { v: 1 } }],
  });
  const toolUses = [
    { type: "tool_use" as const, id: "toolu_a", name: "Bash", input: { command: "rm -rf ~" } },
    { type: "tool_use" as const, id: "toolu_b", name: "Bash", input: { command: "ls" } },
  ];

  it.each(["gemini-2.5-flash-lite", "gemini-3-flash-preview"])(
    "answers the proxy's classifier request on %s with scripted verdicts, keyed back by tool-use id",
    async (model) => {
      const built = buildSafeguardClassifierRequest(
        { request, safeguard: request.safeguards![0]!, toolUses },
        { model },
      );
      const seen: string[] = [];
      fake.enqueue({
        kind: "verdicts",
        judge: (action) => {
          seen.push(`${action.call}:${action.tool}`);
          const command = (action.input as { command: string }).command;
          return { flagged: command.includes("~"), reason: "Deletes the home folder." };
        },
      });
      const response = await client.models.generateContent(built.value as GenerateContentParameters);
      expect(fake.requests[0]?.rejection).toBeUndefined();
      expect(seen).toEqual(["call_1:Bash", "call_2:Bash"]);
      const verdicts = readSafeguardVerdicts(response, built.aliases);
      expect(verdicts.warnings).toEqual([]);
      expect(verdicts.value.status).toEqual({
        type: "available",
        tool_uses: {
          toolu_a: { type: "evaluated", outcome: "flagged", explanation: "Deletes the home folder" },
          toolu_b: { type: "evaluated", outcome: "not_flagged" },
        },
      });
    },
  );

  it("answers 400 when a verdicts scenario meets a request that is not the classifier's", async () => {
    fake.enqueue({ kind: "verdicts", judge: () => ({ flagged: false }) });
    await expect(
      client.models.generateContent({ model: "gemini-2.5-flash-lite", contents: "Hello" }),
    ).rejects.toThrow(/auto-mode classifier request/);
  });
});

describe("built-in tools next to functions (includeServerSideToolInvocations)", () => {
  const models = { capabilities: { "gemini-3-flash": { supportsServerSideToolInvocations: true } } };
  const serverTools = [
    {
      toolType: "GOOGLE_SEARCH_WEB",
      args: { queries: ["northernmost city in the United States"] },
      response: { search_suggestions: "<div>Utqiagvik</div>" },
    },
  ] as const;
  const question = { role: "user", content: "Northernmost US city, and its weather today?" } as const;
  const weatherTool = {
    name: "get_weather",
    input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  };
  const tools = [weatherTool, { type: "web_search_20250305", name: "web_search" }];

  async function send(messages: unknown[]) {
    const request = validateMessagesRequest({
      model: "gemini-3-flash-preview",
      max_tokens: 1000,
      messages,
      tools,
    });
    const { value, context } = convertToGeminiRequest(request, { models });
    const response = await client.models.generateContent(value);
    return convertToAnthropicMessage(response, { context, generateId }).value;
  }

  it("round-trips the server-side tool parts and the call id through Anthropic history", async () => {
    fake.enqueue({
      kind: "tool_calls",
      serverTools: [...serverTools],
      calls: [{ name: "get_weather", args: { city: "Utqiagvik" } }],
    });
    const first = await send([question]);
    expectAccepted();
    expect(fake.requests[0]?.body.toolConfig).toEqual({ includeServerSideToolInvocations: true });
    expect(first.content.map((block) => block.type)).toEqual(["thinking", "thinking", "tool_use"]);
    const toolUse = first.content.find((block) => block.type === "tool_use")!;

    fake.enqueue({ kind: "text", text: "Utqiagvik: -30 °C." });
    const second = await send([
      question,
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "-30 °C" }] },
    ]);
    // The fake accepts the echo only with every part exactly as sent, signatures included.
    expectAccepted();
    const modelTurn = fake.requests[1]?.body.contents[1];
    expect(
      modelTurn.parts.map((part: Record<string, unknown>) => Object.keys(part).sort().join("+")),
    ).toEqual([
      "thoughtSignature+toolCall",
      "thoughtSignature+toolResponse",
      "functionCall+thoughtSignature",
    ]);
    expect(fake.requests[1]?.body.contents[2].parts[0].functionResponse.id).toBe(
      modelTurn.parts[2].functionCall.id,
    );
    expect(textOf(second.content)).toBe("Utqiagvik: -30 °C.");
  });

  const base = (extra: Record<string, unknown>) => ({
    contents: [{ role: "user", parts: [{ text: "hi" }] }],
    tools: [{ googleSearch: {} }, { functionDeclarations: [{ name: "get_weather" }] }],
    toolConfig: { includeServerSideToolInvocations: true },
    ...extra,
  });
  const context = (overrides: Record<string, unknown> = {}) => ({
    model: KNOWN_MODELS["gemini-3-flash-preview"]!,
    isKnownSignature: () => true,
    isIssuedServerPart: () => true,
    ...overrides,
  });
  const call = { toolCall: { toolType: "GOOGLE_SEARCH_WEB", args: { queries: ["q"] }, id: "s1" } };
  const reply = { toolResponse: { toolType: "GOOGLE_SEARCH_WEB", response: {}, id: "s1" } };
  const history = (parts: unknown[]) => [
    { role: "user", parts: [{ text: "hi" }] },
    { role: "model", parts },
    { role: "user", parts: [{ text: "and now?" }] },
  ];

  it.each<[string, Record<string, unknown>, Record<string, unknown>, RegExp | undefined]>([
    ["the combination with the flag", {}, {}, undefined],
    [
      "AUTO mode with the flag",
      { toolConfig: { includeServerSideToolInvocations: true, functionCallingConfig: { mode: "AUTO" } } },
      {},
      /AUTO is not supported/,
    ],
    [
      "VALIDATED mode with the flag",
      {
        toolConfig: { includeServerSideToolInvocations: true, functionCallingConfig: { mode: "VALIDATED" } },
      },
      {},
      undefined,
    ],
    ["the flag on Vertex AI", {}, { vertex: true }, /Unknown name "includeServerSideToolInvocations"/],
    ["echoed parts", { contents: history([call, reply, { text: "ok" }]) }, {}, undefined],
    [
      "echoed parts without the flag",
      { contents: history([call, reply]), tools: [{ googleSearch: {} }], toolConfig: undefined },
      {},
      /need tool_config.include_server_side_tool_invocations/,
    ],
    [
      "a changed echoed part",
      { contents: history([call, reply]) },
      { isIssuedServerPart: () => false },
      /exactly as received/,
    ],
    [
      "a call without its response",
      { contents: history([call, { text: "ok" }]) },
      {},
      /has no tool_response/,
    ],
    [
      "a server part in a user turn",
      { contents: [{ role: "user", parts: [call, reply] }] },
      {},
      /belong to model turns/,
    ],
    [
      "a function response without the call's id",
      {
        contents: [
          { role: "user", parts: [{ text: "hi" }] },
          {
            role: "model",
            parts: [{ functionCall: { name: "get_weather", args: {}, id: "fc1" }, thoughtSignature: "c2ln" }],
          },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "x" } } }] },
        ],
      },
      {},
      /function_response.id: required/,
    ],
  ])("raw body: %s", (_label, extra, overrides, rejection) => {
    const body = JSON.parse(JSON.stringify(base(extra)));
    const result = validateGenerateRequest(body, context(overrides));
    if (rejection === undefined) expect(result).toBeUndefined();
    else expect(result?.message).toMatch(rejection);
  });
});
