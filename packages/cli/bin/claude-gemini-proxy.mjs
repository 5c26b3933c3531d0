#!/usr/bin/env node
// Thin launcher: the command itself lives in dist/cli.js, built from src/cli.ts.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('claude-gemini-proxy is not built yet: run "pnpm build" first.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2), process.env);
// The Gemini client may keep pooled sockets alive; the server has closed, so leave now.
process.exit();
