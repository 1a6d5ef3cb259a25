/**
 * The options of {@link gmres} and {@link bicgstab} (and their reusable solvers), beyond the
 * {@link KrylovSolverOptions} every Krylov solver shares, their checks, and what the solvers
 * share: the solve-time vector checks and the residual record.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { PVector, pzeros } from '../vectors/pvector.js';
import { checkCgVector, KRYLOV_SOLVER_OPTION_NAMES, type CgIterationInfo, type CgReason, type CgResult, type CheckedKrylovOptions, type KrylovSolverOptions } from './cg-options.js';
import { monitorLine } from './monitor.js';

/**
 * Options of {@link GmresSolver}: the {@link KrylovSolverOptions} and the restart length.
 * @group Solvers
 */
export interface GmresSolverOptions extends KrylovSolverOptions {
  /**
   * Krylov vectors kept before a restart (PETSc's `-ksp_gmres_restart`): an integer ≥ 1. The
   * solver keeps `restart + 1` vectors on `A.cols` and a `(restart + 1) × restart` Hessenberg
   * matrix. Default 30.
   */
  restart?: number;
  /**
   * How each new Krylov vector is made orthogonal to the basis (PETSc's
   * `KSPGMRESSetOrthogonalization`): `'classical'` (default) Gram–Schmidt, which takes all the
   * projections in one sweep over the basis and one collective per 8 of them, then subtracts
   * them in one more sweep, with the `refinement` below; or `'modified'` Gram–Schmidt, one
   * projection and one collective at a time (one sweep over w per basis vector: slower, and
   * stable without refinement).
   */
  orthogonalization?: 'classical' | 'modified';
  /**
   * When classical Gram–Schmidt makes a second pass (PETSc's `KSPGMRESSetCGSRefinementType`, with
   * one more rule); not allowed with `orthogonalization: 'modified'`.
   * - `'measured'` (default): after the pass, the new w's projections on the basis are taken
   *   (one more sweep over the basis and its collectives: about half a pass), and
   *   subtracted by a second pass only when they are not negligible, ‖Vᵀw‖₂ > 2⁻³⁰·‖w‖₂. Each
   *   basis vector is then orthogonal to the earlier ones to about 1e-9 whatever the condition
   *   of the problem, which modified Gram–Schmidt does not guarantee (its loss of orthogonality
   *   grows with the condition number of the Krylov basis); the second pass is rarely needed.
   * - `'ifneeded'`: PETSc's rule: a second pass when the first cancelled most of w
   *   (‖w_after‖₂ < ‖projections‖₂), as this solver did before `refinement` existed; it fires
   *   at most iterations of a converging solve.
   * - `'always'`: two passes (CGS2).
   * - `'never'`: one pass (PETSc's default): cheapest; orthogonality can be lost on
   *   ill-conditioned problems.
   */
  refinement?: 'measured' | 'ifneeded' | 'always' | 'never';
}

/** The Gram–Schmidt variant of {@link GmresSolver} (see {@link GmresSolverOptions.orthogonalization}). */
export type GmresOrthogonalization = NonNullable<GmresSolverOptions['orthogonalization']>;

/** When classical Gram–Schmidt makes a second pass (see {@link GmresSolverOptions.refinement}). */
export type GmresRefinement = NonNullable<GmresSolverOptions['refinement']>;

/**
 * Options of {@link gmres}: the {@link GmresSolverOptions} and an initial guess.
 * @group Solvers
 */
export interface GmresOptions extends GmresSolverOptions {
  /** Initial guess with the own ids of `A.rows` (own values are read; not modified). Default: 0. */
  x0?: PVector;
}

/**
 * Options of {@link BicgstabSolver}: the {@link KrylovSolverOptions}.
 * @group Solvers
 */
export type BicgstabSolverOptions = KrylovSolverOptions;

/**
 * Options of {@link bicgstab}: the {@link BicgstabSolverOptions} and an initial guess.
 * @group Solvers
 */
export interface BicgstabOptions extends BicgstabSolverOptions {
  /** Initial guess with the own ids of `A.rows` (own values are read; not modified). Default: 0. */
  x0?: PVector;
}

/**
 * The vectors a Krylov solver's `solve` may be given ({@link GmresSolver.solve},
 * {@link BicgstabSolver.solve}).
 * @group Solvers
 */
export interface KrylovSolveVectors {
  /** Initial guess with the own ids of `A.rows` (own values are read; not modified). Default: 0. */
  readonly x0?: PVector;
  /**
   * Where to write the solution: a vector on `A.cols` itself (the same PRange object), overwritten;
   * it may be `x0`. Default: a new vector.
   */
  readonly x?: PVector;
}

/** The keys `new GmresSolver(A, opts)` accepts. */
export const GMRES_SOLVER_OPTION_NAMES: readonly string[] = [...KRYLOV_SOLVER_OPTION_NAMES, 'restart', 'orthogonalization', 'refinement'];
/** The keys `gmres(A, b, opts)` accepts. */
export const GMRES_OPTION_NAMES: readonly string[] = [...GMRES_SOLVER_OPTION_NAMES, 'x0'];
/** The keys `bicgstab(A, b, opts)` accepts. */
export const BICGSTAB_OPTION_NAMES: readonly string[] = [...KRYLOV_SOLVER_OPTION_NAMES, 'x0'];

/**
 * Checks `restart`: an integer ≥ 1 (default 30).
 * @throws InvalidArgumentError `"gmres: restart must be an integer >= 1, got <value>"`.
 */
export function checkRestart(restart: unknown): number {
  const value = restart ?? 30;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`gmres: restart must be an integer >= 1, got ${describeValue(value)}`);
  }
  return value;
}

const ORTHOGONALIZATIONS: readonly GmresOrthogonalization[] = ['classical', 'modified'];
const REFINEMENTS: readonly GmresRefinement[] = ['measured', 'ifneeded', 'always', 'never'];

/**
 * Checks `orthogonalization` and `refinement` (defaults `'classical'`, `'measured'`); with
 * `'modified'` the refinement is `'never'` (modified Gram–Schmidt makes one pass).
 * @throws InvalidArgumentError for another value, or a refinement given with `'modified'`.
 */
export function checkOrthogonalization(orthogonalization: unknown, refinement: unknown): { orthogonalization: GmresOrthogonalization; refinement: GmresRefinement } {
  const o = orthogonalization ?? 'classical';
  if (!ORTHOGONALIZATIONS.includes(o as GmresOrthogonalization)) {
    throw new InvalidArgumentError(`gmres: orthogonalization must be 'classical' or 'modified', got ${describeValue(o)}`);
  }
  if (o === 'modified') {
    if (refinement !== undefined) throw new InvalidArgumentError(`gmres: refinement applies to orthogonalization 'classical' only, got ${describeValue(refinement)} with 'modified'`);
    return { orthogonalization: 'modified', refinement: 'never' };
  }
  const r = refinement ?? 'measured';
  if (!REFINEMENTS.includes(r as GmresRefinement)) {
    throw new InvalidArgumentError(`gmres: refinement must be one of ${REFINEMENTS.map((name) => `'${name}'`).join(', ')}, got ${describeValue(r)}`);
  }
  return { orthogonalization: 'classical', refinement: r as GmresRefinement };
}

/**
 * Checks what a `solve(b, { x0, x })` is given and returns the solution vector (the given `x`, or
 * a new one on `A.cols`). Before any communication.
 * @throws InvalidArgumentError when b, x0 or x is not a PVector, `vectors` has another key, or x
 * is b; DimensionMismatchError / PartitionMismatchError when b or x0 does not match A's rows, or
 * x is not on `A.cols`.
 */
export function checkSolveVectors(A: PSparseMatrix, b: PVector, vectors: KrylovSolveVectors | undefined, who: string): { x: PVector; x0: PVector | undefined; given: boolean } {
  expectInstance(b, PVector, `${who}.solve: b`);
  const { x0, x: given } = checkOptions(vectors, ['x0', 'x'], `${who}.solve`);
  if (x0 !== undefined) expectInstance(x0, PVector, `${who}.solve: x0`);
  if (given !== undefined) expectInstance(given, PVector, `${who}.solve: x`);
  const name = who === 'GmresSolver' ? 'gmres' : 'bicgstab';
  checkCgVector(A, b, 'b', 'rows', name);
  if (x0 !== undefined) checkCgVector(A, x0, 'x0', 'columns', name);
  if (given !== undefined && given.rows !== A.cols) {
    throw new PartitionMismatchError(`${name}: x must be a vector on A.cols (the same PRange object); build it with pzeros(A.cols)`);
  }
  if (given !== undefined && given === b) throw new InvalidArgumentError(`${name}: x and b must be different vectors`);
  return { x: given ?? pzeros(A.cols), x0, given: given !== undefined };
}

/**
 * The residual history of one solve: the `residuals` array, the `onIteration` observer and the
 * monitor lines, in that order, for every recorded iteration.
 */
export class ResidualRecord {
  readonly residuals: number[] = [];
  private readonly options: CheckedKrylovOptions;
  private readonly name: string;

  constructor(options: CheckedKrylovOptions, name: string) {
    this.options = options;
    this.name = name;
  }

  /** Records ‖r‖₂ after `iteration` updates (0: the initial residual). */
  record(iteration: number, residual: number): void {
    this.residuals.push(residual);
    const { onIteration, monitor } = this.options;
    if (onIteration !== undefined) onIteration({ iteration, residual } satisfies CgIterationInfo);
    if (monitor !== null && iteration % monitor.every === 0) monitor.write(monitorLine(this.name, iteration, residual));
  }

  /** Replaces the last entry (an estimate) by the true residual computed afterwards. */
  correctLast(residual: number): void {
    this.residuals[this.residuals.length - 1] = residual;
  }

  /** The result object, with the iterations counted from the record. */
  result(x: PVector, reason: CgReason): CgResult {
    const converged = reason === 'converged-rtol' || reason === 'converged-atol';
    return { x, iterations: this.residuals.length - 1, converged, reason, residuals: this.residuals };
  }
}
