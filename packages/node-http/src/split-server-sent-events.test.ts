import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitServerSentEvents } from "./split-server-sent-events.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Feeds `reads` through a splitter and returns the pieces it handed out, as text, flush included. */
function split(reads: readonly string[], groupBytes?: number): string[] {
  const splitter = splitServerSentEvents(groupBytes);
  const pieces: string[] = [];
  for (const read of reads)
    splitter.push(encoder.encode(read), (piece) => pieces.push(decoder.decode(piece)));
  const rest = splitter.flush();
  if (rest) pieces.push(`${decoder.decode(rest)}<unfinished>`);
  return pieces;
}

/** Cuts `text` at the given positions (sorted, deduplicated, inside the text). */
function cut(text: string, positions: readonly number[]): string[] {
  const points = [...new Set(positions.map((position) => position % (text.length + 1)))].sort(
    (a, b) => a - b,
  );
  const parts: string[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(text.slice(start, point));
    start = point;
  }
  parts.push(text.slice(start));
  return parts;
}

describe("splitServerSentEvents", () => {
  it("hands out each event of a burst on its own when grouping is off", () => {
    const burst = 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\ndata: {"c":3}\r\n\r\n';
    expect(split([burst], 1)).toEqual([
      'data: {"a":1}\r\n\r\n',
      'data: {"b":2}\r\n\r\n',
      'data: {"c":3}\r\n\r\n',
    ]);
  });

  it("joins an event split over reads, including a delimiter cut in the middle", () => {
    expect(split(['data: {"a"', ":1}\r\n\r", '\ndata: {"b":2}\r', "\n\r\n"], 1)).toEqual([
      'data: {"a":1}\r\n\r\n',
      'data: {"b":2}\r\n\r\n',
    ]);
  });

  it("recognises LF-only delimiters and keeps an unfinished event for flush", () => {
    expect(split(["event: x\ndata: 1\n\nevent: y\ndata: 2\n\ndata: 3"], 1)).toEqual([
      "event: x\ndata: 1\n\n",
      "event: y\ndata: 2\n\n",
      "data: 3<unfinished>",
    ]);
  });

  it("groups the whole events of one read up to the group size, never across reads", () => {
    const event = `data: ${"x".repeat(40)}\r\n\r\n`; // 50 bytes
    const pieces = split([event.repeat(5), event], 100);
    // Two events make 100 bytes: groups of two, then the leftover of the read, then the next
    // read's event on its own (not held back waiting for more).
    expect(pieces).toEqual([event.repeat(2), event.repeat(2), event, event]);
  });

  it("only cuts: any chunking and any group size give the same bytes, each piece ending at an event boundary", () => {
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
          const splitter = splitServerSentEvents(groupBytes);
          const pieces: Uint8Array[] = [];
          const bytePositions = positions.map((position) => position % (bytes.length + 1));
          const points = [0, ...[...new Set(bytePositions)].sort((a, b) => a - b), bytes.length];
          for (let index = 0; index + 1 < points.length; index++) {
            splitter.push(bytes.subarray(points[index], points[index + 1]), (piece) => pieces.push(piece));
          }
          const rest = splitter.flush();
          expect(rest).toBeUndefined();
          const texts = pieces.map((piece) => decoder.decode(piece));
          expect(texts.join("")).toBe(stream);
          for (const text of texts) expect(text).toMatch(/(\n\n|\r\n\r\n)$/);
        },
      ),
    );
  });

  it("passes a stream through unchanged whatever the reads", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.array(fc.nat(), { maxLength: 6 }), (text, positions) => {
        const pieces = split(cut(text, positions));
        const joined = pieces.join("").replace(/<unfinished>$/, "");
        expect(joined).toBe(text);
      }),
    );
  });
});
