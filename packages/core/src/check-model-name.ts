import { InvalidRequestError } from "./claude-gemini-error.js";

/**
 * The form of a model name a client may send: letters, digits, `.`, `_` and `-` (the form
 * Gemini model ids take), after at most one `models/`, `google/` or `anthropic/` prefix. The
 * `@google/genai` client puts the name into the upstream URL path, and it stops `..`, `?` and
 * `&` but not `%2e%2e`, `\` or `#`: `gemini-x/%2e%2e/%2e%2e/cachedContents#` would otherwise
 * turn a generate call into a call on another Gemini resource, made with the operator's key.
 */
const MODEL_NAME = /^(?:(?:models|google|anthropic)\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/i;

/** Longer than any Gemini or Claude id by far; a bound keeps error messages and logs short. */
const MAX_MODEL_NAME_LENGTH = 256;

/** How much of a refused name the error message quotes. */
const QUOTED_LENGTH = 80;

/**
 * Whether `name` has the form of a model id (see {@link checkModelName}). Hosts use it on
 * configured names at start-up.
 *
 * @example
 * isValidModelName("models/gemini-2.5-pro"); // true
 * isValidModelName("gemini-x/%2e%2e/cachedContents#"); // false
 */
export function isValidModelName(name: string): boolean {
  return name.length <= MAX_MODEL_NAME_LENGTH && MODEL_NAME.test(name);
}

/**
 * Throws a 400 {@link InvalidRequestError} naming `field` when `name` is not of the form a model
 * id takes: letters, digits, `.`, `_` and `-`, after an optional `models/`, `google/` or
 * `anthropic/` prefix, at most 256 characters. Everything a client names a model with passes
 * here before it can reach an upstream URL or a response header.
 *
 * @example
 * checkModelName(request.model, "model");
 */
export function checkModelName(name: string, field: string): void {
  if (isValidModelName(name)) return;
  const quoted = JSON.stringify(name.slice(0, QUOTED_LENGTH)).replace(/[^\x20-\x7e]/g, escapeCharacter);
  throw new InvalidRequestError(
    `${field}: Expected a model name of letters, digits, ".", "_" and "-" (optionally after "models/"), at most ${MAX_MODEL_NAME_LENGTH} characters; received ${quoted}${name.length > QUOTED_LENGTH ? "…" : ""}`,
    { path: field },
  );
}

function escapeCharacter(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
