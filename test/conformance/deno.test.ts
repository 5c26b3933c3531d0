import { fileURLToPath } from "node:url";
import { defineConformanceCases } from "./define-conformance-cases.js";
import { spawnRuntimeHost } from "./spawn-runtime-host.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

// examples/deno in real Deno: Deno.serve, Deno's fetch and streams, the built packages (dist)
// resolved from node_modules. --cached-only: a package Deno would have to download fails instead.
defineConformanceCases("deno (examples/deno)", (settings) =>
  spawnRuntimeHost({
    binary: `${root}node_modules/.bin/deno`,
    arguments: ["run", "--allow-net", "--allow-env", "--cached-only", "--no-lock", "main.ts"],
    cwd: `${root}examples/deno`,
    environment: { ...settings.environment, DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
  }),
);
