/**
 * The warnings header and the warn-level log line, end to end through the handler and the
 * strict Gemini fake: present for what a client asked and did not get, absent for an ordinary
 * Claude Code request.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerLogger } from "./fetch-handler-options.js";
import { WARNINGS_HEADER } from "./format-warnings-header.js";

const GEMINI_KEY = "test-gemini-key";
const CLAUDE_CODE_REQUEST = JSON.parse(
  readFileSync(
    new URL("../../../test/e2e/__fixtures__/claude-code-2.1.332-request.json", import.meta.url),
    "utf8",
  ),
) as Record<string, unknown>;

let fake: GeminiFake;
beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

interface LogLine {
  level: keyof FetchHandlerLogger;
  message: string;
  fields: Record<string, unknown> | undefined;
}

function createHandler() {
  const lines: LogLine[] = [];
  const logger: FetchHandlerLogger = {
    debug: (message, fields) => lines.push({ level: "debug", message, fields }),
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
  const handler = createFetchHandler({ apiKey: GEMINI_KEY, baseUrl: fake.url, logger });
  const send = (body: unknown) =>
    handler(
      new Request("http://localhost/v1/messages?beta=true", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  return { send, warnings: () => lines.filter((line) => line.level === "warn") };
}

const question = { role: "user", content: "Hello" };

describe("x-claude-gemini-warnings and the warn log", () => {
  it.each([
    { model: "gemini-2.5-flash-lite", stream: false },
    { model: "gemini-2.5-flash-lite", stream: true },
    { model: "gemini-3-flash-preview", stream: true },
  ])(
    "are absent for an ordinary Claude Code request (recorded body on $model, stream: $stream)",
    async ({ model, stream }) => {
      fake.setDefault({ kind: "text", text: "Done." });
      const { send, warnings } = createHandler();
      const response = await send({ ...CLAUDE_CODE_REQUEST, model, stream });
      await response.text();
      expect(response.status).toBe(200);
      expect(response.headers.get(WARNINGS_HEADER)).toBeNull();
      expect(warnings()).toEqual([]);
      expect(fake.requests[0]?.rejection).toBeUndefined();
    },
  );

  it("name a tool the proxy cannot serve, and the log line says why", async () => {
    fake.enqueue({ kind: "text", text: "No sandbox here." });
    const { send, warnings } = createHandler();
    const response = await send({
      model: "gemini-2.5-flash-lite",
      max_tokens: 256,
      messages: [question],
      tools: [{ type: "code_execution_20250825", name: "code_execution" }],
    });
    expect((await response.json()).content).toEqual([{ type: "text", text: "No sandbox here." }]);
    expect(response.headers.get(WARNINGS_HEADER)).toBe("tool:code_execution_20250825");
    expect(warnings()).toEqual([
      {
        level: "warn",
        message: "request features not served",
        fields: {
          requestId: response.headers.get("request-id"),
          model: "gemini-2.5-flash-lite",
          dropped: [expect.stringContaining('"code_execution" (code_execution_20250825) was dropped')],
        },
      },
    ]);
  });

  it("name web search dropped next to functions on a model that cannot combine them, on a stream too", async () => {
    fake.enqueue({ kind: "text", text: "Searched nothing.", chunks: 2 });
    const { send, warnings } = createHandler();
    const response = await send({
      model: "gemini-2.5-flash-lite",
      max_tokens: 256,
      stream: true,
      messages: [question],
      tools: [
        { type: "web_search_20250305", name: "web_search" },
        { name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } },
      ],
    });
    expect(await response.text()).toContain("message_stop");
    expect(response.headers.get(WARNINGS_HEADER)).toBe("web_search");
    expect(warnings().map((line) => line.message)).toEqual(["request features not served"]);
  });

  it("add answer parts the client could not be given to a JSON answer's header", async () => {
    fake.enqueue({
      kind: "respond",
      handler: () => ({
        status: 200,
        body: {
          candidates: [
            {
              content: {
                role: "model",
                parts: [{ executableCode: { language: "PYTHON", code: "print(1)" } }, { text: "1" }],
              },
              finishReason: "STOP",
              index: 0,
            },
          ],
        },
      }),
    });
    const { send, warnings } = createHandler();
    const response = await send({
      model: "gemini-2.5-flash-lite",
      max_tokens: 256,
      messages: [
        {
          role: "user",
          content: [
            { type: "mystery_block", data: 1 },
            { type: "text", text: "Hi" },
          ],
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get(WARNINGS_HEADER)).toBe("block:mystery_block, part:executableCode");
    expect(warnings().map((line) => line.message)).toEqual([
      "request features not served",
      "answer parts not delivered",
    ]);
  });
});
