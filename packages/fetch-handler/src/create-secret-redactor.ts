/** Google API keys have this shape; a Gemini error may echo one the proxy was never told about. */
const GOOGLE_API_KEY = /AIza[0-9A-Za-z_-]{35}/g;

/** Secrets shorter than this are not searched for: replacing "a" everywhere would garble text. */
const MINIMUM_SECRET_LENGTH = 8;

/**
 * Returns a function that replaces every occurrence of the given secrets (the Gemini key, the
 * proxy key) and anything shaped like a Google API key with `[redacted]`. Gemini error
 * messages sometimes quote the key they were sent; this keeps such text out of error bodies,
 * `error` events and log lines.
 *
 * @example
 * const redact = createSecretRedactor([options.apiKey, options.proxyApiKey]);
 * redact("API key AIza… not valid"); // "API key [redacted] not valid"
 */
export function createSecretRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = [...new Set(secrets)]
    .filter((secret): secret is string => secret !== undefined && secret.length >= MINIMUM_SECRET_LENGTH)
    // Longest first, so a secret that contains another is replaced whole.
    .sort((left, right) => right.length - left.length);
  return (text) => {
    let result = text.replace(GOOGLE_API_KEY, "[redacted]");
    for (const secret of known) result = result.split(secret).join("[redacted]");
    return result;
  };
}
