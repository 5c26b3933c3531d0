import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { buildClaudeCodeEnv } from "./build-claude-code-env.js";
import { type FoundClaudeCode, findClaudeCode, readClaudeCodeVersion } from "./find-claude-code.js";
import { formatProxyUrl } from "./format-proxy-url.js";
import { loadConfig } from "./load-config.js";
import { mergeClaudeSettings } from "./merge-claude-settings.js";
import { testGeminiConnection } from "./test-gemini-connection.js";

/** What `claude-gemini-proxy setup` needs from the world; tests replace every part. */
export interface RunSetupOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  homeDirectory?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  findClaudeCode?: () => FoundClaudeCode | undefined;
  readClaudeCodeVersion?: (path: string) => string | undefined;
  /** For the backup's name. */
  now?: () => Date;
}

/**
 * `claude-gemini-proxy setup [--write] [--shell]`: finds Claude Code, prints the
 * `~/.claude/settings.json` env block and the equivalent shell `export` lines, and checks the
 * Gemini key with a real test-connection. Nothing is written unless `--write` is given; then
 * the env block is merged into `settings.json` after a timestamped backup of the old file.
 * `--shell` prints only the export lines, for `eval "$(claude-gemini-proxy setup --shell)"`.
 * Resolves to 1 when the configuration or the connection test fails.
 */
export async function runSetup(args: readonly string[], options: RunSetupOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const home = options.homeDirectory ?? homedir();
  const unknown = args.filter((arg) => arg !== "--write" && arg !== "--shell");
  if (unknown.length > 0) {
    stderr(`claude-gemini-proxy setup: unknown option "${unknown.join(" ")}". Use --write and/or --shell.\n`);
    return 1;
  }
  const write = args.includes("--write");
  const shellOnly = args.includes("--shell") && !write;

  const loaded = loadConfig({ env, cwd: options.cwd ?? process.cwd() });
  if (!loaded.success) {
    stderr(
      `claude-gemini-proxy setup: the configuration has problems:\n${loaded.problems.map((problem) => `  - ${problem}\n`).join("")}`,
    );
    return 1;
  }
  const config = loaded.config;
  const claudeEnv = buildClaudeCodeEnv({
    baseUrl: formatProxyUrl(config.host, config.port),
    proxyApiKey: config.proxyApiKey,
    models: config.models,
  });
  const exportLines = Object.entries(claudeEnv)
    .map(([name, value]) => `export ${name}=${quoteForShell(value)}\n`)
    .join("");
  if (shellOnly) {
    stdout(exportLines);
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

  const settingsPath = join(home, ".claude", "settings.json");
  // What is printed for people to read shows the proxy key masked; `--write` and `--shell`
  // (for `eval`) carry the real one.
  const shownEnv = maskSecret(claudeEnv, config.proxyApiKey);
  const shownExports = Object.entries(shownEnv)
    .map(([name, value]) => `export ${name}=${quoteForShell(value)}\n`)
    .join("");
  stdout(`\nClaude Code settings (${settingsPath}):\n${JSON.stringify({ env: shownEnv }, null, 2)}\n`);
  stdout(`\nOr, for one shell:\n${shownExports}`);
  if (shownExports !== exportLines) {
    stdout("(The proxy key is masked here: put PROXY_API_KEY in its place, or use --write or --shell.)\n");
  }

  if (write) {
    const existing = existsSync(settingsPath) ? readFileSync(settingsPath, "utf8") : undefined;
    let merged: string;
    try {
      merged = mergeClaudeSettings(existing, claudeEnv);
    } catch (error) {
      stderr(
        `✗ ${settingsPath} was left alone: ${(error as Error).message}. Fix it, or merge the block above by hand.\n`,
      );
      return 1;
    }
    mkdirSync(dirname(settingsPath), { recursive: true, mode: 0o700 });
    if (existing !== undefined) {
      const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
      const backupPath = `${settingsPath}.backup-${stamp}`;
      copyFileSync(settingsPath, backupPath);
      chmodSync(backupPath, 0o600);
      stdout(`\nBacked up the old settings to ${backupPath}\n`);
    }
    // The file holds the proxy key: readable by its owner only, whatever mode it had before.
    writeFileSync(settingsPath, merged, { mode: 0o600 });
    chmodSync(settingsPath, 0o600);
    stdout(`✓ Wrote the env block into ${settingsPath}\n`);
  } else {
    stdout(
      "\nDry run: nothing was written. Run `claude-gemini-proxy setup --write` to merge the block into settings.json.\n",
    );
  }

  const connection = await testGeminiConnection({
    apiKey: config.apiKey,
    vertexai: config.vertexai,
    baseUrl: config.baseUrl,
    models: config.models,
    retry: { maxAttempts: 1 },
  });
  if (!connection.ok) {
    stdout(`\n✗ Gemini connection failed: ${connection.problem}\n`);
    return 1;
  }
  stdout(`\n✓ Gemini connection works (${connection.model}, ${Math.round(connection.latencyMs)} ms)\n`);
  stdout(
    "\nNext: start the proxy with `claude-gemini-proxy`, then run `claude` — or run `claude-gemini-proxy code`, which does both.\n",
  );
  return 0;
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
