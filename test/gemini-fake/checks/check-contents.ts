import { invalidArgument, type RequestCheck } from "../fake-rejection.js";
import { findUnknownField } from "./find-unknown-field.js";
import { isPlainObject } from "./is-plain-object.js";

const CONTENT_FIELDS = new Set(["role", "parts"]);

/** `contents` must be a non-empty list of `{role: "user" | "model", parts: [non-empty]}`. */
export const checkContents: RequestCheck = (body) => {
  const contents = body.contents;
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) {
    return invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
  }
  if (!Array.isArray(contents)) {
    return invalidArgument(
      `Invalid JSON payload received. Unknown name "contents": Proto field is not repeating, cannot start list.`,
    );
  }
  for (const [index, content] of contents.entries()) {
    if (!isPlainObject(content)) {
      return invalidArgument(
        `Invalid value at 'contents[${index}]' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content), ${JSON.stringify(content)}`,
      );
    }
    const unknown = findUnknownField(content, CONTENT_FIELDS, `contents[${index}]`);
    if (unknown) return unknown;
    if (content.role !== "user" && content.role !== "model") {
      return invalidArgument("Please use a valid role: user, model.");
    }
    if (!Array.isArray(content.parts) || content.parts.length === 0) {
      return invalidArgument(
        `* GenerateContentRequest.contents[${index}].parts: contents.parts must not be empty.\n`,
      );
    }
  }
  return undefined;
};
