import type { Options } from "tsup";

/**
 * Build settings every package shares: dual ESM/CommonJS output with types for both, for Node 22.
 * Each package's `tsup.config.ts` spreads this and adds only what differs, so the packages cannot
 * drift apart on format, target or declaration output.
 */
export const baseTsupOptions = {
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node22",
} satisfies Options;
