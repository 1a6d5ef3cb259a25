/**
 * Compressed sparse row (CSR) matrices and their JavaScript SpMV kernels.
 *
 * The kernels are plain indexed loops with a fixed summation order (left to right along a row), so
 * a native implementation that keeps the same order gives the same bits.
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

/**
 * `y[i] = sum_j A[i, j] * x[j]` for every row `i` of `A`, summed left to right along the row
 * starting from 0. Only `y[0 .. A.nRows-1]` is written and only `x[0 .. A.nCols-1]` is read, so
 * longer arrays (a local vector whose own values come first) can be passed as they are. Lengths
 * are not checked: this is the hot loop.
 *
 * @example
 * ```ts
 * spmvCsr(A, Float64Array.of(1, 1), y); // y = [3, 2] for the matrix of CsrMatrix's example
 * ```
 */
export function spmvCsr(A: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { nRows, rowPtr, colIdx, values } = A;
  for (let i = 0; i < nRows; i++) {
    let sum = 0;
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) sum += values[k] * x[colIdx[k]];
    y[i] = sum;
  }
}

/**
 * `y[i] += sum_j A[i, j] * x[j]` for every row `i` of `A`, accumulated left to right along the
 * row starting from `y[i]`. Same contract as {@link spmvCsr}.
 *
 * @example
 * ```ts
 * spmvCsrAdd(ownGhost, xGhost, yLocal); // add the ghost columns' contribution
 * ```
 */
export function spmvCsrAdd(A: CsrMatrix, x: Float64Array, y: Float64Array): void {
  const { nRows, rowPtr, colIdx, values } = A;
  for (let i = 0; i < nRows; i++) {
    let sum = y[i];
    const end = rowPtr[i + 1];
    for (let k = rowPtr[i]; k < end; k++) sum += values[k] * x[colIdx[k]];
    y[i] = sum;
  }
}
