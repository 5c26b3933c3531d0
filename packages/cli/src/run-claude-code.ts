import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync, rmSync, type WriteStream } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { resolveModel } from "@claude-gemini/core";
import { createRequestLogger } from "@claude-gemini/fetch-handler";
import { type CreateServerOptions, closeServerGracefully, createServer } from "@claude-gemini/node-http";
import { buildClaudeCodeEnv } from "./build-claude-code-env.js";
import { checkGeminiReachable, type ReachabilityResult } from "./check-gemini-reachable.js";
import { completeClaudeOnboarding, type OnboardingResult } from "./complete-claude-onboarding.js";
import { type FoundClaudeCode, findClaudeCode } from "./find-claude-code.js";
import { findLatestSession } from "./find-latest-session.js";
import { findOnPath } from "./find-on-path.js";
import { CODE_COMMAND, formatCliCommand } from "./format-cli-command.js";
import { formatProxyUrl } from "./format-proxy-url.js";
import { type LoadConfigOptions, loadConfig, type ProxyConfig } from "./load-config.js";
import { probeProxy } from "./probe-proxy.js";
import { readModelLimits } from "./read-model-limits.js";

/** What `claude-gemini-proxy code` needs from the world; tests replace every part. */
export interface RunClaudeCodeOptions extends LoadConfigOptions {
  /** Where `~/.claude.json` and `~/.claude/projects` are, unless `CLAUDE_CONFIG_DIR` says otherwise. */
  homeDirectory?: string;
  stderr?: (text: string) => void;
  fetch?: typeof fetch;
  findClaudeCode?: () => FoundClaudeCode | undefined;
  /** Finds an executable on PATH; default: the real PATH of `env`. */
  findOnPath?: (name: string) => string | undefined;
  /** Where the log of a proxy started here goes. Default: `claude-gemini-proxy-<user>/` in the temp directory. */
  logDirectory?: string;
  /** The check before Claude Code starts; default {@link checkGeminiReachable}. */
  checkGemini?: (options: CreateServerOptions, model: string) => Promise<ReachabilityResult>;
  spawn?: (command: string, args: readonly string[], env: Record<string, string | undefined>) => ChildProcess;
  /** Where signals are received; default `process`. */
  signals?: Pick<NodeJS.Process, "on" | "off">;
  /** True when the user types into this terminal: the child then gets Ctrl-C from it directly. */
  interactive?: boolean;
  now?: () => Date;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** Logs of earlier sessions kept in the log directory; older ones are removed. */
const KEPT_LOGS = 20;

/**
 * `claude-gemini-proxy code [claude args…]` (also `claude-gemini-code`): takes a person from an
 * empty home directory to a Claude Code session on Gemini.
 *
 * 1. Reuses a claude-gemini proxy already answering on the configured host and port; else
 *    checks that Gemini is reachable and takes the key (an unreachable `GEMINI_BASE_URL` or a
 *    rejected key stops here with the cause and the fix, where Claude Code would retry in
 *    silence), then starts a proxy in-process on a free port, logging to a file it names.
 * 2. Marks Claude Code's first-run screens done in `~/.claude.json` (they test
 *    api.anthropic.com and stop when it is unreachable), keeping a backup.
 * 3. Runs the installed `claude` with the terminal handed over and the environment of
 *    `buildClaudeCodeEnv`, with the model limits a running proxy reports or the table's, and
 *    without an `ANTHROPIC_API_KEY` of the shell (it would make Claude Code ask about it).
 *    The resume hint Claude Code prints at exit names `claude-gemini-code` when that command is
 *    on PATH; otherwise the launcher prints one that runs as written.
 *
 * Resolves to `claude`'s exit code (128 + signal number when a signal ended it). SIGTERM and
 * SIGHUP are passed on to `claude`; Ctrl-C in a terminal already reaches it (same process
 * group), so SIGINT is only passed on when stdin is not a terminal.
 */
export async function runClaudeCode(
  args: readonly string[],
  options: RunClaudeCodeOptions = {},
): Promise<number> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const say = (text: string) => stderr(`claude-gemini-proxy code: ${text}\n`);
  const startedAt = (options.now?.() ?? new Date()).getTime();
  const loaded = loadConfig({
    env,
    cwd: options.cwd ?? process.cwd(),
    configFile: options.configFile,
    overrides: options.overrides,
  });
  if (!loaded.success) {
    stderr(
      `claude-gemini-proxy code cannot start:\n${loaded.problems.map((problem) => `  - ${problem}\n`).join("")}`,
    );
    return 1;
  }
  for (const warning of loaded.warnings) say(warning);
  const config = loaded.config;
  const claude = (
    options.findClaudeCode ?? (() => findClaudeCode({ env, homeDirectory: options.homeDirectory }))
  )();
  if (!claude) {
    say(
      "Claude Code was not found (looked at CLAUDE_CODE_PATH, PATH, the npm global prefix, ~/.local/bin and ~/.claude/local).\n" +
        "  Install it: npm install -g @anthropic-ai/claude-code, or set CLAUDE_CODE_PATH to the claude executable.",
    );
    return 1;
  }

  const mainModel = resolveModel(
    readModelArgument(args) ?? "claude-sonnet",
    config.server.models,
  ).geminiModel;
  const configuredUrl = formatProxyUrl(config.host, config.port);
  const probe = await probeProxy(configuredUrl, {
    fetch: options.fetch,
    proxyApiKey: config.server.proxyApiKey,
  });
  let proxy: StartedProxy | undefined;
  let baseUrl = configuredUrl;
  if (probe === "ours") {
    say(`using the claude-gemini proxy already running on ${configuredUrl}.`);
  } else {
    const check = await (
      options.checkGemini ??
      ((checked, model) => checkGeminiReachable(checked, model, { fetch: options.fetch }))
    )(config.server, mainModel);
    if (!check.ok && check.blocking) {
      say(`${check.problem}\n  Claude Code was not started: it would only retry without saying why.`);
      return 1;
    }
    if (!check.ok) say(`warning: ${check.problem}`);
    proxy = await startProxyWithLog(config, options.logDirectory ?? defaultLogDirectory(), startedAt);
    baseUrl = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
    say(`proxy on ${baseUrl}; its log: ${proxy.logPath}`);
  }

  try {
    const extraModels = readModelArgument(args) === undefined ? [] : [mainModel];
    const geminiModels = ["claude-opus", "claude-sonnet", "claude-haiku", "claude-fable"]
      .map((family) => resolveModel(family, config.server.models).geminiModel)
      .concat(extraModels);
    const limits = await readModelLimits(geminiModels, {
      proxyUrl: probe === "ours" ? configuredUrl : undefined,
      proxyApiKey: config.server.proxyApiKey,
      fetch: options.fetch,
      models: config.server.models,
    });
    reportOnboarding(
      completeClaudeOnboarding({ env, homeDirectory: options.homeDirectory, now: options.now }),
      say,
    );

    const childEnv: Record<string, string | undefined> = {
      ...env,
      ...buildClaudeCodeEnv({
        baseUrl,
        proxyApiKey: config.server.proxyApiKey,
        models: config.server.models,
        limits,
        extraModels,
      }),
    };
    // With both set, Claude Code asks whether to use the API key, and sends it to the proxy.
    delete childEnv.ANTHROPIC_API_KEY;
    const find = options.findOnPath ?? ((name: string) => findOnPath(name, { env }));
    const hintCommandOnPath = find(CODE_COMMAND) !== undefined;
    if (hintCommandOnPath) childEnv.CLAUDE_CODE_RESUME_HINT_COMMAND = CODE_COMMAND;

    const code = await runChild(claude.path, args, childEnv, options, stderr);
    if (proxy && proxy.failures() > 0) {
      say(`${proxy.failures()} request(s) to Gemini failed during the session; see ${proxy.logPath}`);
    }
    const interactive = options.interactive ?? process.stdin.isTTY === true;
    if (!hintCommandOnPath && interactive && !args.some((arg) => arg === "-p" || arg === "--print")) {
      const session = findLatestSession({ env, homeDirectory: options.homeDirectory, since: startedAt });
      const resume = session === undefined ? "--continue" : `--resume ${session}`;
      say(`resume through the proxy with: ${formatCliCommand(`code ${resume}`, { findOnPath: find })}`);
    }
    return code;
  } finally {
    if (proxy) await proxy.close();
  }
}

/** `--model x` or `--model=x` among claude's arguments. */
function readModelArgument(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    if (argument === "--model") return args[index + 1];
    if (argument.startsWith("--model=")) return argument.slice("--model=".length);
  }
  return undefined;
}

function reportOnboarding(result: OnboardingResult, say: (text: string) => void): void {
  if (result.status === "written") {
    say(
      `marked Claude Code's first-run setup as done in ${result.path}${result.backupPath ? ` (backup: ${result.backupPath})` : ""}.`,
    );
  } else if (result.status === "left-alone") {
    say(
      `warning: ${result.path} was left alone: ${result.problem}. Claude Code may stop at its first-run screens; add "hasCompletedOnboarding": true to it by hand.`,
    );
  }
}

async function runChild(
  path: string,
  args: readonly string[],
  childEnv: Record<string, string | undefined>,
  options: RunClaudeCodeOptions,
  stderr: (text: string) => void,
): Promise<number> {
  const spawnClaude =
    options.spawn ??
    ((command, commandArgs, spawnEnv) => spawn(command, commandArgs, { stdio: "inherit", env: spawnEnv }));
  const signals = options.signals ?? process;
  const interactive = options.interactive ?? process.stdin.isTTY === true;
  const child = spawnClaude(path, args, childEnv);
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
        stderr(`claude-gemini-proxy code: could not run ${path} (${error.message}).\n`);
        resolve(1);
      });
      child.once("exit", (code, signal) => {
        resolve(code ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : 1));
      });
    });
  } finally {
    for (const [signal, handler] of handlers) signals.off(signal, handler);
  }
}

interface StartedProxy {
  server: Server;
  logPath: string;
  /** Requests that ended in an error other than the client's own abort. */
  failures: () => number;
  close: () => Promise<void>;
}

/**
 * A proxy on a free loopback port that logs to a file, not the terminal: Claude Code owns the
 * terminal while it runs. The log keeps the newest {@link KEPT_LOGS} sessions.
 */
async function startProxyWithLog(
  config: ProxyConfig,
  logDirectory: string,
  startedAt: number,
): Promise<StartedProxy> {
  mkdirSync(logDirectory, { recursive: true, mode: 0o700 });
  pruneLogs(logDirectory);
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, "-");
  const logPath = join(logDirectory, `code-${stamp}-${process.pid}.log`);
  const stream: WriteStream = createWriteStream(logPath, { flags: "a", mode: 0o600 });
  stream.on("error", () => {});
  let failures = 0;
  const { logger, onRequestComplete, log } = createRequestLogger({
    level: config.logLevel === "silent" ? "silent" : config.logLevel,
    format: "text",
    write: (line) => stream.write(`${new Date().toISOString()} ${line}`),
  });
  const server = createServer({
    ...config.server,
    logger,
    onRequestComplete: (record) => {
      if (record.errorType !== undefined && record.errorType !== "aborted") failures++;
      onRequestComplete(record);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  log(
    "info",
    `claude-gemini-proxy for Claude Code listening on port ${(server.address() as AddressInfo).port}`,
    {
      gemini: config.server.baseUrl ?? (config.server.vertexai ? "Vertex AI" : "Google"),
    },
  );
  return {
    server,
    logPath,
    failures: () => failures,
    close: async () => {
      await closeServerGracefully(server, { gracePeriodMs: 2000 });
      await new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}

/** One directory per user: another account's directory in a shared temp folder is not writable. */
function defaultLogDirectory(): string {
  let user = "user";
  try {
    user = userInfo().username.replace(/[^\w.-]/g, "_") || user;
  } catch {
    // No user name (some containers): the shared name still works for a single user.
  }
  return join(tmpdir(), `claude-gemini-proxy-${user}`);
}

function pruneLogs(directory: string): void {
  const logs = readdirSync(directory)
    .filter((name) => /^code-.*\.log$/.test(name))
    .sort();
  for (const name of logs.slice(0, Math.max(0, logs.length - (KEPT_LOGS - 1)))) {
    rmSync(join(directory, name), { force: true });
  }
}
