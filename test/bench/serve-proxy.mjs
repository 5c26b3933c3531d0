#!/usr/bin/env node
/**
 * The node-http proxy as the benchmark runs it, in a child process of its own: `createServer`
 * from the built package, pointed at the upstream stand-in, with no retries (a retry would
 * hide an error in the numbers) and no logging, as a production server runs with log level
 * `warn`.
 *
 * Only this harness, never the library, answers two IPC messages: `{ type: "memory" }`
 * (a full GC when the process runs with `--expose-gc`, then `process.memoryUsage()`) and
 * `{ type: "stop" }` (closes the server and exits, so `--cpu-prof` writes its profile).
 */
import { parseArgs } from "node:util";
import { createServer } from "@claude-gemini/node-http";
import { serveAsChild } from "./serve-as-child.mjs";

const { values } = parseArgs({
  options: { upstream: { type: "string" }, "idle-release": { type: "string", default: "on" } },
});
if (!values.upstream) throw new Error("--upstream <url> is required");

const server = createServer({
  apiKey: "bench-key",
  baseUrl: values.upstream,
  retry: { maxAttempts: 1 },
  // The memory part holds 1,000 streams open at once, each on its own upstream connection;
  // the default pool (256) would queue most of them.
  upstreamMaxSockets: 1024,
  // As the command runs it: memory a burst left behind goes back to the OS once idle.
  // `--idle-release off` leaves it out (see run-bench.mjs for when).
  releaseMemoryWhenIdle: values["idle-release"] !== "off",
});

serveAsChild(server, (message) => {
  if (message?.type === "memory") {
    if (message.gc && typeof globalThis.gc === "function") {
      globalThis.gc();
      globalThis.gc();
    }
    process.send?.({ type: "memory", id: message.id, usage: process.memoryUsage() });
  }
});
