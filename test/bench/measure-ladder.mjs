#!/usr/bin/env node
/**
 * Where a small request's cost goes, rung by rung (issue 15, item 6). Four servers, each a child
 * process in front of the same upstream stand-in, take the bench's small request in turn:
 *
 * 1. the bare pass-through (`serve-pass-through.mjs`), the reference line of `pnpm bench`;
 * 2. the same with core's validation and conversions in place of its own
 *    (`serve-converting-pass-through.mjs`);
 * 3. the fetch handler as the proxy builds it, behind the barest Node bridge
 *    (`serve-bare-bridge.mjs`);
 * 4. the proxy (`serve-proxy.mjs`, node-http's `createServer`, idle release off as in the bench).
 *
 * So rung 2 − rung 1 is what the conversions cost, rung 3 − rung 2 what the fetch handler adds
 * around them (routing, scope and events, policies, signals and timers, transport and wire,
 * headers), and rung 4 − rung 3 what node-http's bridge adds.
 *
 *   node test/bench/measure-ladder.mjs [--rounds 12] [--seconds 2] [--connections 16]
 *
 * Each rung is warmed for 8 s; then each round runs every rung once (the order turns by one
 * each round), a 1 s settle and a measured run. This machine's speed drifts by half over tens
 * of seconds, so short runs in many rounds keep the rungs of a round close in time, and both the
 * rate and the CPU each server spent per request (Linux) are read as ratios to the
 * pass-through's in the same round. Medians over the rounds.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatTable } from "./format-table.mjs";
import { ANTHROPIC_HEADERS, runLoad } from "./measure-http.mjs";
import { readProcessCpu } from "./read-process-cpu.mjs";
import { startChild } from "./start-child.mjs";
import { summarisePairedSlices } from "./summarise-paired-slices.mjs";

const { values: flags } = parseArgs({
  options: {
    rounds: { type: "string", default: "12" },
    seconds: { type: "string", default: "2" },
    connections: { type: "string", default: "16" },
  },
});
const rounds = Number(flags.rounds);
const seconds = Number(flags.seconds);
const connections = Number(flags.connections);
for (const [name, value] of [
  ["rounds", rounds],
  ["seconds", seconds],
  ["connections", connections],
]) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a whole number ≥ 1`);
}

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const V8_FLAGS = ["--max-semi-space-size=8"];
const RUNGS = [
  { name: "1. pass-through", script: "serve-pass-through.mjs", args: [] },
  {
    name: "2. + core's validation and conversions",
    script: "serve-converting-pass-through.mjs",
    args: [],
  },
  { name: "3. fetch handler, bare bridge", script: "serve-bare-bridge.mjs", args: [] },
  { name: "4. proxy (node-http)", script: "serve-proxy.mjs", args: ["--idle-release", "off"] },
];

const upstream = await startChild(here("serve-upstream-stand-in.mjs"), { args: ["--chunks", "200"] });
const servers = [];
try {
  for (const rung of RUNGS) {
    const server = await startChild(here(rung.script), {
      args: ["--upstream", upstream.url, ...rung.args],
      execArgv: V8_FLAGS,
    });
    servers.push({ ...rung, server, runs: [] });
  }
  const body = JSON.stringify({
    model: "claude-haiku-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hello" }],
  });
  const targetOf = (server) => ({
    method: "POST",
    url: `${server.url}/v1/messages?beta=true`,
    headers: ANTHROPIC_HEADERS,
    body,
  });
  // Every rung must answer the request before it is measured.
  for (const { name, server } of servers) {
    const target = targetOf(server);
    const response = await fetch(target.url, { method: "POST", headers: target.headers, body });
    const text = await response.text();
    if (response.status !== 200 || !text.includes('"type":"message"')) {
      throw new Error(`${name} answered ${response.status}: ${text.slice(0, 300)}`);
    }
  }

  console.log(
    `Small request, ${connections} connection(s), ${seconds} s per run, ${rounds} rounds; warming each rung for 8 s`,
  );
  for (const { server } of servers) await runLoad(targetOf(server), { connections: 16, durationSeconds: 8 });

  for (let round = 0; round < rounds; round++) {
    const order = servers.map((_, index) => servers[(index + round) % servers.length]);
    for (const rung of order) {
      const target = targetOf(rung.server);
      await runLoad(target, { connections, durationSeconds: 1 });
      const before = readProcessCpu(rung.server.child.pid);
      const result = await runLoad(target, { connections, durationSeconds: seconds });
      const after = readProcessCpu(rung.server.child.pid);
      rung.runs[round] = {
        requestsPerSecond: result.requestsPerSecond,
        errors: result.errors,
        cpuMicrosPerRequest:
          before === undefined || after === undefined || result.total === 0
            ? undefined
            : ((after - before) * 1000) / result.total,
      };
    }
  }

  const reference = servers[0];
  const ratesOf = (rung) => rung.runs.map((run) => run.requestsPerSecond);
  // The rounds where both sides have a CPU figure (none off Linux, none for a run of no requests).
  const pairedCpu = (rung) => {
    const rounds = rung.runs
      .map((run, round) => [reference.runs[round].cpuMicrosPerRequest, run.cpuMicrosPerRequest])
      .filter(([floor, own]) => floor !== undefined && own !== undefined);
    return summarisePairedSlices(
      rounds.map(([floor]) => floor),
      rounds.map(([, own]) => own),
    );
  };
  const rows = servers.map((rung) => {
    const rate = summarisePairedSlices(ratesOf(reference), ratesOf(rung));
    const cpu = pairedCpu(rung);
    return [
      rung.name,
      Math.round(rate.medianB),
      rate.medianRatio.toFixed(3),
      rung.runs
        .map((run, round) => (run.requestsPerSecond / reference.runs[round].requestsPerSecond).toFixed(2))
        .join(" "),
      cpu.rounds === 0 ? "n/a" : Math.round(cpu.medianB),
      cpu.rounds === 0 ? "n/a" : cpu.medianRatio.toFixed(2),
      rung.runs.reduce((sum, run) => sum + run.errors, 0),
    ];
  });
  console.log(
    `\n${formatTable(
      ["rung", "req/s", "rate / pass-through", "per round", "CPU µs/request", "CPU / pass-through", "errors"],
      rows,
    )}`,
  );
  console.log(
    "\nMedians over the rounds. The two ratios are each round's figure over the pass-through's in the same round, then their median.",
  );
} finally {
  for (const { server } of servers) await server.stop();
  await upstream.stop();
}
