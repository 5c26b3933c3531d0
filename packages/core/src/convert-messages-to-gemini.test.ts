import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContentBlockParam, MessageParam } from "./anthropic-api.js";
import { convertMessagesToGemini } from "./convert-messages-to-gemini.js";
import { createToolNameMap } from "./convert-tool-name.js";
import type { GeminiGenerateContentParameters } from "./gemini-api.js";
import type { ModelCapabilities } from "./model-capabilities.js";
import { resolveModel } from "./resolve-model.js";
import { assertGeminiRequest } from "./test-utils/assert-gemini-request.js";
import { encodeServerToolPart, encodeThinkingSignature, encodeToolUseId } from "./thought-signature.js";

const GEMINI_2_5 = resolveModel("gemini-2.5-flash-lite").capabilities;
const GEMINI_3 = resolveModel("gemini-3.1-pro-preview").capabilities;

function convert(
  messages: MessageParam[],
  options: {
    capabilities?: ModelCapabilities;
    declared?: string[];
    toolNames?: string[];
    serverSideToolInvocations?: boolean;
  } = {},
) {
  const names = options.toolNames ?? ["Bash", "Read", "Grep"];
  return convertMessagesToGemini(messages, {
    toolNames: createToolNameMap(names),
    capabilities: options.capabilities ?? GEMINI_2_5,
    declaredToolNames: new Set(options.declared ?? names),
    serverSideToolInvocations: options.serverSideToolInvocations,
  });
}

/** Wraps contents into a request with the test's declarations, for {@link assertGeminiRequest}. */
function asRequest(contents: GeminiGenerateContentParameters["contents"], names = ["Bash", "Read", "Grep"]) {
  return {
    model: "gemini-test",
    contents,
    config: { tools: [{ functionDeclarations: names.map((name) => ({ name })) }] },
  } satisfies GeminiGenerateContentParameters;
}

const toolUse = (id: string, name = "Bash", input: unknown = { command: "ls" }): ContentBlockParam => ({
  type: "tool_use",
  id,
  name,
  input,
});
const toolResult = (id: string, content: string, isError = false): ContentBlockParam => ({
  type: "tool_result",
  tool_use_id: id,
  content,
  is_error: isError,
});

describe("convertMessagesToGemini: turns", () => {
  it("converts string and block content, dropping empty text and cache_control", () => {
    const { value } = convert([
      { role: "user", content: "hello" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "" },
          { type: "text", text: "hi", cache_control: { type: "ephemeral" } },
        ],
      },
      { role: "user", content: [{ type: "text", text: "again", cache_control: { type: "ephemeral" } }] },
    ]);
    expect(value).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "hello",
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "hi",
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "text": "again",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it("merges consecutive same-role messages and drops turns left empty", () => {
    const { value } = convert([
      { role: "user", content: "one" },
      { role: "user", content: [{ type: "text", text: "two" }] },
      { role: "assistant", content: [{ type: "redacted_thinking", data: "abc" }] },
      { role: "user", content: "three" },
      { role: "assistant", content: "four" },
      { role: "assistant", content: "" },
      { role: "assistant", content: "five" },
    ]);
    expect(value).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "one",
            },
            {
              "text": "two",
            },
            {
              "text": "three",
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "four",
            },
            {
              "text": "five",
            },
          ],
          "role": "model",
        },
      ]
    `);
  });

  it("keeps a role: system message in place as <system-reminder> user text", () => {
    const { value } = convert([
      { role: "user", content: "fix the bug" },
      { role: "system", content: [{ type: "text", text: "Effort: high." }] },
      { role: "assistant", content: "On it." },
      { role: "system", content: "Be brief." },
      { role: "user", content: "thanks" },
    ]);
    expect(value).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "fix the bug",
            },
            {
              "text": "<system-reminder>
      Effort: high.
      </system-reminder>",
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "On it.",
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "text": "<system-reminder>
      Be brief.
      </system-reminder>",
            },
            {
              "text": "thanks",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it("puts a user turn first when history starts with the assistant", () => {
    const { value } = convert([{ role: "assistant", content: "Earlier answer" }]);
    expect(value[0]).toEqual({ role: "user", parts: [{ text: "(continue)" }] });
    expect(value[1]).toEqual({ role: "model", parts: [{ text: "Earlier answer" }] });
  });

  it("throws InvalidRequestError naming messages when nothing is left to send", () => {
    expect(() => convert([{ role: "user", content: "" }])).toThrowError(
      expect.objectContaining({ name: "InvalidRequestError", path: "messages" }),
    );
  });
});

describe("convertMessagesToGemini: tool calls and results", () => {
  it("pairs parallel calls with their results in call order, other content after", () => {
    const { value, warnings } = convert([
      { role: "user", content: "look around" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          toolUse("toolu_a"),
          toolUse("toolu_b", "Read", { path: "x" }),
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "also this" },
          toolResult("toolu_b", "file body"),
          toolResult("toolu_a", "permission denied", true),
        ],
      },
    ]);
    expect(value[2]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "functionResponse": {
              "name": "Bash",
              "response": {
                "error": "permission denied",
              },
            },
          },
          {
            "functionResponse": {
              "name": "Read",
              "response": {
                "output": "file body",
              },
            },
          },
          {
            "text": "also this",
          },
        ],
        "role": "user",
      }
    `);
    expect(warnings).toEqual([]);
    assertGeminiRequest(asRequest(value));
  });

  it("wraps non-object tool input as {value}", () => {
    const { value } = convert([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [toolUse("toolu_a", "Bash", "ls -la"), toolUse("toolu_b", "Bash", [1, 2])],
      },
      { role: "user", content: [toolResult("toolu_a", "ok"), toolResult("toolu_b", "ok")] },
    ]);
    expect(value[1]?.parts?.map((part) => part.functionCall?.args)).toEqual([
      { value: "ls -la" },
      { value: [1, 2] },
    ]);
  });

  it("answers a call without a result with a placeholder error", () => {
    const { value, warnings } = convert([
      { role: "user", content: "go" },
      { role: "assistant", content: [toolUse("toolu_a"), toolUse("toolu_b")] },
      { role: "user", content: [toolResult("toolu_b", "done")] },
    ]);
    expect(value[2]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "functionResponse": {
              "name": "Bash",
              "response": {
                "error": "No result was provided for this tool call.",
              },
            },
          },
          {
            "functionResponse": {
              "name": "Bash",
              "response": {
                "output": "done",
              },
            },
          },
        ],
        "role": "user",
      }
    `);
    expect(warnings).toEqual([
      "The tool call toolu_a (Bash) has no tool_result; a placeholder error response was sent.",
    ]);
  });

  it("answers calls at the very end of history", () => {
    const { value } = convert([
      { role: "user", content: "go" },
      { role: "assistant", content: [toolUse("toolu_a")] },
    ]);
    expect(value).toHaveLength(3);
    expect(value[2]?.parts?.[0]?.functionResponse?.response).toEqual({
      error: "No result was provided for this tool call.",
    });
    assertGeminiRequest(asRequest(value));
  });

  it("sends an orphan result as text and drops a duplicate result", () => {
    const { value, warnings } = convert([
      { role: "user", content: "go" },
      { role: "assistant", content: [toolUse("toolu_a")] },
      {
        role: "user",
        content: [
          toolResult("toolu_a", "first"),
          toolResult("toolu_a", "second"),
          toolResult("toolu_zzz", "stray"),
        ],
      },
    ]);
    expect(value[2]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "functionResponse": {
              "name": "Bash",
              "response": {
                "output": "first",
              },
            },
          },
          {
            "text": "Result of tool call toolu_zzz:
      stray",
          },
        ],
        "role": "user",
      }
    `);
    expect(warnings).toMatchInlineSnapshot(`
      [
        "messages.2.content.1: a second tool_result for toolu_a was dropped; the first one was sent.",
        "messages.2.content.2: the tool_result for toolu_zzz matches no call in the previous turn; it was sent as text.",
      ]
    `);
    assertGeminiRequest(asRequest(value));
  });

  it("sends a result as text when the call was two turns back", () => {
    const { value } = convert([
      { role: "user", content: "go" },
      { role: "assistant", content: [toolUse("toolu_a", "Grep")] },
      { role: "user", content: "wait" },
      { role: "assistant", content: "ok" },
      { role: "user", content: [toolResult("toolu_a", "late", true)] },
    ]);
    expect(value[4]).toEqual({
      role: "user",
      parts: [{ text: "Error from tool call toolu_a (Grep):\nlate" }],
    });
    assertGeminiRequest(asRequest(value));
  });

  it("places tool-result images after all responses on models without functionResponse parts", () => {
    const image: ContentBlockParam = {
      type: "tool_result",
      tool_use_id: "toolu_a",
      content: [
        { type: "text", text: "Screenshot taken" },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      ],
    };
    const messages: MessageParam[] = [
      { role: "user", content: "screenshot please" },
      { role: "assistant", content: [toolUse("toolu_a", "Read"), toolUse("toolu_b")] },
      { role: "user", content: [image, toolResult("toolu_b", "ok"), { type: "text", text: "and?" }] },
    ];
    expect(convert(messages).value[2]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "functionResponse": {
              "name": "Read",
              "response": {
                "output": "Screenshot taken",
              },
            },
          },
          {
            "functionResponse": {
              "name": "Bash",
              "response": {
                "output": "ok",
              },
            },
          },
          {
            "text": "Attachments returned by the Read tool call:",
          },
          {
            "inlineData": {
              "data": "iVBORw0KGgo=",
              "mimeType": "image/png",
            },
          },
          {
            "text": "and?",
          },
        ],
        "role": "user",
      }
    `);
    expect(convert(messages, { capabilities: GEMINI_3 }).value[2]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "functionResponse": {
              "name": "Read",
              "parts": [
                {
                  "inlineData": {
                    "data": "iVBORw0KGgo=",
                    "mimeType": "image/png",
                  },
                },
              ],
              "response": {
                "output": "Screenshot taken",
              },
            },
          },
          {
            "functionResponse": {
              "name": "Bash",
              "response": {
                "output": "ok",
              },
            },
          },
          {
            "text": "and?",
          },
        ],
        "role": "user",
      }
    `);
  });

  it("turns documents, search results and tool references in a result into output text and media", () => {
    const { value } = convert(
      [
        { role: "user", content: "find" },
        { role: "assistant", content: [toolUse("toolu_a", "ToolSearch", { query: "web" })] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_a",
              content: [
                { type: "tool_reference", tool_name: "Web Fetch" },
                {
                  type: "search_result",
                  source: "https://example.com",
                  title: "Example",
                  content: [{ type: "text", text: "body" }],
                },
                {
                  type: "document",
                  source: { type: "text", media_type: "text/plain", data: "notes" },
                  title: "Notes",
                },
                {
                  type: "document",
                  source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
                },
              ],
            },
          ],
        },
      ],
      { toolNames: ["ToolSearch", "Web Fetch"] },
    );
    expect(value[2]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "functionResponse": {
              "name": "ToolSearch",
              "response": {
                "output": "Tool reference: Web_Fetch (now available as a function).
      Search result: Example
      Source: https://example.com

      body
      Document: Notes

      notes",
              },
            },
          },
          {
            "text": "Attachments returned by the ToolSearch tool call:",
          },
          {
            "inlineData": {
              "data": "JVBERi0=",
              "mimeType": "application/pdf",
            },
          },
        ],
        "role": "user",
      }
    `);
  });

  it("writes calls and results as text when no functions are declared", () => {
    const { value, warnings } = convert(
      [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: [{ type: "text", text: "Running." }, toolUse(encodeToolUseId("abc", "c2ln"))],
        },
        { role: "user", content: [toolResult(encodeToolUseId("abc", "c2ln"), "total 0")] },
      ],
      { declared: [], capabilities: GEMINI_3 },
    );
    expect(value).toMatchInlineSnapshot(`
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
              "text": "Running.",
            },
            {
              "text": "[Called tool "Bash" with input {"command":"ls"}; the tool is not declared in this request]",
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "text": "Result of tool call toolu_abc__gs1_c2ln (Bash):
      total 0",
            },
          ],
          "role": "user",
        },
      ]
    `);
    expect(warnings).toEqual([
      'The tool "Bash" is called in history but not declared; its calls and results were sent as text.',
    ]);
    assertGeminiRequest({ model: "gemini-test", contents: value }, { requiresThoughtSignatures: true });
  });

  it("sends calls to a tool removed mid-session as text, pairing only the declared ones", () => {
    const { value, warnings } = convert(
      [
        { role: "user", content: "go" },
        { role: "assistant", content: [toolUse("toolu_a", "Grep"), toolUse("toolu_b", "Bash")] },
        { role: "user", content: [toolResult("toolu_b", "listing"), toolResult("toolu_a", "matches")] },
      ],
      { declared: ["Bash", "Read"], capabilities: GEMINI_3 },
    );
    expect(value.slice(1)).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "[Called tool "Grep" with input {"command":"ls"}; the tool is not declared in this request]",
            },
            {
              "functionCall": {
                "args": {
                  "command": "ls",
                },
                "name": "Bash",
              },
              "thoughtSignature": "skip_thought_signature_validator",
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "functionResponse": {
                "name": "Bash",
                "response": {
                  "output": "listing",
                },
              },
            },
            {
              "text": "Result of tool call toolu_a (Grep):
      matches",
            },
          ],
          "role": "user",
        },
      ]
    `);
    expect(warnings).toEqual([
      'The tool "Grep" is called in history but not declared; its calls and results were sent as text.',
    ]);
    assertGeminiRequest(asRequest(value, ["Bash", "Read"]), { requiresThoughtSignatures: true });
  });

  it.each([
    ["tool_use in a user message", "user", toolUse("toolu_x")],
    ["tool_result in an assistant message", "assistant", toolResult("toolu_x", "x")],
  ] as const)("drops a %s and reports it", (_label, role, block) => {
    const { warnings, dropped } = convert([
      { role: "user", content: "go" },
      { role, content: [{ type: "text", text: "kept" }, block] },
    ]);
    expect(warnings).toEqual([]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.feature).toBe(`block:${block.type}`);
    expect(dropped[0]!.message).toMatch(/^messages\.1\.content\.1: /);
  });
});

describe("convertMessagesToGemini: thought signatures", () => {
  it("restores signatures from tool_use ids and cgm1 thinking blocks", () => {
    const { value, warnings } = convert([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          {
            type: "thinking",
            thinking: "Plan: list files.",
            signature: encodeThinkingSignature("thought", "VGhvdWdodA=="),
          },
          { type: "text", text: "Listing." },
          { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", "VGV4dA==") },
          toolUse(encodeToolUseId("first", "Q2FsbA+/")),
          toolUse("toolu_second"),
          { type: "thinking", thinking: "", signature: encodeThinkingSignature("empty", "RW1wdHk=") },
          { type: "thinking", thinking: "Claude's own thoughts", signature: "EqQBCkYIBxgCKkA" },
        ],
      },
    ]);
    expect(value[1]).toMatchInlineSnapshot(`
      {
        "parts": [
          {
            "text": "Plan: list files.",
            "thought": true,
            "thoughtSignature": "VGhvdWdodA==",
          },
          {
            "text": "Listing.",
            "thoughtSignature": "VGV4dA==",
          },
          {
            "functionCall": {
              "args": {
                "command": "ls",
              },
              "name": "Bash",
            },
            "thoughtSignature": "Q2FsbA+/",
          },
          {
            "functionCall": {
              "args": {
                "command": "ls",
              },
              "name": "Bash",
            },
          },
          {
            "text": "",
            "thoughtSignature": "RW1wdHk=",
          },
        ],
        "role": "model",
      }
    `);
    expect(warnings).toEqual([
      "messages.1.content.6: a thinking block without a Gemini signature was dropped (thinking from another model is not re-sent).",
      "The tool call toolu_first__gs1_Q2FsbA-_ (Bash) has no tool_result; a placeholder error response was sent.",
      "The tool call toolu_second (Bash) has no tool_result; a placeholder error response was sent.",
    ]);
  });

  it("treats a text-kind signature with no text right before it as an empty part", () => {
    const { value } = convert([
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          toolUse("toolu_a"),
          { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", "U2ln") },
        ],
      },
    ]);
    expect(value[1]?.parts?.[1]).toEqual({ text: "", thoughtSignature: "U2ln" });
  });

  it("adds the skip placeholder to the first unsigned call of each model turn on Gemini 3 only", () => {
    const messages: MessageParam[] = [
      { role: "user", content: "go" },
      { role: "assistant", content: [toolUse("toolu_a"), toolUse("toolu_b")] },
      { role: "user", content: [toolResult("toolu_a", "1"), toolResult("toolu_b", "2")] },
      { role: "assistant", content: [toolUse(encodeToolUseId("c", "U2lnbmVk")), toolUse("toolu_d")] },
      {
        role: "user",
        content: [toolResult(encodeToolUseId("c", "U2lnbmVk"), "3"), toolResult("toolu_d", "4")],
      },
    ];
    const signatures = (capabilities: ModelCapabilities) =>
      convert(messages, { capabilities })
        .value.filter((content) => content.role === "model")
        .map((content) => content.parts?.map((part) => part.thoughtSignature));
    expect(signatures(GEMINI_3)).toEqual([
      ["skip_thought_signature_validator", undefined],
      ["U2lnbmVk", undefined],
    ]);
    expect(signatures(GEMINI_2_5)).toEqual([
      [undefined, undefined],
      ["U2lnbmVk", undefined],
    ]);
  });
});

// ---------------------------------------------------------------------------
// Property: any well-formed Anthropic history yields contents Gemini accepts.

const TOOL_NAMES = ["Bash", "Read", "mcp__x__do thing"] as const;

interface HistoryStep {
  kind: "user" | "system" | "calls";
  text: string;
  calls: { name: (typeof TOOL_NAMES)[number]; result: "ok" | "error" | "missing" | "duplicate" | "image" }[];
  orphan: boolean;
  emptyBlock: boolean;
  signed: boolean;
}

const stepArbitrary: fc.Arbitrary<HistoryStep> = fc.record({
  kind: fc.constantFrom("user", "system", "calls"),
  text: fc.constantFrom("", "text", "more text"),
  calls: fc.array(
    fc.record({
      name: fc.constantFrom(...TOOL_NAMES),
      result: fc.constantFrom("ok", "error", "missing", "duplicate", "image"),
    }),
    { maxLength: 3 },
  ),
  orphan: fc.boolean(),
  emptyBlock: fc.boolean(),
  signed: fc.boolean(),
});

/** Builds an Anthropic history from steps: assistant call turns answered (or not) by the next user turn. */
function buildHistory(steps: readonly HistoryStep[], leadingAssistant: boolean): MessageParam[] {
  const messages: MessageParam[] = [];
  if (leadingAssistant) messages.push({ role: "assistant", content: "Resumed." });
  messages.push({ role: "user", content: "start" });
  let callCounter = 0;
  for (const step of steps) {
    if (step.kind === "system") {
      messages.push({ role: "system", content: step.text });
      continue;
    }
    if (step.kind === "user") {
      const content: ContentBlockParam[] = [{ type: "text", text: step.text }];
      if (step.orphan) content.push(toolResult(`toolu_orphan${callCounter++}`, "stray"));
      messages.push({ role: "user", content });
      continue;
    }
    const assistant: ContentBlockParam[] = [];
    if (step.emptyBlock) assistant.push({ type: "text", text: "" });
    if (step.text) assistant.push({ type: "text", text: step.text });
    if (step.signed) {
      assistant.push({ type: "thinking", thinking: "", signature: encodeThinkingSignature("text", "c2ln") });
    }
    const results: ContentBlockParam[] = [];
    for (const call of step.calls) {
      const id = step.signed ? encodeToolUseId(`c${callCounter++}`, "c2ln") : `toolu_c${callCounter++}`;
      assistant.push(toolUse(id, call.name));
      if (call.result === "missing") continue;
      if (call.result === "image") {
        results.push({
          type: "tool_result",
          tool_use_id: id,
          content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } }],
        });
        continue;
      }
      results.push(toolResult(id, call.result, call.result === "error"));
      if (call.result === "duplicate") results.push(toolResult(id, "again"));
    }
    messages.push({ role: "assistant", content: assistant });
    // Results in reverse order: the converter must restore call order.
    if (results.length > 0 || step.orphan) {
      const userContent = [...results].reverse();
      if (step.orphan) userContent.push(toolResult(`toolu_orphan${callCounter++}`, "stray"));
      if (step.emptyBlock) userContent.push({ type: "text", text: "" });
      messages.push({ role: "user", content: userContent });
    }
  }
  return messages;
}

describe("convertMessagesToGemini: property", () => {
  it("turns any well-formed history into contents that keep Gemini's turn rules", () => {
    fc.assert(
      fc.property(
        fc.array(stepArbitrary, { maxLength: 10 }),
        fc.boolean(),
        fc.constantFrom(GEMINI_2_5, GEMINI_3),
        fc.subarray([...TOOL_NAMES], { minLength: 1 }),
        (steps, leadingAssistant, capabilities, declared) => {
          const messages = buildHistory(steps, leadingAssistant);
          const toolNames = createToolNameMap([...TOOL_NAMES]);
          const { value } = convertMessagesToGemini(messages, {
            toolNames,
            capabilities,
            declaredToolNames: new Set(declared),
          });
          assertGeminiRequest(
            asRequest(
              value,
              declared.map((name) => toolNames.toGemini(name)),
            ),
            { requiresThoughtSignatures: capabilities.requiresThoughtSignatures },
          );
          // One response per call of a declared tool, never more, never fewer.
          const callCount = steps
            .flatMap((step) => (step.kind === "calls" ? step.calls : []))
            .filter((call) => declared.includes(call.name)).length;
          const responses = value
            .flatMap((content) => content.parts ?? [])
            .filter((part) => part.functionResponse);
          expect(responses).toHaveLength(callCount);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never leaves a call or result as a function part when no functions are declared", () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 8 }), (steps) => {
        const { value } = convertMessagesToGemini(buildHistory(steps, false), {
          toolNames: createToolNameMap([...TOOL_NAMES]),
          capabilities: GEMINI_3,
          declaredToolNames: new Set(),
        });
        assertGeminiRequest({ model: "gemini-test", contents: value });
        const parts = value.flatMap((content) => content.parts ?? []);
        expect(parts.some((part) => part.functionCall || part.functionResponse)).toBe(false);
      }),
    );
  });
});

describe("convertMessagesToGemini: server-side tool parts and call ids", () => {
  const toolCallPart = {
    toolCall: { toolType: "GOOGLE_SEARCH_WEB", args: { queries: ["weather Utqiagvik"] }, id: "s1" },
    thoughtSignature: "c2lnLWNhbGw=",
  } as const;
  const toolResponsePart = {
    toolResponse: {
      toolType: "GOOGLE_SEARCH_WEB",
      response: { search_suggestions: "<div>…</div>" },
      id: "s1",
    },
    thoughtSignature: "c2lnLXJlc3BvbnNl",
  } as const;
  const callId = encodeToolUseId("abc", "c2lnLWZu", "fc-7");
  const history: MessageParam[] = [
    { role: "user", content: "Northernmost US city, and its weather?" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "", signature: encodeServerToolPart(toolCallPart as never) },
        { type: "thinking", thinking: "", signature: encodeServerToolPart(toolResponsePart as never) },
        {
          type: "server_tool_use",
          id: "srvtoolu_1",
          name: "web_search",
          input: { query: "weather Utqiagvik" },
        },
        { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
        toolUse(callId, "Bash", { command: "weather Utqiagvik" }),
      ],
    },
    { role: "user", content: [toolResult(callId, "-30 °C")] },
  ];

  it("sends the carried parts back exactly as Gemini sent them, ids and signatures included", () => {
    const { value, warnings, dropped } = convert(history, {
      capabilities: GEMINI_3,
      serverSideToolInvocations: true,
    });
    expect(dropped).toEqual([]);
    expect(warnings).toEqual([]);
    expect(value[1]).toEqual({
      role: "model",
      parts: [
        toolCallPart,
        toolResponsePart,
        {
          functionCall: { name: "Bash", args: { command: "weather Utqiagvik" }, id: "fc-7" },
          thoughtSignature: "c2lnLWZu",
        },
      ],
    });
    // The id Gemini gave the call goes back on its response.
    expect(value[2]?.parts?.[0]?.functionResponse).toMatchObject({ name: "Bash", id: "fc-7" });
    assertGeminiRequest(asRequest(value));
  });

  it("leaves the parts out, and keeps the search as text, when the request does not combine tools", () => {
    const { value, warnings } = convert(history, { capabilities: GEMINI_3 });
    const parts = value[1]?.parts ?? [];
    expect(parts.some((part) => part.toolCall || part.toolResponse)).toBe(false);
    expect(parts[0]?.text).toContain("weather Utqiagvik");
    expect(warnings).toEqual([
      expect.stringMatching(/^messages\.1\.content\.0: a server-side tool part was left out/),
      expect.stringMatching(/^messages\.1\.content\.1: a server-side tool part was left out/),
    ]);
  });

  it("drops a damaged carrier with a note", () => {
    const { value, warnings } = convert(
      [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "", signature: encodeThinkingSignature("server", "not*base64") },
            { type: "text", text: "hello" },
          ],
        },
      ],
      { serverSideToolInvocations: true },
    );
    expect(value[1]?.parts).toEqual([{ text: "hello" }]);
    expect(warnings).toEqual([expect.stringContaining("damaged server-side tool carrier")]);
  });
});

describe("convertMessagesToGemini: signatures of another model", () => {
  const ISSUER = "gemini-3-flash-preview";
  const searchPart = {
    toolCall: { toolType: "GOOGLE_SEARCH_WEB", args: { queries: ["weather"] }, id: "s1" },
    thoughtSignature: "c2lnLWNhbGw=",
  } as const;
  const history = (issuer: string | undefined): MessageParam[] => {
    const callId = encodeToolUseId("first", "Q2FsbA+/", undefined, issuer);
    return [
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          {
            type: "thinking",
            thinking: "Plan.",
            signature: encodeThinkingSignature("thought", "VGhvdWdodA==", issuer),
          },
          { type: "text", text: "Listing." },
          { type: "thinking", thinking: "", signature: encodeThinkingSignature("text", "VGV4dA==", issuer) },
          toolUse(callId),
          { type: "thinking", thinking: "", signature: encodeThinkingSignature("empty", "RW1wdHk=", issuer) },
        ],
      },
      { role: "user", content: [toolResult(callId, "total 0")] },
    ];
  };
  const convertFor = (
    messages: MessageParam[],
    geminiModel: string,
    capabilities: ModelCapabilities,
    unnamedSignatureModel?: string,
    serverSideToolInvocations?: boolean,
  ) =>
    convertMessagesToGemini(messages, {
      toolNames: createToolNameMap(["Bash"]),
      capabilities,
      declaredToolNames: new Set(["Bash"]),
      geminiModel,
      unnamedSignatureModel,
      serverSideToolInvocations,
    });
  const signaturesOf = (contents: GeminiGenerateContentParameters["contents"]) =>
    (contents as { parts: { thoughtSignature?: string }[] }[]).flatMap((content) =>
      content.parts.flatMap((part) => (part.thoughtSignature === undefined ? [] : [part.thoughtSignature])),
    );

  it.each([
    // [issuer in the carriers, target model, presumed issuer of unnamed carriers, kept?]
    [ISSUER, ISSUER, undefined, true],
    [ISSUER, "gemini-3.1-pro-preview", undefined, false],
    [ISSUER, "gemini-2.5-flash-lite", undefined, false],
    [undefined, ISSUER, undefined, true],
    [undefined, "gemini-3.1-pro-preview", ISSUER, false],
    [undefined, ISSUER, ISSUER, true],
  ] as const)("issued by %s, sent to %s (unnamed presumed %s): kept %s", (issuer, target, unnamed, kept) => {
    const capabilities = resolveModel(target).capabilities;
    const { value, warnings } = convertFor(history(issuer), target, capabilities, unnamed);
    if (kept) {
      expect(signaturesOf(value)).toEqual(["VGhvdWdodA==", "VGV4dA==", "Q2FsbA+/", "RW1wdHk="]);
      expect(warnings.some((warning) => warning.includes("another Gemini model"))).toBe(false);
      return;
    }
    const placeholder = capabilities.requiresThoughtSignatures ? ["skip_thought_signature_validator"] : [];
    expect(signaturesOf(value)).toEqual(placeholder);
    // The thought and the empty carrier part existed only for their signatures; the text stays.
    expect(value[1]?.parts).toEqual([
      { text: "Listing." },
      {
        functionCall: { name: "Bash", args: { command: "ls" } },
        ...(placeholder.length > 0 ? { thoughtSignature: placeholder[0] } : {}),
      },
    ]);
    expect(warnings).toContain(
      `4 thought signature(s) issued by another Gemini model were left out: this request goes to ${target}.`,
    );
    assertGeminiRequest(asRequest(value, ["Bash"]));
  });

  it("leaves out another model's server-side tool parts and sends the search shown to the client as text", () => {
    const messages: MessageParam[] = [
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "", signature: encodeServerToolPart(searchPart as never, ISSUER) },
          { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "weather" } },
          { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
          { type: "text", text: "Sunny." },
        ],
      },
      { role: "user", content: "Thanks." },
    ];
    const own = convertFor(messages, ISSUER, GEMINI_3, undefined, true);
    expect(own.value[1]?.parts?.[0]).toEqual(searchPart);
    const other = convertFor(messages, "gemini-3.1-pro-preview", GEMINI_3, undefined, true);
    expect(JSON.stringify(other.value)).not.toContain("c2lnLWNhbGw=");
    expect(other.value[1]?.parts?.some((part) => part.toolCall !== undefined)).toBe(false);
    expect(other.value[1]?.parts?.some((part) => part.text?.includes("weather"))).toBe(true);
  });
});
