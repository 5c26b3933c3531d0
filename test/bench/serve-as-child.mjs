/**
 * What every bench server child (`serve-*.mjs`) does with its `node:http` server: listens on a
 * free loopback port and reports `{ type: "ready", url }` over IPC, and on `{ type: "stop" }`
 * closes every connection and exits (so `--cpu-prof` writes its profile). `onMessage` hears
 * every other IPC message.
 *
 * @param {import("node:http").Server} server
 * @param {(message: any) => void} [onMessage]
 */
export function serveAsChild(server, onMessage) {
  process.on("message", (message) => {
    if (message?.type === "stop") {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    } else {
      onMessage?.(message);
    }
  });
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the server has no TCP address");
    process.send?.({ type: "ready", url: `http://127.0.0.1:${address.port}` });
  });
}
