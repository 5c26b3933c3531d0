import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";

/** A model turn with function calls must come right after a user (or function response) turn. */
export const checkFunctionCallPlacement: RequestCheck = (body) => {
  const contents = body.contents as CheckedContent[];
  for (const [index, content] of contents.entries()) {
    if (content.role !== "model" || !content.parts.some((part) => part.functionCall)) continue;
    if (contents[index - 1]?.role !== "user") {
      return invalidArgument(
        "Please ensure that function call turn comes immediately after a user turn or after a function response turn.",
      );
    }
  }
  return undefined;
};
