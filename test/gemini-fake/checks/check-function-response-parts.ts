import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";

/** Media inside `functionResponse.parts` is a Gemini 3 feature; older models refuse it. */
export const checkFunctionResponseParts: RequestCheck = (body, context) => {
  if (context.model.generation3) return undefined;
  for (const [index, content] of (body.contents as CheckedContent[]).entries()) {
    for (const [partIndex, part] of content.parts.entries()) {
      const parts = part.functionResponse?.parts;
      if (parts !== undefined && parts.length > 0) {
        return invalidArgument(
          `* GenerateContentRequest.contents[${index}].parts[${partIndex}].function_response.parts: multimodal function responses are not supported for models/${context.model.id}.\n`,
        );
      }
    }
  }
  return undefined;
};
