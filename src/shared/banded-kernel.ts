/**
 * The banded block-banded product over a range of block rows, `y[rows of K] = Σ_J A(K,J) x[cols of J]`
 * for K in `first .. end-1`: the interface both implementations follow (the JavaScript loop here,
 * the `pa_banded` addon in `native/banded`), and the JavaScript one.
 *
 * The summation order is part of the contract, so that every implementation and every split of
 * the block rows between parts gives the same bits: each row's value starts at 0 and adds
 * `a · x` for its stored entries by ascending block column J, then ascending column inside the
 * block, one rounding per multiply and one per add (no fused multiply-add).
 *
 * @module
 */

/** Which implementation a {@link BandedKernel} is. */
export type BandedKernelKind = 'native' | 'js';

/**
 * The product over block rows `first .. end-1` of a matrix in the layout of
 * `block-banded-layout.ts`: `rowStart`, `colStart` and `blockStart` are that layout's prefix
 * sums (global row, global column, storage offset), `data` its values, `x` the whole input vector
 * (global columns), `y` the whole output vector (global rows), of which only the rows of those
 * block rows are written. Nothing is kept or allocated; the caller owns every array.
 */
export type MulBlockRows = (
  first: number, end: number, l: number, u: number, lambda: number, mu: number,
  rowStart: Int32Array, colStart: Int32Array, blockStart: Int32Array,
  data: Float64Array, x: Float64Array, y: Float64Array,
) => void;

/**
 * The product over block rows split into ranges, one per part, each cut into chunks: chunk c is
 * block rows `cuts[c] .. cuts[c+1]-1`, range r is chunks `rangeStart[r] .. rangeStart[r+1]-1`
 * (`rangeStart` runs from 0 to `cuts.length - 1`). Every part of the node calls it between two
 * barriers with the same arguments but its own `self` (its range). A part computes its own range's
 * chunks from the front, then takes the other ranges' chunks from their backs, each chunk claimed
 * once through range r's counter: the 8 bytes of `counters[8 r]` (an int64, one 64-byte line per
 * range), in memory every part maps, 0 when the parts start (`0.0` has the same bytes). So a part
 * that starts late or is slowed leaves the end of its range to the others. Each row is computed
 * once in the order of {@link MulBlockRows}, so the bits are those of any other split. Returns
 * the number of chunks this call computed.
 */
export type MulClaimedChunks = (
  cuts: Int32Array, rangeStart: Int32Array, self: number, counters: Float64Array,
  l: number, u: number, lambda: number, mu: number,
  rowStart: Int32Array, colStart: Int32Array, blockStart: Int32Array,
  data: Float64Array, x: Float64Array, y: Float64Array,
) => number;

/** Float64 values between two ranges' counters of {@link MulClaimedChunks} (one 64-byte line). */
export const CLAIM_COUNTER_STRIDE = 8;

/**
 * The spinning wait of a shared array's barrier (see `node-barrier.ts`): polls `word[index]` until
 * the arrival count in it (above its two give-up bits) reaches `target` (returns 1) or `bit` (1 or
 * 2) is set in it (returns 0), yielding the core between polls after the first few; after
 * `spinMs` milliseconds it sets `bit` itself, on a word still short of `target`, and returns 2.
 */
export type SpinWait = (word: Int32Array, index: number, target: number, bit: number, spinMs: number) => number;

/** A banded block-banded product implementation. */
export interface BandedKernel {
  /** `'native'` (the addon) or `'js'` (the loop below). */
  readonly kind: BandedKernelKind;
  /** See {@link MulBlockRows}. */
  readonly mulBlockRows: MulBlockRows;
  /**
   * See {@link MulClaimedChunks}; only the addon has it (JavaScript has no atomics on an MPI
   * window's memory), and the product splits the block rows statically without it.
   */
  readonly mulClaimedChunks?: MulClaimedChunks;
  /**
   * See {@link SpinWait}; only the addon has it (a JavaScript loop cannot give its core away
   * between polls). Shared arrays' barriers spin in JavaScript without it, and on Threads only.
   */
  readonly spinWait?: SpinWait;
}

/**
 * The JavaScript implementation. It trusts its arguments (the library passes a layout it built
 * and checked); the addon checks them itself.
 */
export const jsMulBlockRows: MulBlockRows = (first, end, l, u, lambda, mu, rowStart, colStart, blockStart, data, x, y) => {
  const width = lambda + mu + 1;
  const lastColBlock = colStart.length - 2;
  for (let K = first; K < end; K++) {
    const row0 = rowStart[K];
    const nK = rowStart[K + 1] - row0;
    for (let k = 0; k < nK; k++) y[row0 + k] = 0;
    const firstJ = Math.max(0, K - l);
    const lastJ = Math.min(lastColBlock, K + u);
    let offset = blockStart[K];
    for (let J = firstJ; J <= lastJ; J++, offset += nK * width) {
      const col0 = colStart[J];
      const mJ = colStart[J + 1] - col0;
      for (let k = 0; k < nK; k++) {
        // Slot d of row k is column col0 + k - lambda + d; keep the columns inside the block.
        const dFirst = Math.max(0, lambda - k);
        const dEnd = Math.min(width, mJ + lambda - k);
        const base = offset + k * width;
        const xBase = col0 + k - lambda;
        let s = y[row0 + k];
        for (let d = dFirst; d < dEnd; d++) s += data[base + d] * x[xBase + d];
        y[row0 + k] = s;
      }
    }
  }
};

/** The JavaScript {@link BandedKernel}. */
export const jsBandedKernel: BandedKernel = { kind: 'js', mulBlockRows: jsMulBlockRows };
