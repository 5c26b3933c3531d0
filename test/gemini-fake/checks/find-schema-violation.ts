import { type FakeRejection, invalidArgument, unknownField } from "../fake-rejection.js";
import { isPlainObject } from "./is-plain-object.js";

/** The OpenAPI subset `parameters` accepts (protocol.md §3 Schemas). */
const SCHEMA_FIELDS = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "items",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "anyOf",
  "propertyOrdering",
  "default",
  "example",
]);
const TYPES = new Set([
  "TYPE_UNSPECIFIED",
  "STRING",
  "NUMBER",
  "INTEGER",
  "BOOLEAN",
  "ARRAY",
  "OBJECT",
  "NULL",
]);
/** Deeper `parameters` are refused upstream ("excessive nesting"). */
export const MAX_SCHEMA_DEPTH = 32;

export interface SchemaRules {
  /** Older models only take `enum` and `date-time` as string formats. */
  restrictStringFormats: boolean;
}

/**
 * Finds the first reason the real service would refuse `schema` as a function's `parameters`.
 * `path` is the proto path of the schema, e.g. `tools[0].function_declarations[3].parameters`.
 */
export function findSchemaViolation(
  schema: unknown,
  path: string,
  rules: SchemaRules,
  depth = 1,
): FakeRejection | undefined {
  if (!isPlainObject(schema)) {
    return invalidArgument(
      `Invalid value at '${path}' (type.googleapis.com/google.ai.generativelanguage.v1beta.Schema), ${JSON.stringify(schema)}`,
    );
  }
  if (depth > MAX_SCHEMA_DEPTH) {
    return invalidArgument(
      `* GenerateContentRequest.${path}: schema nesting depth exceeds the maximum of ${MAX_SCHEMA_DEPTH}.\n`,
    );
  }
  for (const key of Object.keys(schema)) if (!SCHEMA_FIELDS.has(key)) return unknownField(key, path);

  let type: string | undefined;
  if (schema.type !== undefined) {
    if (Array.isArray(schema.type)) {
      return invalidArgument(
        `Invalid JSON payload received. Unknown name "type" at '${path}': Proto field is not repeating, cannot start list.`,
      );
    }
    type = typeof schema.type === "string" ? schema.type.toUpperCase() : undefined;
    if (type === undefined || !TYPES.has(type)) {
      return invalidArgument(
        `Invalid value at '${path}.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), ${JSON.stringify(schema.type)}`,
      );
    }
  }
  if (schema.enum !== undefined) {
    if (!Array.isArray(schema.enum)) {
      return invalidArgument(`Invalid value at '${path}.enum' (TYPE_STRING), ${JSON.stringify(schema.enum)}`);
    }
    for (const [index, value] of schema.enum.entries()) {
      if (typeof value !== "string") {
        return invalidArgument(
          `Invalid value at '${path}.enum[${index}]' (TYPE_STRING), ${JSON.stringify(value)}`,
        );
      }
    }
    if (type !== "STRING") {
      return invalidArgument(`* GenerateContentRequest.${path}.enum: only allowed for STRING type\n`);
    }
  }
  if (typeof schema.format === "string" && type === "STRING" && rules.restrictStringFormats) {
    if (schema.format !== "enum" && schema.format !== "date-time") {
      return invalidArgument(
        `* GenerateContentRequest.${path}.format: only 'enum' and 'date-time' are supported for STRING type\n`,
      );
    }
  }
  if (type === "ARRAY" && schema.items === undefined) {
    return invalidArgument(`* GenerateContentRequest.${path}.items: missing field.\n`);
  }
  if (schema.items !== undefined) {
    const violation = findSchemaViolation(schema.items, `${path}.items`, rules, depth + 1);
    if (violation) return violation;
  }
  const propertyNames: string[] = [];
  if (schema.properties !== undefined) {
    if (!isPlainObject(schema.properties)) {
      return invalidArgument(`Invalid value at '${path}.properties', ${JSON.stringify(schema.properties)}`);
    }
    const entries = Object.entries(schema.properties);
    if (entries.length === 0 && type === "OBJECT") {
      return invalidArgument(
        `* GenerateContentRequest.${path}.properties: should be non-empty for OBJECT type\n`,
      );
    }
    for (const [index, [name, property]] of entries.entries()) {
      propertyNames.push(name);
      const violation = findSchemaViolation(property, `${path}.properties[${index}].value`, rules, depth + 1);
      if (violation) return violation;
    }
  }
  if (schema.required !== undefined) {
    if (!Array.isArray(schema.required)) {
      return invalidArgument(
        `Invalid value at '${path}.required' (TYPE_STRING), ${JSON.stringify(schema.required)}`,
      );
    }
    for (const [index, name] of schema.required.entries()) {
      if (typeof name !== "string" || !propertyNames.includes(name)) {
        return invalidArgument(
          `* GenerateContentRequest.${path}.required[${index}]: property is not defined\n`,
        );
      }
    }
  }
  if (schema.anyOf !== undefined) {
    if (!Array.isArray(schema.anyOf)) {
      return invalidArgument(
        `Invalid JSON payload received. Unknown name "anyOf" at '${path}': Proto field is repeating, expected a list.`,
      );
    }
    for (const [index, option] of schema.anyOf.entries()) {
      const violation = findSchemaViolation(option, `${path}.any_of[${index}]`, rules, depth + 1);
      if (violation) return violation;
    }
  }
  return undefined;
}
