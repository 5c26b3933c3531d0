import { EventEmitter } from "node:events";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createServer } from "./create-server.js";
import { runClaudeCode } from "./run-claude-code.js";

let fake: GeminiFake;
let directory: string;
let claudePath: string;

// A stand-in for `claude`: records its arguments, its environment and what the proxy said,
// then exits with the code given as its first argument (or waits for a signal on "wait").
const FAKE_CLAUDE = `
const { writeFileSync } = require("node:fs");
const [mode, ...rest] = process.argv.slice(2);
(async () => {
  const base = process.env.ANTHROPIC_BASE_URL;
  const health = await fetch(base + "/health").then((response) => response.json());
  const message = await fetch(base + "/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": process.env.ANTHROPIC_API_KEY },
    body: JSON.stringify({ model: process.env.ANTHROPIC_DEFAULT_HAIKU_MODEL, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
  }).then((response) => response.json());
  writeFileSync(process.env.RECORD_FILE, JSON.stringify({ args: rest, env: process.env, health, message }));
  if (mode === "wait") setInterval(() => {}, 1000);
  else process.exit(Number(mode));
})();
`;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: "good-key" });
  fake.setDefault({ kind: "text", text: "Hi from Gemini." });
  directory = mkdtempSync(join(tmpdir(), "run-claude-code-"));
  claudePath = join(directory, "claude");
  writeFileSync(claudePath, `#!${process.execPath}\n${FAKE_CLAUDE}`);
  chmodSync(claudePath, 0o755);
});
afterAll(async () => {
  await fake.close();
  rmSync(directory, { recursive: true, force: true });
});

function launch(args: string[], env: Record<string, string>, signals = new EventEmitter()) {
  const recordFile = join(directory, `record-${Math.random().toString(36).slice(2)}.json`);
  let stderr = "";
  const exit = runClaudeCode(args, {
    env: { GEMINI_API_KEY: "good-key", GEMINI_BASE_URL: fake.url, RECORD_FILE: recordFile, PATH: "", ...env },
    cwd: directory,
    stderr: (text) => {
      stderr += text;
    },
    findClaudeCode: () => ({ path: claudePath, source: "CLAUDE_CODE_PATH" }),
    signals: signals as unknown as NodeJS.Process,
    interactive: false,
  });
  return { exit, signals, record: () => JSON.parse(readFileSync(recordFile, "utf8")), stderr: () => stderr };
}

async function unusedPort(): Promise<number> {
  const server = createServer({ apiKey: "x" });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("runClaudeCode", () => {
  it("starts a proxy on a free port, runs claude against it, forwards the exit code, then stops the proxy", async () => {
    const run = launch(["3", "--resume", "abc"], {
      PROXY_PORT: String(await unusedPort()),
      HAIKU_MODEL: "gemini-2.5-flash-lite",
    });
    expect(await run.exit).toBe(3);
    const record = run.record();
    expect(record.args).toEqual(["--resume", "abc"]);
    expect(record.health).toEqual({ status: "ok" });
    expect(record.message.content[0].text).toBe("Hi from Gemini.");
    expect(record.env).toMatchObject({
      ANTHROPIC_DEFAULT_HAIKU_MODEL: "gemini-2.5-flash-lite",
      ANTHROPIC_SMALL_FAST_MODEL: "gemini-2.5-flash-lite",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      ANTHROPIC_API_KEY: "claude-gemini-proxy",
    });
    expect(fake.requests.at(-1)?.model).toBe("gemini-2.5-flash-lite");
    // The proxy it started is gone.
    await expect(fetch(`${record.env.ANTHROPIC_BASE_URL}/health`)).rejects.toThrow();
  });

  it("reuses a proxy that already answers on the configured port, and leaves it running", async () => {
    const server: Server = createServer({ apiKey: "good-key", baseUrl: fake.url, proxyApiKey: "proxy-key" });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const run = launch(["0"], { PROXY_PORT: String(port), PROXY_API_KEY: "proxy-key" });
      expect(await run.exit).toBe(0);
      const record = run.record();
      expect(record.env.ANTHROPIC_BASE_URL).toBe(`http://127.0.0.1:${port}`);
      expect(record.env.ANTHROPIC_API_KEY).toBe("proxy-key");
      expect(record.message.content[0].text).toBe("Hi from Gemini.");
      expect((await fetch(`http://127.0.0.1:${port}/health`)).ok).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("passes SIGTERM on to claude and reports the signal in the exit code", async () => {
    const run = launch(["wait"], { PROXY_PORT: String(await unusedPort()) });
    await expect
      .poll(
        () => {
          try {
            return run.record().health.status;
          } catch {
            return undefined;
          }
        },
        { timeout: 10_000 },
      )
      .toBe("ok");
    run.signals.emit("SIGTERM");
    expect(await run.exit).toBe(143);
  });

  it("explains what is missing instead of starting", async () => {
    const noKey = launch(["0"], { GEMINI_API_KEY: "" });
    expect(await noKey.exit).toBe(1);
    expect(noKey.stderr()).toContain("GEMINI_API_KEY");
    let stderr = "";
    const code = await runClaudeCode([], {
      env: { GEMINI_API_KEY: "k" },
      cwd: directory,
      stderr: (text) => {
        stderr += text;
      },
      findClaudeCode: () => undefined,
    });
    expect(code).toBe(1);
    expect(stderr).toContain("npm install -g @anthropic-ai/claude-code");
  });
});
