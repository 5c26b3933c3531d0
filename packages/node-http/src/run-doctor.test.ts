import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { runDoctor } from "./run-doctor.js";

let fake: GeminiFake;
let home: string;
beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: "good-key" });
  home = mkdtempSync(join(tmpdir(), "doctor-home-"));
});
afterAll(async () => {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
});

async function doctor(env: Record<string, string>, found = true) {
  let stdout = "";
  const code = await runDoctor({
    env: { GEMINI_BASE_URL: fake.url, PROXY_PORT: "18765", ...env },
    cwd: home,
    homeDirectory: home,
    nodeVersion: "24.1.0",
    stdout: (text) => {
      stdout += text;
    },
    findClaudeCode: () => (found ? { path: "/usr/bin/claude", source: "PATH" } : undefined),
    readClaudeCodeVersion: () => "2.1.332 (Claude Code)",
  });
  return { code, stdout };
}

describe("runDoctor", () => {
  it("exits 1 and says how to fix each failed check", async () => {
    const { code, stdout } = await doctor({ GEMINI_API_KEY: "" }, false);
    expect(code).toBe(1);
    expect(stdout).toContain("✓ Node.js 24.1.0");
    expect(stdout).toContain("✗ The proxy configuration has problems");
    expect(stdout).toContain("✗ Claude Code not found");
    expect(stdout).toMatch(
      /✗ .*settings\.json does not exist\n {4}fix: Run `claude-gemini-proxy setup --write`/,
    );
  });

  it("passes on a machine that is set up", async () => {
    mkdirSync(join(home, ".claude"), { recursive: true });
    writeFileSync(
      join(home, ".claude", "settings.json"),
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:18765" } }),
    );
    const { code, stdout } = await doctor({ GEMINI_API_KEY: "good-key" });
    expect(stdout).not.toContain("✗");
    expect(stdout).toContain("✓ Gemini answers: gemini-3.8-flash");
    expect(stdout).toContain("All checks passed.");
    expect(code).toBe(0);
  });
});
