/**
 * COO → CSR compression: the structure of a CSR matrix built from (row, col) pairs, and for every
 * pair the stored entry it adds to. Splitting structure from values lets psparse compute the
 * pattern once and refill values many times with the same summation order.
 *
 * @module
 */
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';

/** The CSR pattern of a list of COO pairs, and where each pair lands in it. */
export interface CooPattern {
  /** `nRows + 1` row offsets. */
  readonly rowPtr: Int32Array;
  /** Column of each stored entry: ascending and unique within a row. */
  readonly colIdx: Int32Array;
  /** Per input pair, the index of its stored entry in `colIdx`, or −1 when the pair was skipped. */
  readonly entryOf: Int32Array;
}

/**
 * Compresses COO pairs into a CSR pattern: duplicates share one stored entry, columns are sorted
 * within each row. Pairs with a negative row or column are skipped (`entryOf = −1`). Ids must be
 * integers below `nRows` / `nCols` (not checked: callers validate user input first).
 *
 * Memory scales with the pairs and the rows, never with `nCols` alone: when `nCols` is at most
 * `pairs + nRows` the pairs are sorted by two stable counting sorts (O(pairs + nRows + nCols)),
 * otherwise (a few pairs in a wide column range, e.g. columns near 2^31 owned by one part) by a
 * counting sort on rows and a comparison sort within each row (O(pairs log pairs + nRows)). Both
 * give the same pattern.
 *
 * @example
 * ```ts
 * const { rowPtr, colIdx, entryOf } = compressCoo(2, 3, Int32Array.of(1, 0, 1), Int32Array.of(2, 0, 2));
 * // rowPtr [0, 1, 2], colIdx [0, 2], entryOf [1, 0, 1]
 * ```
 */
export function compressCoo(nRows: number, nCols: number, rowIds: Int32Array, colIds: Int32Array): CooPattern {
  const m = rowIds.length;
  const entryOf = new Int32Array(m).fill(-1);
  const sorted = nCols <= m + nRows ? sortByCounting(nRows, nCols, rowIds, colIds) : sortByComparison(nRows, rowIds, colIds);
  const kept = sorted.length;

  const rowPtr = largeArrays.int32(nRows + 1);
  const colIdx = new Int32Array(kept);
  let nnz = 0;
  let lastRow = -1;
  let lastCol = -1;
  for (let j = 0; j < kept; j++) {
    const k = sorted[j];
    const r = rowIds[k];
    const c = colIds[k];
    if (r !== lastRow || c !== lastCol) {
      colIdx[nnz++] = c;
      rowPtr[r + 1]++;
      lastRow = r;
      lastCol = c;
    }
    entryOf[k] = nnz - 1;
  }
  for (let r = 0; r < nRows; r++) rowPtr[r + 1] += rowPtr[r];
  const storedColIdx = largeArrays.int32(nnz);
  storedColIdx.set(colIdx.subarray(0, nnz));
  return { rowPtr, colIdx: storedColIdx, entryOf };
}

/** Pair indices kept (both ids non-negative), sorted by (row, column), ties in input order. */
function sortByCounting(nRows: number, nCols: number, rowIds: Int32Array, colIds: Int32Array): Int32Array {
  const m = rowIds.length;
  const colStart = new Int32Array(nCols + 1);
  for (let k = 0; k < m; k++) if (rowIds[k] >= 0 && colIds[k] >= 0) colStart[colIds[k] + 1]++;
  for (let c = 0; c < nCols; c++) colStart[c + 1] += colStart[c];
  const kept = colStart[nCols];
  const byCol = new Int32Array(kept);
  for (let k = 0; k < m; k++) if (rowIds[k] >= 0 && colIds[k] >= 0) byCol[colStart[colIds[k]]++] = k;
  // A stable sort by row of the column-sorted pairs: sorted by (row, col), ties in input order.
  const rowStart = new Int32Array(nRows + 1);
  for (let j = 0; j < kept; j++) rowStart[rowIds[byCol[j]] + 1]++;
  for (let r = 0; r < nRows; r++) rowStart[r + 1] += rowStart[r];
  const sorted = new Int32Array(kept);
  for (let j = 0; j < kept; j++) sorted[rowStart[rowIds[byCol[j]]]++] = byCol[j];
  return sorted;
}

/** As {@link sortByCounting}, without any array of `nCols` entries. */
function sortByComparison(nRows: number, rowIds: Int32Array, colIds: Int32Array): Int32Array {
  const m = rowIds.length;
  const rowStart = new Int32Array(nRows + 1);
  let kept = 0;
  for (let k = 0; k < m; k++) {
    if (rowIds[k] >= 0 && colIds[k] >= 0) {
      rowStart[rowIds[k] + 1]++;
      kept++;
    }
  }
  for (let r = 0; r < nRows; r++) rowStart[r + 1] += rowStart[r];
  const next = rowStart.slice(0, nRows);
  const sorted = new Int32Array(kept);
  for (let k = 0; k < m; k++) if (rowIds[k] >= 0 && colIds[k] >= 0) sorted[next[rowIds[k]]++] = k;
  const byColumn = (a: number, b: number): number => colIds[a] - colIds[b] || a - b;
  for (let r = 0; r < nRows; r++) {
    if (rowStart[r + 1] - rowStart[r] > 1) sorted.subarray(rowStart[r], rowStart[r + 1]).sort(byColumn);
  }
  return sorted;
}

/**
 * A CSR matrix from COO triplets: duplicates are summed in order of appearance (starting from 0),
 * pairs with a negative id are skipped. Same preconditions as {@link compressCoo}.
 *
 * @example
 * ```ts
 * csrFromCoo(1, 2, Int32Array.of(0, 0), Int32Array.of(1, 1), [2, 3]).values; // [5]
 * ```
 */
export function csrFromCoo(
  nRows: number,
  nCols: number,
  rowIds: Int32Array,
  colIds: Int32Array,
  values: ArrayLike<number>,
): CsrMatrix {
  const { rowPtr, colIdx, entryOf } = compressCoo(nRows, nCols, rowIds, colIds);
  const summed = new Float64Array(colIdx.length);
  for (let k = 0; k < entryOf.length; k++) if (entryOf[k] >= 0) summed[entryOf[k]] += values[k];
  return { nRows, nCols, rowPtr, colIdx, values: summed };
}
