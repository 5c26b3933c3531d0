import fc from "fast-check";
import { describe, expect, it } from "vitest";
import claudeCodeTools from "./__fixtures__/schemas/claude-code-tools.json" with { type: "json" };
import { convertJsonSchema } from "./convert-json-schema.js";
import { createSchemaCompiler } from "./json-schema-compiler.js";

const bash = {
  type: "object",
  properties: { command: { type: "string", format: "uri" } },
  required: ["command"],
};

/** Changes one object nested in `root` (chosen by `where`): renames a key, replaces a value, reverses key order, or nothing. */
function tweak(root: Record<string, unknown>, where: number, how: number): Record<string, unknown> {
  const objects: Record<string, unknown>[] = [];
  const visit = (value: unknown) => {
    if (typeof value !== "object" || value === null) return;
    if (!Array.isArray(value)) objects.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) visit(child);
  };
  visit(root);
  const target = objects[where % objects.length]!;
  const entries = Object.entries(target);
  if (how === 0 || entries.length === 0) return root;
  for (const key of Object.keys(target)) delete target[key];
  if (how === 3) entries.reverse();
  for (const [index, [key, value]] of entries.entries()) {
    if (index === 0 && how === 1) target[`${key}_renamed`] = value;
    else if (index === 0 && how === 2) target[key] = "changed";
    else target[key] = value;
  }
  return root;
}

describe("createSchemaCompiler", () => {
  it("returns the uncached result and serves equal content from the cache", () => {
    const compiler = createSchemaCompiler();
    const first = compiler.convert(bash, { target: "parameters" });
    expect(first).toEqual(convertJsonSchema(bash, { target: "parameters" }));
    // A different object with the same content hits the cache: the value is the very same object.
    const second = compiler.convert(structuredClone(bash), { target: "parameters" });
    expect(second.value).toBe(first.value);
    expect(second.warnings).toEqual(first.warnings);
    expect(compiler.size).toBe(1);
  });

  it("keys by target and maxDepth as well as content", () => {
    const compiler = createSchemaCompiler();
    const parameters = compiler.convert(bash, { target: "parameters" });
    const jsonSchema = compiler.convert(bash, { target: "parametersJsonSchema" });
    compiler.convert(bash, { target: "parameters", maxDepth: 3 });
    expect(parameters.value).not.toEqual(jsonSchema.value);
    expect(compiler.size).toBe(3);
  });

  it("protects cached values from callers", () => {
    const compiler = createSchemaCompiler();
    const result = compiler.convert(bash, { target: "parameters" });
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(Object.isFrozen(result.value.properties)).toBe(true);
    expect(() => {
      (result.value.properties as Record<string, unknown>).extra = {};
    }).toThrow(TypeError);
    result.warnings.push("caller's own note");
    expect(compiler.convert(bash, { target: "parameters" }).warnings).toEqual(
      convertJsonSchema(bash, { target: "parameters" }).warnings,
    );
  });

  it("evicts the least recently used entry beyond maxEntries", () => {
    const compiler = createSchemaCompiler({ maxEntries: 2 });
    const schemaOf = (name: string) => ({ type: "object", properties: { [name]: { type: "string" } } });
    const a = compiler.convert(schemaOf("a"), { target: "parameters" }).value;
    compiler.convert(schemaOf("b"), { target: "parameters" });
    compiler.convert(schemaOf("a"), { target: "parameters" }); // a is now the most recent
    compiler.convert(schemaOf("c"), { target: "parameters" }); // evicts b
    expect(compiler.size).toBe(2);
    expect(compiler.convert(schemaOf("a"), { target: "parameters" }).value).toBe(a);
    const b = compiler.convert(schemaOf("b"), { target: "parameters" }).value;
    expect(compiler.convert(schemaOf("b"), { target: "parameters" }).value).toBe(b);
  });

  it("compiles inputs it cannot key (cycles) without caching them", () => {
    const compiler = createSchemaCompiler();
    const cyclic: Record<string, unknown> = { type: "object" };
    cyclic.properties = { self: cyclic, name: { type: "string" } };
    const result = compiler.convert(cyclic, { target: "parameters", maxDepth: 3 });
    expect(result).toEqual(convertJsonSchema(cyclic, { target: "parameters", maxDepth: 3 }));
    expect(compiler.size).toBe(0);
  });

  it("compiles a repeated Claude Code tool set once and serves the same frozen result after that", () => {
    const tools = claudeCodeTools as { input_schema: unknown }[];
    const compiler = createSchemaCompiler();
    const first = tools.map((tool) => compiler.convert(tool.input_schema, { target: "parameters" }).value);
    // A structurally equal copy (a new request body) must hit the cache: same object back.
    const again = tools.map(
      (tool) => compiler.convert(structuredClone(tool.input_schema), { target: "parameters" }).value,
    );
    expect(compiler.size).toBe(tools.length);
    for (const [index, value] of again.entries()) expect(value).toBe(first[index]);
  });

  it("keeps schemas apart that differ only in key order, as their JSON text does", () => {
    const compiler = createSchemaCompiler();
    const forward = { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } };
    const backward = { type: "object", properties: { b: { type: "number" }, a: { type: "string" } } };
    const first = compiler.convert(forward, { target: "parameters" }).value;
    const second = compiler.convert(backward, { target: "parameters" }).value;
    expect(second).not.toBe(first);
    expect(second).toEqual(convertJsonSchema(backward, { target: "parameters" }).value);
    expect(compiler.size).toBe(2);
  });

  it("compiles schemas holding values JSON text would change (undefined, NaN, a Date) without caching them", () => {
    const compiler = createSchemaCompiler();
    for (const odd of [
      { type: "string", description: undefined },
      { type: "number", maximum: Number.NaN },
      { type: "string", default: new Date(0) },
    ]) {
      expect(compiler.convert(odd, { target: "parameters" })).toEqual(
        convertJsonSchema(odd, { target: "parameters" }),
      );
    }
    expect(compiler.size).toBe(0);
  });

  it("property: serves exactly what convertJsonSchema gives, and hits only on equal JSON text", () => {
    const leaf = fc.oneof(
      fc.constantFrom("string", "number", "integer", "boolean", "object", "array", "null"),
      fc.integer({ min: -3, max: 3 }),
      fc.boolean(),
      fc.constant(null),
    );
    const schema = fc
      .letrec((tie) => ({
        node: fc.dictionary(
          fc.constantFrom(
            "type",
            "properties",
            "items",
            "required",
            "enum",
            "description",
            "minimum",
            "anyOf",
            "a",
            "b",
          ),
          fc.oneof(
            { depthSize: "small" },
            leaf,
            tie("node"),
            fc.array(fc.oneof(leaf, tie("node")), { maxLength: 3 }),
          ),
          { maxKeys: 4 },
        ),
      }))
      .node.map((generated) => JSON.parse(JSON.stringify(generated)) as Record<string, unknown>);
    fc.assert(
      fc.property(
        fc.array(schema, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(3)), { maxLength: 8 }),
        (schemas, repeats) => {
          const compiler = createSchemaCompiler({ maxEntries: 4 });
          const texts: string[] = [];
          // Fresh copies of earlier schemas come back, as they do in every new request body, some
          // with one change deep inside (a renamed key, a new value, keys reordered): near misses.
          const sequence = [
            ...schemas,
            ...repeats.map(([pick, where, how]) =>
              tweak(structuredClone(schemas[pick % schemas.length]!), where, how),
            ),
          ];
          for (const input of sequence) {
            const sizeBefore = compiler.size;
            const result = compiler.convert(input, { target: "parametersJsonSchema" });
            expect(result).toEqual(convertJsonSchema(input, { target: "parametersJsonSchema" }));
            const text = JSON.stringify(input);
            // Without eviction in play, the cache grows exactly when the text is new.
            if (new Set(texts).size < 4)
              expect(compiler.size - sizeBefore).toBe(texts.includes(text) ? 0 : 1);
            texts.push(text);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
