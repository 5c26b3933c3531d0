import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AnthropicStreamEvent } from "./anthropic-api.js";
import { createSseDecoder } from "./create-sse-decoder.js";
import { encodeSseEvent } from "./encode-sse-event.js";

describe("encodeSseEvent", () => {
  it("writes the event name, one data line of JSON and a blank line", () => {
    expect(encodeSseEvent({ type: "content_block_stop", index: 3 })).toBe(
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":3}\n\n',
    );
  });

  it("keeps newlines inside text on the single data line", () => {
    const encoded = encodeSseEvent({
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text: "line one\nline two\r\n\nend" },
    });
    expect(encoded.split("\n")).toHaveLength(4);
  });

  it("round-trips through the decoder", () => {
    const events: AnthropicStreamEvent[] = [
      { type: "ping" },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ünïcødé 👋\n" } },
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    ];
    const decoded: { event: string | undefined; data: string }[] = [];
    const decoder = createSseDecoder((event) => decoded.push(event));
    decoder.push(events.map(encodeSseEvent).join(""));
    decoder.end();
    expect(decoded.map((event) => event.event)).toEqual(["ping", "content_block_delta", "error"]);
    expect(decoded.map((event) => JSON.parse(event.data))).toEqual(events);
  });

  it("writes a text delta byte for byte as JSON.stringify writes the event", () => {
    fc.assert(
      fc.property(fc.nat(), fc.string({ unit: "binary" }), (index, text) => {
        const event: AnthropicStreamEvent = {
          type: "content_block_delta",
          index,
          delta: { type: "text_delta", text },
        };
        expect(encodeSseEvent(event)).toBe(`event: content_block_delta\ndata: ${JSON.stringify(event)}\n\n`);
      }),
      { numRuns: 500 },
    );
  });
});
