import { EventEmitter } from "node:events";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "@claude-gemini/node-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { type RunClaudeCodeOptions, runClaudeCode } from "./run-claude-code.js";

let fake: GeminiFake;
let directory: string;
let claudePath: string;

// A stand-in for `claude`: records its arguments, its environment and what the proxy said,
// writes a transcript like Claude Code's, then exits with the code given as its first argument
// (or waits for a signal on "wait").
const FAKE_CLAUDE = `
const { mkdirSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const [mode, ...rest] = process.argv.slice(2);
(async () => {
  const base = process.env.ANTHROPIC_BASE_URL;
  const health = await fetch(base + "/health").then((response) => response.json());
  const message = await fetch(base + "/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer " + process.env.ANTHROPIC_AUTH_TOKEN },
    body: JSON.stringify({ model: process.env.ANTHROPIC_DEFAULT_HAIKU_MODEL, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }),
  }).then((response) => response.json());
  const projects = join(process.env.HOME, ".claude", "projects", "-work-project");
  mkdirSync(projects, { recursive: true });
  writeFileSync(join(projects, "0f1e2d3c-aaaa-bbbb-cccc-123456789abc.jsonl"), "{}\\n");
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

function launch(
  args: string[],
  env: Record<string, string>,
  extra: Partial<RunClaudeCodeOptions> = {},
  signals = new EventEmitter(),
) {
  const id = Math.random().toString(36).slice(2);
  const recordFile = join(directory, `record-${id}.json`);
  const home = join(directory, `home-${id}`);
  const logDirectory = join(directory, `logs-${id}`);
  mkdirSync(home);
  let stderr = "";
  const exit = runClaudeCode(args, {
    env: {
      GEMINI_API_KEY: "good-key",
      GEMINI_BASE_URL: fake.url,
      RECORD_FILE: recordFile,
      HOME: home,
      PATH: "",
      ...env,
    },
    cwd: directory,
    homeDirectory: home,
    logDirectory,
    stderr: (text) => {
      stderr += text;
    },
    findClaudeCode: () => ({ path: claudePath, source: "CLAUDE_CODE_PATH" }),
    findOnPath: () => undefined,
    signals: signals as unknown as NodeJS.Process,
    interactive: false,
    ...extra,
  });
  return {
    exit,
    signals,
    home,
    logDirectory,
    record: () => JSON.parse(readFileSync(recordFile, "utf8")),
    recorded: () => existsSync(recordFile),
    stderr: () => stderr,
  };
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
      ANTHROPIC_API_KEY: "sk-ant-a-real-anthropic-key",
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
      ANTHROPIC_AUTH_TOKEN: "claude-gemini-proxy",
      CLAUDE_CODE_MAX_CONTEXT_TOKENS: "1048576",
      CLAUDE_CODE_MAX_OUTPUT_TOKENS: "65536",
    });
    // A key of the shell would make Claude Code ask about it: the child never sees it.
    expect(record.env).not.toHaveProperty("ANTHROPIC_API_KEY");
    expect(fake.requests.at(-1)?.model).toBe("gemini-2.5-flash-lite");
    // The proxy it started is gone.
    await expect(fetch(`${record.env.ANTHROPIC_BASE_URL}/health`)).rejects.toThrow();
    expect(run.stderr()).toContain(`proxy on ${record.env.ANTHROPIC_BASE_URL}; its log: ${run.logDirectory}`);
  });

  it("marks Claude Code's first-run setup as done, so a fresh home reaches the prompt", async () => {
    const run = launch(["0"], { PROXY_PORT: String(await unusedPort()) });
    expect(await run.exit).toBe(0);
    const settings = JSON.parse(readFileSync(join(run.home, ".claude.json"), "utf8"));
    expect(settings).toEqual({ hasCompletedOnboarding: true });
    expect(run.stderr()).toContain(
      `marked Claude Code's first-run setup as done in ${join(run.home, ".claude.json")}`,
    );
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
      expect(record.env.ANTHROPIC_AUTH_TOKEN).toBe("proxy-key");
      expect(record.env.CLAUDE_CODE_MAX_OUTPUT_TOKENS).toBe("65536");
      expect(record.message.content[0].text).toBe("Hi from Gemini.");
      expect((await fetch(`http://127.0.0.1:${port}/health`)).ok).toBe(true);
      expect(run.stderr()).toContain(
        `using the claude-gemini proxy already running on http://127.0.0.1:${port}`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("gives Claude Code the limits a running proxy reports for its models", async () => {
    // The running proxy knows better than this machine's table: its answer wins.
    const server: Server = createServer({
      apiKey: "good-key",
      baseUrl: fake.url,
      models: { capabilities: { "gemini-3.8-flash": { maxInputTokens: 524_288, maxOutputTokens: 32_768 } } },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const run = launch(["0"], { PROXY_PORT: String(port) });
      expect(await run.exit).toBe(0);
      expect(run.record().env).toMatchObject({
        CLAUDE_CODE_MAX_CONTEXT_TOKENS: "524288",
        CLAUDE_CODE_MAX_OUTPUT_TOKENS: "32768",
        ANTHROPIC_DEFAULT_SONNET_MODEL_DESCRIPTION: "Gemini for Sonnet requests · 512K context · 32K output",
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("takes --port from the command line", async () => {
    const server: Server = createServer({ apiKey: "good-key", baseUrl: fake.url });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    try {
      const run = launch(["0"], { PROXY_PORT: "1" }, { overrides: { PROXY_PORT: String(port) } });
      expect(await run.exit).toBe(0);
      expect(run.record().env.ANTHROPIC_BASE_URL).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("stops with the cause, the place and the fix when GEMINI_BASE_URL cannot be reached", async () => {
    const closed = `http://127.0.0.1:${await unusedPort()}`;
    const run = launch(["0"], { PROXY_PORT: String(await unusedPort()), GEMINI_BASE_URL: closed });
    expect(await run.exit).toBe(1);
    expect(run.recorded()).toBe(false);
    expect(run.stderr()).toBe(
      `claude-gemini-proxy code: Could not reach Gemini at ${closed}: the connection was refused: nothing listens on that host and port (ECONNREFUSED). Check GEMINI_BASE_URL (now ${closed}): is that server running, and is the address right? Unset it to use Google's endpoint.\n` +
        "  Claude Code was not started: it would only retry without saying why.\n",
    );
  });

  it("stops when Gemini rejects the key", async () => {
    const run = launch(["0"], { PROXY_PORT: String(await unusedPort()), GEMINI_API_KEY: "not-the-key" });
    expect(await run.exit).toBe(1);
    expect(run.recorded()).toBe(false);
    expect(run.stderr()).toContain("The Gemini API key was rejected (API_KEY_INVALID). Check GEMINI_API_KEY");
  });

  it("says where the log is when requests failed during the session", async () => {
    fake.enqueue({ kind: "error", status: 400, geminiStatus: "INVALID_ARGUMENT", message: "Bad thing." });
    const run = launch(["0"], { PROXY_PORT: String(await unusedPort()) });
    expect(await run.exit).toBe(0);
    const [logName] = readdirSync(run.logDirectory);
    const logPath = join(run.logDirectory, logName!);
    expect(run.stderr()).toContain(`1 request(s) to Gemini failed during the session; see ${logPath}`);
    const log = readFileSync(logPath, "utf8");
    expect(log).toMatch(/POST \/v1\/messages gemini-3\.5-flash-lite 400 /);
    expect(log).not.toContain("good-key");
  });

  it("names claude-gemini-code in Claude Code's resume hint when that command is on PATH", async () => {
    const run = launch(
      ["0"],
      { PROXY_PORT: String(await unusedPort()) },
      {
        findOnPath: (name) =>
          name === "claude-gemini-code" ? "/usr/local/bin/claude-gemini-code" : undefined,
        interactive: true,
      },
    );
    expect(await run.exit).toBe(0);
    expect(run.record().env.CLAUDE_CODE_RESUME_HINT_COMMAND).toBe("claude-gemini-code");
    expect(run.stderr()).not.toContain("resume through the proxy");
  });

  it("prints a resume command that runs as written when claude-gemini-code is not on PATH", async () => {
    const run = launch(["0"], { PROXY_PORT: String(await unusedPort()) }, { interactive: true });
    expect(await run.exit).toBe(0);
    expect(run.record().env).not.toHaveProperty("CLAUDE_CODE_RESUME_HINT_COMMAND");
    expect(run.stderr()).toMatch(
      /resume through the proxy with: node \S*claude-gemini-proxy\.mjs"? code --resume 0f1e2d3c-aaaa-bbbb-cccc-123456789abc\n/,
    );
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
