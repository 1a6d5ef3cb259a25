/**
 * Per-part pieces shared by the distributed sparse products (matmul.ts, transpose.ts): empty
 * blocks, renumbering ghost columns in ascending global order, and keeping only the ghost columns
 * a product's ghost block uses.
 *
 * @module
 */
import { largeArrays } from '../kernels/large-arrays.js';
import { LocalIndices } from '../partitions/local-indices.js';

/** A CSR matrix whose arrays can be written (the blocks this module builds). */
export interface MutableCsr {
  readonly nRows: number;
  readonly nCols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/** An empty `nRows × nCols` block (its row pointers, zeros, among the large arrays: fewer page faults). */
export function emptyCsr(nRows: number, nCols: number): MutableCsr {
  return { nRows, nCols, rowPtr: largeArrays.int32(nRows + 1), colIdx: new Int32Array(0), values: new Float64Array(0) };
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
 * The ghost block of a product as the kernels wrote it (ids: ghost candidates, numbered in
 * ascending global id) keeping only the candidates it uses, renumbered in the same order, and the
 * LocalIndices of the product's columns. `candidates` holds the block's ids as written (what
 * spgemmValues reads): a copy when the renumbering changed them, else the block's own ids.
 *
 * @param sortedGids the ghost candidates' global ids, ascending
 * @param sortedOwners their owners
 * @param ownIds the LocalIndices whose own ids are the product's own columns
 */
export function compactGhostColumns(
  og: MutableCsr,
  sortedGids: Float64Array,
  sortedOwners: Int32Array,
  ownIds: LocalIndices,
): { og: MutableCsr; candidates: Int32Array; colIds: LocalIndices } {
  const { nRows, rowPtr, colIdx } = og;
  const nnz = rowPtr[nRows];
  const used = new Int32Array(sortedGids.length);
  for (let e = 0; e < nnz; e++) used[colIdx[e]] = 1;
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
  if (nGhost === sortedGids.length) return { og, candidates: colIdx, colIds };
  const candidates = colIdx.slice();
  for (let e = 0; e < nnz; e++) colIdx[e] = used[colIdx[e]];
  return { og: { ...og, nCols: nGhost }, candidates, colIds };
}
