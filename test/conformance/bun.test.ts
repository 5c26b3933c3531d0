import { fileURLToPath } from "node:url";
import { defineConformanceCases } from "./define-conformance-cases.js";
import { spawnRuntimeHost } from "./spawn-runtime-host.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

// examples/bun in real Bun: Bun.serve, Bun's fetch and streams, the built packages (dist).
// --no-install: a package Bun would have to download fails instead.
defineConformanceCases("bun (examples/bun)", (settings) =>
  spawnRuntimeHost({
    binary: `${root}node_modules/.bin/bun`,
    arguments: ["--no-install", "server.ts"],
    cwd: `${root}examples/bun`,
    environment: settings.environment,
  }),
);
