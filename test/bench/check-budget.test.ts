import { describe, expect, it } from "vitest";
import { checkBudget } from "./check-budget.mjs";

describe("checkBudget", () => {
  it.each([
    { kind: "at-most" as const, measured: 0.4, limit: 0.5, met: true },
    { kind: "at-most" as const, measured: 0.5, limit: 0.5, met: true },
    { kind: "at-most" as const, measured: 0.75, limit: 0.5, met: false },
    { kind: "at-least" as const, measured: 0.3, limit: 0.25, met: true },
    { kind: "at-least" as const, measured: 0.2, limit: 0.25, met: false },
    { kind: "at-least" as const, measured: Number.NaN, limit: 0.25, met: false },
  ])("$kind $limit with $measured: met $met", ({ kind, measured, limit, met }) => {
    const line = checkBudget({ name: "ratio", measured, limit, kind, unit: "×" });
    expect(line.met).toBe(met);
    expect(line.text.startsWith(met ? "MET" : "MISSED")).toBe(true);
  });

  it("says by how much a line misses, as a share of the limit", () => {
    expect(checkBudget({ name: "p50", measured: 3, limit: 2, kind: "at-most", unit: " ms" }).text).toBe(
      "MISSED  p50: 3 ms (budget ≤ 2 ms), misses by 50%",
    );
    expect(
      checkBudget({ name: "rps", measured: 0.1, limit: 0.25, kind: "at-least", unit: "×" }).text,
    ).toContain("misses by 60%");
  });

  it("misses a line whose further condition fails even when the number is within", () => {
    const line = checkBudget({
      name: "streams",
      measured: 0.9,
      limit: 0.5,
      kind: "at-least",
      unit: "×",
      extra: false,
    });
    expect(line.met).toBe(false);
    expect(line.text).toContain("the further condition failed");
  });
});
