import { defineConfig } from "tsup";
import { baseTsupOptions } from "../../tsup.config.base.js";

export default defineConfig({
  ...baseTsupOptions,
  // cli.ts is the bin's entry; bin/claude-gemini-proxy.mjs imports dist/cli.js.
  entry: ["src/index.ts", "src/cli.ts"],
  // cli.ts reads its package.json through import.meta.url, which the CommonJS build must shim.
  shims: true,
});
