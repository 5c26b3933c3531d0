#!/usr/bin/env node
/**
 * How many prompt tokens Gemini context caching saves on a Claude Code session.
 *
 * Replays a multi-turn session grown from the recorded Claude Code 2.1.332 request
 * (`test/e2e/__fixtures__/claude-code-2.1.332-request.json`: its system prompt, 12 tools and
 * first turn; each later turn adds an assistant answer and a new user message) through the
 * fetch handler against the strict Gemini fake, once with `contextCache` off and once on, and
 * prints per turn the prompt tokens the fake reported, how many of them were served from the
 * cache, and the total billed at the cached rate (`--cached-rate`, default 0.25 of the input
 * price). Runs from source, no build needed:
 *
 *   node test/bench/measure-context-cache.mjs [--turns 8] [--model gemini-3.5-flash-lite] [--cached-rate 0.25]
 *
 * The fake counts a token per four characters, so the numbers compare the two modes; they are
 * not Gemini's exact counts.
 */
import { existsSync, readFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("../..", import.meta.url));

// Node strips TypeScript types itself; this maps the workspace packages to their sources and
// the `.js` suffix of relative imports to the `.ts` file next to it, as the bundlers do.
registerHooks({
  resolve(specifier, context, nextResolve) {
    const workspace = /^@claude-gemini\/(core|fetch-handler)$/.exec(specifier);
    if (workspace)
      return { url: pathToFileURL(`${root}packages/${workspace[1]}/src/index.ts`).href, shortCircuit: true };
    if (specifier.startsWith(".") && specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const typescript = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(typescript)) return { url: typescript.href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});

const { values } = parseArgs({
  options: {
    turns: { type: "string", default: "8" },
    model: { type: "string", default: "gemini-3.5-flash-lite" },
    "cached-rate": { type: "string", default: "0.25" },
  },
});
const turns = Math.max(2, Number(values.turns));
const cachedRate = Number(values["cached-rate"]);

const { createFetchHandler } = await import("@claude-gemini/fetch-handler");
const { startGeminiFake } = await import(pathToFileURL(`${root}test/gemini-fake/index.ts`).href);

const recorded = JSON.parse(
  readFileSync(`${root}test/e2e/__fixtures__/claude-code-2.1.332-request.json`, "utf8"),
);

/** The request of turn `index` (0-based): the recorded opening, then `index` more exchanges. */
function buildTurn(index) {
  const messages = structuredClone(recorded.messages);
  for (let turn = 1; turn <= index; turn++) {
    messages.push({
      role: "assistant",
      content: [{ type: "text", text: `Answer ${turn}: ${"done and checked. ".repeat(40)}` }],
    });
    messages.push({ role: "user", content: `Step ${turn + 1}: now look at the next file and summarise it.` });
  }
  // Only the last turn may end with the assistant; the recorded one ends with a user turn.
  return { ...recorded, model: values.model, stream: false, max_tokens: 4096, messages };
}

async function replay(fake, enabled) {
  fake.reset();
  const handler = createFetchHandler({
    apiKey: "bench-key",
    baseUrl: fake.url,
    contextCache: { enabled, minTokens: 1024 },
  });
  const rows = [];
  for (let index = 0; index < turns; index++) {
    const response = await handler(
      new Request("http://bench.invalid/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "unused" },
        body: JSON.stringify(buildTurn(index)),
      }),
    );
    const message = await response.json();
    if (response.status !== 200) throw new Error(`turn ${index + 1}: ${JSON.stringify(message)}`);
    const {
      input_tokens: input,
      cache_read_input_tokens: read,
      cache_creation_input_tokens: created,
    } = message.usage;
    rows.push({
      prompt: input + read + created,
      cached: read + created,
      billed: input + created + read * cachedRate,
    });
  }
  const rejected = fake.requests.filter((request) => request.rejection);
  if (rejected.length > 0) throw new Error(`the fake rejected a request: ${rejected[0].rejection.message}`);
  return rows;
}

const fake = await startGeminiFake({ apiKey: "bench-key" });
try {
  const off = await replay(fake, false);
  const on = await replay(fake, true);
  const pad = (value, width = 10) => String(Math.round(value)).padStart(width);
  console.log(
    `Context caching on a ${turns}-turn Claude Code session (${values.model}, cached rate ${cachedRate})`,
  );
  console.log(
    `${"turn".padEnd(6)}${"prompt".padStart(10)}${"cached".padStart(10)}${"billed off".padStart(12)}${"billed on".padStart(12)}`,
  );
  for (let index = 0; index < turns; index++) {
    console.log(
      `${String(index + 1).padEnd(6)}${pad(on[index].prompt)}${pad(on[index].cached)}${pad(off[index].billed, 12)}${pad(on[index].billed, 12)}`,
    );
  }
  const sum = (rows, key) => rows.reduce((total, row) => total + row[key], 0);
  const saved = 1 - sum(on, "billed") / sum(off, "billed");
  console.log(
    `${"total".padEnd(6)}${pad(sum(on, "prompt"))}${pad(sum(on, "cached"))}${pad(sum(off, "billed"), 12)}${pad(sum(on, "billed"), 12)}`,
  );
  console.log(
    `prompt tokens billed: ${Math.round(saved * 100)}% fewer with the cache (${Math.round(sum(on, "cached"))} of ${Math.round(sum(on, "prompt"))} served from it)`,
  );
} finally {
  await fake.close();
}
