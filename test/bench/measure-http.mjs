/**
 * Part 2 of the benchmark: the same logical request sent straight to the upstream stand-in
 * (in the Gemini wire format, exactly the bytes the proxy sent it) and through the node-http
 * proxy (in the Anthropic format), alternated, with autocannon as the load generator.
 */
import { Agent, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { computePercentile } from "./compute-percentile.mjs";
import { readProcessCpu } from "./read-process-cpu.mjs";

// autocannon is a devDependency of the `test` workspace package, not of the root.
const autocannon = createRequire(new URL("../package.json", import.meta.url))("autocannon");

/** Headers Claude Code sends with every request (the key is the proxy's: it accepts any). */
export const ANTHROPIC_HEADERS = {
  "content-type": "application/json",
  "anthropic-version": "2023-06-01",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27",
  "x-api-key": "bench-client-key",
};

/**
 * @typedef {{ method: "POST", url: string, headers: Record<string, string>, body: string }} Target
 * @typedef {{ name: string, proxy: Target, direct: Target, passThrough?: Target, stream: boolean, connections?: number[], warmup?: boolean }} HttpCase
 * @typedef {{ requestsPerSecond: number, p50: number, p99: number, errors: number, total: number, cpuMicrosPerRequest?: number }} LoadResult
 */

/**
 * Builds one case: sends the Anthropic body once through the proxy while the stand-in keeps
 * what it receives, checks the answer, and pairs the proxied request with the captured one.
 *
 * `connections`, when given, replaces the run's connection counts for this case; `warmup: false`
 * skips its warm-up (a paced stream outlasts a one-second window and warms nothing). With
 * `passThroughUrl`, the same Anthropic request also goes to the bare pass-through
 * (`serve-pass-through.mjs`), the reference line of issue 15.
 *
 * @param {{ name: string, body: object, proxyUrl: string, passThroughUrl?: string, upstream: { url: string, request: (message: object) => Promise<any> }, connections?: number[], warmup?: boolean }} options
 * @returns {Promise<HttpCase>}
 */
export async function prepareCase(options) {
  const { name, body, proxyUrl, upstream } = options;
  const proxy = {
    method: "POST",
    url: `${proxyUrl}/v1/messages?beta=true`,
    headers: ANTHROPIC_HEADERS,
    body: JSON.stringify(body),
  };
  await upstream.request({ type: "capture" });
  const response = await fetch(proxy.url, { method: "POST", headers: proxy.headers, body: proxy.body });
  const text = await response.text();
  const stream = body.stream === true;
  if (response.status !== 200 || (stream && !text.includes("event: message_stop"))) {
    throw new Error(`${name}: the proxy answered ${response.status}: ${text.slice(0, 300)}`);
  }
  const { request: captured } = await upstream.request({ type: "captured" });
  if (!captured) throw new Error(`${name}: the stand-in received nothing`);
  const direct = {
    method: "POST",
    url: `${upstream.url}${captured.url}`,
    headers: { "content-type": "application/json", "x-goog-api-key": "bench-key" },
    body: captured.body,
  };
  const passThrough = options.passThroughUrl
    ? { ...proxy, url: `${options.passThroughUrl}/v1/messages?beta=true` }
    : undefined;
  if (passThrough) {
    const answer = await fetch(passThrough.url, { method: "POST", headers: proxy.headers, body: proxy.body });
    const answered = await answer.text();
    if (answer.status !== 200 || (stream && !answered.includes("event: message_stop"))) {
      throw new Error(`${name}: the pass-through answered ${answer.status}: ${answered.slice(0, 300)}`);
    }
  }
  return {
    name,
    proxy,
    direct,
    ...(passThrough ? { passThrough } : {}),
    stream,
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.warmup === false ? { warmup: false } : {}),
  };
}

/**
 * One autocannon run. Latencies are collected from its `response` events, which carry
 * fractional milliseconds (its own histogram rounds to whole ones, too coarse for a 2 ms budget).
 *
 * @param {Target} target
 * @param {{ connections: number, durationSeconds: number }} options
 * @returns {Promise<LoadResult>}
 */
export function runLoad(target, options) {
  return new Promise((resolve, reject) => {
    /** @type {number[]} */
    const latencies = [];
    const instance = autocannon(
      {
        url: target.url,
        method: target.method,
        headers: target.headers,
        body: target.body,
        connections: options.connections,
        duration: options.durationSeconds,
        pipelining: 1,
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result.requests.total / result.duration,
          p50: computePercentile(latencies, 0.5),
          p99: computePercentile(latencies, 0.99),
          errors: result.errors + result.timeouts + result.non2xx,
          total: result.requests.total,
        });
      },
    );
    instance.on("response", (_client, _statusCode, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/**
 * Time to the first body bytes of a stream (the first event), over `samples` requests sent
 * one after another on one kept-alive connection.
 *
 * @param {Target} target
 * @param {number} samples
 */
export async function measureTimeToFirstEvent(target, samples) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(target.url);
  /** @type {number[]} */
  const times = [];
  try {
    for (let index = 0; index < samples; index++) {
      times.push(
        await new Promise((resolve, reject) => {
          const started = performance.now();
          let first;
          const outgoing = httpRequest(
            {
              agent,
              host: url.hostname,
              port: url.port,
              path: url.pathname + url.search,
              method: target.method,
              headers: target.headers,
            },
            (incoming) => {
              if (incoming.statusCode !== 200) reject(new Error(`status ${incoming.statusCode}`));
              incoming.on("data", () => {
                first ??= performance.now() - started;
              });
              incoming.on("end", () => resolve(first));
              incoming.on("error", reject);
            },
          );
          outgoing.on("error", reject);
          outgoing.end(target.body);
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return { p50: computePercentile(times, 0.5), p99: computePercentile(times, 0.99) };
}

/**
 * Runs every case at every connection count, direct, pass-through (when the case has one) and
 * proxied runs alternated (`rounds` times each, the median round kept), after a warm-up of
 * each (`warmupSeconds` one-second windows at 16 connections, their rates logged, not counted).
 *
 * With `pids` (the process serving each side), each result also carries the CPU time that
 * process spent per request during the run (`cpuMicrosPerRequest`, Linux only).
 *
 * @param {HttpCase[]} cases
 * @param {{ connections: number[], durationSeconds: number, warmupSeconds: number, rounds: number, log: (line: string) => void, pids?: { direct?: number, passThrough?: number, proxy?: number } }} options
 */
export async function measureHttp(cases, options) {
  const rows = [];
  for (const httpCase of cases) {
    /** @type {("direct" | "passThrough" | "proxy")[]} */
    const sides = httpCase.passThrough ? ["direct", "passThrough", "proxy"] : ["direct", "proxy"];
    // Each side is warmed up in one-second windows at 16 connections and the rates are logged:
    // the proxy has far more code for the JIT to settle than the pass-through, and from a cold
    // start its rate climbs for about 8 s (BENCHMARKS.md), so a short warm-up measured the
    // compiler rather than the steady state a long-running server is in.
    for (const side of httpCase.warmup === false ? [] : sides) {
      const rates = [];
      for (let second = 0; second < options.warmupSeconds; second++) {
        const result = await runLoad(httpCase[side], { connections: 16, durationSeconds: 1 });
        rates.push(Math.round(result.requestsPerSecond));
      }
      options.log(`  ${httpCase.name}, warm-up of ${side}, req/s per second: ${rates.join(" ")}`);
    }
    for (const connections of httpCase.connections ?? options.connections) {
      /** @type {{ direct: LoadResult[], passThrough: LoadResult[], proxy: LoadResult[] }} */
      const results = { direct: [], passThrough: [], proxy: [] };
      for (let round = 0; round < options.rounds; round++) {
        for (const side of sides) {
          const pid = options.pids?.[side];
          const cpuBefore = pid === undefined ? undefined : readProcessCpu(pid);
          const result = await runLoad(httpCase[side], {
            connections,
            durationSeconds: options.durationSeconds,
          });
          const cpuAfter = pid === undefined ? undefined : readProcessCpu(pid);
          if (cpuBefore !== undefined && cpuAfter !== undefined && result.total > 0) {
            result.cpuMicrosPerRequest = ((cpuAfter - cpuBefore) * 1000) / result.total;
          }
          results[side].push(result);
          const cpu =
            result.cpuMicrosPerRequest === undefined
              ? ""
              : `, ${Math.round(result.cpuMicrosPerRequest)} µs CPU/request`;
          options.log(
            `  ${httpCase.name}, ${connections} conn, ${side}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50.toFixed(2)} ms, errors ${result.errors}${cpu}`,
          );
        }
      }
      rows.push({
        name: httpCase.name,
        connections,
        direct: medianRound(results.direct),
        ...(httpCase.passThrough ? { passThrough: medianRound(results.passThrough) } : {}),
        proxy: medianRound(results.proxy),
      });
    }
  }
  return rows;
}

/** @param {LoadResult[]} results */
function medianRound(results) {
  const sorted = [...results].sort((left, right) => left.requestsPerSecond - right.requestsPerSecond);
  const median = sorted[Math.floor(sorted.length / 2)];
  // CPU per request is a figure of its own: its median over the rounds, not the median round's.
  const cpu = results.map((result) => result.cpuMicrosPerRequest).filter((value) => value !== undefined);
  return {
    ...median,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    cpuMicrosPerRequest: cpu.length === 0 ? undefined : computePercentile(cpu, 0.5),
  };
}
