#!/usr/bin/env node
/**
 * A rung of the small-request ladder (`measure-ladder.mjs`): the fetch handler as the proxy
 * builds it (same options as `serve-proxy.mjs`, same `node:http` transport and fetch sharing
 * one pool), called through the barest Node bridge instead of node-http's: the whole body is
 * read before the handler is called, the client's signal is one that never aborts, and the
 * handler's answer is written with one `writeHead` and `end`. No body limits, no decoding, no
 * disconnect handling, no streams: JSON answers only; not a server to run.
 *
 * Against the proxy it shows what node-http's bridge costs; against the converting
 * pass-through, what the fetch handler costs beyond core's conversions.
 *
 * IPC: `{ type: "stop" }` ends the process; it reports `{ type: "ready", url }` when listening.
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createFetchHandler, findHandlerCore } from "@claude-gemini/fetch-handler";
import { createAgentPool, createNodeFetch, createNodeTransport } from "@claude-gemini/node-http";
import { serveAsChild } from "./serve-as-child.mjs";

const { values } = parseArgs({ options: { upstream: { type: "string" } } });
if (!values.upstream) throw new Error("--upstream <url> is required");

const pool = createAgentPool({ maxSockets: 1024 });
const core = findHandlerCore(
  createFetchHandler({
    apiKey: "bench-key",
    baseUrl: values.upstream,
    retry: { maxAttempts: 1 },
    fetch: createNodeFetch({}, pool),
    transport: createNodeTransport({}, pool),
  }),
);
if (core === undefined) throw new Error("the fetch handler exposes no core");
const signal = new AbortController().signal;

const server = createServer((request, response) => {
  /** @type {Buffer[]} */
  const parts = [];
  request.on("data", (part) => parts.push(part));
  request.on("end", async () => {
    const headers = request.headers;
    const path = request.url ?? "/";
    const query = path.indexOf("?");
    const answer = await core({
      method: request.method ?? "GET",
      url: `http://${headers.host ?? "localhost"}${path}`,
      pathname: query < 0 ? path : path.slice(0, query),
      headers: {
        get: (name) => {
          const value = headers[name.toLowerCase()];
          return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
        },
      },
      signal,
      body: [parts.length === 1 ? parts[0] : Buffer.concat(parts)],
    });
    if (typeof answer.body !== "string") {
      response.writeHead(500).end();
      return;
    }
    response.writeHead(answer.status, {
      ...answer.headers,
      "content-length": Buffer.byteLength(answer.body),
    });
    response.end(answer.body);
  });
});
server.keepAliveTimeout = 65_000;

serveAsChild(server);
