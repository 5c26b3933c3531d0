import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleWorker } from "./bundle-worker.js";
import { defineConformanceCases } from "./define-conformance-cases.js";

const exampleDirectory = fileURLToPath(new URL("../../examples/cloudflare-worker/", import.meta.url));

/** The compatibility settings the example deploys with, so the test runs what wrangler would. */
function readCompatibility(): { compatibilityDate: string; compatibilityFlags: string[] } {
  const toml = readFileSync(`${exampleDirectory}wrangler.toml`, "utf8");
  const date = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  const flags = /^compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  return {
    compatibilityDate: date,
    compatibilityFlags: [...flags.matchAll(/"([^"]+)"/g)].map((match) => match[1]!),
  };
}

// examples/cloudflare-worker bundled and run in workerd (Miniflare): the Workers runtime's
// fetch, streams and isolate rules, bindings as `env`, outbound fetch to the fake on 127.0.0.1.
defineConformanceCases("cloudflare worker (examples/cloudflare-worker in workerd)", async (settings) => {
  const script = await bundleWorker(`${exampleDirectory}src/index.ts`);
  const miniflare = new Miniflare({
    modules: [{ type: "ESModule", path: "worker.js", contents: script }],
    ...readCompatibility(),
    bindings: settings.environment,
    host: "127.0.0.1",
    port: 0,
  });
  const url = await miniflare.ready;
  return {
    baseUrl: url.origin,
    // Measured: workerd (through Miniflare) cancels the response stream of a client that went
    // away only when the next ping is written, 15 s later; the Gemini call runs until then.
    clientAbortNoticed: "next-write",
    close: () => miniflare.dispose(),
  };
});
