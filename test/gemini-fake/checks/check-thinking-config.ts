import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

const THINKING_FIELDS = new Set(["includeThoughts", "thinkingBudget", "thinkingLevel"]);

/**
 * `thinkingConfig` per model: budget ranges on 2.5, levels on Gemini 3 (which still takes a
 * budget) and Gemini 4 (which refuses any budget), never budget and level together, no
 * thinking at all on models without it. Messages are the service's wordings.
 */
export const checkThinkingConfig: RequestCheck = (body, context) => {
  const config = isPlainObject(body.generationConfig) ? body.generationConfig.thinkingConfig : undefined;
  if (config === undefined) return undefined;
  if (!isPlainObject(config)) {
    return invalidArgument(`Invalid value at 'generation_config.thinking_config', ${JSON.stringify(config)}`);
  }
  const unknown = findUnknownField(config, THINKING_FIELDS, "generationConfig.thinkingConfig");
  if (unknown) return unknown;
  const { thinkingBudget: budget, thinkingLevel: level } = config;
  const thinking = context.model.thinking;
  if (budget !== undefined && level !== undefined) {
    return invalidArgument("You can only set only one of thinking budget and thinking level.");
  }
  if (budget !== undefined && (typeof budget !== "number" || !Number.isInteger(budget))) {
    return invalidArgument(
      `Invalid value at 'generation_config.thinking_config.thinking_budget' (TYPE_INT32), ${JSON.stringify(budget)}`,
    );
  }
  if (thinking.style === "none") {
    if ((budget !== undefined && budget !== 0) || level !== undefined) {
      return invalidArgument(`Thinking is not supported for models/${context.model.id}.`);
    }
    return undefined;
  }
  if (level !== undefined) {
    if (thinking.style !== "level") return invalidArgument("Thinking level is not supported for this model.");
    const normalized = typeof level === "string" ? level.toUpperCase() : "";
    if (!thinking.levels.includes(normalized)) {
      // The service's wording (3.7/3.8 Flash, protocol.md §3); it lists the levels lower-case.
      return invalidArgument(
        `'${String(level).toLowerCase()}' is not a supported thinking level for this model. Allowed values are: ${thinking.levels.map((item) => item.toLowerCase()).join(", ")}`,
      );
    }
    return undefined;
  }
  if (typeof budget !== "number") return undefined;
  const range = thinking.style === "level" ? thinking.budget : thinking;
  // Gemini 4 takes levels only.
  if (range === undefined) {
    return invalidArgument("Thinking budget is not supported for this model. Use thinking level instead.");
  }
  if (budget === -1) return undefined;
  const { min, max } = range;
  if (budget === 0) {
    return range.canDisable
      ? undefined
      : invalidArgument("Budget 0 is invalid. This model only works in thinking mode.");
  }
  if (budget < min || budget > max) {
    const zero = range.canDisable ? "0, " : "";
    return invalidArgument(
      `The thinking budget ${budget} is invalid. Please choose a value of ${zero}-1 or between ${min} and ${max}.`,
    );
  }
  return undefined;
};
