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

async function doctor(env: Record<string, string>, found = true, onPath = true) {
  let stdout = "";
  const code = await runDoctor({
    findOnPath: (name) =>
      onPath && name === "claude-gemini-proxy" ? "/usr/local/bin/claude-gemini-proxy" : undefined,
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
    expect(stdout).toMatch(
      /✗ Claude Code's first-run setup is not done .*\n {4}fix: Its first screens need api\.anthropic\.com/,
    );
  });

  it("names itself in fixes the way it runs here", async () => {
    const { stdout } = await doctor({ GEMINI_API_KEY: "" }, false, false);
    expect(stdout).toMatch(/fix: Run `node "?\/\S*\/bin\/claude-gemini-proxy\.mjs"? setup --write`/);
  });

  it("tells an unreachable GEMINI_BASE_URL from a rejected key, without class names", async () => {
    const unreachable = await doctor({ GEMINI_API_KEY: "good-key", GEMINI_BASE_URL: "http://127.0.0.1:1" });
    expect(unreachable.stdout).toMatch(
      /✗ Gemini could not be reached \(gemini-3\.8-flash\)\n {4}fix: Could not reach Gemini at http:\/\/127\.0\.0\.1:1: /,
    );
    expect(unreachable.stdout).not.toMatch(/TypeError|\(Error\)/);
    const rejected = await doctor({ GEMINI_API_KEY: "wrong-key" });
    expect(rejected.stdout).toMatch(
      /✗ Gemini rejected the API key \(gemini-3\.8-flash\)\n {4}fix: The Gemini API key was rejected/,
    );
    const unknownModel = await doctor({ GEMINI_API_KEY: "good-key", SONNET_MODEL: "gemini-9.9-ultra" });
    expect(unknownModel.stdout).toMatch(
      /✗ Gemini does not serve the model \(gemini-9\.9-ultra\)\n {4}fix: Gemini does not know the model gemini-9\.9-ultra/,
    );
  });

  it("passes on a machine that is set up", async () => {
    writeFileSync(join(home, ".claude.json"), JSON.stringify({ hasCompletedOnboarding: true }));
    mkdirSync(join(home, ".claude"), { recursive: true });
    writeFileSync(
      join(home, ".claude", "settings.json"),
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:18765" } }),
    );
    const { code, stdout } = await doctor({ GEMINI_API_KEY: "good-key" });
    expect(stdout).not.toContain("✗");
    expect(stdout).toContain("✓ Gemini answers: gemini-3.8-flash");
    expect(stdout).toContain("All checks passed.");
    // No proxy runs on the port: the limits come from the built-in table.
    expect(stdout).toContain("✓ Models: gemini-3.8-flash, gemini-3.5-flash-lite");
    expect(stdout).toContain("gemini-3.8-flash: 1,048,576 in / 65,536 out (the built-in table)");
    expect(code).toBe(0);
  });

  it("shows a running proxy's limits and what it learned from Gemini", async () => {
    const proxy: typeof fetch = async (input) => {
      const url = String(input);
      if (url.endsWith("/health")) return Response.json({ status: "ok" });
      if (url.endsWith("/v1/models")) return Response.json({ data: [{ id: "gemini-4-xenon" }] });
      if (url.endsWith("/v1/models/gemini-4-xenon")) {
        return Response.json({
          max_input_tokens: 1_048_576,
          max_tokens: 32_768,
          claude_gemini: { learned: ["thinking levels MEDIUM, HIGH, XHIGH"] },
        });
      }
      return new Response("not found", { status: 404 });
    };
    let stdout = "";
    await runDoctor({
      env: {
        GEMINI_BASE_URL: fake.url,
        PROXY_PORT: "18766",
        GEMINI_API_KEY: "good-key",
        DEFAULT_MODEL: "gemini-4-xenon",
      },
      cwd: home,
      homeDirectory: home,
      nodeVersion: "24.1.0",
      fetch: proxy,
      stdout: (text) => {
        stdout += text;
      },
      findClaudeCode: () => ({ path: "/usr/bin/claude", source: "PATH" }),
      readClaudeCodeVersion: () => "2.1.332 (Claude Code)",
    });
    expect(stdout).toContain(
      "gemini-4-xenon: 1,048,576 in / 32,768 out (the running proxy; learned from Gemini: thinking levels MEDIUM, HIGH, XHIGH)",
    );
  });
});
