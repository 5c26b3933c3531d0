import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type GeminiFake, type StartGeminiFakeOptions, startGeminiFake } from "../gemini-fake/index.js";

/** What {@link useGeminiFake} gives a test file. */
export interface GeminiFakeHarness {
  /** The running fake; read it inside tests and hooks, not at module load (it starts in `beforeAll`). */
  readonly fake: GeminiFake;
  /**
   * Makes `server` listen on a free loopback port unless it already listens, closes it (open
   * connections included) after the current test, and resolves to its base URL.
   */
  listen(server: Server): Promise<string>;
}

/**
 * Registers the hooks every "real server against the Gemini fake" test file needs: the fake
 * starts once before the file's tests and stops after them, and after each test its queue and
 * recorded requests are cleared and every server handed to `listen` is shut.
 *
 * @example
 * const gemini = useGeminiFake({ apiKey: "test-key" });
 * it("answers", async () => {
 *   const url = await gemini.listen(createServer({ apiKey: "test-key", baseUrl: gemini.fake.url }));
 * });
 */
export function useGeminiFake(options: StartGeminiFakeOptions = {}): GeminiFakeHarness {
  let fake: GeminiFake | undefined;
  const servers: Server[] = [];

  beforeAll(async () => {
    fake = await startGeminiFake(options);
  });

  afterAll(async () => {
    await fake?.close();
  });

  afterEach(async () => {
    fake?.reset();
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      // A test may have closed its server already, to check a shutdown.
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    }
  });

  return {
    get fake() {
      if (fake === undefined)
        throw new Error("The Gemini fake starts in beforeAll; read it inside a test or hook.");
      return fake;
    },
    async listen(server) {
      servers.push(server);
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}
