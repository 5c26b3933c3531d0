import { GoogleGenAI } from "@google/genai";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CountTokensRequest, ToolParam } from "./anthropic-api.js";
import { buildCountTokensRequest } from "./build-count-tokens-request.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import type { GeminiContent } from "./gemini-api.js";

const readTool: ToolParam = {
  name: "Read",
  description: "Reads a file from the local filesystem.",
  input_schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { file_path: { type: "string", description: "The absolute path to the file to read" } },
    required: ["file_path"],
    additionalProperties: false,
  },
};

function countRequest(extra: Partial<CountTokensRequest> = {}): CountTokensRequest {
  return {
    model: "gemini-2.5-flash-lite",
    messages: [
      { role: "user", content: "What does main.ts do?" },
      { role: "assistant", content: "Let me look." },
      { role: "user", content: "Thanks." },
    ],
    ...extra,
  };
}

function textsOf(content: GeminiContent | undefined): string[] {
  return (content?.parts ?? []).flatMap((part) => (part.text === undefined ? [] : [part.text]));
}

function contentsOf(value: { contents: unknown }): GeminiContent[] {
  return value.contents as GeminiContent[];
}

describe("buildCountTokensRequest", () => {
  it("sends messages alone exactly as generateContent would", () => {
    const request = countRequest();
    const { value } = buildCountTokensRequest(request);
    const generate = convertToGeminiRequest({ ...request, max_tokens: 1024 }).value;
    expect(value).toEqual({ model: "gemini-2.5-flash-lite", contents: generate.contents });
  });

  it("never sends systemInstruction or tools in a config (API-key mode rejects them)", () => {
    const { value } = buildCountTokensRequest(countRequest({ system: "Be brief.", tools: [readTool] }));
    expect(value.config).toBeUndefined();
    expect(Object.keys(value).sort()).toEqual(["contents", "model"]);
  });

  it("folds the system prompt into the first user turn, before the user's text", () => {
    const { value } = buildCountTokensRequest(countRequest({ system: "You are Claude Code." }));
    const contents = contentsOf(value);
    expect(contents[0]?.role).toBe("user");
    expect(textsOf(contents[0])).toEqual(["You are Claude Code.", "What does main.ts do?"]);
    expect(contents).toHaveLength(3);
  });

  it("keeps every system text block, in order", () => {
    const { value } = buildCountTokensRequest(
      countRequest({
        system: [
          { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.332" },
          { type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } },
        ],
      }),
    );
    expect(textsOf(contentsOf(value)[0]).slice(0, 2)).toEqual([
      "x-anthropic-billing-header: cc_version=2.1.332",
      "You are Claude Code.",
    ]);
  });

  it("counts tools as the JSON of their Gemini function declarations", () => {
    const { value } = buildCountTokensRequest(countRequest({ system: "System.", tools: [readTool] }));
    const texts = textsOf(contentsOf(value)[0]);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toBe("System.");
    expect(texts[2]).toBe("What does main.ts do?");
    const declared = JSON.parse(texts[1]!) as Array<{ functionDeclarations: Array<Record<string, unknown>> }>;
    const generate = convertToGeminiRequest({
      ...countRequest({ tools: [readTool] }),
      max_tokens: 1024,
    }).value;
    expect(declared).toEqual(generate.config?.tools);
    expect(declared[0]?.functionDeclarations[0]).toMatchObject({
      name: "Read",
      description: "Reads a file from the local filesystem.",
    });
    expect(texts[1]).toContain("file_path");
  });

  it("keeps Gemini's turn rules: starts with the user and alternates", () => {
    const { value } = buildCountTokensRequest(
      countRequest({
        system: "System.",
        tools: [readTool],
        messages: [
          { role: "assistant", content: "I was already talking." },
          { role: "user", content: "Go on." },
        ],
      }),
    );
    const roles = contentsOf(value).map((content) => content.role);
    expect(roles[0]).toBe("user");
    for (let index = 1; index < roles.length; index++) expect(roles[index]).not.toBe(roles[index - 1]);
    expect(JSON.stringify(value)).toContain("System.");
    expect(JSON.stringify(value)).toContain("I was already talking.");
  });

  it("keeps tool calls and results in the count", () => {
    const { value } = buildCountTokensRequest(
      countRequest({
        tools: [readTool],
        messages: [
          { role: "user", content: "Read a.ts" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_01", name: "Read", input: { file_path: "src/a.ts" } }],
          },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "export const a = 1;" }],
          },
        ],
      }),
    );
    const serialized = JSON.stringify(value.contents);
    expect(serialized).toContain("src/a.ts");
    expect(serialized).toContain("export const a = 1;");
  });

  it("does not need max_tokens, and ignores thinking and tool_choice", () => {
    const result = buildCountTokensRequest(
      countRequest({
        thinking: { type: "enabled", budget_tokens: 4096 },
        tool_choice: { type: "tool", name: "NotDeclared" },
      }),
    );
    expect(result.value.contents).toHaveLength(3);
    expect(result.warnings.join("\n")).not.toMatch(/max_tokens|budget|tool_choice/);
  });

  it("maps Claude model names like generateContent does", () => {
    const { value } = buildCountTokensRequest(countRequest({ model: "claude-opus-5-5" }), {
      models: { opusModel: "gemini-3.1-pro-preview" },
    });
    expect(value.model).toBe("gemini-3.1-pro-preview");
  });

  it("passes conversion warnings and dropped features on", () => {
    const { warnings, dropped } = buildCountTokensRequest(
      countRequest({
        tools: [readTool, { type: "web_search_20250305", name: "web_search", max_uses: 5 }],
      }),
    );
    expect(warnings.some((warning) => warning.includes("max_uses"))).toBe(true);
    expect(dropped.map((entry) => entry.feature)).toEqual(["web_search"]);
  });
});

describe("buildCountTokensRequest with the real @google/genai client", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("is accepted by models.countTokens in API-key mode and sends system and tools as contents", async () => {
    const sent: Array<{ url: string; body: unknown }> = [];
    vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
      sent.push({
        url: String(input instanceof Request ? input.url : input),
        body: JSON.parse(String(init?.body)),
      });
      return new Response(JSON.stringify({ totalTokens: 321 }), {
        headers: { "content-type": "application/json" },
      });
    });
    const gemini = new GoogleGenAI({
      apiKey: "test-key",
      apiVersion: "v1beta",
      httpOptions: { baseUrl: "http://gemini.test" },
    });

    const { value } = buildCountTokensRequest(countRequest({ system: "Be brief.", tools: [readTool] }));
    const response = await gemini.models.countTokens(value);

    expect(response.totalTokens).toBe(321);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe("http://gemini.test/v1beta/models/gemini-2.5-flash-lite:countTokens");
    const body = sent[0]?.body as { contents: GeminiContent[] };
    expect(Object.keys(body)).toEqual(["contents"]);
    expect(textsOf(body.contents[0])[0]).toBe("Be brief.");
    expect(textsOf(body.contents[0])[1]).toContain('"name":"Read"');
  });

  it("shows why folding is needed: the SDK refuses systemInstruction for countTokens", async () => {
    vi.stubGlobal(
      "fetch",
      async () => new Response("{}", { headers: { "content-type": "application/json" } }),
    );
    const gemini = new GoogleGenAI({ apiKey: "test-key", apiVersion: "v1beta" });
    await expect(
      gemini.models.countTokens({
        model: "gemini-2.5-flash-lite",
        contents: "hi",
        config: { systemInstruction: "Be brief." },
      }),
    ).rejects.toThrow(/systemInstruction/);
  });
});
