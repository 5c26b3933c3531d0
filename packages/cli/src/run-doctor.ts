import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { listConfiguredModels } from "@claude-gemini/core";
import {
  checkClaudeCode,
  checkClaudeOnboarding,
  checkClaudeSettings,
  checkConnection,
  checkCredentials,
  checkModelLimits,
  checkNodeVersion,
  checkPort,
  type DoctorCheck,
  isPortFree,
} from "./doctor-checks.js";
import { type FoundClaudeCode, findClaudeCode, readClaudeCodeVersion } from "./find-claude-code.js";
import { formatCliCommand } from "./format-cli-command.js";
import { formatProxyUrl } from "./format-proxy-url.js";
import { type LoadConfigOptions, loadConfig } from "./load-config.js";
import { probeProxy } from "./probe-proxy.js";
import { readModelLimits } from "./read-model-limits.js";

/** What `claude-gemini-proxy doctor` looks at; tests replace every part. */
export interface RunDoctorOptions extends LoadConfigOptions {
  homeDirectory?: string;
  stdout?: (text: string) => void;
  nodeVersion?: string;
  fetch?: typeof fetch;
  findClaudeCode?: () => FoundClaudeCode | undefined;
  readClaudeCodeVersion?: (path: string) => string | undefined;
  /** Finds an executable on PATH, for fixes that run as written. */
  findOnPath?: (name: string) => string | undefined;
}

/**
 * `claude-gemini-proxy doctor`: one screen of checks, each ✓ or ✗ with a fix line: Node
 * version, Gemini credentials, a real test-connection, Claude Code and its version, the
 * configured port, whether `~/.claude/settings.json` points at the proxy, and whether Claude
 * Code's first-run screens are done. Each fix names this command the way it runs here (bare
 * when it is on PATH, else `node` and the bin's path). Resolves to 1 when any check fails.
 */
export async function runDoctor(options: RunDoctorOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stdout = options.stdout ?? ((text: string) => process.stdout.write(text));
  const home = options.homeDirectory ?? homedir();
  const loaded = loadConfig({
    env,
    cwd: options.cwd ?? process.cwd(),
    configFile: options.configFile,
    overrides: options.overrides,
  });
  const cli = formatCliCommand("", { env, findOnPath: options.findOnPath });
  const claudeConfigPath = join(env.CLAUDE_CONFIG_DIR?.trim() || home, ".claude.json");
  const host = loaded.success ? loaded.config.host : "127.0.0.1";
  const port = loaded.success ? loaded.config.port : 8080;
  const proxyUrl = formatProxyUrl(host, port);
  // Claude Code keeps settings.json in CLAUDE_CONFIG_DIR when that is set.
  const settingsPath = join(env.CLAUDE_CONFIG_DIR?.trim() || join(home, ".claude"), "settings.json");
  const found = (options.findClaudeCode ?? (() => findClaudeCode({ env, homeDirectory: home })))();

  const checks: DoctorCheck[] = [
    checkNodeVersion(options.nodeVersion ?? process.versions.node),
    checkCredentials(loaded),
    await checkConnection(
      loaded.success
        ? {
            apiKey: loaded.config.server.apiKey,
            apiKeys: loaded.config.server.apiKeys,
            vertexai: loaded.config.server.vertexai,
            baseUrl: loaded.config.server.baseUrl,
            models: loaded.config.server.models,
            retry: { maxAttempts: 1 },
          }
        : undefined,
    ),
    checkClaudeCode(
      found,
      found ? (options.readClaudeCodeVersion ?? readClaudeCodeVersion)(found.path) : undefined,
    ),
    checkPort(
      `${host}:${port}`,
      await isPortFree(host, port),
      await probeProxy(proxyUrl, {
        fetch: options.fetch,
        proxyApiKey: loaded.success ? loaded.config.server.proxyApiKey : undefined,
      }),
      cli,
    ),
    checkClaudeSettings(
      settingsPath,
      existsSync(settingsPath) ? readFileSync(settingsPath, "utf8") : undefined,
      proxyUrl,
      cli,
    ),
    checkClaudeOnboarding(
      claudeConfigPath,
      existsSync(claudeConfigPath) ? readFileSync(claudeConfigPath, "utf8") : undefined,
      cli,
    ),
    checkModelLimits(
      await readModelLimits(listConfiguredModels(loaded.success ? loaded.config.server.models : undefined), {
        proxyUrl,
        proxyApiKey: loaded.success ? loaded.config.server.proxyApiKey : undefined,
        fetch: options.fetch,
        models: loaded.success ? loaded.config.server.models : undefined,
      }),
    ),
  ];

  stdout("claude-gemini-proxy doctor\n\n");
  for (const check of checks) {
    stdout(`${check.ok ? "✓" : "✗"} ${check.label}\n`);
    if (check.fix) stdout(`    ${check.ok ? "note" : "fix"}: ${check.fix}\n`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  stdout(failed === 0 ? "\nAll checks passed.\n" : `\n${failed} of ${checks.length} checks failed.\n`);
  return failed === 0 ? 0 : 1;
}
