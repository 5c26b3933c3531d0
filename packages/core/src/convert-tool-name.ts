/**
 * Gemini function names must start with a letter or `_`, continue with `[A-Za-z0-9_.:-]`
 * and stay within 64 characters (the newest typings allow 128; 64 is safe on every model).
 * Anthropic tool names are looser (MCP tools bring `mcp__server__tool-name`, older ones
 * spaces or non-ASCII), so each name gets a legal Gemini twin that maps back exactly.
 *
 * Spec: https://ai.google.dev/api/caching#FunctionDeclaration
 */

const MAX_LENGTH = 64;
const LEGAL_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const LEGAL_CHARACTER = /^[A-Za-z0-9_.:-]$/;
const HASH_LENGTH = 6;

/** A two-way mapping between Anthropic tool names and the Gemini function names sent for them. */
export interface ToolNameMap {
  /** The Gemini name for an Anthropic tool name (a stable sanitised form for names the map was not built with). */
  toGemini(name: string): string;
  /** The Anthropic name for a Gemini name, or `undefined` when the name is not one of ours. */
  toAnthropic(geminiName: string): string | undefined;
  /** Gemini name → Anthropic name, for every name the map was built with. */
  entries: ReadonlyMap<string, string>;
}

/** Whether Gemini accepts `name` as a function name unchanged. */
function isLegalName(name: string): boolean {
  return name.length <= MAX_LENGTH && LEGAL_NAME.test(name);
}

/**
 * FNV-1a over UTF-16 code units, rendered in base 36. Not cryptographic: it only has to
 * tell apart names that sanitise to the same string, and to be identical on every runtime.
 */
function hashName(name: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(HASH_LENGTH, "0").slice(-HASH_LENGTH);
}

/** Replaces every character Gemini rejects with `_` and makes the first character legal. */
function sanitiseName(name: string): string {
  let sanitised = "";
  for (const character of name) sanitised += LEGAL_CHARACTER.test(character) ? character : "_";
  if (!/^[A-Za-z_]/.test(sanitised)) sanitised = `_${sanitised}`;
  return sanitised;
}

/** The sanitised name cut short enough to carry a `_<hash>` suffix, plus that suffix. */
function withHashSuffix(sanitised: string, original: string, salt = ""): string {
  const suffix = `_${hashName(salt + original)}`;
  return sanitised.slice(0, MAX_LENGTH - suffix.length) + suffix;
}

/**
 * Builds the name map for one request. Legal names are kept as they are. An illegal name is
 * sanitised (illegal characters → `_`); when the result is too long, or collides with another
 * name, it is shortened and given a `_<hash of the original name>` suffix. The outcome depends
 * only on the set of names, not on their order, so the same tools always get the same names.
 *
 * @example
 * const names = createToolNameMap(["Bash", "mcp__github__create issue"]);
 * names.toGemini("mcp__github__create issue"); // "mcp__github__create_issue"
 * names.toAnthropic("mcp__github__create_issue"); // "mcp__github__create issue"
 */
export function createToolNameMap(names: readonly string[]): ToolNameMap {
  const unique = [...new Set(names)];
  const toGeminiNames = new Map<string, string>();
  const toAnthropicNames = new Map<string, string>();

  for (const name of unique) {
    if (isLegalName(name)) {
      toGeminiNames.set(name, name);
      toAnthropicNames.set(name, name);
    }
  }

  const illegal = unique.filter((name) => !isLegalName(name)).sort();
  const sanitisedCounts = new Map<string, number>();
  for (const name of illegal) {
    const sanitised = sanitiseName(name);
    sanitisedCounts.set(sanitised, (sanitisedCounts.get(sanitised) ?? 0) + 1);
  }

  for (const name of illegal) {
    const sanitised = sanitiseName(name);
    const needsSuffix =
      sanitised.length > MAX_LENGTH ||
      toAnthropicNames.has(sanitised) ||
      (sanitisedCounts.get(sanitised) ?? 0) > 1;
    let geminiName = needsSuffix ? withHashSuffix(sanitised, name) : sanitised;
    // A hash collision is astronomically unlikely, but the map must stay one-to-one.
    for (let salt = 1; toAnthropicNames.has(geminiName); salt++) {
      geminiName = withHashSuffix(sanitised, name, String(salt));
    }
    toGeminiNames.set(name, geminiName);
    toAnthropicNames.set(geminiName, name);
  }

  return {
    toGemini(name) {
      const known = toGeminiNames.get(name);
      if (known !== undefined) return known;
      if (isLegalName(name)) return name;
      return withHashSuffix(sanitiseName(name), name);
    },
    toAnthropic(geminiName) {
      return toAnthropicNames.get(geminiName);
    },
    entries: toAnthropicNames,
  };
}
