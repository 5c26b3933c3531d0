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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { runSetup } from "./run-setup.js";

let fake: GeminiFake;
let home: string;
beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: "good-key" });
});
afterAll(() => fake.close());
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "setup-home-"));
  return () => rmSync(home, { recursive: true, force: true });
});

async function setup(args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runSetup(args, {
    env: { GEMINI_API_KEY: "good-key", GEMINI_BASE_URL: fake.url, PROXY_PORT: "8123", ...env },
    cwd: home,
    homeDirectory: home,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    findClaudeCode: () => ({ path: "/usr/bin/claude", source: "PATH" }),
    findOnPath: (name) => (name === "claude-gemini-proxy" ? "/usr/local/bin/claude-gemini-proxy" : undefined),
    readClaudeCodeVersion: () => "2.1.332 (Claude Code)",
    now: () => new Date("2026-01-02T03:04:05.000Z"),
  });
  return { code, stdout, stderr };
}

describe("runSetup", () => {
  it("prints the settings and exports, tests the key, and writes nothing by default", async () => {
    const { code, stdout } = await setup([]);
    expect(code).toBe(0);
    expect(stdout).toContain("/usr/bin/claude (2.1.332 (Claude Code)");
    expect(stdout).toContain('"ANTHROPIC_BASE_URL": "http://127.0.0.1:8123"');
    expect(stdout).toContain("export ANTHROPIC_BASE_URL=http://127.0.0.1:8123");
    expect(stdout).toContain("Dry run");
    expect(stdout).toContain("✓ Gemini connection works");
    expect(existsSync(join(home, ".claude"))).toBe(false);
    expect(fake.requests.some((request) => request.action === "generateContent")).toBe(true);
  });

  it("masks the proxy key in what it prints, and writes settings.json readable by its owner only", async () => {
    const proxyKey = "proxy-key-0123456789abcdef";
    const dryRun = await setup([], { PROXY_API_KEY: proxyKey });
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).not.toContain(proxyKey);
    expect(dryRun.stdout).toContain('"ANTHROPIC_AUTH_TOKEN": "…cdef"');
    expect(dryRun.stdout).toContain("The proxy key is masked here");

    // An existing settings file readable by everyone, as editors and older versions left it.
    const settingsPath = join(home, ".claude", "settings.json");
    mkdirSync(join(home, ".claude"));
    writeFileSync(settingsPath, JSON.stringify({ theme: "dark" }), { mode: 0o644 });
    const written = await setup(["--write"], { PROXY_API_KEY: proxyKey });
    expect(written.code).toBe(0);
    expect(written.stdout).not.toContain(proxyKey);
    expect(JSON.parse(readFileSync(settingsPath, "utf8")).env.ANTHROPIC_AUTH_TOKEN).toBe(proxyKey);
    expect(statSync(settingsPath).mode & 0o777).toBe(0o600);
    const backup = readdirSync(join(home, ".claude")).find((name) => name.includes(".backup-"))!;
    expect(statSync(join(home, ".claude", backup)).mode & 0o777).toBe(0o600);

    rmSync(join(home, ".claude"), { recursive: true });
    expect((await setup(["--write"], { PROXY_API_KEY: proxyKey })).code).toBe(0);
    expect(statSync(settingsPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, ".claude")).mode & 0o777).toBe(0o700);
  });

  it("prints only shell lines with --shell, the key as a bearer token, and completes onboarding", async () => {
    const { code, stdout, stderr } = await setup(["--shell"], { PROXY_API_KEY: "it's secret" });
    expect(code).toBe(0);
    const lines = stdout.split("\n").filter(Boolean);
    expect(lines.every((line) => line.startsWith("export "))).toBe(false);
    expect(lines.slice(0, -1).every((line) => line.startsWith("export "))).toBe(true);
    expect(lines.at(-1)).toBe("unset ANTHROPIC_API_KEY");
    expect(stdout).toContain("export ANTHROPIC_AUTH_TOKEN='it'\\''s secret'");
    expect(stdout).toContain("export CLAUDE_CODE_MAX_CONTEXT_TOKENS=1048576");
    expect(stdout).not.toContain("export ANTHROPIC_API_KEY");
    // stdout is eval'd: the note goes to stderr, as a shell comment.
    expect(stderr).toBe(`# Marked Claude Code's first-run setup as done in ${join(home, ".claude.json")}\n`);
    expect(JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"))).toEqual({
      hasCompletedOnboarding: true,
    });
  });

  it("merges into settings.json after a timestamped backup", async () => {
    const settingsPath = join(home, ".claude", "settings.json");
    mkdirSync(join(home, ".claude"));
    // ANTHROPIC_API_KEY is what an older setup wrote: it goes, since the token now carries the key.
    const original = JSON.stringify({
      theme: "dark",
      env: { KEEP: "me", ANTHROPIC_API_KEY: "claude-gemini-proxy" },
    });
    writeFileSync(settingsPath, original);
    const { code, stdout } = await setup(["--write"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Backed up");
    const written = JSON.parse(readFileSync(settingsPath, "utf8"));
    expect(written).toMatchObject({
      theme: "dark",
      env: { KEEP: "me", ANTHROPIC_BASE_URL: "http://127.0.0.1:8123" },
    });
    expect(written.env).not.toHaveProperty("ANTHROPIC_API_KEY");
    expect(written.env.ANTHROPIC_AUTH_TOKEN).toBe("claude-gemini-proxy");
    expect(JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"))).toEqual({
      hasCompletedOnboarding: true,
    });
    expect(stdout).toContain(
      `✓ Marked Claude Code's first-run setup as done in ${join(home, ".claude.json")}`,
    );
    const backups = readdirSync(join(home, ".claude")).filter((name) => name.includes("backup"));
    expect(backups).toEqual(["settings.json.backup-2026-01-02T03-04-05-000Z"]);
    expect(readFileSync(join(home, ".claude", backups[0]!), "utf8")).toBe(original);
  });

  it("keeps a key it did not write, and says it must go", async () => {
    mkdirSync(join(home, ".claude"));
    writeFileSync(
      join(home, ".claude", "settings.json"),
      JSON.stringify({ env: { ANTHROPIC_API_KEY: "sk-ant-own" } }),
    );
    const { code, stdout } = await setup(["--write"]);
    expect(code).toBe(0);
    expect(
      JSON.parse(readFileSync(join(home, ".claude", "settings.json"), "utf8")).env.ANTHROPIC_API_KEY,
    ).toBe("sk-ant-own");
    expect(stdout).toContain("also sets ANTHROPIC_API_KEY: remove it");
  });

  it("gives hints that run as written", async () => {
    const { stdout } = await setup([]);
    expect(stdout).toContain("Run `claude-gemini-proxy setup --write`");
    expect(stdout).toContain("or run `claude-gemini-proxy code`");
    expect(stdout).toContain("default answer is No, exit");
  });

  it("writes where Claude Code reads: CLAUDE_CONFIG_DIR when it is set", async () => {
    const configDirectory = join(home, "claude-config");
    const { code } = await setup(["--write"], { CLAUDE_CONFIG_DIR: configDirectory });
    expect(code).toBe(0);
    expect(existsSync(join(configDirectory, "settings.json"))).toBe(true);
    expect(existsSync(join(configDirectory, ".claude.json"))).toBe(true);
    expect(existsSync(join(home, ".claude"))).toBe(false);
  });

  it("leaves a broken settings.json alone", async () => {
    mkdirSync(join(home, ".claude"));
    writeFileSync(join(home, ".claude", "settings.json"), "{ broken");
    const { code, stderr } = await setup(["--write"]);
    expect(code).toBe(1);
    expect(stderr).toContain("was left alone");
    expect(readFileSync(join(home, ".claude", "settings.json"), "utf8")).toBe("{ broken");
  });

  it("fails when the key is rejected, and on a missing key or unknown option", async () => {
    const rejected = await setup([], { GEMINI_API_KEY: "wrong-key" });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain("✗ Gemini connection failed");
    expect((await setup([], { GEMINI_API_KEY: "" })).code).toBe(1);
    expect((await setup(["--force"])).stderr).toContain("unknown option");
  });
});
