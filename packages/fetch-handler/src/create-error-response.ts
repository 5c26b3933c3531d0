import { type AnthropicErrorResponse, mapUpstreamError } from "@claude-gemini/core";

/**
 * An Anthropic-format error response for anything thrown. The body comes from
 * `mapUpstreamError` (the one builder of error bodies), so it carries `request_id` and never
 * a stack trace or an upstream key; `retry-after` rides along on 429 and 529.
 */
export function createErrorResponse(
  error: unknown,
  requestId: string,
  extraHeaders: Record<string, string> = {},
  redact: (text: string) => string = (text) => text,
): Response {
  return respondWithMappedError(mapUpstreamError(error, { requestId }), requestId, extraHeaders, redact);
}

/** {@link createErrorResponse} for an error already mapped, for a caller that reads the mapping too. */
export function respondWithMappedError(
  mapped: AnthropicErrorResponse,
  requestId: string,
  extraHeaders: Record<string, string> = {},
  redact: (text: string) => string = (text) => text,
): Response {
  // Gemini error messages may quote the key they were sent.
  mapped.body.error.message = redact(mapped.body.error.message);
  const headers = new Headers(mapped.headers);
  headers.set("content-type", "application/json");
  headers.set("request-id", requestId);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  return new Response(JSON.stringify(mapped.body), { status: mapped.status, headers });
}
