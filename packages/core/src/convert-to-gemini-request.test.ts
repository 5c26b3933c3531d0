import { describe, expect, it } from "vitest";
import claudeCodeSession from "./__fixtures__/requests/claude-code-session.json" with { type: "json" };
import type { MessagesRequest } from "./anthropic-api.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import type { SchemaConverter } from "./convert-tools-to-gemini.js";
import type { GeminiContent, GeminiPart } from "./gemini-api.js";
import { assertGeminiRequest } from "./test-utils/assert-gemini-request.js";
import { validateMessagesRequest } from "./validate-messages-request.js";

function request(overrides: Partial<MessagesRequest> = {}): MessagesRequest {
  return validateMessagesRequest({
    model: "gemini-2.5-flash-lite",
    max_tokens: 1024,
    messages: [{ role: "user", content: "hello" }],
    ...overrides,
  });
}

const bashTool = {
  name: "Bash",
  description: "Run a command",
  input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
};

describe("convertToGeminiRequest", () => {
  it("sends a system string as systemInstruction, not as a turn", () => {
    const { value } = convertToGeminiRequest(request({ system: "Be terse." }));
    expect(value.config?.systemInstruction).toEqual({ parts: [{ text: "Be terse." }] });
    expect(value.contents).toEqual([{ role: "user", parts: [{ text: "hello" }] }]);
  });

  it("sends system blocks as separate parts, dropping empty ones and cache_control", () => {
    const { value } = convertToGeminiRequest(
      request({
        system: [
          { type: "text", text: "billing header" },
          { type: "text", text: "" },
          { type: "text", text: "You are a coding agent.", cache_control: { type: "ephemeral" } },
        ],
      }),
    );
    expect(value.config?.systemInstruction).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "text": "billing header",
          },
          {
            "text": "You are a coding agent.",
          },
        ],
      }
    `);
  });

  it("leaves Claude Code's billing header block out of systemInstruction, so the cached prefix stays the same", () => {
    const header = "x-anthropic-billing-header: cc_version=2.1.332.885; cc_entrypoint=cli;";
    const instructions = { type: "text" as const, text: "You are a coding agent." };
    const first = convertToGeminiRequest(request({ system: [{ type: "text", text: header }, instructions] }));
    const second = convertToGeminiRequest(
      request({
        system: [{ type: "text", text: header.replace("885", "912") }, instructions],
      }),
    );
    expect(first.value.config?.systemInstruction).toEqual({ parts: [{ text: "You are a coding agent." }] });
    expect(second.value.config?.systemInstruction).toEqual(first.value.config?.systemInstruction);
    // Only a block that is nothing but the header goes: text after it is an instruction.
    const mixed = `${header}\nAnswer in French.`;
    expect(
      convertToGeminiRequest(request({ system: [{ type: "text", text: mixed }] })).value.config
        ?.systemInstruction,
    ).toEqual({ parts: [{ text: mixed }] });
    expect(
      convertToGeminiRequest(request({ system: header })).value.config?.systemInstruction,
    ).toBeUndefined();
  });

  it("omits systemInstruction when there is no system text", () => {
    expect(convertToGeminiRequest(request({ system: "" })).value.config?.systemInstruction).toBeUndefined();
  });

  it("resolves the model, merges generation settings and tools into config, and fills the context", () => {
    const { value, context } = convertToGeminiRequest(
      request({
        model: "claude-sonnet-4-5",
        max_tokens: 2000,
        temperature: 0.3,
        stop_sequences: ["END"],
        tools: [
          bashTool,
          { name: "web fetch", input_schema: { type: "object", properties: { url: { type: "string" } } } },
        ],
        tool_choice: { type: "tool", name: "web fetch" },
      }),
      { models: { sonnetModel: "gemini-2.5-flash-lite" } },
    );
    expect(value.model).toBe("gemini-2.5-flash-lite");
    expect(value.config).toMatchObject({
      maxOutputTokens: 2000,
      temperature: 0.3,
      stopSequences: ["END"],
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["web_fetch"] } },
    });
    expect(value.config?.tools?.[0]).toHaveProperty("functionDeclarations.1.name", "web_fetch");
    expect(context).toMatchObject({
      requestedModel: "claude-sonnet-4-5",
      geminiModel: "gemini-2.5-flash-lite",
      stopSequences: ["END"],
      showThinking: expect.any(Boolean),
    });
    expect(context.toolNames.get("web_fetch")).toBe("web fetch");
    expect(context.capabilities.supportsJsonSchema).toBe(true);
  });

  it("uses the schema compiler it is given, with the target the model takes", () => {
    const targets: string[] = [];
    const schemaCompiler: SchemaConverter = {
      convert(_schema, options) {
        targets.push(options.target);
        return { value: { type: "object", properties: { compiled: { type: "boolean" } } }, warnings: [] };
      },
    };
    const { value } = convertToGeminiRequest(request({ tools: [bashTool] }), {
      schemaCompiler,
      models: { capabilities: { "gemini-2.5-flash-lite": { supportsJsonSchema: false } } },
    });
    expect(targets).toEqual(["parameters"]);
    expect(value.config?.tools?.[0]).toHaveProperty("functionDeclarations.0.parameters.properties.compiled");
  });

  it("sends history calls as text when only server tools are declared", () => {
    const { value, warnings } = convertToGeminiRequest(
      request({
        tools: [{ name: "web_search", type: "web_search_20250305" }],
        messages: [
          { role: "user", content: "go" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "ls" } }],
          },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a.txt" }] },
        ],
      }),
    );
    expect(value.config?.tools).toEqual([{ googleSearch: {} }]);
    expect(value.contents).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "go",
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "[Called tool "Bash" with input {"command":"ls"}; the tool is not declared in this request]",
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "text": "Result of tool call toolu_1 (Bash):
      a.txt",
            },
          ],
          "role": "user",
        },
      ]
    `);
    expect(warnings).toHaveLength(1);
    assertGeminiRequest(value);
  });
});

// ---------------------------------------------------------------------------
// A whole Claude Code 2.1 session, as recorded-style fixture, under Gemini 2.5 and Gemini 3.

const models = [
  ["gemini-2.5-flash-lite", false],
  ["gemini-3.1-pro-preview", true],
] as const;

function firstCallSignatures(contents: readonly GeminiContent[]): (string | undefined)[] {
  return contents
    .filter((content) => content.role === "model" && content.parts?.some((part) => part.functionCall))
    .map((content) => content.parts?.find((part) => part.functionCall)?.thoughtSignature);
}

describe.each(models)("convertToGeminiRequest: Claude Code session on %s", (model, gemini3) => {
  const body = validateMessagesRequest(claudeCodeSession);
  const result = convertToGeminiRequest(body, { models: { opusModel: model } });
  const contents = result.value.contents as GeminiContent[];

  it("matches the recorded conversion", async () => {
    const snapshot = {
      value: result.value,
      context: { ...result.context, toolNames: Object.fromEntries(result.context.toolNames) },
      warnings: result.warnings,
    };
    await expect(`${JSON.stringify(snapshot, null, 2)}\n`).toMatchFileSnapshot(
      `./__fixtures__/requests/claude-code-session.${model}.snap.json`,
    );
  });

  it("keeps every Gemini turn rule", () => {
    expect(result.value.model).toBe(model);
    assertGeminiRequest(result.value, { requiresThoughtSignatures: gemini3 });
  });

  it("sends the system blocks but the billing header as systemInstruction, and the system message in place", () => {
    const blocks = body.system && typeof body.system !== "string" ? body.system : [];
    expect(blocks[0]?.text).toMatch(/^x-anthropic-billing-header: /);
    expect(result.value.config?.systemInstruction).toEqual({
      parts: blocks.slice(1).map((block) => ({ text: block.text })),
    });
    const firstTurnTexts = contents[0]?.parts?.map((part) => part.text);
    expect(firstTurnTexts).toHaveLength(3);
    expect(firstTurnTexts?.[2]).toMatch(/^<system-reminder>\nThe user has raised the reasoning effort/);
  });

  it("declares the 12 custom tools in one Tool", () => {
    expect(result.value.config?.tools).toHaveLength(1);
    expect(result.value.config?.tools?.[0]).toHaveProperty("functionDeclarations.length", 12);
  });

  it("carries signatures from ids and thinking blocks, and the skip placeholder only where it must", () => {
    expect(firstCallSignatures(contents)).toEqual([
      "CqcBAY89a1+/Y2FsbC1vbmU=",
      "CrUBAY89a1+/Y2FsbC10d28=",
      "CqoBAY89a1+/Y2FsbC10aHJlZQ==",
      "CpMBAY89a1+/Y2FsbC1mb3Vy",
      gemini3 ? "skip_thought_signature_validator" : undefined,
    ]);
    const thoughts = contents.flatMap((content) => content.parts ?? []).filter((part) => part.thought);
    expect(thoughts.map((part) => part.thoughtSignature)).toEqual([
      "CpkCAY89a1+/dGhvdWdodC1vbmU=",
      "CpwCAY89a1+/dGhvdWdodC10d28=",
    ]);
    const lastModelTurn = contents.at(-2);
    expect(lastModelTurn?.parts).toEqual([
      {
        text: "The tests pass now. The design guide could not be fetched.",
        thoughtSignature: "CnIBAY89a1+/dGV4dC10d28=",
      },
    ]);
  });

  it("puts the screenshot where the model can take it", () => {
    const screenshotTurn = contents.find((content) =>
      content.parts?.some((part) => part.functionResponse?.name === "Read"),
    );
    const inline = (part: GeminiPart) => part.inlineData?.mimeType === "image/png";
    const [first, second] = screenshotTurn?.parts ?? [];
    expect(first?.functionResponse?.response).toEqual({
      output:
        "     1\texport function sum(a: number, b: number): number {\n     2\t  return a + b + 1;\n     3\t}\n",
    });
    if (gemini3) {
      expect(second?.functionResponse?.parts?.some((part) => part.inlineData?.mimeType === "image/png")).toBe(
        true,
      );
      expect(screenshotTurn?.parts?.some(inline)).toBe(false);
    } else {
      expect(second?.functionResponse?.parts).toBeUndefined();
      const imageIndex = screenshotTurn?.parts?.findIndex(inline) ?? -1;
      expect(imageIndex).toBeGreaterThan(1);
    }
    // Never base64 in text.
    const texts = contents
      .flatMap((content) => content.parts ?? [])
      .map((part) => JSON.stringify(part.functionResponse?.response ?? part.text ?? ""));
    expect(texts.some((text) => text.includes("iVBORw0KGgo"))).toBe(false);
  });

  it("warns about the Anthropic thinking block it could not send", () => {
    expect(result.warnings.filter((warning) => warning.startsWith("messages."))).toEqual([
      "messages.10.content.0: a thinking block without a Gemini signature was dropped (thinking from another model is not re-sent).",
    ]);
  });
});

describe("convertToGeminiRequest: dropped features", () => {
  it("reports stop sequences beyond what Gemini takes", () => {
    const { value, dropped } = convertToGeminiRequest(
      validateMessagesRequest({
        model: "gemini-2.5-flash-lite",
        max_tokens: 100,
        messages: [{ role: "user", content: "Count." }],
        stop_sequences: ["a", "b", "c", "d", "e", "f", ""],
      }),
    );
    expect(value.config?.stopSequences).toEqual(["a", "b", "c", "d", "e"]);
    expect(dropped).toEqual([
      { feature: "stop_sequences", message: expect.stringContaining("the other 1 were dropped") },
    ]);
  });

  it("reports nothing for what it serves", () => {
    const { dropped } = convertToGeminiRequest(
      validateMessagesRequest({
        model: "gemini-2.5-flash-lite",
        max_tokens: 100,
        messages: [{ role: "user", content: "Count." }],
        stop_sequences: ["a", ""],
        tools: [{ type: "bash_20250124", name: "bash" }],
      }),
    );
    expect(dropped).toEqual([]);
  });
});
