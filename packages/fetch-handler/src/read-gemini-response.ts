import type { GeminiGenerateContentResponse } from "@claude-gemini/core";

/**
 * A parsed `GenerateContentResponse` (a JSON answer or one stream chunk) as `@google/genai`
 * hands it on: always an object, with the response's own top-level fields only (`candidates`,
 * `promptFeedback`, `usageMetadata`, `modelVersion`, `responseId`, `createTime`,
 * `modelStatus`). `null`, a number, a string or an array becomes `{}`; anything else Gemini
 * (or a gateway) put beside those fields is left out, so readers see what they saw before.
 */
export function readGeminiResponse(value: unknown): GeminiGenerateContentResponse {
  const response: Record<string, unknown> = {};
  // The SDK's class type, whose getters (`text`, `functionCalls`…) nothing here reads.
  const typed = response as unknown as GeminiGenerateContentResponse;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return typed;
  const source = value as Record<string, unknown>;
  for (const field of RESPONSE_FIELDS) {
    const fieldValue = source[field];
    if (fieldValue !== undefined && fieldValue !== null) response[field] = fieldValue;
  }
  return typed;
}

const RESPONSE_FIELDS = [
  "candidates",
  "createTime",
  "modelVersion",
  "promptFeedback",
  "responseId",
  "usageMetadata",
  "modelStatus",
] as const;
