import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect, type Socket } from "node:net";
import { gzipSync } from "node:zlib";
import {
  createFetchHandler,
  type FetchHandlerOptions,
  findHandlerCore,
  HANDLER_CORE,
  type HandlerAnswer,
  type HandlerRequest,
  type LifecycleEvent,
} from "@claude-gemini/fetch-handler";
import { describe, expect, it } from "vitest";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { createNodeListener, type NodeListenerOptions } from "./create-node-listener.js";
import { createNodeTransport } from "./create-node-transport.js";

// The bridge serves a handler from createFetchHandler through its core (no WHATWG Request or
// Response); these tests hold that lane to the WHATWG one, byte for byte, with the real handler
// against the Gemini fake.

const API_KEY = "fake-gemini-key";
const gemini = useGeminiFake({ apiKey: API_KEY });

/** The same handler configuration twice: one served through its core, one through Request and Response. */
async function startLanes(
  options: Partial<FetchHandlerOptions> = {},
  listenerOptions: NodeListenerOptions = {},
): Promise<{ core: string; web: string }> {
  const make = () => {
    // Each handler numbers its ids from 0, so the same requests get the same ids in both lanes.
    let next = 0;
    return createFetchHandler({
      apiKey: API_KEY,
      baseUrl: gemini.fake.url,
      retry: { maxAttempts: 1 },
      modelMetadata: false,
      generateId: () => `id${next++}`,
      ...options,
    });
  };
  const coreHandler = make();
  const webHandler = make();
  expect(findHandlerCore(coreHandler)).toBeTypeOf("function");
  // A plain function around it: no core to find, so the bridge builds a Request and reads the Response.
  const webOnly = (request: Request) => webHandler(request);
  expect(findHandlerCore(webOnly)).toBeUndefined();
  return {
    core: await gemini.listen(createServer(createNodeListener(coreHandler, listenerOptions))),
    web: await gemini.listen(createServer(createNodeListener(webOnly, listenerOptions))),
  };
}

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One exchange on a fresh connection, read as it came off the wire (framing headers included). */
function exchange(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string> | string[]; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      `${base}${path}`,
      { method: init.method ?? "GET", headers: init.headers, agent: false },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          const {
            date: _date,
            connection: _connection,
            "keep-alive": _keepAlive,
            ...headers
          } = incoming.headers;
          resolve({
            status: incoming.statusCode ?? 0,
            headers,
            body: Buffer.concat(chunks).toString("latin1"),
          });
        });
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(init.body);
  });
}

/** Sends the same request to both lanes, one after the other, and returns both answers. */
async function bothLanes(
  lanes: { core: string; web: string },
  path: string,
  init: Parameters<typeof exchange>[2] = {},
): Promise<{ core: RawAnswer; web: RawAnswer }> {
  const core = await exchange(lanes.core, path, init);
  const web = await exchange(lanes.web, path, init);
  return { core, web };
}

const json = { "content-type": "application/json", "anthropic-version": "2023-06-01" };
const messagesBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 256,
    messages: [{ role: "user", content: "Say hello" }],
    ...extra,
  });

describe("createNodeListener: the core lane answers as the WHATWG lane does", () => {
  it("a JSON message: status, headers (content-length, model, request-id) and body", async () => {
    const lanes = await startLanes();
    gemini.fake.enqueue({ kind: "text", text: "Hello there" }, { kind: "text", text: "Hello there" });
    const { core, web } = await bothLanes(lanes, "/v1/messages?beta=true", {
      method: "POST",
      headers: json,
      body: messagesBody(),
    });
    expect(core.status).toBe(200);
    expect(core.headers["content-length"]).toBe(String(Buffer.byteLength(core.body, "latin1")));
    expect(core.headers["x-claude-gemini-model"]).toBeDefined();
    expect(JSON.parse(core.body)).toMatchObject({ content: [{ type: "text", text: "Hello there" }] });
    expect(core).toEqual(web);
  });

  it("a stream: the same SSE bytes and headers, chunked", async () => {
    const lanes = await startLanes();
    const scenario = { kind: "text", text: "one two three four five", chunks: 5 } as const;
    gemini.fake.enqueue(scenario, scenario);
    const { core, web } = await bothLanes(lanes, "/v1/messages", {
      method: "POST",
      headers: json,
      body: messagesBody({ stream: true }),
    });
    expect(core.status).toBe(200);
    expect(core.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(core.headers["transfer-encoding"]).toBe("chunked");
    expect(core.body).toContain("event: message_start");
    expect(core.body).toContain("event: message_stop");
    expect(core).toEqual(web);
  });

  it("a stream whose upstream fails before the first chunk: the same JSON error", async () => {
    const lanes = await startLanes();
    const failure = {
      kind: "error",
      status: 503,
      geminiStatus: "UNAVAILABLE",
      message: "The model is overloaded.",
    };
    gemini.fake.enqueue(failure as never, failure as never);
    const { core, web } = await bothLanes(lanes, "/v1/messages", {
      method: "POST",
      headers: json,
      body: messagesBody({ stream: true }),
    });
    expect(core.status).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(core.body)).toMatchObject({ type: "error" });
    expect(core).toEqual(web);
  });

  it("a gzip body and token counting", async () => {
    const lanes = await startLanes();
    const { core, web } = await bothLanes(lanes, "/v1/messages/count_tokens", {
      method: "POST",
      headers: { ...json, "content-encoding": "gzip" },
      body: gzipSync(messagesBody()),
    });
    expect(core.status).toBe(200);
    expect(JSON.parse(core.body)).toHaveProperty("input_tokens");
    expect(core).toEqual(web);
  });

  it("a body sent without a length and refused by the bridge's limit, mid-way", async () => {
    const lanes = await startLanes({}, { maxBodyBytes: 1000 });
    // Chunked (no content-length), so the bridge only learns the size as the bytes come.
    const body = messagesBody({ messages: [{ role: "user", content: "x".repeat(3000) }] });
    const { core, web } = await bothLanes(lanes, "/v1/messages", {
      method: "POST",
      headers: [
        "host",
        new URL(lanes.core).host,
        "content-type",
        "application/json",
        "transfer-encoding",
        "chunked",
      ],
      body,
    });
    expect(core.status).toBe(413);
    // The bridge's own answers carry a random request id.
    const withoutId = (answer: RawAnswer) => ({
      ...answer,
      headers: { ...answer.headers, "request-id": "req_" },
      body: answer.body.replace(/req_\w+/, "req_"),
    });
    expect(withoutId(core)).toEqual(withoutId(web));
    expect(gemini.fake.requests).toHaveLength(0);
  });

  it.each([
    ["HEAD /", { method: "HEAD" }, "/"],
    ["HEAD /health", { method: "HEAD" }, "/health"],
    ["GET /health", {}, "/health"],
    ["GET /v1/models?limit=2", {}, "/v1/models?limit=2"],
    ["404", {}, "/v1/complete"],
    ["405", {}, "/v1/messages"],
    [
      "415 with an unread body",
      { method: "POST", headers: { "content-type": "text/plain" }, body: "x" },
      "/v1/messages",
    ],
    ["400 for a body that is not JSON", { method: "POST", headers: json, body: "{" }, "/v1/messages"],
  ] as const)("%s", async (_name, init, path) => {
    const lanes = await startLanes();
    const { core, web } = await bothLanes(lanes, path, init as Parameters<typeof exchange>[2]);
    expect(core).toEqual(web);
  });

  it("CORS: a preflight, and the headers on an answer to an allowed origin", async () => {
    const lanes = await startLanes({ cors: { origins: ["https://app.example"] }, proxyApiKey: "proxy-key" });
    const preflight = await bothLanes(lanes, "/v1/messages", {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-api-key",
      },
    });
    expect(preflight.core.status).toBe(204);
    expect(preflight.core.headers["access-control-allow-origin"]).toBe("https://app.example");
    expect(preflight.core).toEqual(preflight.web);
    const models = await bothLanes(lanes, "/v1/models", {
      headers: { origin: "https://app.example", "x-api-key": "proxy-key" },
    });
    expect(models.core.status).toBe(200);
    expect(models.core.headers.vary).toBe("origin");
    expect(models.core).toEqual(models.web);
    const refused = await bothLanes(lanes, "/v1/models", {
      headers: { origin: "https://app.example", "x-api-key": "wrong" },
    });
    expect(refused.core.status).toBe(401);
    expect(refused.core).toEqual(refused.web);
  });
});

describe("createNodeListener: the core lane", () => {
  it("cancels the upstream and ends the request's events when the client leaves mid-stream", async () => {
    const events: LifecycleEvent[] = [];
    const handler = createFetchHandler({
      apiKey: API_KEY,
      baseUrl: gemini.fake.url,
      retry: { maxAttempts: 1 },
      modelMetadata: false,
      subscribers: [(event) => events.push(event)],
    });
    const url = await gemini.listen(createServer(createNodeListener(handler)));
    gemini.fake.enqueue({ kind: "stall", afterChunks: 1 });
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: json,
      body: messagesBody({ stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("message_start");
    controller.abort();
    await expect.poll(() => gemini.fake.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
    await expect
      .poll(() => events.find((event) => event.type === "streamEnd"), { timeout: 5000 })
      .toMatchObject({ errorType: "aborted" });
    expect(events.filter((event) => event.type === "requestComplete")).toHaveLength(1);
  });

  it("is chosen by the core a handler carries, and reads the request without a WHATWG Request", async () => {
    const seen: { method: string; pathname: string; url: string; beta: string | null; body: string }[] = [];
    const core = async (request: HandlerRequest): Promise<HandlerAnswer> => {
      let body = "";
      const decoder = new TextDecoder();
      for await (const chunk of request.body as AsyncIterable<Uint8Array>) body += decoder.decode(chunk);
      seen.push({
        method: request.method,
        pathname: request.pathname,
        url: request.url,
        beta: request.headers.get("Anthropic-Beta"),
        body,
      });
      return {
        status: 201,
        headers: { "content-type": "text/plain", "x-lane": "core" },
        body: "from the core",
      };
    };
    const handler = Object.assign(
      async (): Promise<Response> => {
        throw new Error("the WHATWG face must not be called");
      },
      { [HANDLER_CORE]: core },
    );
    const url = await gemini.listen(createServer(createNodeListener(handler)));
    const answer = await exchange(url, "/v1/messages?beta=true", {
      method: "POST",
      // Raw pairs: the same name twice, in two spellings.
      headers: [
        "host",
        new URL(url).host,
        "anthropic-beta",
        "a",
        "Anthropic-Beta",
        "b",
        "content-type",
        "application/json",
      ],
      body: '{"model":"x"}',
    });
    expect(answer).toMatchObject({ status: 201, body: "from the core", headers: { "x-lane": "core" } });
    expect(seen).toEqual([
      {
        method: "POST",
        pathname: "/v1/messages",
        url: `${url}/v1/messages?beta=true`,
        beta: "a, b",
        body: '{"model":"x"}',
      },
    ]);
  });

  it("serves a handler without a core through Request and Response", async () => {
    const handler = async (request: Request) =>
      new Response(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`, {
        headers: { "x-lane": "web" },
      });
    const url = await gemini.listen(createServer(createNodeListener(handler)));
    const answer = await exchange(url, "/echo", { method: "POST", body: "hi" });
    expect(answer).toMatchObject({ status: 200, body: "POST /echo hi", headers: { "x-lane": "web" } });
  });

  it("pulls an event source only as fast as the client reads, and cancels it when the client leaves", async () => {
    const piece = `data: ${"x".repeat(256 * 1024)}\n\n`;
    let pulls = 0;
    let cancelled = false;
    const core = async (): Promise<HandlerAnswer> => ({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: {
        kind: "event-source",
        start: (sink) => sink.enqueue("event: open\n\n"),
        pull: async (sink) => {
          pulls++;
          sink.enqueue(piece);
        },
        cancel: () => {
          cancelled = true;
        },
      },
    });
    const handler = Object.assign(async (): Promise<Response> => new Response(null), {
      [HANDLER_CORE]: core,
    });
    const url = new URL(await gemini.listen(createServer(createNodeListener(handler))));
    // A client that sends its request and then reads nothing.
    const socket = connect(Number(url.port), url.hostname);
    socket.write(`GET /events HTTP/1.1\r\nhost: ${url.host}\r\n\r\n`);
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const pullsWhileStuck = pulls;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Socket buffers fill within a few dozen pieces; without backpressure it would be thousands.
    expect(pullsWhileStuck).toBeGreaterThan(0);
    expect(pullsWhileStuck).toBeLessThan(100);
    expect(pulls).toBe(pullsWhileStuck);
    expect(cancelled).toBe(false);
    socket.destroy();
    await expect.poll(() => cancelled, { timeout: 5000 }).toBe(true);
  });

  it("answers a body whose header Node refuses with an error, and keeps headers set before it", async () => {
    const answerWith = (value: string) => async (): Promise<HandlerAnswer> => ({
      status: 200,
      headers: { "content-type": "application/json", "x-note": value },
      body: '{"ok":true}',
      sendLength: true,
    });
    const serveWith = (value: string) => {
      const listener = createNodeListener(
        Object.assign(async (): Promise<Response> => new Response(null), {
          [HANDLER_CORE]: answerWith(value),
        }),
      );
      return gemini.listen(
        createServer((incoming, outgoing) => {
          // A header set before the handler answers, as Express sets `x-powered-by`.
          outgoing.setHeader("x-before", "kept");
          listener(incoming, outgoing);
        }),
      );
    };
    const good = await exchange(await serveWith("plain"), "/anything");
    expect(good).toMatchObject({
      status: 200,
      body: '{"ok":true}',
      headers: { "x-note": "plain", "x-before": "kept", "content-length": "11" },
    });
    const refused = await exchange(await serveWith("line\nbreak"), "/anything");
    expect(refused.status).toBe(500);
    expect(refused.headers["x-note"]).toBeUndefined();
    expect(JSON.parse(refused.body)).toMatchObject({ type: "error", error: { type: "api_error" } });
  });

  it("writes the first event at once and the events of one burst in one write", async () => {
    let pulls = 0;
    const core = async (): Promise<HandlerAnswer> => ({
      status: 200,
      headers: { "content-type": "text/event-stream" },
      body: {
        kind: "event-source",
        start: (sink) => sink.enqueue("data: 1\n\n"),
        pull: async (sink) => {
          pulls++;
          if (pulls === 1) {
            sink.enqueue("data: 2\n\n");
            sink.enqueue("data: 3\n\n");
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
          sink.enqueue("data: 4\n\n");
          sink.close();
        },
        cancel: () => {},
      },
    });
    const handler = Object.assign(async (): Promise<Response> => new Response(null), {
      [HANDLER_CORE]: core,
    });
    const listener = createNodeListener(handler);
    const writes: unknown[] = [];
    const url = await gemini.listen(
      createServer((incoming, outgoing) => {
        const write = outgoing.write.bind(outgoing) as (chunk: unknown) => boolean;
        outgoing.write = ((chunk: unknown) => {
          writes.push(chunk);
          return write(chunk);
        }) as typeof outgoing.write;
        listener(incoming, outgoing);
      }),
    );
    const answer = await exchange(url, "/events");
    expect(answer.body).toBe("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");
    // The last event leaves with the end of the response, not in a write of its own.
    expect(writes).toEqual(["data: 1\n\n", "data: 2\n\ndata: 3\n\n"]);
  });

  it("sends a stream whose chunks came in one read in one write, first event included", async () => {
    // An upstream that sends its whole answer at once, as a short answer or a burst arrives.
    const chunks = ["Hello", " there", ", all", " at once."].map((text, index, all) => ({
      candidates: [
        {
          content: { role: "model", parts: [{ text }] },
          ...(index === all.length - 1 ? { finishReason: "STOP" } : {}),
        },
      ],
      ...(index === all.length - 1
        ? { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 } }
        : {}),
    }));
    const upstream = await gemini.listen(
      createServer((incoming, outgoing) => {
        incoming.resume();
        incoming.on("end", () => {
          outgoing.writeHead(200, { "content-type": "text/event-stream" });
          outgoing.end(chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(""));
        });
      }),
    );
    const listener = createNodeListener(
      createFetchHandler({
        apiKey: API_KEY,
        baseUrl: upstream,
        retry: { maxAttempts: 1 },
        modelMetadata: false,
        // As createServer sends generate calls.
        transport: createNodeTransport(),
      }),
    );
    // What the socket hands the kernel: each `_write`/`_writev` call is one system call.
    const flushes: string[] = [];
    const url = await gemini.listen(
      createServer((incoming, outgoing) => {
        const socket = outgoing.socket as Socket & {
          _write(chunk: unknown, encoding: string, callback: () => void): void;
          _writev(chunks: { chunk: unknown }[], callback: () => void): void;
        };
        const writeOne = socket._write.bind(socket);
        const writeMany = socket._writev.bind(socket);
        socket._write = (chunk, encoding, callback) => {
          flushes.push(String(chunk));
          writeOne(chunk, encoding, callback);
        };
        socket._writev = (chunks, callback) => {
          flushes.push(chunks.map(({ chunk }) => String(chunk)).join(""));
          writeMany(chunks, callback);
        };
        listener(incoming, outgoing);
      }),
    );
    const answer = await exchange(url, "/v1/messages", {
      method: "POST",
      headers: json,
      body: messagesBody({ stream: true }),
    });
    expect(answer.status).toBe(200);
    const names = [...answer.body.matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
    expect(names).toEqual([
      "message_start",
      "content_block_start",
      ...chunks.map(() => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    // Headers, every event and the end of the chunked body in one system call.
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toMatch(
      /^HTTP\/1\.1 200[\s\S]*event: message_start\n[\s\S]*event: message_stop\n.*\n\n\r\n0\r\n\r\n$/,
    );
  });
});
