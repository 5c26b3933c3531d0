import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createFetchHandler, type FetchHandlerOptions } from "@claude-gemini/fetch-handler";
import { closeServerGracefully, createNodeListener } from "@claude-gemini/node-http";

/** One request Claude Code sent to the proxy, body as received (after content decoding). */
export interface ProxiedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  bodyText: string;
}

/** A node-http proxy that keeps every raw request body it served. */
export interface RecordingProxy {
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the node-http bridge over `createFetchHandler` on a free port, with a thin wrapper
 * that copies each request's body before the handler reads it: the replay test feeds those
 * bodies back through the converters, so it sees exactly what the CLI sent.
 */
export async function startRecordingProxy(options: FetchHandlerOptions): Promise<RecordingProxy> {
  const handler = createFetchHandler(options);
  const requests: ProxiedRequest[] = [];
  const recordingHandler = async (request: Request): Promise<Response> => {
    const bodyText = request.body ? await request.clone().text() : "";
    const url = new URL(request.url);
    requests.push({
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      bodyText,
    });
    return handler(request);
  };
  const server = createServer(createNodeListener(recordingHandler));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => closeServerGracefully(server, { gracePeriodMs: 1000 }),
  };
}
