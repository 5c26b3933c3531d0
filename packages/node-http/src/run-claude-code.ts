import { type ChildProcess, spawn } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildClaudeCodeEnv } from "./build-claude-code-env.js";
import { buildServerOptions } from "./build-server-options.js";
import { closeServerGracefully } from "./close-server-gracefully.js";
import { createServer } from "./create-server.js";
import { type FoundClaudeCode, findClaudeCode } from "./find-claude-code.js";
import { formatProxyUrl } from "./format-proxy-url.js";
import { loadConfig, type ProxyConfig } from "./load-config.js";
import { probeProxy } from "./probe-proxy.js";

/** What `claude-gemini-proxy code` needs from the world; tests replace every part. */
export interface RunClaudeCodeOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stderr?: (text: string) => void;
  fetch?: typeof fetch;
  findClaudeCode?: () => FoundClaudeCode | undefined;
  spawn?: (command: string, args: readonly string[], env: Record<string, string | undefined>) => ChildProcess;
  /** Where signals are received; default `process`. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
  /** True when the user types into this terminal: the child then gets Ctrl-C from it directly. */
  interactive?: boolean;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * `claude-gemini-proxy code [claude args…]`: reuses a claude-gemini proxy already answering
 * on the configured host and port, else starts one in-process on a free port; then runs the
 * installed `claude` with the terminal handed over and the environment pointing at the
 * proxy (see `buildClaudeCodeEnv`). Resolves to `claude`'s exit code (128 + signal number when
 * a signal ended it) and stops the proxy it started.
 *
 * SIGTERM and SIGHUP are passed on to `claude`. Ctrl-C in a terminal already reaches `claude`
 * (same process group), so SIGINT is only passed on when stdin is not a terminal; passing it
 * twice would make Claude Code quit where it should only cancel.
 */
export async function runClaudeCode(
  args: readonly string[],
  options: RunClaudeCodeOptions = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const loaded = loadConfig({ env, cwd: options.cwd ?? process.cwd() });
  if (!loaded.success) {
    stderr(
      `claude-gemini-proxy code cannot start:\n${loaded.problems.map((problem) => `  - ${problem}\n`).join("")}`,
    );
    return 1;
  }
  const config = loaded.config;
  const claude = (options.findClaudeCode ?? (() => findClaudeCode({ env })))();
  if (!claude) {
    stderr(
      "claude-gemini-proxy code: Claude Code was not found (looked at CLAUDE_CODE_PATH, PATH, the npm global prefix, ~/.local/bin and ~/.claude/local).\n" +
        "  Install it: npm install -g @anthropic-ai/claude-code, or set CLAUDE_CODE_PATH.\n",
    );
    return 1;
  }

  const configuredUrl = formatProxyUrl(config.host, config.port);
  const probe = await probeProxy(configuredUrl, { fetch: options.fetch, proxyApiKey: config.proxyApiKey });
  let server: Server | undefined;
  let baseUrl = configuredUrl;
  if (probe !== "ours") {
    server = await startQuietProxy(config);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const childEnv = {
    ...env,
    ...buildClaudeCodeEnv({ baseUrl, proxyApiKey: config.proxyApiKey, models: config.models }),
  };
  const spawnClaude =
    options.spawn ??
    ((command, commandArgs, spawnEnv) => spawn(command, commandArgs, { stdio: "inherit", env: spawnEnv }));
  const signals = options.signals ?? process;
  const interactive = options.interactive ?? process.stdin.isTTY === true;
  try {
    const child = spawnClaude(claude.path, args, childEnv);
    const forward = (signal: NodeJS.Signals) => {
      if (signal === "SIGINT" && interactive) return;
      child.kill(signal);
    };
    const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((signal) => {
      const handler = () => forward(signal);
      signals.on(signal, handler);
      return [signal, handler] as const;
    });
    try {
      return await new Promise<number>((resolve) => {
        child.once("error", (error) => {
          stderr(`claude-gemini-proxy code: could not run ${claude.path} (${error.message}).\n`);
          resolve(1);
        });
        child.once("exit", (code, signal) => {
          resolve(code ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : 1));
        });
      });
    } finally {
      for (const [signal, handler] of handlers) signals.off(signal, handler);
    }
  } finally {
    if (server) await closeServerGracefully(server, { gracePeriodMs: 2000 });
  }
}

/** A proxy that logs nothing: Claude Code owns the terminal while it runs. */
async function startQuietProxy(config: ProxyConfig): Promise<Server> {
  const server = createServer(buildServerOptions(config));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
