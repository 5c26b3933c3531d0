/**
 * Part 3 of the benchmark: resident memory of a fresh proxy process holding many streams
 * open at once (the stand-in trickles them: one chunk every half second), and after they end:
 * one second after (what a burst leaves behind) and once the process has been idle for
 * `settleMs` (V8's memory reducer gives unused heap pages back only after some 8 s without
 * allocation, so this is the figure a deployment sees between bursts).
 */
import { Agent, request as httpRequest } from "node:http";

/**
 * Opens `streams` streaming requests at once through the proxy, samples the proxy's RSS while
 * all are open, waits for them to end, and reads it again after a full GC.
 *
 * @param {{
 *   proxy: { url: string, request: (message: object) => Promise<any> },
 *   streams: number,
 *   log: (line: string) => void,
 *   settleMs?: number,
 * }} options
 */
export async function measureMemory(options) {
  const { proxy, streams } = options;
  const readMemory = async (gc) => (await proxy.request({ type: "memory", gc })).usage;

  // Idle means warmed up: the code paths compiled and the Gemini client's pool used once.
  await sendStreams(proxy.url, 32, "claude-haiku-4-5");
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idle = await readMemory(true);

  const opened = sendStreams(proxy.url, streams, "gemini-bench-slow", (openCount) => {
    if (openCount === streams) options.log(`  all ${streams} streams have their first event`);
  });
  let peak = idle;
  const sampler = setInterval(async () => {
    const usage = await readMemory(false);
    if (usage.rss > peak.rss) peak = usage;
  }, 250);
  const outcome = await opened;
  clearInterval(sampler);
  // Let sockets close and timers of the finished streams run out before the final reading.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = await readMemory(true);
  const settleMs = options.settleMs ?? 15_000;
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const settled = await readMemory(true);
  return { idle, peak, after, settled, settleMs, maxOpen: outcome.maxOpen, errors: outcome.errors, streams };
}

/**
 * Sends `count` streaming requests at once, each on its own connection, and reads them to the
 * end. An answer that is not a 200 ending in `message_stop` counts as an error.
 *
 * @param {string} proxyUrl
 * @param {number} count
 * @param {string} model
 * @param {(openCount: number) => void} [onFirstEvent]
 */
async function sendStreams(proxyUrl, count, model, onFirstEvent) {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const url = new URL(`${proxyUrl}/v1/messages`);
  const body = JSON.stringify({
    model,
    max_tokens: 1024,
    stream: true,
    messages: [{ role: "user", content: "Count slowly to twenty." }],
  });
  let open = 0;
  let maxOpen = 0;
  let errors = 0;
  const one = () =>
    new Promise((resolve) => {
      let text = "";
      let counted = false;
      const outgoing = httpRequest(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "anthropic-version": "2023-06-01",
            "x-api-key": "bench",
          },
        },
        (incoming) => {
          incoming.setEncoding("utf8");
          incoming.on("data", (part) => {
            if (!counted) {
              counted = true;
              open += 1;
              maxOpen = Math.max(maxOpen, open);
              onFirstEvent?.(open);
            }
            // Only the tail matters: the end of the stream says whether it finished.
            text = (text + part).slice(-200);
          });
          incoming.on("end", () => {
            if (counted) open -= 1;
            if (incoming.statusCode !== 200 || !text.includes("event: message_stop")) errors += 1;
            resolve();
          });
          incoming.on("error", () => {
            errors += 1;
            resolve();
          });
        },
      );
      outgoing.on("error", () => {
        errors += 1;
        resolve();
      });
      outgoing.end(body);
    });
  await Promise.all(Array.from({ length: count }, one));
  agent.destroy();
  return { maxOpen, errors };
}
