import fc from "fast-check";
import { describe, expect, it } from "vitest";
import claudeCodeTools from "./__fixtures__/schemas/claude-code-tools.json" with { type: "json" };
import { convertJsonSchema, type JsonSchemaTarget } from "./convert-json-schema.js";
import { createSchemaCompiler } from "./json-schema-compiler.js";

// ---------------------------------------------------------------------------------------------
// Validators: what Gemini (and the @google/genai SDK on the way) accept, per protocol.md §3
// ---------------------------------------------------------------------------------------------

const PARAMETERS_KEYS = new Set([
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
const PARAMETERS_TYPES = new Set(["string", "number", "integer", "boolean", "array", "object"]);
const JSON_SCHEMA_KEYS = new Set([
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
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
  "additionalProperties",
  "anyOf",
  "oneOf",
  "propertyOrdering",
  "default",
]);
const JSON_TYPES = new Set([...PARAMETERS_TYPES, "null"]);
const NUMERIC_KEYS = ["minimum", "maximum"];
const COUNT_KEYS = ["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"];

type Schema = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new Error(`${path}: ${message}`);
}

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Fails on anything the wire cannot carry: undefined, NaN, functions, class instances. */
function assertJsonData(value: unknown, path = "#"): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(path, "non-finite number");
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      assertJsonData(item, `${path}/${index}`);
    });
    return;
  }
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype)
    fail(path, `not JSON data: ${typeof value}`);
  for (const [key, item] of Object.entries(value)) assertJsonData(item, `${path}/${key}`);
}

function checkCommon(schema: Schema, path: string, depth: number, maxDepth: number, allowed: Set<string>) {
  if (depth > maxDepth) fail(path, `depth ${depth} over the limit ${maxDepth}`);
  for (const key of Object.keys(schema)) if (!allowed.has(key)) fail(path, `key ${key} not accepted`);
  for (const key of NUMERIC_KEYS) {
    if (key in schema && !Number.isFinite(schema[key])) fail(path, `${key} is not a finite number`);
  }
  for (const key of COUNT_KEYS) {
    if (key in schema && !(Number.isSafeInteger(schema[key]) && (schema[key] as number) >= 0)) {
      fail(path, `${key} is not a count`);
    }
  }
  for (const key of ["description", "title", "pattern", "format"]) {
    if (key in schema && typeof schema[key] !== "string") fail(path, `${key} is not a string`);
  }
  if ("required" in schema) {
    const properties = schema.properties;
    if (!Array.isArray(schema.required) || !isObject(properties)) fail(path, "required without properties");
    for (const name of schema.required) {
      if (typeof name !== "string" || !Object.hasOwn(properties, name))
        fail(path, `required names missing ${name}`);
    }
  }
}

/** Fails on anything Gemini's `parameters` (the OpenAPI subset) would reject. */
function assertGeminiParametersSchema(schema: unknown, maxDepth = 24, path = "#", depth = 0): void {
  if (!isObject(schema)) fail(path, "not an object");
  if (depth === 0) {
    assertJsonData(schema);
    if (schema.type !== "object") fail(path, "root is not an OBJECT");
    // Exactly `{type: "object"}` means "no parameters": the caller omits the field, so it is never sent.
    if (Object.keys(schema).length === 1) return;
  }
  checkCommon(schema, path, depth, maxDepth, PARAMETERS_KEYS);
  const { type } = schema;
  if (type !== undefined && (typeof type !== "string" || !PARAMETERS_TYPES.has(type))) {
    fail(path, `type ${JSON.stringify(type)} not accepted`);
  }
  if (type !== undefined && schema.anyOf !== undefined)
    fail(path, "type and anyOf together (the SDK throws)");
  if ("nullable" in schema && schema.nullable !== true) fail(path, "nullable is not true");
  if ("enum" in schema) {
    if (type !== "string") fail(path, "enum on a non-string type");
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0) fail(path, "enum is empty");
    if (values.some((value) => typeof value !== "string")) fail(path, "non-string enum value");
  }
  if ("format" in schema && (type !== "string" || !["enum", "date-time"].includes(schema.format as string))) {
    fail(path, `format ${String(schema.format)} not accepted`);
  }
  if (type === "array" && !isObject(schema.items)) fail(path, "array without items");
  if ("items" in schema) {
    if (type !== "array") fail(path, "items on a non-array");
    assertGeminiParametersSchema(schema.items, maxDepth, `${path}/items`, depth + 1);
  }
  if (type === "object") {
    if (!isObject(schema.properties) || Object.keys(schema.properties).length === 0) {
      fail(path, "OBJECT with empty properties");
    }
  }
  if ("properties" in schema) {
    if (type !== "object" || !isObject(schema.properties)) fail(path, "properties on a non-object");
    for (const [name, property] of Object.entries(schema.properties)) {
      assertGeminiParametersSchema(property, maxDepth, `${path}/properties/${name}`, depth + 1);
    }
  }
  if ("propertyOrdering" in schema) {
    const ordering = schema.propertyOrdering;
    if (!Array.isArray(ordering) || !isObject(schema.properties)) fail(path, "bad propertyOrdering");
    for (const name of ordering)
      if (!Object.hasOwn(schema.properties, name)) fail(path, `ordering names ${name}`);
  }
  if ("anyOf" in schema) {
    if (!Array.isArray(schema.anyOf) || schema.anyOf.length === 0) fail(path, "empty anyOf");
    schema.anyOf.forEach((branch, index) => {
      assertGeminiParametersSchema(branch, maxDepth, `${path}/anyOf/${index}`, depth + 1);
    });
  }
}

/** Fails on anything outside the normalised JSON Schema we promise for `parametersJsonSchema`. */
function assertGeminiJsonSchema(schema: unknown, maxDepth = 24, path = "#", depth = 0): void {
  if (!isObject(schema)) fail(path, "not an object");
  if (depth === 0) {
    assertJsonData(schema);
    if (schema.type !== "object") fail(path, "root is not an object schema");
  }
  checkCommon(schema, path, depth, maxDepth, JSON_SCHEMA_KEYS);
  const { type } = schema;
  if (type !== undefined) {
    const list = Array.isArray(type) ? type : [type];
    if (list.length === 0 || list.some((item) => typeof item !== "string" || !JSON_TYPES.has(item))) {
      fail(path, `type ${JSON.stringify(type)} not accepted`);
    }
  }
  if ("enum" in schema) {
    const values = schema.enum;
    if (!Array.isArray(values) || values.length === 0) fail(path, "enum is empty");
    if (values.some((value) => typeof value !== "string" && typeof value !== "number" && value !== null)) {
      fail(path, "enum value type");
    }
  }
  const children: [string, unknown][] = [];
  if ("items" in schema) children.push(["items", schema.items]);
  if (isObject(schema.additionalProperties))
    children.push(["additionalProperties", schema.additionalProperties]);
  else if ("additionalProperties" in schema && typeof schema.additionalProperties !== "boolean") {
    fail(path, "additionalProperties is neither boolean nor schema");
  }
  if ("properties" in schema) {
    if (!isObject(schema.properties)) fail(path, "properties is not an object");
    for (const [name, property] of Object.entries(schema.properties))
      children.push([`properties/${name}`, property]);
  }
  for (const keyword of ["prefixItems", "anyOf", "oneOf"]) {
    if (!(keyword in schema)) continue;
    const list = schema[keyword];
    if (!Array.isArray(list) || list.length === 0) fail(path, `empty ${keyword}`);
    list.forEach((branch, index) => {
      children.push([`${keyword}/${index}`, branch]);
    });
  }
  for (const [segment, child] of children)
    assertGeminiJsonSchema(child, maxDepth, `${path}/${segment}`, depth + 1);
}

function assertValid(target: JsonSchemaTarget, value: unknown, maxDepth?: number) {
  if (target === "parameters") assertGeminiParametersSchema(value, maxDepth);
  else assertGeminiJsonSchema(value, maxDepth);
}

/** Wraps a property schema in a root object, converts it for `parameters`, returns the property. */
function convertProperty(property: unknown, target: JsonSchemaTarget = "parameters") {
  const result = convertJsonSchema({ type: "object", properties: { field: property } }, { target });
  const properties = result.value.properties as Schema | undefined;
  return { value: properties?.field, warnings: result.warnings };
}

// ---------------------------------------------------------------------------------------------
// The validators themselves must be able to fail, or every test below proves nothing
// ---------------------------------------------------------------------------------------------

describe("the test validators", () => {
  it.each<[string, unknown]>([
    ["a type array", { type: "object", properties: { a: { type: ["string", "null"] } } }],
    ["a numeric enum", { type: "object", properties: { a: { type: "integer", enum: [1] } } }],
    ["an array without items", { type: "object", properties: { a: { type: "array" } } }],
    [
      "an OBJECT with empty properties",
      { type: "object", properties: { a: { type: "object", properties: {} } } },
    ],
    ["required naming a missing property", { type: "object", properties: { a: {} }, required: ["b"] }],
    [
      "an unknown key",
      { type: "object", properties: { a: { type: "string", additionalProperties: false } } },
    ],
    ["type beside anyOf", { type: "object", properties: { a: { type: "string", anyOf: [{}, {}] } } }],
    ["a uri format", { type: "object", properties: { a: { type: "string", format: "uri" } } }],
    ["a root with empty properties", { type: "object", properties: {} }],
    ["an untyped root", {}],
  ])("rejects %s for parameters", (_name, schema) => {
    expect(() => assertGeminiParametersSchema(schema)).toThrow();
  });

  it("rejects a schema deeper than the limit", () => {
    const deep = {
      type: "object",
      properties: { a: { type: "object", properties: { b: { type: "string" } } } },
    };
    expect(() => assertGeminiParametersSchema(deep, 1)).toThrow(/depth/);
    expect(() => assertGeminiParametersSchema(deep, 2)).not.toThrow();
  });

  it.each<[string, unknown]>([
    ["a $ref", { type: "object", properties: { a: { $ref: "#/$defs/x" } } }],
    ["a const", { type: "object", properties: { a: { const: 1 } } }],
    ["exclusiveMinimum", { type: "object", properties: { a: { exclusiveMinimum: 1 } } }],
    ["a non-object root", { type: "string" }],
  ])("rejects %s for parametersJsonSchema", (_name, schema) => {
    expect(() => assertGeminiJsonSchema(schema)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Rules, target `parameters`
// ---------------------------------------------------------------------------------------------

describe("convertJsonSchema for parameters", () => {
  it.each<[string, unknown, unknown]>([
    ["keeps a plain string", { type: "string", description: "x" }, { type: "string", description: "x" }],
    [
      "turns a nullable anyOf into nullable",
      { anyOf: [{ type: "string", maxLength: 5 }, { type: "null" }] },
      { type: "string", maxLength: 5, nullable: true },
    ],
    [
      "keeps several non-null branches as anyOf",
      { oneOf: [{ type: "string" }, { type: "integer" }, { type: "null" }], description: "d" },
      { anyOf: [{ type: "string" }, { type: "integer" }], description: "d", nullable: true },
    ],
    [
      "turns a nullable type array into nullable",
      { type: ["string", "null"] },
      { type: "string", nullable: true },
    ],
    [
      "turns a type array into anyOf and keeps each type's keywords",
      { type: ["string", "integer"], maxLength: 3, minimum: 1 },
      {
        anyOf: [
          { type: "string", maxLength: 3 },
          { type: "integer", minimum: 1 },
        ],
      },
    ],
    ["turns a string const into a one-value enum", { const: "on" }, { type: "string", enum: ["on"] }],
    [
      "describes a numeric const",
      { const: 5, type: "integer" },
      { type: "integer", description: "Allowed values: 5." },
    ],
    [
      "describes a numeric enum",
      { type: "number", enum: [1, 2, 3] },
      { type: "number", description: "Allowed values: 1, 2, 3." },
    ],
    ["infers string from a string enum", { enum: ["a", "b"] }, { type: "string", enum: ["a", "b"] }],
    [
      "moves null out of an enum into nullable",
      { type: ["string", "null"], enum: ["a", null] },
      { type: "string", enum: ["a"], nullable: true },
    ],
    [
      "turns a numeric exclusiveMinimum into minimum with a note",
      { type: "number", exclusiveMinimum: 0 },
      { type: "number", minimum: 0, description: "Minimum: 0 (exclusive)." },
    ],
    [
      "turns an integer exclusive bound into the next integer exactly",
      { type: "integer", exclusiveMinimum: 0, exclusiveMaximum: 10 },
      { type: "integer", minimum: 1, maximum: 9 },
    ],
    [
      "reads the draft-4 boolean form",
      { type: "number", maximum: 1.5, exclusiveMaximum: true },
      { type: "number", maximum: 1.5, description: "Maximum: 1.5 (exclusive)." },
    ],
    [
      "keeps the stricter of minimum and exclusiveMinimum",
      { type: "number", minimum: 10, exclusiveMinimum: 2 },
      { type: "number", minimum: 10 },
    ],
    ["keeps date-time", { type: "string", format: "date-time" }, { type: "string", format: "date-time" }],
    [
      "moves other formats into the description",
      { type: "string", format: "uri", description: "Where." },
      { type: "string", description: "Where.\nFormat: uri." },
    ],
    [
      "keeps huge integers as numbers",
      { type: "integer", minimum: 0, maximum: 9007199254740991 },
      { type: "integer", minimum: 0, maximum: 9007199254740991 },
    ],
    ["gives an array without items free-form items", { type: "array" }, { type: "array", items: {} }],
    [
      "turns a 2020-12 tuple into one anyOf item",
      { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] },
      { type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } },
    ],
    [
      "sends an object without properties as an untyped value",
      { type: "object", properties: {}, additionalProperties: { type: "string" }, description: "Headers." },
      { description: "Headers.\nAny JSON object." },
    ],
    [
      "drops keywords Gemini rejects",
      {
        type: "object",
        properties: { a: { type: "string", readOnly: true, examples: ["x"] } },
        additionalProperties: false,
        patternProperties: { "^x": {} },
        propertyNames: { maxLength: 3 },
        unevaluatedProperties: false,
        dependentRequired: { a: ["b"] },
        if: {},
        // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword under test
        then: {},
        else: {},
        not: {},
        $comment: "c",
      },
      { type: "object", properties: { a: { type: "string" } } },
    ],
    [
      "notes uniqueItems and multipleOf",
      { type: "array", items: { type: "integer", multipleOf: 5 }, uniqueItems: true },
      {
        type: "array",
        items: { type: "integer", description: "Multiple of: 5." },
        description: "Items must be unique.",
      },
    ],
    [
      "treats schema true as free-form and drops a false property",
      { type: "object", properties: { any: true, never: false }, required: ["any", "never"] },
      { type: "object", properties: { any: {} }, required: ["any"] },
    ],
    [
      "keeps defaults and examples as JSON",
      { type: "boolean", default: false, example: true },
      { type: "boolean", default: false, example: true },
    ],
  ])("%s", (_name, input, expected) => {
    const { value } = convertProperty(input);
    expect(value).toEqual(expected);
    assertGeminiParametersSchema({ type: "object", properties: { field: value } });
  });

  it("merges allOf: properties and required unioned, bounds tightened", () => {
    const { value } = convertProperty({
      allOf: [
        { type: "object", properties: { a: { type: "integer", minimum: 0, maximum: 100 } }, required: ["a"] },
        { properties: { a: { maximum: 10 }, b: { type: "string" } }, required: ["b"] },
        { properties: { a: { minimum: 5 } } },
      ],
    });
    expect(value).toEqual({
      type: "object",
      properties: { a: { type: "integer", minimum: 5, maximum: 10 }, b: { type: "string" } },
      required: ["a", "b"],
    });
  });

  it("inlines $ref, $defs and draft-7 definitions, with $ref siblings applied", () => {
    const { value } = convertJsonSchema(
      {
        type: "object",
        $defs: { Name: { type: "string", minLength: 1 } },
        definitions: { Count: { type: "integer" } },
        properties: {
          name: { $ref: "#/$defs/Name", description: "Who." },
          count: { $ref: "#/definitions/Count" },
          "a/b": { type: "boolean" },
          escaped: { $ref: "#/properties/a~1b" },
        },
      },
      { target: "parameters" },
    );
    expect(value).toEqual({
      type: "object",
      properties: {
        name: { type: "string", minLength: 1, description: "Who." },
        count: { type: "integer" },
        "a/b": { type: "boolean" },
        escaped: { type: "boolean" },
      },
    });
  });

  it("bounds a recursive $ref and says so in the description", () => {
    const { value, warnings } = convertJsonSchema(
      {
        type: "object",
        properties: { root: { $ref: "#/$defs/Node" } },
        $defs: {
          Node: { type: "object", properties: { next: { $ref: "#/$defs/Node" }, v: { type: "string" } } },
        },
      },
      { target: "parameters" },
    );
    assertGeminiParametersSchema(value);
    const serialized = JSON.stringify(value);
    expect(serialized).toContain("Recursive structure (#/$defs/Node) not expanded further");
    expect(warnings.some((warning) => warning.includes("recursive $ref"))).toBe(true);
  });

  it("replaces an unresolvable or remote $ref by a free-form value with a warning", () => {
    const { value, warnings } = convertProperty({
      $ref: "https://example.test/other.json#/x",
      description: "Other.",
    });
    expect(value).toEqual({ description: "Other." });
    expect(warnings).toEqual([
      '#/properties/field: $ref "https://example.test/other.json#/x" not found; replaced by a free-form value',
    ]);
  });

  it("filters required names that are not declared and warns with the path", () => {
    const result = convertJsonSchema(
      { type: "object", properties: { a: { type: "string" } }, required: ["a", "b", "a"] },
      { target: "parameters" },
    );
    expect(result.value).toEqual({ type: "object", properties: { a: { type: "string" } }, required: ["a"] });
    expect(result.warnings).toEqual(['#: required names undeclared property "b"; dropped']);
  });

  it("truncates at maxDepth with a note", () => {
    let schema: unknown = { type: "string" };
    for (let level = 0; level < 10; level++) schema = { type: "object", properties: { child: schema } };
    const { value, warnings } = convertJsonSchema(schema, { target: "parameters", maxDepth: 4 });
    assertGeminiParametersSchema(value, 4);
    expect(JSON.stringify(value)).toContain("Nested deeper than 4 levels");
    expect(warnings.some((warning) => warning.includes("nested deeper than 4 levels"))).toBe(true);
  });

  it("keeps property names such as -A and __proto__ as plain keys", () => {
    const schema = JSON.parse(
      '{"type":"object","properties":{"-A":{"type":"number"},"__proto__":{"type":"string"}}}',
    );
    const { value } = convertJsonSchema(schema, { target: "parameters" });
    const properties = value.properties as Schema;
    expect(Object.keys(properties)).toEqual(["-A", "__proto__"]);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(properties, "__proto__")?.value).toEqual({ type: "string" });
  });

  it("returns a bare object for a root without properties, so the caller omits parameters", () => {
    expect(convertJsonSchema({ type: "object", properties: {} }, { target: "parameters" })).toEqual({
      value: { type: "object" },
      warnings: [],
    });
  });

  it("merges a root anyOf of object shapes into one object", () => {
    const { value } = convertJsonSchema(
      {
        anyOf: [
          {
            type: "object",
            properties: { id: { type: "string" }, mode: { const: "id" } },
            required: ["id", "mode"],
          },
          {
            type: "object",
            properties: { name: { type: "string" }, mode: { const: "name" } },
            required: ["mode"],
          },
        ],
      },
      { target: "parameters" },
    );
    assertGeminiParametersSchema(value);
    expect(value.required).toEqual(["mode"]);
    expect(Object.keys(value.properties as Schema).sort()).toEqual(["id", "mode", "name"]);
    expect((value.properties as Schema).mode).toEqual({
      anyOf: [
        { type: "string", enum: ["id"] },
        { type: "string", enum: ["name"] },
      ],
    });
  });

  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["a string", "object"],
    ["an array", [{ type: "object" }]],
    ["true", true],
    ["a string schema", { type: "string" }],
  ])("is total for %s", (_name, input) => {
    for (const target of ["parameters", "parametersJsonSchema"] as const) {
      const { value } = convertJsonSchema(input, { target });
      assertValid(target, value);
    }
  });

  it("survives JavaScript object cycles and throwing getters", () => {
    const cyclic: Schema = { type: "object", properties: {} };
    (cyclic.properties as Schema).self = cyclic;
    (cyclic.properties as Schema).list = { type: "array", items: cyclic };
    const looping: Schema = { type: "string" };
    looping.allOf = [looping];
    looping.anyOf = [looping, { type: "null" }];
    const hostile = {
      type: "object",
      get properties(): never {
        throw new Error("boom");
      },
    };
    for (const target of ["parameters", "parametersJsonSchema"] as const) {
      for (const input of [cyclic, { type: "object", properties: { a: looping } }, hostile]) {
        const { value } = convertJsonSchema(input, { target, maxDepth: 6 });
        assertValid(target, value, 6);
      }
    }
  });

  it("does not modify its input and shares no objects with it", () => {
    const input = {
      type: "object",
      properties: { a: { type: "string", default: { nested: [1] } }, b: { allOf: [{ type: "integer" }] } },
    };
    const before = JSON.stringify(input);
    const { value } = convertJsonSchema(input, { target: "parameters" });
    expect(JSON.stringify(input)).toBe(before);
    const a = (value.properties as Schema).a as Schema;
    expect(a.default).toEqual({ nested: [1] });
    expect(a.default).not.toBe(input.properties.a.default);
  });
});

// ---------------------------------------------------------------------------------------------
// Rules, target `parametersJsonSchema`
// ---------------------------------------------------------------------------------------------

describe("convertJsonSchema for parametersJsonSchema", () => {
  it.each<[string, unknown, unknown]>([
    ["turns const into enum", { const: 3 }, { enum: [3] }],
    ["keeps numeric enums", { type: "integer", enum: [1, 2] }, { type: "integer", enum: [1, 2] }],
    ["keeps type arrays", { type: ["string", "null"] }, { type: ["string", "null"] }],
    [
      "keeps anyOf and oneOf",
      { oneOf: [{ type: "string" }, { type: "null" }] },
      { oneOf: [{ type: "string" }, { type: "null" }] },
    ],
    [
      "keeps additionalProperties",
      { type: "object", additionalProperties: { type: "string", format: "uri" } },
      { type: "object", additionalProperties: { type: "string", format: "uri" } },
    ],
    [
      "normalises exclusive bounds",
      { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      {
        type: "number",
        minimum: 0,
        maximum: 1,
        description: "Minimum: 0 (exclusive). Maximum: 1 (exclusive).",
      },
    ],
    [
      "turns draft-4 tuple items into prefixItems",
      { type: "array", items: [{ type: "string" }], additionalItems: { type: "number" } },
      { type: "array", prefixItems: [{ type: "string" }], items: { type: "number" } },
    ],
    [
      "turns OpenAPI nullable into a type union",
      { type: "string", nullable: true },
      { type: ["string", "null"] },
    ],
    [
      "keeps null in an enum and in the type",
      { type: "string", enum: ["a", null] },
      { type: ["string", "null"], enum: ["a", null] },
    ],
    [
      "describes an enum it cannot list",
      { enum: [true, { a: 1 }] },
      { description: 'Allowed values: true, {"a":1}.' },
    ],
    [
      "drops keywords Gemini is not known to accept",
      {
        type: "object",
        properties: { a: { type: "string" } },
        $id: "x",
        propertyNames: {},
        patternProperties: {},
        unevaluatedProperties: false,
        if: {},
        // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword under test
        then: {},
        not: {},
        dependentSchemas: {},
        dependentRequired: {},
      },
      { type: "object", properties: { a: { type: "string" } } },
    ],
  ])("%s", (_name, input, expected) => {
    const { value } = convertProperty(input, "parametersJsonSchema");
    expect(value).toEqual(expected);
    assertGeminiJsonSchema({ type: "object", properties: { field: value } });
  });

  it("inlines $defs, merges allOf and drops $schema at the root", () => {
    const { value } = convertJsonSchema(
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $defs: { Base: { type: "object", properties: { a: { type: "string" } }, required: ["a"] } },
        allOf: [{ $ref: "#/$defs/Base" }, { properties: { b: { type: "number" } } }],
        additionalProperties: false,
      },
      { target: "parametersJsonSchema" },
    );
    expect(value).toEqual({
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a"],
      additionalProperties: false,
    });
  });

  it("keeps an empty-properties object as a real JSON Schema object", () => {
    expect(
      convertJsonSchema(
        { type: "object", properties: {}, additionalProperties: false },
        { target: "parametersJsonSchema" },
      ).value,
    ).toEqual({ type: "object", properties: {}, additionalProperties: false });
  });
});

// ---------------------------------------------------------------------------------------------
// Claude Code-style tools
// ---------------------------------------------------------------------------------------------

describe("Claude Code tool fixture", () => {
  const tools = claudeCodeTools as { name: string; input_schema: unknown }[];
  const byName = (name: string) => tools.find((tool) => tool.name === name)!.input_schema;

  it.each(tools.map((tool) => [tool.name, tool.input_schema] as const))(
    "%s converts for both targets",
    (_n, schema) => {
      assertGeminiParametersSchema(convertJsonSchema(schema, { target: "parameters" }).value);
      assertGeminiJsonSchema(convertJsonSchema(schema, { target: "parametersJsonSchema" }).value);
    },
  );

  it.each(["parameters", "parametersJsonSchema"] as const)(
    "matches the reviewed %s output",
    async (target) => {
      const converted = Object.fromEntries(
        tools.map((tool) => [tool.name, convertJsonSchema(tool.input_schema, { target })]),
      );
      await expect(`${JSON.stringify(converted, null, 2)}\n`).toMatchFileSnapshot(
        `./__fixtures__/schemas/claude-code-tools.${target}.json`,
      );
    },
  );

  it("keeps what the model needs from the Bash and Grep tools", () => {
    const bash = convertJsonSchema(byName("Bash"), { target: "parameters" }).value;
    expect((bash.properties as Schema).timeout).toEqual({
      type: "number",
      minimum: 0,
      maximum: 600000,
      description: "Optional timeout in milliseconds\nMinimum: 0 (exclusive).",
    });
    const grep = convertJsonSchema(byName("Grep"), { target: "parameters" }).value;
    expect(Object.keys(grep.properties as Schema)).toContain("-A");
    expect((grep.properties as Schema).head_limit).toEqual({ type: "integer", minimum: 1 });
  });

  it("leaves DeferredToolPlaceholder without parameters", () => {
    expect(convertJsonSchema(byName("DeferredToolPlaceholder"), { target: "parameters" }).value).toEqual({
      type: "object",
    });
  });

  it("reports each lossy drop once with its path", () => {
    const { warnings } = convertJsonSchema(byName("mcp__memory__create_entities"), { target: "parameters" });
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(warnings).toContain(
      '#/properties/entities/items/properties/metadata: keyword "propertyNames" dropped',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Property-based: any schema-like value ⇒ a valid schema, and the cache agrees
// ---------------------------------------------------------------------------------------------

const REFERENCES = [
  "#",
  "#/$defs/a",
  "#/$defs/b",
  "#/definitions/c",
  "#/properties/p0",
  "#/nope",
  "other.json#/x",
];
const junk = fc.oneof(
  fc.constantFrom(
    null,
    0,
    -1,
    1.5,
    "",
    "x",
    true,
    false,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    9007199254740991,
  ),
  fc.array(fc.integer(), { maxLength: 2 }),
);
const anyNumber = fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double({ noNaN: false }), fc.boolean(), junk);
const propertyName = fc.oneof(
  fc.constantFrom("p0", "p1", "-A", "a/b", "__proto__", "constructor", ""),
  fc.string(),
);

type SchemaArbitraries = {
  schema: unknown;
  objectNode: Record<string, unknown>;
  arrayNode: Record<string, unknown>;
  scalarNode: Record<string, unknown>;
  combinatorNode: Record<string, unknown>;
  referenceNode: Record<string, unknown>;
  chaoticNode: Record<string, unknown>;
};

/** Annotations and dropped keywords any node may carry. */
const decorations = fc.record(
  {
    description: fc.oneof(fc.string(), junk),
    title: fc.string(),
    nullable: fc.oneof(fc.boolean(), junk),
    default: fc.jsonValue({ maxDepth: 2 }),
    $comment: fc.string(),
    examples: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
    readOnly: fc.boolean(),
    unknownKeyword: junk,
  },
  { requiredKeys: [] },
);

function decorated(node: fc.Arbitrary<Record<string, unknown>>) {
  return fc
    .tuple(node, fc.option(decorations, { freq: 2, nil: undefined }))
    .map(([base, extra]) => (extra === undefined ? base : { ...extra, ...base }));
}

const scalarTypes = fc.constantFrom("string", "number", "integer", "boolean", "null");

const schemaArbitraries = fc.letrec<SchemaArbitraries>((tie) => ({
  // The first alternative is the leaf, so `depthSize` can end the recursion.
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("scalarNode"),
    tie("objectNode"),
    tie("arrayNode"),
    tie("combinatorNode"),
    tie("referenceNode"),
    tie("chaoticNode"),
    fc.boolean(),
    junk,
  ),
  objectNode: decorated(
    fc
      .record(
        {
          type: fc.constantFrom("object", undefined, ["object", "null"]),
          properties: fc.dictionary(propertyName, tie("schema"), { maxKeys: 4 }),
          extraRequired: fc.array(propertyName, { maxLength: 2 }),
          additionalProperties: fc.oneof(fc.boolean(), tie("schema")),
          patternProperties: fc.dictionary(fc.string(), tie("schema"), { maxKeys: 1 }),
          propertyNames: tie("schema"),
          minProperties: anyNumber,
        },
        { requiredKeys: ["properties", "extraRequired"] },
      )
      .map(({ extraRequired, ...node }) => ({
        ...node,
        required: [...Object.keys(node.properties).slice(0, 2), ...extraRequired],
      })),
  ),
  arrayNode: decorated(
    fc.record(
      {
        type: fc.constantFrom("array", undefined, ["array", "null"]),
        items: fc.oneof(tie("schema"), fc.array(tie("schema"), { maxLength: 2 })),
        prefixItems: fc.array(tie("schema"), { maxLength: 2 }),
        additionalItems: tie("schema"),
        minItems: anyNumber,
        maxItems: anyNumber,
        uniqueItems: fc.boolean(),
      },
      { requiredKeys: ["type"] },
    ),
  ),
  scalarNode: decorated(
    fc.record(
      {
        type: fc.oneof(scalarTypes, fc.array(scalarTypes, { maxLength: 3 })),
        enum: fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean()), {
          maxLength: 4,
        }),
        const: fc.jsonValue({ maxDepth: 1 }),
        minimum: anyNumber,
        maximum: anyNumber,
        exclusiveMinimum: anyNumber,
        exclusiveMaximum: anyNumber,
        multipleOf: anyNumber,
        minLength: anyNumber,
        maxLength: anyNumber,
        pattern: fc.oneof(fc.string(), junk),
        format: fc.oneof(fc.constantFrom("uri", "date-time", "enum", "email", "int64"), junk),
      },
      { requiredKeys: [] },
    ),
  ),
  combinatorNode: decorated(
    fc.record(
      {
        type: fc.oneof(fc.constantFrom("object", "string"), fc.array(scalarTypes, { maxLength: 2 })),
        anyOf: fc.array(tie("schema"), { maxLength: 3 }),
        oneOf: fc.array(tie("schema"), { maxLength: 3 }),
        allOf: fc.array(tie("schema"), { maxLength: 3 }),
        not: tie("schema"),
        if: tie("schema"),
        // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword under test
        then: tie("schema"),
      },
      { requiredKeys: [] },
    ),
  ),
  referenceNode: decorated(fc.record({ $ref: fc.oneof(fc.constantFrom(...REFERENCES), junk) })),
  chaoticNode: fc.dictionary(
    fc.constantFrom(
      "type",
      "properties",
      "items",
      "anyOf",
      "allOf",
      "$ref",
      "enum",
      "required",
      "format",
      "x",
    ),
    fc.oneof(junk, tie("schema"), fc.array(tie("schema"), { maxLength: 2 })),
    { maxKeys: 4 },
  ),
}));

const arbitraryRoot = fc
  .tuple(
    fc.oneof(
      { weight: 4, arbitrary: schemaArbitraries.objectNode },
      { weight: 1, arbitrary: schemaArbitraries.schema },
    ),
    fc.record({ a: schemaArbitraries.schema, b: schemaArbitraries.objectNode }, { requiredKeys: [] }),
    fc.option(schemaArbitraries.schema, { nil: undefined }),
  )
  .map(([root, defs, definition]) =>
    typeof root === "object" && root !== null && !Array.isArray(root)
      ? { ...root, $defs: defs, definitions: { c: definition } }
      : root,
  );
const arbitraryTarget = fc.constantFrom<JsonSchemaTarget>("parameters", "parametersJsonSchema");
const arbitraryDepth = fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined });

describe("convertJsonSchema properties", () => {
  it("is total and valid for any schema-like value under both targets", () => {
    fc.assert(
      fc.property(arbitraryRoot, arbitraryTarget, arbitraryDepth, (schema, target, maxDepth) => {
        const { value, warnings } = convertJsonSchema(schema, { target, maxDepth });
        assertValid(target, value, maxDepth);
        expect(new Set(warnings).size).toBe(warnings.length);
      }),
      { numRuns: 400 },
    );
  });

  it("accepts every Claude Code-shaped object schema as an object with its properties", () => {
    const leaf = fc.record(
      { type: fc.constantFrom("string", "number", "integer", "boolean"), description: fc.string() },
      { requiredKeys: ["type"] },
    );
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), leaf, { minKeys: 1, maxKeys: 6 }),
        (properties) => {
          const schema = {
            type: "object",
            properties,
            required: Object.keys(properties),
            additionalProperties: false,
          };
          const { value } = convertJsonSchema(schema, { target: "parameters" });
          assertGeminiParametersSchema(value);
          expect(Object.keys(value.properties as Schema)).toEqual(Object.keys(properties));
          expect(value.required).toEqual(Object.keys(properties));
        },
      ),
    );
  });

  it("gives the same result through the cache as without it", () => {
    const compiler = createSchemaCompiler({ maxEntries: 16 });
    fc.assert(
      fc.property(arbitraryRoot, arbitraryTarget, arbitraryDepth, (generated, target, maxDepth) => {
        // JSON content is the cache key, so compare on inputs that are JSON data.
        const schema = generated === undefined ? undefined : JSON.parse(JSON.stringify(generated));
        const expected = convertJsonSchema(schema, { target, maxDepth });
        expect(compiler.convert(schema, { target, maxDepth })).toEqual(expected);
        expect(compiler.convert(schema, { target, maxDepth })).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});
