import { type AnthropicErrorResponse, mapUpstreamError } from "@claude-gemini/core";
import { createWebResponse } from "./create-web-response.js";
import type { HandlerAnswer } from "./handler-core.js";

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
  return createWebResponse(createErrorAnswer(error, requestId, extraHeaders, redact));
}

/** {@link createErrorResponse} as the handler core's answer. */
export function createErrorAnswer(
  error: unknown,
  requestId: string,
  extraHeaders: Record<string, string> = {},
  redact: (text: string) => string = (text) => text,
): HandlerAnswer {
  return answerWithMappedError(mapUpstreamError(error, { requestId }), requestId, extraHeaders, redact);
}

/** {@link createErrorAnswer} for an error already mapped, for a caller that reads the mapping too. */
export function answerWithMappedError(
  mapped: AnthropicErrorResponse,
  requestId: string,
  extraHeaders: Record<string, string> = {},
  redact: (text: string) => string = (text) => text,
): HandlerAnswer {
  // Gemini error messages may quote the key they were sent.
  mapped.body.error.message = redact(mapped.body.error.message);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(mapped.headers)) headers[name.toLowerCase()] = value;
  headers["content-type"] = "application/json";
  headers["request-id"] = requestId;
  for (const [name, value] of Object.entries(extraHeaders)) headers[name.toLowerCase()] = value;
  return { status: mapped.status, headers, body: JSON.stringify(mapped.body) };
}
