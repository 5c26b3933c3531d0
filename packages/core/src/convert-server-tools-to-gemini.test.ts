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
    const { value, context, warnings } = convertToGeminiRequest(
      request({
        tools: [{ ...webSearch, max_uses: 8, blocked_domains: ["srf.ch"] }],
        tool_choice: { type: "tool", name: "web_search" },
      }),
    );
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

  it.each(["gemini-2.5-flash-lite", "gemini-3.1-pro-preview"])(
    "keeps the functions and drops search when both are declared (%s)",
    (model) => {
      const { value, context, warnings } = convertToGeminiRequest(
        request({ model, tools: [bashTool, { ...webSearch, allowed_domains: ["nzz.ch"] }] }),
      );
      expect(value.config?.tools).toEqual([
        { functionDeclarations: [expect.objectContaining({ name: "Bash" })] },
      ]);
      expect(context.webSearchDomainFilter).toBeUndefined();
      expect(warnings).toContainEqual(
        expect.stringMatching(/web_search dropped: Gemini does not take built-in tools/),
      );
      expect(warnings.join("\n")).not.toMatch(
        /server tool "web_search".*was dropped; Gemini has no equivalent/,
      );
    },
  );
});
