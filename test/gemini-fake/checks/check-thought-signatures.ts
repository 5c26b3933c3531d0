import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";

/**
 * Signatures must be ones the service issued for this model (or the documented placeholder).
 * On Gemini 3, the current turn — every content after the last user content with ordinary
 * (non-`functionResponse`) parts — must carry one on the first `functionCall` of each model step.
 */
export const checkThoughtSignatures: RequestCheck = (body, context) => {
  const contents = body.contents as CheckedContent[];
  for (const content of contents) {
    for (const part of content.parts) {
      if (part.thoughtSignature !== undefined && !context.isKnownSignature(part.thoughtSignature)) {
        return invalidArgument("Corrupted thought signature.");
      }
    }
  }
  if (!context.model.generation3) return undefined;
  let turnStart = 0;
  for (const [index, content] of contents.entries()) {
    if (content.role === "user" && content.parts.some((part) => !part.functionResponse))
      turnStart = index + 1;
  }
  for (let index = turnStart; index < contents.length; index++) {
    const content = contents[index]!;
    if (content.role !== "model") continue;
    const firstCall = content.parts.find((part) => part.functionCall);
    if (firstCall && firstCall.thoughtSignature === undefined) {
      return invalidArgument(
        `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${firstCall.functionCall!.name}\` , position ${index}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
      );
    }
  }
  return undefined;
};
