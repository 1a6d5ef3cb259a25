/**
 * A matrix straight from the rows a part read, when they are already what a PSparseMatrix stores:
 * each part's own rows in own order, column ids ascending and unique within each row, the own
 * columns one contiguous run. The two CSR blocks are then cut out of the rows in one pass (no
 * triplets, no sort, no assembly); a part whose rows hold no ghost column keeps the arrays it
 * read as its own-own block. Readers check {@link rowsAreCsr} and otherwise go through psparse.
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

/** The columns outside `first .. first + count - 1` the rows reference, ascending. */
function ghostColumns(colIds: Int32Array, first: number, count: number): Float64Array {
  const seen = new Set<number>();
  for (let e = 0; e < colIds.length; e++) {
    const local = colIds[e] - first;
    if (local < 0 || local >= count) seen.add(colIds[e]);
  }
  return Float64Array.from(seen).sort();
}

/** A part's two blocks cut from its rows (`colIds` is turned into own local ids in place when no entry is a ghost). */
function blocksOf(read: RowsRead, first: number, nOwnCols: number, ghosts: Float64Array): { oo: CsrMatrix; og: CsrMatrix } {
  const { rowLengths, colIds, values } = read;
  const nRows = rowLengths.length;
  const ooPtr = largeArrays.int32(nRows + 1);
  if (ghosts.length === 0) {
    for (let i = 0; i < nRows; i++) ooPtr[i + 1] = ooPtr[i] + rowLengths[i];
    for (let e = 0; e < colIds.length; e++) colIds[e] -= first;
    return {
      oo: { nRows, nCols: nOwnCols, rowPtr: ooPtr, colIdx: colIds, values },
      og: { nRows, nCols: 0, rowPtr: new Int32Array(nRows + 1), colIdx: new Int32Array(0), values: new Float64Array(0) },
    };
  }
  const ghostIndex = new Map<number, number>();
  ghosts.forEach((gid, k) => ghostIndex.set(gid, k));
  const ogPtr = largeArrays.int32(nRows + 1);
  let e = 0;
  for (let i = 0; i < nRows; i++) {
    let own = 0;
    for (const end = e + rowLengths[i]; e < end; e++) {
      const local = colIds[e] - first;
      if (local >= 0 && local < nOwnCols) own++;
    }
    ooPtr[i + 1] = ooPtr[i] + own;
    ogPtr[i + 1] = ogPtr[i] + rowLengths[i] - own;
  }
  const ooCols = largeArrays.int32(ooPtr[nRows]);
  const ooValues = largeArrays.float64(ooPtr[nRows]);
  const ogCols = largeArrays.int32(ogPtr[nRows]);
  const ogValues = largeArrays.float64(ogPtr[nRows]);
  let o = 0;
  let g = 0;
  for (e = 0; e < colIds.length; e++) {
    const local = colIds[e] - first;
    if (local >= 0 && local < nOwnCols) {
      ooCols[o] = local;
      ooValues[o++] = values[e];
    } else {
      ogCols[g] = ghostIndex.get(colIds[e]) as number;
      ogValues[g++] = values[e];
    }
  }
  return {
    oo: { nRows, nCols: nOwnCols, rowPtr: ooPtr, colIdx: ooCols, values: ooValues },
    og: { nRows, nCols: ghosts.length, rowPtr: ogPtr, colIdx: ogCols, values: ogValues },
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
  const owners = findOwner(cols, ghosts);
  const finalCols = new PRange(
    cols.n,
    pmap((ids: LocalIndices, g: Float64Array, o: Int32Array) => new LocalIndices(ids.partId, ids.n, ids.own, g, o), cols.partition, ghosts, owners),
    cols.ownerOf,
  );
  const blocks = pmap((read: RowsRead, ids: LocalIndices, first: number, g: Float64Array) => blocksOf(read, first, ids.nOwn, g), reads, cols.partition, firsts, ghosts);
  return new PSparseMatrix(rows, finalCols, blocks.map((b) => b.oo), blocks.map((b) => b.og));
}
