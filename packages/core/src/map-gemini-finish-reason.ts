/**
 * Gemini `Candidate.finishReason` → Anthropic `stop_reason`.
 *
 * Spec: https://ai.google.dev/api/generate-content#FinishReason and
 * https://docs.anthropic.com/en/api/messages#response-stop-reason
 *
 * Gemini has no finish reason for tool calls: a step that calls tools ends with `STOP`, so
 * `STOP` (and the other "ended normally" reasons) become `tool_use` when the candidate holds
 * function calls. Reasons that mean "the model produced output Gemini could not use" are
 * `retryable`: the fetch handler re-sends the request first; only when retries run out does
 * the converter answer with a short text block explaining what happened and `end_turn`, so an
 * agent never sees an empty turn it would loop on.
 */
import type { StopReason } from "./anthropic-api.js";
import type { GeminiFinishReason } from "./gemini-api.js";

/** What a finish reason means for the Anthropic response. */
export interface FinishReasonMapping {
  stopReason: StopReason;
  /** The output was unusable (bad tool call, malformed response): worth re-sending the request. */
  retryable: boolean;
  /** Text shown to the client when the response stopped for a reason it should hear about. */
  notice: string | undefined;
  /** Set when the reason is unusual or unknown, for the caller to log. */
  warning: string | undefined;
}

interface TableEntry {
  stopReason: StopReason;
  retryable: boolean;
  notice?: string;
  /** Reasons we map to `end_turn` only because nothing fits better. */
  unusual?: boolean;
}

function refusal(why: string): TableEntry {
  return { stopReason: "refusal", retryable: false, notice: `Gemini stopped the response: ${why}.` };
}

function invalidOutput(notice: string): TableEntry {
  return { stopReason: "end_turn", retryable: true, notice };
}

const FINISH_REASONS = {
  STOP: { stopReason: "end_turn", retryable: false },
  MAX_TOKENS: { stopReason: "max_tokens", retryable: false },
  SAFETY: refusal("the output was flagged for safety reasons (SAFETY)"),
  RECITATION: refusal("the output resembled training data too closely (RECITATION)"),
  LANGUAGE: refusal("the output used an unsupported language (LANGUAGE)"),
  BLOCKLIST: refusal("the output contained blocklisted terms (BLOCKLIST)"),
  PROHIBITED_CONTENT: refusal("the output may contain prohibited content (PROHIBITED_CONTENT)"),
  SPII: refusal("the output may contain sensitive personal information (SPII)"),
  IMAGE_SAFETY: refusal("a generated image was flagged for safety reasons (IMAGE_SAFETY)"),
  IMAGE_PROHIBITED_CONTENT: refusal(
    "a generated image may contain prohibited content (IMAGE_PROHIBITED_CONTENT)",
  ),
  IMAGE_RECITATION: refusal("a generated image resembled training data too closely (IMAGE_RECITATION)"),
  IMAGE_OTHER: refusal("a generated image was blocked (IMAGE_OTHER)"),
  MODEL_ARMOR: refusal("Model Armor blocked the output (MODEL_ARMOR)"),
  MALFORMED_FUNCTION_CALL: invalidOutput("The model produced an invalid tool call; please retry."),
  UNEXPECTED_TOOL_CALL: invalidOutput("The model called a tool that is not available; please retry."),
  TOO_MANY_TOOL_CALLS: invalidOutput("The model made too many tool calls in one step; please retry."),
  MISSING_THOUGHT_SIGNATURE: invalidOutput(
    "Gemini rejected the conversation because a thought signature was missing; please retry.",
  ),
  MALFORMED_RESPONSE: invalidOutput("The model produced a malformed response; please retry."),
  // No Anthropic counterpart: the turn ended, so `end_turn`, and the caller logs a warning.
  // CONTINUATION would need Gemini's continuation token, which an Anthropic client cannot carry.
  OTHER: { stopReason: "end_turn", retryable: false, unusual: true },
  FINISH_REASON_UNSPECIFIED: { stopReason: "end_turn", retryable: false, unusual: true },
  NO_IMAGE: { stopReason: "end_turn", retryable: false, unusual: true },
  ESCALATION: { stopReason: "end_turn", retryable: false, unusual: true },
  PUP_LIMITED_DISABLED: { stopReason: "end_turn", retryable: false, unusual: true },
  CONTINUATION: { stopReason: "end_turn", retryable: false, unusual: true },
} satisfies Record<GeminiFinishReason, TableEntry>;

function isKnownReason(reason: string): reason is GeminiFinishReason {
  return Object.hasOwn(FINISH_REASONS, reason);
}

/**
 * Maps a Gemini finish reason to an Anthropic stop reason. `undefined` (a response without a
 * finish reason) and unknown strings become `end_turn` with a warning; a turn that ended
 * normally with function calls becomes `tool_use`.
 *
 * @example
 * mapGeminiFinishReason("STOP", { hasToolCalls: true }).stopReason; // "tool_use"
 * mapGeminiFinishReason("MALFORMED_FUNCTION_CALL", { hasToolCalls: false }).retryable; // true
 */
export function mapGeminiFinishReason(
  reason: string | undefined,
  options: { hasToolCalls: boolean },
): FinishReasonMapping {
  const entry: TableEntry | undefined =
    reason !== undefined && isKnownReason(reason) ? FINISH_REASONS[reason] : undefined;
  const base: TableEntry = entry ?? { stopReason: "end_turn", retryable: false, unusual: true };
  // A call that arrived is complete (Gemini sends calls whole), so whenever the turn simply
  // ended, the client must run the tools.
  const stopReason =
    base.stopReason === "end_turn" && !base.retryable && options.hasToolCalls ? "tool_use" : base.stopReason;
  let warning: string | undefined;
  if (entry === undefined) {
    warning =
      reason === undefined
        ? `Gemini response has no finish reason; reported as ${stopReason}.`
        : `Unknown Gemini finish reason "${reason}"; reported as ${stopReason}.`;
  } else if (base.unusual) {
    warning = `Gemini finish reason ${reason} has no Anthropic equivalent; reported as ${stopReason}.`;
  } else if (base.notice !== undefined) {
    warning = `Gemini finish reason ${reason}: ${base.notice}`;
  }
  return { stopReason, retryable: base.retryable, notice: base.notice, warning };
}
