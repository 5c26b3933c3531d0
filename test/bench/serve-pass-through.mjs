#!/usr/bin/env node
/**
 * The floor the proxy is measured against: a bare `node:http` pass-through, run as a child
 * process like the proxy. It does the least any Anthropic-to-Gemini proxy must do and nothing
 * else: reads and `JSON.parse`s the Anthropic body, sends one request to the upstream stand-in
 * (each message as one text part, tools as declarations with their schema as is), and answers
 *
 * - a stream by splitting the upstream SSE into events, `JSON.parse`-ing each chunk and writing
 *   one Anthropic-style `content_block_delta` event per chunk;
 * - a JSON request by parsing the upstream answer and writing one re-serialised message.
 *
 * No validation, no conversion of tools or schemas, no error handling worth the name: a line to
 * read the proxy's figures against (issue 15, item 6), not a server to run.
 *
 * IPC: `{ type: "stop" }` ends the process; it reports `{ type: "ready", url }` when listening.
 */
import { Agent, createServer, request as httpRequest } from "node:http";
import { parseArgs } from "node:util";
import { serveAsChild } from "./serve-as-child.mjs";

const { values } = parseArgs({ options: { upstream: { type: "string" } } });
if (!values.upstream) throw new Error("--upstream <url> is required");
const upstream = new URL(values.upstream);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

const server = createServer((request, response) => {
  /** @type {Buffer[]} */
  const parts = [];
  request.on("data", (part) => parts.push(part));
  request.on("end", () => {
    const body = JSON.parse(Buffer.concat(parts).toString("utf8"));
    const geminiBody = JSON.stringify({
      contents: body.messages.map((message) => ({
        role: message.role === "assistant" ? "model" : "user",
        parts: [
          { text: typeof message.content === "string" ? message.content : JSON.stringify(message.content) },
        ],
      })),
      ...(body.system ? { systemInstruction: { parts: [{ text: JSON.stringify(body.system) }] } } : {}),
      ...(body.tools
        ? {
            tools: [
              {
                functionDeclarations: body.tools.map((tool) => ({
                  name: tool.name,
                  description: tool.description,
                  parametersJsonSchema: tool.input_schema,
                })),
              },
            ],
          }
        : {}),
      generationConfig: { maxOutputTokens: body.max_tokens },
    });
    const stream = body.stream === true;
    const action = stream ? "streamGenerateContent?alt=sse" : "generateContent";
    const model = body.model.includes("paced") ? body.model : "gemini-3.5-flash-lite";
    const outgoing = httpRequest(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: "POST",
        path: `/v1beta/models/${model}:${action}`,
        headers: { "content-type": "application/json", "x-goog-api-key": "bench-key" },
      },
      (incoming) => (stream ? relayStream(incoming, response) : relayJson(incoming, response)),
    );
    outgoing.on("error", () => response.destroy());
    outgoing.end(geminiBody);
  });
});
server.keepAliveTimeout = 65_000;

/**
 * @param {import("node:http").IncomingMessage} incoming
 * @param {import("node:http").ServerResponse} response
 */
function relayStream(incoming, response) {
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
  incoming.setEncoding("utf8");
  let buffer = "";
  incoming.on("data", (text) => {
    buffer += text;
    let out = "";
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) break;
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      if (!event.startsWith("data: ")) continue;
      const chunk = JSON.parse(event.slice(6));
      const delta = {
        type: "content_block_delta",
        index: 0,
        delta: { type: "text_delta", text: chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? "" },
      };
      out += `event: content_block_delta\ndata: ${JSON.stringify(delta)}\n\n`;
    }
    if (out !== "") response.write(out);
  });
  incoming.on("end", () => response.end('event: message_stop\ndata: {"type":"message_stop"}\n\n'));
}

/**
 * @param {import("node:http").IncomingMessage} incoming
 * @param {import("node:http").ServerResponse} response
 */
function relayJson(incoming, response) {
  /** @type {Buffer[]} */
  const parts = [];
  incoming.on("data", (part) => parts.push(part));
  incoming.on("end", () => {
    const answer = JSON.parse(Buffer.concat(parts).toString("utf8"));
    const body = JSON.stringify({
      type: "message",
      role: "assistant",
      content: answer.candidates?.[0]?.content?.parts ?? [],
      usage: answer.usageMetadata,
    });
    response.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  });
}

serveAsChild(server);
