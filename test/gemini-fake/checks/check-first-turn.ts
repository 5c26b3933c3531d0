import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import type { CheckedContent } from "./content-shape.js";

/** A conversation starts with the user: a leading model turn is a 400. */
export const checkFirstTurn: RequestCheck = (body) => {
  const first = (body.contents as CheckedContent[])[0]!;
  if (first.role !== "user") {
    return invalidArgument(
      "Please ensure that multiturn requests start with a user turn or a function response turn.",
    );
  }
  return undefined;
};
