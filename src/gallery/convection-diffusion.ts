/**
 * A non-symmetric test matrix: finite-difference convection–diffusion on a structured grid,
 * −Δu + w·∇u with first-order upwind differences for the convection, as per-part COO triplets
 * ready for `psparse` (the sibling of {@link laplacianFdm}).
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { uniformPartition } from '../partitions/partitions.js';
import { checkGrid, gridPoint, problemFromTriplets, StructuredGrid } from './grid.js';
import { boundaryValue, type DirichletFunction, type LaplacianProblem, type LaplacianProblemWithRhs } from './laplacian-fdm.js';

/**
 * Options of {@link convectionDiffusion}.
 * @group Gallery and timing
 */
export interface ConvectionDiffusionOptions {
  /**
   * The convection velocity per direction as CELL PÉCLET NUMBERS wₐ·h/ν (velocity times grid
   * spacing over diffusivity; dimensionless, any sign, finite), one per direction. 0 everywhere
   * gives {@link laplacianFdm}'s matrix. Default 1 in every direction.
   */
  velocity?: readonly number[];
  /** Boundary values of the eliminated Dirichlet nodes; when given, `b` is returned as well. */
  dirichlet?: DirichletFunction;
}

/**
 * The convection–diffusion operator −Δu + w·∇u, scaled by h²/ν (so the diffusion part is
 * {@link laplacianFdm}'s 2·d / −1 stencil), on the interior nodes of a structured grid with the
 * Dirichlet boundary nodes eliminated. The convection term is discretised by first-order upwind
 * differences: with cell Péclet number c = `velocity[a]` in direction a, row i gets +|c| on the
 * diagonal and −|c| on its upwind neighbour (i − e_a when c > 0, i + e_a when c < 0). So row i
 * reads (2·d + Σₐ|cₐ|) on the diagonal, −1 − |cₐ| upwind and −1 downwind: a non-symmetric,
 * diagonally dominant M-matrix for any velocity (ILU(0) and Jacobi exist; CG does not apply).
 * Unknown (i, j, k) has global id i + nₓ·j + nₓ·n_y·k; rows are partitioned with
 * `uniformPartition(ranks, partsPerDir, nodesPerDir)`; each part emits its own rows' triplets,
 * columns ascending; `cols` is `rows`. With `dirichlet`, `b` holds the eliminated boundary
 * neighbours' contributions (coordinates as in {@link laplacianFdm}: node index + 1).
 *
 * @param nodesPerDir interior nodes per direction (1 to 3 directions).
 * @param partsPerDir parts per direction; their product must be the number of parts.
 * @throws InvalidArgumentError when `ranks` is not a PData, for a bad grid (as
 * {@link laplacianFdm}), unknown options, a `velocity` that is not an array of one finite number
 * per direction, or a `dirichlet` that is not a function; PartitionMismatchError when the parts
 * do not multiply to `ranks.np`; NonFiniteValueError (with the part id) for a non-finite boundary
 * value. Checked before any communication.
 * @example
 * ```ts
 * const { I, J, V, rows, cols } = convectionDiffusion(ranks, [100, 100, 100], [1, 1, ranks.np], { velocity: [1, 0.5, 0.25] });
 * const A = await psparse(I, J, V, rows, cols);
 * const { x } = gmres(A, pfill(1, A.rows), { preconditioner: 'ilu0' });
 * ```
 * @group Gallery and timing
 */
export function convectionDiffusion(
  ranks: PData<number>,
  nodesPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts: ConvectionDiffusionOptions & { dirichlet: DirichletFunction },
): LaplacianProblemWithRhs;
export function convectionDiffusion(
  ranks: PData<number>,
  nodesPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts?: ConvectionDiffusionOptions,
): LaplacianProblem;
export function convectionDiffusion(
  ranks: PData<number>,
  nodesPerDir: readonly number[],
  partsPerDir: readonly number[],
  opts?: ConvectionDiffusionOptions,
): LaplacianProblem | LaplacianProblemWithRhs {
  const what = 'convectionDiffusion';
  expectInstance(ranks, PData, `${what}: ranks`);
  checkGrid(what, ranks.np, nodesPerDir, partsPerDir, 1, 'nodesPerDir');
  const { velocity: givenVelocity, dirichlet: g } = checkOptions(opts, ['velocity', 'dirichlet'], what);
  const dims = nodesPerDir.length;
  const velocity = givenVelocity ?? new Array<number>(dims).fill(1);
  if (!Array.isArray(velocity) || velocity.length !== dims || !velocity.every((c) => typeof c === 'number' && Number.isFinite(c))) {
    throw new InvalidArgumentError(`${what}: velocity must be an array of ${dims} finite numbers (one per direction), got ${describeValue(velocity)}`);
  }
  if (g !== undefined && typeof g !== 'function') {
    throw new InvalidArgumentError(`${what}: dirichlet must be a function, got ${describeValue(g)}`);
  }
  const grid = new StructuredGrid(nodesPerDir);
  const { strides } = grid;
  const rows = uniformPartition(ranks, [...partsPerDir], [...nodesPerDir]);
  const coords = new Array<number>(dims);
  // Coefficients of the neighbour below (i − e_a) and above (i + e_a) in direction a.
  const below = velocity.map((c) => -1 - Math.max(c, 0));
  const above = velocity.map((c) => -1 - Math.max(-c, 0));
  const diagonal = 2 * dims + velocity.reduce((sum, c) => sum + Math.abs(c), 0);

  const triplets = rows.partition.map((ids, partId) => {
    const own = ids.ownToGlobal;
    let count = 0;
    for (let r = 0; r < own.length; r++) {
      count += 1;
      grid.coordsOf(own[r], coords);
      for (let d = 0; d < dims; d++) {
        if (coords[d] > 0) count++;
        if (coords[d] < nodesPerDir[d] - 1) count++;
      }
    }
    const I = new Float64Array(count);
    const J = new Float64Array(count);
    const V = new Float64Array(count);
    const bV = new Float64Array(g === undefined ? 0 : own.length);
    let k = 0;
    const emit = (row: number, col: number, value: number): void => {
      I[k] = row;
      J[k] = col;
      V[k] = value;
      k++;
    };
    for (let r = 0; r < own.length; r++) {
      const gid = own[r];
      grid.coordsOf(gid, coords);
      for (let d = dims - 1; d >= 0; d--) if (coords[d] > 0) emit(gid, gid - strides[d], below[d]);
      emit(gid, gid, diagonal);
      for (let d = 0; d < dims; d++) if (coords[d] < nodesPerDir[d] - 1) emit(gid, gid + strides[d], above[d]);
      if (g !== undefined) {
        let sum = 0;
        for (let d = 0; d < dims; d++) {
          if (coords[d] === 0) sum -= below[d] * boundaryValue(g, gridPoint(coords, d, 0), partId);
          if (coords[d] === nodesPerDir[d] - 1) sum -= above[d] * boundaryValue(g, gridPoint(coords, d, nodesPerDir[d] + 1), partId);
        }
        bV[r] = sum;
      }
    }
    return { I, J, V, bI: g === undefined ? new Float64Array(0) : Float64Array.from(own), bV };
  });

  return problemFromTriplets(triplets, rows, g !== undefined);
}
