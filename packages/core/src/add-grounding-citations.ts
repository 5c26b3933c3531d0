import type { ContentBlock, TextContent, WebSearchResultLocation } from "./anthropic-api.js";
import type { GroundedSpan } from "./convert-grounding-to-anthropic.js";

/** A span located in the answer text, in UTF-16 indexes. */
interface LocatedSpan {
  start: number;
  end: number;
  citations: WebSearchResultLocation[];
}

/** UTF-8 length of one code point. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Converts a UTF-8 byte offset into a UTF-16 index of `text`; `undefined` when the offset is past
 * the end or falls inside a character (then it cannot be Gemini's offset into this text).
 */
function byteOffsetToIndex(text: string, byteOffset: number): number | undefined {
  let bytes = 0;
  let index = 0;
  while (bytes < byteOffset && index < text.length) {
    const codePoint = text.codePointAt(index)!;
    bytes += utf8Length(codePoint);
    index += codePoint > 0xffff ? 2 : 1;
  }
  return bytes === byteOffset ? index : undefined;
}

/**
 * Finds where a span sits in `text`: Gemini's byte offsets when they point at the quoted text (or
 * when there is no quote to check), else the quote's next occurrence after `searchFrom`. Gemini
 * documents the offsets in bytes of "the given Part"; checking against the quote keeps this right
 * whether they count from the part or from the whole answer.
 */
function locateSpan(
  text: string,
  span: GroundedSpan,
  searchFrom: number,
): { start: number; end: number } | undefined {
  const start = byteOffsetToIndex(text, span.startByte);
  const end = byteOffsetToIndex(text, span.endByte);
  if (start !== undefined && end !== undefined && start < end) {
    if (span.text === undefined || text.slice(start, end) === span.text) return { start, end };
  }
  if (!span.text) return undefined;
  const found = text.indexOf(span.text, searchFrom);
  const anywhere = found >= 0 ? found : text.indexOf(span.text);
  return anywhere >= 0 ? { start: anywhere, end: anywhere + span.text.length } : undefined;
}

function mergeCitations(spans: readonly LocatedSpan[], text: string): WebSearchResultLocation[] {
  const citations: WebSearchResultLocation[] = [];
  const seen = new Set<string>();
  for (const span of spans) {
    for (const citation of span.citations) {
      const filled =
        citation.cited_text === "" ? { ...citation, cited_text: text.slice(span.start, span.end) } : citation;
      const key = `${filled.url}\u0000${filled.cited_text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      citations.push(filled);
    }
  }
  return citations;
}

/**
 * Splits the text blocks of `content` at the boundaries of the grounded spans and puts the
 * spans' citations on the pieces they cover, the way Anthropic returns cited text: cited pieces
 * as their own blocks with `citations`, the text between them as plain blocks. Offsets count in
 * the concatenation of all text blocks (the candidate's answer text). Spans that cannot be found
 * in the text are reported as warnings and dropped; other blocks are left in place.
 */
export function addGroundingCitations(
  content: readonly ContentBlock[],
  spans: readonly GroundedSpan[],
): { value: ContentBlock[]; warnings: string[] } {
  if (spans.length === 0) return { value: [...content], warnings: [] };
  const warnings: string[] = [];
  const text = content.map((block) => (block.type === "text" ? block.text : "")).join("");
  const located: LocatedSpan[] = [];
  let searchFrom = 0;
  for (const span of spans) {
    const place = locateSpan(text, span, searchFrom);
    if (place === undefined) {
      warnings.push(
        `A grounding citation (bytes ${span.startByte}-${span.endByte}) does not match the answer text; it was dropped.`,
      );
      continue;
    }
    located.push({ ...place, citations: span.citations });
    searchFrom = place.end;
  }

  const value: ContentBlock[] = [];
  let blockStart = 0;
  for (const block of content) {
    if (block.type !== "text") {
      value.push(block);
      continue;
    }
    const blockEnd = blockStart + block.text.length;
    const boundaries = new Set([blockStart, blockEnd]);
    for (const span of located) {
      if (span.start > blockStart && span.start < blockEnd) boundaries.add(span.start);
      if (span.end > blockStart && span.end < blockEnd) boundaries.add(span.end);
    }
    const points = [...boundaries].sort((left, right) => left - right);
    let plain: TextContent | undefined;
    for (let index = 0; index + 1 < points.length; index++) {
      const from = points[index]!;
      const to = points[index + 1]!;
      const piece = text.slice(from, to);
      const covering = located.filter((span) => span.start <= from && span.end >= to);
      if (covering.length === 0) {
        if (plain) plain.text += piece;
        else {
          plain = { type: "text", text: piece };
          value.push(plain);
        }
        continue;
      }
      plain = undefined;
      value.push({ type: "text", text: piece, citations: mergeCitations(covering, text) });
    }
    if (block.text === "") value.push(block);
    blockStart = blockEnd;
  }
  return { value, warnings };
}
