import { describe, expect, it } from "vitest";
import type { StopReason } from "./anthropic-api.js";
import type { GeminiFinishReason } from "./gemini-api.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";

describe("mapGeminiFinishReason", () => {
  it.each<[GeminiFinishReason, StopReason, StopReason, boolean]>([
    // reason, stop without tool calls, stop with tool calls, retryable
    ["STOP", "end_turn", "tool_use", false],
    ["MAX_TOKENS", "max_tokens", "max_tokens", false],
    ["SAFETY", "refusal", "refusal", false],
    ["RECITATION", "refusal", "refusal", false],
    ["LANGUAGE", "refusal", "refusal", false],
    ["BLOCKLIST", "refusal", "refusal", false],
    ["PROHIBITED_CONTENT", "refusal", "refusal", false],
    ["SPII", "refusal", "refusal", false],
    ["IMAGE_SAFETY", "refusal", "refusal", false],
    ["IMAGE_PROHIBITED_CONTENT", "refusal", "refusal", false],
    ["IMAGE_RECITATION", "refusal", "refusal", false],
    ["IMAGE_OTHER", "refusal", "refusal", false],
    ["MODEL_ARMOR", "refusal", "refusal", false],
    ["MALFORMED_FUNCTION_CALL", "end_turn", "end_turn", true],
    ["UNEXPECTED_TOOL_CALL", "end_turn", "end_turn", true],
    ["TOO_MANY_TOOL_CALLS", "end_turn", "end_turn", true],
    ["MISSING_THOUGHT_SIGNATURE", "end_turn", "end_turn", true],
    ["MALFORMED_RESPONSE", "end_turn", "end_turn", true],
    ["OTHER", "end_turn", "tool_use", false],
    ["FINISH_REASON_UNSPECIFIED", "end_turn", "tool_use", false],
    ["NO_IMAGE", "end_turn", "tool_use", false],
    ["ESCALATION", "end_turn", "tool_use", false],
    ["PUP_LIMITED_DISABLED", "end_turn", "tool_use", false],
    ["CONTINUATION", "end_turn", "tool_use", false],
  ])("%s → %s / %s with tool calls, retryable %s", (reason, plain, withCalls, retryable) => {
    expect(mapGeminiFinishReason(reason, { hasToolCalls: false })).toMatchObject({
      stopReason: plain,
      retryable,
    });
    expect(mapGeminiFinishReason(reason, { hasToolCalls: true })).toMatchObject({
      stopReason: withCalls,
      retryable,
    });
  });

  it("STOP and MAX_TOKENS need no notice and no warning", () => {
    for (const reason of ["STOP", "MAX_TOKENS"]) {
      expect(mapGeminiFinishReason(reason, { hasToolCalls: false })).toMatchObject({
        notice: undefined,
        warning: undefined,
      });
    }
  });

  it("retryable reasons carry a notice telling the user to retry", () => {
    expect(mapGeminiFinishReason("MALFORMED_FUNCTION_CALL", { hasToolCalls: false }).notice).toBe(
      "The model produced an invalid tool call; please retry.",
    );
  });

  it("refusals name the reason", () => {
    expect(mapGeminiFinishReason("RECITATION", { hasToolCalls: false }).notice).toContain("RECITATION");
  });

  it.each([
    [undefined, "no finish reason"],
    ["BRAND_NEW_REASON", "BRAND_NEW_REASON"],
    ["toString", "toString"],
  ])("%s → end_turn with a warning", (reason, fragment) => {
    const mapping = mapGeminiFinishReason(reason, { hasToolCalls: false });
    expect(mapping).toMatchObject({ stopReason: "end_turn", retryable: false });
    expect(mapping.warning).toContain(fragment);
  });
});
