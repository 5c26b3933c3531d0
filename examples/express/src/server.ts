// Runs as is on Node 24 (type stripping): `node src/server.ts`.
import { createRequestLogger, parseEnvironment } from "@claude-gemini/fetch-handler";
import { createApp } from "./create-app.ts";

// The variables of docs/configuration.md, the same names as on every other host.
const { options, logLevel, problems, warnings } = parseEnvironment(process.env);
for (const warning of warnings) console.warn(warning);
if (problems.length > 0) {
  console.error(`Cannot start:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  process.exit(1);
}
const { logger, onRequestComplete } = createRequestLogger({
  level: logLevel,
  format: "json",
  write: (line) => process.stdout.write(line),
});

const host = process.env.PROXY_HOST || "127.0.0.1";
// PORT is what hosting platforms set; PROXY_PORT wins, as with the Node command.
const port = Number(process.env.PROXY_PORT || process.env.PORT || 8080);
const app = createApp({ ...options, logger, onRequestComplete });

const server = app.listen(port, host, () => {
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  console.log(`Listening on http://${host}:${actualPort}`);
});
