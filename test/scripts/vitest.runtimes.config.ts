import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import rootConfig from "../../vitest.config.js";

/**
 * The root config plus a setup file that proves each test file really runs in the runtime
 * `run-core-in-runtimes.mjs` asked for (Deno or Bun), not in a Node it spawned by accident.
 */
export default mergeConfig(
  rootConfig,
  defineConfig({
    root: fileURLToPath(new URL("../..", import.meta.url)),
    test: {
      setupFiles: [fileURLToPath(new URL("./assert-runtime.ts", import.meta.url))],
    },
  }),
);
