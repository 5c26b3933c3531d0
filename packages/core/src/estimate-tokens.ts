import type {
  ContentBlockParam,
  CountTokensRequest,
  DocumentBlock,
  ImageBlock,
  SearchResultBlock,
  TextBlock,
  ToolResultBlock,
} from "./anthropic-api.js";

/**
 * Gemini bills an image at 258 tokens per 768×768 tile, so a screenshot is a few tiles;
 * without decoding the image we assume a large one (six tiles), erring on the high side so
 * Claude Code compacts a little early rather than hitting the context limit.
 */
const IMAGE_TOKENS = 1_600;
/** A PDF is 258 tokens per page and its page count is unknown without parsing: assume ten pages. */
const PDF_DOCUMENT_TOKENS = 2_580;
/** Role markers and turn separators Gemini adds around each turn. */
const MESSAGE_OVERHEAD_TOKENS = 4;
/** Framing Gemini adds around each function declaration besides its JSON. */
const TOOL_OVERHEAD_TOKENS = 8;

/**
 * A local estimate of the input tokens of a request, used only when Gemini's countTokens
 * fails. No tokenizer: about four characters per token for ASCII, two for other alphabets and
 * one for CJK; tools and schemas count as their JSON; images and PDFs at a fixed cost. Linear
 * in the size of the request.
 *
 * @example
 * estimateTokens({ model: "gemini-3.8-flash", messages: [{ role: "user", content: "Hello there" }] }); // 7
 */
export function estimateTokens(request: CountTokensRequest): number {
  const counter = { units: 0, fixed: 0 };
  const system = request.system;
  if (typeof system === "string") addText(counter, system);
  else if (system) for (const block of system) addText(counter, block.text);

  for (const message of request.messages) {
    counter.fixed += MESSAGE_OVERHEAD_TOKENS;
    if (typeof message.content === "string") addText(counter, message.content);
    else for (const block of message.content) addBlock(counter, block);
  }

  for (const tool of request.tools ?? []) {
    counter.fixed += TOOL_OVERHEAD_TOKENS;
    addText(counter, tool.name);
    if (tool.description) addText(counter, tool.description);
    if (tool.input_schema) addText(counter, safeStringify(tool.input_schema));
  }
  const format = request.output_config?.format;
  if (format?.schema) addText(counter, safeStringify(format.schema));

  return counter.fixed + Math.ceil(counter.units);
}

interface Counter {
  /** Fractional tokens from text, rounded once at the end. */
  units: number;
  /** Whole tokens from fixed costs. */
  fixed: number;
}

function addBlock(counter: Counter, block: ContentBlockParam): void {
  switch (block.type) {
    case "text":
      addText(counter, block.text);
      return;
    case "thinking":
      addText(counter, block.thinking);
      return;
    case "image":
      addImage(counter, block);
      return;
    case "document":
      addDocument(counter, block);
      return;
    case "search_result":
      addSearchResult(counter, block);
      return;
    case "tool_reference":
      addText(counter, block.tool_name);
      return;
    case "tool_use":
    case "server_tool_use":
      addText(counter, block.name);
      addText(counter, safeStringify(block.input));
      return;
    case "tool_result":
      addToolResult(counter, block);
      return;
    case "web_search_tool_result":
      addText(counter, safeStringify(block.content));
      return;
    // Opaque to Gemini (never sent) or unknown to us (dropped by the converter).
    case "redacted_thinking":
    case "unknown_block":
      return;
    default:
      block satisfies never;
  }
}

function addToolResult(counter: Counter, block: ToolResultBlock): void {
  const content = block.content;
  if (typeof content === "string") {
    addText(counter, content);
    return;
  }
  for (const part of content ?? []) {
    if (part.type === "text") addText(counter, part.text);
    else if (part.type === "image") addImage(counter, part);
    else if (part.type === "document") addDocument(counter, part);
    else if (part.type === "search_result") addSearchResult(counter, part);
    else if (part.type === "tool_reference") addText(counter, part.tool_name);
  }
}

function addImage(counter: Counter, _block: ImageBlock): void {
  counter.fixed += IMAGE_TOKENS;
}

function addDocument(counter: Counter, block: DocumentBlock): void {
  if (block.title) addText(counter, block.title);
  if (block.context) addText(counter, block.context);
  const source = block.source;
  switch (source.type) {
    case "text":
      addText(counter, source.data);
      return;
    case "content":
      if (typeof source.content === "string") addText(counter, source.content);
      else for (const part of source.content) addDocumentPart(counter, part);
      return;
    case "base64":
    case "url":
    case "file":
      counter.fixed += PDF_DOCUMENT_TOKENS;
      return;
    default:
      source satisfies never;
  }
}

function addDocumentPart(counter: Counter, part: TextBlock | ImageBlock): void {
  if (part.type === "text") addText(counter, part.text);
  else addImage(counter, part);
}

function addSearchResult(counter: Counter, block: SearchResultBlock): void {
  addText(counter, block.source);
  addText(counter, block.title);
  for (const part of block.content) addText(counter, part.text);
}

/** Tokens per UTF-16 code unit, by script: English ~4 chars a token, CJK ~1. */
function addText(counter: Counter, text: string): void {
  let units = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    units += code < 0x80 ? 0.25 : code < 0x2e80 ? 0.5 : 1;
  }
  counter.units += units;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    // Cyclic or BigInt values cannot come from a parsed JSON body; count nothing rather than throw.
    return "";
  }
}
