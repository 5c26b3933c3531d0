/** The endpoints the handler serves. */
export type RouteName =
  | "messages"
  | "count-tokens"
  | "list-models"
  | "get-model"
  | "health"
  | "probe"
  | "test-connection"
  | "metrics";

/** The outcome of matching a method and path. */
export type RouteMatch =
  | { kind: "route"; name: RouteName; modelId?: string }
  | { kind: "method-not-allowed"; allow: string; name: RouteName }
  | { kind: "not-found" };

interface RouteEntry {
  name: RouteName;
  method: "GET" | "POST";
  pattern: RegExp;
  /** How an error message names the route, e.g. `POST /v1/messages`. */
  shape: string;
  /** What the route is, in words. */
  title: string;
  /** Left out of the list a 404 message shows. */
  hidden?: boolean;
}

// Claude Code adds `?beta=true` and some proxies a trailing slash: the query is ignored
// (the caller passes the pathname) and one trailing slash is tolerated.
const ROUTES: readonly RouteEntry[] = [
  {
    name: "messages",
    method: "POST",
    pattern: /^\/v1\/messages\/?$/,
    shape: "POST /v1/messages",
    title: "the Messages API",
  },
  {
    name: "count-tokens",
    method: "POST",
    pattern: /^\/v1\/messages\/count_tokens\/?$/,
    shape: "POST /v1/messages/count_tokens",
    title: "token counting",
  },
  {
    name: "list-models",
    method: "GET",
    pattern: /^\/v1\/models\/?$/,
    shape: "GET /v1/models",
    title: "the model list",
  },
  {
    name: "get-model",
    method: "GET",
    pattern: /^\/v1\/models\/([^/]+)\/?$/,
    shape: "GET /v1/models/{id}",
    title: "one model",
  },
  {
    name: "health",
    method: "GET",
    pattern: /^\/health\/?$/,
    shape: "GET /health",
    title: "the health check",
  },
  {
    name: "test-connection",
    method: "GET",
    pattern: /^\/test-connection\/?$/,
    shape: "GET /test-connection",
    title: "the Gemini connection test",
  },
  // Served only with the `metrics` option; a 404 otherwise.
  {
    name: "metrics",
    method: "GET",
    pattern: /^\/metrics\/?$/,
    shape: "GET /metrics",
    title: "the Prometheus metrics",
    hidden: true,
  },
  // Claude Code checks that its base URL answers with `HEAD /` and `HEAD /api/hello`.
  {
    name: "probe",
    method: "GET",
    pattern: /^\/(?:api\/hello\/?)?$/,
    shape: "GET /",
    title: "the reachability probe",
    hidden: true,
  },
];

/**
 * Matches a method and pathname to a route. A known path with the wrong method is a 405
 * (with the method to use), anything else a 404. `HEAD` is served like `GET`.
 */
export function routeRequest(method: string, pathname: string): RouteMatch {
  const normalizedMethod = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  let wrongMethod: RouteEntry | undefined;
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    if (route.method !== normalizedMethod) {
      // `POST /` is a client with a wrong base URL, not a misused probe: a 404 listing the routes helps more.
      if (route.name !== "probe") wrongMethod ??= route;
      continue;
    }
    const modelId = match[1] === undefined ? undefined : safeDecode(match[1]);
    return modelId === undefined
      ? { kind: "route", name: route.name }
      : { kind: "route", name: route.name, modelId };
  }
  return wrongMethod === undefined
    ? { kind: "not-found" }
    : { kind: "method-not-allowed", allow: wrongMethod.method, name: wrongMethod.name };
}

/** Longest request path an error message repeats; the rest is cut with `…`. */
const MAX_ECHOED_PATH = 200;

/**
 * The message of a 404 or 405: what was asked for, which route it hit (for a 405), and what
 * the proxy serves, so a client pointed at the wrong base URL or path sees the fix.
 *
 * @example
 * describeRouteMiss("POST", "/v1/complete", { kind: "not-found" });
 * // "No route for POST /v1/complete. This proxy serves POST /v1/messages, …"
 */
export function describeRouteMiss(
  method: string,
  pathname: string,
  match: Exclude<RouteMatch, { kind: "route" }>,
): string {
  const path = pathname.length > MAX_ECHOED_PATH ? `${pathname.slice(0, MAX_ECHOED_PATH)}…` : pathname;
  const verb = method.toUpperCase();
  if (match.kind === "method-not-allowed") {
    const route = ROUTES.find((entry) => entry.name === match.name);
    return `Method ${verb} is not allowed on ${path} (${route?.title ?? match.name}); use ${route?.shape ?? match.allow}.`;
  }
  const served = ROUTES.filter((route) => !route.hidden).map((route) => route.shape);
  return `No route for ${verb} ${path}. This proxy serves ${served.slice(0, -1).join(", ")} and ${served.at(-1)}; Anthropic clients need its base URL without /v1 (e.g. ANTHROPIC_BASE_URL=http://127.0.0.1:8080).`;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
