/**
 * Where each entry of a banded block-banded matrix lives in its flat storage, and how the block
 * rows are split between the parts sharing that storage. Pure arithmetic, no memory of its own
 * beyond a few offset tables, so every part computes the same layout without communicating.
 *
 * Storage (the "banded block-banded" layout of BlockBandedMatrices.jl, laid out by rows):
 * - block (K, J) is non-zero when `-l ≤ J − K ≤ u`; block row K holds the blocks
 *   `J = max(0, K−l) .. min(N_J−1, K+u)`, stored one after the other, block row after block row;
 * - inside a block of `n_K` rows, entry (k, j) is non-zero when `-λ ≤ j − k ≤ μ`; the block is
 *   stored in row-major band form (CBLAS's row-major band storage): row k holds `w = λ+μ+1`
 *   values, entry (k, j) at `k·w + (j − k + λ)`. The `w` slots of a row that fall outside the
 *   block's columns (its first λ and last μ rows, or rows past the block's width) are padding:
 *   never read, never written.
 *
 * No column index is stored: the position of a value says where it is.
 *
 * @module
 */
import { DimensionMismatchError, IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import { describeValue } from '../argument-checks.js';

/** The largest storage (values) a layout may have: offsets are 32-bit in the kernels. */
export const MAX_STORAGE = 0x7fffffff;

/** The shape of a banded block-banded matrix, as given by the user. */
export interface BlockBandedShape {
  /** Rows of each block row (non-negative integers; their sum is the number of rows). */
  readonly rowBlocks: readonly number[];
  /** Columns of each block column (non-negative integers; their sum is the number of columns). */
  readonly colBlocks: readonly number[];
  /** Block lower bandwidth: blocks (K, J) with `K − J ≤ l` are stored (integer ≥ 0). */
  readonly l: number;
  /** Block upper bandwidth: blocks (K, J) with `J − K ≤ u` are stored (integer ≥ 0). */
  readonly u: number;
  /** Sub-block lower bandwidth: entries (k, j) of a block with `k − j ≤ λ` are stored (integer ≥ 0). */
  readonly lambda: number;
  /** Sub-block upper bandwidth: entries (k, j) of a block with `j − k ≤ μ` are stored (integer ≥ 0). */
  readonly mu: number;
}

/** A computed layout: the shape plus prefix sums and per-block-row storage offsets. */
export interface BlockBandedLayout extends BlockBandedShape {
  /** Number of rows (sum of rowBlocks). */
  readonly nRows: number;
  /** Number of columns (sum of colBlocks). */
  readonly nCols: number;
  /** `rowStart[K]` = first global row of block row K; `rowBlocks.length + 1` entries. */
  readonly rowStart: Int32Array;
  /** `colStart[J]` = first global column of block column J; `colBlocks.length + 1` entries. */
  readonly colStart: Int32Array;
  /** `blockStart[K]` = offset of block row K's first stored value; `rowBlocks.length + 1` entries. */
  readonly blockStart: Int32Array;
  /** Values per stored block row: `λ + μ + 1`. */
  readonly width: number;
  /** Total stored values (`blockStart` of the last block row's end). */
  readonly storage: number;
}

function checkBandwidth(what: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_STORAGE) {
    throw new InvalidArgumentError(`${what}: ${name} must be an integer ≥ 0, got ${describeValue(value)}`);
  }
  return value;
}

function prefixSums(what: string, name: string, sizes: unknown): Int32Array {
  if (!Array.isArray(sizes) && !ArrayBuffer.isView(sizes)) {
    throw new InvalidArgumentError(`${what}: ${name} must be an array of block sizes, got ${describeValue(sizes)}`);
  }
  const list = sizes as ArrayLike<unknown>;
  const start = new Int32Array(list.length + 1);
  let total = 0;
  for (let b = 0; b < list.length; b++) {
    const size = list[b];
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) {
      throw new InvalidArgumentError(`${what}: ${name}[${b}] must be an integer ≥ 0, got ${describeValue(size)}`);
    }
    total += size;
    if (total > MAX_STORAGE) throw new InvalidArgumentError(`${what}: ${name} add up to more than 2^31-1 rows or columns`);
    start[b + 1] = total;
  }
  return start;
}

/** First and last stored block column of block row K (`first > last` when the row has none). */
export function blockColumns(layout: Pick<BlockBandedLayout, 'l' | 'u' | 'colBlocks'>, K: number): [number, number] {
  return [Math.max(0, K - layout.l), Math.min(layout.colBlocks.length - 1, K + layout.u)];
}

/**
 * Checks `shape` and computes its layout.
 * @param what the calling function, for messages.
 * @param expected optional total sizes the block sizes must add up to.
 * @throws InvalidArgumentError for a bandwidth that is not an integer ≥ 0, a block size that is
 * not, or a storage of more than 2^31-1 values; DimensionMismatchError when the block sizes do not
 * add up to `expected.nRows` / `expected.nCols`.
 */
export function blockBandedLayout(
  what: string,
  shape: BlockBandedShape,
  expected: { readonly nRows?: number; readonly nCols?: number } = {},
): BlockBandedLayout {
  const l = checkBandwidth(what, 'l', shape.l);
  const u = checkBandwidth(what, 'u', shape.u);
  const lambda = checkBandwidth(what, 'lambda', shape.lambda);
  const mu = checkBandwidth(what, 'mu', shape.mu);
  const rowStart = prefixSums(what, 'rowBlocks', shape.rowBlocks);
  const colStart = prefixSums(what, 'colBlocks', shape.colBlocks);
  const nRows = rowStart[rowStart.length - 1];
  const nCols = colStart[colStart.length - 1];
  for (const [name, actual, sizes] of [['nRows', nRows, 'rowBlocks'], ['nCols', nCols, 'colBlocks']] as const) {
    const want = expected[name];
    if (want !== undefined && want !== actual) {
      throw new DimensionMismatchError(`${what}: ${sizes} add up to ${actual}, but ${name} is ${String(want)}`);
    }
  }
  const rowBlocks = Array.from(shape.rowBlocks);
  const colBlocks = Array.from(shape.colBlocks);
  const width = lambda + mu + 1;
  const blockStart = new Int32Array(rowBlocks.length + 1);
  let offset = 0;
  for (let K = 0; K < rowBlocks.length; K++) {
    const [first, last] = blockColumns({ l, u, colBlocks }, K);
    offset += Math.max(0, last - first + 1) * rowBlocks[K] * width;
    if (offset > MAX_STORAGE) {
      throw new InvalidArgumentError(`${what}: the matrix would store more than 2^31-1 values (block row ${K})`);
    }
    blockStart[K + 1] = offset;
  }
  return { rowBlocks, colBlocks, l, u, lambda, mu, nRows, nCols, rowStart, colStart, blockStart, width, storage: offset };
}

/** The block holding global index `i` in the prefix sums `start` (the last block whose start ≤ i, skipping empty blocks). */
function blockOf(start: Int32Array, i: number): number {
  let lo = 0;
  let hi = start.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (start[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Storage offset of entry (i, j), or -1 when it lies outside the bands (a structural zero).
 * @throws IndexOutOfRangeError when i or j is not an integer in `0 .. nRows-1` / `0 .. nCols-1`.
 */
export function entryOffset(layout: BlockBandedLayout, i: number, j: number): number {
  if (!Number.isInteger(i) || i < 0 || i >= layout.nRows) {
    throw new IndexOutOfRangeError(`BandedBlockBandedMatrix.get: row ${describeValue(i)} is not in 0..${layout.nRows - 1}`);
  }
  if (!Number.isInteger(j) || j < 0 || j >= layout.nCols) {
    throw new IndexOutOfRangeError(`BandedBlockBandedMatrix.get: column ${describeValue(j)} is not in 0..${layout.nCols - 1}`);
  }
  const K = blockOf(layout.rowStart, i);
  const J = blockOf(layout.colStart, j);
  const [first, last] = blockColumns(layout, K);
  if (J < first || J > last) return -1;
  const k = i - layout.rowStart[K];
  const d = j - layout.colStart[J] - k + layout.lambda;
  if (d < 0 || d >= layout.width) return -1;
  return layout.blockStart[K] + ((J - first) * layout.rowBlocks[K] + k) * layout.width + d;
}

/**
 * Splits the block rows into `count` contiguous ranges of about equal stored values: range r is
 * block rows `cuts[r] .. cuts[r+1]-1`. The same on every part (it depends on the layout alone).
 */
export function splitBlockRows(layout: BlockBandedLayout, count: number): Int32Array {
  const nBlockRows = layout.rowBlocks.length;
  const cuts = new Int32Array(count + 1);
  cuts[count] = nBlockRows;
  let K = 0;
  for (let r = 1; r < count; r++) {
    // Range r starts at the block row boundary nearest to r/count of the stored values; a storage
    // without values (all blocks empty) is split by block rows instead.
    if (layout.storage === 0) {
      cuts[r] = Math.floor((r * nBlockRows) / count);
      continue;
    }
    const target = (r * layout.storage) / count;
    while (K < nBlockRows && layout.blockStart[K] < target) K++;
    const nearer = K > cuts[r - 1] && target - layout.blockStart[K - 1] < layout.blockStart[K] - target;
    cuts[r] = nearer ? K - 1 : K;
  }
  return cuts;
}

/**
 * Calls `visit(offset, i, j)` for every stored entry of block rows `first .. end-1` (padding
 * excluded): row by row in each block, blocks by ascending block column.
 */
export function forEachStoredEntry(
  layout: BlockBandedLayout,
  first: number,
  end: number,
  visit: (offset: number, i: number, j: number) => void,
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
        const dEnd = Math.min(width, mJ + lambda - k);
        for (let d = Math.max(0, lambda - k); d < dEnd; d++) visit(offset + k * width + d, row0 + k, col0 + k - lambda + d);
      }
    }
  }
}
