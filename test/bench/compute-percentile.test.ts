import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computePercentile } from "./compute-percentile.mjs";

describe("computePercentile", () => {
  it("takes the nearest rank, never an interpolation", () => {
    const samples = [5, 1, 4, 2, 3, 6, 8, 7, 10, 9];
    expect(computePercentile(samples, 0.5)).toBe(5);
    expect(computePercentile(samples, 0.99)).toBe(10);
    expect(computePercentile(samples, 0.1)).toBe(1);
    expect(computePercentile(samples, 0)).toBe(1);
  });

  it("is NaN without samples", () => {
    expect(computePercentile([], 0.5)).toBeNaN();
  });

  it("returns a sample with at least that share of samples at or below it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (samples, fraction) => {
          const value = computePercentile(samples, fraction);
          expect(samples).toContain(value);
          const atOrBelow = samples.filter((sample) => sample <= value).length;
          expect(atOrBelow / samples.length).toBeGreaterThanOrEqual(fraction - 1e-12);
          // And it is the smallest such sample: anything smaller covers too few.
          const below = samples.filter((sample) => sample < value).length;
          expect(below / samples.length).toBeLessThan(Math.max(fraction, Number.EPSILON));
        },
      ),
    );
  });
});
