/**
 * The layout of a dense distributed array: its global shape, the grid of parts (part ids numbered
 * first grid coordinate fastest) and one {@link DimLayout} per dimension. Pure arithmetic, shared
 * by every part without communication.
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { dimLayout, type DimLayout, type Distribution } from './distribution.js';

/**
 * A grid of `np` parts in `ndims` dimensions as balanced as possible, larger counts first: what
 * `MPI_Dims_create` picks (12 parts in 2-D → [4, 3]; 8 in 3-D → [2, 2, 2]; 7 in 2-D → [7, 1]).
 * @throws InvalidArgumentError when `np` is not an integer ≥ 1 or `ndims` not an integer ≥ 0
 * (0 dimensions only for np = 1).
 * @example `defaultGrid(6, 2); // [3, 2]`
 * @group Dense distributed arrays (PArray)
 */
export function defaultGrid(np: number, ndims: number): number[] {
  if (!Number.isSafeInteger(np) || np < 1) throw new InvalidArgumentError(`defaultGrid: np must be an integer ≥ 1, got ${describeValue(np)}`);
  if (!Number.isSafeInteger(ndims) || ndims < 0 || (ndims === 0 && np !== 1)) {
    throw new InvalidArgumentError(`defaultGrid: cannot split ${np} parts over ${describeValue(ndims)} dimensions`);
  }
  const factors: number[] = [];
  let rest = np;
  for (let f = 2; f * f <= rest; f++) {
    while (rest % f === 0) {
      factors.push(f);
      rest /= f;
    }
  }
  if (rest > 1) factors.push(rest);
  const dims = new Array<number>(ndims).fill(1);
  // Largest factors first, each onto the currently smallest count: balanced as MPI_Dims_create.
  for (const f of factors.reverse()) {
    let smallest = 0;
    for (let d = 1; d < ndims; d++) if (dims[d] < dims[smallest]) smallest = d;
    dims[smallest] *= f;
  }
  return dims.sort((a, b) => b - a);
}

/** The checked, normalized layout of an array over `np` parts. */
export class Layout {
  readonly shape: readonly number[];
  readonly grid: readonly number[];
  readonly dims: readonly DimLayout[];
  readonly np: number;

  constructor(np: number, shape: readonly number[], grid: readonly number[], dims: readonly DimLayout[]) {
    this.np = np;
    this.shape = shape;
    this.grid = grid;
    this.dims = dims;
  }

  get ndims(): number {
    return this.shape.length;
  }

  /** The distributions, one per dimension. */
  get dist(): Distribution[] {
    return this.dims.map((d) => d.dist);
  }

  /** Grid coordinates of part `p` (first coordinate fastest). */
  coords(p: number): number[] {
    const c = new Array<number>(this.grid.length);
    let rest = p;
    for (let d = 0; d < this.grid.length; d++) {
      c[d] = rest % this.grid[d];
      rest = (rest - c[d]) / this.grid[d];
    }
    return c;
  }

  /** The part at grid coordinates `c`. */
  part(c: readonly number[]): number {
    let p = 0;
    for (let d = this.grid.length - 1; d >= 0; d--) p = p * this.grid[d] + c[d];
    return p;
  }

  /** Part `p`'s local shape. */
  localShape(p: number): number[] {
    const c = this.coords(p);
    return this.dims.map((dim, d) => dim.count(c[d]));
  }

  /** How many elements part `p` stores. */
  localLength(p: number): number {
    return this.localShape(p).reduce((a, b) => a * b, 1);
  }

  /** Whether `other` places every element on the same part at the same local position. */
  sameAs(other: Layout): boolean {
    return (
      this.np === other.np &&
      this.shape.length === other.shape.length &&
      this.shape.every((n, d) => n === other.shape[d]) &&
      this.grid.every((g, d) => g === other.grid[d]) &&
      this.dims.every((dim, d) => JSON.stringify(dim.dist) === JSON.stringify(other.dims[d].dist))
    );
  }
}

function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length === 0) {
    throw new InvalidArgumentError(`${what}: shape must be a non-empty array of dimension lengths, got ${describeValue(shape)}`);
  }
  shape.forEach((n, d) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new InvalidArgumentError(`${what}: shape[${d}] must be a non-negative integer, got ${describeValue(n)}`);
    }
  });
  const total = shape.reduce((a: number, b: number) => a * b, 1);
  if (!Number.isSafeInteger(total)) throw new InvalidArgumentError(`${what}: the shape has ${total} elements, more than 2^53-1`);
  return Array.from(shape as number[]);
}

function checkGrid(grid: unknown, np: number, ndims: number, what: string): number[] {
  if (grid === undefined) return defaultGrid(np, ndims);
  if (!Array.isArray(grid) || grid.length !== ndims) {
    throw new InvalidArgumentError(`${what}: grid must be an array of ${ndims} part counts (one per dimension), got ${describeValue(grid)}`);
  }
  grid.forEach((g, d) => {
    if (typeof g !== 'number' || !Number.isSafeInteger(g) || g < 1) {
      throw new InvalidArgumentError(`${what}: grid[${d}] must be an integer ≥ 1, got ${describeValue(g)}`);
    }
  });
  const product = grid.reduce((a: number, b: number) => a * b, 1);
  if (product !== np) throw new InvalidArgumentError(`${what}: the grid [${grid.join(', ')}] has ${product} parts, but the run has ${np}`);
  return Array.from(grid as number[]);
}

/**
 * Checks and builds a layout. `dist` is one distribution for every dimension or an array of one
 * per dimension (default `'block'`).
 * @throws InvalidArgumentError naming `what` for a bad shape, grid or distribution.
 */
export function makeLayout(np: number, shape: unknown, grid: unknown, dist: unknown, what: string): Layout {
  const checkedShape = checkShape(shape, what);
  const ndims = checkedShape.length;
  const checkedGrid = checkGrid(grid, np, ndims, what);
  let dists: unknown[];
  if (dist === undefined) dists = new Array<unknown>(ndims).fill('block');
  else if (Array.isArray(dist)) {
    if (dist.length !== ndims) {
      throw new InvalidArgumentError(`${what}: dist must be one distribution or an array of ${ndims}, got ${describeValue(dist)}`);
    }
    dists = dist;
  } else dists = new Array<unknown>(ndims).fill(dist);
  const dims = dists.map((d, k) => dimLayout(checkedShape[k], checkedGrid[k], d, `${what}: dimension ${k}`));
  return new Layout(np, checkedShape, checkedGrid, dims);
}
