import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createNodeFetch } from "./create-node-fetch.js";
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

async function readBody(incoming: IncomingMessage): Promise<string> {
  let text = "";
  incoming.setEncoding("utf8");
  for await (const part of incoming) text += part;
  return text;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  for await (const piece of stream) pieces.push(decoder.decode(piece));
  return pieces;
}

describe("createNodeFetch", () => {
  it("sends the method, headers and body, and hands back status, headers and body", async () => {
    const { url } = await serve(async (incoming, outgoing) => {
      const body = await readBody(incoming);
      outgoing.writeHead(201, "Made", {
        "content-type": "application/json",
        "x-seen": incoming.headers["x-goog-api-key"],
      });
      outgoing.end(
        JSON.stringify({
          method: incoming.method,
          url: incoming.url,
          body,
          length: incoming.headers["content-length"],
        }),
      );
    });
    const fetch = createNodeFetch();
    const response = await fetch(`${url}/v1beta/models/m:generateContent?x=1`, {
      method: "POST",
      headers: new Headers({ "content-type": "application/json", "x-goog-api-key": "key-1" }),
      body: '{"contents":"é"}',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Made");
    expect(response.headers.get("x-seen")).toBe("key-1");
    expect(await response.json()).toEqual({
      method: "POST",
      url: "/v1beta/models/m:generateContent?x=1",
      body: '{"contents":"é"}',
      length: "17",
    });
  });

  it("reuses one keep-alive connection and never opens more than maxSockets at once", async () => {
    const held: ServerResponse[] = [];
    let open = 0;
    let mostOpen = 0;
    const { url, connections } = await serve((incoming, outgoing) => {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      incoming.resume();
      const finish = () => {
        open -= 1;
        outgoing.end("ok");
      };
      if (incoming.url === "/hold") held.push(Object.assign(outgoing, { finish }));
      else finish();
    });
    const fetch = createNodeFetch({ maxSockets: 2 });
    for (let index = 0; index < 3; index++) expect(await (await fetch(`${url}/quick`)).text()).toBe("ok");
    expect(connections()).toBe(1);

    const pending = Array.from({ length: 5 }, () => fetch(`${url}/hold`).then((response) => response.text()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(held.length).toBe(2);
    // Release the held answers as they come, until all five were served over two connections.
    const releaser = setInterval(() => {
      for (const response of held.splice(0)) (response as ServerResponse & { finish(): void }).finish();
    }, 10);
    expect(await Promise.all(pending)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    clearInterval(releaser);
    expect(mostOpen).toBe(2);
    expect(connections()).toBe(2);
  });

  it("hands on an event stream's bytes as they arrive, a burst at once", async () => {
    const event = (index: number) => `data: {"index":${index},"text":"${"x".repeat(90)}"}\r\n\r\n`;
    const burst = Array.from({ length: 300 }, (_, index) => event(index)).join("");
    const { url } = await serve((_incoming, outgoing) => {
      outgoing.writeHead(200, { "content-type": "text/event-stream" });
      // A burst of 300 events in one write, then one event cut in three writes.
      outgoing.write(burst);
      const last = event(300);
      outgoing.write(last.slice(0, 10));
      setTimeout(() => outgoing.write(last.slice(10, last.length - 2)), 20);
      setTimeout(() => outgoing.end(last.slice(last.length - 2)), 40);
    });
    const response = await createNodeFetch()(url);
    const pieces = await readAll(response.body!);
    expect(pieces.join("")).toBe(burst + event(300));
    // The burst is not cut into single events: the reader (eventsource-parser) splits them.
    expect(pieces.length).toBeLessThan(100);
  });

  it("decodes a gzip body and drops the encoding headers", async () => {
    const { url } = await serve((_incoming, outgoing) => {
      const body = gzipSync('{"candidates":[]}');
      outgoing.writeHead(200, { "content-encoding": "gzip", "content-length": body.length });
      outgoing.end(body);
    });
    const response = await createNodeFetch()(url);
    expect(response.headers.get("content-encoding")).toBeNull();
    expect(await response.text()).toBe('{"candidates":[]}');
  });

  it("rejects with the signal's reason and closes the request when aborted before the answer", async () => {
    let closed = false;
    const { url } = await serve((incoming) => {
      incoming.resume();
      incoming.socket.on("close", () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const reason = new Error("stop now");
    const pending = createNodeFetch()(url, { method: "POST", body: "{}", signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(pending).rejects.toBe(reason);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(true);
    await expect(createNodeFetch()(url, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it("fails the body with the signal's reason when aborted mid-stream", async () => {
    const { url } = await serve((_incoming, outgoing) => {
      outgoing.writeHead(200, { "content-type": "text/event-stream" });
      outgoing.write("data: 1\n\n");
    });
    const controller = new AbortController();
    const response = await createNodeFetch()(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    const reason = new Error("client left");
    controller.abort(reason);
    await expect(reader.read()).rejects.toBe(reason);
  });

  it("stops reading the socket while the body is not read (backpressure), and closes it on cancel", async () => {
    const flood: Flood = { sent: 0, blocked: false, closed: false };
    const { url } = await serve((_incoming, outgoing) => floodResponse(outgoing, flood));
    const response = await createNodeFetch()(url);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(flood.blocked).toBe(true);
    // Only the stream queue and the socket buffers hold data; nowhere near the 256 MB on offer.
    expect(flood.sent).toBeLessThan(32 * 1024 * 1024);
    await response.body!.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(flood.closed).toBe(true);
  });

  it("rejects a connection failure and an unsupported protocol", async () => {
    const { url, server } = await serve(() => {});
    server.close();
    server.closeAllConnections();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(createNodeFetch()(url)).rejects.toThrow(/ECONNREFUSED/);
    await expect(createNodeFetch()("ftp://example.com/")).rejects.toThrow(/Unsupported protocol/);
  });
});
