import { describe, expect, it } from "vitest";
import {
  type ConvertibleContentBlock,
  convertContentBlockToGemini,
} from "./convert-content-block-to-gemini.js";

const path = "messages.0.content.0";

describe("convertContentBlockToGemini", () => {
  it.each<[string, ConvertibleContentBlock, unknown]>([
    ["text", { type: "text", text: "hi" }, [{ text: "hi" }]],
    ["empty text", { type: "text", text: "" }, []],
    [
      "base64 image",
      { type: "image", source: { type: "base64", media_type: "image/webp", data: "UklGRg==" } },
      [{ inlineData: { mimeType: "image/webp", data: "UklGRg==" } }],
    ],
    [
      "url image with a known extension",
      { type: "image", source: { type: "url", url: "https://example.com/shot.JPG?size=2" } },
      [{ fileData: { fileUri: "https://example.com/shot.JPG?size=2", mimeType: "image/jpeg" } }],
    ],
    [
      "url image without an extension",
      { type: "image", source: { type: "url", url: "https://example.com/image" } },
      [{ fileData: { fileUri: "https://example.com/image" } }],
    ],
    [
      "base64 pdf",
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" } },
      [{ inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } }],
    ],
    [
      "url pdf with a title",
      { type: "document", source: { type: "url", url: "https://example.com/a.pdf" }, title: "Spec" },
      [
        { text: "Document: Spec" },
        { fileData: { fileUri: "https://example.com/a.pdf", mimeType: "application/pdf" } },
      ],
    ],
    [
      "plain text document with title and context",
      {
        type: "document",
        source: { type: "text", media_type: "text/plain", data: "The body." },
        title: "Notes",
        context: "From the wiki",
      },
      [{ text: "Document: Notes\nContext: From the wiki\n\nThe body." }],
    ],
    [
      "content document",
      {
        type: "document",
        source: {
          type: "content",
          content: [
            { type: "text", text: "Page 1" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBO" } },
          ],
        },
      },
      [{ text: "Page 1" }, { inlineData: { mimeType: "image/png", data: "iVBO" } }],
    ],
    [
      "search result",
      {
        type: "search_result",
        source: "https://example.com",
        title: "Example",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
      [{ text: "Search result: Example\nSource: https://example.com\n\none\ntwo" }],
    ],
    [
      "tool reference",
      { type: "tool_reference", tool_name: "WebFetch" },
      [{ text: "Tool reference: WebFetch (now available as a function)." }],
    ],
  ])("converts %s", (_label, block, expected) => {
    const { value, warnings } = convertContentBlockToGemini(block, { path });
    expect(value).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it.each<[string, ConvertibleContentBlock, string, RegExp]>([
    [
      "file image",
      { type: "image", source: { type: "file", file_id: "file_1" } },
      "block:image_file",
      /Files API \(file_1\)/,
    ],
    [
      "file document",
      { type: "document", source: { type: "file", file_id: "file_2" } },
      "block:document_file",
      /Files API \(file_2\)/,
    ],
    [
      "unknown block",
      { type: "unknown_block", original_type: "container_upload" },
      "block:container_upload",
      /"container_upload"/,
    ],
  ])("drops a %s and reports it as a dropped feature naming it", (_label, block, feature, pattern) => {
    const { value, warnings, dropped } = convertContentBlockToGemini(block, { path });
    expect(value).toEqual([]);
    expect(warnings).toEqual([]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]!.feature).toBe(feature);
    expect(dropped[0]!.message).toMatch(pattern);
    expect(dropped[0]!.message).toMatch(/^messages\.0\.content\.0/);
  });

  it("drops redacted thinking with a note only: it is another model's thinking, nothing the client asked for", () => {
    const { value, warnings, dropped } = convertContentBlockToGemini(
      { type: "redacted_thinking", data: "xyz" },
      { path },
    );
    expect(value).toEqual([]);
    expect(dropped).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/^messages\.0\.content\.0: a redacted_thinking block/)]);
  });

  it("names the Gemini function in a tool reference", () => {
    const { value } = convertContentBlockToGemini(
      { type: "tool_reference", tool_name: "web fetch" },
      { path, toolName: (name) => name.replace(" ", "_") },
    );
    expect(value).toEqual([{ text: "Tool reference: web_fetch (now available as a function)." }]);
  });
});
