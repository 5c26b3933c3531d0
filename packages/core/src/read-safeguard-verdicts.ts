import type { SafeguardResult, ToolUseVerdict } from "./anthropic-api.js";
import { createSafeguardResult } from "./create-safeguard-result.js";
import type { GeminiGenerateContentResponse } from "./gemini-api.js";

/** Longest explanation passed on to the client; the model is asked for one sentence. */
const MAX_EXPLANATION_LENGTH = 400;

const NO_VERDICT: ToolUseVerdict = { type: "unavailable", reason: "error" };

/**
 * Reads the classifier's JSON answer (see `build-safeguard-classifier-request.ts`) into the
 * `dangerous_tool_use` result, keyed by the real tool-use ids through `aliases`
 * (`call_1` → `toolu_…`). It fails safe: a call without a readable verdict (a blocked or cut
 * answer, text that is not the JSON asked for, a call the answer leaves out) gets
 * `unavailable`, so the client does not run it on its own; it is never read as "not flagged".
 * When the answer judges one call twice and the verdicts differ, `flagged` wins.
 *
 * @example
 * readSafeguardVerdicts(response, { call_1: "toolu_01" });
 * // { value: { type: "dangerous_tool_use", status: { type: "available", tool_uses: { toolu_01: { type: "evaluated", outcome: "not_flagged" } } } }, warnings: [] }
 */
export function readSafeguardVerdicts(
  response: GeminiGenerateContentResponse,
  aliases: Readonly<Record<string, string>>,
): { value: SafeguardResult; warnings: string[] } {
  const warnings: string[] = [];
  const verdicts: Record<string, ToolUseVerdict> = {};
  for (const id of Object.values(aliases)) verdicts[id] = NO_VERDICT;

  const answer = readAnswer(response);
  if ("problem" in answer) {
    warnings.push(`the classifier gave no verdicts: ${answer.problem}`);
    return { value: createSafeguardResult(verdicts), warnings };
  }
  const judged = new Set<string>();
  for (const entry of answer.verdicts) {
    const record = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : {};
    const call = typeof record.call === "string" ? record.call.trim() : undefined;
    const id = call !== undefined && Object.hasOwn(aliases, call) ? aliases[call] : undefined;
    if (id === undefined || typeof record.flagged !== "boolean") {
      warnings.push(
        `the classifier answered an entry that names no known call or no decision: ${describe(entry)}`,
      );
      continue;
    }
    const previous = verdicts[id];
    if (judged.has(id) && previous?.type === "evaluated" && previous.outcome === "flagged") continue;
    judged.add(id);
    verdicts[id] = record.flagged
      ? { type: "evaluated", outcome: "flagged", explanation: explain(record.reason) }
      : { type: "evaluated", outcome: "not_flagged" };
  }
  for (const [call, id] of Object.entries(aliases)) {
    if (!judged.has(id)) warnings.push(`the classifier gave no verdict for ${call}`);
  }
  return { value: createSafeguardResult(verdicts), warnings };
}

/** The `verdicts` list of the answer, or why there is none. */
function readAnswer(response: GeminiGenerateContentResponse): { verdicts: unknown[] } | { problem: string } {
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason) return { problem: `the prompt was blocked (${blockReason})` };
  const candidate = response.candidates?.[0];
  if (candidate === undefined) return { problem: "the answer has no candidate" };
  const text = (candidate.content?.parts ?? [])
    .filter((part) => part.thought !== true && typeof part.text === "string")
    .map((part) => part.text)
    .join("");
  const finishReason = candidate.finishReason;
  if (text.trim() === "")
    return { problem: `the answer has no text (finish reason ${finishReason ?? "none"})` };
  const parsed = parseJson(text);
  if (parsed === undefined) {
    return { problem: `the answer is not JSON (finish reason ${finishReason ?? "none"})` };
  }
  const verdicts = (parsed as { verdicts?: unknown }).verdicts;
  if (!Array.isArray(verdicts)) return { problem: "the answer has no verdicts list" };
  return { verdicts };
}

/** JSON mode answers bare JSON; a model that ignored it may still wrap it in a code fence. */
function parseJson(text: string): unknown {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(trimmed);
  try {
    const value: unknown = JSON.parse(fenced ? fenced[1]! : trimmed);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Claude Code writes "Reason: <explanation>." itself, so a final full stop is dropped. */
function explain(reason: unknown): string {
  const text = typeof reason === "string" ? reason.trim().replace(/\.+$/, "") : "";
  if (text === "") return "The auto-mode check flagged this action as risky";
  return text.length > MAX_EXPLANATION_LENGTH ? `${text.slice(0, MAX_EXPLANATION_LENGTH)}…` : text;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
