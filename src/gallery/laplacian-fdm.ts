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
import { assemblyKernels, ownBoxSpec, type AssemblyKernels } from '../kernels/assembly-kernels.js';
import { OwnBox, OwnRange, type OwnIds } from '../partitions/own-ids.js';
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
  const { dims } = grid;
  const rows = uniformPartition(ranks, [...partsPerDir], [...nodesPerDir]);
  const coords = new Array<number>(dims);

  const stencilGrid = Float64Array.of(dims, nodesPerDir[0], nodesPerDir[1] ?? 1, nodesPerDir[2] ?? 1);
  const triplets = rows.partition.map((ids, partId) => {
    const { I, J, V } = stencilTriplets(stencilGrid, ownBox(ids.own, ids.n));
    const bV = new Float64Array(g === undefined ? 0 : ids.nOwn);
    const own = g === undefined ? null : ids.ownToGlobal;
    if (own !== null && g !== undefined) {
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
    return { I, J, V, bI: own === null ? new Float64Array(0) : Float64Array.from(own), bV };
  });

  return problemFromTriplets(triplets, rows, g !== undefined);
}

/**
 * The own rows of a part of `uniformPartition` (a range or a box of at most 3 directions) as the
 * box description of the assembly kernels.
 */
function ownBox(own: OwnIds, n: number): Float64Array {
  if (own instanceof OwnRange) return ownBoxSpec([n], [own.first], [own.first + own.count]);
  if (own instanceof OwnBox && own.dims.length <= 3) return ownBoxSpec(own.dims, own.lo, own.hi);
  throw new InvalidArgumentError(`laplacianFdm: the own rows must be a range or a box, got ${describeValue(own)}`);
}

/**
 * The triplets of the own rows `box` on `grid` (`[dims, n0, n1, n2]`): one kernel call counts
 * them, one writes them (see {@link AssemblyKernels.stencilTriplets}; no JavaScript loop over the
 * rows, which would run interpreted in a fresh process). The arrays come from `largeArrays` (the
 * pass that writes them touches their pages for the first time).
 */
function stencilTriplets(grid: Float64Array, box: Float64Array): { I: Float64Array; J: Float64Array; V: Float64Array } {
  const none = new Float64Array(0);
  const count = assemblyKernels.stencilTriplets(grid, box, none, none, none);
  const I = largeArrays.float64(count);
  const J = largeArrays.float64(count);
  const V = largeArrays.float64(count);
  if (count > 0) assemblyKernels.stencilTriplets(grid, box, I, J, V);
  return { I, J, V };
}
