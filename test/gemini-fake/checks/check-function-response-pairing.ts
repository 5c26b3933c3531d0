import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";

const COUNT_MESSAGE =
  "Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.";

/**
 * The user turn after a call turn holds exactly one `functionResponse` per call, names (and ids
 * when both sides have one) matching in order; a `functionResponse` anywhere else is a 400.
 */
export const checkFunctionResponsePairing: RequestCheck = (body) => {
  const contents = body.contents as CheckedContent[];
  for (const [index, content] of contents.entries()) {
    const responses = content.parts.flatMap((part) => (part.functionResponse ? [part.functionResponse] : []));
    const previous = contents[index - 1];
    const calls =
      previous?.role === "model"
        ? previous.parts.flatMap((part) => (part.functionCall ? [part.functionCall] : []))
        : [];
    if (content.role === "model") {
      if (responses.length > 0) {
        return invalidArgument(
          "Please ensure that function response turn comes immediately after a function call turn.",
        );
      }
      const ownCalls = content.parts.filter((part) => part.functionCall).length;
      if (ownCalls > 0 && contents[index + 1]?.role !== "user") return invalidArgument(COUNT_MESSAGE);
      continue;
    }
    if (calls.length === 0) {
      if (responses.length > 0) {
        return invalidArgument(
          "Please ensure that function response turn comes immediately after a function call turn.",
        );
      }
      continue;
    }
    if (responses.length !== calls.length) return invalidArgument(COUNT_MESSAGE);
    for (const [position, call] of calls.entries()) {
      const response = responses[position]!;
      if (response.name !== call.name) {
        return invalidArgument(
          `Please ensure that function response names match the function call names of the function call turn. Expected \`${call.name}\` at position ${position}, got \`${response.name}\`.`,
        );
      }
      if (call.id !== undefined && response.id !== undefined && call.id !== response.id) {
        return invalidArgument(
          `Function response id \`${response.id}\` does not match function call id \`${call.id}\` at position ${position}.`,
        );
      }
    }
  }
  return undefined;
};
