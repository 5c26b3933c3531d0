import { describe, expect, it } from "vitest";
import { mergeJsonSchemas } from "./json-schema-merge.js";

describe("mergeJsonSchemas", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]>([
    [
      "intersects types, integer within number",
      { type: ["number", "string"] },
      { type: "integer" },
      { type: "integer" },
    ],
    [
      "takes the stricter bounds",
      { minimum: 1, maxLength: 9 },
      { minimum: 3, maxLength: 4 },
      { minimum: 3, maxLength: 4 },
    ],
    ["intersects enums", { enum: ["a", "b", 1] }, { enum: [1, "b", "c"] }, { enum: ["b", 1] }],
    ["unions required", { required: ["a"] }, { required: ["b", "a"] }, { required: ["a", "b"] }],
    [
      "unions properties and defers shared ones to allOf",
      { properties: { a: { type: "string" } } },
      { properties: { a: { maxLength: 2 }, b: {} } },
      { properties: { a: { allOf: [{ type: "string" }, { maxLength: 2 }] }, b: {} } },
    ],
    [
      "lets false additionalProperties win",
      { additionalProperties: {} },
      { additionalProperties: false },
      { additionalProperties: false },
    ],
    ["joins different descriptions", { description: "A." }, { description: "B." }, { description: "A.\nB." }],
    [
      "keeps the primary's annotations",
      { title: "P", default: 1 },
      { title: "S", default: 2 },
      { title: "P", default: 1 },
    ],
    [
      "keeps nullable only when both sides allow null",
      { nullable: true },
      { type: "string" },
      { type: "string" },
    ],
    [
      "keeps nullable when the other side is untyped",
      { type: "string" },
      { nullable: true },
      { type: "string" },
    ],
    [
      "adds nullable when the primary is untyped",
      { minLength: 1 },
      { nullable: true, type: "string" },
      { minLength: 1, nullable: true, type: "string" },
    ],
  ])("%s", (_name, primary, secondary, expected) => {
    expect(mergeJsonSchemas(primary, secondary)).toEqual({ value: expected, warnings: [] });
  });

  it("warns and keeps the primary when types or enums are disjoint", () => {
    const result = mergeJsonSchemas({ type: "string", enum: ["a"] }, { type: "number", enum: ["b"] });
    expect(result.value).toEqual({ type: "string", enum: ["a"] });
    expect(result.warnings).toHaveLength(2);
  });

  it("moves a second pattern into the description", () => {
    expect(mergeJsonSchemas({ pattern: "^a" }, { pattern: "b$" }).value).toEqual({
      pattern: "^a",
      description: "Must also match the pattern b$.",
    });
  });

  it("does not modify its inputs", () => {
    const primary = { properties: { a: { type: "string" } }, required: ["a"] };
    const secondary = { properties: { b: { type: "string" } }, required: ["b"] };
    const before = JSON.stringify([primary, secondary]);
    mergeJsonSchemas(primary, secondary);
    expect(JSON.stringify([primary, secondary])).toBe(before);
  });
});
