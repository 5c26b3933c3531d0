import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (name: string) =>
  fileURLToPath(new URL(`../../packages/${name}/src/index.ts`, import.meta.url));

/**
 * The end-to-end suite runs the real Claude Code CLI, so it lives outside the root config:
 * longer timeouts, and sessions limited to a couple at a time to stay fast on two cores.
 */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  resolve: {
    alias: {
      "@claude-gemini/core": source("core"),
      "@claude-gemini/fetch-handler": source("fetch-handler"),
      "@claude-gemini/node-http": source("node-http"),
      "@claude-gemini/cli": source("cli"),
      "@claude-gemini/express": source("express"),
    },
  },
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    maxConcurrency: 2,
  },
});
