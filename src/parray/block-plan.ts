/**
 * Where a global rectangular block lies: for each part owning some of it, the runs of that part's
 * local memory (along the first dimension, which is contiguous locally) and where each element
 * goes in the block's own first-index-fastest buffer. Arithmetic only, O(parts touched + elements).
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import type { Layout } from './layout.js';

/**
 * A global rectangular block: per dimension a half-open range `[start, end)` of global indices.
 * @group Dense distributed arrays (PArray)
 */
export type BlockRanges = readonly (readonly [number, number])[];

/** One target part's share of a block. */
export interface TargetRuns {
  readonly part: number;
  /** Run starts in the target's local memory (element offsets). */
  readonly starts: Float64Array;
  /** Run lengths (all equal: the block's extent along the first dimension on this target). */
  readonly counts: Float64Array;
  /** For each element of the concatenated runs, its offset in the block buffer. */
  readonly offsets: Float64Array;
}

/**
 * Checks `ranges` against the layout's shape: one `[start, end)` pair of integers per dimension
 * with `0 ≤ start < end ≤ n`. Returns the block's shape.
 * @throws InvalidArgumentError when `ranges` is not an array of ndims pairs of integers or a range
 * is empty; IndexOutOfRangeError when a range leaves the dimension.
 */
export function checkRanges(layout: Layout, ranges: unknown, what: string): number[] {
  if (!Array.isArray(ranges) || ranges.length !== layout.ndims) {
    throw new InvalidArgumentError(`${what}: ranges must be an array of ${layout.ndims} [start, end) pairs, got ${describeValue(ranges)}`);
  }
  return ranges.map((r: unknown, d) => {
    if (!Array.isArray(r) || r.length !== 2 || !Number.isSafeInteger(r[0]) || !Number.isSafeInteger(r[1])) {
      throw new InvalidArgumentError(`${what}: ranges[${d}] must be a pair of integers [start, end), got ${describeValue(r)}`);
    }
    const [a, b] = r as [number, number];
    if (a < 0 || b > layout.shape[d]) {
      throw new IndexOutOfRangeError(`${what}: ranges[${d}] = [${a}, ${b}) leaves dimension ${d} of length ${layout.shape[d]}`);
    }
    if (b <= a) throw new InvalidArgumentError(`${what}: ranges[${d}] = [${a}, ${b}) is empty`);
    return b - a;
  });
}

/**
 * Visits every multi-index of `extent` (first index fastest), calling `f` with the index array
 * (reused between calls).
 */
export function forEachIndex(extent: readonly number[], f: (index: number[]) => void): void {
  const nd = extent.length;
  if (extent.some((e) => e === 0)) return;
  const index = new Array<number>(nd).fill(0);
  for (;;) {
    f(index);
    let d = 0;
    while (d < nd && ++index[d] === extent[d]) index[d++] = 0;
    if (d === nd) return;
  }
}

/** Strides of a first-index-fastest buffer of `shape`. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = 0; d < shape.length; d++) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** The runs of every part owning part of the (checked) block `ranges`. */
export function blockRuns(layout: Layout, ranges: BlockRanges): TargetRuns[] {
  const nd = layout.ndims;
  const blockShape = ranges.map(([a, b]) => b - a);
  const blockStrides = strides(blockShape);
  // Per dimension: the coordinates that own something in the range, with their local range.
  const perDim = layout.dims.map((dim, d) => {
    const [a, b] = ranges[d];
    const list: { c: number; lo: number; hi: number }[] = [];
    const first = dim.contiguous ? dim.owner(a) : 0;
    const last = dim.contiguous ? dim.owner(b - 1) : dim.p - 1;
    for (let c = first; c <= last; c++) {
      const lo = dim.countBefore(c, a);
      const hi = dim.countBefore(c, b);
      if (hi > lo) list.push({ c, lo, hi });
    }
    return list;
  });
  const result: TargetRuns[] = [];
  forEachIndex(perDim.map((l) => l.length), (pick) => {
    const chosen = pick.map((k, d) => perDim[d][k]);
    const coords = chosen.map((x) => x.c);
    const part = layout.part(coords);
    const localShape = layout.localShape(part);
    const localStrides = strides(localShape);
    const extent = chosen.map((x) => x.hi - x.lo);
    // Offset in the block buffer of each local index along each dimension.
    const blockOffsets = chosen.map((x, d) => {
      const o = new Float64Array(x.hi - x.lo);
      for (let l = x.lo; l < x.hi; l++) o[l - x.lo] = (layout.dims[d].global(x.c, l) - ranges[d][0]) * blockStrides[d];
      return o;
    });
    const nRuns = extent.slice(1).reduce((a, b) => a * b, 1);
    const starts = new Float64Array(nRuns);
    const counts = new Float64Array(nRuns).fill(extent[0]);
    const offsets = new Float64Array(nRuns * extent[0]);
    let run = 0;
    forEachIndex(extent.slice(1), (rest) => {
      let start = chosen[0].lo;
      let base = 0;
      for (let d = 1; d < nd; d++) {
        start += (chosen[d].lo + rest[d - 1]) * localStrides[d];
        base += blockOffsets[d][rest[d - 1]];
      }
      starts[run] = start;
      const o0 = blockOffsets[0];
      for (let k = 0, at = run * extent[0]; k < extent[0]; k++) offsets[at + k] = base + o0[k];
      run++;
    });
    result.push({ part, starts, counts, offsets });
  });
  return result;
}
