import type { DroppedFeature } from "@claude-gemini/core";
import { describe, expect, it } from "vitest";
import { formatWarningsHeader } from "./format-warnings-header.js";

const drop = (feature: string): DroppedFeature => ({ feature, message: `${feature} was dropped.` });

describe("formatWarningsHeader", () => {
  it("is absent when nothing was dropped", () => {
    expect(formatWarningsHeader([])).toBeUndefined();
  });

  it("lists each feature once, in order", () => {
    expect(
      formatWarningsHeader([drop("tool:code_execution_20250825"), drop("web_search"), drop("web_search")]),
    ).toBe("tool:code_execution_20250825, web_search");
  });

  it("keeps client-supplied text ASCII and short", () => {
    const value = formatWarningsHeader([drop(`tool:évil\r\nx-injected: 1${"a".repeat(200)}`)]);
    expect(value).toMatch(/^[A-Za-z0-9_.:-]+$/);
    expect(value!.length).toBe(64);
  });

  it("stays within 512 characters and says how many more there were", () => {
    const many = Array.from({ length: 60 }, (_, index) => drop(`block:type_number_${index}`));
    const value = formatWarningsHeader(many)!;
    expect(value.length).toBeLessThanOrEqual(512);
    const [, more] = /\+(\d+) more$/.exec(value) ?? [];
    const listed = value.split(", ").length - 1;
    expect(listed + Number(more)).toBe(60);
    // A header value the Fetch API accepts.
    expect(() => new Headers({ "x-claude-gemini-warnings": value })).not.toThrow();
  });
});
