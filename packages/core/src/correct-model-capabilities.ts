/**
 * Turns a generation setting Gemini refused (`readGeminiFailure(error).settingRejection`) into
 * the corrected capability of that model, so the request can be converted again and sent once
 * more. The rules that keep a lesson from being poisoned live here:
 *
 * - the rejection must name exactly the setting the proxy sent, with the value it sent (a 400
 *   about something else, or one quoting client text, matches no template or no value);
 * - corrected values come from the API's own enum and ranges (`readGeminiFailure` already drops
 *   lists with unknown levels), and a correction that would leave no legal value is no lesson;
 * - the host keeps the lesson only after the corrected call succeeded.
 *
 * Thinking styles per model: https://ai.google.dev/gemini-api/docs/thinking.
 */
import { LEVEL_ORDER } from "./convert-generation-config.js";
import type { GeminiGenerateContentConfig, GeminiThinkingLevel } from "./gemini-api.js";
import type { ModelCapabilities, ThinkingStyle } from "./model-capabilities.js";
import type { SettingRejection } from "./read-gemini-failure.js";

/** A correction for one model: the capability fields to replace, and what was learned, in words. */
export interface CapabilityCorrection {
  capabilities: Partial<ModelCapabilities>;
  lesson: string;
}

/** What every level model takes: the levels a model that refuses budgets is given until it says more. */
const COMMON_LEVELS: readonly GeminiThinkingLevel[] = ["LOW", "HIGH"];

/** A budget range every budget model we know accepts, for a model that refuses levels. */
const COMMON_BUDGET: ThinkingStyle = { style: "budget", min: 512, max: 24_576, canDisable: false };

/** Sanity bound on token figures read from a message: larger is not a real model limit. */
const MAX_TOKEN_FIGURE = 16_777_216;

/**
 * The corrected capability for a refused setting, or `undefined` when the rejection does not
 * match what was sent or teaches nothing new.
 *
 * @example
 * const failure = readGeminiFailure(error);
 * const correction = failure?.settingRejection &&
 *   correctModelCapabilities(context.capabilities, failure.settingRejection, sent.config);
 */
export function correctModelCapabilities(
  capabilities: ModelCapabilities,
  rejection: SettingRejection,
  sent: GeminiGenerateContentConfig | undefined,
): CapabilityCorrection | undefined {
  const thinking = sent?.thinkingConfig;
  const sentLevel =
    typeof thinking?.thinkingLevel === "string" ? thinking.thinkingLevel.toUpperCase() : undefined;
  const sentBudget = typeof thinking?.thinkingBudget === "number" ? thinking.thinkingBudget : undefined;

  if (rejection.setting === "maxOutputTokens") {
    if (sent?.maxOutputTokens !== rejection.rejected) return undefined;
    if (rejection.max < 1 || rejection.max >= rejection.rejected || rejection.max > MAX_TOKEN_FIGURE)
      return undefined;
    return {
      capabilities: { maxOutputTokens: rejection.max },
      lesson: `maxOutputTokens at most ${rejection.max}`,
    };
  }

  if (rejection.setting === "thinkingLevel") {
    if (sentLevel === undefined) return undefined;
    if ("problem" in rejection) {
      return { capabilities: { thinking: COMMON_BUDGET }, lesson: "thinking budgets, not levels" };
    }
    if (sentLevel !== rejection.rejected) return undefined;
    const known = capabilities.thinking.style === "level" ? capabilities.thinking.levels : [];
    const levels = rejection.allowed ?? known.filter((level) => level !== rejection.rejected);
    if (levels.length === 0 || levels.includes(rejection.rejected as GeminiThinkingLevel)) return undefined;
    const defaultLevel =
      capabilities.thinking.style === "level" ? capabilities.thinking.defaultLevel : undefined;
    return {
      capabilities: {
        thinking: {
          style: "level",
          levels: sortLevels(levels),
          ...(defaultLevel !== undefined && levels.includes(defaultLevel) ? { defaultLevel } : {}),
        },
      },
      lesson: `thinking levels ${sortLevels(levels).join(", ")}`,
    };
  }

  // thinkingBudget
  if (sentBudget === undefined) return undefined;
  if ("problem" in rejection && rejection.problem === "levels-only") {
    const levels = capabilities.thinking.style === "level" ? capabilities.thinking.levels : COMMON_LEVELS;
    return { capabilities: { thinking: { style: "level", levels } }, lesson: "thinking levels, not budgets" };
  }
  if ("problem" in rejection) {
    if (sentBudget !== 0 || capabilities.thinking.style !== "budget") return undefined;
    return {
      capabilities: { thinking: { ...capabilities.thinking, canDisable: false } },
      lesson: "thinking cannot be turned off",
    };
  }
  if (sentBudget !== rejection.rejected) return undefined;
  const { min, max } = rejection;
  if (min < 1 || max < min || max > MAX_TOKEN_FIGURE) return undefined;
  if (sentBudget >= min && sentBudget <= max) return undefined;
  return {
    capabilities: { thinking: { style: "budget", min, max, canDisable: rejection.canDisable } },
    lesson: `thinking budget ${rejection.canDisable ? "0 or " : ""}${min}–${max}`,
  };
}

function sortLevels(levels: readonly GeminiThinkingLevel[]): GeminiThinkingLevel[] {
  return [...new Set(levels)].sort((a, b) => LEVEL_ORDER[a] - LEVEL_ORDER[b]);
}
