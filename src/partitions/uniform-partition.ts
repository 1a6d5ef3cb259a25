/**
 * Block partitions of `0..n-1` and of column-major grids: every part owns one contiguous block (a
 * box in N-D), optionally extended by ghost layers. Ownership is arithmetic, so nothing of size n
 * is ever allocated and global ids up to 2^53 work.
 *
 * @module
 */
import { checkOptions, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { LocalIndices } from './local-indices.js';
import { OwnBox, OwnRange } from './own-ids.js';
import { PData } from '../pdata/pdata.js';
import { type OwnerFunction, PRange } from './prange.js';

/**
 * Options of the N-D {@link uniformPartition}.
 * @group Index partitions
 */
export interface UniformPartitionOptions {
  /**
   * Ghost layers around each block: `true` = 1, a number = that thickness, `false`/0 = none; one
   * value for every direction or one per direction. Default: no ghosts.
   */
  ghost?: boolean | number | readonly (boolean | number)[];
  /** Whether ghost layers wrap around the grid (one value, or one per direction). Default: false. */
  periodic?: boolean | readonly boolean[];
}

/** `floor(a / b)` for non-negative safe integers, exact (a plain `Math.floor(a / b)` may round up). */
function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/**
 * First id of block `b` when `0..n-1` is split into `parts` contiguous blocks, the last
 * `n % parts` of which get one extra id. `blockStart(parts, n, parts) === n`.
 */
export function blockStart(b: number, n: number, parts: number): number {
  const l = floorDiv(n, parts);
  return b * l + Math.max(0, b - (parts - (n % parts)));
}

/** The block (see {@link blockStart}) that holds id `g` (`0 <= g < n`). */
export function blockOwner(g: number, n: number, parts: number): number {
  const l = floorDiv(n, parts);
  const small = parts - (n % parts);
  const boundary = small * l;
  return g < boundary ? floorDiv(g, l) : small + floorDiv(g - boundary, l + 1);
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError(`${what} must be a non-negative safe integer, got ${String(n)}`);
  }
}

function checkParts(ranks: PData<number>, parts: number, what: string): void {
  if (parts !== ranks.np) {
    throw new PartitionMismatchError(
      `${what} has ${parts} parts but ranks has ${ranks.np} (a partition of a different ranks)`,
    );
  }
}

/** One value per direction from a scalar or a per-direction array. */
function perDirection<T>(value: T | readonly T[], d: number, what: string): T[] {
  if (!Array.isArray(value)) return Array.from({ length: d }, () => value as T);
  if (value.length !== d) {
    throw new InvalidArgumentError(`${what} [${value.join(', ')}] must have one entry per direction (${d})`);
  }
  return value.slice() as T[];
}

function ghostThickness(value: boolean | number, what: string): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${what} must be a boolean or a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Validated shape of an N-D block partition. */
interface Grid {
  readonly nPerDir: readonly number[];
  readonly partsPerDir: readonly number[];
  readonly ghost: readonly number[];
  readonly periodic: readonly boolean[];
  readonly n: number;
}

function checkGrid(
  ranks: PData<number>,
  partsPerDir: readonly number[],
  nPerDir: readonly number[],
  opts: UniformPartitionOptions,
): Grid {
  if (!Array.isArray(partsPerDir) || !Array.isArray(nPerDir)) {
    throw new InvalidArgumentError('uniformPartition: partsPerDir and nPerDir must be arrays');
  }
  const d = nPerDir.length;
  if (d === 0 || partsPerDir.length !== d) {
    throw new InvalidArgumentError(
      `uniformPartition: partsPerDir [${partsPerDir.join(', ')}] and nPerDir [${nPerDir.join(', ')}] must have the same, non-zero length`,
    );
  }
  let n = 1;
  let parts = 1;
  for (let k = 0; k < d; k++) {
    checkSize(nPerDir[k], `uniformPartition: nPerDir[${k}]`);
    if (!Number.isSafeInteger(partsPerDir[k]) || partsPerDir[k] < 1) {
      throw new InvalidArgumentError(
        `uniformPartition: partsPerDir[${k}] must be a positive integer, got ${String(partsPerDir[k])}`,
      );
    }
    n *= nPerDir[k];
    parts *= partsPerDir[k];
  }
  checkSize(n, `uniformPartition: the grid size (product of nPerDir = [${nPerDir.join(', ')}])`);
  checkParts(ranks, parts, `uniformPartition: partsPerDir [${partsPerDir.join(', ')}]`);
  // Without ghost options (the gallery's call) the per-direction parsing below would be compiled
  // on the first call of a run only to give zeros and falses.
  if (opts.ghost === undefined && opts.periodic === undefined) {
    return { nPerDir: nPerDir.slice(), partsPerDir: partsPerDir.slice(), ghost: new Array<number>(d).fill(0), periodic: new Array<boolean>(d).fill(false), n };
  }
  const ghost = perDirection(opts.ghost ?? false, d, 'uniformPartition: ghost').map((g, k) =>
    ghostThickness(g, `uniformPartition: ghost[${k}]`),
  );
  const periodic = perDirection(opts.periodic ?? false, d, 'uniformPartition: periodic');
  periodic.forEach((value, k) => {
    if (typeof value !== 'boolean') {
      throw new InvalidArgumentError(`uniformPartition: periodic[${k}] must be a boolean, got ${String(value)}`);
    }
  });
  return { nPerDir: nPerDir.slice(), partsPerDir: partsPerDir.slice(), ghost, periodic, n };
}

/**
 * Ghost coordinates of one direction: those below the own range `[lo, hi)` and those above it,
 * each ascending, with the part-id contribution (`block * partStride`) of each.
 */
interface DirectionGhosts {
  readonly below: number[];
  readonly above: number[];
  readonly belowOwner: number[];
  readonly aboveOwner: number[];
}

function directionGhosts(
  lo: number,
  hi: number,
  size: number,
  parts: number,
  thickness: number,
  periodic: boolean,
  partStride: number,
): DirectionGhosts {
  const coords = new Set<number>();
  if (periodic) {
    // On small grids the wrapped layers reach each other or the block itself: the set keeps each
    // coordinate once and the filters below drop the own ones.
    for (let t = 1; t <= Math.min(thickness, size); t++) {
      coords.add((lo - t + size) % size);
      coords.add((hi - 1 + t) % size);
    }
  } else {
    for (let c = Math.max(0, lo - thickness); c < lo; c++) coords.add(c);
    for (let c = hi; c < Math.min(size, hi + thickness); c++) coords.add(c);
  }
  const sorted = Array.from(coords).sort((a, b) => a - b);
  const below = sorted.filter((c) => c < lo);
  const above = sorted.filter((c) => c >= hi);
  const owner = (c: number): number => blockOwner(c, size, parts) * partStride;
  return { below, above, belowOwner: below.map(owner), aboveOwner: above.map(owner) };
}

/**
 * The ghosts of one block: the extended box minus the own box, ascending global id. Walks the
 * directions from the slowest down, visiting an own coordinate only when a faster direction still
 * has ghosts to contribute, so the cost is proportional to the number of ghosts, not of own ids.
 */
function blockGhosts(
  lo: readonly number[],
  hi: readonly number[],
  grid: Grid,
): { ghostToGlobal: number[]; ghostToOwner: number[] } {
  const d = grid.nPerDir.length;
  const ghostToGlobal: number[] = [];
  const ghostToOwner: number[] = [];
  for (let k = 0; k < d; k++) if (lo[k] === hi[k]) return { ghostToGlobal, ghostToOwner };
  const strides: number[] = [];
  const dirs: DirectionGhosts[] = [];
  const ownOwner: number[] = [];
  let stride = 1;
  let partStride = 1;
  for (let k = 0; k < d; k++) {
    const size = grid.nPerDir[k];
    const parts = grid.partsPerDir[k];
    strides.push(stride);
    dirs.push(directionGhosts(lo[k], hi[k], size, parts, grid.ghost[k], grid.periodic[k], partStride));
    ownOwner.push(blockOwner(lo[k], size, parts) * partStride);
    stride *= size;
    partStride *= parts;
  }
  // fasterHasGhosts[k]: some direction below k has ghost coordinates.
  const fasterHasGhosts: boolean[] = [];
  let any = false;
  for (let k = 0; k < d; k++) {
    fasterHasGhosts.push(any);
    any ||= dirs[k].below.length + dirs[k].above.length > 0;
  }
  const visit = (k: number, inside: boolean, gid: number, owner: number): void => {
    const { below, above, belowOwner, aboveOwner } = dirs[k];
    const step = (c: number, cOwner: number, stillInside: boolean): void => {
      const g = gid + c * strides[k];
      const o = owner + cOwner;
      if (k === 0) {
        if (!stillInside) {
          ghostToGlobal.push(g);
          ghostToOwner.push(o);
        }
      } else {
        visit(k - 1, stillInside, g, o);
      }
    };
    below.forEach((c, i) => step(c, belowOwner[i], false));
    if (!inside || fasterHasGhosts[k]) {
      for (let c = lo[k]; c < hi[k]; c++) step(c, ownOwner[k], inside);
    }
    above.forEach((c, i) => step(c, aboveOwner[i], false));
  };
  visit(d - 1, true, 0, 0);
  return { ghostToGlobal, ghostToOwner };
}

/**
 * The owner of any id of `0..n-1` split into `parts` blocks ({@link blockOwner}, same results), with
 * the block sizes worked out once: psparse asks it for every ghost column, and each call of the
 * general form, three calls deep, costs microseconds until the JIT has compiled it.
 */
function blockOwnerOf(n: number, parts: number): OwnerFunction {
  const l = floorDiv(n, parts);
  const small = parts - (n % parts);
  const boundary = small * l;
  return (g) => (g < boundary ? (g - (g % l)) / l : small + (g - boundary - ((g - boundary) % (l + 1))) / (l + 1));
}

/**
 * The owner of a grid id: the coordinate of the id in each direction split into more than one part
 * (`floor(gid / stride) mod size`), its block there, and the part's column-major number. Directions
 * of one part add nothing to the owner, and are skipped.
 */
function gridOwner(grid: Grid): OwnerFunction {
  const { nPerDir, partsPerDir } = grid;
  const strides: number[] = [];
  const sizes: number[] = [];
  const partStrides: number[] = [];
  const blocks: OwnerFunction[] = [];
  let stride = 1;
  let partStride = 1;
  for (let k = 0; k < nPerDir.length; k++) {
    if (partsPerDir[k] > 1) {
      strides.push(stride);
      sizes.push(nPerDir[k]);
      partStrides.push(partStride);
      blocks.push(blockOwnerOf(nPerDir[k], partsPerDir[k]));
    }
    stride *= nPerDir[k];
    partStride *= partsPerDir[k];
  }
  // One direction split (slabs, the gallery's [1, 1, np]): the block of the id's coordinate there,
  // with no call inside. psparse asks this for every ghost column, interpreted on a run's first
  // matrix (900 ghosts per part at n = 30), where each nested call costs a fraction of a microsecond.
  if (strides.length === 1) {
    const [s] = strides;
    const [size] = sizes;
    const parts = partsPerDir[nPerDir.findIndex((_, k) => partsPerDir[k] > 1)];
    const l = floorDiv(size, parts);
    const small = parts - (size % parts);
    const boundary = small * l;
    return (gid) => {
      const q = ((gid - (gid % s)) / s) % size;
      return q < boundary ? (q - (q % l)) / l : small + (q - boundary - ((q - boundary) % (l + 1))) / (l + 1);
    };
  }
  return (gid) => {
    let part = 0;
    for (let j = 0; j < strides.length; j++) {
      const q = (gid - (gid % strides[j])) / strides[j];
      part += blocks[j](q % sizes[j]) * partStrides[j];
    }
    return part;
  };
}

function gridPartition(ranks: PData<number>, grid: Grid): PRange {
  const { nPerDir, partsPerDir } = grid;
  // A grid without ghost layers (the default) has no ghosts: blockGhosts, the largest function
  // here, would be parsed and compiled on the first call of a run for an empty answer.
  let layered = false;
  for (let k = 0; k < grid.ghost.length; k++) layered ||= grid.ghost[k] > 0;
  const partition = ranks.map((partId) => {
    const lo: number[] = [];
    const hi: number[] = [];
    let rest = partId;
    for (let k = 0; k < nPerDir.length; k++) {
      const b = rest % partsPerDir[k];
      rest = (rest - b) / partsPerDir[k];
      lo.push(blockStart(b, nPerDir[k], partsPerDir[k]));
      hi.push(blockStart(b + 1, nPerDir[k], partsPerDir[k]));
    }
    if (!layered) return new LocalIndices(partId, grid.n, new OwnBox(nPerDir, lo, hi));
    const { ghostToGlobal, ghostToOwner } = blockGhosts(lo, hi, grid);
    return new LocalIndices(partId, grid.n, new OwnBox(nPerDir, lo, hi), ghostToGlobal, ghostToOwner);
  });
  return new PRange(grid.n, partition, gridOwner(grid));
}

/**
 * A block partition with arithmetic ownership (`rows.ownerOf`, O(dimensions) per id).
 *
 * 1-D form `uniformPartition(ranks, n)`: part p owns a contiguous block of `0..n-1` (an
 * {@link OwnRange}); with `l = floor(n/np)` and `r = n % np` the first `np - r` blocks have `l`
 * ids and the last `r` have `l + 1`. No ghosts.
 *
 * N-D form `uniformPartition(ranks, partsPerDir, nPerDir, opts)`: the column-major grid of size
 * `nPerDir` (direction 0 fastest: gid = i + nx·j + nx·ny·k) split into `partsPerDir` blocks per
 * direction (sizes as in 1-D), numbered column-major too (part = px + Px·py + Px·Py·pz); the own
 * ids are an {@link OwnBox} (ascending gid). With `opts.ghost` each block is extended by that many
 * layers on each side, clipped at the grid boundary unless the direction is `periodic` (then it
 * wraps); the ghosts are the extended box minus the own box, ascending gid, each with its owner
 * (a part that owns nothing gets no ghosts). `uniformPartition(ranks, [np], [n], { ghost: true })`
 * is the 1-D block partition with one ghost on each side.
 *
 * Built locally on every part; no communication.
 *
 * @throws InvalidArgumentError when `ranks` is not a PData, a size is not a non-negative safe
 * integer, a part count is not a positive integer, `partsPerDir` and `nPerDir` differ in length,
 * `opts` is not an object of the keys `ghost` and `periodic`, or these are malformed.
 * @throws PartitionMismatchError when the number of parts is not `ranks.np`.
 * @example
 * ```ts
 * uniformPartition(ranks, 10);               // 4 parts: own [0,1] [2,3] [4,5,6] [7,8,9]
 * uniformPartition(ranks, [2, 2], [4, 4], { ghost: true });
 * // part 0 owns [0,1,4,5]; ghosts [2,6,8,9,10] owned by [1,1,2,2,3]
 * ```
 * @group Index partitions
 */
export function uniformPartition(ranks: PData<number>, n: number): PRange;
export function uniformPartition(
  ranks: PData<number>,
  partsPerDir: readonly number[],
  nPerDir: readonly number[],
  opts?: UniformPartitionOptions,
): PRange;
export function uniformPartition(
  ranks: PData<number>,
  nOrPartsPerDir: number | readonly number[],
  nPerDir?: readonly number[],
  opts?: UniformPartitionOptions,
): PRange {
  expectInstance(ranks, PData, 'uniformPartition: ranks');
  if (typeof nOrPartsPerDir !== 'number') {
    const options = checkOptions(opts, ['ghost', 'periodic'], 'uniformPartition');
    return gridPartition(ranks, checkGrid(ranks, nOrPartsPerDir, nPerDir as readonly number[], options));
  }
  if (nPerDir !== undefined || opts !== undefined) {
    throw new InvalidArgumentError(
      'uniformPartition(ranks, n) takes no more arguments (for a grid: uniformPartition(ranks, partsPerDir, nPerDir, opts))',
    );
  }
  const n = nOrPartsPerDir;
  checkSize(n, 'uniformPartition: n');
  const np = ranks.np;
  const partition = ranks.map((p) => {
    const first = blockStart(p, n, np);
    return new LocalIndices(p, n, new OwnRange(first, blockStart(p + 1, n, np) - first));
  });
  return new PRange(n, partition, blockOwnerOf(n, np));
}
