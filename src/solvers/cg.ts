/**
 * The preconditioned conjugate gradient method (Hestenes–Stiefel PCG, as PETSc KSPCG and SciPy
 * `cg`) for symmetric positive definite {@link PSparseMatrix} systems.
 *
 * @module
 */
import { DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { kernels } from '../kernels/select-kernels.js';
import { checkSameOwn } from '../pdata/prange.js';
import { spmv, type PSparseMatrix } from '../pdata/psparse-matrix.js';
import { consistent, pzeros, type PVector } from '../pdata/pvector.js';
import { axpy, copyInto, dot, norm, partialsBuffer, sumPartials } from '../pdata/vector-ops.js';
import { JacobiPreconditioner, jacobi, type Preconditioner } from './preconditioners.js';

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
 * Solves A x = b with the preconditioned conjugate gradient method, for A symmetric positive
 * definite (and an SPD preconditioner). Collective: every part calls it with its pieces.
 *
 * Stops when ‖r_k‖₂ ≤ max(rtol·‖r₀‖₂, atol), where r_k = b − A x_k is the true, unpreconditioned
 * residual maintained by the CG recurrence (no extra SpMV), or after `maxIters` iterations
 * (default: the global size n), or on breakdown / NaN. It never throws for non-convergence: check
 * `converged` and `reason`. With b = 0 and no x0 it returns x = 0 at iteration 0.
 *
 * Work vectors (x, r, z, p, q) are allocated once and an iteration allocates nothing. An
 * iteration makes three passes over own data: q = A p fused with p·q (the own-ghost product waits
 * for the ghost update of p, which overlaps the own-own product); x += αp, r −= αq, z = D⁻¹r with
 * r·z and r·r (Jacobi or no preconditioner; another preconditioner is applied after it, followed
 * by a dot product); and p = z + βp. Each pass gives the bits of the unfused operations, and sums
 * are folded in part order, so a given partition gives the same iterates on every backend and
 * with either kernel set.
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

  const backend = A.rows.backend;
  const partials = partialsBuffer(backend);
  const ownOwn = A.ownOwn.localItems;
  const ownGhost = A.ownGhost.localItems;
  const hasGhostEntries = ownGhost.map((block) => block.rowPtr[block.nRows] > 0);
  const pLocal = p.values.localItems;
  const pGhost = p.ghostValues().localItems;
  const qLocal = q.values.localItems;
  const xLocal = x.values.localItems;
  const rLocal = r.values.localItems;
  const zLocal = z.values.localItems;
  const inverseDiagonal =
    preconditioner instanceof JacobiPreconditioner ? preconditioner.inverseDiagonal.localItems : undefined;
  const rzParts = new Float64Array(ownOwn.length);
  const rrParts = new Float64Array(ownOwn.length);
  const pair = new Float64Array(2);
  for (let i = 0; i < ownOwn.length; i++) kernels.axpby(ownOwn[i].nRows, 1, zLocal[i], 0, pLocal[i]);

  for (let k = 1; ; k++) {
    p.startConsistent();
    for (let i = 0; i < ownOwn.length; i++) {
      const { nRows, rowPtr, colIdx, values } = ownOwn[i];
      if (hasGhostEntries[i]) kernels.spmv(nRows, rowPtr, colIdx, values, pLocal[i], qLocal[i]);
      else partials[i] = kernels.spmvDot(nRows, rowPtr, colIdx, values, pLocal[i], qLocal[i], pLocal[i]);
    }
    p.finishConsistent();
    for (let i = 0; i < ownGhost.length; i++) {
      if (!hasGhostEntries[i]) continue;
      const { nRows, rowPtr, colIdx, values } = ownGhost[i];
      partials[i] = kernels.spmvAddDot(nRows, rowPtr, colIdx, values, pGhost[i], qLocal[i], pLocal[i]);
    }
    const pq = sumPartials(backend);
    if (!(pq > 0 && Number.isFinite(pq))) return finish('diverged-breakdown');
    const alpha = rz / pq;

    for (let i = 0; i < ownOwn.length; i++) {
      const n = ownOwn[i].nRows;
      if (inverseDiagonal === undefined) {
        rrParts[i] = kernels.cgUpdate(n, alpha, pLocal[i], qLocal[i], xLocal[i], rLocal[i]);
      } else {
        kernels.cgUpdateJacobi(n, alpha, pLocal[i], qLocal[i], xLocal[i], rLocal[i], inverseDiagonal[i], zLocal[i], pair);
        rzParts[i] = pair[0];
        rrParts[i] = pair[1];
      }
    }
    partials.set(rrParts);
    const rr = sumPartials(backend);
    const rNorm = Math.sqrt(rr);
    record(k, rNorm);
    if (!Number.isFinite(rNorm)) return finish('diverged-nan');
    if (rNorm <= target) return finish(convergedReason);
    if (k === maxIters) return finish('diverged-max-iters');

    let rzNext: number;
    if (preconditioner === undefined) rzNext = rr;
    else if (inverseDiagonal !== undefined) {
      partials.set(rzParts);
      rzNext = sumPartials(backend);
    } else {
      preconditioner.apply(z, r);
      rzNext = dot(r, z);
    }
    if (!(rzNext > 0 && Number.isFinite(rzNext))) return finish('diverged-breakdown');
    const beta = rzNext / rz;
    for (let i = 0; i < ownOwn.length; i++) kernels.axpby(ownOwn[i].nRows, 1, zLocal[i], beta, pLocal[i]);
    rz = rzNext;
  }
}
