/**
 * `BandedBlockBandedMatrix` (BlockBandedMatrices.jl) stored in a shared array, so that the parts of
 * a node fill it and multiply with it together, each taking a contiguous range of block rows.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { checkNotInPartCode } from '../backends/part-scope.js';
import type { Backend } from '../backends/backend.js';
import {
  DimensionMismatchError,
  InvalidArgumentError,
  NonFiniteValueError,
  PartFailedError,
  PartitionedArraysError,
} from '../errors.js';
import { PData, pmap } from '../pdata/pdata.js';
import {
  blockBandedLayout,
  blockColumns,
  entryOffset,
  forEachStoredEntry,
  splitBlockRows,
  type BlockBandedLayout,
  type BlockBandedShape,
} from './block-banded-layout.js';
import { CLAIM_COUNTER_STRIDE } from './banded-kernel.js';
import { bandedKernel } from './select-banded-kernel.js';
import { SharedArray, expectSharedArray, sharedArray } from './shared-array.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';

/**
 * The shape of a banded block-banded matrix: block sizes and the two levels of bandwidths (see
 * {@link BandedBlockBandedMatrix}), plus the sizes the blocks must add up to, when given.
 * @group Shared arrays across parts
 */
export interface BandedBlockBandedOptions {
  /** Rows of each block row: integers ≥ 0 (they may differ). */
  readonly rowBlocks: readonly number[];
  /** Columns of each block column: integers ≥ 0 (they may differ). */
  readonly colBlocks: readonly number[];
  /** Block lower bandwidth: block (K, J) is stored when `K − J ≤ l` (integer ≥ 0). */
  readonly l: number;
  /** Block upper bandwidth: block (K, J) is stored when `J − K ≤ u` (integer ≥ 0). */
  readonly u: number;
  /** Lower bandwidth inside a block: entry (k, j) is stored when `k − j ≤ lambda` (integer ≥ 0). */
  readonly lambda: number;
  /** Upper bandwidth inside a block: entry (k, j) is stored when `j − k ≤ mu` (integer ≥ 0). */
  readonly mu: number;
  /** Number of rows, checked against the sum of `rowBlocks` when given. */
  readonly nRows?: number;
  /** Number of columns, checked against the sum of `colBlocks` when given. */
  readonly nCols?: number;
}

/**
 * Options of {@link mulInto}.
 * @group Shared arrays across parts
 */
export interface MulIntoOptions {
  /**
   * `true`: the first part of each node computes every row while the others wait (the serial
   * product, the reference the parallel one is measured against; the same bits). Default
   * `false`: the block rows are split between the parts of the node.
   */
  readonly serial?: boolean;
  /**
   * `true`: with the native kernel on Threads or MPI, a part that has finished its own block rows
   * takes the chunks still left at the end of the others' shares (each chunk claimed once through
   * atomic counters in shared memory), so a part that starts late or loses its core does not hold
   * the others at the closing barrier; parts then also write rows of `y` they do not own. Same
   * bits. Default `false`: each part computes and writes only its own block rows, the even split
   * of the blocks between the parts of the node. Ignored with `serial`.
   */
  readonly shareWork?: boolean;
}

/**
 * Stored values per chunk of work in {@link mulInto} (2^15: 256 KiB, about 8 µs of one core's
 * streaming): small enough that a part finishing its last chunk keeps the others waiting little,
 * large enough that a claim (one atomic add) costs nothing next to it.
 */
const CHUNK_VALUES = 1 << 15;

/** The most entries {@link toDense} builds (2^22: a 32 MiB array). */
const TO_DENSE_MAX_ENTRIES = 1 << 22;

/**
 * A banded block-banded matrix: a matrix cut into blocks (row block sizes `rowBlocks`, column
 * block sizes `colBlocks`) of which only the blocks within block bandwidths `l` (below) and `u`
 * (above the block diagonal) are non-zero, each itself banded with bandwidths `lambda` (below) and
 * `mu` (above its diagonal). Such matrices come from spectral discretisations of PDEs.
 *
 * Storage: only the bands, no column indices, in one {@link SharedArray} ({@link
 * BandedBlockBandedMatrix.storage}) shared by the parts of each node: block row after block row,
 * the stored blocks of a block row by ascending block column, each block in row-major band form
 * (row k of a block holds `lambda + mu + 1` values, entry (k, j) at `k·(lambda+mu+1) + j − k +
 * lambda`; slots falling outside the block's columns are padding). That is CBLAS's row-major band
 * storage, block by block.
 *
 * Work split: each part of a node takes a contiguous range of block rows holding about
 * `1/(parts of the node)` of the stored values ({@link BandedBlockBandedMatrix.blockRows}) and
 * fills those rows in {@link populate} and multiplies them in {@link mulInto} (where, with its
 * `shareWork` option, a part that is done also takes what is left of the others'). Every row's sum
 * is taken in one fixed order whatever the split,
 * so the product has the same bits on 1, 2, 3... parts. On MPI across several nodes, each node
 * holds and computes the whole matrix.
 *
 * Built by {@link bandedBlockBanded} or {@link uniformBandedBlockBanded}; it lives as long as the
 * run.
 *
 * @example
 * ```ts
 * const A = bandedBlockBanded(ranks, { rowBlocks: [3, 3], colBlocks: [3, 3], l: 1, u: 1, lambda: 1, mu: 1 });
 * populate(A, (i, j) => (i === j ? 2 : -1));
 * A.get(0, 1); // -1
 * ```
 * @group Shared arrays across parts
 */
export class BandedBlockBandedMatrix {
  /** Number of rows (sum of `rowBlocks`). */
  readonly nRows: number;
  /** Number of columns (sum of `colBlocks`). */
  readonly nCols: number;
  /** Rows of each block row. */
  readonly rowBlocks: readonly number[];
  /** Columns of each block column. */
  readonly colBlocks: readonly number[];
  /** Block lower bandwidth. */
  readonly l: number;
  /** Block upper bandwidth. */
  readonly u: number;
  /** Lower bandwidth inside a block. */
  readonly lambda: number;
  /** Upper bandwidth inside a block. */
  readonly mu: number;
  /** The shared array holding the stored values (see the storage order above). */
  readonly storage: SharedArray;
  /**
   * Per part, the block rows `[first, end)` it fills in {@link populate} and multiplies in
   * {@link mulInto} (which, with its `shareWork` option, may hand the end of them to another part).
   */
  readonly blockRows: PData<readonly [number, number]>;
  /** @internal The prefix sums the kernels read. */
  readonly layout: BlockBandedLayout;
  /**
   * @internal The chunks of block rows {@link mulInto} hands out (about `CHUNK_VALUES` values
   * each, none across two parts' {@link blockRows}), per part: `cuts` and `rangeStart` of
   * `MulClaimedChunks`, and this part's range.
   */
  readonly chunks: PData<{ readonly cuts: Int32Array; readonly rangeStart: Int32Array; readonly self: number }>;
  /** @internal The claim counters of {@link mulInto}, one 64-byte line per part of the run. */
  readonly claimCounters: SharedArray;

  /**
   * @internal Built by {@link bandedBlockBanded}.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, layout: BlockBandedLayout, storage: SharedArray, claimCounters: SharedArray) {
    checkFactoryKey(key, 'BandedBlockBandedMatrix', 'bandedBlockBanded(ranks, options)');
    this.layout = layout;
    this.nRows = layout.nRows;
    this.nCols = layout.nCols;
    this.rowBlocks = Object.freeze(layout.rowBlocks.slice());
    this.colBlocks = Object.freeze(layout.colBlocks.slice());
    this.l = layout.l;
    this.u = layout.u;
    this.lambda = layout.lambda;
    this.mu = layout.mu;
    this.storage = storage;
    this.claimCounters = claimCounters;
    this.blockRows = storage.sharers.map((sharers, part) => {
      const cuts = splitBlockRows(layout, sharers.length);
      const r = sharers.indexOf(part);
      return [cuts[r], cuts[r + 1]] as const;
    });
    this.chunks = storage.sharers.map((sharers, part) => ({
      ...chunkRanges(layout, splitBlockRows(layout, sharers.length), CHUNK_VALUES),
      self: sharers.indexOf(part),
    }));
  }

  /**
   * Entry (i, j) (0-based global row and column): the stored value, or 0 outside the bands. Reads
   * this node's storage: call it after {@link populate} (or after {@link sharedBarrier} following
   * your own writes).
   * @throws IndexOutOfRangeError when i or j is not an integer in range.
   * @example `A.get(0, 0)`
   */
  get(i: number, j: number): number {
    const offset = entryOffset(this.layout, i, j);
    return offset < 0 ? 0 : this.storage.values.localItems[0][offset];
  }
}

/**
 * Builds a zero banded block-banded matrix in a new shared array (collective: every part calls it
 * with the same options). Fill it with {@link populate}.
 *
 * @throws InvalidArgumentError (before any communication) for a bandwidth or block size that is
 * not an integer ≥ 0, unknown options, or more than 2^31-1 stored values; DimensionMismatchError
 * when `nRows`/`nCols` are given and the block sizes do not add up to them.
 * @example
 * ```ts
 * const A = bandedBlockBanded(ranks, { rowBlocks: [2, 3], colBlocks: [3, 2], l: 0, u: 1, lambda: 1, mu: 0 });
 * ```
 * @group Shared arrays across parts
 */
export function bandedBlockBanded(ranks: PData<unknown>, options: BandedBlockBandedOptions): BandedBlockBandedMatrix {
  expectInstance(ranks, PData, 'bandedBlockBanded: ranks');
  if (options === undefined) throw new InvalidArgumentError('bandedBlockBanded: options are required (rowBlocks, colBlocks, l, u, lambda, mu)');
  const o = checkOptions(options, ['rowBlocks', 'colBlocks', 'l', 'u', 'lambda', 'mu', 'nRows', 'nCols'], 'bandedBlockBanded');
  const layout = blockBandedLayout('bandedBlockBanded', o as BlockBandedShape, { nRows: o.nRows, nCols: o.nCols });
  const storage = sharedArray(ranks, layout.storage);
  return new BandedBlockBandedMatrix(FACTORY_KEY, layout, storage, sharedArray(ranks, CLAIM_COUNTER_STRIDE * ranks.backend.np));
}

/**
 * The ranges `rangeCuts` (block rows `rangeCuts[r] .. rangeCuts[r+1]-1`) cut into chunks of about
 * `chunkValues` stored values each (at least one chunk per range, none across two ranges), as
 * `MulClaimedChunks` reads them.
 */
function chunkRanges(layout: BlockBandedLayout, rangeCuts: Int32Array, chunkValues: number): { cuts: Int32Array; rangeStart: Int32Array } {
  const { blockStart } = layout;
  const cuts = [rangeCuts[0]];
  const rangeStart = [0];
  for (let r = 0; r + 1 < rangeCuts.length; r++) {
    const first = rangeCuts[r];
    const end = rangeCuts[r + 1];
    const values = blockStart[end] - blockStart[first];
    const count = Math.max(1, Math.min(end - first, Math.ceil(values / chunkValues)));
    let K = first;
    for (let c = 1; c < count; c++) {
      const target = blockStart[first] + (c * values) / count;
      while (K < end && blockStart[K] < target) K++;
      cuts.push(K);
    }
    cuts.push(end);
    rangeStart.push(cuts.length - 1);
  }
  return { cuts: Int32Array.from(cuts), rangeStart: Int32Array.from(rangeStart) };
}

/**
 * Sizes of {@link uniformBandedBlockBanded}; every field defaults to the blog experiment's value.
 * @group Shared arrays across parts
 */
export interface UniformBandedBlockBandedOptions {
  /** Rows (and columns) per block; default 500. */
  readonly n?: number;
  /** Block lower bandwidth; default 1. */
  readonly l?: number;
  /** Block upper bandwidth; default 2. */
  readonly u?: number;
  /** Lower bandwidth inside a block; default 2. */
  readonly lambda?: number;
  /** Upper bandwidth inside a block; default 1. */
  readonly mu?: number;
}

/**
 * A square banded block-banded matrix of `N × N` blocks of `n × n` (collective), with the blog
 * experiment's parameters unless told otherwise: n = 500, l, u = 1, 2, lambda, mu = 2, 1.
 *
 * @throws InvalidArgumentError when N or an option is not an integer ≥ 0 (unknown options too).
 * @example
 * ```ts
 * const A = uniformBandedBlockBanded(ranks, 100); // 50 000 rows
 * ```
 * @group Shared arrays across parts
 */
export function uniformBandedBlockBanded(
  ranks: PData<unknown>,
  N: number,
  options?: UniformBandedBlockBandedOptions,
): BandedBlockBandedMatrix {
  const o = checkOptions(options, ['n', 'l', 'u', 'lambda', 'mu'], 'uniformBandedBlockBanded');
  if (typeof N !== 'number' || !Number.isInteger(N) || N < 0) {
    throw new InvalidArgumentError(`uniformBandedBlockBanded: N must be an integer ≥ 0, got ${describeValue(N)}`);
  }
  const n = o.n ?? 500;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`uniformBandedBlockBanded: n must be an integer ≥ 0, got ${describeValue(n)}`);
  }
  const blocks = new Array<number>(N).fill(n);
  return bandedBlockBanded(ranks, {
    rowBlocks: blocks, colBlocks: blocks, l: o.l ?? 1, u: o.u ?? 2, lambda: o.lambda ?? 2, mu: o.mu ?? 1,
  });
}

/**
 * Sets every stored entry (i, j) of `A` to `f(i, j)` (global 0-based row and column), in parallel
 * (collective): each part fills its own block rows ({@link BandedBlockBandedMatrix.blockRows}),
 * then a {@link sharedBarrier} makes the whole matrix visible to every part. `f` is called once per
 * stored entry (not for the structural zeros), row by row; it runs on the part that owns the row.
 *
 * @throws InvalidArgumentError when `A` is not a BandedBlockBandedMatrix, `f` is not a function
 * (before any work), `f` returns a non-number, or when called inside per-part code;
 * NonFiniteValueError when `f` returns NaN or ±Infinity (naming the entry); any other error of
 * `f` as a PartFailedError naming the part. Every part throws when one does (the others a
 * PartFailedError naming the first part that failed); the entries filled so far stay.
 * @example
 * ```ts
 * populate(A, (i, j) => 1 / (1 + i + j));
 * ```
 * @group Shared arrays across parts
 */
export function populate(A: BandedBlockBandedMatrix, f: (i: number, j: number) => number): void {
  expectInstance(A, BandedBlockBandedMatrix, 'populate: A');
  if (typeof f !== 'function') throw new InvalidArgumentError(`populate: f must be a function, got ${describeValue(f)}`);
  checkNotInPartCode('populate');
  const failures = pmap(
    (data, [first, end], part) => {
      try {
        fillBlockRows(A.layout, data, first, end, f);
        return undefined;
      } catch (error) {
        return error instanceof PartitionedArraysError ? error : new PartFailedError(part, error);
      }
    },
    A.storage.values,
    A.blockRows,
  );
  throwIfAnyFailed(A.storage.values.backend, failures.localItems, 'populate');
  A.storage.barrier();
}

/**
 * `data[offset of (i, j)] = f(i, j)` for the stored entries of block rows `first .. end-1`: the
 * loops of `forEachStoredEntry` written out, so that `f` is the only call per entry (no visitor
 * closure between the loop and `f`).
 */
function fillBlockRows(
  layout: BlockBandedLayout, data: Float64Array, first: number, end: number, f: (i: number, j: number) => number,
): void {
  const { rowStart, colStart, blockStart, width, lambda } = layout;
  for (let K = first; K < end; K++) {
    const row0 = rowStart[K];
    const nK = rowStart[K + 1] - row0;
    const [firstJ, lastJ] = blockColumns(layout, K);
    let offset = blockStart[K];
    for (let J = firstJ; J <= lastJ; J++, offset += nK * width) {
      const col0 = colStart[J];
      const mJ = colStart[J + 1] - col0;
      for (let k = 0; k < nK; k++) {
        const i = row0 + k;
        const dEnd = Math.min(width, mJ + lambda - k);
        for (let d = Math.max(0, lambda - k); d < dEnd; d++) {
          const j = col0 + k - lambda + d;
          const v = f(i, j);
          if (typeof v !== 'number') throw new InvalidArgumentError(`populate: f(${i}, ${j}) returned ${describeValue(v)}, not a number`);
          if (!Number.isFinite(v)) throw new NonFiniteValueError(`populate: f(${i}, ${j}) returned ${v}`);
          data[offset + k * width + d] = v;
        }
      }
    }
  }
}

/**
 * Makes a failure of some parts a failure of all (collective, one allgather of a flag): a failed
 * part throws its own error, the others a PartFailedError naming the first part that failed. So
 * no part is left waiting in the barrier that follows for parts that have thrown.
 */
function throwIfAnyFailed(backend: Backend, failures: readonly (PartitionedArraysError | undefined)[], what: string): void {
  const flags = Float64Array.from(failures, (failure) => (failure === undefined ? 0 : 1));
  const all = new Float64Array(backend.np);
  backend.allgatherFloat64(flags, all);
  const firstFailed = all.indexOf(1);
  if (firstFailed < 0) return;
  const own = failures.find((failure) => failure !== undefined);
  if (own !== undefined) throw own;
  throw new PartFailedError(firstFailed, new Error(`${what} failed on part ${firstFailed}`));
}

/**
 * `y = A x` (collective), with `x` and `y` shared arrays of `A.nCols` and `A.nRows` values made by
 * {@link sharedArray} on the same run (the SharedArrays.jl way: every part of a node sees the
 * whole of both). Each part computes and writes only its own block rows
 * ({@link BandedBlockBandedMatrix.blockRows}, the blocks split evenly between the parts of the
 * node). With {@link MulIntoOptions.shareWork} and the native kernel, a part that has finished its
 * own then takes the chunks (about 256 KiB of stored values each) left at the end of the others'
 * (each chunk claimed once, through atomic counters in shared memory), so a part that starts late
 * or loses its core for a while leaves the end of its share to the others instead of holding them
 * at the closing barrier. Every row of `y` is written by the one part that computed it. The
 * JavaScript kernel (no atomics on an MPI window's memory), Sequential, and `serial` keep to the
 * fixed split.
 *
 * A barrier on entry orders earlier writes of `x` (and reads of `y`) before the product, one on
 * exit makes the whole of `y` visible to every part. Each row's sum is taken in one fixed order
 * (block columns ascending, then columns ascending, no fused multiply-add), so `y` has the same bits
 * whatever the number of parts, with the native kernel (`native/banded`) or the JavaScript one.
 *
 * @throws InvalidArgumentError when an argument has the wrong type, `y` is the same array as `x`
 * or as `A`'s storage, or when called inside per-part code; DimensionMismatchError when
 * `x.length ≠ A.nCols` or `y.length ≠ A.nRows`; PartitionMismatchError when they belong to
 * another run. All before any communication.
 * @example
 * ```ts
 * const x = sharedArray(ranks, A.nCols);
 * const y = sharedArray(ranks, A.nRows);
 * x.values.forEach((v, p) => { if (p === 0) v.fill(1); });
 * mulInto(y, A, x);
 * ```
 * @group Shared arrays across parts
 */
export function mulInto(y: SharedArray, A: BandedBlockBandedMatrix, x: SharedArray, options?: MulIntoOptions): void {
  expectInstance(A, BandedBlockBandedMatrix, 'mulInto: A');
  expectSharedArray(y, 'mulInto: y', A.storage.values);
  expectSharedArray(x, 'mulInto: x', A.storage.values);
  const o = checkOptions(options, ['serial', 'shareWork'], 'mulInto');
  for (const name of ['serial', 'shareWork'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'boolean') {
      throw new InvalidArgumentError(`mulInto: ${name} must be a boolean, got ${describeValue(o[name])}`);
    }
  }
  if (x.length !== A.nCols) throw new DimensionMismatchError(`mulInto: x has ${x.length} values, A has ${A.nCols} columns`);
  if (y.length !== A.nRows) throw new DimensionMismatchError(`mulInto: y has ${y.length} values, A has ${A.nRows} rows`);
  if (y === x || y === A.storage) throw new InvalidArgumentError(`mulInto: y must not be ${y === x ? 'x' : "A's storage"} (it is written while that is read)`);
  checkNotInPartCode('mulInto');
  const { layout } = A;
  const kernel = bandedKernel();
  const nBlockRows = layout.rowBlocks.length;
  const { mulClaimedChunks } = kernel;
  // Claiming needs one part per thread or process (Sequential runs its parts one after the other).
  const claims = o.shareWork === true && o.serial !== true && mulClaimedChunks !== undefined && A.storage.values.backend.localParts.length === 1;
  if (claims) {
    // Reset before the entry barrier: every part has left the previous product's closing
    // barrier (no claim of it is left), and none claims before this barrier.
    A.claimCounters.values.forEach((counters, part) => {
      if (A.storage.sharers.localItems[0][0] === part) counters.fill(0);
    });
  }
  A.storage.barrier();
  pmap(
    (data, xs, ys, [first, end], counters, chunks, sharers, part) => {
      if (claims) {
        mulClaimedChunks(
          chunks.cuts, chunks.rangeStart, chunks.self, counters, layout.l, layout.u, layout.lambda, layout.mu,
          layout.rowStart, layout.colStart, layout.blockStart, data, xs, ys,
        );
        return;
      }
      const [from, to] = o.serial === true ? (sharers[0] === part ? [0, nBlockRows] : [0, 0]) : [first, end];
      if (from < to) {
        kernel.mulBlockRows(
          from, to, layout.l, layout.u, layout.lambda, layout.mu, layout.rowStart, layout.colStart, layout.blockStart, data, xs, ys,
        );
      }
    },
    A.storage.values, x.values, y.values, A.blockRows, A.claimCounters.values, A.chunks, A.storage.sharers,
  );
  A.storage.barrier();
}

/**
 * The matrix as a dense row-major array (entry (i, j) at `i·A.nCols + j`), for checks and small
 * examples. Reads this node's storage; not collective. A new array the caller owns.
 * @throws InvalidArgumentError when `A` is not a BandedBlockBandedMatrix or has more than 2^22
 * entries (`nRows · nCols`).
 * @example `toDense(A)[0 * A.nCols + 1] === A.get(0, 1)`
 * @group Shared arrays across parts
 */
export function toDense(A: BandedBlockBandedMatrix): Float64Array {
  expectInstance(A, BandedBlockBandedMatrix, 'toDense: A');
  if (A.nRows * A.nCols > TO_DENSE_MAX_ENTRIES) {
    throw new InvalidArgumentError(
      `toDense: a ${A.nRows}×${A.nCols} matrix has more than 2^22 entries; toDense is for small matrices (use A.get(i, j))`,
    );
  }
  const data = A.storage.values.localItems[0];
  const dense = new Float64Array(A.nRows * A.nCols);
  forEachStoredEntry(A.layout, 0, A.rowBlocks.length, (offset, i, j) => {
    dense[i * A.nCols + j] = data[offset];
  });
  return dense;
}
