/**
 * Finite-difference Laplacian on a structured grid (the 3-D Poisson matrix of the PETSc and SciPy
 * reference programs), as per-part COO triplets ready for `psparse`.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { uniformPartition } from '../partitions/partitions.js';
import type { PRange } from '../partitions/prange.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { checkGrid, gridPoint, problemFromTriplets, StructuredGrid } from './grid.js';

/**
 * Boundary values g(x) at grid coordinates `x` (one entry per direction).
 * @group Gallery and timing
 */
export type DirichletFunction = (x: number[]) => number;

/**
 * Options of the Laplacian generators.
 * @group Gallery and timing
 */
export interface LaplacianOptions {
  /**
   * Boundary values of the eliminated Dirichlet nodes. When given, the generator also returns the
   * right-hand side contributions `b` of those nodes, so that A u = b holds for the discrete
   * solution with these boundary values.
   */
  dirichlet?: DirichletFunction;
}

/**
 * Right-hand side contributions as per-part COO pairs, ready for `pvectorFromCoo(I, V, rows)`.
 * @group Gallery and timing
 */
export interface BoundaryRhs {
  /** Global row ids (may be owned by other parts; duplicates are to be summed). */
  readonly I: PData<Float64Array>;
  /** Values, aligned with `I`. */
  readonly V: PData<Float64Array>;
}

/**
 * A generated matrix as per-part COO triplets plus its row and column partitions.
 * @group Gallery and timing
 */
export interface LaplacianProblem {
  /** Global row id of each triplet, per part. */
  readonly I: PData<Float64Array>;
  /** Global column id of each triplet, per part. */
  readonly J: PData<Float64Array>;
  /** Value of each triplet, per part. */
  readonly V: PData<Float64Array>;
  /** Row partition (no ghosts). */
  readonly rows: PRange;
  /** Column partition: the same object as `rows`. */
  readonly cols: PRange;
}

/**
 * A generated problem with the Dirichlet right-hand side (when `opts.dirichlet` is given).
 * @group Gallery and timing
 */
export interface LaplacianProblemWithRhs extends LaplacianProblem {
  /** Right-hand side contributions of the eliminated boundary nodes. */
  readonly b: BoundaryRhs;
}

/**
 * Evaluates the Dirichlet function, rejecting non-finite values (internal to the gallery).
 * @throws NonFiniteValueError (with the part id) when `g(x)` is NaN or infinite.
 */
export function boundaryValue(g: DirichletFunction, x: number[], partId: number): number {
  const value = g(x);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new NonFiniteValueError(`dirichlet([${x.join(', ')}]) returned ${String(value)} (rejected)`, { partId });
  }
  return value;
}

/**
 * Checks the arguments every generator shares: `ranks`, the grid and the options (internal to the
 * gallery). Returns the Dirichlet function, if any.
 * @throws as {@link checkGrid}; InvalidArgumentError when `ranks` is not a PData, `opts` is not an
 * object of the key `dirichlet`, or `dirichlet` is not a function.
 */
export function checkGenerator(
  what: string,
  ranks: PData<number>,
  sizePerDir: readonly number[],
  partsPerDir: readonly number[],
  minSize: number,
  sizeName: string,
  opts: LaplacianOptions | undefined,
): DirichletFunction | undefined {
  expectInstance(ranks, PData, `${what}: ranks`);
  checkGrid(what, ranks.np, sizePerDir, partsPerDir, minSize, sizeName);
  const g = checkOptions(opts, ['dirichlet'], what).dirichlet;
  if (g !== undefined && typeof g !== 'function') {
    throw new InvalidArgumentError(`${what}: dirichlet must be a function, got ${describeValue(g)}`);
  }
  return g;
}

/**
 * The finite-difference Laplacian on the interior nodes of a structured grid with Dirichlet
 * boundary nodes eliminated: 2·d on the diagonal and −1 for each of the (up to) 2·d neighbours, no
 * h² scaling (the 5-point stencil in 2-D, 7-point in 3-D). Unknown (i, j, k) has global id
 * i + nₓ·j + nₓ·n_y·k. This is the matrix of the PETSc/SciPy reference programs in `anchors/`.
 *
 * Rows are partitioned with `uniformPartition(ranks, partsPerDir, nodesPerDir)`; each part emits
 * the triplets of its own rows only, with ascending column ids within a row. `cols` is `rows`.
 *
 * With `opts.dirichlet`, `b` holds one entry per own row: the sum of g over the row's eliminated
 * boundary neighbours. Grid coordinates are node index + 1 along each direction, in units of the
 * grid spacing, so the boundary lies at 0 and nᵈ + 1.
 *
 * @param nodesPerDir interior nodes per direction (1 to 3 directions).
 * @param partsPerDir parts per direction; their product must be the number of parts.
 * @throws InvalidArgumentError when `ranks` is not a PData, for 0 or more than 3 directions, sizes
 *   below 1, lengths that differ, options other than `dirichlet`, or a `dirichlet` that is not a
 *   function; PartitionMismatchError when the product of
 *   `partsPerDir` is not the number of parts; NonFiniteValueError (with the part id) when
 *   `dirichlet` returns a non-finite value. Checked before any communication.
 * @example
 * ```ts
 * const { I, J, V, rows, cols } = laplacianFdm(ranks, [50, 50, 50], [1, 1, ranks.np]);
 * const A = await psparse(I, J, V, rows, cols);
 * // manufactured solution u = x + y: A u = b
 * const { b } = laplacianFdm(ranks, [8, 8], [1, ranks.np], { dirichlet: ([x, y]) => x + y });
 * ```
 * @group Gallery and timing
 */
export function laplacianFdm(
  ranks: PData<number>,
  nodesPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts: LaplacianOptions & { dirichlet: DirichletFunction },
): LaplacianProblemWithRhs;
export function laplacianFdm(
  ranks: PData<number>,
  nodesPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts?: LaplacianOptions,
): LaplacianProblem;
export function laplacianFdm(
  ranks: PData<number>,
  nodesPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts?: LaplacianOptions,
): LaplacianProblem | LaplacianProblemWithRhs {
  const g = checkGenerator('laplacianFdm', ranks, nodesPerDir, partsPerDir, 1, 'nodesPerDir', opts);
  const grid = new StructuredGrid(nodesPerDir);
  const { dims, strides } = grid;
  const rows = uniformPartition(ranks, [...partsPerDir], [...nodesPerDir]);
  const coords = new Array<number>(dims);

  const triplets = rows.partition.map((ids, partId) => {
    const own = ids.ownToGlobal;
    const { I, J, V } = stencilTriplets(own, nodesPerDir, strides);
    const bV = new Float64Array(g === undefined ? 0 : own.length);
    if (g !== undefined) {
      for (let r = 0; r < own.length; r++) {
        grid.coordsOf(own[r], coords);
        let sum = 0;
        for (let d = 0; d < dims; d++) {
          if (coords[d] === 0) sum += boundaryValue(g, gridPoint(coords, d, 0), partId);
          if (coords[d] === nodesPerDir[d] - 1) sum += boundaryValue(g, gridPoint(coords, d, nodesPerDir[d] + 1), partId);
        }
        bV[r] = sum;
      }
    }
    return { I, J, V, bI: g === undefined ? new Float64Array(0) : Float64Array.from(own), bV };
  });

  return problemFromTriplets(triplets, rows, g !== undefined);
}

/**
 * The triplets of the rows `own` (global ids): per row, the neighbours below in descending
 * direction, the diagonal 2·d, the neighbours above in ascending direction, so column ids ascend
 * within a row. One pass counts, one writes; coordinates come from three divisions per row (grids
 * of fewer directions are padded with directions of size 1). The arrays come from `largeArrays`
 * (a pass that writes them anyway touches their pages for the first time).
 */
function stencilTriplets(
  own: Float64Array,
  nodesPerDir: readonly number[],
  strides: readonly number[],
): { I: Float64Array; J: Float64Array; V: Float64Array } {
  const dims = nodesPerDir.length;
  const [n0, n1, n2] = [nodesPerDir[0], nodesPerDir[1] ?? 1, nodesPerDir[2] ?? 1];
  const [s1, s2] = [strides[1] ?? 0, strides[2] ?? 0];
  const diagonal = 2 * dims;
  let count = 0;
  for (let r = 0; r < own.length; r++) {
    const gid = own[r];
    const c0 = gid % n0;
    const rest = (gid - c0) / n0;
    const c1 = rest % n1;
    const c2 = (rest - c1) / n1;
    count += 1 + (c0 > 0 ? 1 : 0) + (c0 < n0 - 1 ? 1 : 0) + (c1 > 0 ? 1 : 0) + (c1 < n1 - 1 ? 1 : 0);
    count += (c2 > 0 ? 1 : 0) + (c2 < n2 - 1 ? 1 : 0);
  }
  const I = largeArrays.float64(count);
  const J = largeArrays.float64(count);
  const V = largeArrays.float64(count);
  let k = 0;
  for (let r = 0; r < own.length; r++) {
    const gid = own[r];
    const c0 = gid % n0;
    const rest = (gid - c0) / n0;
    const c1 = rest % n1;
    const c2 = (rest - c1) / n1;
    const first = k;
    if (c2 > 0) J[k++] = gid - s2;
    if (c1 > 0) J[k++] = gid - s1;
    if (c0 > 0) J[k++] = gid - 1;
    const diag = k;
    J[k++] = gid;
    if (c0 < n0 - 1) J[k++] = gid + 1;
    if (c1 < n1 - 1) J[k++] = gid + s1;
    if (c2 < n2 - 1) J[k++] = gid + s2;
    for (let e = first; e < k; e++) {
      I[e] = gid;
      V[e] = -1;
    }
    V[diag] = diagonal;
  }
  return { I, J, V };
}
