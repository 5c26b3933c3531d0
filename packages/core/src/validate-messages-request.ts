/**
 * Request validation for `POST /v1/messages` and `POST /v1/messages/count_tokens`.
 *
 * Spec: https://docs.anthropic.com/en/api/messages and
 * https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 *
 * Shapes come from the zod schemas in `anthropic-api.ts`: unknown keys are stripped, unknown
 * block types become `unknown_block`. A hand-written check (`check-messages-request-shape.ts`)
 * goes first and returns the body itself, uncopied, when it is sure zod would accept it; the
 * zod parse runs whenever it is not, so rejections keep zod's messages and paths. On top of the shapes this file enforces the few
 * semantic rules Anthropic also enforces and that would otherwise surface as an opaque
 * Gemini 400 (or be silently reinterpreted):
 *
 * - `model` must have the form of a model id (`check-model-name.ts`): the name ends up in
 *   the upstream URL path, where `%2e%2e`, `\\` or `#` would reach other Gemini resources.
 * - `messages` must not be empty on `/v1/messages` (Gemini rejects empty `contents`);
 *   count_tokens accepts an empty list, since system and tools alone can be counted.
 * - `thinking.budget_tokens` must be at least 1024 and below `max_tokens`. We reject rather
 *   than clamp: Claude Code always sends legal values, and an SDK user pointed at this
 *   server expects the same 400 Anthropic would give, not a different budget than asked.
 *   With the `interleaved-thinking-2025-05-14` beta Anthropic lets the budget exceed
 *   `max_tokens` (it spans all thinking blocks of a turn), so the caller may pass the
 *   request's betas to lift that one rule.
 *
 * Every failure is an {@link InvalidRequestError} naming the first offending path, e.g.
 * `messages.2.content.0.source.data: Expected string, received number`.
 */
import type { z } from "zod";
import {
  type CountTokensRequest,
  countTokensRequestSchema,
  type MessagesRequest,
  messagesRequestSchema,
} from "./anthropic-api.js";
import { checkMessagesRequestShape } from "./check-messages-request-shape.js";
import { checkModelName } from "./check-model-name.js";
import { checkRequestLimits, type RequestLimits } from "./check-request-limits.js";
import { InvalidRequestError } from "./claude-gemini-error.js";

/** Anthropic's lower bound for `thinking.budget_tokens`. */
const MINIMUM_THINKING_BUDGET = 1024;

/** The beta under which Anthropic lets `budget_tokens` reach or exceed `max_tokens`. */
const INTERLEAVED_THINKING_BETA = "interleaved-thinking-2025-05-14";

export interface ValidateRequestOptions {
  /** The request's `anthropic-beta` values, already split on commas. */
  betas?: readonly string[];
  /** Nesting depth, tool count and media size limits, checked before the schema parse. */
  limits?: RequestLimits;
}

/**
 * Parses a `/v1/messages` body. Unknown content block types become `unknown_block`; unknown
 * fields are dropped by the zod parse or, on the fast path, kept but never read; malformed known fields throw an {@link InvalidRequestError}
 * whose `path` names the first problem.
 *
 * @example
 * const request = validateMessagesRequest(await httpRequest.json(), {
 *   betas: httpRequest.headers.get("anthropic-beta")?.split(",").map((beta) => beta.trim()),
 * });
 */
export function validateMessagesRequest(
  body: unknown,
  options: ValidateRequestOptions = {},
): MessagesRequest {
  checkRequestLimits(body, options.limits);
  // The fast check hands back the body itself when it is sure of the shape; zod decides otherwise.
  const request = checkMessagesRequestShape(body) ?? parseBody(messagesRequestSchema, body);
  checkModelName(request.model, "model");
  if (request.messages.length === 0) {
    throw new InvalidRequestError("messages: At least one message is required", { path: "messages" });
  }
  checkThinkingBudget(request, options);
  return request;
}

/**
 * Parses a `/v1/messages/count_tokens` body: the messages body without `max_tokens`. The
 * thinking budget rules apply as on `/v1/messages` (the `max_tokens` rule only when it is sent).
 */
export function validateCountTokensRequest(
  body: unknown,
  options: ValidateRequestOptions = {},
): CountTokensRequest {
  checkRequestLimits(body, options.limits);
  const request =
    checkMessagesRequestShape(body, { maxTokensOptional: true }) ?? parseBody(countTokensRequestSchema, body);
  checkModelName(request.model, "model");
  checkThinkingBudget(request, options);
  return request;
}

function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidRequestError("Request body must be a JSON object");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = firstLeafIssue(result.error.issues, []);
  const path = issue.path.map(String).join(".");
  const input = valueAt(body, issue.path);
  const message =
    issue.expectedTypes && issue.expectedTypes.length > 0 && input !== undefined
      ? `Expected ${[...new Set(issue.expectedTypes.map(describeExpected))].join(" or ")}, received ${describeReceived(input)}`
      : describeIssue(issue.issue, input);
  throw new InvalidRequestError(path ? `${path}: ${message}` : message, {
    path: path || undefined,
    cause: result.error,
  });
}

function checkThinkingBudget(
  request: { thinking?: MessagesRequest["thinking"]; max_tokens?: number | null },
  options: ValidateRequestOptions,
): void {
  const thinking = request.thinking;
  if (thinking?.type !== "enabled") return;
  const path = "thinking.budget_tokens";
  if (thinking.budget_tokens < MINIMUM_THINKING_BUDGET) {
    throw new InvalidRequestError(
      `${path}: Must be greater than or equal to ${MINIMUM_THINKING_BUDGET}, received ${thinking.budget_tokens}`,
      { path },
    );
  }
  const interleaved = options.betas?.some((beta) => beta.trim() === INTERLEAVED_THINKING_BETA) ?? false;
  const maxTokens = request.max_tokens;
  if (!interleaved && typeof maxTokens === "number" && thinking.budget_tokens >= maxTokens) {
    throw new InvalidRequestError(
      `${path}: Must be less than max_tokens (${maxTokens}), received ${thinking.budget_tokens}`,
      { path },
    );
  }
}

type PathSegment = PropertyKey;

interface LeafIssue {
  issue: z.core.$ZodIssue;
  path: PathSegment[];
  /** Set when no union branch fits the value's type at all: "Expected string or array". */
  expectedTypes?: string[];
}

/**
 * Zod reports a failed union (`content: string | Block[]`) as one issue holding every
 * branch's issues. The branch worth reporting is the one the client evidently meant: not
 * a branch that failed on the value's own type, and among the rest the one that got deepest.
 * When every branch failed on the type itself, the message lists the types allowed.
 */
function firstLeafIssue(issues: readonly z.core.$ZodIssue[], prefix: PathSegment[]): LeafIssue {
  const issue = issues[0]!;
  const path = [...prefix, ...issue.path];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) return { issue, path };
  let best: LeafIssue | undefined;
  const expectedTypes: string[] = [];
  for (const branch of issue.errors) {
    if (branch.length === 0) continue;
    const candidate = firstLeafIssue(branch, path);
    if (candidate.issue.code === "invalid_type" && candidate.path.length === path.length) {
      expectedTypes.push(...(candidate.expectedTypes ?? [candidate.issue.expected]));
      continue;
    }
    if (!best || candidate.path.length > best.path.length) best = candidate;
  }
  if (best) return best;
  const first = firstLeafIssue(issue.errors.find((branch) => branch.length > 0) ?? issues, path);
  return { ...first, path, expectedTypes };
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    return "Field required";
  }
  switch (issue.code) {
    case "invalid_type":
      return `Expected ${describeExpected(issue.expected)}, received ${describeReceived(input)}`;
    case "invalid_value":
      return `Expected ${listOptions(issue.values)}, received ${describeValue(input)}`;
    case "invalid_union":
      // A discriminated union whose `type` matched no option; the issue's path ends at `type`.
      if ("options" in issue && Array.isArray(issue.options)) {
        if (input === undefined) return "Field required";
        return `Expected ${listOptions(issue.options)}, received ${describeValue(input)}`;
      }
      return "Input does not match any allowed shape";
    case "too_small":
      return `Must be ${describeBound(issue.origin, issue.inclusive ? "at least" : "more than", issue.minimum)}`;
    case "too_big":
      return `Must be ${describeBound(issue.origin, issue.inclusive ? "at most" : "less than", issue.maximum)}`;
    default:
      return issue.message;
  }
}

function describeExpected(expected: string): string {
  return expected === "int" ? "integer" : expected;
}

function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && !Number.isInteger(value)) return "decimal number";
  return typeof value;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return describeReceived(value);
}

function listOptions(options: readonly unknown[]): string {
  const quoted = options.map(describeValue);
  if (quoted.length === 1) return quoted[0]!;
  return `one of ${quoted.join(", ")}`;
}

function describeBound(origin: string, relation: string, bound: number | bigint): string {
  switch (origin) {
    case "string":
      return `${relation} ${bound} character(s) long`;
    case "array":
    case "set":
      return `${relation} ${bound} item(s) long`;
    default:
      return `${relation} ${bound}`;
  }
}
