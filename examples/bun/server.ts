// Serves the Anthropic Messages API from Gemini with Bun's built-in server.
import { createFetchHandler } from "@claude-gemini/fetch-handler";

const handler = createFetchHandler({
  apiKey: Bun.env.GEMINI_API_KEY,
  baseUrl: Bun.env.GEMINI_BASE_URL || undefined,
  proxyApiKey: Bun.env.PROXY_API_KEY || undefined,
  models: {
    defaultModel: Bun.env.DEFAULT_MODEL || undefined,
    opusModel: Bun.env.OPUS_MODEL || undefined,
    sonnetModel: Bun.env.SONNET_MODEL || undefined,
    haikuModel: Bun.env.HAIKU_MODEL || undefined,
  },
  retry: {
    maxAttempts: optionalNumber(Bun.env.RETRY_MAX_ATTEMPTS),
    baseDelayMs: optionalNumber(Bun.env.RETRY_BASE_DELAY_MS),
  },
});

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(Bun.env.PORT ?? 8080),
  // Bun closes a connection idle for 10 s by default; a thinking model can stay silent longer
  // than that before its first chunk (the handler sends pings once the stream has started).
  idleTimeout: 255,
  fetch: handler,
});
// The conformance suite reads this line to learn the port when PORT=0.
console.log(`Listening on http://${server.hostname}:${server.port}`);

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined || value === "" ? undefined : Number(value);
}
