import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createNodeListener, type NodeListenerOptions } from "./create-node-listener.js";
import { useTestServers } from "./test-utils/use-test-servers.js";

// These tests use small stand-in handlers on purpose: they pin down what the bridge does to
// bytes, headers, aborts and backpressure. The real fetch handler is covered in create-server.test.ts.

const { listen, started: servers } = useTestServers();

async function serve(
  handler: (request: Request) => Promise<Response>,
  options?: NodeListenerOptions,
  next?: (error?: unknown) => void,
): Promise<string> {
  const listener = createNodeListener(handler, options);
  return listen(createServer((incoming, outgoing) => listener(incoming, outgoing, next)));
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

const encoder = new TextEncoder();

describe("createNodeListener: request conversion", () => {
  it("passes method, URL from the Host header, query, headers and body", async () => {
    let seen: { method: string; url: string; beta: string | null; body: string } | undefined;
    const url = await serve(async (request) => {
      seen = {
        method: request.method,
        url: request.url,
        beta: request.headers.get("anthropic-beta"),
        body: await request.text(),
      };
      return new Response("ok");
    });
    const response = await fetch(`${url}/v1/messages?beta=true`, {
      method: "POST",
      headers: { "anthropic-beta": "a,b", "content-type": "application/json" },
      body: '{"model":"x"}',
    });
    expect(await response.text()).toBe("ok");
    expect(seen).toEqual({
      method: "POST",
      url: `${url}/v1/messages?beta=true`,
      beta: "a,b",
      body: '{"model":"x"}',
    });
  });

  it("decodes a gzip request body and drops the encoding headers", async () => {
    let seen: { body: string; encoding: string | null; length: string | null } | undefined;
    const url = await serve(async (request) => {
      seen = {
        body: await request.text(),
        encoding: request.headers.get("content-encoding"),
        length: request.headers.get("content-length"),
      };
      return new Response(null, { status: 204 });
    });
    const text = JSON.stringify({
      model: "claude-x",
      messages: [{ role: "user", content: "héllo ".repeat(500) }],
    });
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-encoding": "gzip" },
      body: gzipSync(text),
    });
    expect(response.status).toBe(204);
    expect(seen).toEqual({ body: text, encoding: null, length: null });
  });

  it("answers 413 request_too_large to a gzip bomb without inflating it", async () => {
    let bytesSeen = 0;
    const url = await serve(
      async (request) => {
        const reader = request.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytesSeen += value.byteLength;
        }
        return new Response("read it all");
      },
      { maxBodyBytes: 1024 * 1024 },
    );
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.byteLength).toBeLessThan(1024 * 1024);
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      headers: { "content-encoding": "gzip" },
      body: bomb,
    });
    expect(response.status).toBe(413);
    const body = await response.json();
    expect(body).toMatchObject({ type: "error", error: { type: "request_too_large" } });
    expect(bytesSeen).toBeLessThanOrEqual(1024 * 1024);
  });

  it("answers 413 to a declared length over the limit without calling the handler", async () => {
    let called = false;
    const url = await serve(
      async () => {
        called = true;
        return new Response("no");
      },
      { maxBodyBytes: 100 },
    );
    const response = await fetch(`${url}/v1/messages`, { method: "POST", body: "x".repeat(101) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({
      type: "error",
      error: { type: "request_too_large", message: expect.stringContaining("100 bytes") },
    });
    expect(called).toBe(false);
  });

  it("answers 413 to a chunked body that grows over the limit, whatever the handler made of it", async () => {
    const url = await serve(
      async (request) => {
        try {
          await request.text();
          return new Response("fine");
        } catch {
          return new Response("handler saw a broken body", { status: 400 });
        }
      },
      { maxBodyBytes: 1000 },
    );
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 5; index++) controller.enqueue(encoder.encode("y".repeat(400)));
        controller.close();
      },
    });
    const response = await fetch(`${url}/v1/messages`, {
      method: "POST",
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).error.type).toBe("request_too_large");
  });

  it("hands a body consumed by earlier middleware to the handler", async () => {
    let seen = "";
    const url = await serve(
      async (request) => {
        seen = await request.text();
        return new Response("ok");
      },
      {
        readConsumedBody: (incoming: IncomingMessage) =>
          incoming.headers["x-test"] ? "from-middleware" : undefined,
      },
    );
    await fetch(`${url}/`, { method: "POST", headers: { "x-test": "1" }, body: "from-socket" });
    expect(seen).toBe("from-middleware");
    await fetch(`${url}/`, { method: "POST", body: "from-socket" });
    expect(seen).toBe("from-socket");
  });
});

describe("createNodeListener: response writing", () => {
  it("streams event-stream chunks one by one, headers first", async () => {
    const release = [deferred(), deferred()];
    const url = await serve(async () => {
      let step = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (step === 2) return controller.close();
          await release[step]!.promise;
          controller.enqueue(encoder.encode(`event: ping\ndata: {"n":${step}}\n\n`));
          step++;
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    // Headers arrive while the body has produced nothing yet: they were flushed early.
    const response = await fetch(`${url}/v1/messages`);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    release[0]!.resolve();
    expect((await reader.read()).value).toBe('event: ping\ndata: {"n":0}\n\n');
    release[1]!.resolve();
    expect((await reader.read()).value).toBe('event: ping\ndata: {"n":1}\n\n');
    expect((await reader.read()).done).toBe(true);
  });

  it("keeps several set-cookie headers apart and passes status and other headers", async () => {
    const url = await serve(async () => {
      const headers = new Headers({ "x-custom": "yes", "request-id": "req_1" });
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      return new Response("created", { status: 201, headers });
    });
    const response = await fetch(url);
    expect(response.status).toBe(201);
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(response.headers.get("x-custom")).toBe("yes");
    expect(await response.text()).toBe("created");
  });

  it("does not pull the body without bound when the client does not read", async () => {
    const chunk = new Uint8Array(64 * 1024);
    const totalChunks = 2000;
    let pulls = 0;
    const url = await serve(async () => {
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            if (pulls === totalChunks) return controller.close();
            pulls++;
            controller.enqueue(chunk);
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { headers: { "content-type": "application/octet-stream" } });
    });
    const { port } = new URL(url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest({ host: "127.0.0.1", port, path: "/" }, resolve).on("error", reject).end();
    });
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pullsWhilePaused = pulls;
    // Socket buffers on both ends hold a few MB at most; without backpressure all 125 MB would be pulled.
    expect(pullsWhilePaused).toBeLessThan(400);

    let received = 0;
    response.on("data", (data: Buffer) => {
      received += data.byteLength;
    });
    response.resume();
    await new Promise((resolve) => response.on("end", resolve));
    expect(received).toBe(totalChunks * chunk.byteLength);
  });

  it("aborts request.signal and cancels the response body when the client disconnects", async () => {
    const aborted = deferred<unknown>();
    const cancelled = deferred<unknown>();
    const url = await serve(async (request) => {
      request.signal.addEventListener("abort", () => aborted.resolve(request.signal.reason));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("event: ping\ndata: {}\n\n"));
        },
        cancel(reason) {
          cancelled.resolve(reason);
        },
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    });
    const controller = new AbortController();
    const response = await fetch(`${url}/v1/messages`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const [abortReason, cancelReason] = await Promise.all([aborted.promise, cancelled.promise]);
    expect(String(abortReason)).toContain("client closed");
    expect(String(cancelReason)).toContain("client closed");
  });

  it.each([
    ["ends its side of the connection", "end"],
    ["resets the connection", "reset"],
  ] as const)("aborts request.signal as soon as the socket says the client %s", async (_label, how) => {
    // Node closes the response only later in the event-loop turn; the upstream should not wait
    // for that. A listener added after the bridge's runs in the same callback and must see the
    // signal already aborted.
    let signal: AbortSignal | undefined;
    const requestSeen = deferred();
    const listener = createNodeListener(async (request) => {
      signal = request.signal;
      requestSeen.resolve();
      return new Response(new ReadableStream({ start: () => {} }), {
        headers: { "content-type": "text/event-stream" },
      });
    });
    const abortedWhenSocketSaidSo = deferred<boolean>();
    const server = createServer((incoming, outgoing) => {
      listener(incoming, outgoing);
      const onGone = () => abortedWhenSocketSaidSo.resolve(signal?.aborted === true);
      incoming.socket.once("end", onGone);
      incoming.socket.once("error", onGone);
    });
    const client = connect(Number(new URL(await listen(server)).port), "127.0.0.1");
    client.on("error", () => {});
    client.write("GET /v1/messages HTTP/1.1\r\nhost: localhost\r\n\r\n");
    await requestSeen.promise;
    if (how === "end") client.end();
    else client.resetAndDestroy();
    expect(await abortedWhenSocketSaidSo.promise).toBe(true);
    expect(String(signal?.reason)).toContain("client closed");
  });

  it("turns a handler exception into an Anthropic error body without leaking the message's stack", async () => {
    const url = await serve(async () => {
      throw new Error("kaboom at /secret/path.ts:12");
    });
    const response = await fetch(`${url}/v1/messages`, { method: "POST", body: "{}" });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = await response.json();
    expect(body).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(JSON.stringify(body)).not.toContain("/secret/path.ts");
    expect(body.request_id).toMatch(/^req_/);
  });

  it("answers with an error when the body fails before the first byte, and ends a started one", async () => {
    const url = await serve(async (request) => {
      const late = new URL(request.url).pathname === "/late";
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (late && !sent) {
            sent = true;
            controller.enqueue(encoder.encode("partial"));
            return;
          }
          controller.error(new Error("upstream broke"));
        },
      });
      return new Response(body, {
        headers: { "content-type": late ? "text/event-stream" : "application/json" },
      });
    });
    const early = await fetch(`${url}/early`);
    expect(early.status).toBe(500);
    expect((await early.json()).type).toBe("error");

    const late = await fetch(`${url}/late`);
    expect(late.status).toBe(200);
    expect(await late.text()).toBe("partial");
  });

  it("passes failures of the bridge itself to next() when given one", async () => {
    const nextCalls: unknown[] = [];
    const url = await serve(
      async () => new Response("unreached"),
      {
        readConsumedBody: () => {
          throw new Error("broken middleware state");
        },
      },
      (error) => {
        nextCalls.push(error);
      },
    );
    const done = fetch(`${url}/v1/messages`, { method: "POST", body: "{}" }).catch(() => undefined);
    await expect.poll(() => nextCalls.length).toBe(1);
    expect(String(nextCalls[0])).toContain("broken middleware state");
    for (const server of servers) server.closeAllConnections();
    await done;
  });

  it("answers HEAD without a body", async () => {
    const url = await serve(async () => new Response("body text", { headers: { "x-a": "1" } }));
    const response = await fetch(url, { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-a")).toBe("1");
    expect(await response.text()).toBe("");
  });
});
