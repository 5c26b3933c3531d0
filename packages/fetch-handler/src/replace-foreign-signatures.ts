import type {
  GeminiContent,
  GeminiGenerateContentParameters,
  GeminiPart,
  ModelCapabilities,
} from "@claude-gemini/core";
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from "@claude-gemini/core";

/**
 * Makes a converted request safe for a model other than the one that wrote its history (a
 * fallback model): thought signatures are bound to the model that issued them, so every one is
 * dropped, together with the thought parts and empty text parts that only existed to carry one.
 * A model that validates signatures gets Gemini's documented placeholder on the first call of
 * each model turn instead, exactly as the converter treats history from another model.
 */
export function replaceForeignSignatures(
  parameters: GeminiGenerateContentParameters,
  capabilities: Pick<ModelCapabilities, "requiresThoughtSignatures">,
): { value: GeminiGenerateContentParameters; replaced: number } {
  if (!Array.isArray(parameters.contents)) return { value: parameters, replaced: 0 };
  let replaced = 0;
  const contents: GeminiContent[] = [];
  for (const content of parameters.contents as GeminiContent[]) {
    if (content.role !== "model" || content.parts === undefined) {
      contents.push(content);
      continue;
    }
    const parts: GeminiPart[] = [];
    for (const part of content.parts) {
      if (part.thoughtSignature === undefined) {
        if (part.thought !== true) parts.push(part);
        continue;
      }
      replaced++;
      const { thoughtSignature: _dropped, ...rest } = part;
      // A thought or an empty text part only carried the signature; the rest stays as it was.
      if (rest.thought === true || (rest.text === "" && rest.functionCall === undefined)) continue;
      parts.push(rest);
    }
    if (capabilities.requiresThoughtSignatures) {
      const firstCall = parts.findIndex((part) => part.functionCall !== undefined);
      if (firstCall >= 0)
        parts[firstCall] = { ...parts[firstCall], thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR };
    }
    // A turn that held only thoughts says nothing the fallback model can use.
    if (parts.length > 0) contents.push({ ...content, parts });
  }
  return { value: { ...parameters, contents }, replaced };
}
