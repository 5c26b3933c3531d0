import type { HandlerAnswer, HandlerRequest } from "./handler-core.js";

/** Cross-origin access for browser clients; see {@link FetchHandlerOptions.cors}. */
export interface CorsOptions {
  /** Origins allowed to call the proxy (`https://app.example.com`), or `"*"` for any. */
  origins: readonly string[] | "*";
  /**
   * Request headers a browser may send. Default: whatever the preflight asks for, since the
   * Anthropic SDK sends a changing set of `x-stainless-*` headers besides the API's own.
   */
  allowHeaders?: readonly string[];
  /** How long a browser may cache a preflight answer, in seconds. Default 600. */
  maxAgeSeconds?: number;
}

const ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS";
/**
 * What the Anthropic SDK reads from a response besides the body, and what the proxy could not
 * serve (`x-claude-gemini-warnings`), so a browser client can see it too.
 */
const EXPOSED_HEADERS = "request-id, retry-after, retry-after-ms, x-should-retry, x-claude-gemini-warnings";

/**
 * Serves one request under a CORS policy. A preflight (`OPTIONS` with an `Origin` and
 * `Access-Control-Request-Method`) is answered here with 204, before authentication, since
 * browsers send no credentials on it; every other request goes to `respond`, and its answer
 * gets `access-control-allow-origin` when the origin is allowed. A request from an origin
 * not allowed gets no CORS headers at all, so the browser withholds the answer.
 *
 * @example
 * const answer = await applyCors(request, { origins: ["https://app.example.com"] }, () => serve(request));
 */
export async function applyCors(
  request: HandlerRequest,
  options: CorsOptions,
  respond: () => Promise<HandlerAnswer>,
): Promise<HandlerAnswer> {
  const origin = request.headers.get("origin");
  const allowedOrigin = origin === null ? undefined : matchOrigin(origin, options.origins);
  const requestedMethod = request.headers.get("access-control-request-method");

  if (request.method.toUpperCase() === "OPTIONS" && origin !== null && requestedMethod !== null) {
    const headers: Record<string, string> = { vary: "origin, access-control-request-headers" };
    if (allowedOrigin !== undefined) {
      headers["access-control-allow-origin"] = allowedOrigin;
      headers["access-control-allow-methods"] = ALLOWED_METHODS;
      const allowHeaders =
        options.allowHeaders?.join(", ") ?? request.headers.get("access-control-request-headers");
      if (allowHeaders) headers["access-control-allow-headers"] = allowHeaders;
      headers["access-control-max-age"] = String(options.maxAgeSeconds ?? 600);
    }
    return { status: 204, headers, body: null };
  }

  const answer = await respond();
  if (allowedOrigin === undefined) return answer;
  const { headers } = answer;
  headers["access-control-allow-origin"] = allowedOrigin;
  headers["access-control-expose-headers"] = EXPOSED_HEADERS;
  if (options.origins !== "*")
    headers.vary = headers.vary === undefined ? "origin" : `${headers.vary}, origin`;
  return answer;
}

function matchOrigin(origin: string, allowed: CorsOptions["origins"]): string | undefined {
  if (allowed === "*") return "*";
  return allowed.includes(origin) ? origin : undefined;
}
