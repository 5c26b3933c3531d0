import {
  type CapabilityCorrection,
  correctModelCapabilities,
  type GeminiGenerateContentParameters,
  type ModelCapabilities,
} from "@claude-gemini/core";
import type { UpstreamFailure } from "./read-upstream-failure.js";

/**
 * The capability correction a refused setting teaches: Gemini refused a generation setting the
 * proxy chose for the model (a thinking level it lacks, a budget on a levels-only model, a limit
 * out of range — `readGeminiFailure`'s `settingRejection`), and the refusal is about what this
 * call sent (`correctModelCapabilities`). `undefined` for every other failure.
 */
export function decideCorrection(
  failure: UpstreamFailure,
  sent: { capabilities: ModelCapabilities; config: GeminiGenerateContentParameters["config"] },
): CapabilityCorrection | undefined {
  const rejection = failure.source === "gemini" ? failure.gemini.settingRejection : undefined;
  if (rejection === undefined) return undefined;
  return correctModelCapabilities(sent.capabilities, rejection, sent.config);
}
