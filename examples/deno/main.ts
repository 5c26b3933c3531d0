// Serves the Anthropic Messages API from Gemini with Deno's built-in server. The package
// resolves from node_modules (`nodeModulesDir: "manual"` in deno.json): nothing is downloaded.
import { createFetchHandler, createRequestLogger, parseEnvironment } from "@claude-gemini/fetch-handler";

// The variables of docs/configuration.md, the same names as on every other host.
const environment = Deno.env.toObject();
const { options, logLevel, problems, warnings } = parseEnvironment(environment);
for (const warning of warnings) console.warn(warning);
if (problems.length > 0) {
  console.error(`Cannot start:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  Deno.exit(1);
}
const { logger, onRequestComplete } = createRequestLogger({
  level: logLevel,
  format: "json",
  write: (line) => console.log(line.trimEnd()),
});
const handler = createFetchHandler({ ...options, logger, onRequestComplete });

Deno.serve(
  {
    hostname: environment.PROXY_HOST || "127.0.0.1",
    // PORT is what hosting platforms set; PROXY_PORT wins, as with the Node command.
    port: Number(environment.PROXY_PORT || environment.PORT || 8080),
    // The conformance suite reads this line to learn the port when PROXY_PORT=0.
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}`),
  },
  handler,
);
