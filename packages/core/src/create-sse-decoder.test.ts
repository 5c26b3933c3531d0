import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSseDecoder, type SseEvent } from "./create-sse-decoder.js";

function decodeAll(pieces: readonly string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = createSseDecoder((event) => events.push(event));
  for (const piece of pieces) decoder.push(piece);
  decoder.end();
  return events;
}

// Gemini's stream: data-only events separated by CRLF blank lines.
const GEMINI_STREAM =
  'data: {"candidates":[{"content":{"parts":[{"text":"Hé"}]}}]}\r\n\r\n' +
  'data: {"candidates":[{"content":{"parts":[{"text":"llo 👋"}]},"finishReason":"STOP"}]}\r\n\r\n';

describe("createSseDecoder", () => {
  it("decodes data-only events with CRLF line ends", () => {
    const events = decodeAll([GEMINI_STREAM]);
    expect(events.map((event) => event.event)).toEqual([undefined, undefined]);
    expect(events.map((event) => JSON.parse(event.data).candidates[0].content.parts[0].text)).toEqual([
      "Hé",
      "llo 👋",
    ]);
  });

  it("handles a line split across pushes", () => {
    expect(decodeAll(["event: ping\nda", 'ta: {"type":"ping"}\n', "\n"])).toEqual([
      { event: "ping", data: '{"type":"ping"}' },
    ]);
  });

  it("handles a \\r\\n split between its two characters", () => {
    const events = decodeAll(['data: {"a":1}\r', "\n\r", '\ndata: {"a":2}\r\n\r\n']);
    expect(events.map((event) => event.data)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it("joins multi-line data and ignores comments", () => {
    expect(decodeAll([": keep-alive\n", "event: x\ndata: one\ndata: two\n\n"])).toEqual([
      { event: "x", data: "one\ntwo" },
    ]);
  });

  it("drops an event that never got its closing blank line", () => {
    expect(decodeAll(['data: {"a":1}\n\ndata: {"trunc'])).toEqual([{ event: undefined, data: '{"a":1}' }]);
  });

  it("keeps a UTF-8 character split across byte chunks whole when the host decodes with stream: true", () => {
    const bytes = new TextEncoder().encode(GEMINI_STREAM);
    // Cut inside "é" (2 bytes) and inside "👋" (4 bytes).
    const cutInsideAccent =
      new TextEncoder().encode('data: {"candidates":[{"content":{"parts":[{"text":"H').length + 1;
    const emoji = GEMINI_STREAM.indexOf("👋");
    const cutInsideEmoji = new TextEncoder().encode(GEMINI_STREAM.slice(0, emoji)).length + 2;
    const text = new TextDecoder();
    const pieces = [
      text.decode(bytes.subarray(0, cutInsideAccent), { stream: true }),
      text.decode(bytes.subarray(cutInsideAccent, cutInsideEmoji), { stream: true }),
      text.decode(bytes.subarray(cutInsideEmoji), { stream: true }),
      text.decode(),
    ];
    expect(decodeAll(pieces)).toEqual(decodeAll([GEMINI_STREAM]));
  });

  it("gives the same events for any split of the byte stream", () => {
    const bytes = new TextEncoder().encode(GEMINI_STREAM);
    const expected = decodeAll([GEMINI_STREAM]);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        (cuts) => {
          const bounds = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const text = new TextDecoder();
          const pieces = bounds
            .slice(1)
            .map((end, index) => text.decode(bytes.subarray(bounds[index], end), { stream: true }));
          pieces.push(text.decode());
          expect(decodeAll(pieces)).toEqual(expected);
        },
      ),
    );
  });
});
