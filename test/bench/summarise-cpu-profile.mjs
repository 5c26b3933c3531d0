#!/usr/bin/env node
/**
 * Summarises V8 `.cpuprofile` files (written by `node --cpu-prof`) as the functions with the
 * most self time, the ones worth optimising first. Locations are shortened to the package
 * path, so `node_modules/undici/lib/…` and `packages/core/dist/…` read at a glance.
 *
 * Usage: node test/bench/summarise-cpu-profile.mjs <file.cpuprofile | directory> [--top 25]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatTable } from "./format-table.mjs";

/**
 * Self time per function in one parsed profile, largest first. A function's self time is the
 * sum of the intervals whose sample landed in it; the same function reached through different
 * call paths (several profile nodes) is counted as one.
 *
 * @param {{ nodes: Array<{ id: number, callFrame: { functionName: string, url: string, lineNumber: number } }>, samples: number[], timeDeltas: number[] }} profile
 * @returns {Array<{ name: string, location: string, selfMs: number, share: number }>}
 */
export function rankSelfTime(profile) {
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<string, { name: string, location: string, selfMicroseconds: number }>} */
  const byFunction = new Map();
  let total = 0;
  profile.samples.forEach((nodeId, index) => {
    // timeDeltas[i] is the time since the previous sample; it is the length of sample i.
    const delta = Math.max(0, profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0);
    const frame = nodeById.get(nodeId)?.callFrame;
    if (!frame) return;
    total += delta;
    const name = frame.functionName || "(anonymous)";
    const location = frame.url ? `${shortenUrl(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${name}\u0000${location}`;
    const entry = byFunction.get(key) ?? { name, location, selfMicroseconds: 0 };
    entry.selfMicroseconds += delta;
    byFunction.set(key, entry);
  });
  return [...byFunction.values()]
    .sort((left, right) => right.selfMicroseconds - left.selfMicroseconds)
    .map((entry) => ({
      name: entry.name,
      location: entry.location,
      selfMs: entry.selfMicroseconds / 1000,
      share: total === 0 ? 0 : entry.selfMicroseconds / total,
    }));
}

/**
 * `file:///…/node_modules/.pnpm/undici@7/node_modules/undici/lib/web/fetch/index.js` → `undici/lib/web/fetch/index.js`;
 * `file:///…/packages/core/dist/index.js` → `packages/core/dist/index.js`; Node's own stay `node:…`.
 *
 * @param {string} url
 */
export function shortenUrl(url) {
  const modules = url.lastIndexOf("node_modules/");
  if (modules !== -1) return url.slice(modules + "node_modules/".length);
  const packages = url.lastIndexOf("/packages/");
  if (packages !== -1) return url.slice(packages + 1);
  return url.replace(/^file:\/\/.*\/(test\/bench\/)/, "$1");
}

/**
 * Reads a profile file, or every `.cpuprofile` in a directory, and formats the top entries.
 *
 * @param {string} path
 * @param {{ top: number }} options
 */
export function summariseCpuProfile(path, options) {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((name) => name.endsWith(".cpuprofile"))
        .map((name) => join(path, name))
    : [path];
  return files
    .map((file) => {
      const ranked = rankSelfTime(JSON.parse(readFileSync(file, "utf8")));
      const table = formatTable(
        ["self ms", "share %", "function", "location"],
        ranked
          .slice(0, options.top)
          .map((entry) => [entry.selfMs, entry.share * 100, entry.name, entry.location]),
      );
      return `${file}\n\n${table}`;
    })
    .join("\n\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: "string", default: "25" } },
  });
  if (positionals.length === 0)
    throw new Error("usage: summarise-cpu-profile.mjs <file | directory> [--top n]");
  console.log(summariseCpuProfile(positionals[0], { top: Number(values.top) }));
}
