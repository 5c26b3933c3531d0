import {
  convertToGeminiRequest,
  type GeminiGenerateContentParameters,
  validateMessagesRequest,
} from "@claude-gemini/core";
import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import {
  checkAgainstDiscovery,
  loadDiscoveryDocument,
} from "../../../test/support/check-against-discovery.js";
import claudeCode21 from "../../core/src/__fixtures__/requests/claude-code-2.1.json" with { type: "json" };
import claudeCodeSession from "../../core/src/__fixtures__/requests/claude-code-session.json" with {
  type: "json",
};
import sdkEnabledThinking from "../../core/src/__fixtures__/requests/sdk-enabled-thinking.json" with {
  type: "json",
};
import { buildGenerateContentBody } from "./build-generate-content-body.js";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Anthropic requests covering every kind of field the converter writes. */
const REQUESTS: Record<string, unknown> = {
  "Claude Code session": claudeCodeSession,
  "Claude Code 2.1": claudeCode21,
  "SDK with thinking": sdkEnabledThinking,
  "sampling, stops, system text, tool choice any": {
    model: "claude-sonnet-4-5",
    max_tokens: 300,
    temperature: 0.3,
    top_p: 0.9,
    top_k: 20,
    stop_sequences: ["END"],
    system: "Be brief.",
    tool_choice: { type: "any" },
    tools: [
      {
        name: "lookup",
        description: "Looks a word up.",
        input_schema: {
          type: "object",
          properties: {
            word: { type: ["string", "null"] },
            limit: { anyOf: [{ type: "integer" }, { type: "null" }] },
            tags: { type: "array", items: { type: "string", enum: ["a", "b"] } },
          },
          required: ["word"],
          additionalProperties: false,
        },
      },
    ],
    messages: [
      { role: "user", content: [{ type: "text", text: "Look up 'proxy'." }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_1", name: "lookup", input: { word: "proxy" } }],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: [
              { type: "text", text: "a go-between" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            ],
          },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "Notes." } },
        ],
      },
    ],
  },
  "web search and JSON output": {
    model: "claude-sonnet-4-5",
    max_tokens: 500,
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }],
    output_config: {
      format: {
        type: "json_schema",
        schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] },
      },
    },
    messages: [{ role: "user", content: "What is new today?" }],
  },
};

const MODELS = ["gemini-2.5-flash-lite", "gemini-3.8-flash", "gemini-4-argon"];

function convert(body: unknown, model: string): GeminiGenerateContentParameters {
  const request = validateMessagesRequest({ ...(body as object), model });
  const converted = convertToGeminiRequest(request, { models: { defaultModel: model } });
  return {
    ...converted.value,
    config: { ...converted.value.config, abortSignal: new AbortController().signal },
  };
}

/** The body and URL `@google/genai` itself sends for `parameters` (it changes what it is given, so a copy). */
async function sentBySdk(
  parameters: GeminiGenerateContentParameters,
  options: { vertexai?: boolean } = {},
): Promise<{ url: string; body: unknown }> {
  let captured: { url: string; body: unknown } | undefined;
  const client = new GoogleGenAI({
    apiKey: "sdk-key",
    ...(options.vertexai ? { vertexai: true } : { apiVersion: "v1beta" }),
    httpOptions: {
      baseUrl: "http://gemini.test",
      fetch: async (url: string | URL | Request, init?: RequestInit) => {
        captured = { url: String(url), body: JSON.parse(String(init?.body)) };
        return new Response(JSON.stringify({ candidates: [] }), {
          headers: { "content-type": "application/json" },
        });
      },
    },
  });
  const { abortSignal: _signal, ...config } = parameters.config ?? {};
  await client.models.generateContent(structuredClone({ ...parameters, config }));
  if (captured === undefined) throw new Error("the SDK sent nothing");
  return captured;
}

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe("buildGenerateContentBody", () => {
  for (const [name, request] of Object.entries(REQUESTS)) {
    for (const model of MODELS) {
      it(`writes the body @google/genai writes: ${name}, ${model}`, async () => {
        const parameters = convert(request, model);
        const sdk = await sentBySdk(parameters);
        const ours = buildGenerateContentBody(parameters, { vertexai: false });
        expect(roundTrip(ours.body)).toEqual(sdk.body);
        expect(`http://gemini.test/v1beta/${ours.modelPath}:generateContent`).toBe(sdk.url);
      });
    }
  }

  it("writes the body @google/genai writes for Vertex AI", async () => {
    const parameters = convert(REQUESTS["sampling, stops, system text, tool choice any"], "gemini-3.8-flash");
    const sdk = await sentBySdk(parameters, { vertexai: true });
    const ours = buildGenerateContentBody(parameters, { vertexai: true });
    expect(roundTrip(ours.body)).toEqual(sdk.body);
    expect(ours.modelPath).toBe("publishers/google/models/gemini-3.8-flash");
    expect(sdk.url).toBe(`http://gemini.test/v1beta1/${ours.modelPath}:generateContent`);
  });

  it("turns JSON Schema `parameters` into the OpenAPI subset as the SDK does", async () => {
    const parameters: GeminiGenerateContentParameters = {
      model: "gemini-2.5-flash-lite",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      config: {
        responseSchema: { type: "object", properties: { a: { type: ["number", "string", "null"] } } },
        tools: [
          {
            functionDeclarations: [
              {
                name: "f",
                parameters: {
                  type: "object",
                  additionalProperties: false,
                  properties: {
                    b: { anyOf: [{ type: "null" }, { type: "array", items: { type: "integer" } }] },
                  },
                } as never,
              },
              { name: "g", parameters: { $schema: "x", type: "object" } as never },
            ],
          },
        ],
      },
    };
    const ours = buildGenerateContentBody(structuredClone(parameters), { vertexai: false });
    expect(roundTrip(ours.body)).toEqual((await sentBySdk(parameters)).body);
    expect(ours.body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "f",
            parameters: {
              type: "OBJECT",
              properties: { b: { nullable: true, type: "ARRAY", items: { type: "INTEGER" } } },
            },
          },
          { name: "g", parametersJsonSchema: { $schema: "x", type: "object" } },
        ],
      },
    ]);
  });

  it("names cached contents in full, per backend", () => {
    const parameters = (cachedContent: string): GeminiGenerateContentParameters => ({
      model: "gemini-3.8-flash",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      config: { cachedContent },
    });
    expect(buildGenerateContentBody(parameters("abc"), { vertexai: false }).body.cachedContent).toBe(
      "cachedContents/abc",
    );
    expect(
      buildGenerateContentBody(parameters("cachedContents/abc"), { vertexai: false }).body.cachedContent,
    ).toBe("cachedContents/abc");
    const vertex = { vertexai: true, project: "p", location: "l" };
    expect(buildGenerateContentBody(parameters("abc"), vertex).body.cachedContent).toBe(
      "projects/p/locations/l/cachedContents/abc",
    );
    expect(
      buildGenerateContentBody(parameters("projects/q/locations/m/cachedContents/x"), vertex).body,
    ).toMatchObject({ cachedContent: "projects/q/locations/m/cachedContents/x" });
  });

  it("refuses a field the backend does not have, as the SDK does", () => {
    const parameters: GeminiGenerateContentParameters = {
      model: "gemini-3.8-flash",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      config: { audioTimestamp: true },
    };
    expect(() => buildGenerateContentBody(parameters, { vertexai: false })).toThrow(
      /only supported on Vertex AI/,
    );
    expect(buildGenerateContentBody(parameters, { vertexai: true }).body.generationConfig).toEqual({
      audioTimestamp: true,
    });
  });

  it("leaves out what is not a request field (abort signal, SDK-only settings)", () => {
    const { body } = buildGenerateContentBody(
      {
        model: "models/gemini-3.8-flash",
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        config: {
          abortSignal: new AbortController().signal,
          automaticFunctionCalling: { disable: true },
          httpOptions: { headers: { a: "b" } },
          maxOutputTokens: 5,
        },
      },
      { vertexai: false },
    );
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      generationConfig: { maxOutputTokens: 5 },
    });
  });
});

const document = loadDiscoveryDocument();

describe.skipIf(document === undefined)("buildGenerateContentBody against the Discovery document", () => {
  for (const [name, request] of Object.entries(REQUESTS)) {
    for (const model of MODELS) {
      it(`${name}, ${model}: only names, types and values the service knows`, () => {
        const { body } = buildGenerateContentBody(convert(request, model), { vertexai: false });
        expect(checkAgainstDiscovery(document!, "GenerateContentRequest", roundTrip(body))).toEqual([]);
      });
    }
  }
});
