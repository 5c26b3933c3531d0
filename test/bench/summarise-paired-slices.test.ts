import { describe, expect, it } from "vitest";
import { summarisePairedSlices } from "./summarise-paired-slices.mjs";

describe("summarisePairedSlices", () => {
  it("compares B with A pair by pair, so a drift that moves both sides cancels", () => {
    // The machine slows down fourfold over the run; B stays 10% cheaper in every pair.
    const a = [100, 200, 300, 400];
    const b = [90, 180, 270, 360];
    const summary = summarisePairedSlices(a, b);
    expect(summary.medianRatio).toBeCloseTo(0.9, 10);
    expect(summary.meanRatio).toBeCloseTo(0.9, 10);
    expect(summary.roundsBelowOne).toBe(4);
    expect(summary.medianA).toBe(200);
    expect(summary.medianB).toBe(180);
    expect(summary.rounds).toBe(4);
  });

  it("counts only complete pairs", () => {
    const summary = summarisePairedSlices([100, 100, 100], [110, 90]);
    expect(summary.rounds).toBe(2);
    expect(summary.roundsBelowOne).toBe(1);
    expect(summary.meanRatio).toBeCloseTo(1, 10);
    expect(summary.medianA).toBe(100);
  });

  it("gives NaN figures without a pair", () => {
    const summary = summarisePairedSlices([], [1]);
    expect(summary.rounds).toBe(0);
    expect(summary.medianRatio).toBeNaN();
    expect(summary.meanRatio).toBeNaN();
    expect(summary.roundsBelowOne).toBe(0);
  });
});
