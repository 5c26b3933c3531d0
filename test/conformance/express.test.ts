import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { parseEnvironment } from "@claude-gemini/fetch-handler";
import { closeServerGracefully } from "@claude-gemini/node-http";
import { describe, expect, it } from "vitest";
import { createApp } from "../../examples/express/src/create-app.js";
import { defineConformanceCases } from "./define-conformance-cases.js";

// The Express example app itself: the middleware inside Express 5's router, mounted at `/`,
// configured from the same variables as the other examples, through parseEnvironment.
defineConformanceCases("express (examples/express)", async (settings) => {
  const { options, problems } = parseEnvironment(settings.environment);
  expect(problems).toEqual([]);
  const app = createApp(options);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(0, "127.0.0.1", (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => closeServerGracefully(server, { gracePeriodMs: 1000 }),
  };
});

describe("examples/express next to the app's own routes", () => {
  it("leaves paths outside /v1, /health and /test-connection to the app", async () => {
    const app = createApp({ apiKey: "unused", proxyApiKey: "some-key" });
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      const own = await fetch(`http://127.0.0.1:${port}/`);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain("POST /v1/messages");
      // Express's own 404 page, not an Anthropic error: the middleware did not claim it.
      const elsewhere = await fetch(`http://127.0.0.1:${port}/elsewhere`);
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.headers.get("request-id")).toBeNull();
      // The API itself still demands the proxy key.
      const api = await fetch(`http://127.0.0.1:${port}/v1/models`);
      expect(api.status).toBe(401);
    } finally {
      await closeServerGracefully(server, { gracePeriodMs: 1000 });
    }
  });
});
