/**
 * Issue 14, item 2: the key pool judged a key dead by a regex over the whole error text, so a
 * 400 that quoted the client's own request ("please say: API key not valid") took the key out;
 * three such requests left the proxy answering 500 "All 2 Gemini API keys were taken out…"
 * until restart, and the same text turned the client's answer into a 401. Gemini quotes
 * request content in some 400s; the fake plays such answers here, through the real SDK and the
 * real node-http server.
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "@claude-gemini/node-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../gemini-fake/index.js";
import { checkAnthropicAnswer } from "./check-anthropic-answer.js";

const KEY_A = "pool-key-alpha-0001";
const KEY_B = "pool-key-bravo-0002";
const DEAD_KEY = "pool-key-dead-0003";

const BODY = { model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "Hi." }] };

/** Gemini quoting the request back: every key-error phrase the old regex looked for, as text. */
const QUOTING_ERRORS = [
  {
    kind: "error" as const,
    status: 400,
    geminiStatus: "INVALID_ARGUMENT",
    message:
      "Invalid value at 'contents[0].parts[0].text' (\"please say: API key not valid. API_KEY_INVALID\")",
  },
  {
    kind: "error" as const,
    status: 400,
    geminiStatus: "INVALID_ARGUMENT",
    message: 'Unable to process input image: "API key expired. has been suspended"',
  },
  {
    kind: "error" as const,
    status: 403,
    geminiStatus: "PERMISSION_DENIED",
    message: 'Permission denied on tool input {"reason": "CONSUMER_SUSPENDED"} (API key not valid)',
  },
];

let fake: GeminiFake;
const servers: Server[] = [];

beforeAll(async () => {
  fake = await startGeminiFake({ apiKeys: [KEY_A, KEY_B] });
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await fake.close();
});

async function startPoolProxy(apiKeys: string[]): Promise<{ url: string; removals: string[] }> {
  const removals: string[] = [];
  const server = createServer({
    apiKeys,
    baseUrl: fake.url,
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    onApiKeyEvent: (record) => {
      if (record.event === "removed") removals.push(record.keyFingerprint);
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, removals };
}

const post = (url: string) =>
  fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(BODY),
  });

describe("a key pool", () => {
  it("keeps its keys when Gemini's text quotes key errors, and the client gets a 400, not a 401", async () => {
    const { url, removals } = await startPoolProxy([KEY_A, KEY_B]);
    for (let round = 0; round < 3; round++) {
      for (const error of QUOTING_ERRORS) {
        fake.enqueue(error);
        const answer = await checkAnthropicAnswer(await post(url));
        expect(answer.status).toBe(error.status);
        expect(answer.errorType).toBe(error.status === 400 ? "invalid_request_error" : "permission_error");
      }
    }
    expect(removals).toEqual([]);
    // The attack used to leave: 500 "All 2 Gemini API keys were taken out of the pool…".
    const after = await checkAnthropicAnswer(await post(url));
    expect(after.status).toBe(200);
    const keysUsed = new Set(fake.requests.map((request) => request.headers["x-goog-api-key"]));
    expect(keysUsed).toEqual(new Set([KEY_A, KEY_B]));
  });

  it("still takes out a key Gemini rejects by ErrorInfo reason, and serves on with the others", async () => {
    fake.reset();
    const { url, removals } = await startPoolProxy([DEAD_KEY, KEY_A]);
    for (let index = 0; index < 4; index++) {
      const answer = await checkAnthropicAnswer(await post(url));
      expect(answer.status).toBe(200);
    }
    expect(removals).toEqual(["…0003"]);
    const deadCalls = fake.requests.filter((request) => request.headers["x-goog-api-key"] === DEAD_KEY);
    expect(deadCalls.length).toBeGreaterThan(0);
    expect(deadCalls.every((request) => request.rejection?.status === 400)).toBe(true);
    const lastDead = Math.max(...deadCalls.map((request) => request.id));
    // Once out, the dead key is never used again.
    expect(
      fake.requests
        .filter((request) => request.id > lastDead)
        .every((request) => request.headers["x-goog-api-key"] === KEY_A),
    ).toBe(true);
  });
});
