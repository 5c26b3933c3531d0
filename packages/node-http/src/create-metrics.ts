import { createHash, timingSafeEqual } from "node:crypto";
import {
  ClaudeGeminiError,
  DEFAULT_MODEL_CAPABILITIES,
  isValidModelName,
  listConfiguredModels,
} from "@claude-gemini/core";
import {
  type ApiKeyEventRecord,
  checkKeylessRequest,
  type FetchHandler,
  type FetchHandlerOptions,
  type RequestCompleteRecord,
  type UpstreamAttemptRecord,
} from "@claude-gemini/fetch-handler";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { createErrorResponse } from "./create-error-response.js";

/** The Prometheus metrics of one proxy server, in a registry of their own. */
export interface ProxyMetrics {
  /** Holds only this server's series; no global default registry is touched. */
  readonly registry: Registry;
  /** Counts one finished request. */
  recordRequest(record: RequestCompleteRecord): void;
  /** Counts one Gemini call: its failure, if any, by Gemini status. */
  recordUpstreamAttempt(record: UpstreamAttemptRecord): void;
  /** Counts one event of a pooled Gemini key, labelled by its fingerprint (never the key). */
  recordApiKeyEvent(record: ApiKeyEventRecord): void;
  /** The handler options with the hooks feeding these metrics, the caller's own hooks kept. */
  observe(options: FetchHandlerOptions): FetchHandlerOptions;
  /**
   * Wraps a fetch handler: counts open event streams, and answers `GET /metrics` in Prometheus
   * text format, asking for `proxyApiKey` when one is set.
   */
  serve(
    handler: FetchHandler,
    options?: Pick<FetchHandlerOptions, "proxyApiKey" | "allowUnauthenticatedRemote" | "cors">,
  ): FetchHandler;
}

/** Routes worth a label value of their own; anything else is `other`, so scans cannot blow up the series. */
const ROUTES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\/v1\/messages\/?$/, "/v1/messages"],
  [/^\/v1\/messages\/count_tokens\/?$/, "/v1/messages/count_tokens"],
  [/^\/v1\/models\/?$/, "/v1/models"],
  [/^\/v1\/models\/[^/]+\/?$/, "/v1/models/:id"],
  [/^\/health\/?$/, "/health"],
  [/^\/test-connection\/?$/, "/test-connection"],
];

/** The `model` label of every model that is neither configured, built in, nor proven by an answer. */
const OTHER_MODEL = "other";

/** The `gemini_status` label of a failure whose status is not a plain google.rpc name or an HTTP code. */
const OTHER_STATUS = "OTHER";

/** Seconds: from a quick haiku answer to a ten-minute thinking stream. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const FIRST_TOKEN_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

/**
 * Prometheus metrics for the proxy, through `prom-client` with a per-server `Registry`:
 * `claude_gemini_requests_total` (route, status, model), `claude_gemini_request_duration_seconds`
 * and `claude_gemini_time_to_first_token_seconds` histograms,
 * `claude_gemini_upstream_errors_total` (Gemini status), `claude_gemini_upstream_retries_total`,
 * `claude_gemini_tokens_total` (input, output, thinking, cached, cache_creation), the per-key
 * `claude_gemini_api_key_{requests,rate_limited,removals}_total` (label `key`: the key's last
 * four characters) and the `claude_gemini_open_streams` gauge. The `model` label is the Gemini model that served the
 * request, when that model is configured (the model mapping and fallbacks given to `observe`),
 * built in, or has answered a request successfully; any other name is counted as `other`, so
 * clients inventing model names cannot grow the page (60 invented names used to add 127 KB).
 * `createServer({ metrics: true })` wires it in; with `createNodeListener`, pass
 * `observe(options)` to the fetch handler and wrap it with `serve`.
 *
 * @example
 * const metrics = createMetrics();
 * const handler = metrics.serve(createFetchHandler(metrics.observe(options)), options);
 * createServer(createNodeListener(handler)).listen(8080);
 */
export function createMetrics(): ProxyMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: "claude_gemini_requests_total",
    help: "Requests answered, by route, HTTP status and the Gemini model that served them.",
    labelNames: ["route", "status", "model"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "claude_gemini_request_duration_seconds",
    help: "From a request's arrival to the last byte of its response.",
    labelNames: ["route", "model", "stream"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: "claude_gemini_time_to_first_token_seconds",
    help: "From a streaming request's arrival to Gemini's first chunk.",
    labelNames: ["model"] as const,
    buckets: FIRST_TOKEN_BUCKETS,
    registers: [registry],
  });
  const upstreamErrors = new Counter({
    name: "claude_gemini_upstream_errors_total",
    help: "Failed Gemini calls, retried ones included, by Gemini status (RESOURCE_EXHAUSTED, UNAVAILABLE…).",
    labelNames: ["model", "gemini_status"] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: "claude_gemini_upstream_retries_total",
    help: "Gemini calls made again after a retryable failure or answer.",
    labelNames: ["model"] as const,
    registers: [registry],
  });
  const tokens = new Counter({
    name: "claude_gemini_tokens_total",
    help: "Tokens as reported to clients, by type: input (uncached), output (thinking included), thinking, cached.",
    labelNames: ["model", "type"] as const,
    registers: [registry],
  });
  // Labelled by fingerprint (`…abcd`): a handful of keys, never the key itself.
  const keyCounters = {
    request: new Counter({
      name: "claude_gemini_api_key_requests_total",
      help: "Gemini calls made with each pooled API key.",
      labelNames: ["key"] as const,
      registers: [registry],
    }),
    rate_limited: new Counter({
      name: "claude_gemini_api_key_rate_limited_total",
      help: "429 answers per pooled API key; the key rests for Gemini's RetryInfo delay.",
      labelNames: ["key"] as const,
      registers: [registry],
    }),
    removed: new Counter({
      name: "claude_gemini_api_key_removals_total",
      help: "Pooled API keys taken out as invalid or suspended.",
      labelNames: ["key"] as const,
      registers: [registry],
    }),
  } satisfies Record<ApiKeyEventRecord["event"], Counter<"key">>;
  const openStreams = new Gauge({
    name: "claude_gemini_open_streams",
    help: "Event streams being sent to clients right now.",
    registers: [registry],
  });

  // Stream responses still being sent, by request id. A one-chunk answer can finish its stream
  // before the handler has even returned the response: such ids wait in `finishedEarly`.
  const streaming = new Set<string>();
  const finishedEarly = new Set<string>();

  // Model names that get a label of their own. Gemini's catalogue bounds the names that can
  // answer successfully; everything a client merely asks for is `other`.
  const knownModels = new Set<string>([
    ...listConfiguredModels(),
    ...Object.keys(DEFAULT_MODEL_CAPABILITIES).filter((key) => !key.includes("*")),
  ]);
  const learnModels = (names: readonly (string | undefined)[]) => {
    for (const name of names) {
      const bare = name?.trim().replace(/^(models|google)\//i, "");
      if (bare && isValidModelName(bare)) knownModels.add(bare);
    }
  };
  const modelLabel = (model: string | undefined): string => {
    if (model === undefined || model === "") return "";
    return knownModels.has(model) ? model : OTHER_MODEL;
  };

  const metrics: ProxyMetrics = {
    registry,

    recordRequest(record) {
      const route = normalizeRoute(record.path);
      // A messages answer proves the model exists (count_tokens answers with an estimate when
      // Gemini does not know the model, so it proves nothing).
      if (route === "/v1/messages" && record.status === 200) learnModels([record.geminiModel]);
      const model = modelLabel(record.geminiModel);
      requests.inc({ route, status: String(record.status), model });
      duration.observe({ route, model, stream: String(record.stream) }, record.latencyMs / 1000);
      if (record.timeToFirstTokenMs !== undefined) {
        firstToken.observe({ model }, record.timeToFirstTokenMs / 1000);
      }
      if (record.retries > 0) retries.inc({ model }, record.retries);
      const counts = {
        input: record.inputTokens,
        output: record.outputTokens,
        thinking: record.thinkingTokens,
        cached: record.cachedTokens,
        cache_creation: record.cacheCreationTokens,
      };
      for (const [type, count] of Object.entries(counts)) {
        if (count !== undefined && count > 0) tokens.inc({ model, type }, count);
      }
      if (streaming.delete(record.requestId)) openStreams.dec();
      else if (record.stream && record.status === 200) finishedEarly.add(record.requestId);
    },

    recordUpstreamAttempt(record) {
      if (record.geminiStatus === undefined) return;
      upstreamErrors.inc({
        model: modelLabel(record.geminiModel),
        gemini_status: statusLabel(record.geminiStatus),
      });
    },

    recordApiKeyEvent(record) {
      keyCounters[record.event].inc({ key: record.keyFingerprint });
    },

    observe(options) {
      const { onRequestComplete, onUpstreamAttempt, onApiKeyEvent } = options;
      const fallbacks = options.fallbackModels;
      learnModels([
        ...listConfiguredModels(options.models),
        ...(Array.isArray(fallbacks)
          ? fallbacks
          : Object.entries(fallbacks ?? {}).flatMap(([primary, chain]) => [primary, ...chain])),
      ]);
      return {
        ...options,
        onRequestComplete(record) {
          metrics.recordRequest(record);
          onRequestComplete?.(record);
        },
        onUpstreamAttempt(record) {
          metrics.recordUpstreamAttempt(record);
          onUpstreamAttempt?.(record);
        },
        onApiKeyEvent(record) {
          metrics.recordApiKeyEvent(record);
          onApiKeyEvent?.(record);
        },
      };
    },

    serve(handler, options = {}) {
      const proxyApiKey = options.proxyApiKey === "" ? undefined : options.proxyApiKey;
      return async (request) => {
        if (new URL(request.url).pathname === "/metrics") return scrape(request, proxyApiKey, options);
        const response = await handler(request);
        const requestId = response.headers.get("request-id");
        if (requestId !== null && response.headers.get("content-type")?.startsWith("text/event-stream")) {
          if (!finishedEarly.delete(requestId)) {
            streaming.add(requestId);
            openStreams.inc();
          }
        }
        return response;
      };
    },
  };

  async function scrape(
    request: Request,
    proxyApiKey: string | undefined,
    options: Pick<FetchHandlerOptions, "allowUnauthenticatedRemote" | "cors">,
  ): Promise<Response> {
    const requestId = `req_metrics_${Date.now().toString(36)}`;
    if (request.method !== "GET" && request.method !== "HEAD") {
      return createErrorResponse(
        new ClaudeGeminiError({
          status: 405,
          type: "invalid_request_error",
          message: `Method ${request.method} is not allowed on /metrics; use GET.`,
        }),
        requestId,
        { allow: "GET, HEAD" },
      );
    }
    // Without a key, the same rules as the API routes: no DNS rebinding, no other site's page.
    const refusal =
      proxyApiKey === undefined
        ? checkKeylessRequest(request, {
            allowUnauthenticatedRemote: options.allowUnauthenticatedRemote,
            cors: options.cors,
          })
        : undefined;
    if (refusal !== undefined) return createErrorResponse(refusal, requestId);
    if (proxyApiKey !== undefined && !presentsKey(request.headers, proxyApiKey)) {
      return createErrorResponse(
        new ClaudeGeminiError({ status: 401, type: "authentication_error", message: "invalid x-api-key" }),
        requestId,
      );
    }
    const text = await registry.metrics();
    return new Response(request.method === "HEAD" ? null : text, {
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  }

  return metrics;
}

/** Gemini's status names (`RESOURCE_EXHAUSTED`), an HTTP code, or ours (`NETWORK`, `ABORTED`). */
function statusLabel(status: string): string {
  return /^(?:[A-Z][A-Z_]{0,39}|\d{3})$/.test(status) ? status : OTHER_STATUS;
}

function normalizeRoute(path: string): string {
  for (const [pattern, route] of ROUTES) if (pattern.test(path)) return route;
  return "other";
}

/** The same rule as the fetch handler: `x-api-key` or `Authorization: Bearer`, compared in constant time. */
function presentsKey(headers: Headers, proxyApiKey: string): boolean {
  const expected = digest(proxyApiKey);
  const presented = [
    headers.get("x-api-key"),
    /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1],
  ];
  let matched = false;
  for (const key of presented) {
    if (key) matched = timingSafeEqual(expected, digest(key)) || matched;
  }
  return matched;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
