/**
 * The structured grids of the gallery: the checks of a grid's shape and the maps between a node's
 * global id and its coordinates, written once for the finite-difference and the finite-element
 * generators. Ids are column-major, direction 0 fastest: id = c₀ + n₀·c₁ + n₀·n₁·c₂, the
 * numbering of `uniformPartition(ranks, partsPerDir, sizePerDir)`. Internal to the gallery.
 *
 * @module
 */
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import type { PData } from '../pdata/pdata.js';
import type { PRange } from '../partitions/prange.js';

/**
 * Checks the shape arguments shared by the generators.
 * @param what the generator, for messages (`'laplacianFdm'`)
 * @param sizeName how `sizePerDir` is called in messages (`'nodesPerDir'`)
 * @throws InvalidArgumentError for a dimension other than 1–3, non-integer sizes below `minSize`,
 *   or mismatched lengths; PartitionMismatchError when the product of `partsPerDir` is not `np`.
 * @example `checkGrid('laplacianFem', ranks.np, cellsPerDir, partsPerDir, 2, 'cellsPerDir')`
 */
export function checkGrid(
  what: string,
  np: number,
  sizePerDir: readonly number[],
  partsPerDir: readonly number[],
  minSize: number,
  sizeName: string,
): void {
  if (!Array.isArray(sizePerDir) || sizePerDir.length < 1 || sizePerDir.length > 3) {
    throw new InvalidArgumentError(`${what}: ${sizeName} must list 1, 2 or 3 sizes, got ${String(sizePerDir)}`);
  }
  for (const size of sizePerDir) {
    if (!Number.isInteger(size) || size < minSize) {
      throw new InvalidArgumentError(`${what}: ${sizeName} must be integers >= ${minSize}, got [${sizePerDir.join(', ')}]`);
    }
  }
  if (!Array.isArray(partsPerDir) || partsPerDir.length !== sizePerDir.length) {
    throw new InvalidArgumentError(
      `${what}: partsPerDir must have one entry per direction (${sizePerDir.length}), got ${String(partsPerDir)}`,
    );
  }
  let product = 1;
  for (const parts of partsPerDir) {
    if (!Number.isInteger(parts) || parts < 1) {
      throw new InvalidArgumentError(`${what}: partsPerDir must be integers >= 1, got [${partsPerDir.join(', ')}]`);
    }
    product *= parts;
  }
  if (product !== np) {
    throw new PartitionMismatchError(
      `${what}: partsPerDir [${partsPerDir.join(', ')}] makes ${product} parts, the run has ${np}`,
    );
  }
}

/**
 * A column-major grid of `sizePerDir` nodes (or cells): global id ↔ coordinates.
 *
 * @example
 * ```ts
 * const grid = new StructuredGrid([4, 3]);
 * const c = [0, 0];
 * grid.coordsOf(9, c);   // c = [1, 2]
 * grid.idOf([1, 2]);     // 9
 * grid.idOf([4, 0]);     // -1 (outside)
 * ```
 */
export class StructuredGrid {
  /** Number of nodes per direction. */
  readonly sizePerDir: readonly number[];
  /** The id step of one node along each direction: 1, n₀, n₀·n₁. */
  readonly strides: readonly number[];

  constructor(sizePerDir: readonly number[]) {
    this.sizePerDir = [...sizePerDir];
    const strides: number[] = [];
    let stride = 1;
    for (const size of sizePerDir) {
      strides.push(stride);
      stride *= size;
    }
    this.strides = strides;
  }

  /** Number of directions. */
  get dims(): number {
    return this.sizePerDir.length;
  }

  /** Writes the coordinates of node `id` into `coords` (one entry per direction; reused by callers in loops). */
  coordsOf(id: number, coords: number[]): void {
    let rest = id;
    for (let d = 0; d < this.sizePerDir.length; d++) {
      coords[d] = rest % this.sizePerDir[d];
      rest = (rest - coords[d]) / this.sizePerDir[d];
    }
  }

  /** The id of the node at `coords`, or −1 when a coordinate lies outside the grid. */
  idOf(coords: readonly number[]): number {
    let id = 0;
    for (let d = 0; d < this.sizePerDir.length; d++) {
      const c = coords[d];
      if (c < 0 || c >= this.sizePerDir[d]) return -1;
      id += c * this.strides[d];
    }
    return id;
  }
}

/**
 * Grid coordinates (node index + 1) of a node at `coords`, with direction `d` replaced by
 * `boundary`: the point where a finite-difference generator evaluates the Dirichlet function.
 * @example `gridPoint([0, 2], 0, 0)` is `[0, 3]`
 */
export function gridPoint(coords: readonly number[], d: number, boundary: number): number[] {
  return coords.map((c, e) => (e === d ? boundary : c + 1));
}

/** One part's output of a generator: its matrix triplets and its right-hand side contributions. */
export interface PartTriplets {
  readonly I: Float64Array;
  readonly J: Float64Array;
  readonly V: Float64Array;
  /** Global row ids of the right-hand side contributions (empty without a Dirichlet function). */
  readonly bI: Float64Array;
  /** Values, aligned with `bI`. */
  readonly bV: Float64Array;
}

/** The generators' result as built here: a `LaplacianProblem`, with `b` when it has a right-hand side. */
export interface GridProblem {
  readonly I: PData<Float64Array>;
  readonly J: PData<Float64Array>;
  readonly V: PData<Float64Array>;
  readonly rows: PRange;
  readonly cols: PRange;
  readonly b?: { readonly I: PData<Float64Array>; readonly V: PData<Float64Array> };
}

/**
 * The generators' result: the per-part triplets as a problem on `rows` (also its columns), with the
 * right-hand side `b` when `withRhs`. The arrays are the parts' own, not copies.
 * (The types `LaplacianProblem` live in laplacian-fdm.ts, which imports this file: the result is
 * typed structurally here so the two files do not import each other.)
 * @example `return problemFromTriplets(triplets, rows, g !== undefined);`
 */
export function problemFromTriplets(triplets: PData<PartTriplets>, rows: PRange, withRhs: boolean): GridProblem {
  const problem: GridProblem = {
    I: triplets.map((t) => t.I),
    J: triplets.map((t) => t.J),
    V: triplets.map((t) => t.V),
    rows,
    cols: rows,
  };
  if (!withRhs) return problem;
  return { ...problem, b: { I: triplets.map((t) => t.bI), V: triplets.map((t) => t.bV) } };
}
