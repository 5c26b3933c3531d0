/**
 * The proxy under load, in its own process so its memory and descriptors can be measured
 * alone. Started by `run-load.mjs` with `--expose-gc` and an IPC channel; answers `stats`
 * messages with RSS, heap, open file descriptors and sockets (after a full GC when asked).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { register } from "node:module";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";

register("./typescript-hooks.mjs", import.meta.url);
const { createServer } = await import("@claude-gemini/node-http");

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** The idle memory releases the server ran (on by default; watched here, not tuned). */
const releases = [];
const server = createServer({
  apiKey: process.env.LOAD_GEMINI_KEY,
  baseUrl: process.env.LOAD_GEMINI_URL,
  // Retries would blur the count of upstream calls per client request.
  retry: { maxAttempts: 1 },
  releaseMemoryWhenIdle: { onRelease: (release) => releases.push(release) },
});

/** Longest GC pause, and how many passed 50 ms, since the last reset. */
const gcPauses = { maxMs: 0, over50: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses.maxMs = Math.max(gcPauses.maxMs, entry.duration);
    if (entry.duration > 50) gcPauses.over50++;
  }
}).observe({ entryTypes: ["gc"] });

/**
 * When the proxy saw each client go away (wall clock, ms), keyed by the client's `x-load-id`:
 * the runner splits an abort's latency into "client → proxy" and "proxy → upstream" with it.
 * Listeners of our own next to the proxy's, on what the proxy reacts to: the socket's end or
 * error, or else the response's close, whichever comes first.
 */
let closesSeen = [];
server.on("request", (incoming, outgoing) => {
  const id = Number(incoming.headers["x-load-id"]);
  if (!id) return;
  let seenAt = 0;
  const onGone = () => {
    if (!seenAt && !outgoing.writableFinished) seenAt = performance.timeOrigin + performance.now();
  };
  incoming.socket.on("end", onGone);
  incoming.socket.on("error", onGone);
  outgoing.once("close", () => {
    incoming.socket.off("end", onGone);
    incoming.socket.off("error", onGone);
    onGone();
    if (seenAt) closesSeen.push([id, seenAt]);
  });
});

/**
 * Open descriptors, and how many are sockets. Telling sockets apart takes a readlink per
 * descriptor (~1,300 under load, several ms of the proxy's event loop), so busy samples count
 * descriptors only and leave `sockets` out.
 */
function countDescriptors(withSockets) {
  const names = readdirSync("/proc/self/fd");
  if (!withSockets) return { descriptors: names.length };
  let sockets = 0;
  for (const name of names) {
    try {
      if (readlinkSync(`/proc/self/fd/${name}`).startsWith("socket:")) sockets++;
    } catch {
      // Closed between the listing and the look.
    }
  }
  return { descriptors: names.length, sockets };
}

/**
 * Where the resident pages are, from /proc/self/smaps: the brk heap (glibc's main arena),
 * other anonymous mappings (V8 pages, glibc thread arenas, thread stacks), files (code), and
 * how much of it is transparent huge pages. Linux only; empty elsewhere.
 */
function residentByMapping() {
  let text;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return {};
  }
  const totals = { brkHeap: 0, anonymous: 0, file: 0, hugePages: 0 };
  let bucket = "anonymous";
  for (const line of text.split("\n")) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1];
      bucket = name === "[heap]" ? "brkHeap" : name === "" || name.startsWith("[") ? "anonymous" : "file";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals[bucket] += Number(rss[1]) * 1024;
    const huge = /^AnonHugePages:\s+(\d+) kB/.exec(line);
    if (huge) totals.hugePages += Number(huge[1]) * 1024;
  }
  return totals;
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
    loopDelayMaxMs: loopDelay.max / 1e6,
    gcPauseMaxMs: gcPauses.maxMs,
    gcPausesOver50: gcPauses.over50,
    closesSeen,
    releases,
    ...countDescriptors(message.detail || message.gc),
    ...(message.detail
      ? {
          mappings: residentByMapping(),
          spaces: Object.fromEntries(
            getHeapSpaceStatistics().map((space) => [space.space_name, space.physical_space_size]),
          ),
        }
      : {}),
  });
  closesSeen = [];
  if (message.resetLoopDelay) {
    loopDelay.reset();
    gcPauses.maxMs = 0;
    gcPauses.over50 = 0;
  }
});
process.on("disconnect", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "listening", port: server.address().port });
});
