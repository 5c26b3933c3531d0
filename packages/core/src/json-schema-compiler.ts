import { type ConvertJsonSchemaOptions, convertJsonSchema } from "./convert-json-schema.js";

/** Options of {@link createSchemaCompiler}. */
export interface SchemaCompilerOptions {
  /** How many compiled schemas to keep; the least recently used is evicted first. Default 256. */
  maxEntries?: number;
}

/** A {@link convertJsonSchema} with a bounded cache keyed by schema content. */
export interface SchemaCompiler {
  /**
   * Same result as `convertJsonSchema(schema, options)`. The returned `value` is deeply frozen
   * because it is shared between calls: copy it before changing it. `warnings` is a fresh array.
   */
  convert(
    schema: unknown,
    options: ConvertJsonSchemaOptions,
  ): { value: Record<string, unknown>; warnings: string[] };
  /** Number of cached entries (for tests and metrics). */
  readonly size: number;
}

interface CacheEntry {
  value: Record<string, unknown>;
  warnings: readonly string[];
  /** When it was last used, on the compiler's own counter; the smallest is evicted first. */
  lastUsed: number;
}

/**
 * Creates a schema compiler that caches by content: Claude Code sends the same 12–21 tool schemas on
 * every request, so each is compiled once. The key is `JSON.stringify(schema)` (one map per set of
 * options), which costs far less than compiling; inputs that cannot be stringified (cycles,
 * bigints) are compiled without caching. The cache lives in the returned object, never in module
 * state.
 *
 * @example
 * const compiler = createSchemaCompiler({ maxEntries: 512 });
 * const { value } = compiler.convert(tool.input_schema, { target: "parametersJsonSchema" });
 */
export function createSchemaCompiler(options: SchemaCompilerOptions = {}): SchemaCompiler {
  const requested = options.maxEntries;
  const maxEntries =
    typeof requested === "number" && Number.isFinite(requested) ? Math.max(0, Math.floor(requested)) : 256;
  // A hit only bumps a counter: no re-insertion, which would hash and compare the long key twice
  // more on every tool of every request. Eviction scans for the oldest, and only runs on a miss
  // with a full cache.
  const caches = new Map<string, Map<string, CacheEntry>>();
  let size = 0;
  let clock = 0;

  const evictOldest = () => {
    let oldestCache: Map<string, CacheEntry> | undefined;
    let oldestKey: string | undefined;
    let oldestUse = Number.POSITIVE_INFINITY;
    for (const cache of caches.values()) {
      for (const [key, entry] of cache) {
        if (entry.lastUsed < oldestUse) {
          oldestUse = entry.lastUsed;
          oldestCache = cache;
          oldestKey = key;
        }
      }
    }
    if (oldestCache === undefined || oldestKey === undefined) return;
    oldestCache.delete(oldestKey);
    size -= 1;
  };

  return {
    get size() {
      return size;
    },
    convert(schema, convertOptions) {
      const key = maxEntries === 0 ? undefined : cacheKey(schema);
      if (key === undefined) return convertJsonSchema(schema, convertOptions);
      const optionsKey = `${convertOptions?.target}\u0000${convertOptions?.maxDepth}`;
      let cache = caches.get(optionsKey);
      if (cache === undefined) {
        cache = new Map();
        caches.set(optionsKey, cache);
      }
      clock += 1;
      const cached = cache.get(key);
      if (cached !== undefined) {
        cached.lastUsed = clock;
        return { value: cached.value, warnings: [...cached.warnings] };
      }
      const result = convertJsonSchema(schema, convertOptions);
      const entry: CacheEntry = {
        value: deepFreeze(result.value),
        warnings: Object.freeze([...result.warnings]),
        lastUsed: clock,
      };
      cache.set(key, entry);
      size += 1;
      while (size > maxEntries) evictOldest();
      return { value: entry.value, warnings: [...entry.warnings] };
    },
  };
}

function cacheKey(schema: unknown): string | undefined {
  try {
    // `undefined`, functions and symbols stringify to nothing; they are cheap to compile anyway.
    return JSON.stringify(schema);
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
