import type { ModelMappingOptions } from "@claude-gemini/core";
import type { GoogleGenAI } from "@google/genai";

/** A request handler in the WHATWG fetch shape: Deno, Bun and Workers serve it as is. */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Where the handler reports what happens. Every method is optional in spirit: the default is silent. */
export interface FetchHandlerLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One finished request, as passed to {@link FetchHandlerOptions.onRequestComplete}. */
export interface RequestCompleteRecord {
  /** The `request-id` header sent to the client. */
  requestId: string;
  method: string;
  path: string;
  /** The model the client asked for, when the body named one. */
  model?: string;
  /** The Gemini model the request went to, when it got that far. */
  geminiModel?: string;
  /** The HTTP status sent to the client (a stream that failed after its start still says 200). */
  status: number;
  /** From the request's arrival to the end of the response (the last byte of a stream). */
  latencyMs: number;
  /** From the request's arrival to the first upstream chunk of a stream. */
  timeToFirstTokenMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  thinkingTokens?: number;
  cachedTokens?: number;
  /** Upstream attempts beyond the first. */
  retries: number;
  stream: boolean;
  /** Anthropic `error.type` of a failed request or stream; `"aborted"` when the client went away. */
  errorType?: string;
}

/** Bounds of the retries done before the first byte reaches the client. */
export interface RetryOptions {
  /** Upstream attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** The most time spent waiting between attempts, in all. Default 20000. */
  maxTotalDelayMs?: number;
  /** The first backoff delay; each further one doubles, with jitter. Default 500. */
  baseDelayMs?: number;
}

/** Options of {@link createFetchHandler}. Every one has a default except the credentials. */
export interface FetchHandlerOptions {
  /** Gemini API key (Google AI Studio). Not needed with `vertexai` or `client`. */
  apiKey?: string;
  /** Use Vertex AI in this project and location instead of the Gemini API (credentials from the environment). */
  vertexai?: { project: string; location: string };
  /** Gemini base URL, for gateways and tests. Default: the SDK's. */
  baseUrl?: string;
  /**
   * Gemini API version. Default `"v1beta"` (`"v1beta1"` on Vertex AI): thinking, signatures and
   * `parametersJsonSchema` are documented there, while the SDK itself defaults to `v1`.
   */
  apiVersion?: string;
  /** A ready client; when given, `apiKey`, `vertexai`, `baseUrl` and `apiVersion` are ignored. */
  client?: GoogleGenAI;
  /**
   * A key clients must send as `x-api-key` or `Authorization: Bearer` on every route but
   * `/health`. Without it, any key (or none) is accepted.
   */
  proxyApiKey?: string;
  /** Which Gemini model serves which Claude name. */
  models?: ModelMappingOptions;
  /**
   * Stream from Gemini when the client asks for a stream. Default true. When false, a
   * `stream: true` request is served by one non-streaming call replayed as an SSE sequence.
   */
  enableStreaming?: boolean;
  /** Retries of 429, 5xx and retryable finish reasons, done only before the first byte is sent. */
  retry?: RetryOptions;
  /**
   * A stream whose upstream sends nothing for this long is cut with an `overloaded_error`
   * event (Claude Code re-sends such a request). Also bounds the wait for the first chunk.
   * Default 120000.
   */
  idleTimeoutMs?: number;
  /** Time limit of a non-streaming request, retries included; answered with 504 `timeout_error`. Default 600000. */
  requestTimeoutMs?: number;
  /** Interval of `ping` events on an open stream. Default 15000. */
  pingIntervalMs?: number;
  /** Largest request body accepted, counted after gzip decoding; larger ones get 413. Default 32 MiB. */
  maxBodyBytes?: number;
  /** Where to log. Default: silent. */
  logger?: FetchHandlerLogger;
  /** Called once per request when its response is complete. Exceptions thrown by it are ignored. */
  onRequestComplete?: (record: RequestCompleteRecord) => void;
  /** Random id parts for request, message and tool-use ids. Default: `crypto.getRandomValues`. */
  generateId?: () => string;
}
