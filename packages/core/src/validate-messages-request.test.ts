import fc from "fast-check";
import { describe, expect, it } from "vitest";
import claudeCodeBody from "./__fixtures__/requests/claude-code-2.1.json" with { type: "json" };
import claudeCodeSessionBody from "./__fixtures__/requests/claude-code-session.json" with { type: "json" };
import sdkEnabledThinkingBody from "./__fixtures__/requests/sdk-enabled-thinking.json" with { type: "json" };
import { countTokensRequestSchema, messagesRequestSchema } from "./anthropic-api.js";
import { checkMessagesRequestShape } from "./check-messages-request-shape.js";
import { ClaudeGeminiError, InvalidRequestError } from "./claude-gemini-error.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { listJsonPaths } from "./test-utils/list-json-paths.js";
import { validateCountTokensRequest, validateMessagesRequest } from "./validate-messages-request.js";

const minimal = { model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] };

/** Returns a copy of `minimal` with `patch` merged in at the top level. */
function body(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...minimal, ...patch };
}

function userMessage(content: unknown): Record<string, unknown> {
  return body({ messages: [{ role: "user", content }] });
}

function captureError(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error("expected the request to be rejected");
}

describe("validateMessagesRequest: accepted bodies", () => {
  it.each<[string, unknown]>([
    ["the smallest legal body", minimal],
    ["a recorded-style Claude Code 2.1 body", claudeCodeBody],
    ["an SDK body with enabled thinking, sampling and stop sequences", sdkEnabledThinkingBody],
    ["system as a string", body({ system: "Be brief." })],
    [
      "system as cached text blocks",
      body({ system: [{ type: "text", text: "a", cache_control: { type: "ephemeral" } }] }),
    ],
    [
      "a system message inside messages",
      body({ messages: [...minimal.messages, { role: "system", content: "Be terse." }] }),
    ],
    ["thinking adaptive with display omitted", body({ thinking: { type: "adaptive", display: "omitted" } })],
    ["thinking disabled", body({ thinking: { type: "disabled" } })],
    [
      "thinking budget one below max_tokens",
      body({ thinking: { type: "enabled", budget_tokens: 1023 + 1 }, max_tokens: 1025 }),
    ],
    ["output_config.effort alone", body({ output_config: { effort: "max" } })],
    [
      "context_management edits",
      body({ context_management: { edits: [{ type: "clear_tool_uses_20250919" }] } }),
    ],
    ["metadata.user_id as a JSON string", body({ metadata: { user_id: '{"session_id":"x"}' } })],
    [
      "Claude Code's auto-mode safeguard",
      body({ safeguards: [{ type: "dangerous_tool_use", classifier_context: { v: 1, rules: {} } }] }),
    ],
    ["null optional fields", body({ system: null, tools: null, thinking: null, temperature: null })],
    ["top_k from older clients", body({ top_k: 5 })],
    [
      "tool_choice any with parallel use disabled",
      body({ tool_choice: { type: "any", disable_parallel_tool_use: true } }),
    ],
    [
      "a server tool without input_schema",
      body({ tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }] }),
    ],
    ["an unknown top-level field", body({ brand_new_option: { nested: [1, 2, 3] } })],
    ["an unknown field on a block", userMessage([{ type: "text", text: "hi", sparkle: true }])],
    ["an unknown block type", userMessage([{ type: "holographic_projection", beam: 1 }])],
    [
      "a document with a url source",
      userMessage([{ type: "document", source: { type: "url", url: "https://x/a.pdf" } }]),
    ],
  ])("accepts %s", (_name, input) => {
    expect(() => validateMessagesRequest(input)).not.toThrow();
  });

  it("keeps what the converter reads from the Claude Code body", () => {
    const request = validateMessagesRequest(claudeCodeBody);
    expect(request.model).toBe("claude-opus-5-5");
    expect(request.max_tokens).toBe(128000);
    expect(request.thinking).toEqual({ type: "adaptive", display: "omitted" });
    expect(request.output_config?.effort).toBe("high");
    expect(request.messages.map((message) => message.role)).toEqual(["user", "system", "assistant", "user"]);
    expect(request.messages[1]?.output_config?.effort).toBe("xhigh");
    expect(request.metadata?.user_id).toContain("session_id");
    expect(request.tools?.map((tool) => tool.name)).toEqual(["Bash", "WebFetch", "DeferredToolPlaceholder"]);
    expect(request.tools?.[1]).toMatchObject({
      defer_loading: true,
      strict: true,
      eager_input_streaming: true,
    });
    // The JSON Schema is passed on untouched, `$schema` included: the schema compiler owns it.
    expect(request.tools?.[0]?.input_schema).toEqual(claudeCodeBody.tools[0]?.input_schema);
  });

  it("keeps the safeguards a client asks for, with their context, on both validation paths", () => {
    const safeguards = [
      { type: "dangerous_tool_use", classifier_context: { v: 1, auto_mode: { allow: [] } } },
    ];
    const fast = validateMessagesRequest(body({ safeguards }));
    // An unknown block type is not sure for the fast path, so zod parses this one.
    const slow = body({ safeguards, messages: [{ role: "user", content: [{ type: "mystery_block" }] }] });
    expect(checkMessagesRequestShape(slow)).toBeUndefined();
    const parsed = validateMessagesRequest(slow);
    expect(fast.safeguards).toEqual(safeguards);
    expect(parsed.safeguards).toEqual(safeguards);
  });

  it("drops unknown fields and turns unknown blocks into unknown_block", () => {
    const request = validateMessagesRequest(claudeCodeBody);
    expect(request).not.toHaveProperty("context_management");
    expect(request).not.toHaveProperty("diagnostics");
    expect(request.system).toEqual([
      expect.not.objectContaining({ cache_control: expect.anything() }),
      expect.objectContaining({ cache_control: { type: "ephemeral" } }),
      expect.objectContaining({ cache_control: { type: "ephemeral" } }),
    ]);
    const lastContent = request.messages[3]?.content;
    expect(Array.isArray(lastContent) && lastContent[1]).toEqual({
      type: "unknown_block",
      original_type: "fancy_new_block",
    });
    const toolResult = Array.isArray(lastContent) ? lastContent[0] : undefined;
    expect(toolResult?.type === "tool_result" && toolResult.content).toEqual([
      { type: "text", text: "index.ts\nindex.test.ts" },
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
      { type: "tool_reference", tool_name: "WebFetch" },
      { type: "unknown_block", original_type: "future_result_block" },
    ]);
  });
});

describe("validateMessagesRequest: rejected bodies", () => {
  it.each<[string, unknown, string, string]>([
    ["a missing model", { max_tokens: 5, messages: [] }, "model", "model: Field required"],
    ["an empty model", body({ model: "" }), "model", "model: Must be at least 1 character(s) long"],
    ["a missing max_tokens", { model: "m", messages: [] }, "max_tokens", "max_tokens: Field required"],
    [
      "max_tokens as a string",
      body({ max_tokens: "10" }),
      "max_tokens",
      "max_tokens: Expected number, received string",
    ],
    [
      "a fractional max_tokens",
      body({ max_tokens: 1.5 }),
      "max_tokens",
      "max_tokens: Expected integer, received decimal number",
    ],
    ["a zero max_tokens", body({ max_tokens: 0 }), "max_tokens", "max_tokens: Must be more than 0"],
    [
      "messages as an object",
      body({ messages: {} }),
      "messages",
      "messages: Expected array, received object",
    ],
    ["no messages", body({ messages: [] }), "messages", "messages: At least one message is required"],
    [
      "an unknown role",
      body({ messages: [minimal.messages[0], { role: "tool", content: "x" }] }),
      "messages.1.role",
      "messages.1.role: Expected one of 'user', 'assistant', 'system', received 'tool'",
    ],
    [
      "a missing role",
      body({ messages: [{ content: "x" }] }),
      "messages.0.role",
      "messages.0.role: Field required",
    ],
    [
      "content as a number",
      userMessage(42),
      "messages.0.content",
      "messages.0.content: Expected string or array, received number",
    ],
    [
      "a block without type",
      userMessage([{ text: "x" }]),
      "messages.0.content.0.type",
      "messages.0.content.0.type: Field required",
    ],
    [
      "image data as a number",
      body({
        messages: [
          minimal.messages[0],
          { role: "assistant", content: "ok" },
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: 7 } }],
          },
        ],
      }),
      "messages.2.content.0.source.data",
      "messages.2.content.0.source.data: Expected string, received number",
    ],
    [
      "an unknown image source type",
      userMessage([{ type: "image", source: { type: "ftp", url: "x" } }]),
      "messages.0.content.0.source.type",
      "messages.0.content.0.source.type: Expected one of 'base64', 'url', 'file', received 'ftp'",
    ],
    [
      "a text block with null text",
      userMessage([{ type: "text", text: null }]),
      "messages.0.content.0.text",
      "messages.0.content.0.text: Expected string, received null",
    ],
    [
      "a tool_result without tool_use_id",
      userMessage([{ type: "tool_result", content: "ok" }]),
      "messages.0.content.0.tool_use_id",
      "messages.0.content.0.tool_use_id: Field required",
    ],
    [
      "a malformed block nested in a tool_result",
      userMessage([{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: 3 }] }]),
      "messages.0.content.0.content.0.text",
      "messages.0.content.0.content.0.text: Expected string, received number",
    ],
    [
      "a system block that is not text",
      body({ system: [{ type: "text", text: "a" }, { type: "image" }] }),
      "system.1.type",
      "system.1.type: Expected 'text', received 'image'",
    ],
    [
      "a tool without a name",
      body({ tools: [{ description: "x", input_schema: { type: "object" } }] }),
      "tools.0.name",
      "tools.0.name: Field required",
    ],
    [
      "a tool_choice of an unknown type",
      body({ tool_choice: { type: "sometimes" } }),
      "tool_choice.type",
      "tool_choice.type: Expected one of 'auto', 'any', 'tool', 'none', received 'sometimes'",
    ],
    [
      "an unknown thinking type",
      body({ thinking: { type: "maybe" } }),
      "thinking.type",
      "thinking.type: Expected one of 'enabled', 'adaptive', 'between_tools', 'disabled', received 'maybe'",
    ],
    [
      "enabled thinking without a budget",
      body({ thinking: { type: "enabled" } }),
      "thinking.budget_tokens",
      "thinking.budget_tokens: Field required",
    ],
    [
      "a thinking budget below 1024",
      body({ thinking: { type: "enabled", budget_tokens: 1023 } }),
      "thinking.budget_tokens",
      "thinking.budget_tokens: Must be greater than or equal to 1024, received 1023",
    ],
    [
      "a thinking budget equal to max_tokens",
      body({ max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 4096 } }),
      "thinking.budget_tokens",
      "thinking.budget_tokens: Must be less than max_tokens (4096), received 4096",
    ],
    ["a temperature above 2", body({ temperature: 2.5 }), "temperature", "temperature: Must be at most 2"],
    ["a negative top_p", body({ top_p: -0.1 }), "top_p", "top_p: Must be at least 0"],
    [
      "stop_sequences as a string",
      body({ stop_sequences: "END" }),
      "stop_sequences",
      "stop_sequences: Expected array, received string",
    ],
    ["stream as a string", body({ stream: "true" }), "stream", "stream: Expected boolean, received string"],
    [
      "metadata.user_id as an object",
      body({ metadata: { user_id: { id: 1 } } }),
      "metadata.user_id",
      "metadata.user_id: Expected string, received object",
    ],
    [
      "safeguards as an object",
      body({ safeguards: { type: "dangerous_tool_use" } }),
      "safeguards",
      "safeguards: Expected array, received object",
    ],
    [
      "a safeguard without a type",
      body({ safeguards: [{ classifier_context: {} }] }),
      "safeguards.0.type",
      "safeguards.0.type: Field required",
    ],
  ])("rejects %s", (_name, input, path, message) => {
    const error = captureError(() => validateMessagesRequest(input));
    expect(error.path).toBe(path);
    expect(error.message).toBe(message);
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(ClaudeGeminiError.isInstance(error)).toBe(true);
  });

  it.each([null, undefined, "text", 42, true, [minimal]])("rejects the non-object body %j", (input) => {
    const error = captureError(() => validateMessagesRequest(input));
    expect(error.message).toBe("Request body must be a JSON object");
    expect(error.path).toBeUndefined();
  });

  it("lets the budget reach max_tokens under the interleaved-thinking beta", () => {
    const input = body({ max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 8192 } });
    expect(() => validateMessagesRequest(input, { betas: ["claude-code-20250219"] })).toThrow(
      InvalidRequestError,
    );
    const request = validateMessagesRequest(input, {
      betas: ["claude-code-20250219", " interleaved-thinking-2025-05-14"],
    });
    expect(request.thinking).toEqual({ type: "enabled", budget_tokens: 8192 });
    // The 1024 floor holds whatever the betas say.
    const tooSmall = body({ thinking: { type: "enabled", budget_tokens: 100 } });
    expect(() => validateMessagesRequest(tooSmall, { betas: ["interleaved-thinking-2025-05-14"] })).toThrow(
      /budget_tokens: Must be greater than or equal to 1024/,
    );
  });
});

describe("validateCountTokensRequest", () => {
  it("accepts a body without max_tokens, including an empty message list", () => {
    const request = validateCountTokensRequest({ model: "claude-sonnet-4-5", messages: [], system: "x" });
    expect(request.max_tokens).toBeUndefined();
    expect(request.system).toBe("x");
  });

  it("accepts the Claude Code body as sent to count_tokens", () => {
    const { max_tokens: _maxTokens, stream: _stream, ...countBody } = claudeCodeBody;
    expect(validateCountTokensRequest(countBody).messages).toHaveLength(4);
  });

  it("applies the thinking budget floor without max_tokens, and the ceiling with it", () => {
    expect(() =>
      validateCountTokensRequest({
        model: "m",
        messages: [],
        thinking: { type: "enabled", budget_tokens: 5000 },
      }),
    ).not.toThrow();
    expect(
      captureError(() =>
        validateCountTokensRequest({
          model: "m",
          messages: [],
          thinking: { type: "enabled", budget_tokens: 10 },
        }),
      ).path,
    ).toBe("thinking.budget_tokens");
    expect(
      captureError(() =>
        validateCountTokensRequest({
          model: "m",
          max_tokens: 2000,
          messages: [],
          thinking: { type: "enabled", budget_tokens: 5000 },
        }),
      ).path,
    ).toBe("thinking.budget_tokens");
  });

  it("names the path of a malformed message", () => {
    const error = captureError(() =>
      validateCountTokensRequest({ model: "m", messages: [{ role: "robot", content: "x" }] }),
    );
    expect(error.message).toBe(
      "messages.0.role: Expected one of 'user', 'assistant', 'system', received 'robot'",
    );
  });

  it("rejects a non-object body", () => {
    expect(() => validateCountTokensRequest("[]")).toThrow("Request body must be a JSON object");
  });
});

// ---------------------------------------------------------------------------
// The fast structural check against the zod parse it stands in for.

/** Keys no schema knows: zod strips them, the fast path keeps them, converters must not read them. */
const unknownKeys = fc.dictionary(
  fc.constantFrom("unknown_a", "future_field", "x-extra"),
  fc.jsonValue({ maxDepth: 1 }),
  { maxKeys: 2 },
);

/** Bodies arrive through JSON.parse: plain objects (fast-check builds null-prototype ones), no -0. */
function copyAsJson<T>(generated: T): T {
  return JSON.parse(JSON.stringify(generated)) as T;
}

/** A record whose optional keys may be missing, and which may carry unknown keys. */
function shape<T extends Record<string, fc.Arbitrary<unknown>>>(
  model: T,
  requiredKeys: (keyof T & string)[],
): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(fc.record(model, { requiredKeys }), unknownKeys)
    .map(([known, extra]) => ({ ...extra, ...known }));
}

function nullish<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof(arbitrary, fc.constant(null));
}

const text = fc.string({ maxLength: 12 });
const cacheControl = nullish(shape({ type: fc.constantFrom("ephemeral", "other") }, ["type"]));
const textBlock = shape(
  {
    type: fc.constant("text"),
    text,
    cache_control: cacheControl,
    citations: nullish(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 })),
  },
  ["type", "text"],
);
const base64 = fc.constantFrom("aGVsbG8=", "iVBORw0KGgo=", "JVBERi0xLjQ=");
const imageBlock = shape(
  {
    type: fc.constant("image"),
    source: fc.oneof(
      shape(
        {
          type: fc.constant("base64"),
          media_type: fc.constantFrom("image/png", "image/jpeg", "image/webp"),
          data: base64,
        },
        ["type", "media_type", "data"],
      ),
      shape({ type: fc.constant("url"), url: fc.webUrl() }, ["type", "url"]),
      shape({ type: fc.constant("file"), file_id: text }, ["type", "file_id"]),
    ),
    cache_control: cacheControl,
  },
  ["type", "source"],
);
const documentBlock = shape(
  {
    type: fc.constant("document"),
    source: fc.oneof(
      shape({ type: fc.constant("base64"), media_type: fc.constant("application/pdf"), data: base64 }, [
        "type",
        "media_type",
        "data",
      ]),
      shape({ type: fc.constant("text"), media_type: fc.constant("text/plain"), data: text }, [
        "type",
        "data",
      ]),
      shape({ type: fc.constant("url"), url: fc.webUrl() }, ["type", "url"]),
      shape({ type: fc.constant("file"), file_id: text }, ["type", "file_id"]),
      shape(
        {
          type: fc.constant("content"),
          content: fc.oneof(text, fc.array(fc.oneof(textBlock, imageBlock), { maxLength: 2 })),
        },
        ["type", "content"],
      ),
    ),
    title: nullish(text),
    context: nullish(text),
    citations: fc.jsonValue({ maxDepth: 1 }),
    cache_control: cacheControl,
  },
  ["type", "source"],
);
const searchResultBlock = shape(
  {
    type: fc.constant("search_result"),
    source: fc.webUrl(),
    title: text,
    content: fc.array(textBlock, { maxLength: 2 }),
    cache_control: cacheControl,
  },
  ["type", "source", "title", "content"],
);
const toolNames = fc.constantFrom("Bash", "Read", "mcp__server__tool", "web_search");
const toolId = fc.constantFrom("toolu_01", "toolu_02", "toolu_03");
const toolReferenceBlock = shape({ type: fc.constant("tool_reference"), tool_name: toolNames }, [
  "type",
  "tool_name",
]);
const toolResultInner = fc.oneof(textBlock, imageBlock, documentBlock, searchResultBlock, toolReferenceBlock);
const messageBlock = fc.oneof(
  textBlock,
  imageBlock,
  documentBlock,
  searchResultBlock,
  toolReferenceBlock,
  shape({ type: fc.constant("thinking"), thinking: text, signature: nullish(text) }, ["type", "thinking"]),
  shape({ type: fc.constant("redacted_thinking"), data: text }, ["type", "data"]),
  shape(
    {
      type: fc.constant("tool_use"),
      id: toolId,
      name: toolNames,
      input: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      cache_control: cacheControl,
    },
    ["type", "id", "name", "input"],
  ),
  shape(
    {
      type: fc.constant("tool_result"),
      tool_use_id: toolId,
      content: nullish(fc.oneof(text, fc.array(toolResultInner, { maxLength: 3 }))),
      is_error: nullish(fc.boolean()),
      cache_control: cacheControl,
    },
    ["type", "tool_use_id"],
  ),
  shape(
    {
      type: fc.constant("server_tool_use"),
      id: fc.constant("srvtoolu_01"),
      name: fc.constant("web_search"),
      input: fc.record({ query: text }),
    },
    ["type", "id", "name", "input"],
  ),
  shape(
    {
      type: fc.constant("web_search_tool_result"),
      tool_use_id: fc.constant("srvtoolu_01"),
      content: fc.jsonValue({ maxDepth: 2 }),
    },
    ["type", "tool_use_id", "content"],
  ),
);
const outputConfig = shape(
  {
    effort: nullish(fc.constantFrom("low", "medium", "high", "max")),
    format: nullish(
      shape(
        {
          type: fc.constant("json_schema"),
          schema: nullish(fc.constant({ type: "object", properties: { answer: { type: "string" } } })),
        },
        ["type"],
      ),
    ),
  },
  [],
);
const message = shape(
  {
    role: fc.constantFrom("user", "assistant", "system"),
    content: fc.oneof(text, fc.array(messageBlock, { maxLength: 4 })),
    output_config: nullish(outputConfig),
  },
  ["role", "content"],
);
const toolInputSchema = fc.constantFrom<Record<string, unknown>>(
  { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  { $schema: "https://json-schema.org/draft/2020-12/schema", type: "object", additionalProperties: false },
  { type: "object", properties: { path: { anyOf: [{ type: "string" }, { type: "null" }] } } },
);
const tool = fc.oneof(
  shape(
    {
      name: toolNames,
      description: nullish(text),
      input_schema: nullish(toolInputSchema),
      cache_control: cacheControl,
      defer_loading: nullish(fc.boolean()),
      strict: nullish(fc.boolean()),
      eager_input_streaming: nullish(fc.boolean()),
      input_examples: nullish(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 1 })),
    },
    ["name"],
  ),
  shape(
    {
      type: fc.constant("web_search_20250305"),
      name: fc.constant("web_search"),
      max_uses: nullish(fc.integer({ min: 1, max: 10 })),
      allowed_domains: nullish(fc.array(fc.domain(), { maxLength: 2 })),
      blocked_domains: nullish(fc.array(fc.domain(), { maxLength: 2 })),
      user_location: fc.jsonValue({ maxDepth: 1 }),
      max_content_tokens: nullish(fc.integer({ min: 1, max: 100_000 })),
    },
    ["type", "name"],
  ),
);
const messagesRequest = shape(
  {
    model: fc.constantFrom(
      "claude-sonnet-4-5",
      "claude-haiku-4-5",
      "gemini-2.5-flash-lite",
      "gemini-3.1-pro-preview",
    ),
    max_tokens: fc.integer({ min: 1, max: 64_000 }),
    messages: fc.array(message, { minLength: 1, maxLength: 4 }),
    system: nullish(fc.oneof(text, fc.array(textBlock, { maxLength: 3 }))),
    stop_sequences: nullish(fc.array(text, { maxLength: 2 })),
    stream: nullish(fc.boolean()),
    temperature: nullish(fc.double({ min: 0, max: 2, noNaN: true })),
    top_p: nullish(fc.double({ min: 0, max: 1, noNaN: true })),
    top_k: nullish(fc.nat(100)),
    tools: nullish(fc.array(tool, { maxLength: 3 })),
    tool_choice: nullish(
      fc.oneof(
        shape({ type: fc.constantFrom("auto", "any"), disable_parallel_tool_use: nullish(fc.boolean()) }, [
          "type",
        ]),
        shape(
          { type: fc.constant("tool"), name: toolNames, disable_parallel_tool_use: nullish(fc.boolean()) },
          ["type", "name"],
        ),
        shape({ type: fc.constant("none") }, ["type"]),
      ),
    ),
    thinking: nullish(
      fc.oneof(
        shape({ type: fc.constant("enabled"), budget_tokens: fc.nat(70_000), display: nullish(text) }, [
          "type",
          "budget_tokens",
        ]),
        shape({ type: fc.constant("adaptive"), display: nullish(fc.constantFrom("summarized", "omitted")) }, [
          "type",
        ]),
        shape({ type: fc.constant("disabled") }, ["type"]),
      ),
    ),
    output_config: nullish(outputConfig),
    metadata: nullish(shape({ user_id: nullish(text) }, [])),
    safeguards: nullish(
      fc.array(
        shape(
          {
            type: fc.constantFrom("dangerous_tool_use", "future_check"),
            classifier_context: fc.jsonValue({ maxDepth: 2 }),
          },
          ["type"],
        ),
        { maxLength: 2 },
      ),
    ),
  },
  ["model", "max_tokens", "messages"],
).map(copyAsJson);

/** Marks a mutation that replaces a leaf with a boundary value of its own type (see `edgeOf`). */
const EDGE = Symbol("edge");

/** A value of the leaf's own type just past a bound a schema may set: "", 0, -1, a fraction, 2^53. */
function edgeOf(leaf: unknown, pick: number): unknown {
  if (typeof leaf === "string") return pick % 2 === 0 ? "" : " ";
  if (typeof leaf === "number") return [0, -1, leaf + 0.5, 2 ** 53, -leaf, leaf * 1e6][pick % 6];
  if (typeof leaf === "boolean") return pick % 2 === 0 ? String(leaf) : 1;
  return pick % 2 === 0 ? null : [];
}

/** Values a mutation puts somewhere in a body: wrong types, bad numbers, unknown block types. */
const mutationValue = fc.oneof(
  { arbitrary: fc.constant<unknown>(EDGE), weight: 3 },
  fc.constantFrom<unknown>(
    null,
    undefined,
    "",
    "x",
    "text",
    "tool_use",
    "mystery_block",
    0,
    -0,
    -1,
    1.5,
    3,
    2 ** 53,
    1e300,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    [],
    {},
    [{ type: "text", text: "t" }],
    { type: "text" },
    { type: "mystery_block", payload: 1 },
    { type: "ephemeral" },
  ),
  fc.jsonValue({ maxDepth: 2 }),
  // A well-formed block or tool in the wrong place: tests which block types each list takes.
  messageBlock.map(copyAsJson),
  tool.map(copyAsJson),
);

/** One to four changes: which node (modulo the node count), the new value, or a removal. */
const mutations = fc.array(fc.record({ pick: fc.nat(), value: mutationValue, remove: fc.boolean() }), {
  minLength: 1,
  maxLength: 4,
});

function applyMutations(
  base: unknown,
  changes: readonly { pick: number; value: unknown; remove: boolean }[],
): unknown {
  let body = base;
  for (const change of changes) body = mutate(body, change.pick, change.value, change.remove);
  return body;
}

/** A copy of `root` with the node at `paths[pick % length]` replaced by `value`, or removed. */
function mutate(root: unknown, pick: number, value: unknown, remove: boolean): unknown {
  const copy = structuredClone(root);
  const paths = listJsonPaths(copy);
  if (paths.length === 0) return copy;
  const path = paths[pick % paths.length]!;
  let parent = copy as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === EDGE && !remove) parent[last] = edgeOf(parent[last], pick >> 8);
  else if (!remove) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

/** What a conversion gives, or the message it throws, so two runs compare as plain data. */
function convertOutcome(request: Parameters<typeof convertToGeminiRequest>[0]): unknown {
  try {
    return { converted: convertToGeminiRequest(request) };
  } catch (error) {
    return { threw: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The fast check may only say "sure" where zod accepts, and then the converter must give the
 * same answer for the uncopied body as for zod's stripped copy. Saying "not sure" is always
 * safe (zod then runs); how often the fast path is taken is checked by the callers. Returns
 * whether the fast path was taken.
 */
function expectFastPathAgreesWithZod(body: unknown): boolean {
  const snapshot = structuredClone(body);
  const fast = checkMessagesRequestShape(body);
  if (fast === undefined) return false;
  const parsed = messagesRequestSchema.safeParse(body);
  expect(fast).toBe(body);
  expect(parsed.success).toBe(true);
  if (!parsed.success) return true;
  expect(convertOutcome(fast)).toStrictEqual(convertOutcome(parsed.data));
  // The fast path shares the caller's objects, so the converter must not write to them.
  expect(body).toStrictEqual(snapshot);
  return true;
}

describe("checkMessagesRequestShape: the fast path of validateMessagesRequest", () => {
  it("takes recorded bodies as they are, without copying", () => {
    expect(checkMessagesRequestShape(claudeCodeSessionBody)).toBe(claudeCodeSessionBody);
    expect(checkMessagesRequestShape(sdkEnabledThinkingBody)).toBe(sdkEnabledThinkingBody);
    expect(validateMessagesRequest(claudeCodeSessionBody)).toBe(claudeCodeSessionBody);
    expect(expectFastPathAgreesWithZod(claudeCodeSessionBody)).toBe(true);
    expect(expectFastPathAgreesWithZod(sdkEnabledThinkingBody)).toBe(true);
    // This recording carries a block type from the future: zod rewrites it, so zod runs.
    expect(checkMessagesRequestShape(claudeCodeBody)).toBeUndefined();
    expect(expectFastPathAgreesWithZod(claudeCodeBody)).toBe(false);
  });

  it("property: every generated valid body takes the fast path and converts as zod's copy does", () => {
    fc.assert(
      fc.property(messagesRequest, (body) => {
        expect(expectFastPathAgreesWithZod(body)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("property: for mutated bodies the fast path never accepts what zod rejects, and converts the same", () => {
    let fastAccepted = 0;
    let fastDeclined = 0;
    fc.assert(
      fc.property(messagesRequest, mutations, (base, changes) => {
        if (expectFastPathAgreesWithZod(applyMutations(base, changes))) fastAccepted++;
        else fastDeclined++;
      }),
      { numRuns: 3000 },
    );
    // Neither side of the property may be vacuous.
    expect(fastAccepted).toBeGreaterThan(200);
    expect(fastDeclined).toBeGreaterThan(200);
  });

  it("property: validateMessagesRequest rejects exactly what the zod parse rejects, with zod's message", () => {
    fc.assert(
      fc.property(messagesRequest, mutations, (base, changes) => {
        const body = applyMutations(base, changes) as Record<string, unknown>;
        const parsed = messagesRequestSchema.safeParse(body);
        let message: string | undefined;
        try {
          validateMessagesRequest(body, { betas: ["interleaved-thinking-2025-05-14"] });
        } catch (error) {
          if (!(error instanceof InvalidRequestError)) throw error;
          message = error.message;
        }
        if (!parsed.success) {
          expect(message).toBeDefined();
          return;
        }
        // Accepted by zod: only the rules on top of the shape may still reject it.
        if (message !== undefined) {
          expect(message).toMatch(
            /^(model: Expected a model name|messages: At least one message|thinking\.budget_tokens|messages\.\d+\.content)/,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it("property: count_tokens bodies without max_tokens agree with the count_tokens schema", () => {
    fc.assert(
      fc.property(messagesRequest, mutations, (base, changes) => {
        const { max_tokens: _dropped, ...body } = base;
        const mutated = applyMutations(body, changes);
        const fast = checkMessagesRequestShape(mutated, { maxTokensOptional: true });
        const parsed = countTokensRequestSchema.safeParse(mutated);
        if (fast !== undefined) expect(parsed.success).toBe(true);
        else if (parsed.success) expect(JSON.stringify(parsed.data)).toContain('"unknown_block"');
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with zod on server blocks whose input or content is present but undefined", () => {
    // Seen as a property-test failure: zod wants the key of a `z.unknown()` field, not a value.
    for (const block of [
      { type: "server_tool_use", id: "srvtoolu_01", name: "web_search", input: undefined },
      { type: "web_search_tool_result", tool_use_id: "srvtoolu_01", content: undefined },
    ]) {
      const present = { model: "claude-sonnet-4-5", messages: [{ role: "assistant", content: [block] }] };
      expect(checkMessagesRequestShape(present, { maxTokensOptional: true })).toBe(present);
      expect(countTokensRequestSchema.safeParse(present).success).toBe(true);
      const { [block.type === "server_tool_use" ? "input" : "content"]: _gone, ...absent } = block;
      const missing = { ...present, messages: [{ role: "assistant", content: [absent] }] };
      expect(checkMessagesRequestShape(missing, { maxTokensOptional: true })).toBeUndefined();
      expect(countTokensRequestSchema.safeParse(missing).success).toBe(false);
    }
  });

  it("leaves unknown block types to zod, which turns them into unknown_block", () => {
    const unknown = userMessage([{ type: "mystery_block", text: "x" }]);
    expect(checkMessagesRequestShape(unknown)).toBeUndefined();
    expect(validateMessagesRequest(unknown).messages[0]?.content).toEqual([
      { type: "unknown_block", original_type: "mystery_block" },
    ]);
    const insideToolResult = userMessage([
      { type: "tool_result", tool_use_id: "toolu_01", content: [{ type: "thinking", thinking: "x" }] },
    ]);
    expect(checkMessagesRequestShape(insideToolResult)).toBeUndefined();
    expect(JSON.stringify(validateMessagesRequest(insideToolResult))).toContain('"original_type":"thinking"');
  });

  it("leaves what zod copies differently or rejects by its own rules to zod", () => {
    const protoKey = JSON.parse('{"type":"object","__proto__":{"type":"string"}}') as unknown;
    expect(
      checkMessagesRequestShape(body({ tools: [{ name: "Bash", input_schema: protoKey }] })),
    ).toBeUndefined();
    expect(checkMessagesRequestShape(body({ metadata: new Date(0) }))).toBeUndefined();
    expect(checkMessagesRequestShape(body({ max_tokens: 2 ** 53 }))).toBeUndefined();
    expect(checkMessagesRequestShape(body({ temperature: Number.NaN }))).toBeUndefined();
    expect(
      checkMessagesRequestShape(body({ tools: [{ name: "x", max_uses: Number.POSITIVE_INFINITY }] })),
    ).toBeUndefined();
    expect(
      checkMessagesRequestShape(userMessage([{ type: "tool_use", id: "toolu_01", name: "Bash" }])),
    ).toBeUndefined();
    expect(captureError(() => validateMessagesRequest(body({ max_tokens: 2 ** 53 }))).path).toBe(
      "max_tokens",
    );
  });
});
