/**
 * Compressed sparse row (CSR) matrices: the storage of a part's matrix blocks. The SpMV kernels
 * that work on them are in the {@link KernelSet} (`kernel-set.ts`).
 *
 * @module
 */

/**
 * A sparse matrix in CSR form with 0-based local ids. Row `i` holds the entries
 * `k = rowPtr[i] .. rowPtr[i+1]-1`, at column `colIdx[k]` with value `values[k]`; columns are
 * ascending and unique within a row. The arrays belong to the matrix (callers may overwrite
 * `values` in place, never the structure).
 *
 * @example
 * ```ts
 * // [[4, -1], [0, 2]]
 * const A: CsrMatrix = {
 *   nRows: 2, nCols: 2,
 *   rowPtr: Int32Array.of(0, 2, 3), colIdx: Int32Array.of(0, 1, 1), values: Float64Array.of(4, -1, 2),
 * };
 * ```
 * @group PSparseMatrix
 */
export interface CsrMatrix {
  /** Number of rows. */
  readonly nRows: number;
  /** Number of columns. */
  readonly nCols: number;
  /** `nRows + 1` offsets into `colIdx`/`values` (`rowPtr[0] = 0`, `rowPtr[nRows]` = stored entries). */
  readonly rowPtr: Int32Array;
  /** Column of each stored entry. */
  readonly colIdx: Int32Array;
  /** Value of each stored entry. */
  readonly values: Float64Array;
}

/**
 * The rows of a CSR block that hold entries, as the half-open range `[first, end)` from the first
 * such row to one past the last (rows in between may be empty). `{ first: nRows, end: nRows }`
 * when the block has no entries. O(log nRows): `rowPtr` is non-decreasing, so both ends are
 * binary searches. The own-ghost block of a slab partition has entries only in the rows next to a
 * neighbour, so this is the only range whose product has to wait for the ghost update.
 *
 * @example
 * ```ts
 * entryRowSpan({ nRows: 4, nCols: 2, rowPtr: Int32Array.of(0, 0, 1, 1, 1), colIdx, values });
 * // { first: 1, end: 2 }
 * ```
 */
export function entryRowSpan(block: CsrMatrix): { first: number; end: number } {
  const { nRows, rowPtr } = block;
  const start = rowPtr[0];
  const stop = rowPtr[nRows];
  if (stop === start) return { first: nRows, end: nRows };
  // first = (the smallest m in 1..nRows with rowPtr[m] > start) - 1
  let lo = 1;
  let hi = nRows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowPtr[mid] > start) hi = mid;
    else lo = mid + 1;
  }
  const first = lo - 1;
  // end = the smallest j in 0..nRows with rowPtr[j] === stop
  lo = 0;
  hi = nRows;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowPtr[mid] >= stop) hi = mid;
    else lo = mid + 1;
  }
  return { first, end: lo };
}

