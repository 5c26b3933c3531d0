import { describe, expect, it } from "vitest";
import { formatNumber, formatTable } from "./format-table.mjs";

describe("formatTable", () => {
  it("pads columns, right-aligns numeric ones and marks them in the rule", () => {
    expect(
      formatTable(
        ["case", "req/s", "ratio"],
        [
          ["small", 1234, 0.25],
          ["Claude-Code-size", 56, 0.125],
        ],
      ),
    ).toBe(
      [
        "| case             | req/s | ratio |",
        "|------------------|------:|------:|",
        "| small            |  1234 | 0.250 |",
        "| Claude-Code-size |    56 | 0.125 |",
      ].join("\n"),
    );
  });
});

describe("formatNumber", () => {
  it.each([
    [12345.6, "12346"],
    [42.42, "42.4"],
    [3.45678, "3.46"],
    [0.04567, "0.046"],
    [16, "16"],
    [Number.NaN, "n/a"],
  ])("%s → %s", (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
