import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findPartViolation } from "./find-part-violation.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

const SYSTEM_FIELDS = new Set(["role", "parts"]);

/** Every part of every content (and of `systemInstruction`) is well formed. Run after `checkContents`. */
export const checkParts: RequestCheck = (body) => {
  const contents = body.contents as { parts: unknown[] }[];
  for (const [contentIndex, content] of contents.entries()) {
    for (const [partIndex, part] of content.parts.entries()) {
      const violation = findPartViolation(part, `contents[${contentIndex}].parts[${partIndex}]`);
      if (violation) return violation;
    }
  }
  const system = body.systemInstruction;
  if (system === undefined) return undefined;
  if (!isPlainObject(system) || !Array.isArray(system.parts)) {
    return invalidArgument(
      `Invalid value at 'system_instruction' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), ${JSON.stringify(system)}`,
    );
  }
  const unknown = findUnknownField(system, SYSTEM_FIELDS, "systemInstruction");
  if (unknown) return unknown;
  for (const [partIndex, part] of system.parts.entries()) {
    const violation = findPartViolation(part, `systemInstruction.parts[${partIndex}]`);
    if (violation) return violation;
  }
  return undefined;
};
