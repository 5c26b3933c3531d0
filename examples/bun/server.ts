// Serves the Anthropic Messages API from Gemini with Bun's built-in server.
import { createFetchHandler, createRequestLogger, parseEnvironment } from "@claude-gemini/fetch-handler";

// The variables of docs/configuration.md, the same names as on every other host.
const { options, logLevel, problems, warnings } = parseEnvironment(Bun.env);
for (const warning of warnings) console.warn(warning);
if (problems.length > 0) {
  console.error(`Cannot start:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  process.exit(1);
}
const { logger, onRequestComplete } = createRequestLogger({
  level: logLevel,
  format: "json",
  write: (line) => console.log(line.trimEnd()),
});

const server = Bun.serve({
  hostname: Bun.env.PROXY_HOST || "127.0.0.1",
  // PORT is what hosting platforms set; PROXY_PORT wins, as with the Node command.
  port: Number(Bun.env.PROXY_PORT || Bun.env.PORT || 8080),
  // Bun closes a connection idle for 10 s by default; a thinking model can stay silent longer
  // than that before its first chunk (the handler sends pings once the stream has started).
  idleTimeout: 255,
  fetch: createFetchHandler({ ...options, logger, onRequestComplete }),
});
// The conformance suite reads this line to learn the port when PROXY_PORT=0.
console.log(`Listening on http://${server.hostname}:${server.port}`);
