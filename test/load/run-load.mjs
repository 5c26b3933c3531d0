#!/usr/bin/env node
import { fork } from "node:child_process";
/**
 * Load and leak run, loopback only and bounded in time (not part of `pnpm test`):
 *
 *   pnpm test:load                      # 1,000 concurrent streams for 60 s
 *   pnpm test:soak                      # the same for 15 minutes
 *   node test/load/run-load.mjs --concurrency 200 --duration 20 [--json]
 *
 * The proxy runs in a child process (`load-server.mjs`, with `--expose-gc`) in front of the
 * Gemini fake, which runs here with the client. Each client keeps one streaming request in
 * flight at a time, picking normal, slow, cut (the upstream breaks mid-stream) or aborted
 * (the client goes away mid-stream) at random. The report: requests done, unexpected errors,
 * how streams ended, the proxy's RSS idle / peak / after a GC, its open descriptors and
 * sockets before and after, and how long after a client disconnect the fake saw its upstream
 * call cancelled. Exits 1 when a figure misses its bound.
 */
import { Agent, request as httpRequest } from "node:http";
import { register } from "node:module";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";

register("./typescript-hooks.mjs", import.meta.url);
const { startGeminiFake } = await import("../gemini-fake/index.ts");

const { values: args } = parseArgs({
  options: {
    soak: { type: "boolean", default: false },
    concurrency: { type: "string" },
    duration: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const concurrency = Number(args.concurrency ?? 1000);
const durationSeconds = Number(args.duration ?? (args.soak ? 900 : 60));
const GEMINI_KEY = "load-test-gemini-key";
/** Bounds the run whatever happens: a stuck request must not keep it alive. */
const HARD_STOP_MS = (durationSeconds + 90) * 1000;
const MIX = [
  ["normal", 0.55],
  ["slow", 0.15],
  ["cut", 0.15],
  ["aborted", 0.15],
];
const TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(6);

const hardStop = setTimeout(() => {
  console.error(`load run exceeded ${HARD_STOP_MS} ms; stopping.`);
  process.exit(2);
}, HARD_STOP_MS);
hardStop.unref();

// --- upstream: the fake, told per request what to play by a marker in the prompt -----------------

const fake = await startGeminiFake({ apiKey: GEMINI_KEY });
/** Request id → the fake's record and the time its scenario was planned (≥ its arrival). */
const upstream = new Map();
const scenarios = {
  normal: { kind: "slow", delayMs: 0, between: 100, inner: { kind: "text", text: TEXT, chunks: 10 } },
  slow: { kind: "slow", delayMs: 300, between: 400, inner: { kind: "text", text: TEXT, chunks: 8 } },
  cut: {
    kind: "slow",
    delayMs: 0,
    between: 100,
    inner: { kind: "cut_stream", afterChunks: 3, mode: "reset" },
  },
  aborted: { kind: "slow", delayMs: 0, between: 200, inner: { kind: "text", text: TEXT, chunks: 20 } },
  warmup: { kind: "text", text: "warm", chunks: 2 },
};
fake.setDefault({
  kind: "script",
  handler: (record) => {
    const contents = record.body?.contents ?? [];
    const text =
      contents
        .at(-1)
        ?.parts?.map((part) => part.text ?? "")
        .join("") ?? "";
    const match = /^load (\w+) (\d+)$/.exec(text);
    if (!match) return scenarios.warmup;
    upstream.set(Number(match[2]), { record, plannedAt: performance.now() });
    return scenarios[match[1]] ?? scenarios.warmup;
  },
});

// --- the proxy, in a child process ---------------------------------------------------------------

const child = fork(new URL("./load-server.mjs", import.meta.url), [], {
  execArgv: ["--expose-gc"],
  env: { ...process.env, LOAD_GEMINI_URL: fake.url, LOAD_GEMINI_KEY: GEMINI_KEY },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
const port = await new Promise((resolve, reject) => {
  child.once("error", reject);
  child.once("exit", (code) => reject(new Error(`proxy exited with ${code}`)));
  child.on("message", (message) => {
    if (message.type === "listening") resolve(message.port);
  });
});
let nextStatsId = 1;
function stats(gc = false, resetLoopDelay = false) {
  const id = nextStatsId++;
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.type !== "stats" || message.id !== id) return;
      child.off("message", onMessage);
      resolve(message);
    };
    child.on("message", onMessage);
    child.send({ type: "stats", id, gc, resetLoopDelay });
  });
}

// --- the client ----------------------------------------------------------------------------------

let agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
const results = {
  done: 0,
  unexpected: 0,
  unexpectedSamples: [],
  endings: { message_stop: 0, error: 0, aborted_by_client: 0 },
  byKind: Object.fromEntries([...MIX.map(([kind]) => [kind, 0])]),
  abortLatencies: [],
  abortsNotSeen: 0,
};

function pickKind() {
  let roll = Math.random();
  for (const [kind, share] of MIX) {
    roll -= share;
    if (roll < 0) return kind;
  }
  return "normal";
}

function noteUnexpected(kind, detail) {
  results.unexpected++;
  if (results.unexpectedSamples.length < 10) results.unexpectedSamples.push(`${kind}: ${detail}`);
}

let nextRequestId = 1;
/** One streaming request, read to its end or cut by the client; resolves with what happened. */
function runOne(kind) {
  const id = nextRequestId++;
  const body = JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    stream: true,
    messages: [{ role: "user", content: kind === "warmup" ? "warm up" : `load ${kind} ${id}` }],
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome) => {
      if (settled) return;
      settled = true;
      resolve({ id, kind, ...outcome });
    };
    const outgoing = httpRequest(
      {
        agent,
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/v1/messages",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        let text = "";
        let deltas = 0;
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          text += chunk;
          deltas += chunk.split("event: content_block_delta").length - 1;
          if (kind === "aborted" && deltas >= 2) {
            const abortedAt = performance.now();
            outgoing.destroy();
            finish({ status: response.statusCode, ending: "aborted_by_client", abortedAt });
          }
        });
        response.on("end", () => {
          const ending = text.includes("event: message_stop")
            ? "message_stop"
            : text.includes("event: error")
              ? "error"
              : "none";
          finish({ status: response.statusCode, ending });
        });
        response.on("error", (error) => finish({ status: response.statusCode, ending: "broken", error }));
      },
    );
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error("client timeout")));
    outgoing.on("error", (error) => finish({ status: 0, ending: "broken", error }));
    outgoing.end(body);
  });
}

function record(outcome) {
  results.done++;
  results.byKind[outcome.kind] = (results.byKind[outcome.kind] ?? 0) + 1;
  if (outcome.ending in results.endings) results.endings[outcome.ending]++;
  const expected = {
    normal: "message_stop",
    slow: "message_stop",
    cut: "error",
    aborted: "aborted_by_client",
  }[outcome.kind];
  if (outcome.status !== 200 || outcome.ending !== expected) {
    noteUnexpected(
      outcome.kind,
      `status ${outcome.status}, ending ${outcome.ending} ${outcome.error?.message ?? ""}`,
    );
  }
  if (outcome.kind === "aborted" && outcome.ending === "aborted_by_client") {
    pendingAborts.push(outcome);
  } else {
    upstream.delete(outcome.id);
  }
}

/** Aborted requests whose cancellation the fake has yet to see. */
let pendingAborts = [];
function collectAbortLatencies(final) {
  const waiting = [];
  for (const outcome of pendingAborts) {
    const seen = upstream.get(outcome.id);
    if (seen?.record.aborted) {
      // plannedAt is a little after arrival, so this overestimates the latency if anything.
      results.abortLatencies.push(seen.plannedAt + seen.record.abortedAfterMs - outcome.abortedAt);
      upstream.delete(outcome.id);
    } else if (final) {
      results.abortsNotSeen++;
      noteUnexpected("aborted", `upstream call ${outcome.id} never saw the client go away`);
    } else {
      waiting.push(outcome);
    }
  }
  pendingAborts = waiting;
}

const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));

// Warm up (JIT, pools), then measure the idle proxy with fresh client connections.
await Promise.all(Array.from({ length: 50 }, () => runOne("warmup")));
agent.destroy();
agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
await sleep(6000); // the fake closes the proxy's idle upstream sockets after 5 s
const idle = await stats(true, true);
const clientLoopDelay = monitorEventLoopDelay({ resolution: 10 });
clientLoopDelay.enable();

let peakRss = idle.rss;
let peakSockets = idle.sockets;
const sampler = setInterval(async () => {
  const sample = await stats(false);
  peakRss = Math.max(peakRss, sample.rss);
  peakSockets = Math.max(peakSockets, sample.sockets);
  collectAbortLatencies(false);
  // Keep the fake's request log from growing over a long soak; records we need are held above.
  fake.reset();
}, 1000);

const startedAt = performance.now();
const deadline = startedAt + durationSeconds * 1000;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) record(await runOne(pickKind()));
  }),
);
const elapsedSeconds = (performance.now() - startedAt) / 1000;
clearInterval(sampler);
const busy = await stats(false);
clientLoopDelay.disable();

await sleep(500);
collectAbortLatencies(true);
agent.destroy();
await sleep(6000);
const afterGc = await stats(true);
// V8 hands freed pages back to the OS only after a while without allocation (the bench saw
// about 8 s), so RSS is read again once the idle proxy has settled; the bound uses that reading.
await sleep(15000);
const after = await stats(true);

// --- report ---------------------------------------------------------------------------------------

const latencies = results.abortLatencies.sort((left, right) => left - right);
const percentile = (share) =>
  latencies.length === 0
    ? 0
    : latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))];
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const rssGrowth = after.rss / idle.rss - 1;
const checks = {
  "unexpected errors = 0": results.unexpected === 0,
  "every stream ended with message_stop or error":
    results.endings.message_stop + results.endings.error + results.endings.aborted_by_client === results.done,
  "RSS settled after GC within 20% of idle": rssGrowth <= 0.2,
  "no descriptors left open": after.descriptors <= idle.descriptors,
  "no sockets left open": after.sockets <= idle.sockets,
  "upstream aborted within 100 ms (max)": latencies.length > 0 && latencies.at(-1) <= 100,
};
const rows = [
  ["mode", args.soak ? "soak" : "load"],
  ["concurrency", concurrency],
  ["duration", `${elapsedSeconds.toFixed(1)} s`],
  ["requests done", results.done],
  ["requests per second", (results.done / elapsedSeconds).toFixed(0)],
  [
    "by kind",
    Object.entries(results.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", "),
  ],
  ["unexpected errors", results.unexpected],
  ["ended with message_stop", results.endings.message_stop],
  ["ended with error event", results.endings.error],
  ["cut by the client", results.endings.aborted_by_client],
  [
    "RSS idle / peak / after GC / settled",
    `${megabytes(idle.rss)} / ${megabytes(peakRss)} / ${megabytes(afterGc.rss)} / ${megabytes(after.rss)} (${(rssGrowth * 100).toFixed(1)}%)`,
  ],
  ["heap used idle / after GC", `${megabytes(idle.heapUsed)} / ${megabytes(after.heapUsed)}`],
  ["heap total / external after GC", `${megabytes(after.heapTotal)} / ${megabytes(after.external)}`],
  [
    "event-loop delay p99 proxy / client+fake",
    `${busy.loopDelayP99Ms.toFixed(0)} / ${(clientLoopDelay.percentile(99) / 1e6).toFixed(0)} ms`,
  ],
  ["descriptors before / after", `${idle.descriptors} / ${after.descriptors}`],
  ["sockets before / peak / after", `${idle.sockets} / ${peakSockets} / ${after.sockets}`],
  [
    "upstream abort latency p50 / p95 / max",
    `${percentile(0.5).toFixed(1)} / ${percentile(0.95).toFixed(1)} / ${(latencies.at(-1) ?? 0).toFixed(1)} ms (${latencies.length} aborts)`,
  ],
];
const width = Math.max(...rows.map(([name]) => name.length));
console.log("");
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
console.log("");
for (const [name, passed] of Object.entries(checks)) console.log(`${passed ? "PASS" : "FAIL"}  ${name}`);
if (results.unexpectedSamples.length > 0)
  console.log(`\nunexpected, first ones:\n  ${results.unexpectedSamples.join("\n  ")}`);
if (args.json) console.log(JSON.stringify({ rows: Object.fromEntries(rows), checks }));

child.disconnect();
await fake.close();
process.exit(Object.values(checks).every(Boolean) ? 0 : 1);
