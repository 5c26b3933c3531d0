import { type GeminiGenerateContentParameters, readGeminiFailure } from "@claude-gemini/core";
import type { CreateCachedContentConfig, GoogleGenAI } from "@google/genai";
import { describeFailure } from "./describe-failure.js";
import type { ContextCacheOptions, FetchHandlerLogger } from "./fetch-handler-options.js";

/** A Gemini call made ready by {@link ContextCache.prepare}. */
export interface PreparedCall {
  /** What to send: with `config.cachedContent` and without the cached fields when a cache serves. */
  parameters: GeminiGenerateContentParameters;
  /** Set when a cache serves this call. */
  cacheName?: string;
  /** Tokens written to a cache this call created (only on the call that created it). */
  createdTokens?: number;
  /** Forgets the cache, after Gemini said it is gone or expired. */
  evict(): void;
}

/** Reuses Gemini cached contents for requests that share a model, system instruction and tools. */
export interface ContextCache {
  readonly enabled: boolean;
  prepare(
    client: Pick<GoogleGenAI, "caches">,
    keyIndex: number,
    parameters: GeminiGenerateContentParameters,
    signal?: AbortSignal,
  ): Promise<PreparedCall>;
  /**
   * Whether a failed call that named a cached content may have failed because that cache is gone
   * (deleted, expired, unknown, another project's). Gemini gives no `ErrorInfo` for it, only the
   * status of a resource it cannot use: 403 `PERMISSION_DENIED` or 404 `NOT_FOUND` (and a 400
   * naming `cached_content` in its `BadRequest` field violations). Decided from those alone; a
   * refusal that had nothing to do with the cache then fails again uncached, and stands.
   */
  isStaleCacheError(error: unknown): boolean;
}

export interface CreateContextCacheOptions extends ContextCacheOptions {
  logger: FetchHandlerLogger;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Most cached contents kept per handler; the oldest is deleted upstream beyond that. Default 64. */
  maxEntries?: number;
}

interface CacheEntry {
  name: string;
  expiresAt: number;
  tokens: number;
}

// The request fields Gemini refuses next to `cachedContent`: they must live in the cache.
type CachedFields = Pick<
  NonNullable<GeminiGenerateContentParameters["config"]>,
  "systemInstruction" | "tools" | "toolConfig"
>;

/**
 * Explicit Gemini context caching for long stable prefixes. Claude Code sends the same system
 * prompt and tool list (tens of thousands of tokens) on every turn of a session; with caching on,
 * the first request whose prefix is estimated at `minTokens` or more creates a cached content
 * (`caches.create` with the system instruction, tools and tool config, `ttl`), and later requests
 * with the same model and prefix send `cachedContent` instead, which Gemini bills at its cached
 * rate. Caches are keyed per API key (a cache belongs to the key's project) by a SHA-256 of
 * model and prefix, created once even under concurrent requests, extended when used in the last
 * quarter of their life, and forgotten when Gemini says they are gone. A prefix Gemini refused
 * to cache (too small for the model) is not tried again for one `ttlSeconds`.
 *
 * @example
 * const cache = createContextCache({ enabled: true, logger });
 * const prepared = await cache.prepare(client, 0, parameters);
 * await client.models.generateContent(prepared.parameters);
 */
export function createContextCache(options: CreateContextCacheOptions): ContextCache {
  const now = options.now ?? Date.now;
  const minTokens = options.minTokens ?? 4096;
  const ttlSeconds = Math.max(60, options.ttlSeconds ?? 3600);
  const maxEntries = Math.max(1, options.maxEntries ?? 64);
  const entries = new Map<string, Promise<CacheEntry | undefined>>();
  const refused = new Map<string, number>();

  const passThrough = (parameters: GeminiGenerateContentParameters): PreparedCall => ({
    parameters,
    evict: () => {},
  });

  async function create(
    client: Pick<GoogleGenAI, "caches">,
    id: string,
    parameters: GeminiGenerateContentParameters,
    fields: CachedFields,
  ): Promise<CacheEntry | undefined> {
    try {
      const created = await client.caches.create({
        model: parameters.model,
        // Core only ever builds plain `Tool` objects, never the SDK's callable tools.
        config: { ...stripUndefined(fields), ttl: `${ttlSeconds}s` } as CreateCachedContentConfig,
      });
      if (!created.name) return undefined;
      const expiresAt = created.expireTime ? Date.parse(created.expireTime) : Number.NaN;
      options.logger.info("Gemini context cache created", { model: parameters.model, cache: created.name });
      return {
        name: created.name,
        expiresAt: Number.isFinite(expiresAt) ? expiresAt : now() + ttlSeconds * 1000,
        tokens: created.usageMetadata?.totalTokenCount ?? estimateTokens(fields),
      };
    } catch (error) {
      const status = (error as { status?: unknown })?.status;
      // A 4xx (too small, model without caching) will not change: stop asking for a while.
      if (typeof status === "number" && status >= 400 && status < 500)
        refused.set(id, now() + ttlSeconds * 1000);
      options.logger.warn("Gemini context cache not created; sending the request uncached", {
        model: parameters.model,
        error: describeFailure(error),
      });
      return undefined;
    }
  }

  async function refresh(
    client: Pick<GoogleGenAI, "caches">,
    entry: CacheEntry,
  ): Promise<CacheEntry | undefined> {
    try {
      const updated = await client.caches.update({ name: entry.name, config: { ttl: `${ttlSeconds}s` } });
      const expiresAt = updated.expireTime ? Date.parse(updated.expireTime) : Number.NaN;
      return { ...entry, expiresAt: Number.isFinite(expiresAt) ? expiresAt : now() + ttlSeconds * 1000 };
    } catch {
      return undefined;
    }
  }

  return {
    enabled: options.enabled,
    isStaleCacheError(error) {
      const failure = readGeminiFailure(error);
      if (failure === undefined || failure.keyRejected) return false;
      if (failure.status === "PERMISSION_DENIED" || failure.status === "NOT_FOUND") return true;
      if (failure.status === undefined && (failure.httpStatus === 403 || failure.httpStatus === 404))
        return true;
      return failure.fieldViolations.some((field) => /^cached_?content/i.test(field));
    },
    async prepare(client, keyIndex, parameters) {
      if (!options.enabled || parameters.config?.cachedContent !== undefined) return passThrough(parameters);
      const { systemInstruction, tools, toolConfig, ...rest } = parameters.config ?? {};
      const fields: CachedFields = { systemInstruction, tools, toolConfig };
      if (systemInstruction === undefined && tools === undefined) return passThrough(parameters);
      if (estimateTokens(fields) < minTokens) return passThrough(parameters);
      const id = `${keyIndex}:${await hashPrefix(parameters.model, fields)}`;
      if ((refused.get(id) ?? 0) > now()) return passThrough(parameters);

      let created = false;
      let pending = entries.get(id);
      if (pending === undefined) {
        created = true;
        pending = create(client, id, parameters, fields);
        remember(id, pending);
      }
      let entry = await pending;
      if (entry !== undefined && entry.expiresAt - now() < (ttlSeconds * 1000) / 4) {
        // Near its end (or past it): extend it, or start over when Gemini no longer has it.
        const refreshed = entry.expiresAt > now() ? await refresh(client, entry) : undefined;
        created = refreshed === undefined;
        pending =
          refreshed === undefined ? create(client, id, parameters, fields) : Promise.resolve(refreshed);
        remember(id, pending);
        entry = await pending;
      }
      if (entry === undefined) {
        if (entries.get(id) === pending) entries.delete(id);
        return passThrough(parameters);
      }
      const name = entry.name;
      return {
        parameters: { ...parameters, config: { ...rest, cachedContent: name } },
        cacheName: name,
        ...(created ? { createdTokens: entry.tokens } : {}),
        evict: () => {
          if (entries.get(id) === pending) entries.delete(id);
        },
      };

      function remember(key: string, value: Promise<CacheEntry | undefined>): void {
        entries.delete(key);
        entries.set(key, value);
        while (entries.size > maxEntries) {
          const [oldestKey, oldest] = entries.entries().next().value as [
            string,
            Promise<CacheEntry | undefined>,
          ];
          entries.delete(oldestKey);
          // Storage is billed by the hour: give back what will not be used again.
          void oldest
            .then((old) => (old ? client.caches.delete({ name: old.name }) : undefined))
            .catch(() => {});
        }
      }
    },
  };
}

/** A quarter of the characters, like the local estimate elsewhere: cheap and stable. */
function estimateTokens(fields: CachedFields): number {
  return Math.ceil(JSON.stringify(fields).length / 4);
}

async function hashPrefix(model: string, fields: CachedFields): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify([model, fields]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function stripUndefined(fields: CachedFields): CachedFields {
  const out: CachedFields = {};
  if (fields.systemInstruction !== undefined) out.systemInstruction = fields.systemInstruction;
  if (fields.tools !== undefined) out.tools = fields.tools;
  if (fields.toolConfig !== undefined) out.toolConfig = fields.toolConfig;
  return out;
}
