/**
 * The `fraction` percentile (0.5 for p50, 0.99 for p99) of `samples` by the nearest-rank
 * method: the smallest sample with at least that share of the samples at or below it. It is
 * always one of the measured values, never an interpolation between two. `NaN` for no samples.
 *
 * @param {ArrayLike<number>} samples
 * @param {number} fraction
 * @returns {number}
 */
export function computePercentile(samples, fraction) {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil(Math.min(1, Math.max(0, fraction)) * sorted.length);
  return sorted[Math.max(0, rank - 1)];
}
