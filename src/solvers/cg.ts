/**
 * The preconditioned conjugate gradient method (Hestenes–Stiefel PCG, as PETSc KSPCG and SciPy
 * `cg`) for symmetric positive definite {@link PSparseMatrix} systems.
 *
 * @module
 */
import { DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import type { PData } from '../pdata/pdata.js';
import { checkSameOwn } from '../pdata/prange.js';
import { spmv, type PSparseMatrix } from '../pdata/psparse-matrix.js';
import { consistent, pzeros, type PVector } from '../pdata/pvector.js';
import { axpy, copyInto, dot, norm, partialsBuffer, sumPartials } from '../pdata/vector-ops.js';
import { jacobi, type Preconditioner } from './preconditioners.js';

/**
 * Why {@link cg} stopped.
 * - `'converged-rtol'`: ‖r‖₂ ≤ rtol·‖r₀‖₂ (the relative bound was the larger one).
 * - `'converged-atol'`: ‖r‖₂ ≤ atol, where atol > rtol·‖r₀‖₂.
 * - `'diverged-max-iters'`: `maxIters` updates done without converging.
 * - `'diverged-breakdown'`: pᵀAp ≤ 0 or rᵀz ≤ 0 (A or the preconditioner is not positive
 *   definite), or one of them is not finite.
 * - `'diverged-nan'`: a residual norm is NaN or infinite.
 */
export type CgReason =
  | 'converged-rtol'
  | 'converged-atol'
  | 'diverged-max-iters'
  | 'diverged-breakdown'
  | 'diverged-nan';

/** What {@link CgOptions.onIteration} receives: the iteration number and ‖r‖₂ after it. */
export interface CgIterationInfo {
  /** 0 for the initial residual, then k after the k-th update of x. */
  readonly iteration: number;
  /** ‖r_k‖₂ of the true (unpreconditioned) residual b − A x_k, as maintained by the recurrence. */
  readonly residual: number;
}

/** Options of {@link cg}. */
export interface CgOptions {
  /** Initial guess on `A.rows` or `A.cols` (own values are read; not modified). Default: 0. */
  x0?: PVector;
  /** Relative tolerance on ‖r‖₂/‖r₀‖₂; finite, ≥ 0. Default 1e-8. */
  rtol?: number;
  /** Absolute tolerance on ‖r‖₂; finite, ≥ 0. Default 0. */
  atol?: number;
  /** Maximum number of iterations (updates of x); an integer ≥ 0. Default: the global size `A.rows.n`. */
  maxIters?: number;
  /** `'none'` (default), `'jacobi'` (built with {@link jacobi}) or any {@link Preconditioner}. */
  preconditioner?: 'none' | 'jacobi' | Preconditioner;
  /**
   * Observer called for iteration 0 and after every iteration, on every part with the same values.
   * Its return value is ignored: it cannot stop the solver.
   */
  onIteration?: (info: CgIterationInfo) => void;
}

/** The outcome of {@link cg}. */
export interface CgResult {
  /**
   * The last iterate, on `A.cols` (own values are the solution; ghost values are consistent), so
   * `mul(A, x)` works directly. Newly allocated.
   */
  readonly x: PVector;
  /** Number of completed updates of x. */
  readonly iterations: number;
  /** Whether `reason` is `'converged-rtol'` or `'converged-atol'`. */
  readonly converged: boolean;
  /** Why the solver stopped. */
  readonly reason: CgReason;
  /** [‖r₀‖₂, ‖r₁‖₂, ...]: `iterations + 1` true residual norms. */
  readonly residuals: number[];
}

interface CheckedOptions {
  rtol: number;
  atol: number;
  maxIters: number;
  preconditioner: Preconditioner | undefined;
  onIteration: ((info: CgIterationInfo) => void) | undefined;
}

function checkTolerance(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(`cg: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function checkInputs(A: PSparseMatrix, b: PVector, opts: CgOptions): CheckedOptions {
  if (A.rows.n !== A.cols.n) {
    throw new DimensionMismatchError(`cg: the matrix must be square, got ${A.rows.n} x ${A.cols.n}`);
  }
  checkSameOwn(A.rows, A.cols, 'cg: A.rows and A.cols must have the same own ids');
  if (b.rows.n !== A.rows.n) {
    throw new DimensionMismatchError(`cg: b has global size ${b.rows.n}, A has ${A.rows.n} rows`);
  }
  checkSameOwn(b.rows, A.rows, 'cg: b must have the own ids of A.rows');
  if (opts.x0 !== undefined) {
    if (opts.x0.rows.n !== A.rows.n) {
      throw new DimensionMismatchError(`cg: x0 has global size ${opts.x0.rows.n}, A has ${A.rows.n} columns`);
    }
    checkSameOwn(opts.x0.rows, A.rows, 'cg: x0 must have the own ids of A.rows');
  }
  const rtol = checkTolerance('rtol', opts.rtol ?? 1e-8);
  const atol = checkTolerance('atol', opts.atol ?? 0);
  const maxIters = opts.maxIters ?? A.rows.n;
  if (typeof maxIters !== 'number' || !Number.isInteger(maxIters) || maxIters < 0) {
    throw new InvalidArgumentError(`cg: maxIters must be an integer >= 0, got ${String(maxIters)}`);
  }
  const choice = opts.preconditioner ?? 'none';
  let preconditioner: Preconditioner | undefined;
  if (choice === 'jacobi') preconditioner = jacobi(A);
  else if (typeof choice === 'object' && choice !== null && typeof choice.apply === 'function') preconditioner = choice;
  else if (choice !== 'none') {
    throw new InvalidArgumentError(
      `cg: preconditioner must be 'none', 'jacobi' or an object with an apply(z, r) method, got ${String(choice)}`,
    );
  }
  if (opts.onIteration !== undefined && typeof opts.onIteration !== 'function') {
    throw new InvalidArgumentError(`cg: onIteration must be a function, got ${typeof opts.onIteration}`);
  }
  return { rtol, atol, maxIters, preconditioner, onIteration: opts.onIteration };
}

/**
 * Σ aᵢbᵢ over own values of two vectors known to have the same own ids (p on A.cols, q on A.rows),
 * summed as {@link dot} does (left to right per part, partials folded in part order).
 */
function ownDot(a: PData<Float64Array>, b: PData<Float64Array>): number {
  const av = a.localItems;
  const bv = b.localItems;
  const partials = partialsBuffer(a.backend);
  for (let i = 0; i < av.length; i++) {
    const x = av[i];
    const y = bv[i];
    let s = 0;
    for (let k = 0; k < x.length; k++) s += x[k] * y[k];
    partials[i] = s;
  }
  return sumPartials(a.backend);
}

/** p ← z + βp on own values (z on A.rows, p on A.cols; same own ids). */
function updateDirection(p: PData<Float64Array>, z: PData<Float64Array>, beta: number): void {
  const pv = p.localItems;
  const zv = z.localItems;
  for (let i = 0; i < pv.length; i++) {
    const ps = pv[i];
    const zs = zv[i];
    for (let k = 0; k < ps.length; k++) ps[k] = zs[k] + beta * ps[k];
  }
}

/**
 * Solves A x = b with the preconditioned conjugate gradient method, for A symmetric positive
 * definite (and an SPD preconditioner). Collective: every part calls it with its pieces.
 *
 * Stops when ‖r_k‖₂ ≤ max(rtol·‖r₀‖₂, atol), where r_k = b − A x_k is the true, unpreconditioned
 * residual maintained by the CG recurrence (no extra SpMV), or after `maxIters` iterations
 * (default: the global size n), or on breakdown / NaN. It never throws for non-convergence: check
 * `converged` and `reason`. With b = 0 and no x0 it returns x = 0 at iteration 0.
 *
 * Work vectors (x, r, z, p, q) are allocated once; an iteration does one SpMV, one preconditioner
 * application, two dot products, one norm and three vector updates, without allocating. Sums are
 * folded in part order, so a given partition gives the same iterates on every backend.
 *
 * @param A square matrix whose rows and columns have the same own ids.
 * @param b right-hand side on `A.rows` (same own ids).
 * @throws DimensionMismatchError when A is not square or b / x0 have another global size;
 *   PartitionMismatchError when b or x0 do not have the own ids of `A.rows`, or `A.rows` and
 *   `A.cols` differ; InvalidArgumentError for a negative or non-finite rtol/atol, a non-integer or
 *   negative maxIters, an unknown preconditioner, or (from {@link jacobi}) a zero diagonal. All
 *   checked before any communication.
 * @example
 * ```ts
 * const A = await psparse(I, J, V, rows, rows);
 * const { x, iterations, reason } = cg(A, pfill(1, A.rows), { preconditioner: 'jacobi', rtol: 1e-8 });
 * ```
 */
export function cg(A: PSparseMatrix, b: PVector, opts: CgOptions = {}): CgResult {
  const { rtol, atol, maxIters, preconditioner, onIteration } = checkInputs(A, b, opts);
  const x = pzeros(A.cols);
  const p = pzeros(A.cols);
  const r = pzeros(A.rows);
  const q = pzeros(A.rows);
  const z = preconditioner === undefined ? r : pzeros(A.rows);
  const pOwn = p.ownValues();
  const qOwn = q.ownValues();
  const zOwn = z.ownValues();

  copyInto(r, b);
  if (opts.x0 !== undefined) {
    copyInto(x, opts.x0);
    spmv(q, A, x);
    axpy(-1, q, r);
  }

  const residuals: number[] = [];
  const record = (iteration: number, residual: number): void => {
    residuals.push(residual);
    onIteration?.({ iteration, residual });
  };
  const finish = (reason: CgReason): CgResult => {
    consistent(x).wait();
    const converged = reason === 'converged-rtol' || reason === 'converged-atol';
    return { x, iterations: residuals.length - 1, converged, reason, residuals };
  };

  const r0 = norm(r);
  record(0, r0);
  if (!Number.isFinite(r0)) return finish('diverged-nan');
  const target = Math.max(rtol * r0, atol);
  const convergedReason: CgReason = atol > rtol * r0 ? 'converged-atol' : 'converged-rtol';
  if (r0 <= target) return finish(convergedReason);
  if (maxIters === 0) return finish('diverged-max-iters');

  preconditioner?.apply(z, r);
  let rz = dot(r, z);
  if (!(rz > 0 && Number.isFinite(rz))) return finish('diverged-breakdown');
  updateDirection(pOwn, zOwn, 0); // p₀ = z₀ (p is still 0)

  for (let k = 1; ; k++) {
    spmv(q, A, p);
    const pq = ownDot(pOwn, qOwn);
    if (!(pq > 0 && Number.isFinite(pq))) return finish('diverged-breakdown');
    const alpha = rz / pq;
    axpy(alpha, p, x);
    axpy(-alpha, q, r);
    const rNorm = norm(r);
    record(k, rNorm);
    if (!Number.isFinite(rNorm)) return finish('diverged-nan');
    if (rNorm <= target) return finish(convergedReason);
    if (k === maxIters) return finish('diverged-max-iters');

    preconditioner?.apply(z, r);
    const rzNext = dot(r, z);
    if (!(rzNext > 0 && Number.isFinite(rzNext))) return finish('diverged-breakdown');
    updateDirection(pOwn, zOwn, rzNext / rz);
    rz = rzNext;
  }
}
