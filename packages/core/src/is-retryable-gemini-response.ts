import type { GeminiGenerateContentResponse } from "./gemini-api.js";
import { readResponsePart } from "./read-response-part.js";
import { resolveResponseOutcome } from "./resolve-response-outcome.js";

/**
 * Tool names do not matter for the decision (a call of the structured-output function counts as
 * a call, which it is); an empty map keeps this independent of the request.
 */
const PART_OPTIONS = { toolNames: new Map<string, string>() } as const;

/**
 * Tells the fetch handler whether a whole Gemini response is worth re-sending the request for:
 * an invalid tool call (`MALFORMED_FUNCTION_CALL` and friends) or a turn with neither text
 * nor a tool call. Uses the same rules as `convertToAnthropicMessage`, which explains the
 * failure in a text block when retries run out.
 */
export function isRetryableGeminiResponse(response: GeminiGenerateContentResponse): boolean {
  const candidate = response.candidates?.[0];
  let hasToolCalls = false;
  let hasVisibleOutput = false;
  for (const part of candidate?.content?.parts ?? []) {
    const item = readResponsePart(part, PART_OPTIONS);
    if (item.kind === "tool_call") hasToolCalls = true;
    if (item.kind === "tool_call" || (item.kind === "text" && item.text !== "")) hasVisibleOutput = true;
  }
  return resolveResponseOutcome({
    finishReason: candidate?.finishReason,
    blockReason: response.promptFeedback?.blockReason,
    blockReasonMessage: undefined,
    hasToolCalls,
    hasVisibleOutput,
  }).retryable;
}
