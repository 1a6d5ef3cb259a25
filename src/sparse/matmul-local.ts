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
 * A {@link GhostColumns}' candidates in ascending global id: per candidate its position (`rank`),
 * and per position the candidate's global id and owner.
 */
export interface SortedGhostColumns {
  readonly rank: Int32Array;
  readonly sortedGids: Float64Array;
  readonly sortedOwners: Int32Array;
}

/**
 * Ghost columns met while building a product: global id → candidate number, with each
 * candidate's owner, then numbered in ascending global id by {@link GhostColumns.sorted}.
 *
 * The sorts here are typed-array sorts without a comparator and the passes plain loops: these
 * run once per product on tens of thousands of columns, and a comparator or a per-element
 * callback there first runs in V8's interpreter and then gets compiled by its optimizing
 * compiler on a helper thread, which on a two-rank job takes the other rank's core (that
 * compiler, over all of the set-up's loops, cost about 0.25 s of the AMG set-up's 0.95 s at
 * n = 100: measured by switching it off).
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

  /**
   * Adds `gids[k]` (owned by `owners[k]`) for every k, in order (a loop of its own: see
   * column-passes.ts).
   */
  addAll(gids: Float64Array, owners: Int32Array): void {
    for (let k = 0; k < gids.length; k++) this.add(gids[k], owners[k]);
  }

  /** The candidate number of `gid`, which must have been added. */
  candidateOf(gid: number): number {
    return this.lookup.get(gid)!;
  }

  /** The candidates in ascending global id (global ids are distinct, so the order is total). */
  sorted(): SortedGhostColumns {
    const n = this.gids.length;
    const sortedGids = Float64Array.from(this.gids).sort();
    const sortedOwners = new Int32Array(n);
    const rank = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const c = this.candidateOf(sortedGids[r]);
      rank[c] = r;
      sortedOwners[r] = this.owners[c];
    }
    return { rank, sortedGids, sortedOwners };
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
