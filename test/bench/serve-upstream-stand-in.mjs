#!/usr/bin/env node
/**
 * A minimal Gemini REST stand-in for the HTTP benchmark, run as a child process. It answers
 * `…/models/{model}:generateContent` with one prebuilt JSON body and
 * `…/models/{model}:streamGenerateContent?alt=sse` with a prebuilt SSE stream of `--chunks`
 * chunks, after reading the request body to its end without parsing it.
 *
 * Why not the strict fake of `test/gemini-fake`: the fake validates every request (schemas,
 * signatures, turn order), which costs the "direct" runs as much as a conversion costs the
 * proxy, and would hide the proxy's overhead in the ratio. A real Gemini parses far more
 * slowly than either; the stand-in is the cheapest upstream that speaks the wire format, so
 * the ratios here are a floor. Correctness of what the proxy sends is the fake's job in the
 * test suite; the benchmark only checks that every answer is a 2xx.
 *
 * A model whose name contains `slow` gets a stream that trickles: the first chunk at once,
 * then one every `--slow-between-ms` until `--slow-chunks` were sent (for the memory part).
 * A model whose name contains `paced` gets the `--chunks` stream one chunk every `--paced-ms`,
 * the way Gemini sends a long answer (the burst stream is the worst case for a per-chunk reader;
 * this one shows what the proxy costs on a realistic stream).
 *
 * Messages on the IPC channel: `{ type: "capture" }` makes it keep the next request body,
 * `{ type: "captured" }` answers with it and its URL (so the direct runs send exactly what the
 * proxy sent), `{ type: "stop" }` ends the process.
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { serveAsChild } from "./serve-as-child.mjs";

const { values } = parseArgs({
  options: {
    chunks: { type: "string", default: "200" },
    "slow-chunks": { type: "string", default: "20" },
    "slow-between-ms": { type: "string", default: "500" },
    "paced-ms": { type: "string", default: "5" },
  },
});
const chunkCount = Number(values.chunks);
const slowChunkCount = Number(values["slow-chunks"]);
const slowBetweenMs = Number(values["slow-between-ms"]);
const pacedMs = Number(values["paced-ms"]);

const words = ["the ", "proxy ", "converts ", "each ", "chunk ", "into ", "Anthropic ", "events. "];
/** @param {number} index @param {number} count */
function buildChunk(index, count) {
  const last = index === count - 1;
  return {
    candidates: [
      {
        content: {
          role: "model",
          parts: [{ text: `${words[index % words.length]}${words[(index + 5) % words.length]}` }],
        },
        index: 0,
        ...(last ? { finishReason: "STOP" } : {}),
      },
    ],
    usageMetadata: {
      promptTokenCount: 42,
      candidatesTokenCount: (index + 1) * 2,
      totalTokenCount: 42 + (index + 1) * 2,
    },
    modelVersion: "gemini-3.5-flash-lite",
    responseId: "stand-in-stream",
  };
}
const encodeChunk = (chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`;

const streamBody = Buffer.from(
  Array.from({ length: chunkCount }, (_, index) => encodeChunk(buildChunk(index, chunkCount))).join(""),
);
const pacedChunks = Array.from({ length: chunkCount }, (_, index) =>
  Buffer.from(encodeChunk(buildChunk(index, chunkCount))),
);
const slowChunks = Array.from({ length: slowChunkCount }, (_, index) =>
  Buffer.from(encodeChunk(buildChunk(index, slowChunkCount))),
);
const generateBody = Buffer.from(
  JSON.stringify({
    candidates: [
      {
        content: {
          role: "model",
          parts: [
            { text: "I changed the sum function to add its arguments; the three tests pass now." },
            { functionCall: { name: "Bash", args: { command: "pnpm test", description: "Run the tests" } } },
          ],
        },
        finishReason: "STOP",
        index: 0,
      },
    ],
    usageMetadata: { promptTokenCount: 12840, candidatesTokenCount: 48, totalTokenCount: 12888 },
    modelVersion: "gemini-3.8-flash",
    responseId: "stand-in-generate",
  }),
);

let captureNext = false;
/** @type {{ url: string, body: string } | undefined} */
let captured;

const server = createServer((request, response) => {
  const keep = captureNext && request.method === "POST";
  if (keep) captureNext = false;
  /** @type {Buffer[]} */
  const parts = [];
  request.on("data", (part) => {
    if (keep) parts.push(part);
  });
  request.on("end", () => {
    const url = request.url ?? "";
    if (keep) captured = { url, body: Buffer.concat(parts).toString("utf8") };
    if (url.includes(":streamGenerateContent")) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      if (url.includes("slow")) return trickle(response, slowChunks, slowBetweenMs);
      if (url.includes("paced")) return trickle(response, pacedChunks, pacedMs);
      response.end(streamBody);
      return;
    }
    if (url.includes(":generateContent")) {
      response.writeHead(200, { "content-type": "application/json", "content-length": generateBody.length });
      response.end(generateBody);
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { code: 404, message: "not found", status: "NOT_FOUND" } }));
  });
});
server.keepAliveTimeout = 65_000;

/**
 * Writes `chunks` one at a time: the first at once, then one every `betweenMs`.
 *
 * @param {import("node:http").ServerResponse} response
 * @param {Buffer[]} chunks
 * @param {number} betweenMs
 */
function trickle(response, chunks, betweenMs) {
  let index = 0;
  const sendNext = () => {
    if (response.destroyed) return;
    response.write(chunks[index]);
    index += 1;
    if (index === chunks.length) response.end();
    else setTimeout(sendNext, betweenMs);
  };
  sendNext();
}

serveAsChild(server, (message) => {
  if (message?.type === "capture") {
    captureNext = true;
    process.send?.({ type: "capture", id: message.id, ok: true });
  } else if (message?.type === "captured") {
    process.send?.({ type: "captured", id: message.id, request: captured });
  }
});
