import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** What {@link completeClaudeOnboarding} did. */
export type OnboardingResult =
  | { status: "already-done"; path: string }
  | { status: "written"; path: string; backupPath?: string }
  | { status: "left-alone"; path: string; problem: string };

/** Options of {@link completeClaudeOnboarding}. */
export interface CompleteClaudeOnboardingOptions {
  /** Read for `CLAUDE_CONFIG_DIR`, where Claude Code then keeps `.claude.json`. */
  env?: Record<string, string | undefined>;
  homeDirectory?: string;
  /** For the backup's name. */
  now?: () => Date;
}

/**
 * Sets `"hasCompletedOnboarding": true` in Claude Code's `~/.claude.json` (or
 * `$CLAUDE_CONFIG_DIR/.claude.json`), the flag its first-run screens check. On a fresh machine
 * those screens first test `api.anthropic.com` and stop at "Unable to connect to Anthropic
 * services" when it cannot be reached, before any proxy setting is read; with the flag set,
 * Claude Code goes straight to the folder-trust question and the prompt.
 *
 * Every other setting is kept; an existing file is copied to a timestamped backup first, and a
 * file that is not a JSON object is left alone (`left-alone`, with the reason).
 */
export function completeClaudeOnboarding(options: CompleteClaudeOnboardingOptions = {}): OnboardingResult {
  const env = options.env ?? process.env;
  const directory = env.CLAUDE_CONFIG_DIR?.trim() || (options.homeDirectory ?? homedir());
  const path = join(directory, ".claude.json");
  let settings: Record<string, unknown> = {};
  const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  if (existing !== undefined && existing.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch (error) {
      return { status: "left-alone", path, problem: `it is not valid JSON (${(error as Error).message})` };
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { status: "left-alone", path, problem: "it does not hold a JSON object" };
    }
    settings = parsed as Record<string, unknown>;
  }
  if (settings.hasCompletedOnboarding === true) return { status: "already-done", path };

  mkdirSync(dirname(path), { recursive: true });
  let backupPath: string | undefined;
  if (existing !== undefined) {
    const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, "-");
    backupPath = `${path}.backup-${stamp}`;
    copyFileSync(path, backupPath);
  }
  // Claude Code keeps OAuth state in this file: only the owner may read it.
  writeFileSync(path, `${JSON.stringify({ ...settings, hasCompletedOnboarding: true }, null, 2)}\n`, {
    mode: 0o600,
  });
  return backupPath === undefined ? { status: "written", path } : { status: "written", path, backupPath };
}
