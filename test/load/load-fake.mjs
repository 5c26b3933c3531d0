/**
 * The Gemini fake for the load run, in a process of its own (started by `run-load.mjs` with an
 * IPC channel): an upstream is not slowed down by the clients reading a thousand streams, so
 * neither the bursts it sends nor the moment it notices a cancelled call should depend on them.
 *
 * Each request says what to play by a marker in its prompt (`load <kind> <id>`). For the
 * `aborted` kind it reports, every 50 ms, when it saw the proxy cancel the call (wall clock,
 * ms), keyed by the client's id.
 */
import { register } from "node:module";
import { monitorEventLoopDelay } from "node:perf_hooks";

register("./typescript-hooks.mjs", import.meta.url);
const { startGeminiFake } = await import("../gemini-fake/index.ts");

const TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(6);
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

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const fake = await startGeminiFake({ apiKey: process.env.LOAD_GEMINI_KEY });
/** Client id → the fake's record, for calls the client is going to cancel. */
const watched = new Map();
fake.setDefault({
  kind: "script",
  handler: (record) => {
    const text =
      (record.body?.contents ?? [])
        .at(-1)
        ?.parts?.map((part) => part.text ?? "")
        .join("") ?? "";
    const match = /^load (\w+) (\d+)$/.exec(text);
    if (!match) return scenarios.warmup;
    if (match[1] === "aborted") watched.set(Number(match[2]), record);
    return scenarios[match[1]] ?? scenarios.warmup;
  },
});

const reporter = setInterval(() => {
  const seen = [];
  for (const [id, record] of watched) {
    if (!record.aborted) continue;
    seen.push([id, performance.timeOrigin + record.abortedAt]);
    watched.delete(id);
  }
  if (seen.length > 0) process.send?.({ type: "aborts", seen });
  // Keep the fake's request log from growing over a long soak; the records we need are held above.
  fake.reset();
}, 50);

process.on("message", (message) => {
  if (message?.type !== "stats") return;
  process.send?.({
    type: "stats",
    id: message.id,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    watching: watched.size,
  });
  if (message.resetLoopDelay) loopDelay.reset();
});
process.on("disconnect", async () => {
  clearInterval(reporter);
  await fake.close();
  process.exit(0);
});
process.send?.({ type: "listening", url: fake.url });
