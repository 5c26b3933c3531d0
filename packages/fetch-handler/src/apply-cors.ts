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
 * browsers send no credentials on it; every other request goes to `respond`, and its response
 * gets `access-control-allow-origin` when the origin is allowed. A request from an origin
 * not allowed gets no CORS headers at all, so the browser withholds the answer.
 *
 * @example
 * const answer = await applyCors(request, { origins: ["https://app.example.com"] }, () => handle(request));
 */
export async function applyCors(
  request: Request,
  options: CorsOptions,
  respond: () => Promise<Response>,
): Promise<Response> {
  const origin = request.headers.get("origin");
  const allowedOrigin = origin === null ? undefined : matchOrigin(origin, options.origins);
  const requestedMethod = request.headers.get("access-control-request-method");

  if (request.method.toUpperCase() === "OPTIONS" && origin !== null && requestedMethod !== null) {
    const headers = new Headers({ vary: "origin, access-control-request-headers" });
    if (allowedOrigin !== undefined) {
      headers.set("access-control-allow-origin", allowedOrigin);
      headers.set("access-control-allow-methods", ALLOWED_METHODS);
      const allowHeaders =
        options.allowHeaders?.join(", ") ?? request.headers.get("access-control-request-headers");
      if (allowHeaders) headers.set("access-control-allow-headers", allowHeaders);
      headers.set("access-control-max-age", String(options.maxAgeSeconds ?? 600));
    }
    return new Response(null, { status: 204, headers });
  }

  const response = await respond();
  if (allowedOrigin === undefined) return response;
  const headers = new Headers(response.headers);
  headers.set("access-control-allow-origin", allowedOrigin);
  headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  if (options.origins !== "*") headers.append("vary", "origin");
  // A fresh Response: the handler's may carry immutable headers (one from `fetch`, say).
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function matchOrigin(origin: string, allowed: CorsOptions["origins"]): string | undefined {
  if (allowed === "*") return "*";
  return allowed.includes(origin) ? origin : undefined;
}
