import type { GeminiGenerateContentParameters, GeminiGenerateContentResponse } from "@claude-gemini/core";
import type { GoogleGenAI } from "@google/genai";
import { type ContextCache, createContextCache } from "./create-context-cache.js";
import { createGeminiWire, type GeminiWire } from "./create-gemini-wire.js";
import { createKeyPool, type KeyPool } from "./create-key-pool.js";
import type { FetchHandlerLogger, FetchHandlerOptions } from "./fetch-handler-options.js";
import { followContinuation } from "./follow-continuation.js";
import type { RequestEventInput } from "./lifecycle-event.js";
import type { GeminiChunkStream } from "./read-gemini-event-stream.js";

/** One upstream attempt of a request, as the pool sees it: where to report, and the key it used. */
export interface UpstreamCallScope {
  readonly requestId: string;
  emit(event: RequestEventInput): void;
  /** Set by the pool to the fingerprint of the pooled key the call went out with. */
  keyFingerprint?: string;
}

/**
 * Every Gemini credential of a handler behind one call surface: picks the key for each call,
 * moves on to the next key when one is rate limited or dead, and applies context caching.
 */
export interface UpstreamPool {
  /** The first key's client (or the one passed in), for calls that need no rotation. */
  readonly client: GoogleGenAI;
  readonly keys: KeyPool<GoogleGenAI>;
  readonly contextCache: ContextCache;
  generateContent(
    scope: UpstreamCallScope,
    parameters: GeminiGenerateContentParameters,
  ): Promise<GeminiGenerateContentResponse>;
  generateContentStream(
    scope: UpstreamCallScope,
    parameters: GeminiGenerateContentParameters,
  ): Promise<GeminiChunkStream>;
  /** Runs any other call (countTokens, models.get) on the next key, with the same rotation. */
  run<T>(operation: (client: GoogleGenAI) => Promise<T>): Promise<T>;
  /** The generate calls of one of the pool's clients in Gemini's wire format (`create-gemini-wire.ts`). */
  wire(client: GoogleGenAI): GeminiWire;
}

export interface CreateUpstreamPoolOptions {
  logger: FetchHandlerLogger;
  /** Builds the client of one API key (the handler's usual client settings). */
  createClient: (apiKey: string | undefined) => GoogleGenAI;
  /** Milliseconds since the epoch, for key rests and cache lifetimes. Default `Date.now`. */
  now?: () => number;
}

/**
 * Builds the handler's upstream: one client per key of `apiKey` + `apiKeys` (deduplicated; a
 * single client for `client` or `vertexai`), the key rotation of `createKeyPool` and the
 * context cache of `createContextCache`. One call tries each usable key at most once: a 429 or
 * a dead key hands the call to the next key at once, and retrying with backoff stays the
 * caller's job. A call whose cached content turned out to be gone is sent again uncached.
 *
 * Every generate call, JSON or stream, AI Studio or Vertex AI, goes out through the client's
 * {@link GeminiWire} (Gemini's REST format, the client's settings and credentials); the client
 * itself serves the other calls (`run`: token counts, model metadata, context caches).
 */
export function createUpstreamPool(
  options: FetchHandlerOptions,
  dependencies: CreateUpstreamPoolOptions,
): UpstreamPool {
  const { logger } = dependencies;
  const configuredKeys = [...new Set([options.apiKey, ...(options.apiKeys ?? [])].filter(isKey))];
  const single = options.client !== undefined || options.vertexai !== undefined || configuredKeys.length < 2;
  // A ready client or Vertex AI credentials are not keys: nothing to count per key.
  const pooledKeys = options.client === undefined && options.vertexai === undefined;
  const keys = createKeyPool<GoogleGenAI>(single ? [configuredKeys[0] ?? "client"] : configuredKeys, {
    createClient: (key) => options.client ?? dependencies.createClient(single ? configuredKeys[0] : key),
    logger,
    now: dependencies.now,
    onEvent: pooledKeys ? options.onApiKeyEvent : undefined,
  });
  const contextCache = createContextCache({
    enabled: false,
    ...options.contextCache,
    logger,
    now: dependencies.now,
  });

  async function call<T>(
    scope: UpstreamCallScope,
    parameters: GeminiGenerateContentParameters,
    send: (client: GoogleGenAI, parameters: GeminiGenerateContentParameters) => Promise<T>,
  ): Promise<T> {
    return run(async (client, keyIndex) => {
      if (pooledKeys) scope.keyFingerprint = keys.all[keyIndex]?.fingerprint;
      const prepared = await contextCache.prepare(client, keyIndex, parameters);
      if (prepared.createdTokens !== undefined) {
        scope.emit({ type: "contextCacheCreated", tokens: prepared.createdTokens });
      }
      try {
        return await send(client, prepared.parameters);
      } catch (error) {
        if (prepared.cacheName === undefined || !contextCache.isStaleCacheError(error)) throw error;
        prepared.evict();
        logger.info("Gemini context cache is gone; sending the request uncached", {
          requestId: scope.requestId,
          cache: prepared.cacheName,
        });
        return send(client, parameters);
      }
    });
  }

  const wires = new WeakMap<GoogleGenAI, GeminiWire>();
  let fallbackReported = false;
  const wire = (client: GoogleGenAI): GeminiWire => {
    let found = wires.get(client);
    if (found === undefined) {
      const made = createGeminiWire(client, { transport: options.transport });
      if (made.via === "sdk-methods" && !fallbackReported) {
        fallbackReported = true;
        logger.warn(
          "This @google/genai's request client could not be read; generate calls go through the SDK's own methods, which are slower" +
            (options.transport === undefined ? "" : ", and the transport option is not used for them") +
            "; a client's httpOptions.retryOptions then retry inside each call, under the handler's own retries (set retry.maxAttempts to 1 to leave retrying to the SDK)",
        );
      }
      found = followContinuation(made);
      wires.set(client, found);
    }
    return found;
  };
  // A client the wire cannot read is refused when the handler is built, not on the first request.
  wire(keys.first.client);

  async function run<T>(operation: (client: GoogleGenAI, keyIndex: number) => Promise<T>): Promise<T> {
    for (let tried = 1; ; tried++) {
      const key = keys.acquire();
      try {
        return await operation(key.client, key.index);
      } catch (error) {
        const verdict = keys.report(key, error);
        if (verdict === "all-resting") throw keys.unavailableError();
        if (verdict !== "next-key" || tried >= keys.size) throw error;
      }
    }
  }

  return {
    client: keys.first.client,
    keys,
    contextCache,
    generateContent: (scope, parameters) =>
      call(scope, parameters, (client, prepared) => wire(client).generateContent(prepared)),
    generateContentStream: (scope, parameters) =>
      call(scope, parameters, (client, prepared) => wire(client).generateContentStream(prepared)),
    run: (operation) => run((client) => operation(client)),
    wire,
  };
}

function isKey(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}
