/**
 * The plain loops of the distributed products' message handling (matmul.ts,
 * distributed-galerkin.ts), each in a small function of its own: counting and writing row lengths,
 * listing a message's columns by global id and owner, and looking them up on the receiving side.
 *
 * Why functions of a few lines: these loops run once per product or AMG level, over thousands to
 * tens of thousands of rows or columns. Written inside the large functions that call them, a loop
 * that runs long enough makes V8 compile the whole enclosing function, with everything it inlines,
 * on a helper thread (and again after each deoptimization), and on a two-rank job that thread takes
 * the rank's own core. A function of a few lines compiles in a fraction of that time, and a
 * deoptimization then recompiles only those lines. Each takes typed arrays of one kind only, so
 * that a caller passing another kind does not throw its compiled code away.
 *
 * @module
 */
import type { OwnIds } from '../partitions/own-ids.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import type { GhostColumns } from './matmul-local.js';

/**
 * The number of entries of rows `rows` in the blocks with row pointers `p` and `q` (a part's own
 * and ghost blocks).
 */
export function entriesOfRows(rows: Int32Array, p: Int32Array, q: Int32Array): number {
  let count = 0;
  for (let i = 0; i < rows.length; i++) count += p[rows[i] + 1] - p[rows[i]] + q[rows[i] + 1] - q[rows[i]];
  return count;
}

/** Writes the length of each row `rows[i]` over both blocks (row pointers `p`, `q`) to `out[at + i]`. */
export function writeRowLengths(out: Float64Array, at: number, rows: Int32Array, p: Int32Array, q: Int32Array): void {
  for (let i = 0; i < rows.length; i++) out[at + i] = p[rows[i] + 1] - p[rows[i]] + q[rows[i] + 1] - q[rows[i]];
}

/**
 * Writes the global id (from `gidsAt`) and owner (from `ownersAt`) of each of the `nColumns`
 * local columns `listed[j]` into `out`: own columns (below `nOwn`) are `own.at(c)`, owned by
 * `partId`; the others are `ghostGids[c - nOwn]`, owned by `ghostOwners[c - nOwn]`.
 */
export function writeListedColumns(
  out: Float64Array,
  gidsAt: number,
  ownersAt: number,
  listed: Int32Array,
  nColumns: number,
  nOwn: number,
  own: OwnIds,
  ghostGids: Float64Array,
  ghostOwners: Int32Array,
  partId: number,
): void {
  for (let j = 0; j < nColumns; j++) {
    const c = listed[j];
    out[gidsAt + j] = c < nOwn ? own.at(c) : ghostGids[c - nOwn];
    out[ownersAt + j] = c < nOwn ? partId : ghostOwners[c - nOwn];
  }
}

/**
 * The local column of each of the `nColumns` columns a message lists (global ids from `gidsAt`,
 * owners from `ownersAt`): `ownIds.globalToOwn(gid)` for those `partId` owns, else
 * `ghostBase + c` (`ghostSign` > 0) or `ghostBase − c` (otherwise), where `c` is the column's
 * candidate number in `ghosts` (added on first sight, in list order).
 */
export function lookUpColumns(
  message: Float64Array,
  gidsAt: number,
  ownersAt: number,
  nColumns: number,
  partId: number,
  ownIds: LocalIndices,
  ghosts: GhostColumns,
  ghostBase: number,
  ghostSign: number,
): Int32Array {
  const columns = new Int32Array(nColumns);
  for (let j = 0; j < nColumns; j++) {
    const gid = message[gidsAt + j];
    const owner = message[ownersAt + j];
    // Candidate 0 with sign −1 would be −0 as a product, which V8's compiled code does not expect.
    if (owner === partId) columns[j] = ownIds.globalToOwn(gid);
    else if (ghostSign > 0) columns[j] = ghostBase + ghosts.add(gid, owner);
    else columns[j] = ghostBase - ghosts.add(gid, owner);
  }
  return columns;
}

/** Writes `src[k] + delta` to `dst[at + k]` for every k. */
export function writeShifted(dst: Int32Array, at: number, src: Int32Array, delta: number): void {
  for (let k = 0; k < src.length; k++) dst[at + k] = src[k] + delta;
}

/** Adds `a[r]` to `a[r + 1]` for r = from .. to − 1 (an in-place running sum). */
export function runningSum(a: Int32Array, from: number, to: number): void {
  for (let r = from; r < to; r++) a[r + 1] += a[r];
}

/**
 * Sets `rowPtr[base + rows[r] + 1]` to the length `message[2 + r − from]` of each row
 * r = from .. to − 1 of a received message (lengths before a running sum).
 */
export function placeRowLengths(rowPtr: Int32Array, base: number, rows: Int32Array, from: number, to: number, message: Float64Array): void {
  for (let r = from, k = 2; r < to; r++, k++) rowPtr[base + rows[r] + 1] = message[k];
}

/**
 * Adds the length `message[2 + h − from]` of each received row to `counts[lids[h] + 1]`,
 * h = from .. to − 1 (counts per own row, before a running sum).
 */
export function addRowLengths(counts: Int32Array, lids: Int32Array, from: number, to: number, message: Float64Array): void {
  for (let h = from, k = 2; h < to; h++, k++) counts[lids[h] + 1] += message[k];
}

/** `out[e] = base + rank[cols[e]]` for e < n. */
export function rankedColumns(out: Int32Array, cols: Int32Array, n: number, base: number, rank: Int32Array): void {
  for (let e = 0; e < n; e++) out[e] = base + rank[cols[e]];
}

/**
 * The final column of each looked-up column (see {@link lookUpColumns} with base −1, sign −1):
 * own columns (≥ 0) as they are, candidate `c` (stored as `−1 − c`) as `nOwn + rank[c]`.
 */
export function finalColumns(columns: Int32Array, nOwn: number, rank: Int32Array): Int32Array {
  const out = new Int32Array(columns.length);
  for (let j = 0; j < columns.length; j++) {
    const c = columns[j];
    out[j] = c >= 0 ? c : nOwn + rank[-1 - c];
  }
  return out;
}
