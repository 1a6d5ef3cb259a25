/**
 * A matrix straight from the rows a part read, when they are already what a PSparseMatrix stores:
 * each part's own rows in own order, column ids ascending and unique within each row, the own
 * columns one contiguous run. The two CSR blocks are then cut out of the rows in one pass (no
 * triplets, no sort, no assembly); the arrays read become the own-own block (own entries moved to
 * their front), only ghost entries are copied. Readers check {@link rowsAreCsr} and otherwise go through psparse.
 *
 * @module
 */
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { PData, pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { findOwner } from '../partitions/find-owner.js';
import { LocalIndices } from '../partitions/local-indices.js';
import { PRange } from '../partitions/prange.js';
import { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { isContiguous } from './row-source.js';

/** A part's rows as read: the length of each row, then the column ids and values of all its entries in row order. */
export interface RowsRead {
  readonly rowLengths: Int32Array;
  /** Global column ids (overwritten with local ones by {@link matrixFromRows}). */
  readonly colIds: Int32Array;
  readonly values: Float64Array;
}

/**
 * Collective: whether every part's rows can become its blocks as they are (`ascending` per part:
 * the column ids ascend strictly within each row; and the own columns of `cols` contiguous on
 * every part).
 */
export function rowsAreCsr(cols: PRange, ascending: PData<boolean>): boolean {
  const fits = pmap((ids: LocalIndices, sorted: boolean) => sorted && isContiguous(ids.own), cols.partition, ascending);
  return getAny(gather(fits, { destination: 'all' })).every((f) => f);
}

/** The columns outside `first .. first + count - 1` the rows reference (ascending), and how many entries reference them. */
function ghostColumns(colIds: Int32Array, first: number, count: number): { gids: Float64Array; entries: number } {
  const seen = new Set<number>();
  let entries = 0;
  for (let e = 0; e < colIds.length; e++) {
    const local = colIds[e] - first;
    if (local < 0 || local >= count) {
      seen.add(colIds[e]);
      entries++;
    }
  }
  return { gids: Float64Array.from(seen).sort(), entries };
}

/**
 * A part's two blocks cut from its rows, in place: the own entries are moved to the front of
 * `colIds`/`values` (as own local ids) and become the own-own block; only the ghost entries are
 * copied out (a part's rows reference few ghost columns). No fresh memory for the bulk of the matrix.
 */
function blocksOf(read: RowsRead, first: number, nOwnCols: number, ghosts: { gids: Float64Array; entries: number }): { oo: CsrMatrix; og: CsrMatrix } {
  const { rowLengths, colIds, values } = read;
  const nRows = rowLengths.length;
  const ooPtr = largeArrays.int32(nRows + 1);
  const ogPtr = new Int32Array(nRows + 1);
  const ogCols = new Int32Array(ghosts.entries);
  const ogValues = new Float64Array(ghosts.entries);
  const ghostIndex = new Map<number, number>();
  ghosts.gids.forEach((gid, k) => ghostIndex.set(gid, k));
  let e = 0;
  let o = 0;
  let g = 0;
  for (let i = 0; i < nRows; i++) {
    for (const end = e + rowLengths[i]; e < end; e++) {
      const local = colIds[e] - first;
      if (local >= 0 && local < nOwnCols) {
        colIds[o] = local;
        values[o++] = values[e];
      } else {
        ogCols[g] = ghostIndex.get(colIds[e]) as number;
        ogValues[g++] = values[e];
      }
    }
    ooPtr[i + 1] = o;
    ogPtr[i + 1] = g;
  }
  return {
    oo: { nRows, nCols: nOwnCols, rowPtr: ooPtr, colIdx: colIds.subarray(0, o), values: values.subarray(0, o) },
    og: { nRows, nCols: ghosts.gids.length, rowPtr: ogPtr, colIdx: ogCols, values: ogValues },
  };
}

/**
 * The matrix on `rows` × `cols` whose own rows are, on each part, the rows it read (collective:
 * finds the owners of the ghost columns). Requires {@link rowsAreCsr}; the result's column range
 * has the own ids of `cols` and, as ghosts, the other columns the own rows reference (ascending),
 * as psparse would build it. Takes `reads` over (their arrays may become the blocks).
 */
export function matrixFromRows(rows: PRange, cols: PRange, reads: PData<RowsRead>): PSparseMatrix {
  const firsts = cols.partition.map((ids) => (ids.nOwn > 0 ? ids.own.at(0) : 0));
  const ghosts = pmap((ids: LocalIndices, read: RowsRead, first: number) => ghostColumns(read.colIds, first, ids.nOwn), cols.partition, reads, firsts);
  const owners = findOwner(cols, ghosts.map((g) => g.gids));
  const finalCols = new PRange(
    cols.n,
    pmap((ids: LocalIndices, g: { gids: Float64Array }, o: Int32Array) => new LocalIndices(ids.partId, ids.n, ids.own, g.gids, o), cols.partition, ghosts, owners),
    cols.ownerOf,
  );
  const blocks = pmap((read: RowsRead, ids: LocalIndices, first: number, g: { gids: Float64Array; entries: number }) => blocksOf(read, first, ids.nOwn, g), reads, cols.partition, firsts, ghosts);
  return new PSparseMatrix(rows, finalCols, blocks.map((b) => b.oo), blocks.map((b) => b.og));
}
