import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import {
  checkClaudeCode,
  checkClaudeOnboarding,
  checkClaudeSettings,
  checkConnection,
  checkCredentials,
  checkNodeVersion,
  checkPort,
  isPortFree,
} from "./doctor-checks.js";
import { loadConfig } from "./load-config.js";

let fake: GeminiFake;
beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: "good-key" });
});
afterAll(() => fake.close());

describe("doctor checks", () => {
  it.each([
    ["v22.0.0", true],
    ["24.21.0", true],
    ["20.19.1", false],
  ])("Node %s passes: %s", (version, ok) => {
    const check = checkNodeVersion(version);
    expect(check.ok).toBe(ok);
    if (!ok) expect(check.fix).toMatch(/Node\.js 22/);
  });

  it("needs a key, and passes the configuration's own words on", () => {
    const missing = checkCredentials(loadConfig({ env: {}, cwd: "/nonexistent" }));
    expect(missing).toMatchObject({ ok: false, fix: expect.stringContaining("GEMINI_API_KEY") });
    expect(checkCredentials(loadConfig({ env: { GEMINI_API_KEY: "k" }, cwd: "/nonexistent" })).ok).toBe(true);
  });

  it("tests the key and the model for real", async () => {
    const good = await checkConnection({ apiKey: "good-key", baseUrl: fake.url });
    expect(good.ok).toBe(true);
    expect(good.label).toContain("gemini-3.8-flash");
    const bad = await checkConnection({ apiKey: "wrong-key", baseUrl: fake.url, retry: { maxAttempts: 1 } });
    expect(bad).toMatchObject({ ok: false, fix: expect.stringMatching(/API_KEY_INVALID/) });
    expect((await checkConnection(undefined)).ok).toBe(false);
  });

  it("passes a key pool with one dead key, and names the dead one by fingerprint", async () => {
    const pool = await startGeminiFake({ apiKeys: ["pool-key-aaaa", "pool-key-bbbb"] });
    try {
      const check = await checkConnection({
        apiKeys: ["pool-key-aaaa", "dead-key-cccc"],
        baseUrl: pool.url,
        retry: { maxAttempts: 1 },
      });
      expect(check).toMatchObject({ ok: true, fix: expect.stringContaining("cccc") });
      expect(check.fix).not.toContain("dead-key-cccc");
    } finally {
      await pool.close();
    }
  });

  it("finds Claude Code and its version", () => {
    const found = { path: "/usr/bin/claude", source: "PATH" } as const;
    expect(checkClaudeCode(found, "2.1.332 (Claude Code)")).toMatchObject({
      ok: true,
      label: expect.stringContaining("2.1.332"),
    });
    expect(checkClaudeCode(found, undefined).ok).toBe(false);
    expect(checkClaudeCode(undefined, undefined)).toMatchObject({
      ok: false,
      fix: expect.stringContaining("npm install -g"),
    });
  });

  it("accepts a free port or our proxy, not someone else's", async () => {
    expect(checkPort("127.0.0.1:8080", true, "none").ok).toBe(true);
    expect(checkPort("127.0.0.1:8080", false, "ours").ok).toBe(true);
    expect(checkPort("127.0.0.1:8080", false, "other")).toMatchObject({
      ok: false,
      fix: expect.stringContaining(
        "--port or PROXY_PORT (then run `claude-gemini-proxy setup --write` again",
      ),
    });
    const port = Number(new URL(fake.url).port);
    expect(await isPortFree("127.0.0.1", port)).toBe(false);
  });

  it("checks that settings.json points at the proxy", () => {
    const path = "/home/dev/.claude/settings.json";
    const url = "http://127.0.0.1:8080";
    expect(
      checkClaudeSettings(path, JSON.stringify({ env: { ANTHROPIC_BASE_URL: `${url}/` } }), url).ok,
    ).toBe(true);
    expect(checkClaudeSettings(path, undefined, url).ok).toBe(false);
    expect(checkClaudeSettings(path, "{", url).label).toContain("not valid JSON");
    expect(checkClaudeSettings(path, JSON.stringify({ env: {} }), url).label).toContain(
      "no ANTHROPIC_BASE_URL",
    );
    expect(
      checkClaudeSettings(path, JSON.stringify({ env: { ANTHROPIC_BASE_URL: "http://other:1" } }), url).ok,
    ).toBe(false);
    const withKey = checkClaudeSettings(
      path,
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: "k" } }),
      url,
      'node "/opt/cg/bin/claude-gemini-proxy.mjs"',
    );
    expect(withKey).toMatchObject({ ok: false, label: `${path} sets ANTHROPIC_API_KEY` });
    expect(withKey.fix).toContain('Run `node "/opt/cg/bin/claude-gemini-proxy.mjs" setup --write`');
  });

  it("checks that Claude Code's first-run screens are done", () => {
    const path = "/home/dev/.claude.json";
    expect(checkClaudeOnboarding(path, JSON.stringify({ hasCompletedOnboarding: true })).ok).toBe(true);
    for (const text of [undefined, "{}", "{ broken", JSON.stringify({ hasCompletedOnboarding: "yes" })]) {
      expect(checkClaudeOnboarding(path, text)).toMatchObject({
        ok: false,
        fix: expect.stringContaining("`claude-gemini-proxy setup --write`"),
      });
    }
  });
});
