import { describe, expect, it } from "vitest";
import type { GeminiGenerateContentResponse, GeminiPart } from "./gemini-api.js";
import { isRetryableGeminiResponse } from "./is-retryable-gemini-response.js";

function response(parts: GeminiPart[] | undefined, finishReason?: string): GeminiGenerateContentResponse {
  return {
    candidates: [{ content: parts ? { role: "model", parts } : {}, finishReason, index: 0 }],
  } as GeminiGenerateContentResponse;
}

describe("isRetryableGeminiResponse", () => {
  it.each<[string, GeminiGenerateContentResponse, boolean]>([
    ["text answer", response([{ text: "hi" }], "STOP"), false],
    ["tool call", response([{ functionCall: { name: "Bash", args: {} } }], "STOP"), false],
    ["cut by max tokens", response([{ text: "hi" }], "MAX_TOKENS"), false],
    ["malformed call", response(undefined, "MALFORMED_FUNCTION_CALL"), true],
    ["too many calls", response([{ functionCall: { name: "Bash" } }], "TOO_MANY_TOOL_CALLS"), true],
    ["no parts, STOP", response(undefined, "STOP"), true],
    ["only a signature, STOP", response([{ text: "", thoughtSignature: "c2ln" }], "STOP"), true],
    ["only thoughts, STOP", response([{ text: "hmm", thought: true }], "STOP"), true],
    ["no candidates", { candidates: [] } as unknown as GeminiGenerateContentResponse, true],
    ["safety", response(undefined, "SAFETY"), false],
    [
      "blocked prompt",
      { promptFeedback: { blockReason: "SAFETY" } } as unknown as GeminiGenerateContentResponse,
      false,
    ],
  ])("%s → %s", (_name, value, retryable) => {
    expect(isRetryableGeminiResponse(value)).toBe(retryable);
  });
});
