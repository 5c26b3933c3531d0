export function computePercentile(samples: ArrayLike<number>, fraction: number): number;
