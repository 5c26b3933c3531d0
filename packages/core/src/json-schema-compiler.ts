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
  /** The schema the entry was compiled from, flattened by {@link flattenJson}: what a lookup compares against. */
  tokens: readonly unknown[];
  value: Record<string, unknown>;
  warnings: readonly string[];
  /** When it was last used, on the compiler's own counter; the smallest is evicted first. */
  lastUsed: number;
}

/**
 * Creates a schema compiler that caches by content: Claude Code sends the same 12–21 tool schemas on
 * every request, so each is compiled once. Two schemas share an entry when `JSON.stringify` would
 * give both the same text; the lookup checks that by walking the incoming schema against a flat
 * copy of the cached one, which stops at the first difference and builds no string (building and
 * hashing a `JSON.stringify` key cost a third of a Claude Code request's conversion). Inputs that
 * are not plain JSON data (cycles, `undefined`, class instances, nesting past 128 levels) are
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
  // One map per set of options, from a cheap fingerprint of the schema's outer keys to the entries
  // that share it. A hit only bumps a counter; eviction scans for the oldest, and only runs on a
  // miss with a full cache.
  const caches = new Map<string, Map<number, CacheEntry[]>>();
  let size = 0;
  let clock = 0;

  const evictOldest = () => {
    let oldestBuckets: Map<number, CacheEntry[]> | undefined;
    let oldestFingerprint = 0;
    let oldestEntry: CacheEntry | undefined;
    for (const buckets of caches.values()) {
      for (const [fingerprint, bucket] of buckets) {
        for (const entry of bucket) {
          if (oldestEntry === undefined || entry.lastUsed < oldestEntry.lastUsed) {
            oldestBuckets = buckets;
            oldestFingerprint = fingerprint;
            oldestEntry = entry;
          }
        }
      }
    }
    if (oldestBuckets === undefined || oldestEntry === undefined) return;
    const bucket = oldestBuckets.get(oldestFingerprint)!;
    bucket.splice(bucket.indexOf(oldestEntry), 1);
    if (bucket.length === 0) oldestBuckets.delete(oldestFingerprint);
    size -= 1;
  };

  return {
    get size() {
      return size;
    },
    convert(schema, convertOptions) {
      if (maxEntries === 0) return convertJsonSchema(schema, convertOptions);
      const optionsKey = `${convertOptions?.target}\u0000${convertOptions?.maxDepth}`;
      let buckets = caches.get(optionsKey);
      if (buckets === undefined) {
        buckets = new Map();
        caches.set(optionsKey, buckets);
      }
      clock += 1;
      const fingerprint = fingerprintOf(schema);
      const bucket = buckets.get(fingerprint);
      if (bucket !== undefined) {
        for (const cached of bucket) {
          if (matchFlattened(schema, cached.tokens, 0, 0) !== cached.tokens.length) continue;
          cached.lastUsed = clock;
          return { value: cached.value, warnings: [...cached.warnings] };
        }
      }
      const tokens: unknown[] = [];
      if (!flattenJson(schema, tokens, 0)) return convertJsonSchema(schema, convertOptions);
      const result = convertJsonSchema(schema, convertOptions);
      const entry: CacheEntry = {
        tokens,
        value: deepFreeze(result.value),
        warnings: Object.freeze([...result.warnings]),
        lastUsed: clock,
      };
      if (bucket === undefined) buckets.set(fingerprint, [entry]);
      else bucket.push(entry);
      size += 1;
      while (size > maxEntries) evictOldest();
      return { value: entry.value, warnings: [...entry.warnings] };
    },
  };
}

/** Deeper than this a schema is compiled without caching (it also stops a cycle). */
const MAX_KEYED_DEPTH = 128;

/** Marks of the flattened form; objects no JSON value can be identical to. */
const OBJECT_START = Object.freeze({ mark: "{" });
const OBJECT_END = Object.freeze({ mark: "}" });
const ARRAY_START = Object.freeze({ mark: "[" });

/**
 * A hint, not a key: mixes the names of the schema's own keys and of its `properties`, so that
 * different tools seldom share a bucket. Reads a few dozen short keys and allocates nothing.
 */
function fingerprintOf(schema: unknown): number {
  if (typeof schema !== "object" || schema === null) return 0;
  let hash = 0;
  for (const key in schema) hash = (hash * 31 + key.length * 257 + key.charCodeAt(0)) | 0;
  const properties = (schema as Record<string, unknown>).properties;
  if (typeof properties === "object" && properties !== null) {
    for (const key in properties) hash = (hash * 31 + key.length * 257 + key.charCodeAt(0)) | 0;
  }
  return hash;
}

/**
 * Appends `value` to `tokens` in the order `JSON.stringify` visits it: primitives as they are,
 * an object as a start mark, then key and value tokens, then an end mark; an array as a start
 * mark and its length, then its items. Returns false for anything `JSON.stringify` would
 * transform or drop (`undefined`, functions, non-finite numbers, objects that are not plain,
 * holes), so that two schemas with equal tokens always serialise to the same text.
 */
function flattenJson(value: unknown, tokens: unknown[], depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      tokens.push(value);
      return true;
    case "number":
      if (!Number.isFinite(value)) return false;
      tokens.push(value);
      return true;
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) {
    tokens.push(null);
    return true;
  }
  if (depth >= MAX_KEYED_DEPTH) return false;
  if (Array.isArray(value)) {
    tokens.push(ARRAY_START, value.length);
    for (let index = 0; index < value.length; index++) {
      if (!flattenJson(value[index], tokens, depth + 1)) return false;
    }
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  tokens.push(OBJECT_START);
  for (const key in value) {
    tokens.push(key);
    if (!flattenJson((value as Record<string, unknown>)[key], tokens, depth + 1)) return false;
  }
  tokens.push(OBJECT_END);
  return true;
}

/** The index in `tokens` right after `value` when `value` matches the tokens from `at` on, or -1. */
function matchFlattened(value: unknown, tokens: readonly unknown[], at: number, depth: number): number {
  if (typeof value !== "object" || value === null) {
    // Tokens hold no `undefined`, so one past the end never matches.
    return value !== undefined && tokens[at] === value ? at + 1 : -1;
  }
  if (depth >= MAX_KEYED_DEPTH) return -1;
  if (Array.isArray(value)) {
    if (tokens[at] !== ARRAY_START || tokens[at + 1] !== value.length) return -1;
    let next = at + 2;
    for (let index = 0; index < value.length && next >= 0; index++) {
      next = matchFlattened(value[index], tokens, next, depth + 1);
    }
    return next;
  }
  if (tokens[at] !== OBJECT_START || Object.getPrototypeOf(value) !== Object.prototype) return -1;
  let next = at + 1;
  for (const key in value) {
    if (tokens[next] !== key) return -1;
    next = matchFlattened((value as Record<string, unknown>)[key], tokens, next + 1, depth + 1);
    if (next < 0) return -1;
  }
  return tokens[next] === OBJECT_END ? next + 1 : -1;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
