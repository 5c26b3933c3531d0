import type {
  ContentBlockParam,
  DocumentBlock,
  ImageBlock,
  ThinkingBlock,
  ToolResultBlock,
  ToolUseBlock,
} from "./anthropic-api.js";
import { describeServerToolBlock } from "./describe-server-tool-block.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type { GeminiPart } from "./gemini-api.js";

/** What {@link convertContentBlockToGemini} returns: parts, notes, and what could not be sent. */
export interface ConvertedContentBlock {
  value: GeminiPart[];
  warnings: string[];
  dropped: DroppedFeature[];
}

function converted(value: GeminiPart[], warnings: string[] = []): ConvertedContentBlock {
  return { value, warnings, dropped: [] };
}

function droppedBlock(feature: string, message: string): ConvertedContentBlock {
  return { value: [], warnings: [], dropped: [{ feature, message }] };
}

/** The blocks that become plain Gemini parts; thinking, tool use and tool results need their turn around them. */
export type ConvertibleContentBlock = Exclude<
  ContentBlockParam,
  ThinkingBlock | ToolUseBlock | ToolResultBlock
>;

export interface ConvertContentBlockOptions {
  /** Where the block sits in the request, for warnings, e.g. `messages.3.content.1`. */
  path: string;
  /** The Gemini name of a tool, so a `tool_reference` names the function the model sees. */
  toolName?: (name: string) => string;
}

/**
 * Image types by URL extension. Gemini's `fileData.mimeType` is optional, so an unknown
 * extension sends none and lets Gemini sniff the bytes rather than guessing wrong.
 */
const IMAGE_TYPES_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

function guessImageType(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return IMAGE_TYPES_BY_EXTENSION[extension];
}

function convertImage(block: ImageBlock, path: string): ConvertedContentBlock {
  const source = block.source;
  switch (source.type) {
    case "base64":
      return converted([{ inlineData: { mimeType: source.media_type, data: source.data } }]);
    case "url": {
      // Gemini fetches public URLs given as fileData on current models; the alternative (a text
      // note with the URL) would silently hide the image from the model.
      const mimeType = guessImageType(source.url);
      return converted([
        { fileData: mimeType ? { fileUri: source.url, mimeType } : { fileUri: source.url } },
      ]);
    }
    case "file":
      return droppedBlock(
        "block:image_file",
        `${path}: an image from the Anthropic Files API (${source.file_id}) was dropped; Gemini cannot read Anthropic file ids.`,
      );
    default:
      return assertNever(source);
  }
}

/** Title and context lines Anthropic lets a document carry; Gemini parts have no place for them. */
function describeDocument(block: DocumentBlock): string | undefined {
  const lines: string[] = [];
  if (block.title) lines.push(`Document: ${block.title}`);
  if (block.context) lines.push(`Context: ${block.context}`);
  return lines.length > 0 ? lines.join("\n") : undefined;
}

function convertDocument(block: DocumentBlock, options: ConvertContentBlockOptions): ConvertedContentBlock {
  const header = describeDocument(block);
  const source = block.source;
  const withHeader = (parts: GeminiPart[]): GeminiPart[] => (header ? [{ text: header }, ...parts] : parts);
  switch (source.type) {
    case "base64":
      return converted(withHeader([{ inlineData: { mimeType: source.media_type, data: source.data } }]));
    case "url":
      // Anthropic URL documents are PDFs.
      return converted(withHeader([{ fileData: { fileUri: source.url, mimeType: "application/pdf" } }]));
    case "text": {
      const text = header ? `${header}\n\n${source.data}` : source.data;
      return converted(text ? [{ text }] : []);
    }
    case "content": {
      if (typeof source.content === "string") {
        const text = header ? `${header}\n\n${source.content}` : source.content;
        return converted(text ? [{ text }] : []);
      }
      const parts: GeminiPart[] = [];
      const warnings: string[] = [];
      const dropped: DroppedFeature[] = [];
      source.content.forEach((inner, index) => {
        const result = convertContentBlockToGemini(inner, {
          ...options,
          path: `${options.path}.source.content.${index}`,
        });
        parts.push(...result.value);
        warnings.push(...result.warnings);
        dropped.push(...result.dropped);
      });
      return { value: parts.length > 0 ? withHeader(parts) : [], warnings, dropped };
    }
    case "file":
      return droppedBlock(
        "block:document_file",
        `${options.path}: a document from the Anthropic Files API (${source.file_id}) was dropped; Gemini cannot read Anthropic file ids.`,
      );
    default:
      return assertNever(source);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected content source ${JSON.stringify(value)}`);
}

/**
 * Converts one Anthropic content block that needs no conversation context into Gemini parts.
 * Blocks Gemini cannot take are dropped with a warning naming where they were; an empty
 * result means the block carried nothing to send.
 */
export function convertContentBlockToGemini(
  block: ConvertibleContentBlock,
  options: ConvertContentBlockOptions,
): ConvertedContentBlock {
  switch (block.type) {
    case "text":
      // Gemini rejects empty text parts; cache_control and citations have no Gemini twin and need none.
      return converted(block.text ? [{ text: block.text }] : []);
    case "image":
      return convertImage(block, options.path);
    case "document":
      return convertDocument(block, options);
    case "search_result": {
      const body = block.content
        .map((inner) => inner.text)
        .filter(Boolean)
        .join("\n");
      const text = `Search result: ${block.title}\nSource: ${block.source}${body ? `\n\n${body}` : ""}`;
      return converted([{ text }]);
    }
    case "tool_reference": {
      const name = options.toolName ? options.toolName(block.tool_name) : block.tool_name;
      return converted([{ text: `Tool reference: ${name} (now available as a function).` }]);
    }
    case "redacted_thinking":
      // Thinking of an Anthropic model in history: nothing the client needs is lost.
      return converted(
        [],
        [
          `${options.path}: a redacted_thinking block was dropped; Gemini cannot read Anthropic's encrypted thinking.`,
        ],
      );
    case "server_tool_use":
    case "web_search_tool_result":
      // Kept as compact text so the model remembers what it searched for and found.
      return converted([{ text: describeServerToolBlock(block) }]);
    case "unknown_block":
      return droppedBlock(
        `block:${block.original_type}`,
        `${options.path}: a block of unknown type "${block.original_type}" was dropped.`,
      );
    default:
      return assertNever(block);
  }
}
