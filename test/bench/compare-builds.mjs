#!/usr/bin/env node
/**
 * Compares two builds of the packages on the same work, in one process, slice by slice: the
 * steadier way to tell whether a change to the request path made it cheaper. Across processes
 * and HTTP runs, identical builds read 10–40% apart on a shared machine; here a slice of build
 * A and a slice of build B run back to back (ABBA order), so a drift of the machine moves both
 * sides of a pair, and the per-pair ratio shows the change.
 *
 *   node test/bench/compare-builds.mjs --a <packages dir> --b <packages dir>
 *     [--stream] [--rounds 20] [--slice <requests>] [--connections 16]
 *
 * Each directory is a checkout's built `packages/` (`pnpm build` there first; a second checkout
 * comes from `git worktree add`). For each build the script makes a fetch handler with that
 * build's Node transport, pointed at the upstream stand-in (a child process), and calls the
 * handler's core as the node-http bridge does: no client socket, so what is measured is the
 * handler, the conversions and the upstream call. `--stream` asks for the stand-in's burst
 * 200-chunk stream and reads every event. The figure is this process's CPU time (all threads,
 * GC included) per request.
 *
 * Whichever build is loaded second runs a few percent cheaper in such a process, whatever its
 * code (two checkouts of one commit show it), so the script makes two runs, each in a fresh
 * child process, one with each build loaded first, and combines them: it prints both runs and
 * B/A with that effect taken out. Two checkouts of one commit make an A/A run: it shows the noise.
 */
import { fork } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startChild } from "./start-child.mjs";
import { summarisePairedSlices } from "./summarise-paired-slices.mjs";

const { values: flags } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    stream: { type: "boolean", default: false },
    rounds: { type: "string", default: "20" },
    slice: { type: "string" },
    connections: { type: "string", default: "16" },
    child: { type: "string" },
  },
});
if (!flags.a || !flags.b) throw new Error("--a <packages dir> and --b <packages dir> are required");
const rounds = Number(flags.rounds);
const slice = Number(flags.slice ?? (flags.stream ? 400 : 2000));
const connections = Number(flags.connections);

// Each run (a child process of this script) has its own stand-in.
const upstream = flags.child
  ? await startChild(fileURLToPath(new URL("serve-upstream-stand-in.mjs", import.meta.url)), {
      args: ["--chunks", "200"],
    })
  : undefined;
const body = new TextEncoder().encode(
  JSON.stringify({
    model: "claude-haiku-4-5",
    max_tokens: 1024,
    messages: [{ role: "user", content: "Hello" }],
    ...(flags.stream ? { stream: true } : {}),
  }),
);
const headers = new Map([
  ["content-type", "application/json"],
  ["x-api-key", "bench-client-key"],
  ["anthropic-version", "2023-06-01"],
  ["host", "localhost"],
]);

/** One request through `core`, checked, its stream read to the end. */
async function callOnce(core) {
  const answer = await core({
    method: "POST",
    url: "http://localhost/v1/messages",
    pathname: "/v1/messages",
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    signal: new AbortController().signal,
    body: (async function* () {
      yield body;
    })(),
  });
  if (answer.status !== 200) throw new Error(`the proxy answered ${answer.status}`);
  if (!flags.stream) return;
  if (answer.body?.kind !== "event-source") throw new Error("a stream was asked for, another answer came");
  let closed = false;
  let last = "";
  const sink = {
    enqueue(text) {
      last = text;
    },
    close() {
      closed = true;
    },
    desiredSize: 1,
  };
  await answer.body.start(sink);
  while (!closed) await answer.body.pull(sink);
  if (!last.includes("message_stop")) throw new Error("the stream did not end with message_stop");
}

async function loadBuild(directory) {
  const load = (pkg) => import(pathToFileURL(resolve(directory, pkg, "dist/index.js")).href);
  const handlerModule = await load("fetch-handler");
  const nodeModule = await load("node-http");
  const handler = handlerModule.createFetchHandler({
    apiKey: "bench-key",
    baseUrl: upstream?.url,
    transport: nodeModule.createNodeTransport({ maxSockets: 1024 }),
    retry: { maxAttempts: 1 },
    modelMetadata: false,
  });
  const core = handlerModule.findHandlerCore(handler);
  if (!core) throw new Error(`${directory}: the handler has no core to call`);
  return core;
}

/** CPU µs per request for `count` requests over `connections` concurrent loops. */
async function measureSlice(core, count) {
  const before = process.cpuUsage();
  const perLoop = Math.ceil(count / connections);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let index = 0; index < perLoop; index++) await callOnce(core);
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (perLoop * connections);
}

/** One process's run: both builds loaded in `order`, then `rounds` rounds in ABBA order. */
async function runChild(order) {
  const directories = order === "ab" ? [flags.a, flags.b] : [flags.b, flags.a];
  try {
    const loaded = [];
    for (const directory of directories) loaded.push({ core: await loadBuild(directory), costs: [] });
    // Warm-up: long enough for both builds' hot functions to be optimised.
    for (const build of loaded) await measureSlice(build.core, slice * 3);
    for (let round = 0; round < rounds; round++) {
      const turn = round % 2 === 0 ? loaded : [...loaded].reverse();
      for (const build of turn) build.costs.push(await measureSlice(build.core, slice));
    }
    const [first, second] = loaded;
    const [a, b] = order === "ab" ? [first, second] : [second, first];
    process.send?.({ a: a.costs, b: b.costs });
  } finally {
    await upstream?.stop();
  }
}

if (flags.child) {
  await runChild(flags.child);
} else {
  const what = flags.stream ? "200-chunk stream" : "small request";
  console.log(`${what}, ${connections} at once, ${rounds} rounds of ${slice} requests per build and run`);
  const medianRatios = {};
  for (const order of ["ab", "ba"]) {
    const child = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), "--child", order], {
      execArgv: process.execArgv,
    });
    const costs = await new Promise((done, fail) => {
      let received;
      child.on("message", (message) => (received = message));
      child.on("exit", (code) =>
        received ? done(received) : fail(new Error(`the ${order} run exited with ${code}`)),
      );
    });
    const summary = summarisePairedSlices(costs.a, costs.b);
    medianRatios[order] = summary.medianRatio;
    console.log(
      `${order === "ab" ? "A" : "B"} loaded first: A ${summary.medianA.toFixed(1)} µs, B ${summary.medianB.toFixed(1)} µs CPU per request; B/A per round: median ${summary.medianRatio.toFixed(3)}, B cheaper in ${summary.roundsBelowOne} of ${summary.rounds}`,
    );
  }
  // The build loaded second runs a few percent cheaper whatever its code (an A/A run shows it),
  // so each build takes each place once: with B/A = t·p when B is second and t/p when A is,
  // t is the geometric mean of the two medians and p their ratio's square root.
  const { ab, ba } = medianRatios;
  console.log(
    `B/A, each build loaded first once: ${Math.sqrt(ab * ba).toFixed(3)} (the place's own effect: ${Math.sqrt(ab / ba).toFixed(3)} for the build loaded second)`,
  );
}
