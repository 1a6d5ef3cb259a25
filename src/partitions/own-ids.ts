/**
 * How one part's own global ids are described: a contiguous range, a box of a column-major grid,
 * or an explicit list. Ranges and boxes answer arithmetically, so a part of a huge index range
 * (n ≥ 2^31) costs nothing until its ids are listed.
 *
 * @module
 */
import { describeValue, isNumberArray } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * A part's own global ids, in local order (own local id `i` is global id `at(i)`).
 * @group Index partitions
 */
export interface OwnIds {
  /** Number of own ids. */
  readonly count: number;
  /** Global id of own local id `i` (`0 <= i < count`). */
  at(i: number): number;
  /** Own local id of global id `gid`, or −1 when the part does not own it. */
  indexOf(gid: number): number;
}

/**
 * Own ids `first, first+1, ..., first+count-1`.
 * @group Index partitions
 */
export class OwnRange implements OwnIds {
  constructor(
    /** The first own global id. */
    readonly first: number,
    /** The number of own ids. */
    readonly count: number,
  ) {}

  at(i: number): number {
    return this.first + i;
  }

  indexOf(gid: number): number {
    const i = gid - this.first;
    return i >= 0 && i < this.count && Number.isInteger(i) ? i : -1;
  }
}

/**
 * Own ids forming the box `lo[d] <= c[d] < hi[d]` of a column-major grid of size `dims` (direction
 * 0 fastest). Local order is the box's own column-major order, which is ascending global id.
 * @group Index partitions
 */
export class OwnBox implements OwnIds {
  readonly count: number;
  private readonly strides: number[];

  constructor(
    /** Grid size per direction. */
    readonly dims: readonly number[],
    /** First own grid coordinate per direction (inclusive). */
    readonly lo: readonly number[],
    /** End of the own coordinates per direction (exclusive). */
    readonly hi: readonly number[],
  ) {
    for (const [name, list] of [['dims', dims], ['lo', lo], ['hi', hi]] as const) {
      if (!isNumberArray(list)) throw new InvalidArgumentError(`OwnBox: ${name} must be an array of numbers, got ${describeValue(list)}`);
    }
    if (lo.length !== dims.length || hi.length !== dims.length) {
      throw new InvalidArgumentError(`OwnBox: dims, lo and hi must have one entry per direction, got ${dims.length}, ${lo.length} and ${hi.length}`);
    }
    let count = 1;
    this.strides = [];
    let stride = 1;
    for (let d = 0; d < dims.length; d++) {
      count *= hi[d] - lo[d];
      this.strides.push(stride);
      stride *= dims[d];
    }
    this.count = count;
  }

  at(i: number): number {
    let gid = 0;
    let rest = i;
    for (let d = 0; d < this.dims.length; d++) {
      const extent = this.hi[d] - this.lo[d];
      const c = rest % extent;
      rest = (rest - c) / extent;
      gid += (this.lo[d] + c) * this.strides[d];
    }
    return gid;
  }

  indexOf(gid: number): number {
    if (!Number.isInteger(gid) || gid < 0) return -1;
    let index = 0;
    let boxStride = 1;
    let rest = gid;
    for (let d = 0; d < this.dims.length; d++) {
      const c = rest % this.dims[d];
      rest = (rest - c) / this.dims[d];
      if (c < this.lo[d] || c >= this.hi[d]) return -1;
      index += (c - this.lo[d]) * boxStride;
      boxStride *= this.hi[d] - this.lo[d];
    }
    return rest === 0 ? index : -1;
  }
}

/**
 * Own ids given explicitly, in the caller's order.
 * @group Index partitions
 */
export class OwnList implements OwnIds {
  private readonly lookup = new Map<number, number>();

  constructor(
    /** The own global ids, local id `i` being `ids[i]` (not copied: the list keeps the array). */
    readonly ids: Float64Array,
  ) {
    if (!(ids instanceof Float64Array)) throw new InvalidArgumentError(`OwnList: ids must be a Float64Array, got ${describeValue(ids)}`);
    for (let i = 0; i < ids.length; i++) this.lookup.set(ids[i], i);
  }

  get count(): number {
    return this.ids.length;
  }

  at(i: number): number {
    return this.ids[i];
  }

  indexOf(gid: number): number {
    return this.lookup.get(gid) ?? -1;
  }
}
