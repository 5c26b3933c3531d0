import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { resolveModel } from "@claude-gemini/core";
import { buildClaudeCodeEnv, PLACEHOLDER_API_KEY } from "./build-claude-code-env.js";
import { completeClaudeOnboarding, type OnboardingResult } from "./complete-claude-onboarding.js";
import { type FoundClaudeCode, findClaudeCode, readClaudeCodeVersion } from "./find-claude-code.js";
import { formatCliCommand } from "./format-cli-command.js";
import { formatProxyUrl } from "./format-proxy-url.js";
import { type LoadConfigOptions, loadConfig } from "./load-config.js";
import { mergeClaudeSettings } from "./merge-claude-settings.js";
import { probeProxy } from "./probe-proxy.js";
import { readModelLimits } from "./read-model-limits.js";
import { testGeminiConnection } from "./test-gemini-connection.js";

/** What `claude-gemini-proxy setup` needs from the world; tests replace every part. */
export interface RunSetupOptions extends LoadConfigOptions {
  homeDirectory?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  fetch?: typeof fetch;
  findClaudeCode?: () => FoundClaudeCode | undefined;
  readClaudeCodeVersion?: (path: string) => string | undefined;
  /** Finds an executable on PATH, for hints that run as written. */
  findOnPath?: (name: string) => string | undefined;
  /** For the backups' names. */
  now?: () => Date;
}

/**
 * `claude-gemini-proxy setup [--write] [--shell]`: finds Claude Code, prints the
 * `~/.claude/settings.json` env block and the equivalent shell lines (see
 * `buildClaudeCodeEnv`), and checks the Gemini key with a real test-connection.
 *
 * - No option: a dry run, nothing is written.
 * - `--write`: merges the env block into `settings.json` after a timestamped backup, removing an
 *   `ANTHROPIC_API_KEY` an older setup wrote (with `ANTHROPIC_AUTH_TOKEN` beside it Claude Code
 *   would ask which to use), and marks Claude Code's first-run screens done in `~/.claude.json`.
 * - `--shell`: prints only shell lines, for `eval "$(claude-gemini-proxy setup --shell)"`, and
 *   marks the first-run screens done as well (reported on stderr): a shell set up this way
 *   reaches the prompt too.
 *
 * Model limits come from a proxy already running on the configured address, else from the
 * capability table. Resolves to 1 when the configuration or the connection test fails.
 */
export async function runSetup(args: readonly string[], options: RunSetupOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const home = options.homeDirectory ?? homedir();
  const command = (rest: string) => formatCliCommand(rest, { env, findOnPath: options.findOnPath });
  const unknown = args.filter((arg) => arg !== "--write" && arg !== "--shell");
  if (unknown.length > 0) {
    stderr(`claude-gemini-proxy setup: unknown option "${unknown.join(" ")}". Use --write and/or --shell.\n`);
    return 1;
  }
  const write = args.includes("--write");
  const shellOnly = args.includes("--shell") && !write;

  const loaded = loadConfig({
    env,
    cwd: options.cwd ?? process.cwd(),
    configFile: options.configFile,
    overrides: options.overrides,
  });
  if (!loaded.success) {
    stderr(
      `claude-gemini-proxy setup: the configuration has problems:\n${loaded.problems.map((problem) => `  - ${problem}\n`).join("")}`,
    );
    return 1;
  }
  const config = loaded.config;
  const proxyUrl = formatProxyUrl(config.host, config.port);
  const running = await probeProxy(proxyUrl, {
    fetch: options.fetch,
    proxyApiKey: config.server.proxyApiKey,
  });
  const limits = await readModelLimits(
    ["claude-opus", "claude-sonnet", "claude-haiku", "claude-fable"].map(
      (family) => resolveModel(family, config.server.models).geminiModel,
    ),
    {
      proxyUrl: running === "ours" ? proxyUrl : undefined,
      proxyApiKey: config.server.proxyApiKey,
      fetch: options.fetch,
      models: config.server.models,
    },
  );
  const claudeEnv = buildClaudeCodeEnv({
    baseUrl: proxyUrl,
    proxyApiKey: config.server.proxyApiKey,
    models: config.server.models,
    limits,
  });
  const shellLines =
    Object.entries(claudeEnv)
      .map(([name, value]) => `export ${name}=${quoteForShell(value)}\n`)
      .join("") +
    // A key of the shell would make Claude Code ask whether to use it instead of the token.
    "unset ANTHROPIC_API_KEY\n";
  if (shellOnly) {
    stdout(shellLines);
    reportOnboarding(completeClaudeOnboarding({ env, homeDirectory: home, now: options.now }), (text) =>
      stderr(`# ${text}\n`),
    );
    return 0;
  }

  const found = (options.findClaudeCode ?? (() => findClaudeCode({ env, homeDirectory: home })))();
  if (found) {
    const version = (options.readClaudeCodeVersion ?? readClaudeCodeVersion)(found.path) ?? "version unknown";
    stdout(`✓ Claude Code: ${found.path} (${version}, found via ${found.source})\n`);
  } else {
    stdout(
      "✗ Claude Code not found. Install it: npm install -g @anthropic-ai/claude-code (or set CLAUDE_CODE_PATH)\n",
    );
  }

  // Claude Code keeps settings.json in CLAUDE_CONFIG_DIR when that is set.
  const settingsPath = join(env.CLAUDE_CONFIG_DIR?.trim() || join(home, ".claude"), "settings.json");
  // What is printed for people to read shows the proxy key masked; `--write` and `--shell`
  // (for `eval`) carry the real one.
  const shownEnv = maskSecret(claudeEnv, config.server.proxyApiKey);
  const shownShellLines = `${Object.entries(shownEnv)
    .map(([name, value]) => `export ${name}=${quoteForShell(value)}\n`)
    .join("")}unset ANTHROPIC_API_KEY\n`;
  stdout(`\nClaude Code settings (${settingsPath}):\n${JSON.stringify({ env: shownEnv }, null, 2)}\n`);
  stdout(`\nOr, for one shell:\n${shownShellLines}`);
  if (shownShellLines !== shellLines) {
    stdout("(The proxy key is masked here: put PROXY_API_KEY in its place, or use --write or --shell.)\n");
  }

  if (write) {
    const existing = existsSync(settingsPath) ? readFileSync(settingsPath, "utf8") : undefined;
    // What an older setup wrote as the key: now ANTHROPIC_AUTH_TOKEN carries it.
    const ours = new Set([PLACEHOLDER_API_KEY, config.server.proxyApiKey]);
    let merged: string;
    try {
      merged = mergeClaudeSettings(
        existing,
        claudeEnv,
        (name, value) => name === "ANTHROPIC_API_KEY" && typeof value === "string" && ours.has(value),
      );
    } catch (error) {
      stderr(
        `✗ ${settingsPath} was left alone: ${(error as Error).message}. Fix it, or merge the block above by hand.\n`,
      );
      return 1;
    }
    mkdirSync(dirname(settingsPath), { recursive: true, mode: 0o700 });
    if (existing !== undefined) {
      const backupPath = `${settingsPath}.backup-${stamp(options.now)}`;
      copyFileSync(settingsPath, backupPath);
      chmodSync(backupPath, 0o600);
      stdout(`\nBacked up the old settings to ${backupPath}\n`);
    }
    // The file holds the proxy key: readable by its owner only, whatever mode it had before.
    writeFileSync(settingsPath, merged, { mode: 0o600 });
    chmodSync(settingsPath, 0o600);
    stdout(`✓ Wrote the env block into ${settingsPath}\n`);
    const otherKey = (JSON.parse(merged) as { env: Record<string, unknown> }).env.ANTHROPIC_API_KEY;
    if (otherKey !== undefined) {
      stdout(
        `! ${settingsPath} also sets ANTHROPIC_API_KEY: remove it, or Claude Code asks whether to use it instead of the proxy's token.\n`,
      );
    }
    reportOnboarding(completeClaudeOnboarding({ env, homeDirectory: home, now: options.now }), (text, ok) =>
      stdout(`${ok ? "✓" : "✗"} ${text}\n`),
    );
  } else {
    stdout(
      `\nDry run: nothing was written. Run \`${command("setup --write")}\` to merge the block into settings.json.\n`,
    );
  }

  const connection = await testGeminiConnection({
    apiKey: config.server.apiKey,
    apiKeys: config.server.apiKeys,
    vertexai: config.server.vertexai,
    baseUrl: config.server.baseUrl,
    models: config.server.models,
    retry: { maxAttempts: 1 },
  });
  if (!connection.ok) {
    stdout(`\n✗ Gemini connection failed: ${connection.problem}\n`);
    return 1;
  }
  stdout(`\n✓ Gemini connection works (${connection.model}, ${Math.round(connection.latencyMs)} ms)\n`);
  if (connection.warning) stdout(`! ${connection.warning}\n`);
  stdout(
    `\nNext: start the proxy with \`${command("")}\`, then run \`claude\` in another terminal — or run \`${command("code")}\`, which does both.\n` +
      "Claude Code then asks once per folder whether you trust it; its default answer is No, exit.\n",
  );
  return 0;
}

function reportOnboarding(result: OnboardingResult, say: (text: string, ok: boolean) => void): void {
  if (result.status === "written") {
    say(
      `Marked Claude Code's first-run setup as done in ${result.path}${result.backupPath ? ` (backup: ${result.backupPath})` : ""}`,
      true,
    );
  } else if (result.status === "left-alone") {
    say(
      `${result.path} was left alone: ${result.problem}. Add "hasCompletedOnboarding": true to it, or Claude Code stops at its first-run screens.`,
      false,
    );
  }
}

function stamp(now: (() => Date) | undefined): string {
  return (now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
}

/** The env block with the proxy key shown as `…` and its last four characters (none for short keys). */
function maskSecret(env: Record<string, string>, secret: string | undefined): Record<string, string> {
  if (secret === undefined) return env;
  const shown = `…${secret.length >= 16 ? secret.slice(-4) : ""}`;
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, value === secret ? shown : value]),
  );
}

/** Single quotes keep every character literal in POSIX shells; a quote inside is closed and escaped. */
function quoteForShell(value: string): string {
  return /^[A-Za-z0-9_./:@-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
