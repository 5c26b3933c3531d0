import { computePercentile } from "./compute-percentile.mjs";

/**
 * Sums up a paired comparison: `a[i]` and `b[i]` are the cost of the same slice of work on
 * build A and build B, measured back to back in round `i`. A drift of the machine moves both
 * sides of a pair together, so the ratio of each pair is steadier than either side; the summary
 * says how B compares with A round by round. `NaN` figures for no complete pair.
 *
 * @param {ArrayLike<number>} a
 * @param {ArrayLike<number>} b
 * @returns {{ rounds: number, medianA: number, medianB: number, medianRatio: number, meanRatio: number, roundsBelowOne: number }}
 */
export function summarisePairedSlices(a, b) {
  const rounds = Math.min(a.length, b.length);
  const ratios = [];
  for (let round = 0; round < rounds; round++) ratios.push(b[round] / a[round]);
  return {
    rounds,
    medianA: computePercentile(Array.prototype.slice.call(a, 0, rounds), 0.5),
    medianB: computePercentile(Array.prototype.slice.call(b, 0, rounds), 0.5),
    medianRatio: computePercentile(ratios, 0.5),
    meanRatio: rounds === 0 ? Number.NaN : ratios.reduce((sum, ratio) => sum + ratio, 0) / rounds,
    roundsBelowOne: ratios.filter((ratio) => ratio < 1).length,
  };
}
