import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/**
 * Servers for one test file: `listen` starts a server on a free loopback port and returns its
 * URL; after each test, every server started is closed, open connections included. `started`
 * is the list, for a test that must cut connections itself.
 */
export function useTestServers(): { listen: (server: Server) => Promise<string>; started: Server[] } {
  const started: Server[] = [];
  afterEach(async () => {
    for (const server of started.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  const listen = async (server: Server) => {
    started.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  return { listen, started };
}
