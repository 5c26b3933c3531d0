/** The endpoints the handler serves. */
export type RouteName =
  | "messages"
  | "count-tokens"
  | "list-models"
  | "get-model"
  | "health"
  | "test-connection";

/** The outcome of matching a method and path. */
export type RouteMatch =
  | { kind: "route"; name: RouteName; modelId?: string }
  | { kind: "method-not-allowed"; allow: string }
  | { kind: "not-found" };

interface RouteEntry {
  name: RouteName;
  method: "GET" | "POST";
  pattern: RegExp;
}

// Claude Code adds `?beta=true` and some proxies a trailing slash: the query is ignored
// (the caller passes the pathname) and one trailing slash is tolerated.
const ROUTES: readonly RouteEntry[] = [
  { name: "messages", method: "POST", pattern: /^\/v1\/messages\/?$/ },
  { name: "count-tokens", method: "POST", pattern: /^\/v1\/messages\/count_tokens\/?$/ },
  { name: "list-models", method: "GET", pattern: /^\/v1\/models\/?$/ },
  { name: "get-model", method: "GET", pattern: /^\/v1\/models\/([^/]+)\/?$/ },
  { name: "health", method: "GET", pattern: /^\/health\/?$/ },
  { name: "test-connection", method: "GET", pattern: /^\/test-connection\/?$/ },
];

/**
 * Matches a method and pathname to a route. A known path with the wrong method is a 405
 * (with the method to use), anything else a 404. `HEAD` is served like `GET`.
 */
export function routeRequest(method: string, pathname: string): RouteMatch {
  const normalizedMethod = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  let allowed: string | undefined;
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    if (route.method !== normalizedMethod) {
      allowed ??= route.method;
      continue;
    }
    const modelId = match[1] === undefined ? undefined : safeDecode(match[1]);
    return modelId === undefined
      ? { kind: "route", name: route.name }
      : { kind: "route", name: route.name, modelId };
  }
  return allowed === undefined ? { kind: "not-found" } : { kind: "method-not-allowed", allow: allowed };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
