import { checkContents } from "./checks/check-contents.js";
import { checkParts } from "./checks/check-parts.js";
import { findUnknownField } from "./checks/find-unknown-field.js";
import { isPlainObject } from "./checks/is-plain-object.js";
import { type CheckContext, type FakeRejection, invalidArgument } from "./fake-rejection.js";
import { STRUCTURE_CHECKS, validateGenerateRequest } from "./validate-generate-request.js";

const COUNT_TOKENS_FIELDS = new Set(["contents", "generateContentRequest"]);

/**
 * Validates a countTokens body: either `contents`, or a whole `generateContentRequest` (which
 * must name its `model`) checked like a generate request's structure. Conversation rules and
 * signatures are not enforced when counting.
 */
export function validateCountTokensRequest(body: unknown, context: CheckContext): FakeRejection | undefined {
  if (!isPlainObject(body)) {
    return invalidArgument(`Invalid JSON payload received. Expected an object, got ${JSON.stringify(body)}.`);
  }
  const unknown = findUnknownField(body, COUNT_TOKENS_FIELDS, "");
  if (unknown) return unknown;
  const request = body.generateContentRequest;
  if (request !== undefined && body.contents !== undefined) {
    return invalidArgument(
      "* CountTokensRequest: contents and generate_content_request are mutually exclusive.\n",
    );
  }
  if (request === undefined) {
    return validateGenerateRequest(body, context, [checkContents, checkParts]);
  }
  if (!isPlainObject(request)) {
    return invalidArgument(`Invalid value at 'generate_content_request', ${JSON.stringify(request)}`);
  }
  if (typeof request.model !== "string" || !request.model.startsWith("models/")) {
    return invalidArgument(
      "* CountTokensRequest.generate_content_request.model: unexpected model name format; expected models/{model}.\n",
    );
  }
  return validateGenerateRequest(request, context, STRUCTURE_CHECKS);
}
