import { createFetchHandler, type FetchHandler } from "@claude-gemini/fetch-handler";

/** The bindings this worker reads: `[vars]` in wrangler.toml, the key as a secret. */
export interface Env {
  GEMINI_API_KEY: string;
  GEMINI_BASE_URL?: string;
  PROXY_API_KEY?: string;
  SONNET_MODEL?: string;
  HAIKU_MODEL?: string;
  OPUS_MODEL?: string;
  RETRY_MAX_ATTEMPTS?: string;
  RETRY_BASE_DELAY_MS?: string;
}

// One handler (and so one Gemini client) per isolate, built on the first request: Workers
// hand out bindings only with a request, and reusing the handler reuses its connections.
let handler: FetchHandler | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= createFetchHandler({
      apiKey: env.GEMINI_API_KEY,
      baseUrl: env.GEMINI_BASE_URL || undefined,
      proxyApiKey: env.PROXY_API_KEY || undefined,
      models: {
        sonnetModel: env.SONNET_MODEL || undefined,
        haikuModel: env.HAIKU_MODEL || undefined,
        opusModel: env.OPUS_MODEL || undefined,
      },
      retry: {
        maxAttempts: optionalNumber(env.RETRY_MAX_ATTEMPTS),
        baseDelayMs: optionalNumber(env.RETRY_BASE_DELAY_MS),
      },
    });
    return handler(request);
  },
};

function optionalNumber(value: string | undefined): number | undefined {
  return value === undefined || value === "" ? undefined : Number(value);
}
