import type { CountTokensRequest } from "./anthropic-api.js";
import { type ConvertToGeminiRequestOptions, convertToGeminiRequest } from "./convert-to-gemini-request.js";
import type { DroppedFeature } from "./dropped-feature.js";
import type { GeminiContent, GeminiCountTokensParameters, GeminiPart, GeminiTool } from "./gemini-api.js";

/**
 * Builds Gemini `countTokens` parameters for an Anthropic `count_tokens` body, counting the
 * system prompt and the tools as well as the messages.
 *
 * Gemini's countTokens rejects `systemInstruction` and `tools` in API-key mode, so both are
 * folded into `contents`: the system text and the function declarations (as JSON) become
 * leading text parts of the first user turn. The count is therefore close but not exact:
 * the JSON punctuation costs a few tokens more than Gemini's internal tool framing, and the
 * framing Gemini adds around a real system instruction is not counted. `max_tokens`,
 * `thinking` and `tool_choice` do not change the input count and are left out.
 *
 * @throws InvalidRequestError when the messages cannot be expressed for Gemini (see `convertToGeminiRequest`).
 *
 * @example
 * const { value } = buildCountTokensRequest(body);
 * const { totalTokens } = await gemini.models.countTokens(value);
 */
export function buildCountTokensRequest(
  request: CountTokensRequest,
  options: ConvertToGeminiRequestOptions = {},
): { value: GeminiCountTokensParameters; warnings: string[]; dropped: DroppedFeature[] } {
  const converted = convertToGeminiRequest(
    { ...request, max_tokens: request.max_tokens ?? 1, thinking: null, tool_choice: null },
    options,
  );
  const { model, contents, config } = converted.value;

  const leadingParts: GeminiPart[] = [];
  for (const part of config?.systemInstruction ? systemParts(config.systemInstruction) : []) {
    if (part.text) leadingParts.push({ text: part.text });
  }
  const tools = (config?.tools ?? []) as GeminiTool[];
  if (tools.length > 0) leadingParts.push({ text: JSON.stringify(tools) });

  return {
    value: { model, contents: prependToFirstUserTurn(toContentList(contents), leadingParts) },
    warnings: converted.warnings,
    dropped: converted.dropped,
  };
}

/** `systemInstruction` is typed as a union in the SDK; the converter always builds a `Content`. */
function systemParts(instruction: unknown): GeminiPart[] {
  if (typeof instruction === "string") return [{ text: instruction }];
  if (Array.isArray(instruction)) return instruction.flatMap(systemParts);
  if (typeof instruction === "object" && instruction !== null) {
    const content = instruction as GeminiContent & GeminiPart;
    if (Array.isArray(content.parts)) return content.parts;
    if (typeof content.text === "string") return [{ text: content.text }];
  }
  return [];
}

function toContentList(contents: unknown): GeminiContent[] {
  if (Array.isArray(contents)) return contents as GeminiContent[];
  return contents === undefined ? [] : [contents as GeminiContent];
}

/**
 * Gemini wants turns to alternate and start with the user: the extra parts join the first
 * turn when it is a user turn, and open a new user turn before a leading model turn.
 */
function prependToFirstUserTurn(contents: GeminiContent[], leadingParts: GeminiPart[]): GeminiContent[] {
  if (leadingParts.length === 0) return contents;
  const [first, ...rest] = contents;
  if (first?.role === "user")
    return [{ ...first, parts: [...leadingParts, ...(first.parts ?? [])] }, ...rest];
  return [{ role: "user", parts: leadingParts }, ...contents];
}
