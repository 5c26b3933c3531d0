import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
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
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "test/e2e/**"],
    testTimeout: 20_000,
  },
});
