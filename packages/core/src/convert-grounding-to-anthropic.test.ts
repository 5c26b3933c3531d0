import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addGroundingCitations } from "./add-grounding-citations.js";
import type { AnthropicMessage, ContentBlock } from "./anthropic-api.js";
import { convertGroundingToAnthropic, type GroundedSpan } from "./convert-grounding-to-anthropic.js";
import { convertToAnthropicMessage } from "./convert-to-anthropic-message.js";
import { createStreamTranslator } from "./create-stream-translator.js";
import { encodeSseEvent } from "./encode-sse-event.js";
import type { GeminiGenerateContentResponse, GeminiGroundingMetadata } from "./gemini-api.js";
import { accumulateStream } from "./test-utils/accumulate-stream.js";
import { assertAnthropicStream } from "./test-utils/assert-anthropic-stream.js";
import { createSequentialIdGenerator } from "./test-utils/create-sequential-id-generator.js";
import { createTestContext } from "./test-utils/create-test-context.js";

const FIXTURES = new URL("./__fixtures__/responses/", import.meta.url);
const response = JSON.parse(
  readFileSync(new URL("grounded-search.json", FIXTURES), "utf8"),
) as GeminiGenerateContentResponse;
const chunks = readFileSync(new URL("grounded-search.chunks.jsonl", FIXTURES), "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line) as GeminiGenerateContentResponse);
const metadata = response.candidates![0]!.groundingMetadata!;

const bytes = (text: string) => new TextEncoder().encode(text).length;

function span(startByte: number, quote: string | undefined, url = "https://a.example"): GroundedSpan {
  return {
    startByte,
    endByte: startByte + bytes(quote ?? ""),
    text: quote,
    citations: [
      { type: "web_search_result_location", url, title: "A", encrypted_index: "", cited_text: quote ?? "" },
    ],
  };
}

const joinText = (content: readonly ContentBlock[]) =>
  content.map((block) => (block.type === "text" ? block.text : "")).join("");

describe("convertGroundingToAnthropic", () => {
  it("makes one search pair per query, all results on the first, without duplicates", () => {
    const { value, warnings } = convertGroundingToAnthropic(metadata, {
      generateId: createSequentialIdGenerator(),
    });
    expect(warnings).toEqual([]);
    expect(value.searchBlocks).toMatchInlineSnapshot(`
      [
        {
          "id": "srvtoolu_id1",
          "input": {
            "query": "Finale 2024 Zürich",
          },
          "name": "web_search",
          "type": "server_tool_use",
        },
        {
          "content": [
            {
              "encrypted_content": "",
              "page_age": null,
              "title": "srf.ch",
              "type": "web_search_result",
              "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AAA",
            },
            {
              "encrypted_content": "",
              "page_age": null,
              "title": "nzz.ch",
              "type": "web_search_result",
              "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/BBB",
            },
          ],
          "tool_use_id": "srvtoolu_id1",
          "type": "web_search_tool_result",
        },
        {
          "id": "srvtoolu_id2",
          "input": {
            "query": "Schweiz Titel 2024",
          },
          "name": "web_search",
          "type": "server_tool_use",
        },
        {
          "content": [],
          "tool_use_id": "srvtoolu_id2",
          "type": "web_search_tool_result",
        },
      ]
    `);
    expect(value.spans.map((item) => item.citations.map((citation) => citation.title))).toEqual([
      ["srf.ch", "nzz.ch"],
      ["nzz.ch", "srf.ch"],
    ]);
  });

  it.each<[string, { allowedDomains: string[]; blockedDomains: string[] }, string[]]>([
    ["blocked domain", { allowedDomains: [], blockedDomains: ["srf.ch"] }, ["nzz.ch"]],
    ["allowed domain", { allowedDomains: ["nzz.ch"], blockedDomains: [] }, ["nzz.ch"]],
    ["allowed parent domain", { allowedDomains: ["ch"], blockedDomains: [] }, ["srf.ch", "nzz.ch"]],
    ["nothing allowed matches", { allowedDomains: ["example.org"], blockedDomains: [] }, []],
  ])("applies a %s filter to results and citations", (_label, domainFilter, titles) => {
    const { value, warnings } = convertGroundingToAnthropic(metadata, {
      generateId: createSequentialIdGenerator(),
      domainFilter,
    });
    const result = value.searchBlocks[1];
    expect(result?.type === "web_search_tool_result" ? result.content.map((item) => item.title) : []).toEqual(
      titles,
    );
    for (const item of value.spans) {
      for (const citation of item.citations) expect(titles).toContain(citation.title);
    }
    expect(warnings.length).toBe(titles.length === 2 ? 0 : 1);
  });

  it("judges a source by its URL host when the title is not a domain", () => {
    const { value } = convertGroundingToAnthropic(
      {
        webSearchQueries: ["q"],
        groundingChunks: [{ web: { uri: "https://docs.blocked.dev/page", title: "Docs page" } }],
      },
      {
        generateId: createSequentialIdGenerator(),
        domainFilter: { allowedDomains: [], blockedDomains: ["blocked.dev"] },
      },
    );
    expect(value.searchBlocks[1]).toMatchObject({ content: [] });
  });

  it.each<[string, GeminiGroundingMetadata | undefined]>([
    ["no metadata", undefined],
    ["empty metadata", {}],
    ["chunks without web pages", { groundingChunks: [{ retrievedContext: { uri: "x" } }] }],
  ])("adds nothing for %s", (_label, input) => {
    const { value } = convertGroundingToAnthropic(input, { generateId: createSequentialIdGenerator() });
    expect(value).toEqual({ searchBlocks: [], spans: [] });
  });
});

describe("addGroundingCitations", () => {
  it("splits at UTF-8 byte offsets, also after multibyte characters", () => {
    const text = "Grüße 🎉 aus Zürich. Danach mehr.";
    const quote = "aus Zürich.";
    const startByte = bytes("Grüße 🎉 ");
    const { value, warnings } = addGroundingCitations([{ type: "text", text }], [span(startByte, quote)]);
    expect(warnings).toEqual([]);
    expect(
      value.map((block) => (block.type === "text" ? [block.text, block.citations?.length ?? 0] : [])),
    ).toEqual([
      ["Grüße 🎉 ", 0],
      ["aus Zürich.", 1],
      [" Danach mehr.", 0],
    ]);
  });

  it("finds the quoted text when the offsets do not point at it", () => {
    const text = "First part. Second part.";
    const { value } = addGroundingCitations([{ type: "text", text }], [span(3, "Second part.")]);
    expect(value.at(-1)).toMatchObject({ text: "Second part.", citations: [{ cited_text: "Second part." }] });
  });

  it("drops a span it cannot place, with a warning", () => {
    const { value, warnings } = addGroundingCitations([{ type: "text", text: "abc" }], [span(0, "xyz")]);
    expect(value).toEqual([{ type: "text", text: "abc" }]);
    expect(warnings).toEqual([expect.stringMatching(/does not match the answer text/)]);
  });

  it("splits across several text blocks and leaves other blocks in place", () => {
    const content: ContentBlock[] = [
      { type: "text", text: "Alpha beta" },
      { type: "thinking", thinking: "", signature: "sig" },
      { type: "text", text: " gamma delta" },
    ];
    const { value } = addGroundingCitations(content, [span(bytes("Alpha "), "beta gamma")]);
    expect(value).toMatchObject([
      { type: "text", text: "Alpha " },
      { type: "text", text: "beta", citations: [{ cited_text: "beta gamma" }] },
      { type: "thinking" },
      { type: "text", text: " gamma", citations: [{ cited_text: "beta gamma" }] },
      { type: "text", text: " delta" },
    ]);
  });

  it("never changes the text, whatever the spans (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "grapheme", maxLength: 12 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(60), fc.nat(30), fc.boolean()), { maxLength: 5 }),
        (texts, rawSpans) => {
          const content: ContentBlock[] = texts.map((text) => ({ type: "text", text }));
          const full = texts.join("");
          const spans = rawSpans.map(([start, length, quoted]) => {
            const quote = full.slice(start, start + length);
            return span(bytes(full.slice(0, start)), quoted ? quote : undefined);
          });
          const { value } = addGroundingCitations(content, spans);
          expect(joinText(value)).toBe(full);
          for (const block of value) {
            if (block.type === "text" && block.citations) expect(block.text.length).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});

describe("grounded responses", () => {
  it("non-streaming: search blocks first, then cited text", () => {
    const { value, warnings } = convertToAnthropicMessage(response, {
      context: createTestContext(),
      generateId: createSequentialIdGenerator(),
    });
    expect(warnings).toEqual([]);
    expect(value.content.map((block) => block.type)).toEqual([
      "server_tool_use",
      "web_search_tool_result",
      "server_tool_use",
      "web_search_tool_result",
      "text",
      "text",
      "text",
    ]);
    expect(value.content.slice(4)).toMatchInlineSnapshot(`
      [
        {
          "citations": [
            {
              "cited_text": "Die Schweiz gewann 2024 den Titel in Zürich.",
              "encrypted_index": "",
              "title": "srf.ch",
              "type": "web_search_result_location",
              "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AAA",
            },
            {
              "cited_text": "Die Schweiz gewann 2024 den Titel in Zürich.",
              "encrypted_index": "",
              "title": "nzz.ch",
              "type": "web_search_result_location",
              "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/BBB",
            },
          ],
          "text": "Die Schweiz gewann 2024 den Titel in Zürich.",
          "type": "text",
        },
        {
          "text": " 🎉 ",
          "type": "text",
        },
        {
          "citations": [
            {
              "cited_text": "Das Finale war ausverkauft.",
              "encrypted_index": "",
              "title": "nzz.ch",
              "type": "web_search_result_location",
              "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/BBB",
            },
            {
              "cited_text": "Das Finale war ausverkauft.",
              "encrypted_index": "",
              "title": "srf.ch",
              "type": "web_search_result_location",
              "url": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AAA",
            },
          ],
          "text": "Das Finale war ausverkauft.",
          "type": "text",
        },
      ]
    `);
  });

  it("streaming: well-formed, search blocks after the answer, same text and searches as non-streaming", async () => {
    const translator = createStreamTranslator({
      context: createTestContext(),
      generateId: createSequentialIdGenerator(),
    });
    const events = [...chunks.flatMap((item) => translator.push(item)), ...translator.finish()];
    assertAnthropicStream(events);
    await expect(events.map(encodeSseEvent).join("")).toMatchFileSnapshot(
      "./__fixtures__/responses/grounded-search.sse",
    );
    const streamed = accumulateStream(events);
    const whole = convertToAnthropicMessage(response, {
      context: createTestContext(),
      generateId: createSequentialIdGenerator(),
    }).value;
    // What holds for grounded answers: the same answer text and the same searches and results;
    // the stream has no citations and puts the searches after the text it already sent.
    expect(joinText(streamed.content)).toBe(joinText(whole.content));
    expect(streamed.content.some((block) => block.type === "text" && block.citations)).toBe(false);
    expect(searchesWithoutIds(streamed)).toEqual(searchesWithoutIds(whole));
    expect(streamed.content.at(-1)?.type).toBe("web_search_tool_result");
    expect(streamed.stop_reason).toBe(whole.stop_reason);
  });
});

function searchesWithoutIds(message: AnthropicMessage): unknown[] {
  return message.content.flatMap((block): unknown[] => {
    if (block.type === "server_tool_use") return [{ type: block.type, input: block.input }];
    if (block.type === "web_search_tool_result") return [{ type: block.type, content: block.content }];
    return [];
  });
}
