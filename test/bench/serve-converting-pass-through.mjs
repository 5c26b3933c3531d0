#!/usr/bin/env node
/**
 * A rung of the small-request ladder (`measure-ladder.mjs`): the bare pass-through
 * (`serve-pass-through.mjs`) with core's conversions in place of its own, and nothing else.
 * It reads the Anthropic body, validates and converts it with `validateMessagesRequest` and
 * `convertToGeminiRequest`, sends the converted contents, system instruction, tools and
 * generation settings to the upstream stand-in on a keep-alive `node:http` agent, and answers
 * with `convertToAnthropicMessage` of the reply.
 *
 * What it leaves out is what the fetch handler adds around the conversions: routing and auth,
 * the request scope and its lifecycle events, retries, key rotation, capability correction and
 * fallback, timeouts and abort signals, the upstream transport and wire, error mapping, headers
 * naming the model and what was not served. So the gap between this rung and the pass-through
 * is what the conversions cost, and the gap between it and the proxy is what everything else
 * costs. JSON requests only; not a server to run.
 *
 * IPC: `{ type: "stop" }` ends the process; it reports `{ type: "ready", url }` when listening.
 */
import { Agent, createServer, request as httpRequest } from "node:http";
import { parseArgs } from "node:util";
import {
  convertToAnthropicMessage,
  convertToGeminiRequest,
  createIdGenerator,
  validateMessagesRequest,
} from "@claude-gemini/core";
import { serveAsChild } from "./serve-as-child.mjs";

const { values } = parseArgs({ options: { upstream: { type: "string" } } });
if (!values.upstream) throw new Error("--upstream <url> is required");
const upstream = new URL(values.upstream);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

// A bench needs no secure ids; `Math.random` costs about what the handler's pooled source does
// (0.57 against 0.43 µs per 24-character id).
const generateId = createIdGenerator((bytes) => {
  for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(Math.random() * 256);
  return bytes;
});

const server = createServer((request, response) => {
  /** @type {Buffer[]} */
  const parts = [];
  request.on("data", (part) => parts.push(part));
  request.on("end", () => {
    const body = JSON.parse(Buffer.concat(parts).toString("utf8"));
    const { value, context } = convertToGeminiRequest(validateMessagesRequest(body));
    const { systemInstruction, tools, toolConfig, abortSignal, httpOptions, ...generationConfig } =
      value.config ?? {};
    const geminiBody = JSON.stringify({
      contents: value.contents,
      ...(systemInstruction ? { systemInstruction } : {}),
      ...(tools ? { tools } : {}),
      ...(toolConfig ? { toolConfig } : {}),
      generationConfig,
    });
    const outgoing = httpRequest(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: "POST",
        path: `/v1beta/models/${value.model}:generateContent`,
        headers: { "content-type": "application/json", "x-goog-api-key": "bench-key" },
      },
      (incoming) => {
        /** @type {Buffer[]} */
        const chunks = [];
        incoming.on("data", (chunk) => chunks.push(chunk));
        incoming.on("end", () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          const message = convertToAnthropicMessage(answer, { context, generateId });
          const text = JSON.stringify(message.value);
          response.writeHead(200, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(text),
          });
          response.end(text);
        });
      },
    );
    outgoing.on("error", () => response.destroy());
    outgoing.end(geminiBody);
  });
});
server.keepAliveTimeout = 65_000;

serveAsChild(server);
