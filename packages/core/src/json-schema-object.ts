/** A JSON Schema object as read from untrusted input: any keys, any values. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain object (not `null`, not an array): the only shape a schema node can have. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads an own keyword. Inherited names (`constructor`, `toString`, a polluted prototype) are never
 * mistaken for schema keywords, and a `__proto__` key that `JSON.parse` made an own key is read as data.
 */
export function readKeyword(schema: JsonObject, keyword: string): unknown {
  return Object.hasOwn(schema, keyword) ? schema[keyword] : undefined;
}

/** Sets an own enumerable key, also for names such as `__proto__` that plain assignment would treat specially. */
export function writeKeyword(target: JsonObject, keyword: string, value: unknown): void {
  Object.defineProperty(target, keyword, { value, enumerable: true, writable: true, configurable: true });
}
