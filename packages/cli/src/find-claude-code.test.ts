import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findClaudeCode } from "./find-claude-code.js";

const HOME = join("/", "home", "dev");

function finder(executables: string[], npmPrefix?: string) {
  const existing = new Set(executables);
  return (env: Record<string, string | undefined>) =>
    findClaudeCode({
      env,
      homeDirectory: HOME,
      platform: "linux",
      isExecutable: (path) => existing.has(path),
      readNpmPrefix: () => npmPrefix,
    });
}

describe("findClaudeCode", () => {
  it("prefers CLAUDE_CODE_PATH, and reports nothing when it names no executable", () => {
    const find = finder(["/opt/claude", "/usr/bin/claude"]);
    expect(find({ CLAUDE_CODE_PATH: "/opt/claude", PATH: "/usr/bin" })).toEqual({
      path: "/opt/claude",
      source: "CLAUDE_CODE_PATH",
    });
    expect(find({ CLAUDE_CODE_PATH: "/missing/claude", PATH: "/usr/bin" })).toBeUndefined();
  });

  it("searches PATH in order", () => {
    const find = finder(["/b/claude", "/c/claude"]);
    expect(find({ PATH: "/a:/b:/c" })).toEqual({ path: "/b/claude", source: "PATH" });
  });

  it("falls back to the npm global prefix, then the native and local installs", () => {
    expect(finder(["/usr/local/lib/npm/bin/claude"], "/usr/local/lib/npm")({ PATH: "/a" })).toEqual({
      path: "/usr/local/lib/npm/bin/claude",
      source: "npm global prefix",
    });
    expect(finder([join(HOME, ".local", "bin", "claude")])({ PATH: "/a" })).toEqual({
      path: join(HOME, ".local", "bin", "claude"),
      source: "native install",
    });
    expect(finder([join(HOME, ".claude", "local", "claude")])({ PATH: "" })).toEqual({
      path: join(HOME, ".claude", "local", "claude"),
      source: "local install",
    });
  });

  it("says so when Claude Code is nowhere", () => {
    expect(finder([], "/usr/local")({ PATH: "/a:/b" })).toBeUndefined();
  });

  it("looks for claude.exe and claude.cmd on Windows, in the prefix itself", () => {
    const found = findClaudeCode({
      env: { Path: "C:\\tools" },
      homeDirectory: HOME,
      platform: "win32",
      isExecutable: (path) => path === join("C:\\npm", "claude.cmd"),
      readNpmPrefix: () => "C:\\npm",
    });
    expect(found).toEqual({ path: join("C:\\npm", "claude.cmd"), source: "npm global prefix" });
  });
});
