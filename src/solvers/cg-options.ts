/**
 * The options and results of the conjugate gradient solver ({@link cg}, {@link CgSolver}), which
 * {@link gmres} and {@link bicgstab} share, and the checks of the options, including the choice
 * of a preconditioner by name.
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { checkSameOwn } from '../partitions/prange.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import type { PVector } from '../vectors/pvector.js';
import { checkMonitor, MONITOR_ENVIRONMENT_VARIABLE, type CgMonitorOptions, type CheckedMonitor } from './monitor.js';
import { amg } from './amg/amg.js';
import { ilu0 } from './ilu0.js';
import { jacobi, JacobiPreconditioner, type Preconditioner } from './preconditioners.js';
import { ssor } from './ssor.js';

/**
 * Why {@link cg}, {@link gmres} or {@link bicgstab} stopped.
 * - `'converged-rtol'`: ‖r‖₂ ≤ rtol·‖r₀‖₂ (the relative bound was the larger one).
 * - `'converged-atol'`: ‖r‖₂ ≤ atol, where atol > rtol·‖r₀‖₂.
 * - `'diverged-max-iters'`: `maxIters` updates done without converging.
 * - `'diverged-breakdown'`: CG: pᵀAp ≤ 0 or rᵀz ≤ 0 (A or the preconditioner is not positive
 *   definite), or one of them is not finite; GMRES: the least-squares problem became singular
 *   (A M⁻¹ maps a Krylov vector to zero); BiCGStab: r̂ᵀr, r̂ᵀv or ω became 0.
 * - `'diverged-nan'`: a residual norm is NaN or infinite.
 * @group Solvers
 */
export type CgReason =
  | 'converged-rtol'
  | 'converged-atol'
  | 'diverged-max-iters'
  | 'diverged-breakdown'
  | 'diverged-nan';

/**
 * What {@link CgOptions.onIteration} receives: the iteration number and ‖r‖₂ after it.
 * @group Solvers
 */
export interface CgIterationInfo {
  /** 0 for the initial residual, then k after the k-th update of x. */
  readonly iteration: number;
  /**
   * ‖r_k‖₂ of the true (unpreconditioned) residual b − A x_k, as maintained by the recurrence
   * (‖M⁻¹r_k‖₂ with CG's normType `'preconditioned'`).
   */
  readonly residual: number;
}

/**
 * A preconditioner by name:
 * - `'none'`: M = I;
 * - `'jacobi'`: the diagonal ({@link jacobi});
 * - `'ssor'`: symmetric Gauss–Seidel (ω = 1) on each part's own-own block ({@link ssor});
 * - `'ilu0'`: block Jacobi ILU(0), the incomplete LU of each part's own-own block ({@link ilu0});
 * - `'amg'`: smoothed-aggregation algebraic multigrid with its default options ({@link amg}).
 * @group Solvers
 */
export type PreconditionerName = 'none' | 'jacobi' | 'ssor' | 'ilu0' | 'amg';

/** The names {@link PreconditionerName} accepts, in the order error messages list them. */
export const PRECONDITIONER_NAMES: readonly PreconditionerName[] = ['none', 'jacobi', 'ssor', 'ilu0', 'amg'];

/**
 * Options every Krylov solver accepts ({@link CgSolver}, {@link GmresSolver},
 * {@link BicgstabSolver}): what is fixed when a solver is set up for a matrix.
 * @group Solvers
 */
export interface KrylovSolverOptions {
  /** Relative tolerance on ‖r‖₂/‖r₀‖₂; finite, ≥ 0. Default 1e-8. */
  rtol?: number;
  /** Absolute tolerance on ‖r‖₂; finite, ≥ 0. Default 0. */
  atol?: number;
  /** Maximum number of iterations (updates of x); an integer ≥ 0. Default: the global size `A.rows.n`. */
  maxIters?: number;
  /**
   * A {@link PreconditionerName} (default `'none'`; built when the solver is set up) or any
   * {@link Preconditioner}.
   */
  preconditioner?: PreconditionerName | Preconditioner;
  /**
   * Observer called for iteration 0 and after every iteration, on every part with the same values.
   * Its return value is ignored: it cannot stop the solver.
   */
  onIteration?: (info: CgIterationInfo) => void;
  /**
   * Print ‖r_k‖₂ as the solve goes, like PETSc's `-ksp_monitor`: `true` or `1` every iteration,
   * an integer k every k-th (iteration 0 included), `{ every?, write? }` to send the lines
   * elsewhere ({@link CgMonitorOptions}), `false` never. The lines
   * (`'  25 CG residual norm 1.234567890123e-03'`, with `GMRES` or `BiCGStab` for those solvers)
   * are written once per run, where part 0 lives, and show the values of
   * {@link CgResult.residuals}; the results keep their bits. Default: the environment variable
   * `PA_MONITOR` (unset or 0: off; k: every k-th iteration), read when the solver is set up, so a
   * run can be monitored without changing its code.
   */
  monitor?: boolean | number | CgMonitorOptions;
}

/**
 * Options of {@link CgSolver}: the {@link KrylovSolverOptions} and the SpMV's index compression.
 * @group Solvers
 */
export interface CgSolverOptions extends KrylovSolverOptions {
  /**
   * Whether the solver keeps a compact copy of each part's own-own column ids for its SpMV
   * (`compact-csr.ts`: 16-bit offsets from the row and 1-byte row lengths, where a part's block
   * fits: rows of at most 255 entries, columns within 32 767 of their row). The SpMV then streams
   * 10 instead of 12 bytes per entry; the results keep their bits. Costs 2 bytes per own-own entry
   * and 1 per row of solver memory, and O(nnz) set-up. `true`: every part whose block fits;
   * `false`: none. Default: with Jacobi or no preconditioner, the parts whose own-own block fits
   * and has at least 2^21 entries (a CSR block of 24 MiB), the blocks a product streams from
   * memory rather than from the caches, where the 2 bytes saved per entry pay for decoding the
   * offsets; with any other preconditioner (SSOR, ILU(0), AMG, your own), none: such solves take
   * few iterations, each dominated by the preconditioner, so the copy's set-up is not repaid
   * (AMG-CG at n = 128 on one part: 13 iterations, the solver's set-up 285–334 ms without the
   * copy against 343–466 ms with it, the solve unchanged, 4 interleaved pairs). Other parts use
   * the matrix's CSR block (see {@link CgSolver.compactIndices}).
   */
  compactIndices?: boolean;
  /**
   * Which residual norm the stopping test and {@link CgResult.residuals} use, as PETSc's
   * `-ksp_norm_type`: `'unpreconditioned'` (default) ‖r_k‖₂ = ‖b − A x_k‖₂;
   * `'preconditioned'` ‖M⁻¹r_k‖₂, PETSc CG's default, so a solve stops where PETSc's does (with
   * block Jacobi ILU(0) at n = 100 on one part, 92 iterations instead of 98). The preconditioned
   * norm costs a product z·z per iteration, and with Jacobi it stores z = D⁻¹r and leaves the
   * fused Jacobi kernels. Without a preconditioner both are ‖r_k‖₂.
   */
  normType?: CgNormType;
}

/**
 * The residual norm {@link CgSolverOptions.normType} names.
 * @group Solvers
 */
export type CgNormType = 'unpreconditioned' | 'preconditioned';

/**
 * Options of {@link cg}: the {@link CgSolverOptions} and an initial guess.
 * @group Solvers
 */
export interface CgOptions extends CgSolverOptions {
  /** Initial guess with the own ids of `A.rows` (own values are read; not modified). Default: 0. */
  x0?: PVector;
}

/**
 * The outcome of {@link cg}, {@link gmres}, {@link bicgstab} and their solvers' `solve`.
 * @group Solvers
 */
export interface CgResult {
  /**
   * The last iterate, on `A.cols` (own values are the solution; ghost values are consistent), so
   * `mul(A, x)` works directly: newly allocated, or the vector passed as `x` to
   * {@link CgSolver.solve}.
   */
  readonly x: PVector;
  /** Number of completed updates of x. */
  readonly iterations: number;
  /** Whether `reason` is `'converged-rtol'` or `'converged-atol'`. */
  readonly converged: boolean;
  /** Why the solver stopped. */
  readonly reason: CgReason;
  /**
   * [‖r₀‖₂, ‖r₁‖₂, ...]: `iterations + 1` residual norms: CG's recurrence residuals; for GMRES
   * and BiCGStab the norms their recurrences estimate, except that the last entry (and GMRES's
   * entry at each restart) is the true ‖b − A x‖₂, computed then.
   */
  readonly residuals: number[];
}

/** The keys of {@link CgSolverOptions}: what `new CgSolver(A, opts)` accepts. */
export const CG_SOLVER_OPTION_NAMES: readonly string[] = [
  'rtol',
  'atol',
  'maxIters',
  'preconditioner',
  'onIteration',
  'compactIndices',
  'monitor',
  'normType',
];

/** The keys of {@link CgOptions}: what `cg(A, b, opts)` accepts. */
export const CG_OPTION_NAMES: readonly string[] = [...CG_SOLVER_OPTION_NAMES, 'x0'];

/** The keys of {@link KrylovSolverOptions}. */
export const KRYLOV_SOLVER_OPTION_NAMES: readonly string[] = ['rtol', 'atol', 'maxIters', 'preconditioner', 'onIteration', 'monitor'];

/** {@link KrylovSolverOptions} after checking, with defaults filled in and the preconditioner built. */
export interface CheckedKrylovOptions {
  readonly rtol: number;
  readonly atol: number;
  readonly maxIters: number;
  readonly preconditioner: Preconditioner | undefined;
  readonly onIteration: ((info: CgIterationInfo) => void) | undefined;
  /** The residual monitor, or null when it is off or part 0 does not live here. */
  readonly monitor: CheckedMonitor | null;
}

/**
 * Fewest own-own entries of a part's block for which the CG solver uses the compact indices
 * unless told otherwise (a CSR block of 24 MiB). Measured on the reference machine (32 MiB of L3
 * shared by 2 cores), one part's CG iteration (Poisson slab, Jacobi) on the CSR block against the
 * compact one, minimum of 38 solves: 0.09 M entries 80 against 87 µs, 0.44 M 368 against 398 µs,
 * 0.9 M (11 MB, in the L3) 777 against 837 µs; 3.4 M (41 MB) 3.48 against 3.39 ms (of 4 solves).
 * Exported for `bench/cg-profile.ts`, which profiles the iteration the solver runs by default.
 * @example `const compact = block.colIdx.length >= COMPACT_MIN_ENTRIES; // CgSolver's default with Jacobi`
 */
export const COMPACT_MIN_ENTRIES = 2 ** 21;

/** {@link CgSolverOptions} after checking. */
export interface CheckedCgOptions extends CheckedKrylovOptions {
  readonly compactIndices: boolean;
  /** Fewest own-own entries of a block put in compact form: 0 when asked for, else 2^21. */
  readonly compactMinEntries: number;
  /** Whether the stopping test reads ‖M⁻¹r‖₂ (normType `'preconditioned'` with a preconditioner). */
  readonly preconditionedNorm: boolean;
}

function checkTolerance(who: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`${who}: ${name} must be a finite number >= 0, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * The preconditioner an option names, built for `A` (collective for the names whose set-up
 * agrees across parts: `'ssor'`, `'ilu0'`, `'amg'`), or the given object; undefined for `'none'`.
 * @throws InvalidArgumentError for another value (the message lists the names); whatever the
 * named preconditioner's builder throws ({@link jacobi}, {@link ssor}, {@link ilu0}, {@link amg}).
 */
export function resolvePreconditioner(A: PSparseMatrix, choice: unknown, who: string): Preconditioner | undefined {
  if (choice === undefined || choice === 'none') return undefined;
  if (choice === 'jacobi') return jacobi(A);
  if (choice === 'ssor') return ssor(A);
  if (choice === 'ilu0') return ilu0(A);
  if (choice === 'amg') return amg(A);
  if (typeof choice === 'object' && choice !== null && typeof (choice as Preconditioner).apply === 'function') {
    return choice as Preconditioner;
  }
  const names = PRECONDITIONER_NAMES.map((name) => `'${name}'`).join(', ');
  throw new InvalidArgumentError(
    `${who}: preconditioner must be one of ${names} or an object with an apply(z, r) method, got ${typeof choice === 'string' ? choice : describeValue(choice)}`,
  );
}

/**
 * Checks the matrix ({@link checkCgMatrix}) and the values of the {@link KrylovSolverOptions}
 * (the keys are checked by the caller, which knows which it accepts), then builds the
 * preconditioner (last: the only step that may communicate). `who` starts the messages.
 * @throws as {@link checkCgOptions}, with `who` for `cg`.
 */
export function checkKrylovOptions(A: PSparseMatrix, opts: KrylovSolverOptions, who: string): CheckedKrylovOptions {
  checkCgMatrix(A, who);
  const rtol = checkTolerance(who, 'rtol', opts.rtol ?? 1e-8);
  const atol = checkTolerance(who, 'atol', opts.atol ?? 0);
  const maxIters = opts.maxIters ?? A.rows.n;
  if (typeof maxIters !== 'number' || !Number.isInteger(maxIters) || maxIters < 0) {
    throw new InvalidArgumentError(`${who}: maxIters must be an integer >= 0, got ${describeValue(maxIters)}`);
  }
  if (opts.onIteration !== undefined && typeof opts.onIteration !== 'function') {
    throw new InvalidArgumentError(`${who}: onIteration must be a function, got ${describeValue(opts.onIteration)}`);
  }
  const monitor = checkMonitor(opts.monitor, process.env[MONITOR_ENVIRONMENT_VARIABLE], A.rows.backend.localParts.includes(0));
  const preconditioner = resolvePreconditioner(A, opts.preconditioner, who);
  return { rtol, atol, maxIters, preconditioner, onIteration: opts.onIteration, monitor };
}

/**
 * Checks the matrix ({@link checkCgMatrix}) and the values of the options of a CG solver (no
 * communication; the option keys are checked by the caller, which knows which it accepts) and
 * builds the preconditioner.
 * @throws DimensionMismatchError when A is not square; PartitionMismatchError when `A.rows` and
 * `A.cols` have different own ids; InvalidArgumentError for a negative or non-finite rtol/atol, a
 * non-integer or negative maxIters, an unknown preconditioner, a non-function onIteration or a
 * non-boolean compactIndices, a normType other than the two names, a bad monitor or `PA_MONITOR` ({@link checkMonitor}), and (from {@link jacobi}) for a zero or missing diagonal entry;
 * SingularMatrixError from {@link ssor} or {@link ilu0}.
 */
export function checkCgOptions(A: PSparseMatrix, opts: CgSolverOptions): CheckedCgOptions {
  checkCgMatrix(A);
  if (opts.compactIndices !== undefined && typeof opts.compactIndices !== 'boolean') {
    throw new InvalidArgumentError(`cg: compactIndices must be a boolean, got ${describeValue(opts.compactIndices)}`);
  }
  const normType = opts.normType ?? 'unpreconditioned';
  if (normType !== 'unpreconditioned' && normType !== 'preconditioned') {
    throw new InvalidArgumentError(`cg: normType must be 'unpreconditioned' or 'preconditioned', got ${describeValue(opts.normType)}`);
  }
  const checked = checkKrylovOptions(A, opts, 'cg');
  // A solve with a stronger preconditioner takes few iterations, and the CG's own SpMV is one of
  // several passes over A in each (AMG-CG at n = 128: 13 iterations, five passes), so the copy's
  // set-up (fresh memory, 2 bytes per entry) is not repaid by the bytes it saves.
  const cheapIterations = checked.preconditioner === undefined || checked.preconditioner instanceof JacobiPreconditioner;
  const compactIndices = opts.compactIndices ?? cheapIterations;
  const compactMinEntries = opts.compactIndices === undefined ? COMPACT_MIN_ENTRIES : 0;
  const preconditionedNorm = normType === 'preconditioned' && checked.preconditioner !== undefined;
  return { ...checked, compactIndices, compactMinEntries, preconditionedNorm };
}

/**
 * Checks that A is square with the same own ids in rows and columns.
 * @throws DimensionMismatchError; PartitionMismatchError.
 */
export function checkCgMatrix(A: PSparseMatrix, who = 'cg'): void {
  if (A.rows.n !== A.cols.n) {
    throw new DimensionMismatchError(`${who}: the matrix must be square, got ${A.rows.n} x ${A.cols.n}`);
  }
  checkSameOwn(A.rows, A.cols, `${who}: A.rows and A.cols must have the same own ids`);
}

/**
 * Checks a right-hand side or an initial guess against the solver's matrix.
 * @throws DimensionMismatchError for another global size; PartitionMismatchError for other own ids.
 */
export function checkCgVector(A: PSparseMatrix, v: PVector, name: string, sizeOf: 'rows' | 'columns', who = 'cg'): void {
  if (v.rows.n !== A.rows.n) {
    throw new DimensionMismatchError(`${who}: ${name} has global size ${v.rows.n}, A has ${A.rows.n} ${sizeOf}`);
  }
  checkSameOwn(v.rows, A.rows, `${who}: ${name} must have the own ids of A.rows`);
}
