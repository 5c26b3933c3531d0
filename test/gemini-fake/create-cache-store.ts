import { randomBytes } from "node:crypto";
import { estimateFakeTokens } from "./estimate-fake-tokens.js";
import type { FakeRejection } from "./fake-rejection.js";
import { findKnownModel } from "./known-models.js";
import type { FakeCachedContent } from "./types.js";

/** What a cached-content request needs besides its body: who asks, and under which name prefix. */
export interface CacheCaller {
  /** The API key, or `vertex:<project>/<location>`: a cache is visible only to its owner, like a project's. */
  owner: string;
  /** `cachedContents/` on the Gemini API, `projects/p/locations/l/cachedContents/` on Vertex AI. */
  namePrefix: string;
}

/** The fake's `cachedContents` collection, with Google's rules for creating and using one. */
export interface CacheStore {
  create(body: unknown, caller: CacheCaller): { status: number; body: unknown } | FakeRejection;
  get(name: string, caller: CacheCaller): FakeCachedContent | FakeRejection;
  update(name: string, body: unknown, caller: CacheCaller): { status: number; body: unknown } | FakeRejection;
  delete(name: string, caller: CacheCaller): { status: number; body: unknown } | FakeRejection;
  /**
   * Folds the cache a generate body names into a plain body for the usual checks, or rejects it:
   * unknown or expired cache, `systemInstruction`/`tools`/`toolConfig` sent alongside it, another model.
   */
  resolve(
    body: Record<string, unknown>,
    model: string,
    caller: CacheCaller,
  ): { body: Record<string, unknown>; cache: FakeCachedContent } | FakeRejection;
  list(): FakeCachedContent[];
  /** Moves every cache's expiry into the past. */
  expireAll(): void;
}

const DEFAULT_TTL_SECONDS = 3600;

/** Starts an empty store; `minTokens` is the smallest cache Google accepts for the models the fake knows. */
export function createCacheStore(options: { minTokens: number }): CacheStore {
  const caches = new Map<string, FakeCachedContent & { owner: string }>();

  const notFound = (): FakeRejection => ({
    status: 403,
    geminiStatus: "PERMISSION_DENIED",
    message: "CachedContent not found (or permission denied)",
  });
  const find = (name: string, caller: CacheCaller) => {
    const cache = caches.get(name);
    if (!cache || cache.owner !== caller.owner || cache.expireTime <= Date.now()) return undefined;
    return cache;
  };
  const describe = (cache: FakeCachedContent) => ({
    name: cache.name,
    model: cache.model,
    createTime: new Date(cache.createTime).toISOString(),
    updateTime: new Date(cache.updateTime).toISOString(),
    expireTime: new Date(cache.expireTime).toISOString(),
    usageMetadata: { totalTokenCount: cache.tokens },
  });

  return {
    create(body, caller) {
      const request = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
      const modelName = typeof request.model === "string" ? request.model : "";
      const model = findKnownModel(modelName.replace(/^.*\/models\//, "models/"));
      if (!model) {
        return { status: 404, geminiStatus: "NOT_FOUND", message: `Model ${modelName} is not found.` };
      }
      const tokens = estimateFakeTokens([request.contents, request.systemInstruction, request.tools]);
      if (tokens < options.minTokens) {
        return {
          status: 400,
          geminiStatus: "INVALID_ARGUMENT",
          message: `Cached content is too small. total_token_count=${tokens}, min_total_token_count=${options.minTokens}`,
        };
      }
      const ttl = readTtlSeconds(request.ttl);
      if (ttl === undefined) {
        return {
          status: 400,
          geminiStatus: "INVALID_ARGUMENT",
          message: `Invalid value at 'cached_content.ttl'.`,
        };
      }
      const now = Date.now();
      const cache = {
        name: `${caller.namePrefix}${randomBytes(6).toString("hex")}`,
        model: modelName,
        modelId: model.id,
        systemInstruction: request.systemInstruction,
        tools: request.tools,
        toolConfig: request.toolConfig,
        contents: request.contents,
        tokens,
        createTime: now,
        updateTime: now,
        expireTime: now + ttl * 1000,
        owner: caller.owner,
      };
      caches.set(cache.name, cache);
      return { status: 200, body: describe(cache) };
    },
    get(name, caller) {
      return find(name, caller) ?? notFound();
    },
    update(name, body, caller) {
      const cache = find(name, caller);
      if (!cache) return notFound();
      const ttl = readTtlSeconds((body as { ttl?: unknown } | null)?.ttl);
      if (ttl === undefined) {
        return {
          status: 400,
          geminiStatus: "INVALID_ARGUMENT",
          message: `Invalid value at 'cached_content.ttl'.`,
        };
      }
      cache.updateTime = Date.now();
      cache.expireTime = cache.updateTime + ttl * 1000;
      return { status: 200, body: describe(cache) };
    },
    delete(name, caller) {
      if (!find(name, caller)) return notFound();
      caches.delete(name);
      return { status: 200, body: {} };
    },
    resolve(body, model, caller) {
      const name = String(body.cachedContent);
      const cache = find(name, caller);
      if (!cache) return notFound();
      if (body.systemInstruction !== undefined || body.tools !== undefined || body.toolConfig !== undefined) {
        return {
          status: 400,
          geminiStatus: "INVALID_ARGUMENT",
          message:
            "CachedContent can not be used with GenerateContent request setting system_instruction, tools or tool_config.\n\nProposed fix: move those values to CachedContent from GenerateContent request.",
        };
      }
      if (cache.modelId !== model) {
        return {
          status: 400,
          geminiStatus: "INVALID_ARGUMENT",
          message: `Model used by GenerateContent request (models/${model}) and CachedContent (${cache.model}) has to be the same.`,
        };
      }
      const { cachedContent: _name, ...rest } = body;
      const merged: Record<string, unknown> = { ...rest };
      if (cache.systemInstruction !== undefined) merged.systemInstruction = cache.systemInstruction;
      if (cache.tools !== undefined) merged.tools = cache.tools;
      if (cache.toolConfig !== undefined) merged.toolConfig = cache.toolConfig;
      if (Array.isArray(cache.contents))
        merged.contents = [...cache.contents, ...((rest.contents as unknown[]) ?? [])];
      return { body: merged, cache };
    },
    list: () => [...caches.values()],
    expireAll() {
      for (const cache of caches.values()) cache.expireTime = Date.now() - 1;
    },
  };
}

/** `"300s"` or `"1.5s"`; a missing ttl is Google's default of one hour. */
function readTtlSeconds(value: unknown): number | undefined {
  if (value === undefined) return DEFAULT_TTL_SECONDS;
  const match = typeof value === "string" ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}
