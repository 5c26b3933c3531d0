/**
 * Wire types and zod schemas for the Anthropic Messages API, as a server must read them.
 *
 * Spec: https://docs.anthropic.com/en/api/messages (request, response, streaming events).
 *
 * Schemas are lenient on unknown keys (zod objects strip them: clients add fields every
 * month) and strict on the shapes we read. Content blocks of a type we do not know are
 * kept as `{ type: "unknown_block" }` so the converter can drop them with a warning
 * instead of failing the whole request.
 */
import { z } from "zod";

const cacheControl = z.object({ type: z.string() }).nullish();

export const textBlockSchema = z.object({
  type: z.literal("text"),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

const base64ImageSource = z.object({
  type: z.literal("base64"),
  media_type: z.string(),
  data: z.string(),
});
const urlSource = z.object({ type: z.literal("url"), url: z.string() });
const fileSource = z.object({ type: z.literal("file"), file_id: z.string() });

export const imageBlockSchema = z.object({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [base64ImageSource, urlSource, fileSource]),
  cache_control: cacheControl,
});

const base64PdfSource = z.object({
  type: z.literal("base64"),
  media_type: z.string(),
  data: z.string(),
});
const plainTextSource = z.object({
  type: z.literal("text"),
  media_type: z.string().optional(),
  data: z.string(),
});
const contentSource = z.object({
  type: z.literal("content"),
  content: z.union([z.string(), z.array(z.lazy(() => documentContentBlockSchema))]),
});
const documentContentBlockSchema: z.ZodType<TextBlock | ImageBlock> = z.lazy(() =>
  z.discriminatedUnion("type", [textBlockSchema, imageBlockSchema]),
);

export const documentBlockSchema = z.object({
  type: z.literal("document"),
  source: z.discriminatedUnion("type", [
    base64PdfSource,
    plainTextSource,
    urlSource,
    contentSource,
    fileSource,
  ]),
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: z.unknown().optional(),
  cache_control: cacheControl,
});

export const searchResultBlockSchema = z.object({
  type: z.literal("search_result"),
  source: z.string(),
  title: z.string(),
  content: z.array(textBlockSchema),
  cache_control: cacheControl,
});

export const toolReferenceBlockSchema = z.object({
  type: z.literal("tool_reference"),
  tool_name: z.string(),
});

export const thinkingBlockSchema = z.object({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().nullish(),
});

export const redactedThinkingBlockSchema = z.object({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

export const toolUseBlockSchema = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  cache_control: cacheControl,
});

/** Server tool blocks (web search and friends) from history: read loosely, converted to text or dropped. */
export const serverToolUseBlockSchema = z.object({
  type: z.literal("server_tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
export const webSearchToolResultBlockSchema = z.object({
  type: z.literal("web_search_tool_result"),
  tool_use_id: z.string(),
  content: z.unknown(),
});

/** A block whose `type` this version does not know; kept so it can be dropped with a warning. */
export interface UnknownBlock {
  type: "unknown_block";
  original_type: string;
}
const unknownBlockSchema = z.object({
  type: z.literal("unknown_block"),
  original_type: z.string(),
});

const TOOL_RESULT_BLOCK_TYPES: ReadonlySet<string> = new Set([
  "text",
  "image",
  "document",
  "search_result",
  "tool_reference",
]);

const toolResultContentBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  imageBlockSchema,
  documentBlockSchema,
  searchResultBlockSchema,
  toolReferenceBlockSchema,
  unknownBlockSchema,
]);

export const toolResultBlockSchema = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z
    .union([
      z.string(),
      z.array(z.preprocess(markUnknownBlock(TOOL_RESULT_BLOCK_TYPES), toolResultContentBlockSchema)),
    ])
    .nullish(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControl,
});

const MESSAGE_BLOCK_TYPES: ReadonlySet<string> = new Set([
  "text",
  "image",
  "document",
  "search_result",
  "tool_reference",
  "thinking",
  "redacted_thinking",
  "tool_use",
  "tool_result",
  "server_tool_use",
  "web_search_tool_result",
]);

/** Rewrites a block with an unknown `type` into an `unknown_block`, leaving malformed known blocks to fail. */
function markUnknownBlock(known: ReadonlySet<string>) {
  return (value: unknown): unknown => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const type = (value as { type?: unknown }).type;
    if (typeof type === "string" && !known.has(type)) return { type: "unknown_block", original_type: type };
    return value;
  };
}

export const contentBlockSchema = z.preprocess(
  markUnknownBlock(MESSAGE_BLOCK_TYPES),
  z.discriminatedUnion("type", [
    textBlockSchema,
    imageBlockSchema,
    documentBlockSchema,
    searchResultBlockSchema,
    toolReferenceBlockSchema,
    thinkingBlockSchema,
    redactedThinkingBlockSchema,
    toolUseBlockSchema,
    toolResultBlockSchema,
    serverToolUseBlockSchema,
    webSearchToolResultBlockSchema,
    unknownBlockSchema,
  ]),
);

export const messageParamSchema = z.object({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
  /** Per-turn control: a `system` message may carry its own settings. */
  output_config: z.lazy(() => outputConfigSchema).nullish(),
});

/**
 * Versioned toolsets (`computer_toolset_20260801`…) carry no `name`; they are named after their
 * type here so the request validates and the converter can report the toolset as not served.
 */
function nameToolset(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const tool = value as { type?: unknown; name?: unknown };
  if (tool.name != null || typeof tool.type !== "string" || !/_toolset_\d+$/.test(tool.type)) return value;
  return { ...tool, name: tool.type };
}

const toolObjectSchema = z.object({
  type: z.string().nullish(),
  name: z.string().min(1),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()).nullish(),
  // Anthropic-only knobs, accepted and stripped by the converter.
  cache_control: cacheControl,
  defer_loading: z.boolean().nullish(),
  strict: z.boolean().nullish(),
  eager_input_streaming: z.boolean().nullish(),
  input_examples: z.array(z.unknown()).nullish(),
  // Server tools (web_search_20250305 and friends).
  max_uses: z.number().nullish(),
  allowed_domains: z.array(z.string()).nullish(),
  blocked_domains: z.array(z.string()).nullish(),
  user_location: z.unknown().optional(),
  max_content_tokens: z.number().nullish(),
  // Anthropic-defined client tools (computer_20250124, text_editor_20250728…).
  display_width_px: z.number().nullish(),
  display_height_px: z.number().nullish(),
  display_number: z.number().nullish(),
  enable_zoom: z.boolean().nullish(),
  max_characters: z.number().nullish(),
});

export const toolSchema = z.preprocess(nameToolset, toolObjectSchema);

export const toolChoiceSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().nullish() }),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().nullish() }),
  z.object({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().nullish() }),
  z.object({ type: z.literal("none") }),
]);

export const thinkingConfigSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("enabled"),
    budget_tokens: z.number().int().nonnegative(),
    display: z.string().nullish(),
  }),
  z.object({ type: z.literal("adaptive"), display: z.string().nullish() }),
  // Thinking off, except short progress notes between tool calls, returned as thinking blocks.
  z.object({ type: z.literal("between_tools"), display: z.string().nullish() }),
  z.object({ type: z.literal("disabled") }),
]);

export const outputConfigSchema = z.object({
  effort: z.string().nullish(),
  format: z.object({ type: z.string(), schema: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});

export const systemParamSchema = z.union([z.string(), z.array(textBlockSchema)]);

/**
 * One server-side check the client asks for (`safeguards`, beta `dangerous-tool-use-2026-09-03`).
 * Claude Code sends `{ type: "dangerous_tool_use", classifier_context: {...} }` in auto mode:
 * the context (permission rules, auto-mode lists, working directories, git state) is read
 * loosely by `build-safeguard-classifier-request.ts`, so only `type` is strict here.
 */
export const safeguardSchema = z.object({
  type: z.string(),
  classifier_context: z.unknown().optional(),
});

/**
 * The zod schema of a `POST /v1/messages` body: strict on the fields the converters read,
 * lenient on unknown keys, which clients add every month. Prefer `validateMessagesRequest`,
 * which turns a failure into an `invalid_request_error` naming the path.
 */
export const messagesRequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(messageParamSchema),
  system: systemParamSchema.nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().nonnegative().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingConfigSchema.nullish(),
  output_config: outputConfigSchema.nullish(),
  metadata: z.object({ user_id: z.string().nullish() }).nullish(),
  safeguards: z.array(safeguardSchema).nullish(),
});

/** count_tokens takes the messages body without `max_tokens`. */
export const countTokensRequestSchema = messagesRequestSchema.extend({
  max_tokens: z.number().int().positive().nullish(),
});

export type TextBlock = z.infer<typeof textBlockSchema>;
export type ImageBlock = z.infer<typeof imageBlockSchema>;
export type DocumentBlock = z.infer<typeof documentBlockSchema>;
export type SearchResultBlock = z.infer<typeof searchResultBlockSchema>;
export type ToolReferenceBlock = z.infer<typeof toolReferenceBlockSchema>;
export type ThinkingBlock = z.infer<typeof thinkingBlockSchema>;
export type RedactedThinkingBlock = z.infer<typeof redactedThinkingBlockSchema>;
export type ToolUseBlock = z.infer<typeof toolUseBlockSchema>;
export type ToolResultBlock = z.infer<typeof toolResultBlockSchema>;
export type ContentBlockParam = z.infer<typeof contentBlockSchema>;
export type MessageParam = z.infer<typeof messageParamSchema>;
export type ToolParam = z.infer<typeof toolObjectSchema>;
export type ToolChoice = z.infer<typeof toolChoiceSchema>;
export type ThinkingConfigParam = z.infer<typeof thinkingConfigSchema>;
export type OutputConfig = z.infer<typeof outputConfigSchema>;
export type SafeguardParam = z.infer<typeof safeguardSchema>;
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;

// ---------------------------------------------------------------------------
// What we send back. Plain types: we build these, we never parse them.

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

export interface TextContent {
  type: "text";
  text: string;
  /** Present only on text grounded by web search (see `convert-grounding-to-anthropic.ts`). */
  citations?: WebSearchResultLocation[];
}
/** A citation of a web search result on a text block. */
export interface WebSearchResultLocation {
  type: "web_search_result_location";
  url: string;
  title: string | null;
  /** Anthropic's opaque pointer into its own index; Gemini has none, so it is always empty. */
  encrypted_index: string;
  cited_text: string;
}
export interface ThinkingContent {
  type: "thinking";
  thinking: string;
  signature: string;
}
export interface ToolUseContent {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
}
/** A search the server ran for the model (`srvtoolu_…` ids). */
export interface ServerToolUseContent {
  type: "server_tool_use";
  id: string;
  name: "web_search";
  input: { query: string };
}
export interface WebSearchResult {
  type: "web_search_result";
  url: string;
  title: string;
  /** Anthropic's encrypted page text; Gemini returns none, so it is always empty. */
  encrypted_content: string;
  page_age: string | null;
}
export interface WebSearchToolResultContent {
  type: "web_search_tool_result";
  tool_use_id: string;
  content: WebSearchResult[];
}
export type ContentBlock =
  | TextContent
  | ThinkingContent
  | ToolUseContent
  | ServerToolUseContent
  | WebSearchToolResultContent;

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
  /** Verdicts of the checks the request asked for in `safeguards` (see {@link SafeguardResult}). */
  safeguard_results?: SafeguardResult[];
}

/**
 * The verdict on one `tool_use` of an answer, as Claude Code 2.1.332 reads it: `evaluated`
 * (`flagged` stops the call and tells the model `explanation`; `not_flagged` lets it run),
 * `skipped` (the client decides by itself) or `unavailable` (no verdict: the client does not
 * run the call on its own; it asks the person, or refuses it when nobody can be asked).
 * Reasons the client knows: `timeout`, `error`, `refused`, `input_too_long`.
 */
export type ToolUseVerdict =
  | { type: "evaluated"; outcome: "flagged" | "not_flagged"; explanation?: string }
  | { type: "skipped" }
  | { type: "unavailable"; reason: "timeout" | "error" | "refused" | "input_too_long" };

/**
 * The answer to one requested safeguard: in a stream it rides on the final `message_delta`
 * (`delta.safeguard_results`), in a JSON reply at the top level. `available` carries one
 * verdict per `tool_use` id of the answer; `unsupported` says this server does not run the
 * check, and the client falls back to its own behaviour.
 */
export interface SafeguardResult {
  type: "dangerous_tool_use";
  status:
    | { type: "available"; tool_uses: Record<string, ToolUseVerdict> }
    | { type: "unsupported" }
    | { type: "unavailable"; reason: "disabled" | "error" | "rate_limited" | "input_too_long" };
}

export type ContentBlockDelta =
  | { type: "text_delta"; text: string }
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "input_json_delta"; partial_json: string }
  | { type: "citations_delta"; citation: WebSearchResultLocation };

export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

export type AnthropicStreamEvent =
  | { type: "message_start"; message: AnthropicMessage }
  | { type: "content_block_start"; index: number; content_block: ContentBlock }
  | { type: "content_block_delta"; index: number; delta: ContentBlockDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: {
        stop_reason: StopReason | null;
        stop_sequence: string | null;
        safeguard_results?: SafeguardResult[];
      };
      usage: Usage;
    }
  | { type: "message_stop" }
  | { type: "ping" }
  | AnthropicErrorBody;
