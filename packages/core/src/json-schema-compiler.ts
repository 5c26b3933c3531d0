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
}

/**
 * Creates a schema compiler that caches by content: Claude Code sends the same 12–21 tool schemas on
 * every request, so each is compiled once. The key is `JSON.stringify(schema)` plus the options,
 * which costs far less than compiling; inputs that cannot be stringified (cycles, bigints) are
 * compiled without caching. The cache lives in the returned object, never in module state.
 *
 * @example
 * const compiler = createSchemaCompiler({ maxEntries: 512 });
 * const { value } = compiler.convert(tool.input_schema, { target: "parametersJsonSchema" });
 */
export function createSchemaCompiler(options: SchemaCompilerOptions = {}): SchemaCompiler {
  const requested = options.maxEntries;
  const maxEntries =
    typeof requested === "number" && Number.isFinite(requested) ? Math.max(0, Math.floor(requested)) : 256;
  // A Map iterates in insertion order; re-inserting on a hit makes the first key the least recently used.
  const cache = new Map<string, CacheEntry>();

  return {
    get size() {
      return cache.size;
    },
    convert(schema, convertOptions) {
      const key = cacheKey(schema, convertOptions);
      if (key === undefined || maxEntries === 0) return convertJsonSchema(schema, convertOptions);
      const cached = cache.get(key);
      if (cached !== undefined) {
        cache.delete(key);
        cache.set(key, cached);
        return { value: cached.value, warnings: [...cached.warnings] };
      }
      const result = convertJsonSchema(schema, convertOptions);
      const entry: CacheEntry = {
        value: deepFreeze(result.value),
        warnings: Object.freeze([...result.warnings]),
      };
      cache.set(key, entry);
      while (cache.size > maxEntries) {
        const oldest = cache.keys().next();
        if (oldest.done) break;
        cache.delete(oldest.value);
      }
      return { value: entry.value, warnings: [...entry.warnings] };
    },
  };
}

function cacheKey(schema: unknown, options: ConvertJsonSchemaOptions): string | undefined {
  try {
    const content = JSON.stringify(schema);
    // `undefined`, functions and symbols stringify to nothing; they are cheap to compile anyway.
    if (content === undefined) return undefined;
    return `${options?.target}\u0000${options?.maxDepth}\u0000${content}`;
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
