import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestLogger } from "@claude-gemini/fetch-handler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createServer } from "./create-server.js";

// The request line as the CLI writes it, from a real server talking to the Gemini fake.

const GEMINI_KEY = "gemini-secret-key-123";
const PROXY_KEY = "proxy-secret-key-456";
let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});

async function startLogged(): Promise<{ url: string; lines: string[]; server: Server }> {
  const lines: string[] = [];
  const { logger, onRequestComplete } = createRequestLogger({
    level: "debug",
    format: "json",
    write: (line) => lines.push(line),
  });
  const server = createServer({
    apiKey: GEMINI_KEY,
    baseUrl: fake.url,
    proxyApiKey: PROXY_KEY,
    retry: { baseDelayMs: 1 },
    logger,
    onRequestComplete,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, server };
}

describe("the request log line", () => {
  it("says who, what, how long and how many tokens, once per request, and never a key", async () => {
    const { url, lines, server } = await startLogged();
    fake.enqueue(
      { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." },
      {
        kind: "text",
        text: "Hello there",
        chunks: 2,
        usage: {
          promptTokenCount: 50,
          candidatesTokenCount: 6,
          thoughtsTokenCount: 4,
          cachedContentTokenCount: 20,
        },
      },
    );
    try {
      const response = await fetch(`${url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${PROXY_KEY}` },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 512,
          stream: true,
          messages: [{ role: "user", content: "Hi" }],
        }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const refused = await fetch(`${url}/v1/models`, { headers: { "x-api-key": "wrong-key-789" } });
      expect(refused.status).toBe(401);
      await refused.text();

      const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requestLines = entries.filter((entry) => entry.msg === "request");
      expect(requestLines).toHaveLength(2);
      expect(requestLines[0]).toMatchObject({
        level: "info",
        requestId: response.headers.get("request-id"),
        method: "POST",
        path: "/v1/messages",
        model: "claude-sonnet-4-5",
        geminiModel: "gemini-3.8-flash",
        status: 200,
        stream: true,
        retries: 1,
        inputTokens: 30,
        outputTokens: 10,
        thinkingTokens: 4,
        cachedTokens: 20,
      });
      expect(requestLines[0]?.latencyMs).toEqual(expect.any(Number));
      expect(requestLines[0]?.timeToFirstTokenMs).toEqual(expect.any(Number));
      expect(requestLines[1]).toMatchObject({ path: "/v1/models", status: 401 });

      const everything = lines.join("");
      for (const secret of [GEMINI_KEY, PROXY_KEY, "wrong-key-789"]) expect(everything).not.toContain(secret);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
