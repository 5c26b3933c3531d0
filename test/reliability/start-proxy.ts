import type { AddressInfo } from "node:net";
import { createRequestLogger } from "@claude-gemini/fetch-handler";
import { type CreateServerOptions, createServer } from "@claude-gemini/node-http";
import { type GeminiFake, type StartGeminiFakeOptions, startGeminiFake } from "../gemini-fake/index.js";

/** A node-http proxy on a free loopback port, in front of a Gemini fake, with every log line kept. */
export interface StartedProxy {
  /** e.g. `http://127.0.0.1:PORT` */
  url: string;
  fake: GeminiFake;
  /** Every line the proxy's logger wrote (JSON lines, debug level). */
  logs: string[];
  close(): Promise<void>;
}

export const GEMINI_TEST_KEY = "gemini-key-7f3a9c1e5b";

/**
 * Starts the strict fake and a `createServer` proxy pointed at it. Retries are fast and the
 * timeouts short so fault tests finish in seconds; each may be overridden.
 */
export async function startProxy(
  options: { fake?: StartGeminiFakeOptions; server?: Partial<CreateServerOptions> } = {},
): Promise<StartedProxy> {
  const fake = await startGeminiFake({ apiKey: GEMINI_TEST_KEY, ...options.fake });
  const logs: string[] = [];
  const { logger, onRequestComplete } = createRequestLogger({
    level: "debug",
    format: "json",
    write: (line) => logs.push(line),
  });
  const server = createServer({
    apiKey: GEMINI_TEST_KEY,
    baseUrl: fake.url,
    retry: { maxAttempts: 3, baseDelayMs: 10, maxTotalDelayMs: 1000 },
    idleTimeoutMs: 5000,
    requestTimeoutMs: 8000,
    logger,
    onRequestComplete,
    ...options.server,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    fake,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await fake.close();
    },
  };
}
