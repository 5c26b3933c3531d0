import { ClaudeGeminiError } from "@claude-gemini/core";
import type { CorsOptions } from "./apply-cors.js";
import type { HandlerRequest } from "./handler-core.js";

/** What {@link checkKeylessRequest} needs to know of the handler's configuration. */
export interface KeylessRequestOptions {
  /** Answer requests addressed to any host, not only a loopback one. The Origin and content-type rules stay. */
  allowUnauthenticatedRemote?: boolean;
  /** Origins allowed by the CORS policy count as the proxy's own. */
  cors?: CorsOptions;
  /** Whether the route reads a JSON body (`POST /v1/messages`, `POST /v1/messages/count_tokens`). */
  readsBody?: boolean;
}

const LOOPBACK_IPV4 = /^127(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * The rules a proxy without a key applies, so that a web page cannot drive it from a
 * browser on the same machine. Without a key the only thing between the Gemini quota and the
 * world is the loopback address, and a browser reaches loopback for any page it shows:
 *
 * - DNS rebinding: a page on `evil.example` makes its own name resolve to 127.0.0.1 and calls
 *   the proxy as same-origin. Its requests carry `Host: evil.example`, so only a loopback
 *   `Host` (`localhost`, `127.0.0.0/8`, `[::1]`, any port) is served, unless
 *   `allowUnauthenticatedRemote` says the proxy is meant to be reached by other names.
 * - Cross-site requests: a page may send a "simple" request (no preflight) to 127.0.0.1, with a
 *   `text/plain` body or none. Such requests carry an `Origin` that is not loopback, or
 *   `Sec-Fetch-Site: cross-site`; both are refused unless the CORS policy allows the origin.
 *   Routes that read a body take only `content-type: application/json`, which a page cannot
 *   send across sites without a preflight (and the preflight finds no CORS).
 *
 * Returns the error to answer with (403 `permission_error`, or 415 for the content type), or
 * `undefined` when the request may go on. Claude Code and the Anthropic SDKs pass every rule.
 *
 * @example
 * const refusal = checkKeylessRequest(request, { readsBody: true });
 * if (refusal) throw refusal;
 */
export function checkKeylessRequest(
  request: Pick<HandlerRequest, "headers" | "url">,
  options: KeylessRequestOptions = {},
): ClaudeGeminiError | undefined {
  const host = request.headers.get("host") ?? new URL(request.url).host;
  if (options.allowUnauthenticatedRemote !== true && !isLoopbackHost(host)) {
    return refuse(
      `Without PROXY_API_KEY this proxy only answers requests addressed to localhost, 127.0.0.1 or [::1]; this one was addressed to ${JSON.stringify(host.slice(0, 100))}. Set PROXY_API_KEY to serve other names.`,
    );
  }
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (!isLoopbackOrigin(origin) && !isCorsOrigin(origin, options.cors)) {
      return refuse(
        `Without PROXY_API_KEY this proxy refuses requests from web pages of other sites (Origin ${JSON.stringify(origin.slice(0, 100))}). Set PROXY_API_KEY, or allow the origin with CORS_ORIGINS.`,
      );
    }
  } else if (request.headers.get("sec-fetch-site") === "cross-site") {
    return refuse(
      "Without PROXY_API_KEY this proxy refuses requests a web page of another site made (Sec-Fetch-Site: cross-site).",
    );
  }
  if (options.readsBody === true) {
    const contentType = request.headers.get("content-type");
    const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json") {
      return new ClaudeGeminiError({
        status: 415,
        type: "invalid_request_error",
        message: `content-type must be application/json, received ${contentType === null ? "none" : JSON.stringify(contentType.slice(0, 100))}.`,
      });
    }
  }
  return undefined;
}

function refuse(message: string): ClaudeGeminiError {
  return new ClaudeGeminiError({ status: 403, type: "permission_error", message });
}

/** `localhost`, `127.x.y.z` or `[::1]`, each with or without a port. */
function isLoopbackHost(host: string): boolean {
  const lower = host.trim().toLowerCase();
  const name = lower.startsWith("[") ? lower.slice(0, lower.indexOf("]") + 1) : lower.replace(/:\d*$/, "");
  const rest = lower.slice(name.length);
  if (rest !== "" && !/^:\d{1,5}$/.test(rest)) return false;
  return name === "localhost" || name === "[::1]" || LOOPBACK_IPV4.test(name);
}

function isLoopbackOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.host);
}

function isCorsOrigin(origin: string, cors: CorsOptions | undefined): boolean {
  if (cors === undefined) return false;
  return cors.origins === "*" || cors.origins.includes(origin);
}
