/** Google API keys have this shape; a Gemini error may echo one the proxy was never told about. */
const GOOGLE_API_KEY = /AIza[0-9A-Za-z_-]{35}/g;

/**
 * Runs of this many characters, found anywhere in a secret, are replaced wherever they occur:
 * an error message may quote a piece of a key (V8's JSON parse errors quote about ten
 * characters of the text they choke on). Eight random characters of a key are as good as
 * unique in any other text.
 */
const FRAGMENT_LENGTH = 8;

/** Characters keys are made of: a shorter secret is replaced only where none of these surround it. */
const KEY_CHARACTER = /[A-Za-z0-9_-]/;

const REPLACEMENT = "[redacted]";

// Polynomial rolling hash of each window of FRAGMENT_LENGTH characters (Rabin–Karp): a
// secret's fingerprints are computed once, and a text is scanned in one pass.
const BASE = 131;
const MODULUS = 1_000_000_007;
const BASE_POWER = Array.from({ length: FRAGMENT_LENGTH - 1 }).reduce<number>(
  (power) => (power * BASE) % MODULUS,
  1,
);

/**
 * Returns a function that replaces secrets (the Gemini keys, the proxy key) and anything shaped
 * like a Google API key with `[redacted]`. Gemini error messages sometimes quote the key they
 * were sent, whole or in part; this keeps such text out of error bodies, `error` events and log
 * lines:
 *
 * - anything shaped like a Google API key (`AIza` and 35 more characters);
 * - for a secret of 8 characters or more, every run of 8 or more characters that also occurs in
 *   the secret, so a fragment is caught as well as the whole (found by rolling-hash
 *   fingerprints of the secret's 8-character windows, in one pass over the text);
 * - a shorter secret wherever it stands alone, not inside a longer word (replacing "k1" in
 *   "k1s" would garble text and protect nothing).
 *
 * @example
 * const redact = createSecretRedactor([options.apiKey, options.proxyApiKey]);
 * redact("API key AIza… not valid"); // "API key [redacted] not valid"
 */
export function createSecretRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = [...new Set(secrets)].filter(
    (secret): secret is string => secret !== undefined && secret.length > 0,
  );
  const fragments = new Map<number, Set<string>>();
  for (const secret of known.filter((candidate) => candidate.length >= FRAGMENT_LENGTH)) {
    for (let start = 0; start + FRAGMENT_LENGTH <= secret.length; start++) {
      const window = secret.slice(start, start + FRAGMENT_LENGTH);
      const hash = hashWindow(window);
      const windows = fragments.get(hash) ?? new Set<string>();
      windows.add(window);
      fragments.set(hash, windows);
    }
  }
  const shortSecrets = known
    .filter((secret) => secret.length < FRAGMENT_LENGTH)
    .sort((left, right) => right.length - left.length);

  return (text) => {
    let result = text.replace(GOOGLE_API_KEY, REPLACEMENT);
    if (fragments.size > 0) result = replaceFragments(result, fragments);
    for (const secret of shortSecrets) result = replaceStandalone(result, secret);
    return result;
  };
}

function hashWindow(window: string): number {
  let hash = 0;
  for (let index = 0; index < window.length; index++)
    hash = (hash * BASE + window.charCodeAt(index)) % MODULUS;
  return hash;
}

/** Marks every window whose fingerprint (and text) belongs to a secret, then replaces each marked run once. */
function replaceFragments(text: string, fragments: Map<number, Set<string>>): string {
  if (text.length < FRAGMENT_LENGTH) return text;
  let covered: [number, number][] | undefined;
  let hash = hashWindow(text.slice(0, FRAGMENT_LENGTH));
  for (let start = 0; ; start++) {
    const candidates = fragments.get(hash);
    if (candidates?.has(text.slice(start, start + FRAGMENT_LENGTH))) {
      covered ??= [];
      const last = covered.at(-1);
      if (last !== undefined && start <= last[1]) last[1] = start + FRAGMENT_LENGTH;
      else covered.push([start, start + FRAGMENT_LENGTH]);
    }
    const next = start + FRAGMENT_LENGTH;
    if (next >= text.length) break;
    const leaving = (text.charCodeAt(start) * BASE_POWER) % MODULUS;
    hash = (((hash - leaving + MODULUS) % MODULUS) * BASE + text.charCodeAt(next)) % MODULUS;
  }
  if (covered === undefined) return text;
  let result = "";
  let position = 0;
  for (const [from, to] of covered) {
    result += text.slice(position, from) + REPLACEMENT;
    position = to;
  }
  return result + text.slice(position);
}

function replaceStandalone(text: string, secret: string): string {
  let result = "";
  let position = 0;
  for (let found = text.indexOf(secret); found >= 0; found = text.indexOf(secret, found + 1)) {
    const end = found + secret.length;
    if (found < position) continue;
    const before = found > 0 ? text[found - 1]! : "";
    const after = end < text.length ? text[end]! : "";
    if (KEY_CHARACTER.test(before) || KEY_CHARACTER.test(after)) continue;
    result += text.slice(position, found) + REPLACEMENT;
    position = end;
  }
  return result + text.slice(position);
}
