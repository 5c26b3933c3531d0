import { describe, expect, it } from "vitest";
import { resolveJsonSchemaReference } from "./json-schema-reference.js";

const root = {
  $id: "https://example.test/tool",
  $defs: {
    Name: { type: "string" },
    "a/b": { type: "number" },
    "m~n": { type: "boolean" },
    "100%": { const: 1 },
  },
  definitions: { List: { items: [{ type: "null" }] } },
};

describe("resolveJsonSchemaReference", () => {
  it.each<[string, unknown]>([
    ["#", root],
    ["", root],
    ["#/$defs/Name", { type: "string" }],
    ["#/$defs/a~1b", { type: "number" }],
    ["#/$defs/m~0n", { type: "boolean" }],
    ["#/$defs/100%25", { const: 1 }],
    ["#/definitions/List/items/0", { type: "null" }],
    ["https://example.test/tool#/$defs/Name", { type: "string" }],
    ["#/$defs/Missing", undefined],
    ["#/definitions/List/items/01", undefined],
    ["#/$defs/%E0%A4%A", undefined],
    ["#Name", undefined],
    ["other.json#/$defs/Name", undefined],
    ["#/$defs/constructor", undefined],
  ])("resolves %s", (reference, expected) => {
    expect(resolveJsonSchemaReference(root, reference)).toEqual(expected);
  });
});
