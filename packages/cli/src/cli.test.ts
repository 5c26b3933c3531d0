import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import type { Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { type CliIo, main } from "./cli.js";
import { CONFIG_VARIABLE_NAMES } from "./load-config.js";

const API_KEY = "cli-test-gemini-key";
const packageDirectory = fileURLToPath(new URL("..", import.meta.url));
const version = JSON.parse(readFileSync(join(packageDirectory, "package.json"), "utf8")).version as string;
const builtCli = join(packageDirectory, "dist", "cli.js");

const gemini = useGeminiFake({ apiKey: API_KEY });
const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** An empty working directory, so a developer's own `.env` never leaks into a test. */
function emptyDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "claude-gemini-cli-"));
  directories.push(directory);
  return directory;
}

function captureIo(overrides: Partial<CliIo> = {}) {
  const output = { stdout: "", stderr: "" };
  const io: Partial<CliIo> = {
    stdout: (text) => {
      output.stdout += text;
    },
    stderr: (text) => {
      output.stderr += text;
    },
    cwd: emptyDirectory(),
    isTTY: false,
    ...overrides,
  };
  return { output, io };
}

const streamRequest = (url: string) =>
  fetch(`${url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "client-key" },
    body: JSON.stringify({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    }),
  });

describe("main", () => {
  it("prints help and the version", async () => {
    const help = captureIo();
    expect(await main(["--help"], {}, help.io)).toBe(0);
    expect(help.output.stdout).toContain("Usage: claude-gemini-proxy");
    expect(help.output.stdout).toContain("GEMINI_API_KEY");

    const versionRun = captureIo();
    expect(await main(["--version"], {}, versionRun.io)).toBe(0);
    expect(versionRun.output.stdout).toBe(`${version}\n`);
  });

  it("names every variable the configuration reads in its help", async () => {
    const help = captureIo();
    await main(["--help"], {}, help.io);
    const missing = CONFIG_VARIABLE_NAMES.filter(
      (name) => !new RegExp(`\\b${name}\\b`).test(help.output.stdout),
    );
    expect(missing).toEqual([]);
  });

  it("refuses an unknown command", async () => {
    const { output, io } = captureIo();
    expect(await main(["serv"], {}, io)).toBe(1);
    expect(output.stderr).toContain('unknown command or option "serv"');
  });

  it("lists every configuration problem and exits 1", async () => {
    const { output, io } = captureIo();
    expect(await main(["serve"], { PROXY_PORT: "eighty", LOG_LEVEL: "chatty" }, io)).toBe(1);
    expect(output.stderr).toContain("claude-gemini-proxy cannot start:");
    expect(output.stderr).toContain(
      "  - GEMINI_API_KEY is not set. Get a key at https://aistudio.google.com/apikey",
    );
    expect(output.stderr).toContain('  - PROXY_PORT must be a whole number from 0 to 65535, got "eighty".');
    expect(output.stderr).toContain(
      '  - LOG_LEVEL must be one of debug, info, warn, error, silent, got "chatty".',
    );
  });

  it("says so when the port is taken", async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const { output, io } = captureIo();
    try {
      expect(await main([], { GEMINI_API_KEY: API_KEY, PROXY_PORT: String(port) }, io)).toBe(1);
      expect(output.stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("serves, logs one JSON line per request without secrets, and drains streams on shutdown", async () => {
    gemini.fake.enqueue({
      kind: "slow",
      delayMs: 300,
      between: 100,
      inner: { kind: "text", text: "x y z", chunks: 3 },
    });
    const shutdown = new AbortController();
    let listening: { server: Server; url: string } | undefined;
    const { output, io } = captureIo({
      shutdownSignal: shutdown.signal,
      onListening: (server, url) => {
        listening = { server, url };
      },
    });
    const exitCode = main(
      [],
      {
        GEMINI_API_KEY: API_KEY,
        GEMINI_BASE_URL: gemini.fake.url,
        PROXY_PORT: "0",
        HAIKU_MODEL: "gemini-3.5-flash-lite",
      },
      io,
    );
    await expect.poll(() => listening).toBeDefined();
    const { url } = listening!;

    const startup = JSON.parse(output.stdout.split("\n")[0]!);
    expect(startup.msg).toBe(
      `claude-gemini-proxy listening on ${url} (models: opus→gemini-3.8-flash, sonnet→gemini-3.8-flash, haiku→gemini-3.5-flash-lite)`,
    );

    const response = await streamRequest(url);
    expect(response.status).toBe(200);
    shutdown.abort();
    const text = await response.text();
    expect(text).toContain("event: message_stop");
    expect(await exitCode).toBe(0);

    const lines = output.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const requestLine = lines.find((line) => line.msg === "request");
    expect(requestLine).toMatchObject({
      method: "POST",
      path: "/v1/messages",
      model: "claude-haiku-4-5",
      geminiModel: "gemini-3.5-flash-lite",
      status: 200,
      stream: true,
    });
    expect(output.stdout).not.toContain(API_KEY);
    expect(output.stdout).not.toContain("client-key");
  });

  it("takes --port, --host and --config, before or after the command, over the environment", async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const free = (blocker.address() as { port: number }).port;
    await new Promise((resolve) => blocker.close(resolve));
    for (const argv of [
      ["serve", "--port", String(free), "--host", "127.0.0.1"],
      [`--port=${free}`, "serve"],
      [`--port=${free}`],
    ]) {
      let url: string | undefined;
      const shutdown = new AbortController();
      const { io } = captureIo({
        shutdownSignal: shutdown.signal,
        onListening: (_server, listeningUrl) => {
          url = listeningUrl;
          shutdown.abort();
        },
      });
      expect(
        await main(argv, { GEMINI_API_KEY: API_KEY, PROXY_PORT: "1", PROXY_HOST: "localhost" }, io),
      ).toBe(0);
      expect(url, argv.join(" ")).toBe(`http://127.0.0.1:${free}`);
    }

    const { io } = captureIo();
    writeFileSync(join(io.cwd!, "proxy.json"), JSON.stringify({ GEMINI_API_KEY: API_KEY, PROXY_PORT: 0 }));
    const shutdown = new AbortController();
    let fromFile: string | undefined;
    const withConfig = {
      ...io,
      shutdownSignal: shutdown.signal,
      onListening: (_: Server, url: string) => {
        fromFile = url;
        shutdown.abort();
      },
    };
    expect(await main(["serve", "--config", "proxy.json"], {}, withConfig)).toBe(0);
    expect(fromFile).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("explains a flag without its value", async () => {
    const { output, io } = captureIo();
    expect(await main(["serve", "--port"], { GEMINI_API_KEY: API_KEY }, io)).toBe(1);
    expect(output.stderr).toMatch(/^claude-gemini-proxy: --port needs a value, e.g\. --port 9000\./);
    const bad = captureIo();
    expect(await main(["--port", "nine"], { GEMINI_API_KEY: API_KEY }, bad.io)).toBe(1);
    expect(bad.output.stderr).toContain('PROXY_PORT must be a whole number from 0 to 65535, got "nine".');
  });

  it("refuses to listen beyond localhost without PROXY_API_KEY, unless told to, and then warns loudly", async () => {
    const refused = captureIo({ onListening: () => expect.fail("must not listen") });
    expect(
      await main([], { GEMINI_API_KEY: API_KEY, PROXY_HOST: "0.0.0.0", PROXY_PORT: "0" }, refused.io),
    ).toBe(1);
    expect(refused.output.stderr).toMatch(
      /^claude-gemini-proxy cannot start: PROXY_HOST=0\.0\.0\.0 is not a loopback address and PROXY_API_KEY is not set/,
    );
    expect(refused.output.stderr).toContain("ALLOW_UNAUTHENTICATED_REMOTE=true");

    const shutdown = new AbortController();
    const { output, io } = captureIo({
      shutdownSignal: shutdown.signal,
      onListening: () => shutdown.abort(),
    });
    const optedIn = {
      GEMINI_API_KEY: API_KEY,
      PROXY_HOST: "0.0.0.0",
      PROXY_PORT: "0",
      ALLOW_UNAUTHENTICATED_REMOTE: "true",
    };
    expect(await main([], optedIn, io)).toBe(0);
    expect(output.stderr).toContain("WARNING: claude-gemini-proxy listens on 0.0.0.0 without PROXY_API_KEY");

    const guarded = captureIo({ shutdownSignal: AbortSignal.abort(), isTTY: true });
    const env = { GEMINI_API_KEY: API_KEY, PROXY_HOST: "0.0.0.0", PROXY_PORT: "0", PROXY_API_KEY: "k" };
    expect(await main([], env, guarded.io)).toBe(0);
    expect(guarded.output.stderr).not.toContain("WARNING");
    // On a terminal the startup line is plain text rather than JSON.
    expect(guarded.output.stdout).toMatch(
      /^claude-gemini-proxy listening on http:\/\/0\.0\.0\.0:\d+ \(models: opus→gemini-3\.8-flash, sonnet→gemini-3\.8-flash, haiku→gemini-3\.5-flash-lite\)\n/,
    );
  });
});

describe("bin/claude-gemini-proxy.mjs", () => {
  it("tells the user to build first when dist is missing", async () => {
    const directory = emptyDirectory();
    mkdirSync(join(directory, "bin"));
    copyFileSync(join(packageDirectory, "bin", "claude-gemini-proxy.mjs"), join(directory, "bin", "run.mjs"));
    const result = await run(join(directory, "bin", "run.mjs"), ["--version"], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('claude-gemini-proxy is not built yet: run "pnpm build" first.\n');
  });

  // `pnpm test` builds before it tests; a bare `vitest run` on a fresh checkout has no dist.
  it.skipIf(!existsSync(builtCli))(
    "(needs dist/cli.js from `pnpm build`) runs the built CLI and finishes an open stream on SIGTERM",
    async () => {
      const bin = join(packageDirectory, "bin", "claude-gemini-proxy.mjs");
      expect((await run(bin, ["--version"], {})).stdout).toBe(`${version}\n`);

      gemini.fake.enqueue({
        kind: "slow",
        delayMs: 300,
        between: 100,
        inner: { kind: "text", text: "x y z", chunks: 3 },
      });
      const child = spawn(process.execPath, [bin], {
        cwd: emptyDirectory(),
        env: {
          PATH: process.env.PATH,
          GEMINI_API_KEY: API_KEY,
          GEMINI_BASE_URL: gemini.fake.url,
          PROXY_PORT: "0",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (data: Buffer) => {
        stdout += data.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      await expect
        .poll(() => /listening on (http:\/\/[^ ]+)/.exec(stdout)?.[1], { timeout: 10_000 })
        .toBeDefined();
      const url = /listening on (http:\/\/[^ ]+)/.exec(stdout)![1]!;

      const response = await streamRequest(url);
      child.kill("SIGTERM");
      expect(await response.text()).toContain("event: message_stop");
      expect(await exited).toBe(0);
    },
  );
});

function run(file: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [file, ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}
