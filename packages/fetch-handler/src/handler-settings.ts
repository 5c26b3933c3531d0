import type { ModelMappingOptions, RequestLimits } from "@claude-gemini/core";
import {
  createIdGenerator,
  createSchemaCompiler,
  isValidModelName,
  type SchemaCompiler,
} from "@claude-gemini/core";
import { GoogleGenAI } from "@google/genai";
import { readClientRetryOptions } from "./create-gemini-wire.js";
import { createHookSubscriber } from "./create-hook-subscriber.js";
import { createLifecycleEmitter, type LifecycleEmitter } from "./create-lifecycle-emitter.js";
import { createMetrics, type ProxyMetrics } from "./create-metrics.js";
import { createModelKnowledge, type ModelKnowledge } from "./create-model-knowledge.js";
import { createRedactingLogger } from "./create-redacting-logger.js";
import { createSecretRedactor } from "./create-secret-redactor.js";
import { createTokenCountCache, type TokenCountCache } from "./create-token-count-cache.js";
import { createUpstreamPool, type UpstreamPool } from "./create-upstream-pool.js";
import type {
  AutoModeCheckOptions,
  FetchHandlerLogger,
  FetchHandlerOptions,
} from "./fetch-handler-options.js";
import type { LifecycleSubscriber } from "./lifecycle-event.js";
import { DEFAULT_MAX_BODY_BYTES } from "./read-json-body.js";
import { type RetrySettings, resolveRetrySettings } from "./retry-policy.js";

/** The classifier of the auto-mode check when none is configured: fast and cheap, as it runs on every tool call. */
export const DEFAULT_AUTO_MODE_CHECK_MODEL = "gemini-3.5-flash-lite";

/** {@link FetchHandlerOptions} with every default filled in and the Gemini client built. */
export interface HandlerSettings {
  client: GoogleGenAI;
  /** Every key's client, the key rotation and the context cache (`create-upstream-pool.ts`). */
  upstream: UpstreamPool;
  fallbackModels: FetchHandlerOptions["fallbackModels"];
  /** One per handler: Claude Code resends the same tool schemas on every request, compiled once here. */
  schemaCompiler: SchemaCompiler;
  /** The configured mapping, with what the service reported and proved (`knowledge`) layered in. */
  models: ModelMappingOptions;
  /** Model metadata and proven capability corrections (`create-model-knowledge.ts`). */
  knowledge: ModelKnowledge;
  /** `options.baseUrl`, named in messages about an unreachable Gemini. */
  baseUrl: string | undefined;
  /** True on Vertex AI, where Gemini's key variables do not apply. */
  vertexai: boolean;
  /**
   * The backend takes `toolConfig.includeServerSideToolInvocations` (the Gemini API; Vertex AI
   * does not), so built-in tools may go next to functions on models that support it.
   */
  supportsServerSideToolInvocations: boolean;
  proxyApiKey: string | undefined;
  allowUnauthenticatedRemote: boolean;
  cors: FetchHandlerOptions["cors"];
  enableStreaming: boolean;
  retry: RetrySettings;
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  pingIntervalMs: number;
  maxBodyBytes: number;
  requestLimits: RequestLimits | undefined;
  logger: FetchHandlerLogger;
  /** Replaces the keys the handler knows (and anything shaped like a Google API key) in text bound for clients or logs. */
  redact: (text: string) => string;
  /** Sends a lifecycle event to every subscriber: the hooks and log line, traces, metrics, `subscribers`. */
  emit: LifecycleEmitter;
  /** The metrics `GET /metrics` serves; `undefined` when `metrics` is off. */
  metrics: ProxyMetrics | undefined;
  generateId: () => string;
  autoModeCheck: Required<AutoModeCheckOptions>;
  /** Remembers and shares `count_tokens` answers, and keeps bursts off Gemini. */
  tokenCounts: TokenCountCache;
}

const silentLogger: FetchHandlerLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * Fills in the defaults of {@link FetchHandlerOptions} and builds the one Gemini client a
 * handler uses, so connections are reused across requests. `subscribers` (the handler's tracer)
 * hear the lifecycle events after the public hooks and before the metrics and `options.subscribers`.
 */
export function resolveHandlerSettings(
  options: FetchHandlerOptions,
  subscribers: readonly LifecycleSubscriber[] = [],
): HandlerSettings {
  checkConfiguredModels(options);
  const redact = createSecretRedactor([options.apiKey, options.proxyApiKey, ...(options.apiKeys ?? [])]);
  // Without a logger nothing is written: no line is worth redacting (the field walk and the
  // key search showed in the profile of every request, for a `debug` line nobody reads).
  const logger = options.logger === undefined ? silentLogger : createRedactingLogger(options.logger, redact);
  const metrics = options.metrics === true ? createMetrics() : options.metrics || undefined;
  metrics?.knowModels(options);
  const emit = createLifecycleEmitter(
    [
      createHookSubscriber(options, logger),
      ...subscribers,
      ...(metrics === undefined ? [] : [metrics]),
      ...(options.subscribers ?? []),
    ],
    logger,
  );
  const upstream = createUpstreamPool(
    { ...options, onApiKeyEvent: (record) => emit({ type: "apiKey", ...record }) },
    {
      logger,
      createClient: (apiKey) => createGeminiClient({ ...options, apiKey }),
    },
  );
  const knowledge = createModelKnowledge({
    logger,
    fetchMetadata:
      options.modelMetadata === false
        ? undefined
        : (model) =>
            upstream.run(async (client) => {
              const info = await client.models.get({ model });
              return {
                displayName: info.displayName,
                inputTokenLimit: info.inputTokenLimit,
                outputTokenLimit: info.outputTokenLimit,
                thinking: info.thinking,
              };
            }),
  });
  return {
    client: upstream.client,
    upstream,
    fallbackModels: options.fallbackModels,
    schemaCompiler: createSchemaCompiler(),
    models: { ...options.models, discovered: knowledge.discovered, learned: knowledge.learned },
    knowledge,
    baseUrl: options.baseUrl,
    vertexai: options.vertexai !== undefined,
    supportsServerSideToolInvocations: upstream.client.vertexai !== true,
    proxyApiKey: options.proxyApiKey === "" ? undefined : options.proxyApiKey,
    allowUnauthenticatedRemote: options.allowUnauthenticatedRemote === true,
    cors: options.cors,
    enableStreaming: options.enableStreaming ?? true,
    retry: resolveRetrySettings(
      options.retry,
      options.client === undefined ? undefined : readClientRetryOptions(options.client),
    ),
    idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 600_000,
    pingIntervalMs: options.pingIntervalMs ?? 15_000,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requestLimits: options.requestLimits,
    logger,
    redact,
    emit,
    metrics,
    generateId: options.generateId ?? createIdGenerator(createPooledRandom()),
    autoModeCheck: {
      enabled: options.autoModeCheck?.enabled ?? true,
      model: options.autoModeCheck?.model?.trim() || DEFAULT_AUTO_MODE_CHECK_MODEL,
      timeoutMs: Math.max(1, options.autoModeCheck?.timeoutMs ?? 15_000),
    },
    tokenCounts: createTokenCountCache(),
  };
}

/**
 * Configured model names go into upstream URL paths like a client's do, so they must have the
 * same form (`isValidModelName`); a bad one stops the handler from being built at all, rather
 * than failing on the first request.
 */
function checkConfiguredModels(options: FetchHandlerOptions): void {
  const named: [string, string | undefined][] = [
    ["models.defaultModel", options.models?.defaultModel],
    ["models.opusModel", options.models?.opusModel],
    ["models.sonnetModel", options.models?.sonnetModel],
    ["models.haikuModel", options.models?.haikuModel],
    ["autoModeCheck.model", options.autoModeCheck?.model],
  ];
  const fallback = options.fallbackModels;
  if (Array.isArray(fallback)) {
    for (const [index, model] of fallback.entries()) named.push([`fallbackModels.${index}`, model]);
  } else if (fallback !== undefined) {
    for (const [primary, chain] of Object.entries(fallback)) {
      if (primary !== "*") named.push([`fallbackModels key "${primary}"`, primary]);
      for (const [index, model] of chain.entries()) named.push([`fallbackModels.${primary}.${index}`, model]);
    }
  }
  for (const [option, model] of named) {
    // Blank names count as unset, as in the model mapping itself.
    if (model === undefined || model.trim() === "") continue;
    if (!isValidModelName(model.trim())) {
      throw new TypeError(
        `${option} is not a model name (letters, digits, ".", "_" and "-", optionally after "models/"): ${JSON.stringify(model)}`,
      );
    }
  }
}

/** Random bytes drawn from the system in blocks of this size, then handed out in small slices. */
const RANDOM_POOL_BYTES = 4096;

/**
 * Fills with random bytes from a pool refilled a block at a time: each request takes several
 * ids of a few bytes, and one `getRandomValues` call per id showed in the profile.
 */
function createPooledRandom(): (bytes: Uint8Array) => Uint8Array {
  const pool = new Uint8Array(RANDOM_POOL_BYTES);
  let offset = RANDOM_POOL_BYTES;
  return (bytes) => {
    // The generator always hands over a fresh, unshared buffer.
    if (bytes.length > RANDOM_POOL_BYTES) return crypto.getRandomValues(bytes as Uint8Array<ArrayBuffer>);
    if (offset + bytes.length > RANDOM_POOL_BYTES) {
      crypto.getRandomValues(pool);
      offset = 0;
    }
    bytes.set(pool.subarray(offset, offset + bytes.length));
    offset += bytes.length;
    return bytes;
  };
}

function createGeminiClient(options: FetchHandlerOptions): GoogleGenAI {
  const httpOptions: { baseUrl?: string; fetch?: FetchHandlerOptions["fetch"] } = {};
  if (options.baseUrl !== undefined) httpOptions.baseUrl = options.baseUrl;
  if (options.fetch !== undefined) httpOptions.fetch = options.fetch;
  if (options.vertexai) {
    return new GoogleGenAI({
      vertexai: true,
      project: options.vertexai.project,
      location: options.vertexai.location,
      // Vertex AI names its preview surface v1beta1; v1beta does not exist there.
      apiVersion: options.apiVersion ?? "v1beta1",
      httpOptions,
    });
  }
  return new GoogleGenAI({ apiKey: options.apiKey, apiVersion: options.apiVersion ?? "v1beta", httpOptions });
}
