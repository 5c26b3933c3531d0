import type { StopReason } from "./anthropic-api.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";

/** What the converters observed about a whole Gemini response (or a whole stream). */
export interface ObservedResponse {
  finishReason: string | undefined;
  /** `promptFeedback.blockReason`: the prompt was refused before any candidate. */
  blockReason: string | undefined;
  blockReasonMessage: string | undefined;
  hasToolCalls: boolean;
  /** Non-empty answer text or a tool call: something an agent can act on. */
  hasVisibleOutput: boolean;
}

/** How the Anthropic message ends. */
export interface ResponseOutcome {
  stopReason: StopReason;
  /** Re-sending the same request may well succeed. */
  retryable: boolean;
  /** Text block appended to the content so the client (and the model, next turn) sees what happened. */
  notice: string | undefined;
  warnings: string[];
}

const EMPTY_RESPONSE_NOTICE = "Gemini returned an empty response; please retry.";

/**
 * Decides the stop reason of a finished Gemini response, shared by the message converter
 * and the stream translator. A blocked prompt is a `refusal`; a turn that "ended normally"
 * with neither text nor tool calls is treated like an invalid output (retryable, explained in
 * a text block) because an empty `end_turn` makes agents loop.
 */
export function resolveResponseOutcome(observed: ObservedResponse): ResponseOutcome {
  if (observed.blockReason !== undefined) {
    const detail = observed.blockReasonMessage ? ` ${observed.blockReasonMessage}` : "";
    const notice = `Gemini blocked the prompt (${observed.blockReason}).${detail}`;
    return { stopReason: "refusal", retryable: false, notice, warnings: [notice] };
  }
  const mapping = mapGeminiFinishReason(observed.finishReason, { hasToolCalls: observed.hasToolCalls });
  const warnings = mapping.warning === undefined ? [] : [mapping.warning];
  if (mapping.stopReason === "end_turn" && !mapping.retryable && !observed.hasVisibleOutput) {
    warnings.push(
      `Gemini returned no text and no tool call (finish reason ${observed.finishReason ?? "none"}).`,
    );
    return { stopReason: "end_turn", retryable: true, notice: EMPTY_RESPONSE_NOTICE, warnings };
  }
  return { stopReason: mapping.stopReason, retryable: mapping.retryable, notice: mapping.notice, warnings };
}
