import { describe, expect, it } from "vitest";
import type { MessagesRequest, ToolParam } from "./anthropic-api.js";
import { convertServerToolsToGemini } from "./convert-server-tools-to-gemini.js";
import { convertToGeminiRequest } from "./convert-to-gemini-request.js";
import { assertGeminiRequest } from "./test-utils/assert-gemini-request.js";
import { validateMessagesRequest } from "./validate-messages-request.js";

const webSearch = { type: "web_search_20250305", name: "web_search" };
const webFetch = { type: "web_fetch_20250910", name: "web_fetch" };
const bashTool = {
  name: "Bash",
  input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
};

function request(overrides: Record<string, unknown>): MessagesRequest {
  return validateMessagesRequest({
    model: "gemini-2.5-flash-lite",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Perform a web search for the query: weather Zürich" }],
    ...overrides,
  });
}

function tools(...list: Record<string, unknown>[]): ToolParam[] {
  return request({ tools: list }).tools ?? [];
}

describe("convertServerToolsToGemini", () => {
  it.each<[string, Record<string, unknown>[], unknown[]]>([
    ["web search", [webSearch], [{ googleSearch: {} }]],
    ["web fetch", [webFetch], [{ urlContext: {} }]],
    ["both", [webSearch, webFetch], [{ googleSearch: {} }, { urlContext: {} }]],
    ["a second web search", [webSearch, { ...webSearch, name: "search_again" }], [{ googleSearch: {} }]],
    ["custom tools only", [bashTool], []],
    ["other server tools", [{ type: "bash_20250124", name: "bash" }], []],
  ])("converts %s", (_label, input, expected) => {
    expect(convertServerToolsToGemini(tools(...input)).value.tools).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["max_uses", { ...webSearch, max_uses: 8 }, /tools\.0\.max_uses cannot be enforced/],
    [
      "user_location",
      { ...webSearch, user_location: { type: "approximate", city: "Bern" } },
      /user_location was ignored/,
    ],
    [
      "max_content_tokens",
      { ...webFetch, max_content_tokens: 1000 },
      /max_content_tokens cannot be enforced/,
    ],
    ["allowed_domains", { ...webSearch, allowed_domains: ["nzz.ch"] }, /applied to the returned results/],
  ])("warns about %s", (_label, tool, pattern) => {
    const { warnings } = convertServerToolsToGemini(tools(tool));
    expect(warnings).toEqual([expect.stringMatching(pattern)]);
  });

  it("collects normalised domain filters for the response side", () => {
    const { value } = convertServerToolsToGemini(
      tools({ ...webSearch, allowed_domains: ["https://www.NZZ.ch/"], blocked_domains: ["srf.ch", ""] }),
    );
    expect(value.domainFilter).toEqual({ allowedDomains: ["nzz.ch"], blockedDomains: ["srf.ch"] });
    expect(value.tools).toEqual([{ googleSearch: {} }]);
  });

  it("sends blocked_domains as excludeDomains where the backend has the field", () => {
    const { value } = convertServerToolsToGemini(tools({ ...webSearch, blocked_domains: ["srf.ch"] }), {
      supportsExcludeDomains: true,
    });
    expect(value.tools).toEqual([{ googleSearch: { excludeDomains: ["srf.ch"] } }]);
  });
});

describe("convertToGeminiRequest with server tools", () => {
  it("sends Claude Code's web search request as a Google Search request", () => {
    const { value, context, warnings, dropped } = convertToGeminiRequest(
      request({
        tools: [{ ...webSearch, max_uses: 8, blocked_domains: ["srf.ch"] }],
        tool_choice: { type: "tool", name: "web_search" },
      }),
    );
    // Nothing Claude Code asks for is lost: no dropped feature, so no warnings header.
    expect(dropped).toEqual([]);
    assertGeminiRequest(value);
    expect(value.config?.tools).toEqual([{ googleSearch: {} }]);
    expect(value.config?.toolConfig).toBeUndefined();
    expect(context.webSearchDomainFilter).toEqual({ allowedDomains: [], blockedDomains: ["srf.ch"] });
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/max_uses/),
        expect.stringMatching(/tool_choice "web_search" cannot force a Gemini search/),
      ]),
    );
  });

  it.each(["gemini-2.5-flash-lite", "gemini-flash-latest"])(
    "keeps the functions and drops search when the model cannot combine them (%s)",
    (model) => {
      const { value, context, warnings, dropped } = convertToGeminiRequest(
        request({ model, tools: [bashTool, { ...webSearch, allowed_domains: ["nzz.ch"] }] }),
      );
      expect(value.config?.tools).toEqual([
        { functionDeclarations: [expect.objectContaining({ name: "Bash" })] },
      ]);
      expect(value.config?.toolConfig).toBeUndefined();
      expect(context.webSearchDomainFilter).toBeUndefined();
      expect(dropped).toEqual([
        {
          feature: "web_search",
          message: expect.stringMatching(/web_search was dropped: .*built-in tools together with function/),
        },
      ]);
      expect(warnings.join("\n")).not.toMatch(/web_search/);
    },
  );

  describe("on a model that runs built-in tools and functions together", () => {
    const models = { capabilities: { "gemini-3-flash": { supportsServerSideToolInvocations: true } } };

    it("sends both with includeServerSideToolInvocations, and drops nothing", () => {
      const { value, context, dropped } = convertToGeminiRequest(
        request({ model: "gemini-3-flash-preview", tools: [bashTool, webSearch, webFetch] }),
        { models },
      );
      assertGeminiRequest(value);
      expect(value.config?.tools).toEqual([
        { functionDeclarations: [expect.objectContaining({ name: "Bash" })] },
        { googleSearch: {} },
        { urlContext: {} },
      ]);
      expect(value.config?.toolConfig).toEqual({ includeServerSideToolInvocations: true });
      expect(context.capabilities.supportsServerSideToolInvocations).toBe(true);
      expect(dropped).toEqual([]);
    });

    it.each<[Record<string, unknown>, unknown]>([
      [{ type: "auto" }, { mode: "VALIDATED" }],
      [{ type: "any" }, { mode: "ANY" }],
      [{ type: "none" }, { mode: "NONE" }],
      [
        { type: "tool", name: "Bash" },
        { mode: "ANY", allowedFunctionNames: ["Bash"] },
      ],
    ])("sends tool_choice %j as %j, never AUTO, which Gemini refuses in this mode", (toolChoice, calling) => {
      const { value } = convertToGeminiRequest(
        request({ model: "gemini-3-flash-preview", tools: [bashTool, webSearch], tool_choice: toolChoice }),
        { models },
      );
      expect(value.config?.toolConfig).toEqual({
        functionCallingConfig: calling,
        includeServerSideToolInvocations: true,
      });
    });

    it("keeps them apart on a backend without the flag (Vertex AI)", () => {
      const { value, dropped } = convertToGeminiRequest(
        request({ model: "gemini-3-flash-preview", tools: [bashTool, webSearch] }),
        { models, supportsServerSideToolInvocations: false },
      );
      expect(value.config?.tools).toHaveLength(1);
      expect(value.config?.toolConfig).toBeUndefined();
      expect(dropped.map((entry) => entry.feature)).toEqual(["web_search"]);
    });

    it("does not set the flag for built-in tools alone, so Claude Code's WebSearch request stays as it was", () => {
      const { value } = convertToGeminiRequest(
        request({ model: "gemini-3-flash-preview", tools: [webSearch] }),
        { models },
      );
      expect(value.config?.tools).toEqual([{ googleSearch: {} }]);
      expect(value.config?.toolConfig).toBeUndefined();
    });
  });
});
