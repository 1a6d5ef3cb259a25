/**
 * Per-part pieces shared by the distributed sparse products (matmul.ts, transpose.ts): merging a
 * matrix's two blocks into one CSR matrix over local column ids, renumbering ghost columns in
 * ascending global order, and splitting a product's rows back into own and ghost blocks.
 *
 * @module
 */
import { largeArrays } from '../kernels/large-arrays.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { LocalIndices } from '../partitions/local-indices.js';

/** A CSR matrix whose arrays can be written (the blocks this module builds). */
export interface MutableCsr {
  readonly nRows: number;
  readonly nCols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/** An empty `nRows × nCols` block. */
export function emptyCsr(nRows: number, nCols: number): MutableCsr {
  return { nRows, nCols, rowPtr: new Int32Array(nRows + 1), colIdx: new Int32Array(0), values: new Float64Array(0) };
}

/**
 * The own rows of a matrix as one CSR matrix over LOCAL column ids (own columns, then ghost
 * `k` as `nOwnCols + k`): each row's own-block entries, then its ghost-block entries. Without
 * ghost entries the own block itself is returned (shared, not copied).
 */
export function mergeBlocks(oo: CsrMatrix, og: CsrMatrix): CsrMatrix {
  const nRows = oo.nRows;
  if (og.rowPtr[nRows] === 0) return oo;
  const rowPtr = largeArrays.int32(nRows + 1);
  for (let i = 0; i < nRows; i++) {
    rowPtr[i + 1] = rowPtr[i] + (oo.rowPtr[i + 1] - oo.rowPtr[i]) + (og.rowPtr[i + 1] - og.rowPtr[i]);
  }
  const colIdx = largeArrays.int32(rowPtr[nRows]);
  const shift = oo.nCols;
  for (let i = 0; i < nRows; i++) {
    let k = rowPtr[i];
    for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++) colIdx[k++] = oo.colIdx[e];
    for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) colIdx[k++] = og.colIdx[e] + shift;
  }
  const merged = { nRows, nCols: oo.nCols + og.nCols, rowPtr, colIdx, values: largeArrays.float64(rowPtr[nRows]) };
  mergeValues(oo, og, merged);
  return merged;
}

/** Copies the blocks' current values into a matrix built by {@link mergeBlocks} (no-op when shared). */
export function mergeValues(oo: CsrMatrix, og: CsrMatrix, merged: CsrMatrix): void {
  if (merged === oo) return;
  const values = merged.values;
  let k = 0;
  for (let i = 0; i < oo.nRows; i++) {
    for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++) values[k++] = oo.values[e];
    for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) values[k++] = og.values[e];
  }
}

/**
 * Ghost columns met while building a product: global id → candidate number, with each
 * candidate's owner, then numbered in ascending global id by {@link GhostColumns.rank}.
 */
export class GhostColumns {
  readonly gids: number[] = [];
  readonly owners: number[] = [];
  private readonly lookup = new Map<number, number>();

  /** The candidate number of `gid` (owned by `owner`), added on first sight. */
  add(gid: number, owner: number): number {
    let c = this.lookup.get(gid);
    if (c === undefined) {
      c = this.gids.length;
      this.lookup.set(gid, c);
      this.gids.push(gid);
      this.owners.push(owner);
    }
    return c;
  }

  /** Per candidate, its position in ascending global id. */
  rank(): Int32Array {
    const order = Int32Array.from(this.gids.keys()).sort((a, b) => this.gids[a] - this.gids[b]);
    const rank = new Int32Array(order.length);
    order.forEach((c, r) => (rank[c] = r));
    return rank;
  }
}

/**
 * The split of a product's rows (columns: own `0..nOwn-1`, then ghost candidates in ascending
 * global id, each row ascending) into an own block and a ghost block that keeps only the ghost
 * columns used (renumbered in the same order), and the LocalIndices of the result's columns.
 */
export interface SplitProduct {
  readonly oo: MutableCsr;
  readonly og: MutableCsr;
  readonly colIds: LocalIndices;
}

/**
 * Splits `C` (see {@link SplitProduct}). `sortedGids`/`sortedOwners` are the ghost candidates in
 * ascending global id; `ownIds` the own columns. Without ghost entries `C` becomes the own block
 * (shared). {@link splitValues} repeats the value copy for new values.
 */
export function splitProduct(
  C: MutableCsr,
  nOwn: number,
  sortedGids: Float64Array,
  sortedOwners: Int32Array,
  ownIds: LocalIndices,
): SplitProduct {
  const { nRows, rowPtr, colIdx } = C;
  if (sortedGids.length === 0) {
    // No ghost candidates (a single part, or no off-part columns): C is the own block.
    return { oo: { ...C, nCols: nOwn }, og: emptyCsr(nRows, 0), colIds: new LocalIndices(ownIds.partId, ownIds.n, ownIds.own) };
  }
  const nnz = rowPtr[nRows];
  const used = new Int32Array(sortedGids.length);
  let ghostEntries = 0;
  for (let e = 0; e < nnz; e++) {
    if (colIdx[e] >= nOwn) {
      used[colIdx[e] - nOwn] = 1;
      ghostEntries++;
    }
  }
  let nGhost = 0;
  for (let c = 0; c < used.length; c++) used[c] = used[c] === 1 ? nGhost++ : -1;
  const ghostToGlobal = new Float64Array(nGhost);
  const ghostToOwner = new Int32Array(nGhost);
  for (let c = 0; c < used.length; c++) {
    if (used[c] >= 0) {
      ghostToGlobal[used[c]] = sortedGids[c];
      ghostToOwner[used[c]] = sortedOwners[c];
    }
  }
  const colIds = new LocalIndices(ownIds.partId, ownIds.n, ownIds.own, ghostToGlobal, ghostToOwner);
  if (ghostEntries === 0) {
    return { oo: { ...C, nCols: nOwn }, og: emptyCsr(nRows, 0), colIds };
  }
  const ooPtr = largeArrays.int32(nRows + 1);
  const ogPtr = largeArrays.int32(nRows + 1);
  for (let i = 0; i < nRows; i++) {
    let e = rowPtr[i];
    while (e < rowPtr[i + 1] && colIdx[e] < nOwn) e++;
    ooPtr[i + 1] = ooPtr[i] + (e - rowPtr[i]);
    ogPtr[i + 1] = ogPtr[i] + (rowPtr[i + 1] - e);
  }
  const ooCol = largeArrays.int32(ooPtr[nRows]);
  const ogCol = largeArrays.int32(ogPtr[nRows]);
  for (let i = 0; i < nRows; i++) {
    const start = rowPtr[i];
    const own = ooPtr[i + 1] - ooPtr[i];
    for (let k = 0; k < own; k++) ooCol[ooPtr[i] + k] = colIdx[start + k];
    for (let k = 0; k < ogPtr[i + 1] - ogPtr[i]; k++) ogCol[ogPtr[i] + k] = used[colIdx[start + own + k] - nOwn];
  }
  const oo = { nRows, nCols: nOwn, rowPtr: ooPtr, colIdx: ooCol, values: largeArrays.float64(ooPtr[nRows]) };
  const og = { nRows, nCols: nGhost, rowPtr: ogPtr, colIdx: ogCol, values: largeArrays.float64(ogPtr[nRows]) };
  splitValues(C, oo, og);
  return { oo, og, colIds };
}

/** Copies `C`'s values into the blocks {@link splitProduct} made of it (no-op when shared). */
export function splitValues(C: CsrMatrix, oo: CsrMatrix, og: CsrMatrix): void {
  if (oo.values === C.values) return;
  const { nRows, rowPtr, values } = C;
  for (let i = 0; i < nRows; i++) {
    let e = rowPtr[i];
    for (let k = oo.rowPtr[i]; k < oo.rowPtr[i + 1]; k++) oo.values[k] = values[e++];
    for (let k = og.rowPtr[i]; k < og.rowPtr[i + 1]; k++) og.values[k] = values[e++];
  }
}
