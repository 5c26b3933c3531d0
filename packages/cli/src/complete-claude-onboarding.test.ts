import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { completeClaudeOnboarding } from "./complete-claude-onboarding.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function emptyHome(): string {
  const directory = mkdtempSync(join(tmpdir(), "claude-gemini-onboarding-"));
  directories.push(directory);
  return directory;
}
const now = () => new Date("2026-01-02T03:04:05.678Z");

describe("completeClaudeOnboarding", () => {
  it("creates ~/.claude.json with the flag on a fresh machine, readable by the owner only", () => {
    const home = emptyHome();
    const result = completeClaudeOnboarding({ env: {}, homeDirectory: home, now });
    expect(result).toEqual({ status: "written", path: join(home, ".claude.json") });
    expect(JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"))).toEqual({
      hasCompletedOnboarding: true,
    });
    if (process.platform !== "win32") expect(statSync(join(home, ".claude.json")).mode & 0o077).toBe(0);
  });

  it("keeps every other setting and backs the old file up", () => {
    const home = emptyHome();
    const original = JSON.stringify({ numStartups: 3, projects: { "/p": { hasTrustDialogAccepted: true } } });
    writeFileSync(join(home, ".claude.json"), original);
    const result = completeClaudeOnboarding({ env: {}, homeDirectory: home, now });
    const backupPath = join(home, ".claude.json.backup-2026-01-02T03-04-05-678Z");
    expect(result).toEqual({ status: "written", path: join(home, ".claude.json"), backupPath });
    expect(readFileSync(backupPath, "utf8")).toBe(original);
    expect(JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"))).toEqual({
      numStartups: 3,
      projects: { "/p": { hasTrustDialogAccepted: true } },
      hasCompletedOnboarding: true,
    });
  });

  it("changes nothing when onboarding is already done", () => {
    const home = emptyHome();
    writeFileSync(join(home, ".claude.json"), '{"hasCompletedOnboarding": true}');
    expect(completeClaudeOnboarding({ env: {}, homeDirectory: home }).status).toBe("already-done");
    expect(readdirSync(home)).toEqual([".claude.json"]);
  });

  it("leaves a file it cannot read as JSON alone", () => {
    const home = emptyHome();
    writeFileSync(join(home, ".claude.json"), "{ not json");
    const result = completeClaudeOnboarding({ env: {}, homeDirectory: home });
    expect(result).toMatchObject({
      status: "left-alone",
      problem: expect.stringMatching(/^it is not valid JSON/),
    });
    expect(readFileSync(join(home, ".claude.json"), "utf8")).toBe("{ not json");
  });

  it("follows CLAUDE_CONFIG_DIR like Claude Code", () => {
    const home = emptyHome();
    const configDirectory = join(home, "elsewhere");
    mkdirSync(configDirectory);
    completeClaudeOnboarding({ env: { CLAUDE_CONFIG_DIR: configDirectory }, homeDirectory: home });
    expect(existsSync(join(configDirectory, ".claude.json"))).toBe(true);
    expect(existsSync(join(home, ".claude.json"))).toBe(false);
  });
});
