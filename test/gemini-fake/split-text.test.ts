import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeResponseChunks } from "./merge-response-chunks.js";
import { splitText } from "./split-text.js";

describe("splitText", () => {
  it("keeps the text, makes min(count, length) non-empty pieces of near-equal length", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", minLength: 1 }),
        fc.integer({ min: 1, max: 20 }),
        (text, count) => {
          const pieces = splitText(text, count);
          expect(pieces.join("")).toBe(text);
          expect(pieces).toHaveLength(Math.min(count, Array.from(text).length));
          const lengths = pieces.map((piece) => Array.from(piece).length);
          expect(Math.min(...lengths)).toBeGreaterThan(0);
          expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });
});

describe("mergeResponseChunks", () => {
  it("joins any split of a text back into one part carrying the trailing signature", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 8 }), (text, count) => {
        const chunks: unknown[] = splitText(text, count).map((piece) => ({
          candidates: [{ content: { role: "model", parts: [{ text: piece }] }, index: 0 }],
        }));
        chunks.push({
          candidates: [
            { content: { role: "model", parts: [{ text: "", thoughtSignature: "c2ln" }] }, index: 0 },
          ],
        });
        const merged = mergeResponseChunks(chunks) as { candidates: { content: { parts: unknown[] } }[] };
        expect(merged.candidates[0]!.content.parts).toEqual([{ text, thoughtSignature: "c2ln" }]);
      }),
    );
  });

  it("keeps thoughts, text and calls apart and takes usage and finish reason from the last chunk", () => {
    const merged = mergeResponseChunks([
      {
        candidates: [{ content: { parts: [{ text: "hm", thought: true }] } }],
        usageMetadata: { totalTokenCount: 1 },
      },
      { candidates: [{ content: { parts: [{ text: "a" }, { functionCall: { name: "f" } }] } }] },
      {
        candidates: [{ content: { parts: [{ functionCall: { name: "g" } }] }, finishReason: "STOP" }],
        usageMetadata: { totalTokenCount: 9 },
      },
    ]);
    expect(merged).toEqual({
      usageMetadata: { totalTokenCount: 9 },
      candidates: [
        {
          finishReason: "STOP",
          content: {
            role: "model",
            parts: [
              { text: "hm", thought: true },
              { text: "a" },
              { functionCall: { name: "f" } },
              { functionCall: { name: "g" } },
            ],
          },
        },
      ],
    });
  });
});
