/**
 * Anthropic sampling, length and thinking settings → Gemini `generationConfig` fields.
 *
 * Specs: https://docs.anthropic.com/en/api/messages (max_tokens, temperature, top_p, top_k,
 * stop_sequences, thinking, output_config.effort) and
 * https://ai.google.dev/gemini-api/docs/thinking (thinkingBudget, thinkingLevel, includeThoughts).
 *
 * The one promise: whatever the client sends, the result is legal for the model. Gemini
 * answers 400 to a budget outside the model's range, to a level the model lacks, to a
 * budget and a level together, and to `maxOutputTokens` above the model's limit.
 */
import type { MessagesRequest } from "./anthropic-api.js";
import type { GeminiGenerateContentConfig, GeminiThinkingConfig, GeminiThinkingLevel } from "./gemini-api.js";
import type { ModelCapabilities, ThinkingStyle } from "./model-capabilities.js";

/** Gemini accepts at most this many stop sequences. */
const MAXIMUM_STOP_SEQUENCES = 5;

/** `output_config.effort` values Anthropic documents. */
export type Effort = "low" | "medium" | "high" | "xhigh" | "max";

/**
 * Effort → thinking level, before snapping to the levels the model has (`nearestLevel`).
 * `xhigh` and `max` ask for XHIGH: Gemini 4 Hydrogen and Neon have it, every other level model
 * gets its highest level instead.
 */
const EFFORT_LEVELS = {
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
  xhigh: "XHIGH",
  max: "XHIGH",
} as const satisfies Record<Effort, GeminiThinkingLevel>;

/**
 * Effort → Gemini 2.5 thinking budget, as a fraction of the model's budget range. `high` is
 * Anthropic's default effort, so it maps to Gemini's default, the dynamic budget (`-1`);
 * lower efforts cap thinking, higher ones fix a budget near the top of the range.
 */
const EFFORT_BUDGETS = {
  low: 0.05,
  medium: 0.25,
  high: "dynamic",
  xhigh: 0.75,
  max: 1,
} as const satisfies Record<Effort, number | "dynamic">;

/** Budget → level for level models: the first row whose ceiling the budget does not exceed. */
const BUDGET_LEVELS: readonly { upTo: number; level: GeminiThinkingLevel }[] = [
  { upTo: 2048, level: "LOW" },
  { upTo: 16384, level: "MEDIUM" },
  { upTo: Number.POSITIVE_INFINITY, level: "HIGH" },
];

/** Gemini's thinking levels from least to most thinking. */
export const LEVEL_ORDER = { MINIMAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3, XHIGH: 4 } as const satisfies Record<
  GeminiThinkingLevel,
  number
>;

const DYNAMIC_BUDGET = -1;

export interface GenerationConfigResult {
  /** Only `maxOutputTokens`, `temperature`, `topP`, `topK`, `stopSequences` and `thinkingConfig`. */
  value: GeminiGenerateContentConfig;
  /** Whether thought text goes back to the client (signatures travel either way). */
  showThinking: boolean;
  warnings: string[];
}

/**
 * Maps the request's length, sampling and thinking settings onto `capabilities`.
 *
 * - `max_tokens` is clamped to the model's output limit.
 * - `temperature`, `top_p`, `top_k` pass through: Anthropic's 0–1 temperature means the same
 *   on Gemini's 0–2 scale, and the schema already caps it at 2.
 * - `stop_sequences`: the first five are kept (Gemini's limit), empty ones dropped.
 * - Thinking: `enabled` budgets are clamped into the model's range (or turned into a level),
 *   `adaptive` follows the effort (dynamic budget, or a level), `disabled` and absent turn
 *   thinking off where the model allows it and to its minimum where it does not; effort
 *   alone also sets the amount. `between_tools` (think only between tool calls) has no Gemini
 *   equivalent: it gets the least thinking the model does with thinking on (lowest level,
 *   smallest budget), and those thoughts come back as thinking blocks. The effort of the last `role: "system"` message that has one
 *   overrides the top-level `output_config.effort` (per-turn control). Thoughts are requested
 *   (`includeThoughts`) only when the client asked for thinking, and shown only when it did
 *   not also ask for `display: "omitted"`.
 */
export function convertGenerationConfig(
  request: MessagesRequest,
  capabilities: ModelCapabilities,
): GenerationConfigResult {
  const warnings: string[] = [];
  const value: GeminiGenerateContentConfig = {};

  value.maxOutputTokens = Math.min(request.max_tokens, capabilities.maxOutputTokens);
  if (request.max_tokens > capabilities.maxOutputTokens) {
    warnings.push(
      `max_tokens ${request.max_tokens} exceeds the model's output limit; clamped to ${capabilities.maxOutputTokens}`,
    );
  }
  if (request.temperature != null) value.temperature = request.temperature;
  if (request.top_p != null) value.topP = request.top_p;
  if (request.top_k != null) value.topK = request.top_k;

  const stopSequences = convertStopSequences(request.stop_sequences ?? [], warnings);
  if (stopSequences.length > 0) value.stopSequences = stopSequences;

  const thinking = request.thinking ?? undefined;
  const requested =
    thinking?.type === "enabled" || thinking?.type === "adaptive" || thinking?.type === "between_tools";
  const effort = findEffort(request, warnings);
  const thinkingConfig = convertThinking(
    { request: thinking, requested, effort, maxOutputTokens: value.maxOutputTokens },
    capabilities.thinking,
    warnings,
  );
  if (thinkingConfig) value.thinkingConfig = thinkingConfig;

  const display = thinking && thinking.type !== "disabled" ? thinking.display : undefined;
  const showThinking = requested && capabilities.thinking.style !== "none" && display !== "omitted";
  return { value, showThinking, warnings };
}

function convertStopSequences(sequences: readonly string[], warnings: string[]): string[] {
  const nonEmpty = sequences.filter((sequence) => sequence.length > 0);
  if (nonEmpty.length < sequences.length) warnings.push("empty stop_sequences entries dropped");
  if (nonEmpty.length <= MAXIMUM_STOP_SEQUENCES) return nonEmpty;
  warnings.push(
    `Gemini accepts at most ${MAXIMUM_STOP_SEQUENCES} stop sequences; ${nonEmpty.length - MAXIMUM_STOP_SEQUENCES} dropped`,
  );
  return nonEmpty.slice(0, MAXIMUM_STOP_SEQUENCES);
}

/** The effort in force: the last system message's, else the request's. Unknown values are ignored. */
function findEffort(request: MessagesRequest, warnings: string[]): Effort | undefined {
  let raw = request.output_config?.effort ?? undefined;
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index]!;
    const messageEffort = message.role === "system" ? message.output_config?.effort : undefined;
    if (messageEffort != null) {
      raw = messageEffort;
      break;
    }
  }
  if (raw === undefined) return undefined;
  if (Object.hasOwn(EFFORT_LEVELS, raw)) return raw as Effort;
  warnings.push(`output_config.effort "${raw}" is not supported; ignored`);
  return undefined;
}

interface ThinkingRequest {
  request: MessagesRequest["thinking"] | undefined;
  /** The client asked for thinking (`enabled` or `adaptive`). */
  requested: boolean;
  effort: Effort | undefined;
  maxOutputTokens: number;
}

function convertThinking(
  thinking: ThinkingRequest,
  style: ThinkingStyle,
  warnings: string[],
): GeminiThinkingConfig | undefined {
  const includeThoughts = thinking.requested ? { includeThoughts: true } : {};
  switch (style.style) {
    case "none":
      if (thinking.requested) warnings.push("the model does not think; thinking setting ignored");
      return undefined;
    case "budget":
      return { thinkingBudget: chooseBudget(thinking, style, warnings), ...includeThoughts };
    case "level": {
      const level = chooseLevel(thinking, style.levels);
      if (level === undefined) {
        warnings.push("the model's thinking levels are not configured; thinking setting ignored");
        return undefined;
      }
      // `@google/genai` types the level as its own string enum; the values are identical.
      return { thinkingLevel: level as GeminiThinkingConfig["thinkingLevel"], ...includeThoughts };
    }
    default:
      return assertNever(style);
  }
}

function chooseBudget(
  thinking: ThinkingRequest,
  style: Extract<ThinkingStyle, { style: "budget" }>,
  warnings: string[],
): number {
  // Thinking tokens count toward maxOutputTokens, so the budget stays below it, as Anthropic
  // requires of budget_tokens and max_tokens; the model's minimum wins if the two collide.
  const ceiling = Math.max(style.min, Math.min(style.max, thinking.maxOutputTokens - 1));
  const off = style.canDisable ? 0 : style.min;
  const request = thinking.request;
  if (request?.type === "enabled") {
    const budget = Math.min(Math.max(request.budget_tokens, style.min), ceiling);
    if (budget !== request.budget_tokens) {
      warnings.push(
        `thinking.budget_tokens ${request.budget_tokens} is outside the model's range; using ${budget}`,
      );
    }
    return budget;
  }
  if (request?.type === "disabled") return off;
  if (request?.type === "between_tools") return style.min;
  if (thinking.effort === undefined) return request?.type === "adaptive" ? DYNAMIC_BUDGET : off;
  const fraction = EFFORT_BUDGETS[thinking.effort];
  if (fraction === "dynamic") return DYNAMIC_BUDGET;
  return Math.round(style.min + fraction * (ceiling - style.min));
}

function chooseLevel(
  thinking: ThinkingRequest,
  levels: readonly GeminiThinkingLevel[],
): GeminiThinkingLevel | undefined {
  const request = thinking.request;
  if (request?.type === "enabled") {
    const row = BUDGET_LEVELS.find((candidate) => request.budget_tokens <= candidate.upTo)!;
    return nearestLevel(row.level, levels);
  }
  if (request?.type === "adaptive") return nearestLevel(EFFORT_LEVELS[thinking.effort ?? "high"], levels);
  if (request?.type === "disabled" || request?.type === "between_tools" || thinking.effort === undefined) {
    return lowestLevel(levels);
  }
  return nearestLevel(EFFORT_LEVELS[thinking.effort], levels);
}

/** The legal level closest to `target`; on a tie the higher one, since the client asked for thinking. */
function nearestLevel(
  target: GeminiThinkingLevel,
  levels: readonly GeminiThinkingLevel[],
): GeminiThinkingLevel | undefined {
  let best: GeminiThinkingLevel | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const level of levels) {
    const distance = Math.abs(LEVEL_ORDER[level] - LEVEL_ORDER[target]);
    const closer = distance < bestDistance;
    const tieAbove =
      distance === bestDistance && best !== undefined && LEVEL_ORDER[level] > LEVEL_ORDER[best];
    if (closer || tieAbove) {
      best = level;
      bestDistance = distance;
    }
  }
  return best;
}

function lowestLevel(levels: readonly GeminiThinkingLevel[]): GeminiThinkingLevel | undefined {
  let lowest: GeminiThinkingLevel | undefined;
  for (const level of levels)
    if (lowest === undefined || LEVEL_ORDER[level] < LEVEL_ORDER[lowest]) lowest = level;
  return lowest;
}

function assertNever(value: never): never {
  throw new Error(`unexpected thinking style ${JSON.stringify(value)}`);
}
