import { DEFAULT_MODEL_CAPABILITIES, isValidModelName, listConfiguredModels } from "@claude-gemini/core";
import { createMetricRegistry, PROMETHEUS_CONTENT_TYPE } from "./create-metric-registry.js";
import type { ApiKeyEventRecord, FetchHandlerOptions } from "./fetch-handler-options.js";
import type { LifecycleHooks } from "./lifecycle-event.js";
import type { RouteName } from "./route-request.js";

/**
 * The Prometheus metrics of a fetch handler: a lifecycle subscriber (pass it as the handler's
 * `metrics` option) that also renders its series for `GET /metrics`.
 */
export interface ProxyMetrics extends LifecycleHooks {
  /**
   * Gives the models a handler's options name (mapping and fallbacks) a `model` label of their
   * own; the handler calls it with its options when it registers these metrics.
   */
  knowModels(options: Pick<FetchHandlerOptions, "models" | "fallbackModels">): void;
  /** Every series, in the Prometheus text exposition format. */
  render(): string;
  /** The `content-type` of {@link ProxyMetrics.render}'s text. */
  readonly contentType: string;
}

/** The `route` label of each route; `/` and `/api/hello` probes count as `other`, and scrapes are not counted. */
const ROUTE_LABELS = {
  messages: "/v1/messages",
  "count-tokens": "/v1/messages/count_tokens",
  "list-models": "/v1/models",
  "get-model": "/v1/models/:id",
  health: "/health",
  "test-connection": "/test-connection",
  probe: "other",
  metrics: undefined,
} satisfies Record<RouteName, string | undefined>;

/** The `model` label of every model that is neither configured, built in, nor proven by an answer. */
const OTHER_MODEL = "other";

/** The `gemini_status` label of a failure whose status is not a plain google.rpc name or an HTTP code. */
const OTHER_STATUS = "OTHER";

/** Seconds: from a quick haiku answer to a ten-minute thinking stream. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const FIRST_TOKEN_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];

/**
 * Prometheus metrics for the proxy, fed by the handler's lifecycle events and written by a
 * registry of their own (no global state, no dependency, so they work on every host):
 * `claude_gemini_requests_total` (route, status, model), `claude_gemini_request_duration_seconds`
 * and `claude_gemini_time_to_first_token_seconds` histograms,
 * `claude_gemini_upstream_errors_total` (Gemini status), `claude_gemini_upstream_retries_total`,
 * `claude_gemini_tokens_total` (input, output, thinking, cached, cache_creation), the per-key
 * `claude_gemini_api_key_{requests,rate_limited,removals}_total` (label `key`: the key's last four
 * characters) and the `claude_gemini_open_streams` gauge. The `model` label is the Gemini model
 * that served the request when that model is configured, built in, or has answered a messages
 * request successfully; any other name counts as `other`, so clients inventing model names cannot
 * grow the page. To add a metric, define it here and feed it from the event that carries its value.
 *
 * @example
 * const metrics = createMetrics();
 * const handler = createFetchHandler({ apiKey, metrics }); // serves GET /metrics
 * metrics.render(); // the same page, for a route of your own
 */
export function createMetrics(): ProxyMetrics {
  const registry = createMetricRegistry();
  const requests = registry.counter({
    name: "claude_gemini_requests_total",
    help: "Requests answered, by route, HTTP status and the Gemini model that served them.",
    labelNames: ["route", "status", "model"],
  });
  const duration = registry.histogram({
    name: "claude_gemini_request_duration_seconds",
    help: "From a request's arrival to the last byte of its response.",
    labelNames: ["route", "model", "stream"],
    buckets: LATENCY_BUCKETS,
  });
  const firstToken = registry.histogram({
    name: "claude_gemini_time_to_first_token_seconds",
    help: "From a streaming request's arrival to Gemini's first chunk.",
    labelNames: ["model"],
    buckets: FIRST_TOKEN_BUCKETS,
  });
  const upstreamErrors = registry.counter({
    name: "claude_gemini_upstream_errors_total",
    help: "Failed Gemini calls, retried ones included, by Gemini status (RESOURCE_EXHAUSTED, UNAVAILABLE…).",
    labelNames: ["model", "gemini_status"],
  });
  const retries = registry.counter({
    name: "claude_gemini_upstream_retries_total",
    help: "Gemini calls made again after a retryable failure or answer.",
    labelNames: ["model"],
  });
  const tokens = registry.counter({
    name: "claude_gemini_tokens_total",
    help: "Tokens as reported to clients, by type: input (uncached), output (thinking included), thinking, cached.",
    labelNames: ["model", "type"],
  });
  // Labelled by fingerprint (`…abcd`): a handful of keys, never the key itself.
  const keyCounters = {
    request: registry.counter({
      name: "claude_gemini_api_key_requests_total",
      help: "Gemini calls made with each pooled API key.",
      labelNames: ["key"],
    }),
    rate_limited: registry.counter({
      name: "claude_gemini_api_key_rate_limited_total",
      help: "429 answers per pooled API key; the key rests for Gemini's RetryInfo delay.",
      labelNames: ["key"],
    }),
    removed: registry.counter({
      name: "claude_gemini_api_key_removals_total",
      help: "Pooled API keys taken out as invalid or suspended.",
      labelNames: ["key"],
    }),
  } satisfies Record<ApiKeyEventRecord["event"], unknown>;
  const openStreams = registry.gauge({
    name: "claude_gemini_open_streams",
    help: "Event streams being sent to clients right now.",
  });

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

  return {
    knowModels: (options) => learnModels(listConfiguredNames(options)),
    render: () => registry.render(),
    contentType: PROMETHEUS_CONTENT_TYPE,

    requestComplete({ route: routeName, record }) {
      const route = routeName === undefined ? "other" : ROUTE_LABELS[routeName];
      if (route === undefined) return;
      // A messages answer proves the model exists (count_tokens answers with an estimate when
      // Gemini does not know the model, so it proves nothing).
      if (routeName === "messages" && record.status === 200) learnModels([record.geminiModel]);
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
    },

    upstreamAttemptEnd({ failure, geminiModel }) {
      if (failure === undefined) return;
      upstreamErrors.inc({
        model: modelLabel(geminiModel),
        gemini_status: statusLabel(failure.geminiStatus),
      });
    },

    streamOpen: () => openStreams.inc(),
    streamEnd: () => openStreams.dec(),

    apiKey({ event, keyFingerprint }) {
      keyCounters[event].inc({ key: keyFingerprint });
    },
  };
}

function listConfiguredNames(
  options: Pick<FetchHandlerOptions, "models" | "fallbackModels">,
): (string | undefined)[] {
  const fallbacks = options.fallbackModels;
  return [
    ...listConfiguredModels(options.models),
    ...(Array.isArray(fallbacks)
      ? fallbacks
      : Object.entries(fallbacks ?? {}).flatMap(([primary, chain]) => [primary, ...chain])),
  ];
}

/** Gemini's status names (`RESOURCE_EXHAUSTED`), an HTTP code, or ours (`NETWORK`, `ABORTED`). */
function statusLabel(status: string): string {
  return /^(?:[A-Z][A-Z_]{0,39}|\d{3})$/.test(status) ? status : OTHER_STATUS;
}
