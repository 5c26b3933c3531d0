/**
 * The URL clients use to reach a proxy listening on `host:port`. A wildcard listen address
 * (`0.0.0.0`, `::`) is not one to connect to, so it becomes the loopback address.
 */
export function formatProxyUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" || host === "[::]" ? "127.0.0.1" : host;
  const bracketed = reachable.includes(":") && !reachable.startsWith("[") ? `[${reachable}]` : reachable;
  return `http://${bracketed}:${port}`;
}
