import type { FetchHandlerOptions } from "@claude-gemini/fetch-handler";

/** How every host under test is configured, as handler options and as the examples' env vars. */
export interface ConformanceSettings {
  /** The key the Gemini fake demands; hosts must send it upstream. */
  geminiApiKey: string;
  /** The key hosts demand from clients, so every host can be tested for 401s. */
  proxyApiKey: string;
  /** For hosts built in this process. */
  handlerOptions: FetchHandlerOptions;
  /** For the example servers run in Deno, Bun and workerd, which read these variables. */
  environment: Record<string, string>;
}

/** The key the Gemini fake is started with; {@link createConformanceSettings} hands it to hosts. */
export const CONFORMANCE_GEMINI_API_KEY = "conformance-gemini-key";

// Two attempts with a tiny backoff: the 503 case proves a retry happens without costing seconds.
const RETRY_MAX_ATTEMPTS = 2;
const RETRY_BASE_DELAY_MS = 5;
// Haiku names go to the one budget model left, which cannot mix JSON output with tools: clients
// that send Claude names (the AI SDK picks its structured-output path by the model name) can
// then be tested on such a model. Sonnet names keep the built-in Gemini 3.8 Flash.
const HAIKU_MODEL = "gemini-2.5-flash-lite";

/**
 * One configuration for all six hosts, so a case that passes on one and fails on another points
 * at the host, never at a difference in settings.
 */
export function createConformanceSettings(geminiBaseUrl: string): ConformanceSettings {
  const geminiApiKey = CONFORMANCE_GEMINI_API_KEY;
  const proxyApiKey = "conformance-proxy-key";
  return {
    geminiApiKey,
    proxyApiKey,
    handlerOptions: {
      apiKey: geminiApiKey,
      baseUrl: geminiBaseUrl,
      proxyApiKey,
      retry: { maxAttempts: RETRY_MAX_ATTEMPTS, baseDelayMs: RETRY_BASE_DELAY_MS },
      models: { haikuModel: HAIKU_MODEL },
    },
    environment: {
      GEMINI_API_KEY: geminiApiKey,
      GEMINI_BASE_URL: geminiBaseUrl,
      PROXY_API_KEY: proxyApiKey,
      RETRY_MAX_ATTEMPTS: String(RETRY_MAX_ATTEMPTS),
      RETRY_BASE_DELAY_MS: String(RETRY_BASE_DELAY_MS),
      HAIKU_MODEL,
    },
  };
}
