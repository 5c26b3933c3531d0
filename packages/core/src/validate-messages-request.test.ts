import { describe, expect, it } from "vitest";
import claudeCodeBody from "./__fixtures__/requests/claude-code-2.1.json" with { type: "json" };
import sdkEnabledThinkingBody from "./__fixtures__/requests/sdk-enabled-thinking.json" with { type: "json" };
import { ClaudeGeminiError, InvalidRequestError } from "./claude-gemini-error.js";
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
      "thinking.type: Expected one of 'enabled', 'adaptive', 'disabled', received 'maybe'",
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
