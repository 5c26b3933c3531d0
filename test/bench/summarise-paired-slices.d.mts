export function summarisePairedSlices(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): {
  rounds: number;
  medianA: number;
  medianB: number;
  medianRatio: number;
  meanRatio: number;
  roundsBelowOne: number;
};
