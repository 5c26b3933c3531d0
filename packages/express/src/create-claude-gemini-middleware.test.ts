import { createServer } from "node:http";
import express from "express";
import { describe, expect, it } from "vitest";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { createClaudeGeminiMiddleware } from "./create-claude-gemini-middleware.js";

const API_KEY = "express-test-gemini-key";
const gemini = useGeminiFake({ apiKey: API_KEY });

/** A host app with the middleware at `mountPath`, its own routes, and its own 404 page. */
async function startApp(mountPath: string, options: { jsonParserFirst: boolean }): Promise<string> {
  const app = express();
  if (options.jsonParserFirst) app.use(express.json({ limit: "32mb" }));
  app.get("/hello", (_request, response) => {
    response.send("app says hello");
  });
  app.use(
    mountPath,
    createClaudeGeminiMiddleware({
      apiKey: API_KEY,
      baseUrl: gemini.fake.url,
      retry: { maxAttempts: 1 },
      modelMetadata: false,
    }),
  );
  app.use((request, response) => {
    response.status(404).send(`app 404 for ${request.originalUrl}`);
  });
  return gemini.listen(createServer(app));
}

const headers = { "content-type": "application/json", "x-api-key": "client-key" };
const body = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 512,
    messages: [{ role: "user", content: "Say hi" }],
    ...extra,
  });

describe.each([
  { mountPath: "/", prefix: "", jsonParserFirst: false },
  { mountPath: "/", prefix: "", jsonParserFirst: true },
  { mountPath: "/anthropic", prefix: "/anthropic", jsonParserFirst: false },
  { mountPath: "/anthropic", prefix: "/anthropic", jsonParserFirst: true },
])(
  "createClaudeGeminiMiddleware at $mountPath (express.json() first: $jsonParserFirst)",
  ({ mountPath, prefix, jsonParserFirst }) => {
    it("answers a message", async () => {
      gemini.fake.enqueue({ kind: "text", text: "Hi from Gemini" });
      const url = await startApp(mountPath, { jsonParserFirst });
      const response = await fetch(`${url}${prefix}/v1/messages?beta=true`, {
        method: "POST",
        headers,
        body: body(),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ content: [{ type: "text", text: "Hi from Gemini" }] });
      expect(gemini.fake.requests[0]?.body.contents[0].parts[0].text).toBe("Say hi");
    });

    it("streams", async () => {
      gemini.fake.enqueue({
        kind: "slow",
        delayMs: 0,
        between: 120,
        inner: { kind: "text", text: "a b c", chunks: 3 },
      });
      const url = await startApp(mountPath, { jsonParserFirst });
      const response = await fetch(`${url}${prefix}/v1/messages`, {
        method: "POST",
        headers,
        body: body({ stream: true }),
      });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const arrivals: number[] = [];
      let text = "";
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) {
        const piece = decoder.decode(chunk, { stream: true });
        if (piece.includes("text_delta")) arrivals.push(performance.now());
        text += piece;
      }
      expect(text).toContain("event: message_start");
      expect(text).toContain("event: message_stop");
      expect(arrivals.length).toBeGreaterThan(1);
      expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThan(150);
    });

    it("answers malformed JSON as an Anthropic error, whoever parses it", async () => {
      const url = await startApp(mountPath, { jsonParserFirst });
      const response = await fetch(`${url}${prefix}/v1/messages`, {
        method: "POST",
        headers,
        body: body({ max_tokens: "lots" }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error" },
      });
    });

    it("leaves paths it does not own to the host app", async () => {
      const url = await startApp(mountPath, { jsonParserFirst });
      const own = await fetch(`${url}/hello`);
      expect(await own.text()).toBe("app says hello");
      const unknown = await fetch(`${url}${prefix}/v2/other`, { method: "POST", headers, body: "{}" });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toBe(`app 404 for ${prefix}/v2/other`);
    });
  },
);

describe("createClaudeGeminiMiddleware mounted under a prefix", () => {
  it("does not answer API paths outside its prefix", async () => {
    const url = await startApp("/anthropic", { jsonParserFirst: false });
    const response = await fetch(`${url}/v1/messages`, { method: "POST", headers, body: body() });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("app 404 for /v1/messages");
    expect(gemini.fake.requests).toHaveLength(0);
  });
});
