/**
 * Setup file for `vitest.runtimes.config.ts`: fails every test file unless the worker runs in
 * the runtime named by `CLAUDE_GEMINI_EXPECTED_RUNTIME`, so a green run in "Deno" cannot be a
 * Node worker in disguise.
 */
import { beforeAll } from "vitest";

interface RuntimeGlobals {
  Deno?: { version: { deno: string } };
  Bun?: { version: string };
  process?: { versions?: { node?: string } };
}

function detectRuntime(): string {
  const runtime = globalThis as RuntimeGlobals;
  if (runtime.Deno) return `deno ${runtime.Deno.version.deno}`;
  if (runtime.Bun) return `bun ${runtime.Bun.version}`;
  return `node ${runtime.process?.versions?.node ?? "unknown"}`;
}

beforeAll(() => {
  const expected = (globalThis as RuntimeGlobals & { process?: { env?: Record<string, string | undefined> } })
    .process?.env?.CLAUDE_GEMINI_EXPECTED_RUNTIME;
  const actual = detectRuntime();
  if (expected && !actual.startsWith(`${expected} `)) {
    throw new Error(`Expected to run in ${expected}, but this test file runs in ${actual}.`);
  }
});
