import { DEFAULT_REQUEST_LIMITS } from "./check-request-limits.js";
import { InvalidRequestError } from "./claude-gemini-error.js";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** How much of an object key the error path quotes. */
const MAX_KEY_LENGTH = 64;

/**
 * Throws a 400 {@link InvalidRequestError} naming the path (`messages.0.content.0.input.a…`)
 * when JSON text nests arrays and objects deeper than `maxNestingDepth` (the body itself is
 * level 1), before anything parses it: `JSON.parse` of an 8 MB `[[[…]]]` holds the event loop
 * for about two seconds, which this scan answers after reading the first 129 characters.
 *
 * The scan reads each character once and skips strings with `indexOf`, so it is linear in the
 * text and cheap on bodies that are mostly base64 images. It does not validate JSON: text that
 * is not JSON passes through to the parser, which rejects it. Brackets inside strings, escaped
 * quotes included, do not count.
 *
 * @example
 * checkJsonNesting(await request.text(), 128);
 * const body = JSON.parse(text);
 */
export function checkJsonNesting(
  text: string,
  maxNestingDepth: number = DEFAULT_REQUEST_LIMITS.maxNestingDepth,
): void {
  let depth = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) index = findStringEnd(text, index);
    else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxNestingDepth) throwNestingError(text, index, maxNestingDepth);
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
  }
}

/** Index of the quote closing the string opened at `start`, or the end of the text. */
function findStringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let back = quote - 1; back > start && text.charCodeAt(back) === BACKSLASH; back--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

interface Level {
  isArray: boolean;
  /** The member name or array index this level's value sits at in its parent. */
  segment: string;
  /** Array: items seen so far minus one. Object: the last key read. */
  index: number;
  key: string;
  /** Object: whether the next string is a key. */
  expectingKey: boolean;
}

/**
 * Scans again up to the bracket that went too deep, this time keeping the keys and indexes,
 * so the message names where the excess starts. Runs once, on a body already refused.
 */
function throwNestingError(text: string, stopAt: number, maxNestingDepth: number): never {
  const levels: Level[] = [];
  const childSegment = (): string => {
    const parent = levels.at(-1);
    if (parent === undefined) return "";
    return parent.isArray ? String(parent.index) : parent.key;
  };
  for (let index = 0; index <= stopAt; index++) {
    const code = text.charCodeAt(index);
    const current = levels.at(-1);
    if (code === QUOTE) {
      const end = findStringEnd(text, index);
      if (current !== undefined && !current.isArray && current.expectingKey) {
        current.key = readKey(text.slice(index, end + 1));
        current.expectingKey = false;
      }
      index = end;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      levels.push({
        isArray: code === OPEN_BRACKET,
        segment: childSegment(),
        index: 0,
        key: "",
        expectingKey: code === OPEN_BRACE,
      });
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      levels.pop();
    } else if (code === COMMA && current !== undefined) {
      if (current.isArray) current.index++;
      else current.expectingKey = true;
    } else if (code === COLON && current !== undefined && !current.isArray) {
      current.expectingKey = false;
    }
  }
  const at = levels
    .slice(1)
    .map((level) => level.segment)
    .join(".");
  const message = `Nesting is deeper than the limit of ${maxNestingDepth} levels`;
  throw new InvalidRequestError(at === "" ? message : `${at}: ${message}`, { path: at || undefined });
}

function readKey(quoted: string): string {
  let key: string;
  try {
    key = JSON.parse(quoted) as string;
  } catch {
    key = quoted.slice(1, -1);
  }
  return key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key;
}
