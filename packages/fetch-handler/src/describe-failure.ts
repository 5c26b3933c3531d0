/** What a log line says instead of a parse error's own message. */
export const UNPARSABLE_ANSWER = "Gemini's answer is not valid JSON (its text is not logged)";

/**
 * The text a log line may carry for a failure. A `SyntaxError` from parsing an upstream answer
 * is never described by its own message: V8 quotes the start of the text it could not parse
 * (`Unexpected token 'A', "AIzaSyD-9t"... is not valid JSON`), and a gateway's error page or a
 * broken body may hold a credential, a few characters of which the redactor cannot recognise.
 *
 * @example
 * logger.warn("countTokens failed", { error: describeFailure(error) });
 */
export function describeFailure(error: unknown): string {
  if (isParseError(error)) return UNPARSABLE_ANSWER;
  if (!(error instanceof Error)) return String(error);
  // The causes too: `fetch failed` alone does not say that the connection was refused.
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    if (cause.message) parts.push(isParseError(cause) ? UNPARSABLE_ANSWER : cause.message);
    cause = cause.cause;
  }
  return parts.join(": ");
}

/** A `SyntaxError`, here always from parsing something Gemini (or a gateway) sent. */
export function isParseError(error: unknown): boolean {
  return error instanceof SyntaxError || (error as { name?: unknown } | null)?.name === "SyntaxError";
}
