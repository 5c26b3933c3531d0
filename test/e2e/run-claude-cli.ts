import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The pinned CLI of the test workspace. */
export const CLAUDE_BINARY = fileURLToPath(new URL("../node_modules/.bin/claude", import.meta.url));

/** What one `claude -p` run returned. */
export interface ClaudeRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The `--output-format json` result, when stdout held one. */
  // biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON result is checked field by field in tests.
  result: any;
}

export interface RunClaudeCliOptions {
  prompt: string;
  model: string;
  baseUrl: string;
  /** HOME of the run: a fresh temp dir, so no user settings leak in. */
  home: string;
  cwd: string;
  /** Extra CLI arguments (tools to allow, `--settings`, …). */
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  /** `--permission-mode`; default `acceptEdits`. `auto` is Claude Code's auto mode (server-checked calls). */
  permissionMode?: string;
}

/**
 * Runs the real CLI non-interactively against the proxy: `-p` with JSON output, edits
 * accepted and only the tools a session needs allowed (never skipping permissions).
 */
export function runClaudeCli(options: RunClaudeCliOptions): Promise<ClaudeRun> {
  const args = [
    "-p",
    options.prompt,
    "--output-format",
    "json",
    "--model",
    options.model,
    "--permission-mode",
    options.permissionMode ?? "acceptEdits",
    ...(options.args ?? []),
  ];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: options.home,
    TMPDIR: options.home,
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: "test",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    ...options.env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(CLAUDE_BINARY, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 90_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr, result: parseResult(stdout) });
    });
  });
}

function parseResult(stdout: string): unknown {
  const lines = stdout.trim().split("\n").reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // Not the JSON line; keep looking.
    }
  }
  return undefined;
}
