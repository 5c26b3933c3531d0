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
    expect(dryRun.stdout).toContain('"ANTHROPIC_API_KEY": "…cdef"');
    expect(dryRun.stdout).toContain("The proxy key is masked here");

    // An existing settings file readable by everyone, as editors and older versions left it.
    const settingsPath = join(home, ".claude", "settings.json");
    mkdirSync(join(home, ".claude"));
    writeFileSync(settingsPath, JSON.stringify({ theme: "dark" }), { mode: 0o644 });
    const written = await setup(["--write"], { PROXY_API_KEY: proxyKey });
    expect(written.code).toBe(0);
    expect(written.stdout).not.toContain(proxyKey);
    expect(JSON.parse(readFileSync(settingsPath, "utf8")).env.ANTHROPIC_API_KEY).toBe(proxyKey);
    expect(statSync(settingsPath).mode & 0o777).toBe(0o600);
    const backup = readdirSync(join(home, ".claude")).find((name) => name.includes(".backup-"))!;
    expect(statSync(join(home, ".claude", backup)).mode & 0o777).toBe(0o600);

    rmSync(join(home, ".claude"), { recursive: true });
    expect((await setup(["--write"], { PROXY_API_KEY: proxyKey })).code).toBe(0);
    expect(statSync(settingsPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, ".claude")).mode & 0o777).toBe(0o700);
  });

  it("prints only export lines with --shell", async () => {
    const { code, stdout } = await setup(["--shell"], { PROXY_API_KEY: "it's secret" });
    expect(code).toBe(0);
    expect(
      stdout
        .split("\n")
        .filter(Boolean)
        .every((line) => line.startsWith("export ")),
    ).toBe(true);
    expect(stdout).toContain("export ANTHROPIC_API_KEY='it'\\''s secret'");
  });

  it("merges into settings.json after a timestamped backup", async () => {
    const settingsPath = join(home, ".claude", "settings.json");
    mkdirSync(join(home, ".claude"));
    const original = JSON.stringify({ theme: "dark", env: { KEEP: "me" } });
    writeFileSync(settingsPath, original);
    const { code, stdout } = await setup(["--write"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Backed up");
    const written = JSON.parse(readFileSync(settingsPath, "utf8"));
    expect(written).toMatchObject({
      theme: "dark",
      env: { KEEP: "me", ANTHROPIC_BASE_URL: "http://127.0.0.1:8123" },
    });
    const backups = readdirSync(join(home, ".claude")).filter((name) => name.includes("backup"));
    expect(backups).toEqual(["settings.json.backup-2026-01-02T03-04-05-000Z"]);
    expect(readFileSync(join(home, ".claude", backups[0]!), "utf8")).toBe(original);
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
