import { describe, expect, it } from "vitest";
import claudeCodeTools from "./__fixtures__/schemas/claude-code-tools.json" with { type: "json" };
import { convertJsonSchema } from "./convert-json-schema.js";
import { createSchemaCompiler } from "./json-schema-compiler.js";

const bash = {
  type: "object",
  properties: { command: { type: "string", format: "uri" } },
  required: ["command"],
};

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
});
