/**
 * A hand-written, single-pass structural check of the shapes `messagesRequestSchema`
 * (`anthropic-api.ts`) accepts, for the hot path of `validateMessagesRequest`.
 *
 * Why: a zod parse rebuilds every object of the body, which for a 50 KB Claude Code request
 * costs about as much as the whole conversion. This check only reads the body and, when it
 * is sure zod would accept it, hands back the body itself, typed, without copying.
 *
 * It answers "yes" or "not sure", never "no": every doubt (a wrong type, an unknown block
 * type zod would rewrite into `unknown_block`, a non-plain object, a number zod's `int()`
 * would reject) returns `undefined` and the caller runs the zod parse, which stays the one
 * source of truth for what is rejected and with which message and path.
 *
 * What differs from the zod output on the happy path, and why it is safe:
 * - unknown keys are kept (zod strips them). The converters read named fields only, which
 *   the equivalence property test in `validate-messages-request.test.ts` checks by comparing
 *   `convertToGeminiRequest` of both values for bodies full of unknown keys.
 * - objects and arrays are the caller's, not copies. The converters do not mutate them.
 * - a `z.record` with an own `__proto__` key is not sure: zod's copy would turn that key into
 *   a prototype, so the check bails out and lets zod decide.
 */
import type { CountTokensRequest, MessagesRequest } from "./anthropic-api.js";

type JsonRecord = Record<string, unknown>;

/** Where a block list sits: each place takes its own block types (the discriminated unions of the schema). */
type Scope = "message" | "tool_result" | "document_content";

/**
 * Returns `body` typed as a messages request when it certainly has a shape
 * `messagesRequestSchema` accepts, or `undefined` when the zod parse must decide. With
 * `maxTokensOptional` it checks the count_tokens shape, where `max_tokens` is nullish.
 *
 * @example
 * const request = checkMessagesRequestShape(body) ?? messagesRequestSchema.parse(body);
 */
export function checkMessagesRequestShape(body: unknown): MessagesRequest | undefined;
export function checkMessagesRequestShape(
  body: unknown,
  options: { maxTokensOptional: true },
): CountTokensRequest | undefined;
export function checkMessagesRequestShape(
  body: unknown,
  options?: { maxTokensOptional?: boolean },
): MessagesRequest | CountTokensRequest | undefined {
  if (!isPlainRecord(body)) return undefined;
  const model = body.model;
  if (typeof model !== "string" || model.length === 0) return undefined;
  const maxTokens = body.max_tokens;
  if (!(options?.maxTokensOptional === true && maxTokens == null) && !isPositiveInteger(maxTokens)) {
    return undefined;
  }
  const messages = body.messages;
  if (!Array.isArray(messages)) return undefined;
  for (let index = 0; index < messages.length; index++) {
    if (!isMessage(messages[index])) return undefined;
  }
  const system = body.system;
  if (system != null && typeof system !== "string" && !isTextBlockList(system)) return undefined;
  if (!isNullishStringList(body.stop_sequences)) return undefined;
  if (!isNullishBoolean(body.stream)) return undefined;
  if (!isNullishNumberWithin(body.temperature, 0, 2)) return undefined;
  if (!isNullishNumberWithin(body.top_p, 0, 1)) return undefined;
  const topK = body.top_k;
  if (topK != null && !isNonNegativeInteger(topK)) return undefined;
  const tools = body.tools;
  if (tools != null) {
    if (!Array.isArray(tools)) return undefined;
    for (let index = 0; index < tools.length; index++) {
      if (!isTool(tools[index])) return undefined;
    }
  }
  if (!isNullishToolChoice(body.tool_choice)) return undefined;
  if (!isNullishThinking(body.thinking)) return undefined;
  if (!isNullishOutputConfig(body.output_config)) return undefined;
  const metadata = body.metadata;
  if (metadata != null && !(isPlainRecord(metadata) && isNullishString(metadata.user_id))) return undefined;
  if (!isNullishSafeguardList(body.safeguards)) return undefined;
  return body as MessagesRequest;
}

/** `safeguards`: a list of objects naming their `type`; the rest of each is read loosely later. */
function isNullishSafeguardList(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    const item = value[index];
    if (!isPlainRecord(item) || typeof item.type !== "string") return false;
  }
  return true;
}

/** JSON objects only: zod takes class instances for `z.object` too, but those are not worth a fast path. */
function isPlainRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** `z.record(z.string(), z.unknown())`, minus the `__proto__` key its copy would misread. */
function isStringKeyedRecord(value: unknown): boolean {
  return isPlainRecord(value) && !Object.hasOwn(value, "__proto__");
}

function isNullishString(value: unknown): boolean {
  return value == null || typeof value === "string";
}

function isNullishBoolean(value: unknown): boolean {
  return value == null || typeof value === "boolean";
}

/** `z.number()` takes finite numbers only. */
function isNullishFiniteNumber(value: unknown): boolean {
  return value == null || (typeof value === "number" && Number.isFinite(value));
}

function isNullishNumberWithin(value: unknown, minimum: number, maximum: number): boolean {
  return value == null || (typeof value === "number" && value >= minimum && value <= maximum);
}

/** `z.number().int()` in zod 4 is a safe integer. */
function isPositiveInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function isNonNegativeInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isNullishStringList(value: unknown): boolean {
  if (value == null) return true;
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    if (typeof value[index] !== "string") return false;
  }
  return true;
}

function isNullishCacheControl(value: unknown): boolean {
  return value == null || (isPlainRecord(value) && typeof value.type === "string");
}

function isMessage(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  const role = value.role;
  if (role !== "user" && role !== "assistant" && role !== "system") return false;
  const content = value.content;
  if (typeof content !== "string" && !isBlockList(content, "message")) return false;
  return isNullishOutputConfig(value.output_config);
}

function isBlockList(value: unknown, scope: Scope): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    if (!isBlock(value[index], scope)) return false;
  }
  return true;
}

function isTextBlockList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index++) {
    const block = value[index];
    if (!isPlainRecord(block) || block.type !== "text" || !isTextBlock(block)) return false;
  }
  return true;
}

/** One content block of `scope`; a type outside the scope is "not sure" (zod rewrites or rejects it). */
function isBlock(value: unknown, scope: Scope): boolean {
  if (!isPlainRecord(value)) return false;
  switch (value.type) {
    case "text":
      return isTextBlock(value);
    case "image":
      return isImageSource(value.source) && isNullishCacheControl(value.cache_control);
    case "document":
      return scope !== "document_content" && isDocumentBlock(value);
    case "search_result":
      return scope !== "document_content" && isSearchResultBlock(value);
    case "tool_reference":
      return scope !== "document_content" && typeof value.tool_name === "string";
    case "thinking":
      return scope === "message" && typeof value.thinking === "string" && isNullishString(value.signature);
    case "redacted_thinking":
      return scope === "message" && typeof value.data === "string";
    case "tool_use":
      return (
        scope === "message" &&
        typeof value.id === "string" &&
        typeof value.name === "string" &&
        value.input !== undefined &&
        isNullishCacheControl(value.cache_control)
      );
    case "tool_result":
      return scope === "message" && isToolResultBlock(value);
    case "server_tool_use":
      return (
        scope === "message" &&
        typeof value.id === "string" &&
        typeof value.name === "string" &&
        Object.hasOwn(value, "input")
      );
    // `input` and `content` are `z.unknown()` in the schema: zod wants the key, whatever its value
    // (even `undefined`, which only a caller passing objects rather than JSON can send).
    case "web_search_tool_result":
      return scope === "message" && typeof value.tool_use_id === "string" && Object.hasOwn(value, "content");
    default:
      return false;
  }
}

function isTextBlock(block: JsonRecord): boolean {
  if (typeof block.text !== "string" || !isNullishCacheControl(block.cache_control)) return false;
  const citations = block.citations;
  return citations == null || Array.isArray(citations);
}

function isImageSource(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  switch (value.type) {
    case "base64":
      return typeof value.media_type === "string" && typeof value.data === "string";
    case "url":
      return typeof value.url === "string";
    case "file":
      return typeof value.file_id === "string";
    default:
      return false;
  }
}

function isDocumentBlock(block: JsonRecord): boolean {
  if (!isNullishString(block.title) || !isNullishString(block.context)) return false;
  if (!isNullishCacheControl(block.cache_control)) return false;
  const source = block.source;
  if (!isPlainRecord(source)) return false;
  switch (source.type) {
    case "base64":
      return typeof source.media_type === "string" && typeof source.data === "string";
    case "text":
      // `.optional()`, not `.nullish()`: null is zod's to reject.
      return (
        (source.media_type === undefined || typeof source.media_type === "string") &&
        typeof source.data === "string"
      );
    case "url":
      return typeof source.url === "string";
    case "file":
      return typeof source.file_id === "string";
    case "content":
      return typeof source.content === "string" || isBlockList(source.content, "document_content");
    default:
      return false;
  }
}

function isSearchResultBlock(block: JsonRecord): boolean {
  return (
    typeof block.source === "string" &&
    typeof block.title === "string" &&
    isTextBlockList(block.content) &&
    isNullishCacheControl(block.cache_control)
  );
}

function isToolResultBlock(block: JsonRecord): boolean {
  if (typeof block.tool_use_id !== "string") return false;
  if (!isNullishBoolean(block.is_error) || !isNullishCacheControl(block.cache_control)) return false;
  const content = block.content;
  return content == null || typeof content === "string" || isBlockList(content, "tool_result");
}

function isTool(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  const name = value.name;
  if (typeof name !== "string" || name.length === 0) return false;
  if (!isNullishString(value.type) || !isNullishString(value.description)) return false;
  const inputSchema = value.input_schema;
  if (inputSchema != null && !isStringKeyedRecord(inputSchema)) return false;
  if (!isNullishCacheControl(value.cache_control)) return false;
  if (!isNullishBoolean(value.defer_loading) || !isNullishBoolean(value.strict)) return false;
  if (!isNullishBoolean(value.eager_input_streaming)) return false;
  const examples = value.input_examples;
  if (examples != null && !Array.isArray(examples)) return false;
  if (!isNullishFiniteNumber(value.max_uses) || !isNullishFiniteNumber(value.max_content_tokens))
    return false;
  if (!isNullishFiniteNumber(value.display_width_px) || !isNullishFiniteNumber(value.display_height_px))
    return false;
  if (!isNullishFiniteNumber(value.display_number) || !isNullishFiniteNumber(value.max_characters))
    return false;
  if (!isNullishBoolean(value.enable_zoom)) return false;
  return isNullishStringList(value.allowed_domains) && isNullishStringList(value.blocked_domains);
}

function isNullishToolChoice(value: unknown): boolean {
  if (value == null) return true;
  if (!isPlainRecord(value)) return false;
  switch (value.type) {
    case "auto":
    case "any":
      return isNullishBoolean(value.disable_parallel_tool_use);
    case "tool":
      return typeof value.name === "string" && isNullishBoolean(value.disable_parallel_tool_use);
    case "none":
      return true;
    default:
      return false;
  }
}

function isNullishThinking(value: unknown): boolean {
  if (value == null) return true;
  if (!isPlainRecord(value)) return false;
  switch (value.type) {
    case "enabled":
      return isNonNegativeInteger(value.budget_tokens) && isNullishString(value.display);
    case "adaptive":
    case "between_tools":
      return isNullishString(value.display);
    case "disabled":
      return true;
    default:
      return false;
  }
}

function isNullishOutputConfig(value: unknown): boolean {
  if (value == null) return true;
  if (!isPlainRecord(value) || !isNullishString(value.effort)) return false;
  const format = value.format;
  if (format == null) return true;
  if (!isPlainRecord(format) || typeof format.type !== "string") return false;
  return format.schema == null || isStringKeyedRecord(format.schema);
}
