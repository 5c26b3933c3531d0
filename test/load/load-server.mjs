/**
 * The proxy under load, in its own process so its memory and descriptors can be measured
 * alone. Started by `run-load.mjs` with `--expose-gc` and an IPC channel; answers `stats`
 * messages with RSS, heap, open file descriptors and sockets (after a full GC when asked).
 */
import { readdirSync, readlinkSync } from "node:fs";
import { register } from "node:module";
import { monitorEventLoopDelay } from "node:perf_hooks";

register("./typescript-hooks.mjs", import.meta.url);
const { createServer } = await import("@claude-gemini/node-http");

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const server = createServer({
  apiKey: process.env.LOAD_GEMINI_KEY,
  baseUrl: process.env.LOAD_GEMINI_URL,
  // Retries would blur the count of upstream calls per client request.
  retry: { maxAttempts: 1 },
});

function countDescriptors() {
  let descriptors = 0;
  let sockets = 0;
  for (const name of readdirSync("/proc/self/fd")) {
    descriptors++;
    try {
      if (readlinkSync(`/proc/self/fd/${name}`).startsWith("socket:")) sockets++;
    } catch {
      // Closed between the listing and the look.
    }
  }
  return { descriptors, sockets };
}

process.on("message", (message) => {
  if (message?.type !== "stats") return;
  if (message.gc && typeof globalThis.gc === "function") {
    globalThis.gc();
    globalThis.gc();
  }
  const memory = process.memoryUsage();
  process.send?.({
    type: "stats",
    id: message.id,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    ...countDescriptors(),
  });
  if (message.resetLoopDelay) loopDelay.reset();
});
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: server.address().port });
});
