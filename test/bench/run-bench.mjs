#!/usr/bin/env node
/**
 * `pnpm bench`: what the proxy costs, as ratios to work measured in the same run on the same
 * machine. Prints three tables and the overhead budget of issue 5 (each line MET or MISSED).
 * Never run by the test suite: timings on shared machines make poor pass/fail tests.
 *
 *   1. core: µs per conversion next to one `JSON.stringify` of the same object;
 *   2. HTTP: autocannon straight at a Gemini REST stand-in, through a bare Node pass-through
 *      (`serve-pass-through.mjs`, the floor any proxy stands on) and through the node-http proxy
 *      (all child processes), alternated; plus time to the first event of a stream;
 *   3. memory: RSS of a fresh proxy holding 1,000 streams open, and after they end.
 *
 * The packages run from their built `dist` (`pnpm bench` builds first), as users run them.
 *
 * Flags: --duration <s> (5) --warmup <s> (10, per case and side) --rounds <n> (1) --connections <list> (1,16)
 *   --ttfe-samples <n> (200) --streams <n> (1000) --core-ms <ms> (1000)
 *   --only <core,http,memory> --profile <dir> (runs the proxy under --cpu-prof, summarises)
 *   --cases <small,claude,stream,paced> (the HTTP cases to run; default all four)
 *   --json <file> (also writes every figure as JSON)
 *   --paced-ms <ms> (5: the gap between chunks of the paced stream, measured at 16 connections
 *   next to the burst stream, which stays the budget line)
 *   --no-memory-flags (the proxy runs with V8's default young generation instead of the
 *   `--max-semi-space-size=8` the Docker image sets, for comparison)
 *   --idle-release <off|on> (off: the HTTP part's proxy runs without `releaseMemoryWhenIdle`;
 *   on, as the command runs it, the release fires in some of the ten-odd-second waits while the
 *   other sides run, and the runs of the next 10–15 s of load pay for faulting the freed memory
 *   back in. The memory part always runs it on: it is what that part measures. BENCHMARKS.md,
 *   round 10.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { checkBudget } from "./check-budget.mjs";
import { formatTable } from "./format-table.mjs";
import { measureCore } from "./measure-core.mjs";
import { measureHttp, measureTimeToFirstEvent, prepareCase } from "./measure-http.mjs";
import { measureMemory } from "./measure-memory.mjs";
import { startChild } from "./start-child.mjs";
import { summariseCpuProfile } from "./summarise-cpu-profile.mjs";

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    warmup: { type: "string", default: "10" },
    rounds: { type: "string", default: "1" },
    connections: { type: "string", default: "1,16" },
    "ttfe-samples": { type: "string", default: "200" },
    streams: { type: "string", default: "1000" },
    "core-ms": { type: "string", default: "1000" },
    only: { type: "string", default: "core,http,memory" },
    profile: { type: "string" },
    json: { type: "string" },
    "no-memory-flags": { type: "boolean", default: false },
    "idle-release": { type: "string", default: "off" },
    "paced-ms": { type: "string", default: "5" },
    cases: { type: "string", default: "small,claude,stream,paced" },
  },
});
if (flags["idle-release"] !== "on" && flags["idle-release"] !== "off") {
  throw new Error("--idle-release takes on or off");
}
const caseKeys = new Set(flags.cases.split(","));
const parts = new Set(flags.only.split(","));
const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const log = (line) => console.log(line);
const megabytes = (bytes) => bytes / (1024 * 1024);

const requestBody = JSON.parse(readFileSync(here("fixtures/claude-code-request.json"), "utf8"));
const smallBody = {
  model: "claude-haiku-4-5",
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello" }],
};

/** Every figure of the run, for `--json` and for the budget. */
const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version },
};
const budget = [];

console.log(`claude-gemini benchmark, ${report.date}`);
console.log(`${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}\n`);

if (parts.has("core")) {
  console.log("## 1. Core conversions (in this process)\n");
  const rows = measureCore({ requestBody, budgetMs: Number(flags["core-ms"]) });
  report.core = rows;
  console.log(
    formatTable(
      ["conversion", "µs per conversion", "µs per JSON.stringify", "ratio"],
      rows.map((row) => [row.name, row.conversion, row.stringify, row.ratio]),
    ),
  );
  console.log(
    `\nRequest = validateMessagesRequest + convertToGeminiRequest of the ${JSON.stringify(requestBody).length}-byte fixture; the stringify is of the parsed body.\n`,
  );
  const warm = rows.find((row) => row.budget === "request");
  budget.push(
    checkBudget({
      name: "core conversion of the Claude-Code-size request (warm) vs one JSON.stringify",
      measured: warm.ratio,
      limit: 0.5,
      kind: "at-most",
      unit: "×",
    }),
  );
}

/** @type {Awaited<ReturnType<typeof startChild>> | undefined} */
let upstream;
if (parts.has("http") || parts.has("memory")) {
  upstream = await startChild(here("serve-upstream-stand-in.mjs"), {
    args: ["--chunks", "200", "--paced-ms", flags["paced-ms"]],
  });
}

/**
 * The proxy runs as the Docker image runs it (`NODE_OPTIONS=--max-semi-space-size=8`, see
 * docs/deploy.md): V8's default lets the young generation grow to 3 × 16 MB under a burst.
 */
const proxyV8Flags = flags["no-memory-flags"] ? [] : ["--max-semi-space-size=8"];
console.log(`proxy V8 flags: ${proxyV8Flags.join(" ") || "none (V8 defaults)"}`);
console.log(
  `proxy idle memory release in the HTTP part: ${flags["idle-release"]} (always on in the memory part)\n`,
);

const pacedCaseName = `200-chunk stream paced ${flags["paced-ms"]} ms/chunk (Gemini-like, not a budget line)`;

if (parts.has("http")) {
  const profileArguments = flags.profile ? ["--cpu-prof", `--cpu-prof-dir=${flags.profile}`] : [];
  // Throughput is measured warm, as the pass-through is: with the idle release on, the proxy
  // hands its heap back in some of its waits for a turn, and the next runs fault it back in.
  const proxy = await startChild(here("serve-proxy.mjs"), {
    args: ["--upstream", upstream.url, "--idle-release", flags["idle-release"]],
    execArgv: [...proxyV8Flags, ...profileArguments],
  });
  // The reference line runs with the proxy's V8 flags: same memory settings, same floor.
  const passThrough = await startChild(here("serve-pass-through.mjs"), {
    args: ["--upstream", upstream.url],
    execArgv: proxyV8Flags,
  });
  const passThroughUrl = passThrough.url;
  try {
    const definitions = [
      { key: "small", name: "small request", body: smallBody },
      { key: "claude", name: "Claude-Code-size request", body: { ...requestBody, stream: false } },
      { key: "stream", name: "200-chunk stream", body: { ...smallBody, stream: true } },
      // Not a budget line: the same stream paced like Gemini's, so readers see what the proxy
      // costs on a realistic stream next to the burst above (the honest worst case). Its streams
      // last a second each: the burst case before it has warmed the same code.
      {
        key: "paced",
        name: pacedCaseName,
        body: { ...smallBody, model: "gemini-bench-paced", stream: true },
        connections: [16],
        warmup: false,
      },
    ];
    const cases = [];
    for (const { key, ...definition } of definitions) {
      if (!caseKeys.has(key)) continue;
      cases.push(await prepareCase({ ...definition, proxyUrl: proxy.url, passThroughUrl, upstream }));
    }
    console.log(
      "## 2. HTTP: straight to the upstream stand-in, through a bare pass-through, through the node-http proxy\n",
    );
    for (const httpCase of cases) {
      console.log(
        `${httpCase.name}: ${httpCase.proxy.body.length} B to the proxy, ${httpCase.direct.body.length} B to Gemini`,
      );
    }
    const rows = await measureHttp(cases, {
      connections: flags.connections.split(",").map(Number),
      durationSeconds: Number(flags.duration),
      warmupSeconds: Number(flags.warmup),
      rounds: Number(flags.rounds),
      log,
      pids: { direct: upstream.child.pid, passThrough: passThrough.child.pid, proxy: proxy.child.pid },
    });
    const streamCase = cases.find((httpCase) => httpCase.name === "200-chunk stream");
    const ttfe = streamCase
      ? {
          direct: await measureTimeToFirstEvent(streamCase.direct, Number(flags["ttfe-samples"])),
          proxy: await measureTimeToFirstEvent(streamCase.proxy, Number(flags["ttfe-samples"])),
        }
      : { direct: { p50: Number.NaN, p99: Number.NaN }, proxy: { p50: Number.NaN, p99: Number.NaN } };
    report.http = rows;
    report.timeToFirstEvent = ttfe;
    console.log("");
    console.log(
      formatTable(
        [
          "case",
          "conn",
          "direct req/s",
          "pass-through req/s",
          "proxy req/s",
          "proxy/direct",
          "proxy/pass-through",
          "direct p50 ms",
          "proxy p50 ms",
          "added p50 ms",
          "direct p99 ms",
          "proxy p99 ms",
          "added p99 ms",
          "errors d/p",
        ],
        rows.map((row) => [
          row.name,
          row.connections,
          row.direct.requestsPerSecond,
          row.passThrough?.requestsPerSecond ?? Number.NaN,
          row.proxy.requestsPerSecond,
          row.proxy.requestsPerSecond / row.direct.requestsPerSecond,
          row.proxy.requestsPerSecond / (row.passThrough?.requestsPerSecond ?? Number.NaN),
          row.direct.p50,
          row.proxy.p50,
          row.proxy.p50 - row.direct.p50,
          row.direct.p99,
          row.proxy.p99,
          row.proxy.p99 - row.direct.p99,
          `${row.direct.errors}/${row.proxy.errors}`,
        ]),
      ),
    );
    console.log(
      "\nCPU time of the serving process per request (Linux; median of the rounds): the stand-in's for the direct runs. It moves less with a busy machine than req/s does.\n",
    );
    console.log(
      formatTable(
        ["case", "conn", "direct µs", "pass-through µs", "proxy µs", "pass-through µs / proxy µs"],
        rows.map((row) => [
          row.name,
          row.connections,
          row.direct.cpuMicrosPerRequest ?? Number.NaN,
          row.passThrough?.cpuMicrosPerRequest ?? Number.NaN,
          row.proxy.cpuMicrosPerRequest ?? Number.NaN,
          (row.passThrough?.cpuMicrosPerRequest ?? Number.NaN) /
            (row.proxy.cpuMicrosPerRequest ?? Number.NaN),
        ]),
      ),
    );
    const pacedRow = rows.find((row) => row.name === pacedCaseName);
    if (pacedRow) {
      console.log(
        `\nPaced stream, 16 connections: proxy/direct ${(pacedRow.proxy.requestsPerSecond / pacedRow.direct.requestsPerSecond).toFixed(3)}×, added p50 ${(pacedRow.proxy.p50 - pacedRow.direct.p50).toFixed(2)} ms, added p99 ${(pacedRow.proxy.p99 - pacedRow.direct.p99).toFixed(2)} ms, errors ${pacedRow.direct.errors}/${pacedRow.proxy.errors} (direct/proxy).`,
      );
    }
    console.log(
      `\nTime to first event of a 200-chunk stream, ${flags["ttfe-samples"]} requests one after another on one connection:\n`,
    );
    console.log(
      formatTable(
        ["", "p50 ms", "p99 ms"],
        [
          ["direct", ttfe.direct.p50, ttfe.direct.p99],
          ["proxy", ttfe.proxy.p50, ttfe.proxy.p99],
          ["added", ttfe.proxy.p50 - ttfe.direct.p50, ttfe.proxy.p99 - ttfe.direct.p99],
        ],
      ),
    );
    console.log("");

    const find = (name, connections) =>
      rows.find((row) => row.name === name && row.connections === connections);
    const ratio = (row) => (row ? row.proxy.requestsPerSecond / row.direct.requestsPerSecond : Number.NaN);
    const toPassThrough = (row) =>
      row?.passThrough ? row.proxy.requestsPerSecond / row.passThrough.requestsPerSecond : Number.NaN;
    // Issue 15, item 6: the proxy measured against the bare pass-through of the same run.
    for (const connections of flags.connections.split(",").map(Number)) {
      const streamLine = find("200-chunk stream", connections);
      budget.push(
        checkBudget({
          name: `200-chunk streams, ${connections} connection(s), proxy/pass-through (errors: ${streamLine?.proxy.errors ?? "n/a"})`,
          measured: toPassThrough(streamLine),
          limit: 0.5,
          kind: "at-least",
          unit: "×",
          extra: streamLine?.proxy.errors === 0,
        }),
        checkBudget({
          name: `small requests, ${connections} connection(s), proxy/pass-through`,
          measured: toPassThrough(find("small request", connections)),
          limit: 0.8,
          kind: "at-least",
          unit: "×",
        }),
      );
    }
    budget.push(
      checkBudget({
        name: "throughput, Claude-Code-size request, 16 connections, proxy/direct",
        measured: ratio(find("Claude-Code-size request", 16)),
        limit: 0.25,
        kind: "at-least",
        unit: "×",
      }),
      checkBudget({
        name: "throughput, small request, 16 connections, proxy/direct",
        measured: ratio(find("small request", 16)),
        limit: 0.2,
        kind: "at-least",
        unit: "×",
      }),
    );
    for (const name of ["small request", "Claude-Code-size request", "200-chunk stream"]) {
      const row = find(name, 1);
      budget.push(
        checkBudget({
          name: `added p50 latency, ${name}, 1 connection`,
          measured: row ? row.proxy.p50 - row.direct.p50 : Number.NaN,
          limit: 2,
          kind: "at-most",
          unit: " ms",
        }),
      );
    }
    const streamRow = find("200-chunk stream", 16);
    budget.push(
      checkBudget({
        name: `streaming throughput, 200-chunk streams, 16 connections, proxy/direct (errors: ${streamRow?.proxy.errors ?? "n/a"})`,
        measured: ratio(streamRow),
        limit: 0.5,
        kind: "at-least",
        unit: "×",
        extra: streamRow?.proxy.errors === 0,
      }),
      checkBudget({
        name: "time to first event, added p50",
        measured: ttfe.proxy.p50 - ttfe.direct.p50,
        limit: 2,
        kind: "at-most",
        unit: " ms",
      }),
    );
  } finally {
    await proxy.stop();
    await passThrough.stop();
  }
  if (flags.profile) {
    console.log(`## CPU profile of the proxy (${flags.profile})\n`);
    console.log(summariseCpuProfile(flags.profile, { top: 25 }));
    console.log("");
  }
}

if (parts.has("memory")) {
  console.log(`## 3. Memory of a fresh proxy process with ${flags.streams} streams open at once\n`);
  const proxy = await startChild(here("serve-proxy.mjs"), {
    args: ["--upstream", upstream.url],
    execArgv: [...proxyV8Flags, "--expose-gc"],
  });
  try {
    const memory = await measureMemory({ proxy, streams: Number(flags.streams), log });
    report.memory = memory;
    console.log(
      formatTable(
        ["moment", "RSS MB", "heap used MB", "external + buffers MB"],
        [
          [
            "idle (warmed up, after GC)",
            megabytes(memory.idle.rss),
            megabytes(memory.idle.heapUsed),
            megabytes(memory.idle.external),
          ],
          [
            `peak with ${memory.maxOpen} streams open`,
            megabytes(memory.peak.rss),
            megabytes(memory.peak.heapUsed),
            megabytes(memory.peak.external),
          ],
          [
            "1 s after they ended (after GC)",
            megabytes(memory.after.rss),
            megabytes(memory.after.heapUsed),
            megabytes(memory.after.external),
          ],
          [
            `${memory.settleMs / 1000} s after they ended (after GC)`,
            megabytes(memory.settled.rss),
            megabytes(memory.settled.heapUsed),
            megabytes(memory.settled.external),
          ],
        ],
      ),
    );
    console.log(`\nstreams that failed or did not end with message_stop: ${memory.errors}\n`);
    budget.push(
      checkBudget({
        name: `RSS with ${flags.streams} concurrent streams (${memory.maxOpen} open at once, ${memory.errors} failed)`,
        measured: megabytes(memory.peak.rss),
        limit: 150,
        kind: "at-most",
        unit: " MB",
        extra: memory.errors === 0 && memory.maxOpen === memory.streams,
      }),
      checkBudget({
        name: `RSS ${memory.settleMs / 1000} s after the streams ended, relative to idle (1 s after: ${(memory.after.rss / memory.idle.rss).toFixed(2)}×)`,
        measured: memory.settled.rss / memory.idle.rss,
        limit: 1.2,
        kind: "at-most",
        unit: "×",
      }),
    );
  } finally {
    await proxy.stop();
  }
}

await upstream?.stop();

console.log("## Budget\n");
for (const line of budget) console.log(line.text);
report.budget = budget;
if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${budget.filter((line) => line.met).length} of ${budget.length} budget lines met.`);
