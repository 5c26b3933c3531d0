#!/usr/bin/env node
// `claude-gemini-code [claude args…]` is `claude-gemini-proxy code [claude args…]`: one word, so
// Claude Code can name it in the resume hint it prints at exit.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('claude-gemini-code is not built yet: run "pnpm build" first.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(["code", ...process.argv.slice(2)], process.env);
// The Gemini client may keep pooled sockets alive; the server has closed, so leave now.
process.exit();
