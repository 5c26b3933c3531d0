import { checkBuiltInTools } from "./checks/check-built-in-tools.js";
import { checkContents } from "./checks/check-contents.js";
import { checkDeclaredFunctionCalls } from "./checks/check-declared-function-calls.js";
import { checkFirstTurn } from "./checks/check-first-turn.js";
import { checkFunctionCallPlacement } from "./checks/check-function-call-placement.js";
import { checkFunctionResponsePairing } from "./checks/check-function-response-pairing.js";
import { checkFunctionResponseParts } from "./checks/check-function-response-parts.js";
import { checkGenerationConfig } from "./checks/check-generation-config.js";
import { checkParts } from "./checks/check-parts.js";
import { checkServerToolInvocations } from "./checks/check-server-tool-invocations.js";
import { checkStructuredOutput } from "./checks/check-structured-output.js";
import { checkThinkingConfig } from "./checks/check-thinking-config.js";
import { checkThoughtSignatures } from "./checks/check-thought-signatures.js";
import { checkToolConfig } from "./checks/check-tool-config.js";
import { checkToolDeclarations } from "./checks/check-tool-declarations.js";
import { checkTopLevelFields } from "./checks/check-top-level-fields.js";
import { isPlainObject } from "./checks/is-plain-object.js";
import {
  type CheckContext,
  type FakeRejection,
  invalidArgument,
  type RequestCheck,
} from "./fake-rejection.js";

/**
 * The structural rules, shared with countTokens. Order matters: later checks rely on the
 * shapes earlier ones proved (`checkParts` assumes `checkContents` passed).
 */
export const STRUCTURE_CHECKS: readonly RequestCheck[] = [
  checkTopLevelFields,
  checkContents,
  checkParts,
  checkToolDeclarations,
  checkToolConfig,
  checkGenerationConfig,
  checkThinkingConfig,
  checkBuiltInTools,
  checkStructuredOutput,
];

/** Every rule a generate request must pass. */
export const GENERATE_CHECKS: readonly RequestCheck[] = [
  ...STRUCTURE_CHECKS,
  checkFirstTurn,
  checkFunctionCallPlacement,
  checkFunctionResponsePairing,
  checkDeclaredFunctionCalls,
  checkFunctionResponseParts,
  checkThoughtSignatures,
  checkServerToolInvocations,
];

/** Runs `checks` over a generate body; the first violation wins, as with the real service. */
export function validateGenerateRequest(
  body: unknown,
  context: CheckContext,
  checks: readonly RequestCheck[] = GENERATE_CHECKS,
): FakeRejection | undefined {
  if (!isPlainObject(body)) {
    return invalidArgument(`Invalid JSON payload received. Expected an object, got ${JSON.stringify(body)}.`);
  }
  for (const check of checks) {
    const rejection = check(body, context);
    if (rejection) return rejection;
  }
  return undefined;
}
