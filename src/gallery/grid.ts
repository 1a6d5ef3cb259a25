/**
 * The structured grids of the gallery: the checks of a grid's shape and the maps between a node's
 * global id and its coordinates, written once for the finite-difference and the finite-element
 * generators. Ids are column-major, direction 0 fastest: id = c₀ + n₀·c₁ + n₀·n₁·c₂, the
 * numbering of `uniformPartition(ranks, partsPerDir, sizePerDir)`. Internal to the gallery.
 *
 * @module
 */
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';

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
