/**
 * Order statistics of benchmark samples.
 *
 * @module
 */

/**
 * The median of `values` (the mean of the two middle values when their count is even); `NaN` for
 * no values. The input is not modified.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median(Float64Array.of(4, 1, 3, 2)); // 2.5
 * ```
 */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
