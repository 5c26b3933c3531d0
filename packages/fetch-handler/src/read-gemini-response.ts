import type { GeminiGenerateContentResponse } from "@claude-gemini/core";

/**
 * A parsed `GenerateContentResponse` (a JSON answer or one stream chunk) as `@google/genai`
 * hands it on: always an object, with the response's own top-level fields only (`candidates`,
 * `promptFeedback`, `usageMetadata`, `modelVersion`, `responseId`, `createTime`,
 * `modelStatus`). `null`, a number, a string or an array becomes `{}`; anything else Gemini
 * (or a gateway) put beside those fields is left out, so readers see what they saw before.
 */
export function readGeminiResponse(value: unknown): GeminiGenerateContentResponse {
  const response: Partial<GeminiGenerateContentResponse> = {};
  // The SDK's class type, whose getters (`text`, `functionCalls`…) nothing here reads.
  const typed = response as GeminiGenerateContentResponse;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return typed;
  // Each field by name, not in a loop over the names: this runs for every chunk of every stream,
  // and named reads and writes cost a sixth of the looked-up ones.
  const { candidates, createTime, modelVersion, promptFeedback, responseId, usageMetadata, modelStatus } =
    value as Partial<GeminiGenerateContentResponse>;
  if (candidates != null) response.candidates = candidates;
  if (createTime != null) response.createTime = createTime;
  if (modelVersion != null) response.modelVersion = modelVersion;
  if (promptFeedback != null) response.promptFeedback = promptFeedback;
  if (responseId != null) response.responseId = responseId;
  if (usageMetadata != null) response.usageMetadata = usageMetadata;
  if (modelStatus != null) response.modelStatus = modelStatus;
  return typed;
}
