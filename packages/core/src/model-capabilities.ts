import type { GeminiThinkingLevel } from "./gemini-api.js";

/** How a model takes its thinking setting. */
export type ThinkingStyle =
  | {
      /** Gemini 2.5: `thinkingBudget` in tokens; `-1` asks for a dynamic budget. */
      style: "budget";
      min: number;
      max: number;
      /** Whether a budget of 0 (thinking off) is legal (Flash yes, Pro no). */
      canDisable: boolean;
      /** What the model does without a setting: `-1` (dynamic) or `0` (off, 2.5 Flash-Lite). Informational. */
      defaultBudget?: number;
    }
  | {
      /** Gemini 3 and later: `thinkingLevel`; a budget alongside it is a 400, and Gemini 4 refuses any budget. */
      style: "level";
      levels: readonly GeminiThinkingLevel[];
      /** The level the model uses without a setting. Informational (reported by `/v1/models`). */
      defaultLevel?: GeminiThinkingLevel;
    }
  | { style: "none" };

/** What the converters need to know about one Gemini model. A user can extend the table. */
export interface ModelCapabilities {
  /** The input window in tokens (`inputTokenLimit` in Gemini's model metadata). */
  maxInputTokens: number;
  /** `maxOutputTokens` above this is a 400 upstream: requests are clamped to it. */
  maxOutputTokens: number;
  thinking: ThinkingStyle;
  /** Gemini 3 validates thought signatures on the current turn's function calls. */
  requiresThoughtSignatures: boolean;
  /** Accepts `parametersJsonSchema` (JSON Schema) rather than only the OpenAPI `parameters` subset. */
  supportsJsonSchema: boolean;
  /** Accepts `inlineData` inside `functionResponse.parts` (images in tool results). */
  supportsFunctionResponseParts: boolean;
  /**
   * Accepts JSON output (`responseMimeType: "application/json"`) in a request that also declares
   * functions or built-in tools (Gemini 3). Absent means no: Gemini 2.5 answers 400
   * "Function calling with a response mime type: 'application/json' is unsupported".
   */
  supportsStructuredOutputWithTools?: boolean;
  /**
   * Runs built-in tools (Google Search, URL context) and function declarations in one request
   * when `toolConfig.includeServerSideToolInvocations` is set (Gemini 3 and later on the Gemini
   * API). Absent means no: built-in tools are then dropped, with a warning, when functions are present.
   */
  supportsServerSideToolInvocations?: boolean;
}
