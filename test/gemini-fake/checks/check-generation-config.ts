import { type FakeRejection, invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

const GENERATION_CONFIG_FIELDS = new Set([
  "stopSequences",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "responseModalities",
  "candidateCount",
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseLogprobs",
  "logprobs",
  "enableEnhancedCivicAnswers",
  "speechConfig",
  "thinkingConfig",
  "imageConfig",
  "mediaResolution",
]);
export const MAX_STOP_SEQUENCES = 5;

/** `generationConfig`: known fields, `maxOutputTokens` within the model's limit, sampling ranges, ≤ 5 stop sequences. */
export const checkGenerationConfig: RequestCheck = (body, context) => {
  const config = body.generationConfig;
  if (config === undefined) return undefined;
  if (!isPlainObject(config)) {
    return invalidArgument(`Invalid value at 'generation_config', ${JSON.stringify(config)}`);
  }
  const unknown = findUnknownField(config, GENERATION_CONFIG_FIELDS, "generationConfig");
  if (unknown) return unknown;
  const limit = context.model.outputTokenLimit;
  return (
    rangeViolation("maxOutputTokens", config.maxOutputTokens, 1, limit + 1, true) ??
    rangeViolation("temperature", config.temperature, 0, 2.0001, false) ??
    rangeViolation("topP", config.topP, 0, 1.0001, false) ??
    stopSequencesViolation(config.stopSequences)
  );
};

/** Mirrors the service's "supported range is from A (inclusive) to B (exclusive)" wording. */
function rangeViolation(
  name: string,
  value: unknown,
  inclusiveMin: number,
  exclusiveMax: number,
  integer: boolean,
): FakeRejection | undefined {
  if (value === undefined) return undefined;
  const valid =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    value >= inclusiveMin &&
    value < exclusiveMax;
  if (valid) return undefined;
  return invalidArgument(
    `Unable to submit request because it has a ${name} value of ${JSON.stringify(value)} but the supported range is from ${inclusiveMin} (inclusive) to ${exclusiveMax} (exclusive). Update the value and try again.`,
  );
}

function stopSequencesViolation(value: unknown): FakeRejection | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    return invalidArgument(
      `Invalid value at 'generation_config.stop_sequences' (TYPE_STRING), ${JSON.stringify(value)}`,
    );
  }
  if (value.length > MAX_STOP_SEQUENCES) {
    return invalidArgument(
      `Unable to submit request because it has ${value.length} stop sequences but at most ${MAX_STOP_SEQUENCES} are supported. Update the value and try again.`,
    );
  }
  return undefined;
}
