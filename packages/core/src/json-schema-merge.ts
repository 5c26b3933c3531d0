import { isJsonObject, type JsonObject, readKeyword, writeKeyword } from "./json-schema-object.js";

const LOWER_BOUNDS = ["minimum", "minLength", "minItems", "minProperties"] as const;
const UPPER_BOUNDS = ["maximum", "maxLength", "maxItems", "maxProperties"] as const;

/**
 * Merges two schemas the way `allOf` combines them: a value must satisfy both. Properties and
 * `required` are unioned (a property both declare becomes a lazy `allOf` of the two), types and enums
 * intersected, numeric bounds tightened. Annotations (`description` aside, which is joined) come from
 * `primary`. Where the two cannot both hold (disjoint types, two `anyOf`s), `primary` wins and a
 * warning says so. Neither input is modified.
 */
export function mergeJsonSchemas(
  primary: JsonObject,
  secondary: JsonObject,
): { value: JsonObject; warnings: string[] } {
  const warnings: string[] = [];
  const value: JsonObject = {};
  for (const [key, keyValue] of Object.entries(primary)) writeKeyword(value, key, keyValue);

  for (const [key, incoming] of Object.entries(secondary)) {
    const existing = readKeyword(value, key);
    if (existing === undefined) {
      // null must be allowed by both sides; a side without `type` allows it.
      if (key === "nullable" && !(incoming === true && allowsNull(primary))) continue;
      writeKeyword(value, key, incoming);
      continue;
    }
    switch (key) {
      case "properties":
        writeKeyword(value, key, mergeProperties(existing, incoming));
        break;
      case "required":
        writeKeyword(value, key, unionStrings(existing, incoming));
        break;
      case "type": {
        const types = intersectTypes(existing, incoming);
        if (types === undefined)
          warnings.push(`allOf branches disagree on the type; kept ${JSON.stringify(existing)}`);
        else writeKeyword(value, key, types.length === 1 ? types[0] : types);
        break;
      }
      case "enum": {
        if (!Array.isArray(existing) || !Array.isArray(incoming)) break;
        const incomingKeys = new Set(incoming.map(stableKey));
        const common = existing.filter((item) => incomingKeys.has(stableKey(item)));
        if (common.length === 0)
          warnings.push("allOf branches allow no common enum value; kept the first list");
        else writeKeyword(value, key, common);
        break;
      }
      case "description":
        if (typeof existing === "string" && typeof incoming === "string" && existing !== incoming) {
          writeKeyword(value, key, `${existing}\n${incoming}`);
        }
        break;
      case "pattern":
        if (existing !== incoming && typeof incoming === "string") {
          const note = `Must also match the pattern ${incoming}.`;
          const description = readKeyword(value, "description");
          writeKeyword(
            value,
            "description",
            typeof description === "string" ? `${description}\n${note}` : note,
          );
        }
        break;
      case "items":
      case "additionalProperties":
        writeKeyword(value, key, mergeSubschemas(existing, incoming));
        break;
      case "anyOf":
      case "oneOf":
        if (existing !== incoming) warnings.push(`allOf branches both carry ${key}; kept the first`);
        break;
      default:
        if ((LOWER_BOUNDS as readonly string[]).includes(key) || key === "exclusiveMinimum") {
          if (typeof existing === "number" && typeof incoming === "number") {
            writeKeyword(value, key, Math.max(existing, incoming));
          }
        } else if ((UPPER_BOUNDS as readonly string[]).includes(key) || key === "exclusiveMaximum") {
          if (typeof existing === "number" && typeof incoming === "number") {
            writeKeyword(value, key, Math.min(existing, incoming));
          }
        }
      // Everything else is an annotation or a keyword the compiler drops: the primary's stays.
    }
  }

  if (readKeyword(value, "nullable") === true && !allowsNull(secondary)) {
    delete value.nullable;
  }
  return { value, warnings };
}

function allowsNull(schema: JsonObject): boolean {
  const type = readKeyword(schema, "type");
  if (type === undefined) return true;
  if (readKeyword(schema, "nullable") === true) return true;
  return type === "null" || (Array.isArray(type) && type.includes("null"));
}

function mergeProperties(existing: unknown, incoming: unknown): unknown {
  if (!isJsonObject(existing) || !isJsonObject(incoming)) return isJsonObject(existing) ? existing : incoming;
  const merged: JsonObject = {};
  for (const [name, schema] of Object.entries(existing)) writeKeyword(merged, name, schema);
  for (const [name, schema] of Object.entries(incoming)) {
    const current = readKeyword(merged, name);
    writeKeyword(merged, name, current === undefined ? schema : mergeSubschemas(current, schema));
  }
  return merged;
}

/** Two subschemas that must both hold: kept lazy as an `allOf`, resolved when the compiler reaches it. */
function mergeSubschemas(existing: unknown, incoming: unknown): unknown {
  if (existing === false || incoming === false) return false;
  if (existing === true || existing === incoming) return incoming;
  if (incoming === true) return existing;
  return { allOf: [existing, incoming] };
}

function unionStrings(existing: unknown, incoming: unknown): unknown {
  const names = new Set<string>();
  for (const list of [existing, incoming]) {
    if (Array.isArray(list)) for (const name of list) if (typeof name === "string") names.add(name);
  }
  return [...names];
}

function intersectTypes(existing: unknown, incoming: unknown): string[] | undefined {
  const left = toTypeList(existing);
  const right = toTypeList(incoming);
  if (left.length === 0) return right.length === 0 ? undefined : right;
  if (right.length === 0) return left;
  const common = new Set<string>();
  for (const type of left) {
    if (right.includes(type)) common.add(type);
    // Every integer is a number, so integer ∩ number is integer.
    else if (type === "integer" && right.includes("number")) common.add("integer");
    else if (type === "number" && right.includes("integer")) common.add("integer");
  }
  return common.size === 0 ? undefined : [...common];
}

function toTypeList(type: unknown): string[] {
  if (typeof type === "string") return [type];
  if (Array.isArray(type)) return type.filter((item): item is string => typeof item === "string");
  return [];
}

function stableKey(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "undefined";
  } catch {
    return String(value);
  }
}
