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
import { PData, pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { findOwner } from '../partitions/find-owner.js';
import { LocalIndices } from '../partitions/local-indices.js';
import { PRange } from '../partitions/prange.js';
import { assembledMatrix, type PSparseMatrix } from '../sparse/psparse-matrix.js';
import { isContiguous } from './row-source.js';

/** A part's rows as read: the length of each row, then the column ids and values of all its entries in row order. */
export interface RowsRead {
  /**
   * One element more than the rows: 0, then the row lengths (`rowLengths` is a view of its
   * elements from 1 on); {@link matrixFromRows} overwrites them with the own-own block's row offsets.
   */
  readonly rowOffsets: Int32Array;
  readonly rowLengths: Int32Array;
  /** Global column ids (overwritten with local ones by {@link matrixFromRows}). */
  readonly colIds: Int32Array;
  readonly values: Float64Array;
  /** What the reader's pass over the entries learnt (see {@link EntryScan}). */
  readonly scan: EntryScan;
}

/**
 * What a reader learns in its one pass over a part's entries, besides checking them: whether the
 * column ids ascend strictly within every row (then the rows are CSR as they are), and the
 * entries outside the part's own columns `ownFirst .. ownFirst + nOwn - 1` (ghost entries: few,
 * one neighbour's plane of a PDE matrix).
 */
export interface EntryScan {
  readonly ascending: boolean;
  /** How many entries reference a column outside the own ones. */
  readonly ghostEntries: number;
  /** The distinct columns outside the own ones (in order of appearance). */
  readonly ghostCols: Set<number>;
}

/**
 * The own columns of each part of `cols` as `[first, count]` (the global ids
 * `first .. first + count - 1` when the own ids are contiguous, which {@link rowsAreCsr} checks).
 */
export function ownColumnRuns(cols: PRange): PData<readonly [number, number]> {
  return cols.partition.map((ids): readonly [number, number] => [ids.nOwn > 0 ? ids.own.at(0) : 0, ids.nOwn]);
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

/**
 * A part's two blocks cut from its rows, in place: the own entries are moved to the front of
 * `colIds`/`values` (as own local ids) and become the own-own block; only the ghost entries are
 * copied out. In each row the own entries are one run (ids ascend, own columns are contiguous)
 * between the ghost entries of lower and of higher columns; consecutive runs with no ghost entry
 * between them are moved as one (`copyWithin`), and a part whose rows have no ghost entry moves
 * nothing. No fresh memory for the bulk of the matrix.
 */
function blocksOf(read: RowsRead, first: number, nOwnCols: number, ghostGids: Float64Array): { oo: CsrMatrix; og: CsrMatrix } {
  const { rowLengths, colIds, values, scan } = read;
  const nRows = rowLengths.length;
  // Row i's length is read (rowLengths[i], which is ooPtr[i + 1]) before its offset replaces it.
  const ooPtr = read.rowOffsets;
  const ogPtr = new Int32Array(nRows + 1);
  const ogCols = new Int32Array(scan.ghostEntries);
  const ogValues = new Float64Array(scan.ghostEntries);
  const ghostIndex = new Map<number, number>();
  ghostGids.forEach((gid, k) => ghostIndex.set(gid, k));
  const end = first + nOwnCols;
  let o = 0;
  let g = 0;
  if (scan.ghostEntries === 0) {
    for (let i = 0; i < nRows; i++) ooPtr[i + 1] = o += rowLengths[i];
  } else {
    // The pending run of own entries: runStart..runEnd-1 go to o - (runEnd - runStart)..o-1. The
    // moves only ever go down (o <= runEnd), so entries past runEnd are still as read.
    let runStart = 0;
    let runEnd = 0;
    const flush = (): void => {
      const target = o - (runEnd - runStart);
      if (target !== runStart) {
        colIds.copyWithin(target, runStart, runEnd);
        values.copyWithin(target, runStart, runEnd);
      }
    };
    const ghost = (k: number): void => {
      ogCols[g] = ghostIndex.get(colIds[k]) as number;
      ogValues[g++] = values[k];
    };
    let e = 0;
    for (let i = 0; i < nRows; i++) {
      const rowEnd = e + rowLengths[i];
      let s = e;
      while (s < rowEnd && colIds[s] < first) ghost(s++);
      let t = rowEnd;
      while (t > s && colIds[t - 1] >= end) t--;
      for (let k = t; k < rowEnd; k++) ghost(k);
      if (s !== runEnd) {
        flush();
        runStart = s;
      }
      runEnd = t;
      o += t - s;
      ooPtr[i + 1] = o;
      ogPtr[i + 1] = g;
      e = rowEnd;
    }
    flush();
  }
  if (first !== 0) for (let k = 0; k < o; k++) colIds[k] -= first;
  return {
    oo: { nRows, nCols: nOwnCols, rowPtr: ooPtr, colIdx: colIds.subarray(0, o), values: values.subarray(0, o) },
    og: { nRows, nCols: ghostGids.length, rowPtr: ogPtr, colIdx: ogCols, values: ogValues },
  };
}

/**
 * The matrix on `rows` × `cols` whose own rows are, on each part, the rows it read (collective:
 * finds the owners of the ghost columns). Requires {@link rowsAreCsr}; the result's column range
 * has the own ids of `cols` and, as ghosts, the other columns the own rows reference (ascending),
 * as psparse would build it. Takes `reads` over (their arrays may become the blocks). The blocks
 * are valid by construction (every column id was checked in range by the reader's scan, the own
 * ones are below the own count, the row offsets are sums of non-negative lengths), so the matrix
 * skips the constructor's pass over every entry.
 */
export function matrixFromRows(rows: PRange, cols: PRange, reads: PData<RowsRead>): PSparseMatrix {
  const runs = ownColumnRuns(cols);
  const ghosts = reads.map((read) => Float64Array.from(read.scan.ghostCols).sort());
  const owners = findOwner(cols, ghosts);
  const finalCols = new PRange(
    cols.n,
    pmap((ids: LocalIndices, gids: Float64Array, o: Int32Array) => new LocalIndices(ids.partId, ids.n, ids.own, gids, o), cols.partition, ghosts, owners),
    cols.ownerOf,
  );
  const blocks = pmap((read: RowsRead, [first, count]: readonly [number, number], gids: Float64Array) => blocksOf(read, first, count, gids), reads, runs, ghosts);
  return assembledMatrix(rows, finalCols, blocks.map((b) => b.oo), blocks.map((b) => b.og));
}
