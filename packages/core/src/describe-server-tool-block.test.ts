import { describe, expect, it } from "vitest";
import { convertMessagesToGemini } from "./convert-messages-to-gemini.js";
import { createToolNameMap } from "./convert-tool-name.js";
import { describeServerToolBlock } from "./describe-server-tool-block.js";
import { resolveModel } from "./resolve-model.js";
import { validateMessagesRequest } from "./validate-messages-request.js";

describe("describeServerToolBlock", () => {
  it.each<[string, Parameters<typeof describeServerToolBlock>[0], string]>([
    [
      "a search",
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "Bern weather" } },
      '[Used the server tool "web_search" for: Bern weather]',
    ],
    [
      "another server tool",
      { type: "server_tool_use", id: "srvtoolu_2", name: "web_fetch", input: { url: "https://a.example" } },
      '[Used the server tool "web_fetch" with input {"url":"https://a.example"}]',
    ],
    [
      "results",
      {
        type: "web_search_tool_result",
        tool_use_id: "srvtoolu_1",
        content: [
          { type: "web_search_result", url: "https://a.example", title: "A", encrypted_content: "xyz" },
          { type: "web_search_result", url: "https://b.example", title: "" },
        ],
      },
      "[Web search results:\n- A (https://a.example)\n- https://b.example]",
    ],
    [
      "no results",
      { type: "web_search_tool_result", tool_use_id: "s", content: [] },
      "[Web search returned no results.]",
    ],
    [
      "an error",
      {
        type: "web_search_tool_result",
        tool_use_id: "s",
        content: { type: "web_search_tool_result_error", error_code: "max_uses_exceeded" },
      },
      "[Web search failed (max_uses_exceeded).]",
    ],
  ])("describes %s", (_label, block, expected) => {
    expect(describeServerToolBlock(block)).toBe(expected);
  });

  it("keeps earlier searches as model text in the converted history", () => {
    const request = validateMessagesRequest({
      model: "gemini-2.5-flash-lite",
      max_tokens: 100,
      messages: [
        { role: "user", content: "Search the weather in Bern" },
        {
          role: "assistant",
          content: [
            {
              type: "server_tool_use",
              id: "srvtoolu_1",
              name: "web_search",
              input: { query: "Bern weather" },
            },
            {
              type: "web_search_tool_result",
              tool_use_id: "srvtoolu_1",
              content: [{ type: "web_search_result", url: "https://meteo.example", title: "Meteo" }],
            },
            { type: "text", text: "Sunny.", citations: [{ type: "web_search_result_location" }] },
          ],
        },
        { role: "user", content: "Source?" },
      ],
    });
    const { value, warnings } = convertMessagesToGemini(request.messages, {
      toolNames: createToolNameMap([]),
      capabilities: resolveModel("gemini-2.5-flash-lite").capabilities,
      declaredToolNames: new Set(),
    });
    expect(warnings).toEqual([]);
    expect(value[1]).toEqual({
      role: "model",
      parts: [
        { text: '[Used the server tool "web_search" for: Bern weather]' },
        { text: "[Web search results:\n- Meteo (https://meteo.example)]" },
        { text: "Sunny." },
      ],
    });
  });
});
