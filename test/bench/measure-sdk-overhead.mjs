#!/usr/bin/env node
/**
 * What the `@google/genai` client costs per call, next to a bare REST call doing the same I/O,
 * all against the upstream stand-in, one call at a time, in this process (CPU µs per call,
 * from `process.cpuUsage`, so a busy machine moves the figures less than wall time would):
 *
 *   - the SDK on the global (undici) `fetch`, and on `createNodeFetch` from node-http;
 *   - node-http's two upstream layers alone, each read to the end and parsed like the bare call:
 *     `createNodeFetch` (a WHATWG `Response`: `json()`, or its body's reader for a stream) and
 *     `createNodeTransport` (the handler's `transport`: `text()`, or `read()` for a stream);
 *   - a bare `node:http` POST and `JSON.parse` of the answer (for a stream: the SSE split and
 *     one `JSON.parse` per event), i.e. the floor any client pays.
 *
 * Not part of `pnpm bench`'s budget; run it on its own: `node test/bench/measure-sdk-overhead.mjs`
 * (after `pnpm build`). Flags: --calls <n> (400) --chunks <n> (200).
 */
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { convertToGeminiRequest, validateMessagesRequest } from "@claude-gemini/core";
import { createNodeFetch, createNodeTransport } from "@claude-gemini/node-http";
import { GoogleGenAI } from "@google/genai";
import { formatTable } from "./format-table.mjs";
import { CLAUDE_CODE_BETAS } from "./measure-core.mjs";
import { startChild } from "./start-child.mjs";

const { values: flags } = parseArgs({
  options: { calls: { type: "string", default: "400" }, chunks: { type: "string", default: "200" } },
});
const calls = Number(flags.calls);
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

const upstream = await startChild(here("serve-upstream-stand-in.mjs"), { args: ["--chunks", flags.chunks] });
const fixture = JSON.parse(readFileSync(here("fixtures/claude-code-request.json"), "utf8"));
const parameters = convertToGeminiRequest(
  validateMessagesRequest(fixture, { betas: CLAUDE_CODE_BETAS }),
).value;
const model = "gemini-3.8-flash";

const clients = {
  "SDK, global fetch (undici)": new GoogleGenAI({
    apiKey: "bench-key",
    apiVersion: "v1beta",
    httpOptions: { baseUrl: upstream.url },
  }),
  "SDK, createNodeFetch": new GoogleGenAI({
    apiKey: "bench-key",
    apiVersion: "v1beta",
    httpOptions: { baseUrl: upstream.url, fetch: createNodeFetch() },
  }),
};

// The body the SDK sends, captured once, so the bare client sends the very same bytes.
await upstream.request({ type: "capture" });
await clients["SDK, createNodeFetch"].models.generateContent({ ...parameters, model });
const { request: captured } = await upstream.request({ type: "captured" });
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const origin = new URL(upstream.url);

/** A bare REST call: POST, read the answer, parse it (per SSE event for a stream). */
function restCall(path, body, stream) {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        path,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-goog-api-key": "bench-key",
          "content-length": Buffer.byteLength(body),
        },
      },
      (incoming) => {
        const parts = [];
        incoming.on("data", (part) => parts.push(part));
        incoming.on("end", () => resolve(parseAnswer(Buffer.concat(parts).toString("utf8"), stream)));
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** The answer parsed: one JSON, or for a stream one `JSON.parse` per SSE event. */
function parseAnswer(text, stream) {
  if (!stream) return JSON.parse(text);
  const events = [];
  for (const event of text.split("\r\n\r\n")) {
    if (event.startsWith("data:")) events.push(JSON.parse(event.slice(5)));
  }
  return events;
}

/** CPU µs per call over `calls` sequential calls, after a warm-up of a quarter as many. */
async function measure(call) {
  for (let index = 0; index < calls / 4; index++) await call();
  const before = process.cpuUsage();
  for (let index = 0; index < calls; index++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const generatePath = captured.url;
const streamPath = `${generatePath.replace(":generateContent", ":streamGenerateContent")}?alt=sse`;
const rows = [];
for (const [name, client] of Object.entries(clients)) {
  rows.push([
    name,
    await measure(() => client.models.generateContent({ ...parameters, model })),
    await measure(async () => {
      for await (const _chunk of await client.models.generateContentStream({ ...parameters, model })) {
        // Read to the end.
      }
    }),
  ]);
}
const layerHeaders = { "content-type": "application/json", "x-goog-api-key": "bench-key" };
const nodeFetch = createNodeFetch({ maxSockets: 1 });
const fetchCall = async (path, stream) => {
  const response = await nodeFetch(`${upstream.url}${path}`, {
    method: "POST",
    headers: layerHeaders,
    body: captured.body,
  });
  if (!stream) return response.json();
  const decoder = new TextDecoder();
  let text = "";
  for await (const piece of response.body) text += decoder.decode(piece, { stream: true });
  return parseAnswer(text, true);
};
const transport = createNodeTransport({ maxSockets: 1 });
const transportCall = async (path, stream) => {
  const reply = await transport({
    url: `${upstream.url}${path}`,
    method: "POST",
    headers: layerHeaders,
    body: captured.body,
  });
  if (!stream) return JSON.parse(await reply.text());
  const decoder = new TextDecoder();
  let text = "";
  for (let piece = await reply.read(); piece !== undefined; piece = await reply.read()) {
    text += decoder.decode(piece, { stream: true });
  }
  return parseAnswer(text, true);
};
rows.push([
  "createNodeFetch alone (Response)",
  await measure(() => fetchCall(generatePath, false)),
  await measure(() => fetchCall(streamPath, true)),
]);
rows.push([
  "createNodeTransport alone",
  await measure(() => transportCall(generatePath, false)),
  await measure(() => transportCall(streamPath, true)),
]);
rows.push([
  "bare node:http + JSON.parse",
  await measure(() => restCall(generatePath, captured.body, false)),
  await measure(() => restCall(streamPath, captured.body, true)),
]);

console.log(
  `CPU µs per call in this process (the ${captured.body.length}-byte Claude-Code-size body; a ${flags.chunks}-chunk stream):\n`,
);
console.log(formatTable(["client", "generateContent µs", `${flags.chunks}-chunk stream µs`], rows));
agent.destroy();
await upstream.stop();
