import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveModel } from "@claude-gemini/core";
import { createFetchHandler, describeGeminiFailure } from "@claude-gemini/fetch-handler";
import { describe, expect, it } from "vitest";
import { buildClaudeCodeEnv } from "../../packages/cli/src/build-claude-code-env.js";
import { main } from "../../packages/cli/src/cli.js";
import { CONFIG_VARIABLE_NAMES, loadConfig } from "../../packages/cli/src/load-config.js";
import { useGeminiFake } from "../support/use-gemini-fake.js";

/** What the documentation promises, checked against what the code does. */
const REPOSITORY = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(join(REPOSITORY, path), "utf8");
const gemini = useGeminiFake({ apiKey: "docs-good-key" });

/** The rows of the Markdown table whose first header cell is `header`, as cells. */
function readTable(markdown: string, header: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^\\|\\s*${header}\\s*\\|`).test(line));
  expect(start, `a table headed "${header}"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

/** `ANTHROPIC_DEFAULT_{OPUS,SONNET}_MODEL` → both names; every backticked variable of a cell. */
function readVariables(cell: string): string[] {
  return [...cell.matchAll(/`([A-Z][A-Z0-9_{},]*)`/g)].flatMap(([, name]) => {
    const braces = /\{([A-Z,]+)\}/.exec(name!);
    return braces ? braces[1]!.split(",").map((part) => name!.replace(braces[0], part)) : [name!];
  });
}

describe("docs/configuration.md", () => {
  const configuration = read("docs/configuration.md");

  it("lists exactly the variables loadConfig reads", () => {
    const documented = readTable(configuration, "variable").flatMap(([cell]) => readVariables(cell!));
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLE_NAMES].sort());
  });

  it("lists exactly the variables code and setup give Claude Code", () => {
    const documented = readTable(configuration, "Claude Code variable").flatMap(([cell]) =>
      readVariables(cell!),
    );
    const given = Object.keys(buildClaudeCodeEnv({ baseUrl: "http://127.0.0.1:8080" }));
    // The resume hint is set by `code` alone (see run-claude-code.ts).
    expect([...documented].sort()).toEqual([...given, "CLAUDE_CODE_RESUME_HINT_COMMAND"].sort());
  });

  it("lists launcher variables that the launcher reads", () => {
    const sources = readdirSync(join(REPOSITORY, "packages/cli/src"))
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => read(`packages/cli/src/${name}`))
      .join("\n");
    const documented = readTable(configuration, "launcher variable").flatMap(([cell]) =>
      readVariables(cell!),
    );
    expect(documented).toEqual(["CLAUDE_CODE_PATH", "CLAUDE_CONFIG_DIR"]);
    for (const name of documented) expect(sources, name).toMatch(new RegExp(`\\.${name}\\b`));
  });

  it("is right that DEFAULT_MODEL serves every family without its own variable", () => {
    const served = (env: Record<string, string>) => {
      const loaded = loadConfig({ env: { GEMINI_API_KEY: "k", ...env }, cwd: tmpdir() });
      if (!loaded.success) throw new Error(loaded.problems.join(" "));
      return ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5", "claude-fable-5", "my-model"].map(
        (name) => resolveModel(name, loaded.config.server.models).geminiModel,
      );
    };
    expect(served({ DEFAULT_MODEL: "gemini-4-hydrogen" })).toEqual(Array(5).fill("gemini-4-hydrogen"));
    expect(served({ DEFAULT_MODEL: "gemini-4-hydrogen", HAIKU_MODEL: "gemini-3.5-flash-lite" })).toEqual([
      "gemini-4-hydrogen",
      "gemini-4-hydrogen",
      "gemini-3.5-flash-lite",
      "gemini-4-hydrogen",
      "gemini-4-hydrogen",
    ]);
    expect(served({})).toEqual([
      "gemini-3.8-flash",
      "gemini-3.8-flash",
      "gemini-3.5-flash-lite",
      "gemini-3.8-flash",
      "gemini-3.8-flash",
    ]);
    expect(configuration).toContain("`DEFAULT_MODEL=gemini-4-hydrogen` alone moves every family");
    expect(read(".env.example")).toContain("DEFAULT_MODEL serves every\n# family without its own variable");
  });
});

describe("docs/troubleshooting.md quotes the messages users see", () => {
  const troubleshooting = read("docs/troubleshooting.md");

  it("for a rejected Gemini key, as Claude Code shows it", async () => {
    const handler = createFetchHandler({
      apiKey: "not-the-key",
      baseUrl: gemini.fake.url,
      retry: { maxAttempts: 1 },
    });
    const response = await handler(
      new Request("http://localhost/v1/messages", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-5",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
        }),
      }),
    );
    expect(response.status).toBe(401);
    const { message } = (await response.json()).error;
    // Claude Code 2.1.332 prints a 401 as "Please run /login · API Error: 401 <message>".
    expect(troubleshooting).toContain(`**\`Please run /login · API Error: 401 ${message}\`**`);
  });

  it("for a wrong base URL's route", async () => {
    const handler = createFetchHandler({ apiKey: "docs-good-key", baseUrl: gemini.fake.url });
    const response = await handler(
      new Request("http://localhost/v1/v1/messages", { method: "POST", body: "{}" }),
    );
    const { type, message } = (await response.json()).error;
    const quoted = /\*\*`404 not_found_error: (No route for [^…]*)…`\*\*/.exec(troubleshooting)?.[1];
    expect(quoted).toBeDefined();
    expect(`${response.status} ${type}: ${message}`).toContain(`404 not_found_error: ${quoted}`);
  });

  it("for an unreachable GEMINI_BASE_URL, as the launcher prints it", () => {
    const refused = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9999"), { code: "ECONNREFUSED" }),
    });
    const { problem } = describeGeminiFailure(refused, {
      model: "gemini-3.8-flash",
      baseUrl: "http://127.0.0.1:9999",
    });
    const quoted = /\*\*`claude-gemini-proxy code: (Could not reach Gemini at [^…]*)…`\*\*/.exec(
      troubleshooting,
    )?.[1];
    expect(quoted).toBeDefined();
    expect(problem.startsWith(quoted!.trimEnd())).toBe(true);
  });

  it("for a port in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    const cwd = mkdtempSync(join(tmpdir(), "docs-port-"));
    let stderr = "";
    try {
      await main(
        ["--port", String(port)],
        { GEMINI_API_KEY: "k" },
        {
          cwd,
          stdout: () => {},
          stderr: (text) => {
            stderr += text;
          },
        },
      );
    } finally {
      blocker.close();
      rmSync(cwd, { recursive: true, force: true });
    }
    expect(troubleshooting).toContain(`**\`${stderr.trim().replaceAll(String(port), "8080")}\`**`);
  });
});

describe("README.md", () => {
  const readme = read("README.md");

  it("reads in an 80-column terminal", () => {
    const wide = readme.split("\n").filter((line) => [...line].length > 80);
    expect(wide).toEqual([]);
  });

  it("starts with the quick start and the two set-up commands", () => {
    const headings = readme.split("\n").filter((line) => line.startsWith("## "));
    expect(headings.slice(0, 2)).toEqual(["## Quick start", "## Set up Claude Code: two commands"]);
  });

  it("keeps the test command .ci/run reads", () => {
    const command = execFileSync(
      "awk",
      ["/<!-- test-command -->/ { getline; while ($0 ~ /^```/) getline; print; exit }", "README.md"],
      { cwd: REPOSITORY, encoding: "utf8" },
    ).trim();
    expect(command).toBe("pnpm install --frozen-lockfile && pnpm test");
  });

  it("uses only commands the clone-and-build path puts on PATH", () => {
    const bins = Object.keys(JSON.parse(read("packages/cli/package.json")).bin);
    expect(bins.sort()).toEqual(["claude-gemini-code", "claude-gemini-proxy"]);
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    expect(scripts["cli:install"]).toBe("npm install --global ./packages/cli");
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## Set up"));
    expect(quickStart).toContain("pnpm install && pnpm build && pnpm cli:install");
    // Command names, not header names such as x-claude-gemini-warnings.
    for (const command of readme.match(/(?<![\w-])claude-gemini-[a-z]+/g) ?? [])
      expect(bins).toContain(command);
  });
});
