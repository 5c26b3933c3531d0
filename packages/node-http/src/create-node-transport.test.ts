import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { readNetworkFailure } from "@claude-gemini/core";
import type { UpstreamReply, UpstreamRequest } from "@claude-gemini/fetch-handler";
import { describe, expect, it } from "vitest";
import { createAgentPool } from "./create-agent-pool.js";
import { createNodeFetch } from "./create-node-fetch.js";
import { createNodeTransport } from "./create-node-transport.js";
import { type Flood, floodResponse } from "./test-utils/flood-response.js";
import { useTestServers } from "./test-utils/use-test-servers.js";

const { listen } = useTestServers();

async function serve(
  listener: (incoming: IncomingMessage, outgoing: ServerResponse) => void,
): Promise<{ url: string; server: Server; connections: () => number }> {
  const server = createServer(listener);
  let connections = 0;
  server.on("connection", () => {
    connections += 1;
  });
  return { url: await listen(server), server, connections: () => connections };
}

const post = (url: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  url,
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: "{}",
  ...extra,
});

async function readPieces(reply: UpstreamReply): Promise<string[]> {
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  for (let piece = await reply.read(); piece !== undefined; piece = await reply.read()) {
    pieces.push(decoder.decode(piece));
  }
  return pieces;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("createNodeTransport", () => {
  it("sends the method, headers and body, and hands back status, reason, headers and text", async () => {
    const { url } = await serve((incoming, outgoing) => {
      let body = "";
      incoming.setEncoding("utf8");
      incoming.on("data", (part) => {
        body += part;
      });
      incoming.on("end", () => {
        outgoing.writeHead(201, "Made", {
          "content-type": "application/json",
          "x-seen": incoming.headers["x-goog-api-key"],
        });
        outgoing.end(
          `\uFEFF${JSON.stringify({ method: incoming.method, url: incoming.url, body, length: incoming.headers["content-length"] })}`,
        );
      });
    });
    const transport = createNodeTransport();
    const reply = await transport(
      post(`${url}/v1beta/models/m:generateContent?x=1`, {
        headers: { "Content-Type": "application/json", "x-goog-api-key": "key-1" },
        body: '{"contents":"é"}',
      }),
    );
    expect(reply.status).toBe(201);
    expect(reply.statusText).toBe("Made");
    expect(reply.header("X-Seen")).toBe("key-1");
    expect(reply.header("x-missing")).toBeUndefined();
    // The byte order mark is dropped, as `Response.text()` drops it.
    expect(JSON.parse(await reply.text())).toEqual({
      method: "POST",
      url: "/v1beta/models/m:generateContent?x=1",
      body: '{"contents":"é"}',
      length: "17",
    });
  });

  it("sends the header block Node's http.request(url) would: host, credentials in the URL, one length", async () => {
    const seen: Array<{ url?: string; raw: string[] }> = [];
    const { url } = await serve((incoming, outgoing) => {
      seen.push({ url: incoming.url, raw: incoming.rawHeaders });
      incoming.resume();
      incoming.on("end", () => outgoing.end("{}"));
    });
    const transport = createNodeTransport();
    const withCredentials = url.replace("http://", "http://user%40x:p%3Ass@");
    await (await transport(post(`${withCredentials}/v1beta/a:b?alt=sse`))).text();
    await (
      await transport(
        post(`${withCredentials}/v1beta/a:b?alt=sse`, {
          headers: { Authorization: "Bearer mine", "Content-Length": "999", Host: "gateway.internal" },
          body: "12345",
        }),
      )
    ).text();
    const pairs = (raw: string[]) =>
      Object.fromEntries(
        raw.flatMap((value, index) => (index % 2 === 0 ? [[value.toLowerCase(), raw[index + 1]]] : [])),
      );
    const [first, second] = seen.map((request) => ({ url: request.url, headers: pairs(request.raw) }));
    expect(first).toMatchObject({
      url: "/v1beta/a:b?alt=sse",
      headers: {
        host: new URL(url).host,
        authorization: `Basic ${Buffer.from("user@x:p:ss").toString("base64")}`,
        "content-length": "2",
        "content-type": "application/json",
        connection: "keep-alive",
      },
    });
    // The caller's own Authorization and Host win; its Content-Length is replaced by the body's.
    expect(second?.headers).toMatchObject({
      host: "gateway.internal",
      authorization: "Bearer mine",
      "content-length": "5",
    });
    expect(seen[1]?.raw.filter((name) => /^(host|content-length)$/i.test(name))).toHaveLength(2);
  });

  it("hands on an event stream's bytes as they arrive, and reuses the connection once it ended", async () => {
    const { url, connections } = await serve((_incoming, outgoing) => {
      outgoing.writeHead(200, { "content-type": "text/event-stream" });
      outgoing.write("data: 1\n\n");
      setTimeout(() => outgoing.write("data: 2\n"), 20);
      setTimeout(() => outgoing.end("\n"), 40);
    });
    const transport = createNodeTransport();
    const reply = await transport(post(url));
    expect(reply.header("content-type")).toBe("text/event-stream");
    expect(new TextDecoder().decode(await reply.read())).toBe("data: 1\n\n");
    expect((await readPieces(reply)).join("")).toBe("data: 2\n\n");
    expect(await reply.read()).toBeUndefined();
    // Cancelling an ended body changes nothing: its connection goes back to the pool (when Node
    // emits the body's `end`, a tick after the reader learnt of it).
    reply.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await (await transport(post(url))).text()).toBe("data: 1\n\ndata: 2\n\n");
    expect(connections()).toBe(1);
  });

  it("decodes gzip and brotli bodies and hides the encoding headers", async () => {
    const { url } = await serve((incoming, outgoing) => {
      incoming.resume();
      const body =
        incoming.url === "/br" ? brotliCompressSync('{"candidates":[]}') : gzipSync('{"candidates":[]}');
      outgoing.writeHead(200, {
        "content-encoding": incoming.url === "/br" ? "br" : "gzip",
        "content-length": body.length,
      });
      outgoing.end(body);
    });
    const transport = createNodeTransport();
    for (const path of ["/gzip", "/br"]) {
      const reply = await transport(post(`${url}${path}`));
      expect(reply.header("content-encoding")).toBeUndefined();
      expect(reply.header("content-length")).toBeUndefined();
      expect(await reply.text()).toBe('{"candidates":[]}');
    }
  });

  it("fails a gzip body that is cut short", async () => {
    const { url } = await serve((incoming, outgoing) => {
      incoming.resume();
      const body = gzipSync("x".repeat(10_000));
      const cut = body.subarray(0, body.length - 8);
      outgoing.writeHead(200, { "content-encoding": "gzip", "content-length": cut.length });
      outgoing.end(cut);
    });
    const reply = await createNodeTransport()(post(url));
    expect(await failureOf(reply.text())).toMatchObject({ code: "Z_BUF_ERROR" });
  });

  it("rejects with the signal's reason and closes the request when aborted before the answer", async () => {
    let closed = false;
    let received = 0;
    const { url } = await serve((incoming) => {
      received += 1;
      incoming.resume();
      incoming.socket.on("close", () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const reason = new Error("stop now");
    const pending = createNodeTransport()(post(url, { signal: controller.signal }));
    setTimeout(() => controller.abort(reason), 50);
    expect(await failureOf(pending)).toBe(reason);
    await sleep(50);
    expect(closed).toBe(true);
    // An aborted signal sends nothing at all.
    expect(await failureOf(createNodeTransport()(post(url, { signal: AbortSignal.abort(reason) })))).toBe(
      reason,
    );
    expect(received).toBe(1);
  });

  it("fails the body with the signal's reason when aborted mid-stream, and closes the connection", async () => {
    let closed = false;
    const { url } = await serve((_incoming, outgoing) => {
      outgoing.writeHead(200, { "content-type": "text/event-stream" });
      outgoing.write("data: 1\n\n");
      outgoing.on("close", () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const reply = await createNodeTransport()(post(url, { signal: controller.signal }));
    expect(new TextDecoder().decode(await reply.read())).toBe("data: 1\n\n");
    const reason = new Error("client left");
    const pending = reply.read();
    controller.abort(reason);
    expect(await failureOf(pending)).toBe(reason);
    expect(await failureOf(reply.read())).toBe(reason);
    await sleep(50);
    expect(closed).toBe(true);
  });

  it("times out a call without an answer, and a body that stalls, with a TimeoutError", async () => {
    const { url } = await serve((incoming, outgoing) => {
      incoming.resume();
      if (incoming.url === "/stall") {
        outgoing.writeHead(200, { "content-type": "text/event-stream" });
        outgoing.write("data: 1\n\n");
      }
    });
    const transport = createNodeTransport();
    const silent = await failureOf(transport(post(`${url}/silent`, { timeoutMs: 60 })));
    expect(silent).toMatchObject({ name: "TimeoutError" });
    expect(readNetworkFailure(silent)).toEqual({ cause: "timeout" });

    const reply = await transport(post(`${url}/stall`, { timeoutMs: 80 }));
    expect(new TextDecoder().decode(await reply.read())).toBe("data: 1\n\n");
    const stalled = await failureOf(reply.read());
    expect(stalled).toMatchObject({ name: "TimeoutError" });
    expect(readNetworkFailure(stalled)).toEqual({ cause: "timeout" });
  });

  it("leaves an ended body alone when its timeout or signal fires later", async () => {
    const { url } = await serve((incoming, outgoing) => {
      incoming.resume();
      outgoing.end("done");
    });
    const controller = new AbortController();
    const reply = await createNodeTransport()(post(url, { signal: controller.signal, timeoutMs: 40 }));
    expect(await reply.text()).toBe("done");
    await sleep(80);
    controller.abort(new Error("late"));
    // Neither the timer nor the late abort reaches an ended body.
    expect(await reply.read()).toBeUndefined();
  });

  it("fails the body, never ends it, when the upstream connection closes before the body's end", async () => {
    const { url } = await serve((_incoming, outgoing) => {
      outgoing.writeHead(200, { "content-type": "text/event-stream", "content-length": "1000" });
      outgoing.write("data: 1\n\n");
      setTimeout(() => outgoing.socket?.destroy(), 20);
    });
    const reply = await createNodeTransport()(post(url));
    expect(new TextDecoder().decode(await reply.read())).toBe("data: 1\n\n");
    const failure = await failureOf(reply.read());
    expect(failure).toBeInstanceOf(Error);
    expect(readNetworkFailure(failure)).toEqual({ cause: "unreachable", code: "ECONNRESET" });
  });

  it("stops reading the socket while the body is not read (backpressure), and closes it on cancel", async () => {
    const flood: Flood = { sent: 0, blocked: false, closed: false };
    const { url } = await serve((incoming, outgoing) => {
      incoming.resume();
      floodResponse(outgoing, flood);
    });
    const reply = await createNodeTransport()(post(url));
    await sleep(200);
    expect(flood.blocked).toBe(true);
    // Only Node's stream buffer and the socket buffers hold data; nowhere near the 256 MB on offer.
    expect(flood.sent).toBeLessThan(32 * 1024 * 1024);
    // Reading a little lets the server send a little more, not everything.
    let read = 0;
    for (let index = 0; index < 20; index++) read += (await reply.read())?.byteLength ?? 0;
    await sleep(100);
    expect(flood.sent).toBeLessThan(read + 32 * 1024 * 1024);
    const pending = reply.read();
    reply.cancel();
    expect(await pending).toBeDefined();
    expect(await reply.read()).toBeUndefined();
    await sleep(50);
    expect(flood.closed).toBe(true);
  });

  it("keeps at most maxSockets connections and shares its pool with createNodeFetch", async () => {
    let open = 0;
    let mostOpen = 0;
    const { url, connections } = await serve((incoming, outgoing) => {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      incoming.resume();
      setTimeout(() => {
        open -= 1;
        outgoing.end("ok");
      }, 20);
    });
    const pool = createAgentPool({ maxSockets: 2 });
    const transport = createNodeTransport({}, pool);
    const fetch = createNodeFetch({}, pool);
    const texts = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        index % 2 === 0
          ? transport(post(url)).then((reply) => reply.text())
          : fetch(url).then((response) => response.text()),
      ),
    );
    expect(texts).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(mostOpen).toBe(2);
    expect(connections()).toBe(2);
  });

  it("rejects a refused connection with its code, and an unsupported protocol", async () => {
    const { url, server } = await serve(() => {});
    server.close();
    server.closeAllConnections();
    await sleep(20);
    const refused = await failureOf(createNodeTransport()(post(url)));
    expect(readNetworkFailure(refused)).toEqual({ cause: "unreachable", code: "ECONNREFUSED" });
    await expect(createNodeTransport()(post("ftp://example.com/"))).rejects.toThrow(/Unsupported protocol/);
  });
});
