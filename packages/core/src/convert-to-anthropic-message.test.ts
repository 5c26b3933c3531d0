import { describe, expect, it } from "vitest";
import type { AnthropicMessage, MessageParam } from "./anthropic-api.js";
import { convertMessagesToGemini } from "./convert-messages-to-gemini.js";
import { convertToAnthropicMessage } from "./convert-to-anthropic-message.js";
import { createToolNameMap } from "./convert-tool-name.js";
import type { GeminiGenerateContentResponse, GeminiPart } from "./gemini-api.js";
import { resolveModel } from "./resolve-model.js";
import { createSequentialIdGenerator } from "./test-utils/create-sequential-id-generator.js";
import { createTestContext } from "./test-utils/create-test-context.js";

// The model the test context sends to: every carrier names it as the issuer.
const TEST_MODEL = createTestContext().geminiModel;

import { loadResponseFixture, RESPONSE_FIXTURE_NAMES } from "./test-utils/response-fixtures.js";
import {
  decodeThinkingSignature,
  decodeToolUseIdSignature,
  encodeThinkingSignature,
  TRAILING_TEXT_SIGNATURE_WARNING,
} from "./thought-signature.js";

function convert(
  response: GeminiGenerateContentResponse,
  overrides: Parameters<typeof createTestContext>[0] = {},
) {
  return convertToAnthropicMessage(response, {
    context: createTestContext(overrides),
    generateId: createSequentialIdGenerator(),
  });
}

function fromParts(parts: GeminiPart[], finishReason = "STOP"): GeminiGenerateContentResponse {
  return {
    candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
  } as GeminiGenerateContentResponse;
}

describe("convertToAnthropicMessage on recorded responses", () => {
  it.each(RESPONSE_FIXTURE_NAMES)("%s matches its snapshot", async (name) => {
    const { value } = convert(loadResponseFixture(name));
    await expect(`${JSON.stringify(value, null, 2)}\n`).toMatchFileSnapshot(
      `./__fixtures__/responses/${name}.message.json`,
    );
  });

  it("plain text: one text block, end_turn, ids and model from the options", () => {
    const { value, warnings } = convert(loadResponseFixture("plain-text"));
    expect(value).toMatchObject({
      id: "msg_id1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(value.content).toEqual([
      { type: "text", text: "Hello! How can I help you with your code today?" },
    ]);
    expect(value.usage).toEqual({
      input_tokens: 12,
      output_tokens: 11,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
    expect(warnings).toEqual([]);
  });

  it("thinking + text (2.5): thinking block first, the answer's trailing signature is dropped", () => {
    const { value, warnings } = convert(loadResponseFixture("thinking-text"));
    expect(value.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    expect(value.content[0]).toMatchObject({ type: "thinking", signature: "" });
    expect((value.content[0] as { thinking: string }).thinking).toContain("Understanding the request");
    expect(warnings).toEqual([TRAILING_TEXT_SIGNATURE_WARNING]);
    expect(value.usage.output_tokens).toBe(24 + 96);
  });

  it("text-only Gemini 3 answer: the last block is the answer text, the signature-only part is dropped", () => {
    const response = loadResponseFixture("gemini3-text-signature");
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    // The answer's last part really carries a signature (the stream sends it on an empty part).
    expect(parts.at(-1)).toEqual({ text: expect.any(String), thoughtSignature: expect.any(String) });
    const { value, warnings } = convert(response);
    expect(value.content.at(-1)).toEqual({
      type: "text",
      text: expect.stringContaining("Subtract one before calling"),
    });
    expect(value.content.map((block) => block.type)).toEqual(["thinking", "text"]);
    const carriers = value.content.filter(
      (block) => block.type === "thinking" && decodeThinkingSignature(block.signature) !== undefined,
    );
    expect(carriers).toEqual([]);
    expect(warnings).toContain(TRAILING_TEXT_SIGNATURE_WARNING);
    expect(value.stop_reason).toBe("end_turn");
  });

  it("hides thought text but keeps the block when showThinking is false", () => {
    const { value } = convert(loadResponseFixture("thinking-text"), { showThinking: false });
    expect(value.content[0]).toEqual({ type: "thinking", thinking: "", signature: "" });
  });

  it("tool call with signature: tool_use id carries the signature, stop_reason tool_use", () => {
    const response = loadResponseFixture("tool-call-signed");
    const { value } = convert(response);
    expect(value.stop_reason).toBe("tool_use");
    const block = value.content[0]!;
    expect(block).toMatchObject({
      type: "tool_use",
      name: "Bash",
      input: { command: "git status --short", description: "Show working tree status" },
    });
    const id = (block as { id: string }).id;
    expect(id.startsWith("toolu_id2")).toBe(true);
    expect(decodeToolUseIdSignature(id)).toBe(
      response.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature,
    );
    expect(value.usage).toEqual({
      input_tokens: 5120 - 4096,
      output_tokens: 31 + 77,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 4096,
    });
  });

  it("parallel calls: only the first id carries a signature, names map back to the client's", () => {
    const { value } = convert(loadResponseFixture("parallel-tool-calls"));
    expect(value.content.map((block) => block.type)).toEqual(["text", "tool_use", "tool_use"]);
    const [, first, second] = value.content as [
      unknown,
      { id: string; name: string },
      { id: string; name: string },
    ];
    expect(decodeToolUseIdSignature(first.id)).toBeDefined();
    expect(second.id).toBe("toolu_id3");
    expect(second.name).toBe("mcp__fs__read-multiple");
    expect(value.stop_reason).toBe("tool_use");
  });

  it.each([
    ["max-tokens", "max_tokens", undefined],
    ["safety", "refusal", "SAFETY"],
    ["blocked-prompt", "refusal", "PROHIBITED_CONTENT"],
    ["malformed-function-call", "end_turn", "invalid tool call"],
    ["empty-candidates", "end_turn", "empty response"],
  ])("%s → stop_reason %s with an explaining text block", (name, stopReason, noticeFragment) => {
    const { value, warnings } = convert(loadResponseFixture(name));
    expect(value.stop_reason).toBe(stopReason);
    const last = value.content.at(-1);
    if (noticeFragment === undefined) {
      expect(last).toMatchObject({ type: "text" });
      expect((last as { text: string }).text).not.toMatch(/retry|Gemini/);
    } else {
      expect(last?.type).toBe("text");
      expect((last as { text: string }).text).toContain(noticeFragment);
      expect(warnings.length).toBeGreaterThan(0);
    }
  });

  it("usage: thoughts count as output, cached tokens move out of input, tool-use prompt counts as input", () => {
    const { value } = convert(loadResponseFixture("usage-thoughts-cached"));
    expect(value.usage).toEqual({
      input_tokens: 15360 + 64 - 12288,
      output_tokens: 29 + 512,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 12288,
    });
  });
});

describe("convertToAnthropicMessage part rules", () => {
  const signature = "c2lnbmF0dXJl";
  it.each<[string, GeminiPart[], AnthropicMessage["content"]]>([
    ["consecutive text parts merge", [{ text: "a" }, { text: "b" }], [{ type: "text", text: "ab" }]],
    [
      "consecutive thought parts merge, signature from the part carrying it",
      [
        { text: "x", thought: true },
        { text: "y", thought: true, thoughtSignature: signature },
      ],
      [
        {
          type: "thinking",
          thinking: "xy",
          signature: encodeThinkingSignature("thought", signature, TEST_MODEL),
        },
      ],
    ],
    [
      "a signed thought part closes its block",
      [
        { text: "x", thought: true, thoughtSignature: signature },
        { text: "y", thought: true },
      ],
      [
        {
          type: "thinking",
          thinking: "x",
          signature: encodeThinkingSignature("thought", signature, TEST_MODEL),
        },
        { type: "thinking", thinking: "y", signature: "" },
      ],
    ],
    [
      "empty text with a signature after text attaches to that text",
      [{ text: "a" }, { text: "", thoughtSignature: signature }, { text: "t", thought: true }],
      [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", signature, TEST_MODEL) },
        { type: "thinking", thinking: "t", signature: "" },
      ],
    ],
    [
      "a text signature that nothing follows is dropped, the text stays last",
      [{ text: "a" }, { text: "", thoughtSignature: signature }],
      [{ type: "text", text: "a" }],
    ],
    [
      "a signature-only part that nothing follows is dropped",
      [
        { text: "t", thought: true },
        { text: "", thoughtSignature: signature },
      ],
      [{ type: "thinking", thinking: "t", signature: "" }],
    ],
    [
      "two carriers in a row: the first goes out before the second, the trailing one is dropped",
      [
        { text: "a", thoughtSignature: signature },
        { text: "", thoughtSignature: "b3RoZXI=" },
      ],
      [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", signature, TEST_MODEL) },
      ],
    ],
    [
      "a signed text part followed by a call keeps its carrier before the tool_use",
      [{ text: "a", thoughtSignature: signature }, { functionCall: { name: "Bash", args: {} } }],
      [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", signature, TEST_MODEL) },
        { type: "tool_use", id: "toolu_id2", name: "Bash", input: {} },
      ],
    ],
    [
      "empty text with a signature and nothing to attach to stands alone",
      [{ text: "t", thought: true }, { text: "", thoughtSignature: signature }, { text: "a" }],
      [
        { type: "thinking", thinking: "t", signature: "" },
        {
          type: "thinking",
          thinking: "",
          signature: encodeThinkingSignature("empty", signature, TEST_MODEL),
        },
        { type: "text", text: "a" },
      ],
    ],
    [
      "text after a signed text part starts a new block",
      [{ text: "a", thoughtSignature: signature }, { text: "b" }],
      [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", signature, TEST_MODEL) },
        { type: "text", text: "b" },
      ],
    ],
    [
      "thinking after text keeps the order the parts came in",
      [{ text: "a" }, { text: "t", thought: true }, { text: "b" }],
      [
        { type: "text", text: "a" },
        { type: "thinking", thinking: "t", signature: "" },
        { type: "text", text: "b" },
      ],
    ],
    [
      "empty unsigned text parts are skipped",
      [{ text: "" }, { text: "a" }, { text: "" }],
      [{ type: "text", text: "a" }],
    ],
  ])("%s", (_name, parts, content) => {
    // MAX_TOKENS: no notice block is appended, whatever the parts hold.
    expect(convert(fromParts(parts, "MAX_TOKENS")).value.content).toEqual(content);
  });

  it("a call without args gets an empty input; ids use generateId in order", () => {
    const { value } = convert(
      fromParts([{ functionCall: { name: "Bash" } }, { functionCall: { name: "Read", args: {} } }]),
    );
    expect(value.content).toEqual([
      { type: "tool_use", id: "toolu_id2", name: "Bash", input: {} },
      { type: "tool_use", id: "toolu_id3", name: "Read", input: {} },
    ]);
  });

  it("drops parts Anthropic cannot carry, reports them, and keeps neighbours merged", () => {
    const { value, warnings, dropped } = convert(
      fromParts([
        { text: "a" },
        { executableCode: { code: "print(1)", language: "PYTHON" } as never },
        { text: "b" },
      ]),
    );
    expect(value.content).toEqual([{ type: "text", text: "ab" }]);
    expect(warnings).toEqual([]);
    expect(dropped).toEqual([
      { feature: "part:executableCode", message: expect.stringContaining("executableCode") },
    ]);
  });

  it("uses only the first candidate and warns about the others", () => {
    const response = {
      candidates: [
        { content: { role: "model", parts: [{ text: "first" }] }, finishReason: "STOP", index: 0 },
        { content: { role: "model", parts: [{ text: "second" }] }, finishReason: "STOP", index: 1 },
      ],
    } as GeminiGenerateContentResponse;
    const { value, warnings } = convert(response);
    expect(value.content).toEqual([{ type: "text", text: "first" }]);
    expect(warnings).toEqual([expect.stringContaining("2 candidates")]);
  });

  it("no candidates at all and no block reason → a retry notice, never an empty end_turn", () => {
    const { value } = convert({ candidates: [] } as unknown as GeminiGenerateContentResponse);
    expect(value.stop_reason).toBe("end_turn");
    expect(value.content).toEqual([{ type: "text", text: expect.stringContaining("empty response") }]);
  });

  it("a thinking-only STOP counts as empty; a thinking-only MAX_TOKENS does not", () => {
    const thinkingOnly = [{ text: "hmm", thought: true }];
    expect(convert(fromParts(thinkingOnly)).value.content.at(-1)).toMatchObject({ type: "text" });
    expect(convert(fromParts(thinkingOnly, "MAX_TOKENS")).value.content).toHaveLength(1);
  });

  it("unknown finish reasons end the turn with a warning", () => {
    const { value, warnings } = convert(fromParts([{ text: "ok" }], "SOMETHING_NEW"));
    expect(value.stop_reason).toBe("end_turn");
    expect(warnings).toEqual([expect.stringContaining("SOMETHING_NEW")]);
  });

  it("STOP stays end_turn even when the client set stop sequences (Gemini does not say which hit)", () => {
    const { value } = convert(fromParts([{ text: "1, 2, 3" }]), { stopSequences: ["4"] });
    expect(value).toMatchObject({ stop_reason: "end_turn", stop_sequence: null });
  });
});

describe("convertToAnthropicMessage text-part signature carriers", () => {
  const textSignature = "dGV4dC1zaWduYXR1cmU=";
  const callSignature = "Y2FsbC1zaWduYXR1cmU=";
  const thoughtSignature = "dGhvdWdodC1zaWduYXR1cmU=";

  /** Echoes the message back as Claude Code does and converts it for Gemini 3. */
  function echoToGemini3(content: AnthropicMessage["content"], followUp: MessageParam) {
    return convertMessagesToGemini(
      [{ role: "user", content: "Fix the failing test." }, { role: "assistant", content }, followUp],
      {
        toolNames: createToolNameMap(["Bash"]),
        capabilities: resolveModel("gemini-3.1-pro-preview").capabilities,
        declaredToolNames: new Set(["Bash"]),
      },
    ).value;
  }

  it("text + signed text + tool call: the carrier sits between the text and the tool_use", () => {
    const { value, warnings } = convert(
      fromParts([
        { text: "Let me run " },
        { text: "the tests.", thoughtSignature: textSignature },
        { functionCall: { name: "Bash", args: { command: "pnpm test" } }, thoughtSignature: callSignature },
      ]),
    );
    expect(value.content.map((block) => block.type)).toEqual(["text", "thinking", "tool_use"]);
    expect(value.content[0]).toEqual({ type: "text", text: "Let me run the tests." });
    const carrier = value.content[1] as { thinking: string; signature: string };
    expect(carrier.thinking).toBe("");
    expect(decodeThinkingSignature(carrier.signature)).toEqual({
      kind: "text",
      signature: textSignature,
      model: TEST_MODEL,
    });
    const toolUse = value.content[2] as { id: string };
    expect(decodeToolUseIdSignature(toolUse.id)).toBe(callSignature);
    expect(value.stop_reason).toBe("tool_use");
    expect(warnings).toEqual([]);

    // Echoed back, both signatures land on the parts they came on.
    const contents = echoToGemini3(value.content, {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "1 passed" }],
    });
    expect(contents[1]?.parts).toEqual([
      { text: "Let me run the tests.", thoughtSignature: textSignature },
      expect.objectContaining({
        functionCall: expect.objectContaining({ name: "Bash", args: { command: "pnpm test" } }),
        thoughtSignature: callSignature,
      }),
    ]);
  });

  it("thought + text with a trailing signature: the carrier is dropped, the thought keeps its own", () => {
    const { value, warnings } = convert(
      fromParts([
        { text: "The month is off by one.", thought: true, thoughtSignature },
        { text: "Subtract one from the month." },
        { text: "", thoughtSignature: textSignature },
      ]),
    );
    expect(value.content).toEqual([
      {
        type: "thinking",
        thinking: "The month is off by one.",
        signature: encodeThinkingSignature("thought", thoughtSignature, TEST_MODEL),
      },
      { type: "text", text: "Subtract one from the month." },
    ]);
    expect(warnings).toEqual([TRAILING_TEXT_SIGNATURE_WARNING]);

    // The next turn starts with the user's message, so Gemini 3 takes the answer without its signature.
    const contents = echoToGemini3(value.content, { role: "user", content: "Thanks." });
    expect(contents[1]?.parts).toEqual([
      { text: "The month is off by one.", thought: true, thoughtSignature },
      { text: "Subtract one from the month." },
    ]);
  });

  it("a notice block does not pull a trailing carrier in: it is dropped before the notice", () => {
    const { value, warnings } = convert(
      fromParts([{ text: "Partial", thoughtSignature: textSignature }], "SAFETY"),
    );
    expect(value.content.map((block) => block.type)).toEqual(["text", "text"]);
    expect(value.content[0]).toEqual({ type: "text", text: "Partial" });
    expect(warnings).toContain(TRAILING_TEXT_SIGNATURE_WARNING);
  });
});

describe("convertToAnthropicMessage: server-side tool parts, call ids and structured output", () => {
  const searchCall = {
    toolCall: { toolType: "GOOGLE_SEARCH_WEB", args: { queries: ["Utqiagvik weather"] }, id: "s1" },
    thoughtSignature: "c2VhcmNoLWNhbGw=",
  } as GeminiPart;
  const searchResponse = {
    toolResponse: { toolType: "GOOGLE_SEARCH_WEB", response: { search_suggestions: "<p>x</p>" }, id: "s1" },
    thoughtSignature: "c2VhcmNoLXJlc3BvbnNl",
  } as GeminiPart;
  const weatherCall = {
    functionCall: { name: "get_weather", args: { city: "Utqiagvik" }, id: "fc-1" },
    thoughtSignature: "ZnVuY3Rpb24tY2FsbA==",
  } as GeminiPart;

  it("carries each server-side tool part in an empty thinking block, and the call id in the tool_use id", () => {
    const { value, warnings, dropped } = convert(fromParts([searchCall, searchResponse, weatherCall]));
    expect(warnings).toEqual([]);
    expect(dropped).toEqual([]);
    expect(value.content.map((block) => block.type)).toEqual(["thinking", "thinking", "tool_use"]);
    expect(value.stop_reason).toBe("tool_use");

    // Echoed back in a request that combines the tools, every part returns exactly as it came.
    const toolUse = value.content[2] as { id: string };
    const contents = convertMessagesToGemini(
      [
        { role: "user", content: "Weather in the northernmost US city?" },
        { role: "assistant", content: value.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "-30 °C" }] },
      ],
      {
        toolNames: createToolNameMap(["get_weather"]),
        capabilities: resolveModel("gemini-3-flash-preview").capabilities,
        declaredToolNames: new Set(["get_weather"]),
        serverSideToolInvocations: true,
      },
    ).value;
    expect(contents[1]?.parts).toEqual([searchCall, searchResponse, weatherCall]);
    expect(contents[2]?.parts?.[0]?.functionResponse).toEqual({
      name: "get_weather",
      id: "fc-1",
      response: { output: "-30 °C" },
    });
  });

  it.each([
    [false, { city: "Bern", temperature: 21 }, '{"city":"Bern","temperature":21}'],
    [true, { value: ["a", "b"] }, '["a","b"]'],
  ])(
    "turns a call of the structured-output function into the JSON text answer (wrapped: %s)",
    (wrapped, args, json) => {
      const { value } = convert(
        fromParts([
          { text: "Here you go." },
          { functionCall: { name: "final_answer", args }, thoughtSignature: "c2ln" },
        ]),
        { structuredOutput: { functionName: "final_answer", wrapped } },
      );
      // Its own block, so the JSON parses even when the model wrote prose before it.
      expect(value.content).toEqual([
        { type: "text", text: "Here you go." },
        { type: "text", text: json },
      ]);
      expect(value.stop_reason).toBe("end_turn");
    },
  );

  it("keeps a client tool call next to the structured-output function as a tool_use", () => {
    const { value } = convert(fromParts([weatherCall]), {
      structuredOutput: { functionName: "final_answer", wrapped: false },
    });
    expect(value.content).toEqual([expect.objectContaining({ type: "tool_use", name: "get_weather" })]);
    expect(value.stop_reason).toBe("tool_use");
  });
});
