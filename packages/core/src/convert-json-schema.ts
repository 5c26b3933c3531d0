import { mergeJsonSchemas } from "./json-schema-merge.js";
import { isJsonObject, type JsonObject, readKeyword, writeKeyword } from "./json-schema-object.js";
import { resolveJsonSchemaReference } from "./json-schema-reference.js";

/**
 * Which Gemini field the compiled schema is sent in: `parameters` (the OpenAPI 3.0 subset every
 * model accepts) or `parametersJsonSchema` (real JSON Schema, Gemini 2.5 and later).
 */
export type JsonSchemaTarget = "parameters" | "parametersJsonSchema";

/** Options of {@link convertJsonSchema}. */
export interface ConvertJsonSchemaOptions {
  target: JsonSchemaTarget;
  /** Deepest nesting of subschemas kept; deeper parts become free-form with a note. Default 24. */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 24;
/** How often one `$ref` may be open on the current path: recursive types unfold this many levels. */
const MAX_REFERENCE_EXPANSIONS = 3;
/** Work limit per conversion, so shared `$ref`s (exponential when inlined) and huge inputs stay cheap. */
const MAX_STEPS = 20_000;
/** Limit on `$ref`/`allOf`/single-branch `anyOf` chains that do not descend a level. */
const MAX_INLINE_HOPS = 32;
/** Longest description note listing allowed values. */
const MAX_NOTE_LENGTH = 600;

type JsonType = "string" | "number" | "integer" | "boolean" | "array" | "object" | "null";
const JSON_TYPES = new Set<string>(["string", "number", "integer", "boolean", "array", "object", "null"]);

/** String formats every Gemini model accepts in `parameters`; the others move to the description. */
const KEPT_STRING_FORMATS = new Set(["enum", "date-time"]);

/** Keywords the compiler reads; any other keyword is dropped (with a warning unless listed as silent). */
const HANDLED_KEYWORDS = new Set([
  "type",
  "nullable",
  "enum",
  "const",
  "anyOf",
  "oneOf",
  "allOf",
  "$ref",
  "format",
  "title",
  "description",
  "default",
  "example",
  "items",
  "prefixItems",
  "additionalItems",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "properties",
  "required",
  "minProperties",
  "maxProperties",
  "propertyOrdering",
  "additionalProperties",
]);

/** Metadata and annotations whose loss changes nothing the model could act on: dropped without a warning. */
const SILENT_KEYWORDS = new Set([
  "$schema",
  "$id",
  "id",
  "$comment",
  "$anchor",
  "$dynamicAnchor",
  "$vocabulary",
  "$defs",
  "definitions",
  "examples",
  "readOnly",
  "writeOnly",
  "deprecated",
  "contentEncoding",
  "contentMediaType",
  "discriminator",
  "xml",
  "externalDocs",
]);

interface CompilerState {
  root: unknown;
  target: JsonSchemaTarget;
  maxDepth: number;
  steps: number;
  warnings: string[];
  warned: Set<string>;
}

interface Position {
  /** JSON pointer of the node in the compiled output, e.g. `#/properties/todos/items`. */
  path: string;
  depth: number;
  /** `$ref`s expanded on the way to this node, to bound recursive types. */
  references: readonly string[];
  hops: number;
}

/** A schema node with its top-level `$ref` and `allOf` already folded in. */
interface ResolvedSchema {
  schema: JsonObject;
  references: readonly string[];
  notes: string[];
}

/**
 * Compiles any JSON Schema (draft 4 to 2020-12, as Claude Code and MCP servers write them) into one
 * Gemini accepts for `options.target`. Local `$ref`s are inlined (recursive types unfold a few levels,
 * then accept any value), `allOf` is merged, `const` becomes `enum`, exclusive bounds become inclusive
 * ones; constraints the target cannot express move into `description` so the model still sees them,
 * and every lossy step is reported once in `warnings` with its JSON path.
 *
 * Total: never throws for any input (non-objects, cycles, junk values); the result is always a
 * schema of an object. For target `parameters`, a tool without declared properties yields exactly
 * `{ type: "object" }`: Gemini rejects an OBJECT without `properties`, so the caller must then omit
 * `parameters` (a function without parameters means the same).
 * The result shares no objects with the input. This function does no caching; see
 * `createSchemaCompiler` for the cached variant.
 *
 * @example
 * convertJsonSchema({ type: "object", properties: { n: { type: "number", exclusiveMinimum: 0 } } }, { target: "parameters" });
 * // { value: { type: "object", properties: { n: { type: "number", minimum: 0, description: "Minimum: 0 (exclusive)." } } }, warnings: [...] }
 */
export function convertJsonSchema(
  schema: unknown,
  options: ConvertJsonSchemaOptions,
): { value: Record<string, unknown>; warnings: string[] } {
  const target: JsonSchemaTarget =
    options?.target === "parametersJsonSchema" ? "parametersJsonSchema" : "parameters";
  const requestedDepth = options?.maxDepth;
  const maxDepth =
    typeof requestedDepth === "number" && Number.isFinite(requestedDepth)
      ? Math.max(1, Math.floor(requestedDepth))
      : DEFAULT_MAX_DEPTH;
  const state: CompilerState = { root: schema, target, maxDepth, steps: 0, warnings: [], warned: new Set() };
  try {
    return { value: compileRoot(schema, state), warnings: state.warnings };
  } catch (error) {
    // Only hostile inputs get here (throwing getters, proxies); a free-form tool still works.
    warn(state, "#", `schema could not be read (${describeError(error)}); the tool takes free-form input`);
    return { value: { type: "object" }, warnings: state.warnings };
  }
}

function compileRoot(input: unknown, state: CompilerState): JsonObject {
  const position: Position = { path: "#", depth: 0, references: [], hops: 0 };
  const resolved = combineRootBranches(resolveSchema(input, position, state), position, state);
  const declaredType = readKeyword(resolved.schema, "type");
  const compiled = compileResolved(resolved, position, state);

  const looksLikeObject = declaredType === undefined || declaredType === "object";
  if (state.target === "parameters") {
    const properties = readKeyword(compiled, "properties");
    if (compiled.type === "object" && isJsonObject(properties) && Object.keys(properties).length > 0) {
      delete compiled.nullable;
      return compiled;
    }
    if (!looksLikeObject) warn(state, "#", "root is not an object schema; the tool takes free-form input");
    return { type: "object" };
  }

  const type = readKeyword(compiled, "type");
  if (type === "object") return compiled;
  if (Array.isArray(type) && type.includes("object")) {
    compiled.type = "object";
    return compiled;
  }
  if (type === undefined && compiled.anyOf === undefined && compiled.oneOf === undefined) {
    compiled.type = "object";
    return compiled;
  }
  if (!looksLikeObject) warn(state, "#", "root is not an object schema; the tool takes free-form input");
  return { type: "object" };
}

/**
 * Tool input is always an object, but MCP servers sometimes describe it as `anyOf` several object
 * shapes. Gemini wants one object at the root, so the shapes are merged: every property of any
 * shape is offered, and only what all shapes require stays required.
 */
function combineRootBranches(
  resolved: ResolvedSchema,
  position: Position,
  state: CompilerState,
): ResolvedSchema {
  const schema = resolved.schema;
  if (isJsonObject(readKeyword(schema, "properties"))) return resolved;
  const branches = [readKeyword(schema, "anyOf"), readKeyword(schema, "oneOf")]
    .filter(Array.isArray)
    .flat()
    .map((branch) => resolveSchema(branch, position, state))
    .filter((branch) => !isNullSchema(branch.schema));
  if (branches.length === 0) return resolved;
  const objectLike = branches.every(
    (branch) =>
      readKeyword(branch.schema, "type") === "object" ||
      isJsonObject(readKeyword(branch.schema, "properties")),
  );
  if (!objectLike) return resolved;

  const shapes: Record<string, unknown[]> = {};
  let required: Set<string> | undefined;
  for (const branch of branches) {
    const properties = readKeyword(branch.schema, "properties");
    if (isJsonObject(properties)) {
      for (const [name, property] of Object.entries(properties)) {
        const list = Object.hasOwn(shapes, name) ? shapes[name]! : [];
        list.push(property);
        writeKeyword(shapes, name, list);
      }
    }
    const branchRequired = readKeyword(branch.schema, "required");
    const names = new Set(
      Array.isArray(branchRequired) ? branchRequired.filter((name) => typeof name === "string") : [],
    );
    required = required === undefined ? names : new Set([...required].filter((name) => names.has(name)));
  }
  const properties: JsonObject = {};
  for (const [name, list] of Object.entries(shapes)) {
    writeKeyword(properties, name, list.length === 1 ? list[0] : { anyOf: list });
  }
  const base: JsonObject = { ...schema };
  delete base.anyOf;
  delete base.oneOf;
  const merged = mergeJsonSchemas(base, { type: "object", properties, required: [...(required ?? [])] });
  for (const message of merged.warnings) warn(state, position.path, message);
  warn(state, position.path, "root anyOf/oneOf of object shapes merged into one object");
  return {
    schema: merged.value,
    references: branches.flatMap((branch) => branch.references),
    notes: [...resolved.notes, "Accepts one of several argument shapes; see the property descriptions."],
  };
}

/** Compiles one subschema at `position`: resolves it, converts it, and enforces the depth limit. */
function compileSchema(input: unknown, position: Position, state: CompilerState): JsonObject {
  // Children of a node at the depth limit are discarded by their parent; do no work for them.
  if (position.depth > state.maxDepth) return {};
  const compiled = compileResolved(resolveSchema(input, position, state), position, state);
  if (position.depth >= state.maxDepth && hasSubschemas(compiled)) {
    warn(state, position.path, `nested deeper than ${state.maxDepth} levels; truncated to a free-form value`);
    return freeForm(
      compiled,
      [`Nested deeper than ${state.maxDepth} levels; any value is accepted here.`],
      state,
    );
  }
  return compiled;
}

function compileResolved(resolved: ResolvedSchema, position: Position, state: CompilerState): JsonObject {
  state.steps++;
  if (state.steps > MAX_STEPS) {
    warn(state, "#", "schema too large; the remaining parts are free-form");
    return {};
  }
  for (const keyword of Object.keys(resolved.schema)) {
    if (!HANDLED_KEYWORDS.has(keyword) && !SILENT_KEYWORDS.has(keyword) && !keyword.startsWith("x-")) {
      warn(state, position.path, `keyword ${JSON.stringify(keyword)} dropped`);
    }
  }
  // Children inherit the `$ref`s this node opened, which is what bounds recursive types.
  const here: Position = { ...position, references: resolved.references };
  return state.target === "parameters"
    ? compileForParameters(resolved, here, state)
    : compileForJsonSchema(resolved, here, state);
}

// ---------------------------------------------------------------------------------------------
// Resolution: $ref and allOf
// ---------------------------------------------------------------------------------------------

function resolveSchema(input: unknown, position: Position, state: CompilerState): ResolvedSchema {
  const plain = { schema: {}, references: position.references, notes: [] };
  if (input === true || input === undefined) return plain;
  if (input === false) {
    warn(state, position.path, "schema `false` (no valid value) replaced by a free-form value");
    return plain;
  }
  if (!isJsonObject(input)) {
    warn(state, position.path, "not a schema object; replaced by a free-form value");
    return plain;
  }
  const reference = readKeyword(input, "$ref");
  const allOf = readKeyword(input, "allOf");
  if (reference === undefined && allOf === undefined)
    return { schema: input, references: position.references, notes: [] };

  state.steps++;
  if (position.hops >= MAX_INLINE_HOPS || state.steps > MAX_STEPS) {
    warn(state, position.path, "too many nested $ref/allOf; replaced by a free-form value");
    return { ...plain, schema: pickAnnotations(input) };
  }
  const hopPosition: Position = { ...position, hops: position.hops + 1 };
  let schema: JsonObject = { ...input };
  delete schema.$ref;
  delete schema.allOf;
  let references = position.references;
  const notes: string[] = [];

  const fold = (branch: ResolvedSchema) => {
    const merged = mergeJsonSchemas(schema, branch.schema);
    for (const message of merged.warnings) warn(state, position.path, message);
    schema = merged.value;
    notes.push(...branch.notes);
    // Keep every reference opened by any branch: conservative, and still bounded.
    references = [...references, ...branch.references.slice(position.references.length)];
  };

  if (typeof reference === "string") {
    const openCount = position.references.filter((open) => open === reference).length;
    const target = resolveJsonSchemaReference(state.root, reference);
    if (target === undefined) {
      warn(
        state,
        position.path,
        `$ref ${JSON.stringify(reference)} not found; replaced by a free-form value`,
      );
      return { ...plain, schema: pickAnnotations(schema) };
    }
    if (openCount >= MAX_REFERENCE_EXPANSIONS) {
      warn(state, position.path, `recursive $ref ${JSON.stringify(reference)} cut at the recursion limit`);
      return {
        ...plain,
        schema: pickAnnotations(schema),
        notes: [`Recursive structure (${reference}) not expanded further; any value is accepted here.`],
      };
    }
    fold(resolveSchema(target, { ...hopPosition, references: [...position.references, reference] }, state));
  } else if (reference !== undefined) {
    warn(state, position.path, "$ref is not a string; ignored");
  }

  if (Array.isArray(allOf)) {
    for (const branch of allOf) fold(resolveSchema(branch, hopPosition, state));
  } else if (allOf !== undefined) {
    warn(state, position.path, "allOf is not an array; ignored");
  }
  return { schema, references, notes };
}

// ---------------------------------------------------------------------------------------------
// Target `parameters`: the OpenAPI subset
// ---------------------------------------------------------------------------------------------

function compileForParameters(
  resolved: ResolvedSchema,
  position: Position,
  state: CompilerState,
): JsonObject {
  const { schema } = resolved;
  const notes = [...resolved.notes];
  const declaredTypes = readTypes(schema, position, state);
  let nullable = readKeyword(schema, "nullable") === true || declaredTypes.includes("null");
  const types = declaredTypes.filter((type) => type !== "null");
  let values = readEnum(schema, position, state);
  if (values?.includes(null)) {
    nullable = true;
    values = values.filter((value) => value !== null);
  }

  const branches: ResolvedSchema[] = [];
  const anyOf = readKeyword(schema, "anyOf");
  const oneOf = readKeyword(schema, "oneOf");
  if (Array.isArray(anyOf) && Array.isArray(oneOf)) {
    warn(state, position.path, "anyOf and oneOf together are flattened into one anyOf");
  }
  for (const list of [anyOf, oneOf]) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      warn(state, position.path, "anyOf/oneOf is not an array; ignored");
      continue;
    }
    for (const branch of list) {
      const resolvedBranch = resolveSchema(branch, position, state);
      if (isNullSchema(resolvedBranch.schema)) nullable = true;
      else branches.push(resolvedBranch);
    }
  }

  if (branches.length > 0 || types.length > 1) {
    return compileUnionForParameters(resolved, { types, values, nullable, branches, notes }, position, state);
  }
  if (declaredTypes.length > 0 && types.length === 0) {
    notes.push("Always null.");
    return freeForm(schema, notes, state, true);
  }
  return compileSingleForParameters(
    schema,
    types[0] ?? inferType(schema, values),
    values,
    nullable,
    notes,
    position,
    state,
  );
}

interface UnionParts {
  types: JsonType[];
  values: unknown[] | undefined;
  nullable: boolean;
  branches: ResolvedSchema[];
  notes: string[];
}

/**
 * `anyOf`/`oneOf` (Gemini's `parameters` know only `anyOf`, and never beside `type`) and type
 * arrays. The node's own constraints are distributed into each branch, since
 * `allOf(base, anyOf(a, b))` equals `anyOf(allOf(base, a), allOf(base, b))`.
 */
function compileUnionForParameters(
  resolved: ResolvedSchema,
  parts: UnionParts,
  position: Position,
  state: CompilerState,
): JsonObject {
  const base: JsonObject = { ...resolved.schema };
  delete base.anyOf;
  delete base.oneOf;
  delete base.nullable;
  delete base.const;
  if (parts.types.length > 0) base.type = parts.types.length === 1 ? parts.types[0] : parts.types;
  else delete base.type;
  if (parts.values !== undefined) base.enum = parts.values;

  const branches =
    parts.branches.length > 0
      ? parts.branches
      : parts.types.map((type) => ({ schema: { type }, references: resolved.references, notes: [] }));

  if (branches.length === 1) {
    // One branch left (typically `anyOf: [X, {type: "null"}]`): inline it instead of nesting.
    const branch = branches[0]!;
    const merged = mergeJsonSchemas(base, branch.schema);
    for (const message of merged.warnings) warn(state, position.path, message);
    if (parts.nullable) merged.value.nullable = true;
    const hops = position.hops + 1;
    if (hops > MAX_INLINE_HOPS) {
      warn(state, position.path, "too many nested anyOf; replaced by a free-form value");
      return freeForm(base, parts.notes, state, parts.nullable);
    }
    return compileResolved(
      { schema: merged.value, references: branch.references, notes: [...parts.notes, ...branch.notes] },
      { ...position, hops },
      state,
    );
  }

  const outer: JsonObject = {};
  const constraints: JsonObject = {};
  for (const [keyword, value] of Object.entries(base)) {
    if (keyword === "title" || keyword === "description" || keyword === "default" || keyword === "example") {
      outer[keyword] = value;
    } else {
      constraints[keyword] = value;
    }
  }
  const hasConstraints = Object.keys(constraints).length > 0;
  const compiled: JsonObject[] = [];
  const seen = new Set<string>();
  branches.forEach((branch, index) => {
    let schema = branch.schema;
    if (hasConstraints) {
      const merged = mergeJsonSchemas(constraints, branch.schema);
      for (const message of merged.warnings) warn(state, position.path, message);
      schema = merged.value;
    }
    const childPosition = childOf(position, `anyOf/${index}`, branch.references);
    if (childPosition.depth > state.maxDepth) return;
    const result = compileResolved(
      { schema, references: branch.references, notes: branch.notes },
      childPosition,
      state,
    );
    const finalResult =
      childPosition.depth >= state.maxDepth && hasSubschemas(result)
        ? freeForm(
            result,
            [`Nested deeper than ${state.maxDepth} levels; any value is accepted here.`],
            state,
          )
        : result;
    const key = JSON.stringify(finalResult);
    if (!seen.has(key)) {
      seen.add(key);
      compiled.push(finalResult);
    }
  });

  if (compiled.length === 0) return freeForm(outer, parts.notes, state, parts.nullable);
  const result: JsonObject = compiled.length === 1 ? { ...compiled[0] } : { anyOf: compiled };
  const title = readKeyword(outer, "title");
  if (typeof title === "string") result.title = title;
  const description = joinDescription(readKeyword(outer, "description"), parts.notes);
  const inner = typeof result.description === "string" ? result.description : undefined;
  if (description !== undefined) result.description = inner ? `${description}\n${inner}` : description;
  copyJsonValue(outer, result, "default", position, state);
  copyJsonValue(outer, result, "example", position, state);
  if (parts.nullable) result.nullable = true;
  return result;
}

function compileSingleForParameters(
  schema: JsonObject,
  type: JsonType | undefined,
  values: unknown[] | undefined,
  nullable: boolean,
  notes: string[],
  position: Position,
  state: CompilerState,
): JsonObject {
  const out: JsonObject = {};
  if (type !== undefined) out.type = type;
  const title = readKeyword(schema, "title");
  if (typeof title === "string") out.title = title;

  switch (type) {
    case "string": {
      if (values !== undefined) {
        const strings = values.filter((value): value is string => typeof value === "string");
        if (strings.length < values.length) warn(state, position.path, "non-string enum values dropped");
        if (strings.length > 0) out.enum = [...new Set(strings)];
      }
      const format = readKeyword(schema, "format");
      if (typeof format === "string") {
        // `format: "enum"` only means something next to an enum.
        if (KEPT_STRING_FORMATS.has(format) && (format !== "enum" || out.enum !== undefined))
          out.format = format;
        else {
          notes.push(`Format: ${format}.`);
          warn(state, position.path, `format ${JSON.stringify(format)} moved to the description`);
        }
      }
      copyCount(schema, out, "minLength");
      copyCount(schema, out, "maxLength");
      const pattern = readKeyword(schema, "pattern");
      if (typeof pattern === "string") out.pattern = pattern;
      break;
    }
    case "number":
    case "integer":
      convertBounds(schema, out, type, notes, position, state);
      noteNumberExtras(schema, values, notes, position, state);
      break;
    case "boolean":
      if (values !== undefined) noteAllowedValues(values, notes, position, state);
      break;
    case "array": {
      out.items = compileItemsForParameters(schema, position, state);
      copyCount(schema, out, "minItems");
      copyCount(schema, out, "maxItems");
      noteArrayExtras(schema, notes, position, state);
      break;
    }
    case "object": {
      const properties = compileProperties(schema, position, state);
      if (Object.keys(properties).length === 0) {
        // Gemini rejects an OBJECT whose `properties` is empty (proto cannot tell empty from
        // missing), so an object without declared properties is sent as an untyped value.
        notes.push("Any JSON object.");
        return freeForm(schema, notes, state, nullable);
      }
      out.properties = properties;
      const required = filterRequired(schema, properties, position, state);
      if (required.length > 0) out.required = required;
      copyCount(schema, out, "minProperties");
      copyCount(schema, out, "maxProperties");
      const ordering = readKeyword(schema, "propertyOrdering");
      if (Array.isArray(ordering)) {
        const names = ordering.filter((name) => typeof name === "string" && Object.hasOwn(properties, name));
        if (names.length > 0) out.propertyOrdering = [...new Set(names)];
      }
      const additional = readKeyword(schema, "additionalProperties");
      if (isJsonObject(additional) && Object.keys(additional).length > 0) {
        warn(state, position.path, "additionalProperties schema dropped");
      }
      break;
    }
    default:
      if (values !== undefined) noteAllowedValues(values, notes, position, state);
  }

  const description = joinDescription(readKeyword(schema, "description"), notes);
  if (description !== undefined) out.description = description;
  if (nullable) out.nullable = true;
  copyJsonValue(schema, out, "default", position, state);
  copyJsonValue(schema, out, "example", position, state);
  return out;
}

function compileItemsForParameters(schema: JsonObject, position: Position, state: CompilerState): JsonObject {
  const candidates = itemCandidates(schema);
  if (candidates.tuple) warn(state, position.path, "tuple items merged into one anyOf item schema");
  if (candidates.list.length === 0) return {};
  if (candidates.list.length === 1)
    return compileSchema(candidates.list[0], childOf(position, "items"), state);
  return compileSchema({ anyOf: candidates.list }, childOf(position, "items"), state);
}

// ---------------------------------------------------------------------------------------------
// Target `parametersJsonSchema`: JSON Schema, normalised
// ---------------------------------------------------------------------------------------------

function compileForJsonSchema(
  resolved: ResolvedSchema,
  position: Position,
  state: CompilerState,
): JsonObject {
  const { schema } = resolved;
  const notes = [...resolved.notes];
  const out: JsonObject = {};
  const types = readTypes(schema, position, state);
  // OpenAPI's `nullable` (some MCP servers write it) is a type union in JSON Schema.
  if (readKeyword(schema, "nullable") === true && types.length > 0 && !types.includes("null"))
    types.push("null");

  const values = readEnum(schema, position, state);
  if (values !== undefined) {
    const listable = values.filter(
      (value) => typeof value === "string" || (typeof value === "number" && Number.isFinite(value)),
    );
    const rest = values.filter((value) => !listable.includes(value));
    if (rest.length === 0) out.enum = listable;
    else if (rest.every((value) => value === null) && listable.length > 0) {
      // Dropping null would forbid a value the client allows; JSON Schema lists it in the enum.
      out.enum = [...listable, null];
      if (types.length > 0 && !types.includes("null")) types.push("null");
    } else {
      noteAllowedValues(values, notes, position, state);
    }
  }
  if (types.length === 1) out.type = types[0];
  else if (types.length > 1) out.type = types;

  const title = readKeyword(schema, "title");
  if (typeof title === "string") out.title = title;
  const format = readKeyword(schema, "format");
  if (typeof format === "string") out.format = format;
  copyCount(schema, out, "minLength");
  copyCount(schema, out, "maxLength");
  const pattern = readKeyword(schema, "pattern");
  if (typeof pattern === "string") out.pattern = pattern;

  convertBounds(schema, out, types.length === 1 ? types[0] : undefined, notes, position, state);
  noteNumberExtras(schema, undefined, notes, position, state);

  const candidates = itemCandidates(schema);
  if (candidates.tuple) {
    const prefix = candidates.tupleList.map((item, index) =>
      compileSchema(item, childOf(position, `prefixItems/${index}`), state),
    );
    if (prefix.length > 0) out.prefixItems = prefix;
    if (candidates.rest !== undefined)
      out.items = compileSchema(candidates.rest, childOf(position, "items"), state);
  } else if (candidates.list.length === 1 && candidates.list[0] !== true) {
    out.items = compileSchema(candidates.list[0], childOf(position, "items"), state);
  }
  copyCount(schema, out, "minItems");
  copyCount(schema, out, "maxItems");
  noteArrayExtras(schema, notes, position, state);

  const rawProperties = readKeyword(schema, "properties");
  if (rawProperties !== undefined) {
    out.properties = compileProperties(schema, position, state);
  }
  const required = filterRequired(
    schema,
    isJsonObject(out.properties) ? out.properties : {},
    position,
    state,
  );
  if (required.length > 0) out.required = required;
  const additional = readKeyword(schema, "additionalProperties");
  if (typeof additional === "boolean") out.additionalProperties = additional;
  else if (isJsonObject(additional)) {
    out.additionalProperties = compileSchema(additional, childOf(position, "additionalProperties"), state);
  }
  copyCount(schema, out, "minProperties");
  copyCount(schema, out, "maxProperties");
  const ordering = readKeyword(schema, "propertyOrdering");
  if (Array.isArray(ordering) && isJsonObject(out.properties)) {
    const properties = out.properties;
    const names = ordering.filter((name) => typeof name === "string" && Object.hasOwn(properties, name));
    if (names.length > 0) out.propertyOrdering = [...new Set(names)];
  }

  for (const keyword of ["anyOf", "oneOf"] as const) {
    const list = readKeyword(schema, keyword);
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) {
      warn(state, position.path, `${keyword} is not a non-empty array; ignored`);
      continue;
    }
    out[keyword] = list.map((branch, index) =>
      compileSchema(branch, childOf(position, `${keyword}/${index}`, position.references), state),
    );
  }

  const description = joinDescription(readKeyword(schema, "description"), notes);
  if (description !== undefined) out.description = description;
  copyJsonValue(schema, out, "default", position, state);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------

function compileProperties(schema: JsonObject, position: Position, state: CompilerState): JsonObject {
  const properties = readKeyword(schema, "properties");
  const compiled: JsonObject = {};
  if (properties === undefined) return compiled;
  if (!isJsonObject(properties)) {
    warn(state, position.path, "properties is not an object; ignored");
    return compiled;
  }
  for (const [name, property] of Object.entries(properties)) {
    if (property === false) {
      // A property that may never appear is simply not offered.
      continue;
    }
    writeKeyword(
      compiled,
      name,
      compileSchema(property, childOf(position, `properties/${escapePointer(name)}`), state),
    );
  }
  return compiled;
}

function filterRequired(
  schema: JsonObject,
  properties: JsonObject,
  position: Position,
  state: CompilerState,
): string[] {
  const required = readKeyword(schema, "required");
  if (required === undefined) return [];
  if (!Array.isArray(required)) {
    warn(state, position.path, "required is not an array; ignored");
    return [];
  }
  const names = new Set<string>();
  for (const name of required) {
    if (typeof name === "string" && Object.hasOwn(properties, name)) names.add(name);
    else warn(state, position.path, `required names undeclared property ${JSON.stringify(name)}; dropped`);
  }
  return [...names];
}

interface ItemCandidates {
  /** Every schema an item may match. */
  list: unknown[];
  tuple: boolean;
  tupleList: unknown[];
  rest: unknown;
}

function itemCandidates(schema: JsonObject): ItemCandidates {
  const items = readKeyword(schema, "items");
  const prefixItems = readKeyword(schema, "prefixItems");
  // Draft 2020-12 writes tuples as `prefixItems` + `items`; drafts 4–2019 as `items: [...]` + `additionalItems`.
  const tupleList = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : undefined;
  const rest = Array.isArray(items) ? readKeyword(schema, "additionalItems") : items;
  const usableRest = rest === undefined || rest === false ? undefined : rest;
  const list = [...(tupleList ?? []), ...(usableRest === undefined ? [] : [usableRest])];
  return { list, tuple: tupleList !== undefined, tupleList: tupleList ?? [], rest: usableRest };
}

function convertBounds(
  schema: JsonObject,
  out: JsonObject,
  type: JsonType | undefined,
  notes: string[],
  position: Position,
  state: CompilerState,
): void {
  for (const side of ["minimum", "maximum"] as const) {
    const exclusiveKeyword = side === "minimum" ? "exclusiveMinimum" : "exclusiveMaximum";
    const inclusive = finiteNumber(readKeyword(schema, side));
    const exclusiveValue = readKeyword(schema, exclusiveKeyword);
    // Draft 4 wrote `exclusiveMinimum: true` to make `minimum` itself exclusive.
    const exclusive = exclusiveValue === true ? inclusive : finiteNumber(exclusiveValue);
    const stricter =
      exclusive !== undefined &&
      (exclusiveValue === true ||
        inclusive === undefined ||
        (side === "minimum" ? exclusive >= inclusive : exclusive <= inclusive));
    if (!stricter) {
      if (inclusive !== undefined) out[side] = inclusive;
      continue;
    }
    const bound = exclusive!;
    const next = side === "minimum" ? Math.floor(bound) + 1 : Math.ceil(bound) - 1;
    if (type === "integer" && Number.isSafeInteger(next)) {
      // For integers an exclusive bound is exactly the next integer: nothing is lost.
      out[side] = next;
      continue;
    }
    out[side] = bound;
    notes.push(`${side === "minimum" ? "Minimum" : "Maximum"}: ${bound} (exclusive).`);
    warn(state, position.path, `${exclusiveKeyword} turned into ${side} with a note`);
  }
}

function noteNumberExtras(
  schema: JsonObject,
  values: unknown[] | undefined,
  notes: string[],
  position: Position,
  state: CompilerState,
): void {
  if (values !== undefined) noteAllowedValues(values, notes, position, state);
  const multipleOf = finiteNumber(readKeyword(schema, "multipleOf"));
  if (multipleOf !== undefined) {
    notes.push(`Multiple of: ${multipleOf}.`);
    warn(state, position.path, "multipleOf moved to the description");
  }
  const format = readKeyword(schema, "format");
  if (state.target === "parameters" && typeof format === "string") {
    notes.push(`Format: ${format}.`);
    warn(state, position.path, `format ${JSON.stringify(format)} moved to the description`);
  }
}

function noteArrayExtras(
  schema: JsonObject,
  notes: string[],
  position: Position,
  state: CompilerState,
): void {
  if (readKeyword(schema, "uniqueItems") === true) {
    notes.push("Items must be unique.");
    warn(state, position.path, "uniqueItems moved to the description");
  }
}

function noteAllowedValues(
  values: unknown[],
  notes: string[],
  position: Position,
  state: CompilerState,
): void {
  let note = `Allowed values: ${values.map(formatValue).join(", ")}.`;
  if (note.length > MAX_NOTE_LENGTH) note = `${note.slice(0, MAX_NOTE_LENGTH)}…`;
  notes.push(note);
  warn(state, position.path, "enum moved to the description");
}

function readTypes(schema: JsonObject, position: Position, state: CompilerState): JsonType[] {
  const type = readKeyword(schema, "type");
  if (type === undefined) return [];
  const list = Array.isArray(type) ? type : [type];
  const types: JsonType[] = [];
  for (const item of list) {
    if (typeof item === "string" && JSON_TYPES.has(item)) {
      if (!types.includes(item as JsonType)) types.push(item as JsonType);
    } else {
      warn(state, position.path, `unknown type ${formatValue(item)} ignored`);
    }
  }
  return types;
}

/** `enum` and `const` as one list of allowed values; `const` wins when both are present. */
function readEnum(schema: JsonObject, position: Position, state: CompilerState): unknown[] | undefined {
  if (Object.hasOwn(schema, "const")) {
    const constant = schema.const;
    if (isJsonValue(constant, 0)) return [constant];
    warn(state, position.path, "const is not a JSON value; ignored");
  }
  const values = readKeyword(schema, "enum");
  if (values === undefined) return undefined;
  if (!Array.isArray(values)) {
    warn(state, position.path, "enum is not an array; ignored");
    return undefined;
  }
  const usable = values.filter((value) => isJsonValue(value, 0));
  return usable.length > 0 ? usable : undefined;
}

function inferType(schema: JsonObject, values: unknown[] | undefined): JsonType | undefined {
  if (values !== undefined && values.length > 0) {
    if (values.every((value) => typeof value === "string")) return "string";
    if (values.every((value) => Number.isInteger(value))) return "integer";
    if (values.every((value) => typeof value === "number")) return "number";
    if (values.every((value) => typeof value === "boolean")) return "boolean";
    return undefined;
  }
  const has = (keyword: string) => readKeyword(schema, keyword) !== undefined;
  if (has("properties")) return "object";
  if (has("items") || has("prefixItems")) return "array";
  if (has("minLength") || has("maxLength") || has("pattern")) return "string";
  if (has("minimum") || has("maximum") || has("exclusiveMinimum") || has("exclusiveMaximum")) return "number";
  return undefined;
}

function isNullSchema(schema: JsonObject): boolean {
  const type = readKeyword(schema, "type");
  if (type === "null" || (Array.isArray(type) && type.length > 0 && type.every((item) => item === "null")))
    return true;
  if (Object.hasOwn(schema, "const") && schema.const === null) return true;
  const values = readKeyword(schema, "enum");
  return Array.isArray(values) && values.length > 0 && values.every((value) => value === null);
}

/** A value Gemini accepts anywhere: no type, only what a human reads. */
function freeForm(schema: JsonObject, notes: string[], state: CompilerState, nullable = false): JsonObject {
  const out: JsonObject = {};
  const title = readKeyword(schema, "title");
  if (typeof title === "string") out.title = title;
  const description = joinDescription(readKeyword(schema, "description"), notes);
  if (description !== undefined) out.description = description;
  if (nullable && state.target === "parameters") out.nullable = true;
  return out;
}

function pickAnnotations(schema: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const keyword of ["title", "description"]) {
    const value = readKeyword(schema, keyword);
    if (typeof value === "string") out[keyword] = value;
  }
  return out;
}

function hasSubschemas(schema: JsonObject): boolean {
  return (
    schema.items !== undefined ||
    schema.prefixItems !== undefined ||
    schema.anyOf !== undefined ||
    schema.oneOf !== undefined ||
    isJsonObject(schema.additionalProperties) ||
    (isJsonObject(schema.properties) && Object.keys(schema.properties).length > 0)
  );
}

function joinDescription(description: unknown, notes: string[]): string | undefined {
  const unique = [...new Set(notes)];
  const text = typeof description === "string" && description !== "" ? description : undefined;
  if (unique.length === 0) return text;
  return text === undefined ? unique.join(" ") : `${text}\n${unique.join(" ")}`;
}

function copyCount(schema: JsonObject, out: JsonObject, keyword: string): void {
  const value = readKeyword(schema, keyword);
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) out[keyword] = value;
}

function copyJsonValue(
  schema: JsonObject,
  out: JsonObject,
  keyword: string,
  position: Position,
  state: CompilerState,
) {
  if (!Object.hasOwn(schema, keyword)) return;
  const value = schema[keyword];
  if (value === undefined) return;
  if (isJsonValue(value, 0)) out[keyword] = structuredCopy(value);
  else warn(state, position.path, `${keyword} is not a JSON value; dropped`);
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** Plain JSON data of bounded depth (no functions, bigints, non-finite numbers, cycles or class instances). */
function isJsonValue(value: unknown, depth: number): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (depth >= 16) return false;
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (isJsonObject(value)) {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return false;
    return Object.values(value).every((item) => isJsonValue(item, depth + 1));
  }
  return false;
}

/** Copies checked JSON data so the result never shares objects with the caller's schema. */
function structuredCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(structuredCopy);
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) writeKeyword(copy, key, structuredCopy(item));
    return copy;
  }
  return value;
}

function formatValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function childOf(position: Position, segment: string, references = position.references): Position {
  return { path: `${position.path}/${segment}`, depth: position.depth + 1, references, hops: 0 };
}

function escapePointer(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}

function warn(state: CompilerState, path: string, message: string): void {
  const warning = `${path}: ${message}`;
  if (state.warned.has(warning)) return;
  state.warned.add(warning);
  state.warnings.push(warning);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
