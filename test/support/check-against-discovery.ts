/**
 * Checks a request body against Google's Discovery document of the Gemini API (the
 * machine-readable description of every field, type and enum value the service accepts).
 * The document is reference data kept outside the project (`../shared/gemini/`); tests that
 * use this skip when it is absent.
 */
import { existsSync, readFileSync } from "node:fs";

interface DiscoverySchema {
  type?: string;
  $ref?: string;
  enum?: string[];
  format?: string;
  properties?: Record<string, DiscoverySchema>;
  additionalProperties?: DiscoverySchema;
  items?: DiscoverySchema;
}

export interface DiscoveryDocument {
  revision: string;
  schemas: Record<string, DiscoverySchema>;
}

/**
 * Enum values newer than the document's revision (20260325), each with where it is defined
 * today: they are legal upstream although the stored document predates them.
 */
const NEWER_ENUM_VALUES: Readonly<Record<string, readonly string[]>> = {
  // `ThinkingLevel.XHIGH` in @google/genai 3.6's types; Gemini 4 Hydrogen and Neon take it.
  thinkingLevel: ["XHIGH"],
};

/** Where the document lies relative to the repository root, as the workplace lays it out. */
export const DISCOVERY_DOCUMENT_URL = new URL(
  "../../../shared/gemini/generativelanguage-v1beta.json",
  import.meta.url,
);

export function loadDiscoveryDocument(): DiscoveryDocument | undefined {
  if (!existsSync(DISCOVERY_DOCUMENT_URL)) return undefined;
  return JSON.parse(readFileSync(DISCOVERY_DOCUMENT_URL, "utf8")) as DiscoveryDocument;
}

/**
 * Every problem the service would answer with "Invalid JSON payload received" (unknown names,
 * wrong JSON types, enum values it does not know), as `path: problem` lines; empty when the
 * body is clean. Google's JSON parser takes lowerCamel and snake_case names alike.
 */
export function checkAgainstDiscovery(
  document: DiscoveryDocument,
  schemaName: string,
  body: unknown,
): string[] {
  const problems: string[] = [];
  visit(document, { $ref: schemaName }, body, schemaName, problems, "");
  return problems;
}

function visit(
  document: DiscoveryDocument,
  schema: DiscoverySchema,
  value: unknown,
  path: string,
  problems: string[],
  fieldName: string,
): void {
  if (schema.$ref !== undefined) {
    const target = document.schemas[schema.$ref];
    // The document's one known dangling reference (`MediaResolution`): nothing to check against.
    if (target === undefined) return;
    visit(document, target, value, path, problems, fieldName);
    return;
  }
  const type = schema.type;
  if (type === undefined || type === "any") return;
  switch (type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        problems.push(`${path}: expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`);
        return;
      }
      for (const [key, child] of Object.entries(value)) {
        const property = schema.properties?.[key] ?? schema.properties?.[camelCase(key)];
        if (property !== undefined) {
          visit(document, property, child, `${path}.${key}`, problems, key);
        } else if (schema.additionalProperties !== undefined) {
          visit(document, schema.additionalProperties, child, `${path}.${key}`, problems, key);
        } else {
          problems.push(`${path}: unknown name "${key}"`);
        }
      }
      return;
    }
    case "array":
      if (!Array.isArray(value)) {
        problems.push(`${path}: expected a list`);
        return;
      }
      value.forEach((item, index) => {
        visit(document, schema.items ?? {}, item, `${path}[${index}]`, problems, fieldName);
      });
      return;
    case "string": {
      // int64 and bytes travel as strings; numbers are accepted for int64 too.
      if (typeof value !== "string" && !(schema.format === "int64" && typeof value === "number")) {
        problems.push(`${path}: expected a string, got ${JSON.stringify(value)?.slice(0, 60)}`);
        return;
      }
      if (schema.enum && typeof value === "string" && !schema.enum.includes(value)) {
        if (!NEWER_ENUM_VALUES[fieldName]?.includes(value)) {
          problems.push(`${path}: "${value}" is not one of ${schema.enum.join(", ")}`);
        }
      }
      return;
    }
    case "integer":
      if (!Number.isInteger(value))
        problems.push(`${path}: expected an integer, got ${JSON.stringify(value)}`);
      return;
    case "number":
      if (typeof value !== "number")
        problems.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case "boolean":
      if (typeof value !== "boolean")
        problems.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    default:
      problems.push(`${path}: the document uses a type this checker does not know: ${type}`);
  }
}

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
