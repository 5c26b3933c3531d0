import type { MessagesRequest, SafeguardParam } from "./anthropic-api.js";

/** The one safeguard this server can serve: a verdict on every tool call of the answer. */
const TOOL_USE_SAFEGUARD_TYPE = "dangerous_tool_use";

/**
 * Finds the `dangerous_tool_use` safeguard among the checks a request asks for
 * (`safeguards`, sent by Claude Code in auto mode). Other check types are not served: each
 * gets a warning, so the caller can log what went unanswered. A repeated `dangerous_tool_use`
 * entry is answered once, by the first.
 *
 * @example
 * findToolUseSafeguard({ ...request, safeguards: [{ type: "dangerous_tool_use", classifier_context: {} }] });
 * // { value: { type: "dangerous_tool_use", classifier_context: {} }, warnings: [] }
 */
export function findToolUseSafeguard(request: Pick<MessagesRequest, "safeguards">): {
  value: SafeguardParam | undefined;
  warnings: string[];
} {
  const warnings: string[] = [];
  let found: SafeguardParam | undefined;
  for (const safeguard of request.safeguards ?? []) {
    if (safeguard.type !== TOOL_USE_SAFEGUARD_TYPE) {
      warnings.push(`safeguards: the "${safeguard.type}" check is not served; no result is returned for it.`);
    } else if (found === undefined) {
      found = safeguard;
    }
  }
  return { value: found, warnings };
}
