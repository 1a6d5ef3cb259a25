/**
 * The AMG set-up's per-part steps with the kernels of setup-kernels.ts: the aggregation of a
 * part's own rows and, for a level whose matrix has no ghost entries on any part (one part), the
 * smoothed prolongator straight from the aggregates and the Galerkin coarse matrix R·A·P without
 * A·P. With ghost entries level.ts uses ghosted-prolongator.ts and distributed-galerkin.ts
 * instead (R·A·P without A·P too, each part's sums for other parts' aggregates sent to their
 * owners); either way the hierarchy depends only on the matrix and its partition, never on the
 * backend.
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { LocalIndices } from '../../partitions/local-indices.js';
import { PRange } from '../../partitions/prange.js';
import { pmap, type PData } from '../../pdata/pdata.js';
import { getAny, reduction } from '../../pdata/primitives.js';
import { emptyCsr, type MutableCsr } from '../../sparse/matmul-local.js';
import { assembledMatrix, type PSparseMatrix } from '../../sparse/psparse-matrix.js';
import { transposeBlock, transposeInto } from '../../sparse/transpose.js';
import type { Aggregates } from './aggregation.js';
import { setupKernels } from './setup-kernels.js';

/** What smoothing a prolongator reads of its level. */
export interface SmoothingData {
  readonly inverseDiagonal: PData<Float64Array>;
  /** ρ: the damping is ω = 4/(3ρ). */
  readonly spectralBound: number;
}

/** A prolongator built by {@link localProlongator}, with the arrays a refresh rewrites. */
export interface LocalProlongator {
  readonly P: PSparseMatrix;
  /** Recomputes P's values for the level's current matrix values (same pattern). */
  refresh(level: SmoothingData): void;
}

/**
 * A part's aggregates: strength of connection (threshold θ) and greedy aggregation of its own-own
 * block, the passes starting where its ghost block `ghost` reaches the lowest-numbered part
 * (`ghostOwner`: each ghost's part; aggregation.ts's algorithm, native when built: the same
 * aggregates either way).
 */
export function aggregateOwnRows(block: CsrMatrix, ghost: CsrMatrix, ghostOwner: Int32Array, diagonal: Float64Array, theta: number): Aggregates {
  const { nRows, rowPtr, colIdx, values } = block;
  const root = largeArrays.float64(nRows);
  const strong = largeArrays.uint8(rowPtr[nRows]);
  const joined = largeArrays.int32(nRows);
  const order = largeArrays.int32(nRows);
  const aggregateOf = largeArrays.int32(nRows);
  const count = setupKernels().aggregateRows(
    nRows, rowPtr, colIdx, values, ghost.rowPtr, ghost.colIdx, ghostOwner, diagonal, theta, root, strong, joined, order, aggregateOf,
  );
  // Written and dead: their pages serve the set-up's next large arrays warm.
  for (const scratch of [root, strong, joined, order]) largeArrays.recycle(scratch);
  return { aggregateOf, count };
}

/** Whether no part of `A` has an entry in its ghost block (collective: a sum over the parts). */
export function withoutGhostEntries(A: PSparseMatrix): boolean {
  const entries = A.ownGhost.map((block) => block.rowPtr[block.nRows]);
  return getAny(reduction((a, b) => a + b, entries, { destination: 'all', init: 0 })) === 0;
}

/** P's arrays with room for A's entries (P has at most as many), written by the kernel. */
export interface Room {
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/** The prolongator's damping ω = 4/(3ρ), ρ the level's bound of the spectral radius of D⁻¹A. */
export const omega = (data: SmoothingData): number => 4 / (3 * data.spectralBound);

/**
 * Writes P = (I − ω D⁻¹A)·P0 of one part's block `a` into `room` (the own block of P on several
 * parts, all of P on one); returns its entries.
 */
export function fillProlongator(a: CsrMatrix, { aggregateOf, count }: Aggregates, inverse: Float64Array, omega: number, room: Room): number {
  const size = largeArrays.float64(count);
  const marker = largeArrays.int32(count);
  const accumulator = largeArrays.float64(count);
  setupKernels().smoothedProlongator(
    a.nRows, a.rowPtr, a.colIdx, a.values, aggregateOf, count, inverse, omega, size, marker, accumulator,
    room.rowPtr, room.colIdx, room.values,
  );
  for (const scratch of [size, marker, accumulator]) largeArrays.recycle(scratch);
  return room.rowPtr[a.nRows];
}

/**
 * The smoothed prolongator P = (I − ω D⁻¹A)·P0, ω = 4/(3ρ), of a matrix without ghost entries,
 * straight from the aggregates: the same pattern and bits as smoothing the product A·P0 (level.ts),
 * in one pass over A. P has A's rows and `coarseRows` as columns.
 */
export function localProlongator(
  A: PSparseMatrix,
  aggregates: PData<Aggregates>,
  coarseRows: PRange,
  level: SmoothingData,
): LocalProlongator {
  const rooms = pmap(
    (a: CsrMatrix) => ({
      rowPtr: largeArrays.int32(a.nRows + 1),
      colIdx: largeArrays.roomInt32(a.rowPtr[a.nRows]),
      values: largeArrays.roomFloat64(a.rowPtr[a.nRows]),
    }),
    A.ownOwn,
  );
  const blocks = pmap(
    (a: CsrMatrix, found: Aggregates, inverse: Float64Array, room: Room): CsrMatrix => {
      const nnz = fillProlongator(a, found, inverse, omega(level), room);
      return {
        nRows: a.nRows,
        nCols: found.count,
        rowPtr: room.rowPtr,
        colIdx: room.colIdx.subarray(0, nnz),
        values: room.values.subarray(0, nnz),
      };
    },
    A.ownOwn,
    aggregates,
    level.inverseDiagonal,
    rooms,
  );
  const P = assembledMatrix(A.rows, coarseRows, blocks, blocks.map((b) => emptyCsr(b.nRows, 0)));
  return {
    P,
    refresh(data: SmoothingData) {
      pmap(
        (a: CsrMatrix, found: Aggregates, inverse: Float64Array, room: Room) => fillProlongator(a, found, inverse, omega(data), room),
        A.ownOwn,
        aggregates,
        data.inverseDiagonal,
        rooms,
      );
    },
  };
}

/**
 * R = Pᵀ of a prolongator without ghost entries (collective only in that it runs on every part):
 * the own block transposed, the same blocks as `planTranspose(P, coarseRows).result` without its
 * refresh plan and messages. R's rows are `coarseRows`, its columns P's own rows (no ghosts).
 */
export function localRestriction(P: PSparseMatrix, coarseRows: PRange): PSparseMatrix {
  const blocks = pmap(transposeBlock, P.ownOwn);
  const cols = new PRange(
    P.rows.n,
    P.rows.partition.map((ids) => new LocalIndices(ids.partId, ids.n, ids.own)),
    P.rows.ownerOf,
  );
  return assembledMatrix(coarseRows, cols, blocks, blocks.map((b) => emptyCsr(b.nRows, 0)));
}

/** Rewrites R = Pᵀ (built by {@link localRestriction}) for P's current values, in place. */
export function refreshRestriction(R: PSparseMatrix, P: PSparseMatrix): void {
  pmap(transposeInto, P.ownOwn, R.ownOwn);
}

/**
 * One part's Pᵀ·A·P (blocks without ghost entries), R = Pᵀ formed inside the kernel a block of
 * coarse rows at a time (`rapOfP`). The product's entries are not known before it is formed: the
 * room starts at twice P's entries (R's; the coarse matrices of a hierarchy have about as many
 * or fewer) and grows, keeping the rows written, when a row does not fit.
 */
function rapBlock(a: CsrMatrix, p: CsrMatrix): MutableCsr {
  const kernels = setupKernels();
  const nFine = a.nRows;
  const nCoarse = p.nCols;
  const fineMarker = largeArrays.int32(nFine).fill(-1);
  const fineAccumulator = largeArrays.float64(nFine);
  const fineList = largeArrays.int32(nFine);
  const coarseMarker = largeArrays.int32(nCoarse).fill(-1);
  const coarseAccumulator = largeArrays.float64(nCoarse);
  const coarseList = largeArrays.int32(nCoarse);
  const rowPtr = largeArrays.int32(nCoarse + 1);
  let room = Math.max(64, 2 * p.rowPtr[nFine]);
  let colIdx = largeArrays.roomInt32(room);
  let values = largeArrays.roomFloat64(room);
  let done = 0;
  for (;;) {
    done = kernels.rapOfP(
      done, nFine, nCoarse, a.rowPtr, a.colIdx, a.values, p.rowPtr, p.colIdx, p.values,
      fineMarker, fineAccumulator, fineList, coarseMarker, coarseAccumulator, coarseList, rowPtr, colIdx, values,
    );
    if (done === nCoarse) break;
    // Row `done` has at most nCoarse entries; the rows left are guessed as dense as those done.
    const used = rowPtr[done];
    room = Math.max(2 * room, used + nCoarse, Math.ceil(((used / Math.max(done, 1)) * nCoarse * 5) / 4));
    const [oldCols, oldValues] = [colIdx, values];
    colIdx = largeArrays.roomInt32(room);
    values = largeArrays.roomFloat64(room);
    colIdx.set(oldCols.subarray(0, used));
    values.set(oldValues.subarray(0, used));
    largeArrays.recycle(oldCols);
    largeArrays.recycle(oldValues);
  }
  for (const scratch of [fineMarker, fineAccumulator, fineList, coarseMarker, coarseAccumulator, coarseList]) {
    largeArrays.recycle(scratch);
  }
  const nnz = rowPtr[nCoarse];
  return { nRows: nCoarse, nCols: nCoarse, rowPtr, colIdx: colIdx.subarray(0, nnz), values: values.subarray(0, nnz) };
}

/**
 * The Galerkin coarse matrix Pᵀ·A·P of matrices without ghost entries (collective only in that it
 * runs on every part): each row is (R·A)_r·P (R = Pᵀ), never forming A·P (on the 3-D Laplacian
 * about 2.5 times A's entries) nor R whole, so the set-up neither writes nor reads those matrices.
 * Rows and columns are P's columns (P.cols has no ghosts here).
 */
export function localGalerkin(A: PSparseMatrix, P: PSparseMatrix): PSparseMatrix {
  const blocks = pmap(rapBlock, A.ownOwn, P.ownOwn);
  return assembledMatrix(P.cols, P.cols, blocks, blocks.map((b) => emptyCsr(b.nRows, 0)));
}
