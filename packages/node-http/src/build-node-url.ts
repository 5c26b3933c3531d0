import type { IncomingMessage } from "node:http";

/**
 * The request's absolute URL: the scheme of the socket, the `Host` header (or `localhost`
 * when it is missing or malformed: routing only needs the path) and the request target.
 */
export function buildNodeUrl(incoming: IncomingMessage): URL {
  const encrypted = (incoming.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const protocol = encrypted ? "https" : "http";
  const path = incoming.url?.startsWith("/") ? incoming.url : `/${incoming.url ?? ""}`;
  const host = incoming.headers.host;
  if (host) {
    try {
      return new URL(`${protocol}://${host}${path}`);
    } catch {
      // A malformed Host header must not stop the request: routing only needs the path.
    }
  }
  return new URL(`${protocol}://localhost${path}`);
}
