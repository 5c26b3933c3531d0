import { execFileSync } from "node:child_process";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { isExecutableFile } from "./find-on-path.js";

/** Where {@link findClaudeCode} found the `claude` executable. */
export interface FoundClaudeCode {
  path: string;
  source: "CLAUDE_CODE_PATH" | "PATH" | "npm global prefix" | "native install" | "local install";
}

/** What {@link findClaudeCode} looks at; tests replace every part. */
export interface FindClaudeCodeOptions {
  env?: Record<string, string | undefined>;
  homeDirectory?: string;
  platform?: NodeJS.Platform;
  /** True when the path is an executable file. */
  isExecutable?: (path: string) => boolean;
  /** `npm prefix -g`, or undefined when npm is missing. */
  readNpmPrefix?: () => string | undefined;
}

/**
 * Finds the installed Claude Code CLI: `CLAUDE_CODE_PATH` first (an explicit choice wins),
 * then `PATH`, the npm global prefix (`npm prefix -g`, for shells that never added its `bin`
 * to `PATH`), the native installer's `~/.local/bin/claude`, and the older local install
 * `~/.claude/local/claude`. Returns undefined when none exists.
 */
export function findClaudeCode(options: FindClaudeCodeOptions = {}): FoundClaudeCode | undefined {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.homeDirectory ?? homedir();
  const isExecutable = options.isExecutable ?? isExecutableFile;
  const names = platform === "win32" ? ["claude.exe", "claude.cmd", "claude"] : ["claude"];

  const explicit = env.CLAUDE_CODE_PATH?.trim();
  if (explicit) return isExecutable(explicit) ? { path: explicit, source: "CLAUDE_CODE_PATH" } : undefined;

  const pathDirectories = (env.PATH ?? env.Path ?? "").split(platform === "win32" ? ";" : delimiter);
  for (const directory of pathDirectories.filter((entry) => entry !== "")) {
    for (const name of names) {
      const candidate = join(directory, name);
      if (isExecutable(candidate)) return { path: candidate, source: "PATH" };
    }
  }
  const prefix = (options.readNpmPrefix ?? readNpmPrefix)();
  if (prefix) {
    const binDirectory = platform === "win32" ? prefix : join(prefix, "bin");
    for (const name of names) {
      const candidate = join(binDirectory, name);
      if (isExecutable(candidate)) return { path: candidate, source: "npm global prefix" };
    }
  }
  const nativeInstall = join(home, ".local", "bin", names[0]!);
  if (isExecutable(nativeInstall)) return { path: nativeInstall, source: "native install" };
  const localInstall = join(home, ".claude", "local", names[0]!);
  if (isExecutable(localInstall)) return { path: localInstall, source: "local install" };
  return undefined;
}

/** `claude --version`, e.g. `2.1.332 (Claude Code)`; undefined when it cannot run. */
export function readClaudeCodeVersion(path: string): string | undefined {
  try {
    return execFileSync(path, ["--version"], {
      encoding: "utf8",
      timeout: 15_000,
      stdio: ["ignore", "pipe", "ignore"],
    })
      .trim()
      .split("\n")[0];
  } catch {
    return undefined;
  }
}

function readNpmPrefix(): string | undefined {
  try {
    const prefix = execFileSync("npm", ["prefix", "-g"], {
      encoding: "utf8",
      timeout: 10_000,
      stdio: ["ignore", "pipe", "ignore"],
      shell: process.platform === "win32",
    }).trim();
    return prefix === "" ? undefined : prefix;
  } catch {
    return undefined;
  }
}
