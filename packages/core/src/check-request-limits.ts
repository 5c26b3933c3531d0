/**
 * Size and shape limits checked on a raw request body before the schema parse.
 *
 * They exist so that a hostile or broken body fails fast with a 400 that names the field,
 * instead of surfacing as a stack overflow in some recursive walker (zod, the schema
 * compiler, `JSON.stringify` in the Gemini client), a vague Gemini 400, or a process that
 * spends seconds on a request that could never succeed:
 *
 * - nesting depth: arrays and objects nested deeper than `maxNestingDepth` anywhere in the
 *   body. The walk here is iterative, so even a 10,000-deep body cannot blow the stack.
 * - tool count: Gemini takes at most 512 function declarations.
 * - base64 media (images, PDF documents, also inside tool results and document content):
 *   the media type must be one Anthropic accepts, the data must be base64, and its decoded
 *   size must stay within `maxMediaBytes` (Gemini's inline data limit is 20 MB a request).
 *
 * Values of the wrong type are left alone: the schema parse that follows reports those.
 * Spec: https://docs.anthropic.com/en/docs/build-with-claude/vision (media types, sizes).
 */
import { InvalidRequestError } from "./claude-gemini-error.js";

/** Limits of {@link checkRequestLimits}; every one has a default. */
export interface RequestLimits {
  /** Deepest nesting of arrays and objects anywhere in the body, the body itself being level 1. Default 128. */
  maxNestingDepth?: number;
  /** Most entries in `tools`. Default 512, Gemini's limit on function declarations. */
  maxTools?: number;
  /** Largest decoded size, in bytes, of one base64 image or document. Default 20 MiB. */
  maxMediaBytes?: number;
}

/** The defaults of {@link RequestLimits}. */
export const DEFAULT_REQUEST_LIMITS = {
  maxNestingDepth: 128,
  maxTools: 512,
  maxMediaBytes: 20 * 1024 * 1024,
} as const satisfies Required<RequestLimits>;

/** The image types the Messages API accepts; Gemini takes each of them as inline data. */
const IMAGE_MEDIA_TYPES: readonly string[] = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/** A base64 `document` source is a PDF on the Messages API. */
const DOCUMENT_MEDIA_TYPES: readonly string[] = ["application/pdf"];

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type PathSegment = string | number;

/**
 * Throws an {@link InvalidRequestError} naming the offending path when a raw request body
 * breaks one of the {@link RequestLimits}; returns nothing otherwise. Runs in time linear in
 * the number of arrays and objects in the body, without recursion.
 *
 * @example
 * checkRequestLimits(JSON.parse(text), { maxTools: 128 });
 */
export function checkRequestLimits(body: unknown, limits: RequestLimits = {}): void {
  const maxNestingDepth = limits.maxNestingDepth ?? DEFAULT_REQUEST_LIMITS.maxNestingDepth;
  const maxTools = limits.maxTools ?? DEFAULT_REQUEST_LIMITS.maxTools;
  const maxMediaBytes = limits.maxMediaBytes ?? DEFAULT_REQUEST_LIMITS.maxMediaBytes;

  checkNestingDepth(body, maxNestingDepth);
  if (!isRecord(body)) return;

  if (Array.isArray(body.tools) && body.tools.length > maxTools) {
    throw new InvalidRequestError(
      `tools: At most ${maxTools} tools are supported, received ${body.tools.length}`,
      { path: "tools" },
    );
  }

  if (!Array.isArray(body.messages)) return;
  body.messages.forEach((message, messageIndex) => {
    if (!isRecord(message) || !Array.isArray(message.content)) return;
    message.content.forEach((block, blockIndex) => {
      checkMediaBlock(block, ["messages", messageIndex, "content", blockIndex], maxMediaBytes);
    });
  });
}

/** A block that may hold base64 media, and the blocks nested in it that may too. */
function checkMediaBlock(block: unknown, path: PathSegment[], maxMediaBytes: number): void {
  if (!isRecord(block)) return;
  const source = block.source;
  switch (block.type) {
    case "image":
      if (isRecord(source) && source.type === "base64") {
        checkBase64Source(source, [...path, "source"], IMAGE_MEDIA_TYPES, "image", maxMediaBytes);
      }
      return;
    case "document":
      if (!isRecord(source)) return;
      if (source.type === "base64") {
        checkBase64Source(source, [...path, "source"], DOCUMENT_MEDIA_TYPES, "document", maxMediaBytes);
      } else if (source.type === "content" && Array.isArray(source.content)) {
        source.content.forEach((inner, index) => {
          checkMediaBlock(inner, [...path, "source", "content", index], maxMediaBytes);
        });
      }
      return;
    case "tool_result":
      if (Array.isArray(block.content)) {
        block.content.forEach((inner, index) => {
          checkMediaBlock(inner, [...path, "content", index], maxMediaBytes);
        });
      }
      return;
    default:
      return;
  }
}

function checkBase64Source(
  source: Record<string, unknown>,
  path: PathSegment[],
  mediaTypes: readonly string[],
  kind: "image" | "document",
  maxMediaBytes: number,
): void {
  const mediaType = source.media_type;
  if (typeof mediaType === "string" && !mediaTypes.includes(mediaType)) {
    const at = joinPath([...path, "media_type"]);
    throw new InvalidRequestError(
      `${at}: Unsupported ${kind} media type '${mediaType}'; expected ${mediaTypes.map((type) => `'${type}'`).join(", ")}`,
      { path: at },
    );
  }
  const data = source.data;
  if (typeof data !== "string") return;
  const at = joinPath([...path, "data"]);
  if (data.length === 0) {
    throw new InvalidRequestError(`${at}: The ${kind} data is empty`, { path: at });
  }
  if (!BASE64.test(data) || data.length % 4 === 1) {
    const hint = data.startsWith("data:") ? "; send the base64 payload without the `data:` URL prefix" : "";
    throw new InvalidRequestError(`${at}: The ${kind} data is not valid base64${hint}`, { path: at });
  }
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  const decodedBytes = Math.floor(((data.length - padding) * 3) / 4);
  if (decodedBytes > maxMediaBytes) {
    throw new InvalidRequestError(
      `${at}: The ${kind} is ${decodedBytes} bytes, above the limit of ${maxMediaBytes} bytes`,
      { path: at },
    );
  }
}

interface Frame {
  value: object;
  depth: number;
  parent: Frame | undefined;
  key: PathSegment;
}

/** Depth-first over arrays and objects with an explicit stack; the path is rebuilt only on failure. */
function checkNestingDepth(body: unknown, maxNestingDepth: number): void {
  if (typeof body !== "object" || body === null) return;
  // Runs on every request body, so the common case walks with two flat stacks and no
  // per-node allocation; only a body that breaks the limit is walked again to name the path.
  if (maxNestingDepth < 1) throwNestingError(body, maxNestingDepth);
  const values: object[] = [body];
  const depths: number[] = [1];
  for (let value = values.pop(); value !== undefined; value = values.pop()) {
    const childDepth = depths.pop()! + 1;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        const child: unknown = value[index];
        if (typeof child !== "object" || child === null) continue;
        if (childDepth > maxNestingDepth) throwNestingError(body, maxNestingDepth);
        values.push(child);
        depths.push(childDepth);
      }
    } else {
      const record = value as Record<string, unknown>;
      // `for…in` rather than `Object.keys`: no key array per object, half the walk's cost on a
      // Claude Code body. Bodies are JSON objects, whose prototype adds no enumerable keys.
      for (const key in record) {
        const child = record[key];
        if (typeof child !== "object" || child === null) continue;
        if (childDepth > maxNestingDepth) throwNestingError(body, maxNestingDepth);
        values.push(child);
        depths.push(childDepth);
      }
    }
  }
}

/** The slow walk that remembers parents, run once a body is known to nest too deep. */
function throwNestingError(body: object, maxNestingDepth: number): never {
  const stack: Frame[] = [{ value: body, depth: 1, parent: undefined, key: "" }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    if (frame.depth > maxNestingDepth) {
      const at = joinPath(pathOf(frame));
      throw new InvalidRequestError(`${at}: Nesting is deeper than the limit of ${maxNestingDepth} levels`, {
        path: at,
      });
    }
    const entries: Iterable<[PathSegment, unknown]> = Array.isArray(frame.value)
      ? frame.value.entries()
      : Object.entries(frame.value);
    for (const [key, child] of entries) {
      if (typeof child === "object" && child !== null) {
        stack.push({ value: child, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  throw new InvalidRequestError(`Nesting is deeper than the limit of ${maxNestingDepth} levels`);
}

function pathOf(frame: Frame): PathSegment[] {
  const path: PathSegment[] = [];
  for (let current: Frame | undefined = frame; current?.parent !== undefined; current = current.parent) {
    path.push(current.key);
  }
  return path.reverse();
}

function joinPath(path: readonly PathSegment[]): string {
  return path.map(String).join(".");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
