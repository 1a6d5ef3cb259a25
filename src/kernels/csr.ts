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
