import { defineConfig } from "tsup";

export default defineConfig({
  // cli.ts is the bin's entry; bin/claude-gemini-proxy.mjs imports dist/cli.js.
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
  // cli.ts reads its package.json through import.meta.url, which the CommonJS build must shim.
  shims: true,
});
