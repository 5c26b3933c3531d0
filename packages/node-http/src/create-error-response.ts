import { mapUpstreamError } from "@claude-gemini/core";

/**
 * Turns anything thrown inside the Node bridge into an Anthropic error `Response`. The body
 * comes from core's `mapUpstreamError`, the only place that builds error bodies, so clients
 * see the same shape whether the failure was upstream or here.
 */
export function createErrorResponse(
  error: unknown,
  requestId: string,
  extraHeaders: Record<string, string> = {},
) {
  const mapped = mapUpstreamError(error, { requestId });
  const headers = new Headers(mapped.headers as HeadersInit | undefined);
  headers.set("content-type", "application/json");
  headers.set("request-id", requestId);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  const body = typeof mapped.body === "string" ? mapped.body : JSON.stringify(mapped.body);
  return new Response(body, { status: mapped.status, headers });
}
