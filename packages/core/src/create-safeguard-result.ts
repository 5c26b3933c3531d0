import type { SafeguardResult, ToolUseVerdict } from "./anthropic-api.js";

/**
 * The `safeguard_results` entry of a `dangerous_tool_use` check: one verdict per `tool_use` id
 * of the answer (an answer without tool calls gets an empty record), or `"unsupported"` when
 * this server does not run the check and the client is to fall back to its own behaviour.
 *
 * @example
 * createSafeguardResult({ toolu_1: { type: "unavailable", reason: "timeout" } });
 * // { type: "dangerous_tool_use", status: { type: "available", tool_uses: { toolu_1: {…} } } }
 */
export function createSafeguardResult(
  verdicts: Readonly<Record<string, ToolUseVerdict>> | "unsupported",
): SafeguardResult {
  if (verdicts === "unsupported") return { type: "dangerous_tool_use", status: { type: "unsupported" } };
  return { type: "dangerous_tool_use", status: { type: "available", tool_uses: { ...verdicts } } };
}
