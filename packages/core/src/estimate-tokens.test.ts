import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContentBlockParam, CountTokensRequest, MessageParam, ToolParam } from "./anthropic-api.js";
import { estimateTokens } from "./estimate-tokens.js";

function requestWith(messages: MessageParam[], extra: Partial<CountTokensRequest> = {}): CountTokensRequest {
  return { model: "gemini-2.5-flash-lite", messages, ...extra };
}

const pngImage: ContentBlockParam = {
  type: "image",
  source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" },
};

const bashTool: ToolParam = {
  name: "Bash",
  description: "Executes a given bash command in a persistent shell session.",
  input_schema: {
    type: "object",
    properties: {
      command: { type: "string", description: "The command to execute" },
      timeout: { type: "number", description: "Optional timeout in milliseconds (max 600000)" },
    },
    required: ["command"],
    additionalProperties: false,
  },
};

describe("estimateTokens: magnitude", () => {
  it("counts about four English characters per token", () => {
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(100);
    const estimate = estimateTokens(requestWith([{ role: "user", content: text }]));
    expect(estimate).toBeGreaterThan(text.length / 5);
    expect(estimate).toBeLessThan(text.length / 3);
  });

  it("counts CJK text at about one token per character", () => {
    const text = "日本語のテキストです。".repeat(100);
    const estimate = estimateTokens(requestWith([{ role: "user", content: text }]));
    expect(estimate).toBeGreaterThanOrEqual(text.length);
    expect(estimate).toBeLessThan(text.length * 1.5);
  });

  it("gives an empty request a small, non-negative count", () => {
    expect(estimateTokens(requestWith([]))).toBe(0);
    expect(estimateTokens(requestWith([{ role: "user", content: "" }]))).toBeLessThan(10);
  });

  it("charges an image a fixed cost in the right range, wherever it sits", () => {
    const base = estimateTokens(requestWith([{ role: "user", content: [] }]));
    const inMessage = estimateTokens(requestWith([{ role: "user", content: [pngImage] }])) - base;
    expect(inMessage).toBeGreaterThanOrEqual(258);
    expect(inMessage).toBeLessThanOrEqual(3_000);
    const inToolResult = estimateTokens(
      requestWith([
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [pngImage] }] },
      ]),
    );
    expect(inToolResult - base).toBe(inMessage);
  });

  it("charges a PDF more than a page and counts text documents by their text", () => {
    const pdf = estimateTokens(
      requestWith([
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" } },
          ],
        },
      ]),
    );
    expect(pdf).toBeGreaterThan(258);
    const text = "a".repeat(4_000);
    const textDocument = estimateTokens(
      requestWith([{ role: "user", content: [{ type: "document", source: { type: "text", data: text } }] }]),
    );
    expect(textDocument).toBeGreaterThanOrEqual(1_000);
    expect(textDocument).toBeLessThan(1_100);
  });

  it("counts tools by the JSON of their schema", () => {
    const without = estimateTokens(requestWith([{ role: "user", content: "hi" }]));
    const withTool = estimateTokens(requestWith([{ role: "user", content: "hi" }], { tools: [bashTool] }));
    const schemaLength = JSON.stringify(bashTool.input_schema).length;
    expect(withTool - without).toBeGreaterThan(schemaLength / 4);
    expect(withTool - without).toBeLessThan(schemaLength);
  });

  it("counts system text, tool calls, tool results and thinking", () => {
    const empty = estimateTokens(requestWith([{ role: "user", content: [] }]));
    const long = "x".repeat(400);
    const cases: CountTokensRequest[] = [
      requestWith([{ role: "user", content: [] }], { system: long }),
      requestWith([{ role: "user", content: [] }], { system: [{ type: "text", text: long }] }),
      requestWith([
        { role: "user", content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: { path: long } }] },
      ]),
      requestWith([
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: long }] },
      ]),
      requestWith([{ role: "user", content: [{ type: "thinking", thinking: long, signature: "s" }] }]),
    ];
    for (const request of cases) expect(estimateTokens(request) - empty).toBeGreaterThanOrEqual(100);
  });

  it("counts a 100-turn Claude Code style session in a sensible range", () => {
    const messages: MessageParam[] = [];
    for (let turn = 0; turn < 50; turn++) {
      messages.push({ role: "user", content: `Please look at file number ${turn} and fix the bug in it.` });
      messages.push({
        role: "assistant",
        content: [
          { type: "text", text: "Let me read it." },
          {
            type: "tool_use",
            id: `toolu_${turn}`,
            name: "Read",
            input: { file_path: `src/file-${turn}.ts` },
          },
        ],
      });
    }
    const estimate = estimateTokens(requestWith(messages, { tools: [bashTool] }));
    expect(estimate).toBeGreaterThan(1_000);
    expect(estimate).toBeLessThan(5_000);
  });
});

const textArbitrary = fc.string({ unit: "grapheme", maxLength: 200 });
const blockArbitrary: fc.Arbitrary<ContentBlockParam> = fc.oneof(
  textArbitrary.map((text) => ({ type: "text" as const, text })),
  fc.constant(pngImage),
  fc
    .record({ id: fc.string(), input: fc.dictionary(fc.string(), textArbitrary) })
    .map(({ id, input }) => ({ type: "tool_use" as const, id, name: "Tool", input })),
  textArbitrary.map((content) => ({ type: "tool_result" as const, tool_use_id: "toolu_x", content })),
);
const messageArbitrary: fc.Arbitrary<MessageParam> = fc.record({
  role: fc.constantFrom("user" as const, "assistant" as const),
  content: fc.oneof(textArbitrary, fc.array(blockArbitrary, { maxLength: 5 })),
});

describe("estimateTokens: properties", () => {
  it("never decreases when a message is added", () => {
    fc.assert(
      fc.property(fc.array(messageArbitrary, { maxLength: 10 }), messageArbitrary, (messages, extra) => {
        const before = estimateTokens(requestWith(messages));
        const after = estimateTokens(requestWith([...messages, extra]));
        expect(after).toBeGreaterThan(before);
      }),
    );
  });

  it("never decreases when text grows", () => {
    fc.assert(
      fc.property(textArbitrary, textArbitrary, (text, more) => {
        const before = estimateTokens(requestWith([{ role: "user", content: text }]));
        const after = estimateTokens(requestWith([{ role: "user", content: text + more }]));
        expect(after).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  it("is a non-negative integer", () => {
    fc.assert(
      fc.property(fc.array(messageArbitrary, { maxLength: 10 }), (messages) => {
        const estimate = estimateTokens(requestWith(messages));
        expect(Number.isInteger(estimate)).toBe(true);
        expect(estimate).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it("grows linearly: ten times the text is about ten times the estimate", () => {
    const unit = "function add(a, b) { return a + b; }\n";
    const one = estimateTokens(requestWith([{ role: "user", content: unit.repeat(1_000) }]));
    const ten = estimateTokens(requestWith([{ role: "user", content: unit.repeat(10_000) }]));
    expect(ten / one).toBeGreaterThan(9.5);
    expect(ten / one).toBeLessThan(10.5);
  });
});
