#!/usr/bin/env node
/**
 * Runs the tests of `@claude-gemini/core` in runtimes other than Node — Deno and Bun — to
 * prove the core source runs there unchanged. Vitest itself runs inside each runtime, from
 * the local node_modules only (no network): Deno with the `forks` pool (its worker_threads
 * cannot be torn down yet), Bun with the `threads` pool (its child processes lack
 * `channel.unref`). A setup file fails every test file whose worker is not the runtime asked
 * for, so a pass cannot come from a Node process in disguise.
 *
 * Usage: node test/scripts/run-core-in-runtimes.mjs [deno|bun ...] [-- extra vitest filters]
 * Exits non-zero when any test fails, any runtime is missing, or no test ran.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const binDirectory = join(root, "node_modules", ".bin");
const vitestEntry = join(root, "node_modules", "vitest", "vitest.mjs");
const configFile = join(root, "test", "scripts", "vitest.runtimes.config.ts");
const coreTests = "packages/core/src/";

/**
 * Test files not run in a runtime (paths relative to the repository). Empty today: every core
 * test passes in Deno and Bun. Add a file only with a comment saying which runtime API it lacks.
 * @type {Record<string, string[]>}
 */
const SKIPPED_FILES = { deno: [], bun: [] };

const RUNTIMES = {
  deno: {
    binary: join(binDirectory, "deno"),
    versionArguments: ["--version"],
    // --cached-only and --no-lock: never download, never write a lockfile; node_modules is read as is.
    command: (binary) => [
      binary,
      ["run", "--allow-all", "--node-modules-dir=manual", "--cached-only", "--no-lock", vitestEntry],
    ],
    pool: "forks",
  },
  bun: {
    binary: join(binDirectory, "bun"),
    versionArguments: ["--version"],
    // --no-install: never auto-install a missing package from the registry.
    command: (binary) => [binary, ["--no-install", vitestEntry]],
    pool: "threads",
  },
};

const separator = process.argv.indexOf("--");
const selectedNames = (separator < 0 ? process.argv.slice(2) : process.argv.slice(2, separator)).filter(
  (name) => name.length > 0,
);
const extraFilters = separator < 0 ? [] : process.argv.slice(separator + 1);
const runtimeNames = selectedNames.length > 0 ? selectedNames : Object.keys(RUNTIMES);

const environment = {
  ...process.env,
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  DO_NOT_TRACK: "1",
  FORCE_COLOR: "0",
  NO_COLOR: "1",
  CI: "true",
};

const results = [];
for (const name of runtimeNames) {
  const runtime = RUNTIMES[name];
  if (!runtime) {
    console.error(`Unknown runtime "${name}"; known: ${Object.keys(RUNTIMES).join(", ")}.`);
    process.exit(2);
  }
  results.push(runRuntime(name, runtime));
}

console.log("\nSummary");
for (const result of results) console.log(`  ${result.line}`);
const failed = results.some((result) => !result.ok);
process.exit(failed ? 1 : 0);

function runRuntime(name, runtime) {
  if (!existsSync(runtime.binary)) {
    return { ok: false, line: `${name}: not installed (${join("node_modules", ".bin", name)} missing)` };
  }
  const version = spawnSync(runtime.binary, runtime.versionArguments, { encoding: "utf8", env: environment });
  const firstLine = (version.stdout ?? "").split("\n")[0]?.trim() || "unknown version";
  // "deno 2.9.6 (stable, …)" names itself; Bun prints only "1.4.5".
  const versionLine = firstLine.startsWith(name) ? firstLine : `${name} ${firstLine}`;
  console.log(`\n=== ${versionLine}`);

  const outputDirectory = mkdtempSync(join(tmpdir(), `core-${name}-`));
  const reportFile = join(outputDirectory, "report.json");
  const [command, runtimeArguments] = runtime.command(runtime.binary);
  const exclusions = SKIPPED_FILES[name].flatMap((file) => ["--exclude", file]);
  const vitestArguments = [
    "run",
    "--config",
    configFile,
    "--pool",
    runtime.pool,
    "--reporter",
    "dot",
    "--reporter",
    "json",
    "--outputFile.json",
    reportFile,
    "--no-fsModuleCache",
    ...exclusions,
    ...(extraFilters.length > 0 ? extraFilters : [coreTests]),
  ];
  const started = performance.now();
  const run = spawnSync(command, [...runtimeArguments, ...vitestArguments], {
    cwd: root,
    stdio: "inherit",
    env: { ...environment, CLAUDE_GEMINI_EXPECTED_RUNTIME: name },
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);

  let report;
  try {
    report = JSON.parse(readFileSync(reportFile, "utf8"));
  } catch {
    report = undefined;
  } finally {
    rmSync(outputDirectory, { recursive: true, force: true });
  }
  if (!report) {
    return {
      ok: false,
      line: `${versionLine}: vitest wrote no report, exit code ${run.status} (${seconds} s)`,
    };
  }

  const files = report.testResults ?? [];
  const failedTests = files.flatMap((file) =>
    (file.assertionResults ?? [])
      .filter((assertion) => assertion.status === "failed")
      .map((assertion) => `${file.name.replace(root, "")} › ${assertion.fullName}`),
  );
  const failedFiles = files.filter((file) => file.status === "failed").length;
  for (const test of failedTests) console.log(`  ✗ ${test}`);
  const skipped = SKIPPED_FILES[name].length > 0 ? `, skipped files: ${SKIPPED_FILES[name].join(", ")}` : "";
  const line =
    `${versionLine}: ${files.length} files, ${report.numPassedTests} passed, ` +
    `${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped` +
    `${skipped} (${seconds} s)`;
  const ok = run.status === 0 && report.success === true && report.numFailedTests === 0 && failedFiles === 0;
  return { ok: ok && report.numPassedTests > 0, line: ok ? line : `FAILED ${line}` };
}
