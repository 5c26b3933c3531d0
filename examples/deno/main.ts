// Serves the Anthropic Messages API from Gemini with Deno's built-in server. The package
// resolves from node_modules (`nodeModulesDir: "manual"` in deno.json): nothing is downloaded.
import { createFetchHandler } from "@claude-gemini/fetch-handler";

const environment = Deno.env.toObject();
const handler = createFetchHandler({
  apiKey: environment.GEMINI_API_KEY,
  baseUrl: environment.GEMINI_BASE_URL || undefined,
  proxyApiKey: environment.PROXY_API_KEY || undefined,
  models: {
    defaultModel: environment.DEFAULT_MODEL || undefined,
    opusModel: environment.OPUS_MODEL || undefined,
    sonnetModel: environment.SONNET_MODEL || undefined,
    haikuModel: environment.HAIKU_MODEL || undefined,
  },
  retry: {
    maxAttempts: optionalNumber(environment.RETRY_MAX_ATTEMPTS),
    baseDelayMs: optionalNumber(environment.RETRY_BASE_DELAY_MS),
  },
});

Deno.serve(
  {
    hostname: "127.0.0.1",
    port: Number(environment.PORT ?? 8080),
    // The conformance suite reads this line to learn the port when PORT=0.
    onListen: ({ hostname, port }) => console.log(`Listening on http://${hostname}:${port}`),
  },
  handler,
);

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined || value === "" ? undefined : Number(value);
}
