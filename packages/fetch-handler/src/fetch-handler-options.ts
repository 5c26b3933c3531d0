import type { ModelMappingOptions, RequestLimits } from "@claude-gemini/core";
import type { GoogleGenAI } from "@google/genai";
import type { CorsOptions } from "./apply-cors.js";
import type { ProxyMetrics } from "./create-metrics.js";
import type { LifecycleSubscriber } from "./lifecycle-event.js";
import type { UpstreamTransport } from "./upstream-transport.js";

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
  /** Tokens written to a Gemini context cache this request created (see {@link FetchHandlerOptions.contextCache}). */
  cacheCreationTokens?: number;
  /** Upstream attempts beyond the first. */
  retries: number;
  stream: boolean;
  /** Anthropic `error.type` of a failed request or stream; `"aborted"` when the client went away. */
  errorType?: string;
}

/**
 * Bounds of the retries done before the first byte reaches the client. A `client` with
 * `httpOptions.retryOptions` sets the fields this option leaves out (`readClientRetryOptions`):
 * `attempts` → `maxAttempts`, `initialDelay` → `baseDelayMs`, `maxDelay` → `maxDelayMs`,
 * `expBase` → `backoffFactor`, `jitter` 0 → `jitter` 0, `httpStatusCodes` → `httpStatusCodes`.
 */
export interface RetryOptions {
  /** Upstream attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** The most time spent waiting between attempts, in all. Default 20000. */
  maxTotalDelayMs?: number;
  /** The first backoff delay; each further one grows by `backoffFactor`. Default 500. */
  baseDelayMs?: number;
  /**
   * The longest single wait. A longer computed backoff is cut to it; a longer wait asked for by
   * Gemini (`RetryInfo`) is not shortened: the failure goes to the client, which sees
   * `retry-after`. Default 60000.
   */
  maxDelayMs?: number;
  /** What each further backoff is multiplied by. Default 2. */
  backoffFactor?: number;
  /** The share of each backoff drawn at random, from 0 (none) to 1 (all). Default 0.5. */
  jitter?: number;
  /**
   * HTTP statuses of a failed call that are tried again; a failed call with any other status
   * is not. The rules that never retry still come first (a per-day quota, a rejected key, an
   * unparsable answer), and failures without a status (the proxy's own timeouts, a dropped
   * connection) keep the rules of `retry-policy.ts`. Default: those rules for every failure.
   */
  httpStatusCodes?: readonly number[];
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
  /**
   * The `fetch` the Gemini client calls (`httpOptions.fetch`). Default: the runtime's global
   * `fetch`. Generate calls go through it too unless `transport` is given.
   */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /**
   * How generate calls (`generateContent`, `streamGenerateContent`) reach Gemini: an
   * {@link UpstreamTransport}, one request in, one reply out. When given it wins over `fetch`
   * and over a `client`'s `httpOptions.fetch` for those calls; the client still serves token
   * counts, model metadata and context caches with its own `fetch`. Default: a `fetch`-based
   * transport on `fetch` (or the client's, else the runtime's). `@claude-gemini/node-http`'s
   * `createServer` passes `createNodeTransport()`, on `node:http` without WHATWG objects.
   */
  transport?: UpstreamTransport;
  /**
   * A ready client; when given, `apiKey`, `vertexai`, `baseUrl` and `apiVersion` are ignored. It
   * must be a `GoogleGenAI` from `@google/genai`: generate calls are sent in Gemini's REST format
   * with its base URL, API version, headers, `fetch` and credentials (`create-gemini-wire.ts`).
   */
  client?: GoogleGenAI;
  /**
   * A key clients must send as `x-api-key` or `Authorization: Bearer` on every route but
   * `/health`. Without it, any key (or none) is accepted, but only from this machine: requests
   * must be addressed to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`), may not come from
   * a web page of another origin (`Origin`, `Sec-Fetch-Site`), and must send JSON bodies as
   * `application/json`, so a web page cannot drive the proxy (DNS rebinding, cross-site requests).
   */
  proxyApiKey?: string;
  /**
   * Without `proxyApiKey`, serve requests addressed to any host, not only a loopback one: for a
   * keyless proxy meant to be reached over a network you trust. The Origin and content-type
   * rules stay. Default false.
   */
  allowUnauthenticatedRemote?: boolean;
  /** Which Gemini model serves which Claude name. */
  models?: ModelMappingOptions;
  /**
   * Ask Gemini for each model's metadata (`models.get`: input and output limits, thinking) the
   * first time the model is used, and for the configured models at start-up, in the background.
   * The limits then clamp `max_tokens` and are reported by `/v1/models`. A failing or slow
   * metadata call never delays or fails a request. Default true.
   */
  modelMetadata?: boolean;
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
  /**
   * Largest request body accepted, counted after gzip decoding; larger ones get 413. Default
   * 24 MiB: twice the largest request of a long Claude Code session with 20 screenshots.
   */
  maxBodyBytes?: number;
  /**
   * Limits checked on every body before it is parsed, each answered with a 400 naming the field:
   * nesting depth (default 128 levels), tool count (default 512) and decoded size of one base64
   * image or document (default 20 MiB).
   */
  requestLimits?: RequestLimits;
  /** Cross-origin access for browser clients. Default: off (no `access-control-*` headers, `OPTIONS` is a 405). */
  cors?: CorsOptions;
  /** Where to log. Default: silent. */
  logger?: FetchHandlerLogger;
  /** Called once per request when its response is complete. Exceptions thrown by it are ignored. */
  onRequestComplete?: (record: RequestCompleteRecord) => void;
  /**
   * Called after every Gemini call of a messages request, retried ones included, e.g. to count
   * upstream errors. Exceptions thrown by it are ignored.
   */
  onUpstreamAttempt?: (record: UpstreamAttemptRecord) => void;
  /**
   * Listeners of every request's lifecycle events (request start, each upstream attempt, stream
   * open and end, request complete) and of the key pool's events, registered once for the
   * handler; see {@link LifecycleSubscriber}. A subscriber that throws is logged and ignored.
   */
  subscribers?: readonly LifecycleSubscriber[];
  /**
   * Serve Prometheus metrics on `GET /metrics`, behind the same key or keyless checks as every
   * other route. `true` makes a fresh `createMetrics()`; pass your own to render its page
   * elsewhere too. Default off (`/metrics` is a 404).
   */
  metrics?: boolean | ProxyMetrics;
  /** Random id parts for request, message and tool-use ids. Default: `crypto.getRandomValues`. */
  generateId?: () => string;
  /**
   * Several Gemini API keys, used round-robin per upstream call (with `apiKey`, that one joins
   * them). A key answered with 429 rests for Gemini's `RetryInfo` delay and the call moves to the
   * next key at once; a key Gemini calls invalid or suspended is taken out with a `logger.error`.
   */
  apiKeys?: string[];
  /**
   * Gemini models tried, in order, when the mapped model is overloaded (503/529 after its
   * retries), unreachable or not found (404), before any byte reached the client. A list applies to every
   * model; a record maps a Gemini model (or `"*"`) to its own chain. The model used is sent in
   * the `x-claude-gemini-model` header; `message.model` stays the name the client asked for.
   */
  fallbackModels?: string[] | Record<string, string[]>;
  /** Gemini context caching of long stable prefixes (system instruction and tools). Default: off. */
  contextCache?: ContextCacheOptions;
  /** Called when a pooled key serves a call, is rate limited or is taken out, e.g. for per-key metrics. */
  onApiKeyEvent?: (record: ApiKeyEventRecord) => void;
  /** Claude Code's auto-mode check of tool calls (the `safeguards` field). Default: on. */
  autoModeCheck?: AutoModeCheckOptions;
}

/**
 * The server side of Claude Code's auto mode, see {@link FetchHandlerOptions.autoModeCheck}. In
 * auto mode Claude Code asks the server for a verdict on every tool call of an answer
 * (`safeguards: [{ type: "dangerous_tool_use" }]`) and runs the calls not flagged without asking
 * the person. The proxy asks a fast Gemini model for those verdicts once the answer is complete.
 */
export interface AutoModeCheckOptions {
  /**
   * Judge tool calls when a request asks for it. Default true. When false, the proxy answers
   * that it does not run the check (`unsupported`): Claude Code then shows "Auto mode can't
   * check actions in this session" and asks the person about each action it would have checked
   * (in `-p` mode, where nobody can be asked, it does not run them).
   */
  enabled?: boolean;
  /** The Gemini model that judges. Default `gemini-3.5-flash-lite`. */
  model?: string;
  /**
   * The most time the check may add to an answer, a retry included. Past it, the calls get no
   * verdict and Claude Code asks the person; they never run unchecked. Default 15000.
   */
  timeoutMs?: number;
}

/** Explicit Gemini context caching, see {@link FetchHandlerOptions.contextCache}. */
export interface ContextCacheOptions {
  enabled: boolean;
  /** Prefixes estimated below this many tokens are sent as usual. Default 4096 (Gemini's minimum for Pro models). */
  minTokens?: number;
  /** Lifetime of a cached content; it is extended when a request uses it near its end. Default 3600. */
  ttlSeconds?: number;
}

/** One event of a pooled Gemini key, as passed to {@link FetchHandlerOptions.onApiKeyEvent}. */
export interface ApiKeyEventRecord {
  /** `…` and the key's last four characters; never the key. */
  keyFingerprint: string;
  /** `request`: the key was chosen for a call; `rate_limited`: it got a 429; `removed`: it was taken out. */
  event: "request" | "rate_limited" | "removed";
}

/** One Gemini call of a messages request, as passed to {@link FetchHandlerOptions.onUpstreamAttempt}. */
export interface UpstreamAttemptRecord {
  /** The `request-id` of the client request this call serves. */
  requestId: string;
  /** 1 for the first call, 2 for the first retry, and so on. */
  attempt: number;
  geminiModel?: string;
  stream: boolean;
  /** When the call started, in milliseconds since the Unix epoch. */
  startTime: number;
  /** Until the answer (for a stream: its first chunk) or the failure. */
  durationMs: number;
  /** Why the call failed; absent when Gemini answered. */
  error?: unknown;
  /**
   * Gemini's name for the failure (`RESOURCE_EXHAUSTED`, `UNAVAILABLE`…), its HTTP code when it
   * gave no name, or `NETWORK` when no answer came at all. Absent when Gemini answered.
   */
  geminiStatus?: string;
}
