import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findOnPath } from "./find-on-path.js";
import { binPath, formatCliCommand } from "./format-cli-command.js";

describe("formatCliCommand", () => {
  it("uses the bare name when it is on PATH", () => {
    expect(
      formatCliCommand("setup --write", { findOnPath: () => "/usr/local/bin/claude-gemini-proxy" }),
    ).toBe("claude-gemini-proxy setup --write");
  });

  it("falls back to node and the bin's absolute path, a command that runs as written", () => {
    const command = formatCliCommand("doctor", { findOnPath: () => undefined });
    expect(command.startsWith("node ")).toBe(true);
    expect(command.endsWith(" doctor")).toBe(true);
    expect(command).toContain(binPath().replace(/(["\\$`])/g, "\\$1"));
    expect(binPath()).toMatch(/[/\\]bin[/\\]claude-gemini-proxy\.mjs$/);
  });
});

describe("findOnPath", () => {
  it("finds an executable in PATH's directories, in order, and ignores plain files", () => {
    const first = mkdtempSync(join(tmpdir(), "find-on-path-a-"));
    const second = mkdtempSync(join(tmpdir(), "find-on-path-b-"));
    try {
      writeFileSync(join(first, "tool"), "not executable");
      writeFileSync(join(second, "tool"), "#!/bin/sh\n");
      chmodSync(join(second, "tool"), 0o755);
      const env = { PATH: [first, second].join(process.platform === "win32" ? ";" : ":") };
      if (process.platform !== "win32") expect(findOnPath("tool", { env })).toBe(join(second, "tool"));
      expect(findOnPath("missing-tool", { env })).toBeUndefined();
      expect(findOnPath("tool", { env: {} })).toBeUndefined();
    } finally {
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  });
});
