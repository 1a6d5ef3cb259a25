/**
 * A part's matrix rows in file order, one row at a time, with global column ids ascending: what
 * the writers stream into their output without first building a copy of the whole matrix.
 *
 * @module
 */
import type { CsrMatrix } from '../kernels/csr.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import { OwnBox, OwnRange, type OwnIds } from '../partitions/own-ids.js';

/** A part's rows `first .. first + count - 1` of a matrix, read one at a time. */
export interface RowSource {
  readonly first: number;
  readonly count: number;
  /** Stored entries of all the rows. */
  readonly nnz: number;
  /** Number of entries of row `i` (`0 <= i < count`). */
  length(i: number): number;
  /** Writes row `i`'s global column ids (ascending) and values into `cols`/`values` from index `at` on (room for `length(i)`). */
  row(i: number, cols: Float64Array, values: Float64Array, at: number): void;
}

/**
 * Whether own local id `i` is global id `at(0) + i` for every `i`: at once for ranges and boxes
 * (a box is one run when every direction before its last non-flat one spans the whole grid), by
 * a pass over the ids otherwise.
 */
export function isContiguous(own: OwnIds): boolean {
  if (own instanceof OwnRange || own.count <= 1) return true;
  if (own instanceof OwnBox) {
    const { dims, lo, hi } = own;
    let last = dims.length - 1;
    while (last > 0 && hi[last] - lo[last] === 1) last--;
    for (let d = 0; d < last; d++) if (lo[d] !== 0 || hi[d] !== dims[d]) return false;
    return true;
  }
  const first = own.at(0);
  for (let i = 1; i < own.count; i++) if (own.at(i) !== first + i) return false;
  return true;
}

/** Sorts the entries `lo .. hi-1` of a row by column (rows are short and nearly sorted: insertion sort). */
export function sortRow(cols: Float64Array, values: Float64Array, lo: number, hi: number): void {
  for (let e = lo + 1; e < hi; e++) {
    const c = cols[e];
    const v = values[e];
    let k = e - 1;
    while (k >= lo && cols[k] > c) {
      cols[k + 1] = cols[k];
      values[k + 1] = values[k];
      k--;
    }
    cols[k + 1] = c;
    values[k + 1] = v;
  }
}

/** A part's own rows from its two CSR blocks (own rows in own-id order). */
export function csrRows(rowIds: LocalIndices, colIds: LocalIndices, oo: CsrMatrix, og: CsrMatrix): RowSource {
  // own column k is global id ownFirst + k when the own columns are one run (no table to look up)
  const ownFirst = isContiguous(colIds.own) ? (colIds.nOwn > 0 ? colIds.own.at(0) : 0) : -1;
  const ownToGlobal = ownFirst < 0 ? colIds.ownToGlobal : undefined;
  const ghostToGlobal = colIds.ghostToGlobal;
  const { rowPtr: ooPtr, colIdx: ooCols, values: ooValues } = oo;
  const { rowPtr: ogPtr, colIdx: ogCols, values: ogValues } = og;
  return {
    first: rowIds.nOwn > 0 ? rowIds.own.at(0) : 0,
    count: rowIds.nOwn,
    nnz: ooCols.length + ogCols.length,
    length: (i) => ooPtr[i + 1] - ooPtr[i] + ogPtr[i + 1] - ogPtr[i],
    row(i, cols, values, at) {
      let k = at;
      for (let e = ooPtr[i]; e < ooPtr[i + 1]; e++, k++) {
        cols[k] = ownToGlobal === undefined ? ownFirst + ooCols[e] : ownToGlobal[ooCols[e]];
        values[k] = ooValues[e];
      }
      for (let e = ogPtr[i]; e < ogPtr[i + 1]; e++, k++) {
        cols[k] = ghostToGlobal[ogCols[e]];
        values[k] = ogValues[e];
      }
      sortRow(cols, values, at, k);
    },
  };
}
