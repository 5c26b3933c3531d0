/**
 * The Gemini wire types we read and write, taken from `@google/genai` (type-only imports:
 * core has no runtime dependency on the SDK) plus string unions for the enums, so tables
 * can be checked with `satisfies Record<GeminiFinishReason, …>`.
 *
 * Spec: https://ai.google.dev/api/generate-content
 */
export type {
  Candidate as GeminiCandidate,
  Content as GeminiContent,
  CountTokensParameters as GeminiCountTokensParameters,
  FunctionCall as GeminiFunctionCall,
  FunctionDeclaration as GeminiFunctionDeclaration,
  FunctionResponse as GeminiFunctionResponse,
  GenerateContentConfig as GeminiGenerateContentConfig,
  GenerateContentParameters as GeminiGenerateContentParameters,
  GenerateContentResponse as GeminiGenerateContentResponse,
  GenerateContentResponseUsageMetadata as GeminiUsageMetadata,
  GroundingMetadata as GeminiGroundingMetadata,
  Part as GeminiPart,
  Schema as GeminiSchema,
  ThinkingConfig as GeminiThinkingConfig,
  Tool as GeminiTool,
  ToolConfig as GeminiToolConfig,
} from "@google/genai";

/** Every `Candidate.finishReason` the v1beta API documents (`@google/genai` 3.3 `FinishReason`). */
export type GeminiFinishReason =
  | "FINISH_REASON_UNSPECIFIED"
  | "STOP"
  | "MAX_TOKENS"
  | "SAFETY"
  | "RECITATION"
  | "LANGUAGE"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "SPII"
  | "MALFORMED_FUNCTION_CALL"
  | "IMAGE_SAFETY"
  | "IMAGE_PROHIBITED_CONTENT"
  | "IMAGE_OTHER"
  | "NO_IMAGE"
  | "IMAGE_RECITATION"
  | "UNEXPECTED_TOOL_CALL"
  | "TOO_MANY_TOOL_CALLS"
  | "MISSING_THOUGHT_SIGNATURE"
  | "MALFORMED_RESPONSE"
  | "ESCALATION"
  | "PUP_LIMITED_DISABLED"
  | "CONTINUATION"
  | "MODEL_ARMOR";

/** `promptFeedback.blockReason` values. */
export type GeminiBlockReason =
  | "BLOCKED_REASON_UNSPECIFIED"
  | "SAFETY"
  | "OTHER"
  | "BLOCKLIST"
  | "PROHIBITED_CONTENT"
  | "IMAGE_SAFETY"
  | "MODEL_ARMOR";

/** Gemini 3 `thinkingConfig.thinkingLevel` values. */
export type GeminiThinkingLevel = "MINIMAL" | "LOW" | "MEDIUM" | "HIGH" | "XHIGH";

/** google.rpc status names seen in Gemini error bodies. */
export type GeminiErrorStatus =
  | "INVALID_ARGUMENT"
  | "FAILED_PRECONDITION"
  | "OUT_OF_RANGE"
  | "UNAUTHENTICATED"
  | "PERMISSION_DENIED"
  | "NOT_FOUND"
  | "RESOURCE_EXHAUSTED"
  | "CANCELLED"
  | "UNKNOWN"
  | "INTERNAL"
  | "UNAVAILABLE"
  | "DEADLINE_EXCEEDED"
  | "UNIMPLEMENTED"
  | "ABORTED"
  | "ALREADY_EXISTS"
  | "DATA_LOSS";
