import type { Server } from "node:http";

/** Options of {@link closeServerGracefully}. */
export interface CloseServerOptions {
  /** How long open requests (long streams included) may run on before their sockets are destroyed. Default 30000. */
  gracePeriodMs?: number;
}

const closing = new WeakMap<Server, Promise<void>>();

/**
 * Stops accepting connections, lets requests in flight finish, then resolves. Connections
 * that go idle are closed as soon as they do; whatever still runs after the grace period is
 * destroyed. A second call returns the first call's promise.
 */
export function closeServerGracefully(server: Server, options: CloseServerOptions = {}): Promise<void> {
  const pending = closing.get(server);
  if (pending) return pending;
  const gracePeriodMs = options.gracePeriodMs ?? 30_000;
  const promise = new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    // Keep-alive sockets free up one by one as their responses finish; close each promptly.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), gracePeriodMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
  closing.set(server, promise);
  return promise;
}
