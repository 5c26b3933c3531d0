import { createRequire } from "node:module";

/** The slice of esbuild's API used here (esbuild is tsup's dependency, not a direct one). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: Array<{ text: string }> }>;
}

/**
 * Bundles a worker entry into one ES module, in memory, the way wrangler does it: the
 * `workerd`, `worker` and `browser` export conditions, so `@google/genai` resolves to its web
 * build, and `node:*` left for the runtime. Dependencies are the built packages (`dist`).
 */
export async function bundleWorker(entryPoint: string): Promise<string> {
  // esbuild comes with tsup and is not hoisted; resolve it from tsup's own location.
  const fromTsup = createRequire(createRequire(import.meta.url).resolve("tsup"));
  const esbuild = fromTsup("esbuild") as Esbuild;
  const result = await esbuild.build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["node:*", "cloudflare:*"],
    logLevel: "warning",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entryPoint}`);
  return output.text;
}
