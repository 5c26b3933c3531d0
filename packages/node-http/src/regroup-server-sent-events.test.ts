import { createSseDecoder, type SseEvent } from "@claude-gemini/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { regroupServerSentEvents } from "./regroup-server-sent-events.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Feeds `reads` through a regrouper and returns the pieces it handed out, as text. */
function regroup(reads: readonly (string | Uint8Array)[], groupBytes?: number): string[] {
  const regrouper = regroupServerSentEvents(groupBytes);
  const pieces: string[] = [];
  for (const read of reads)
    regrouper.push(typeof read === "string" ? encoder.encode(read) : read, (piece) =>
      pieces.push(decoder.decode(piece)),
    );
  regrouper.flush();
  return pieces;
}

/** The events an SSE reader sees in `text`. */
function readEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const sse = createSseDecoder((event) => events.push(event));
  sse.push(text);
  sse.end();
  return events;
}

describe("regroupServerSentEvents", () => {
  it("hands out each event of a burst on its own when grouping is off", () => {
    const burst = 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\ndata: {"c":3}\r\n\r\n';
    expect(regroup([burst], 1)).toEqual(['data: {"a":1}\n\n', 'data: {"b":2}\n\n', 'data: {"c":3}\n\n']);
  });

  it("joins an event split over reads, including a delimiter and a UTF-8 character cut in the middle", () => {
    const accent = encoder.encode("é");
    expect(
      regroup(
        ['data: {"a"', ":1}\r\n\r", '\ndata: "', accent.subarray(0, 1), accent.subarray(1), '"\r', "\n\r\n"],
        1,
      ),
    ).toEqual(['data: {"a":1}\n\n', 'data: "é"\n\n']);
  });

  it("keeps event names and multi-line data, drops comments, and drops an unfinished event at the end", () => {
    expect(regroup([": keep-alive\nevent: x\ndata: 1\ndata: 2\n\nevent: y\ndata: 3\n\ndata: 4"], 1)).toEqual([
      "event: x\ndata: 1\ndata: 2\n\n",
      "event: y\ndata: 3\n\n",
    ]);
  });

  it("groups the whole events of one read up to the group size, never across reads", () => {
    const event = `data: ${"x".repeat(42)}\n\n`; // 50 bytes
    const pieces = regroup([event.repeat(5), event], 100);
    // Two events make 100 bytes: groups of two, then the leftover of the read, then the next
    // read's event on its own (not held back waiting for more).
    expect(pieces).toEqual([event.repeat(2), event.repeat(2), event, event]);
  });

  it("delivers the same events, in pieces of whole events, whatever the reads and the group size", () => {
    const eventArbitrary = fc
      .record({
        body: fc.string({ unit: fc.constantFrom("a", "{", "}", ":", " ", "é", "\n", "\r"), maxLength: 30 }),
        delimiter: fc.constantFrom("\n\n", "\r\n\r\n"),
      })
      // A body never holds a delimiter: its line breaks are single and never at its ends.
      .map(
        ({ body, delimiter }) =>
          `data: ${body.replace(/[\r\n]+/g, "\n").replace(/^\n+|\n+$/g, "")}${delimiter}`,
      );
    fc.assert(
      fc.property(
        fc.array(eventArbitrary, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 200 }),
        (events, positions, groupBytes) => {
          const stream = events.join("");
          const bytes = encoder.encode(stream);
          const points = [
            0,
            ...[...new Set(positions.map((position) => position % (bytes.length + 1)))].sort((a, b) => a - b),
            bytes.length,
          ];
          const reads = points.slice(1).map((end, index) => bytes.subarray(points[index], end));
          const pieces = regroup(reads, groupBytes);
          expect(readEvents(pieces.join(""))).toEqual(readEvents(stream));
          for (const piece of pieces) expect(readEvents(piece).length).toBeGreaterThan(0);
          for (const piece of pieces) expect(piece).toMatch(/\n\n$/);
        },
      ),
    );
  });
});
