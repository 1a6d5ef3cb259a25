/**
 * BiCGStab (van der Vorst's stabilised bi-conjugate gradients) with right preconditioning:
 * {@link BicgstabSolver}, set up once for a matrix and reused, and {@link bicgstab}. For
 * non-symmetric systems; two products and two preconditioner applications per iteration, and a
 * fixed amount of memory (unlike GMRES, no basis to keep).
 *
 * @module
 */
import { checkOptions, expectInstance } from '../argument-checks.js';
import { kernels } from '../kernels/select-kernels.js';
import { PSparseMatrix, spmv } from '../sparse/psparse-matrix.js';
import { PVector, consistent, pzeros } from '../vectors/pvector.js';
import { partialsBuffer, sumPartials, sumPartialsInto } from '../vectors/vector-ops.js';
import {
  KRYLOV_SOLVER_OPTION_NAMES,
  checkCgMatrix,
  checkCgVector,
  checkKrylovOptions,
  type CgReason,
  type CgResult,
  type CheckedKrylovOptions,
} from './cg-options.js';
import {
  BICGSTAB_OPTION_NAMES,
  ResidualRecord,
  checkSolveVectors,
  type BicgstabOptions,
  type BicgstabSolverOptions,
  type KrylovSolveVectors,
} from './krylov-options.js';

/**
 * A BiCGStab solver set up for one matrix: options checked, preconditioner built, work vectors
 * allocated and touched, once; {@link BicgstabSolver.solve} allocates only the result (and `x`,
 * unless given) and its residual history. The solver owns its work vectors (six vectors on
 * `A.cols`, eight with a preconditioner); the caller owns b, x0 and x. One solve at a time.
 *
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix, the options are not an object or
 * have an unknown key (the message lists the accepted ones), or a bad value (as {@link cg});
 * DimensionMismatchError / PartitionMismatchError for a non-square A; SingularMatrixError from
 * `'ssor'` or `'ilu0'`.
 * @example
 * ```ts
 * const solver = new BicgstabSolver(A, { preconditioner: 'ilu0' });
 * const { x, converged } = solver.solve(b);
 * ```
 * @group Solvers
 */
export class BicgstabSolver {
  /** The matrix the solver was set up for. */
  readonly A: PSparseMatrix;
  private readonly options: CheckedKrylovOptions;
  private readonly r: PVector;
  private readonly rHat: PVector;
  private readonly p: PVector;
  private readonly v: PVector;
  private readonly s: PVector;
  private readonly t: PVector;
  private readonly pHat: PVector;
  private readonly sHat: PVector;
  private readonly nOwn: number[];
  private readonly pair = new Float64Array(2);

  constructor(A: PSparseMatrix, opts?: BicgstabSolverOptions) {
    expectInstance(A, PSparseMatrix, 'BicgstabSolver: A');
    this.options = checkKrylovOptions(A, checkOptions(opts, KRYLOV_SOLVER_OPTION_NAMES, 'BicgstabSolver'), 'bicgstab');
    this.A = A;
    const vector = (): PVector => pzeros(A.cols);
    this.r = vector();
    this.rHat = vector();
    this.p = vector();
    this.v = vector();
    this.s = vector();
    this.t = vector();
    const preconditioned = this.options.preconditioner !== undefined;
    this.pHat = preconditioned ? vector() : this.p;
    this.sHat = preconditioned ? vector() : this.s;
    this.nOwn = A.rows.partition.localItems.map((ids) => ids.nOwn);
    for (const w of new Set([this.pHat, this.sHat])) consistent(w).wait();
  }

  /**
   * Solves A x = b. Collective: every part calls it with its pieces.
   *
   * Iteration k: p = r + β(p − ωv), p̂ = M⁻¹p, v = A p̂, α = ρ/(r̂·v), s = r − αv (if ‖s‖₂ is
   * small enough, x += αp̂ and stop), ŝ = M⁻¹s, t = A ŝ, ω = (t·s)/(t·t), x += αp̂ + ωŝ,
   * r = s − ωt, with ρ = r̂·r and ‖r‖₂ summed by one collective. When the recurrence's ‖r‖₂ reaches
   * max(rtol·‖r₀‖₂, atol), the TRUE residual b − A x is computed: it replaces the last entry of
   * `residuals` and decides; if it is too large the method restarts from it (r̂ = r). At the
   * other exits too the last entry is the true residual. `'diverged-breakdown'` when r̂·r, r̂·v
   * or ω is 0 (or t = 0); `'diverged-nan'` when a norm is not finite. A given partition gives the
   * same iterates on every backend and with either kernel set.
   *
   * @param b right-hand side with the own ids of `A.rows`.
   * @throws as {@link GmresSolver.solve} for bad vectors, before any communication.
   * @example
   * ```ts
   * const { x, iterations } = new BicgstabSolver(A).solve(b, { x0 });
   * ```
   */
  solve(b: PVector, vectors?: KrylovSolveVectors): CgResult {
    const { x, x0, given } = checkSolveVectors(this.A, b, vectors, 'BicgstabSolver');
    const { A, r, rHat, p, v, s, t, pHat, sHat, nOwn, pair } = this;
    const { rtol, atol, maxIters, preconditioner } = this.options;
    const backend = A.rows.backend;
    const record = new ResidualRecord(this.options, 'BiCGStab');
    const local = (w: PVector): Float64Array[] => w.values.localItems as Float64Array[];
    const [rL, rHatL, pL, vL, sL, tL, pHatL, sHatL, xL, bL] = [r, rHat, p, v, s, t, pHat, sHat, x, b].map(local);
    const nParts = nOwn.length;
    if (x0 !== undefined) {
      if (x0 !== x) for (let q = 0; q < nParts; q++) xL[q].set(x0.values.localItems[q].subarray(0, nOwn[q]));
    } else if (given) {
      for (const own of x.ownValues().localItems) own.fill(0);
    }
    const dot = (a: Float64Array[], c: Float64Array[]): number => {
      const partials = partialsBuffer(backend);
      for (let q = 0; q < nParts; q++) partials[q] = kernels.dot(nOwn[q], a[q], c[q]);
      return sumPartials(backend);
    };
    /** r ← b − A x (b when x is 0); returns ‖r‖₂. */
    const trueResidual = (xIsZero: boolean): number => {
      if (xIsZero) for (let q = 0; q < nParts; q++) rL[q].set(bL[q].subarray(0, nOwn[q]));
      else {
        spmv(r, A, x);
        for (let q = 0; q < nParts; q++) kernels.axpby(nOwn[q], 1, bL[q], -1, rL[q]);
      }
      return Math.sqrt(dot(rL, rL));
    };
    const finish = (reason: CgReason): CgResult => {
      consistent(x).wait();
      return record.result(x, reason);
    };
    /** At an exit other than NaN: the true residual replaces the recurrence's last value. */
    const exit = (reason: CgReason): CgResult => {
      const norm = trueResidual(false);
      record.correctLast(norm);
      return finish(Number.isFinite(norm) ? reason : 'diverged-nan');
    };

    const r0 = trueResidual(x0 === undefined);
    record.record(0, r0);
    if (!Number.isFinite(r0)) return finish('diverged-nan');
    const target = Math.max(rtol * r0, atol);
    const convergedReason: CgReason = atol > rtol * r0 ? 'converged-atol' : 'converged-rtol';
    if (r0 <= target) return finish(convergedReason);
    if (maxIters === 0) return finish('diverged-max-iters');

    // (Re)starts the recurrence from the residual in r: r̂ = r, p = v = 0, ρ = r̂·r.
    let rho = 0;
    let rhoPrevious = 1;
    let alpha = 1;
    let omega = 1;
    const start = (): void => {
      for (let q = 0; q < nParts; q++) {
        rHatL[q].set(rL[q].subarray(0, nOwn[q]));
        pL[q].fill(0, 0, nOwn[q]);
        vL[q].fill(0, 0, nOwn[q]);
      }
      rho = dot(rHatL, rL);
      rhoPrevious = 1;
      alpha = 1;
      omega = 1;
    };
    start();
    /** After the recurrence says converged: decides on the true residual, or restarts from it. */
    const confirm = (k: number): CgResult | null => {
      const norm = trueResidual(false);
      record.correctLast(norm);
      if (!Number.isFinite(norm)) return finish('diverged-nan');
      if (norm <= target) return finish(convergedReason);
      if (k === maxIters) return finish('diverged-max-iters');
      start();
      return null;
    };

    for (let k = 1; ; k++) {
      if (rho === 0 || !Number.isFinite(rho)) return exit('diverged-breakdown');
      // β = (ρₖ/ρₖ₋₁)(α/ω); on the first iteration after a (re)start p = v = 0 and p = r whatever β.
      const beta = (rho / rhoPrevious) * (alpha / omega);
      for (let q = 0; q < nParts; q++) {
        kernels.axpy(nOwn[q], -omega, vL[q], pL[q]);
        kernels.axpby(nOwn[q], 1, rL[q], beta, pL[q]);
      }
      preconditioner?.apply(pHat, p);
      spmv(v, A, pHat);
      const rv = dot(rHatL, vL);
      if (rv === 0 || !Number.isFinite(rv)) return exit('diverged-breakdown');
      alpha = rho / rv;
      for (let q = 0; q < nParts; q++) {
        sL[q].set(rL[q].subarray(0, nOwn[q]));
        kernels.axpy(nOwn[q], -alpha, vL[q], sL[q]);
      }
      const sNorm = Math.sqrt(dot(sL, sL));
      if (!Number.isFinite(sNorm)) {
        record.record(k, sNorm);
        return finish('diverged-nan');
      }
      if (sNorm <= target) {
        for (let q = 0; q < nParts; q++) kernels.axpy(nOwn[q], alpha, pHatL[q], xL[q]);
        record.record(k, sNorm);
        const done = confirm(k);
        if (done !== null) return done;
        continue;
      }
      preconditioner?.apply(sHat, s);
      spmv(t, A, sHat);
      const sums = partialsBuffer(backend, 2);
      for (let q = 0; q < nParts; q++) {
        sums[2 * q] = kernels.dot(nOwn[q], tL[q], sL[q]);
        sums[2 * q + 1] = kernels.dot(nOwn[q], tL[q], tL[q]);
      }
      sumPartialsInto(backend, pair);
      const ts = pair[0];
      const tt = pair[1];
      if (tt === 0 || !Number.isFinite(tt)) {
        // t = 0 with s ≠ 0: A M⁻¹ maps s to 0. Keep the half step (x += αp̂, r = s) before stopping.
        for (let q = 0; q < nParts; q++) kernels.axpy(nOwn[q], alpha, pHatL[q], xL[q]);
        record.record(k, sNorm);
        return exit(Number.isFinite(tt) ? 'diverged-breakdown' : 'diverged-nan');
      }
      omega = ts / tt;
      for (let q = 0; q < nParts; q++) {
        kernels.axpy(nOwn[q], alpha, pHatL[q], xL[q]);
        kernels.axpy(nOwn[q], omega, sHatL[q], xL[q]);
        rL[q].set(sL[q].subarray(0, nOwn[q]));
        kernels.axpy(nOwn[q], -omega, tL[q], rL[q]);
        sums[2 * q] = kernels.dot(nOwn[q], rL[q], rL[q]);
        sums[2 * q + 1] = kernels.dot(nOwn[q], rHatL[q], rL[q]);
      }
      sumPartialsInto(backend, pair);
      const rNorm = Math.sqrt(pair[0]);
      const rhoNext = pair[1];
      record.record(k, rNorm);
      if (!Number.isFinite(rNorm)) return finish('diverged-nan');
      if (rNorm <= target) {
        const done = confirm(k);
        if (done !== null) return done;
        continue;
      }
      if (k === maxIters) return exit('diverged-max-iters');
      if (omega === 0) return exit('diverged-breakdown');
      rhoPrevious = rho;
      rho = rhoNext;
    }
  }
}

/**
 * Solves A x = b by BiCGStab with right preconditioning:
 * `new BicgstabSolver(A, opts).solve(b, { x0: opts.x0 })`. For non-symmetric systems; see
 * {@link BicgstabSolver.solve} for the iteration and the stopping rule (the true residual
 * ‖b − A x‖₂ ≤ max(rtol·‖r₀‖₂, atol)).
 *
 * @throws as {@link BicgstabSolver} and {@link BicgstabSolver.solve}; an unknown option's message
 * lists the accepted ones (rtol, atol, maxIters, preconditioner, onIteration, monitor, x0).
 * @example
 * ```ts
 * const { x, converged, reason } = bicgstab(A, b, { preconditioner: 'ilu0', rtol: 1e-10 });
 * ```
 * @group Solvers
 */
export function bicgstab(A: PSparseMatrix, b: PVector, opts?: BicgstabOptions): CgResult {
  expectInstance(A, PSparseMatrix, 'bicgstab: A');
  expectInstance(b, PVector, 'bicgstab: b');
  const { x0, ...solverOptions } = checkOptions(opts, BICGSTAB_OPTION_NAMES, 'bicgstab');
  if (x0 !== undefined) expectInstance(x0, PVector, 'bicgstab: x0');
  checkCgMatrix(A, 'bicgstab');
  checkCgVector(A, b, 'b', 'rows', 'bicgstab');
  if (x0 !== undefined) checkCgVector(A, x0, 'x0', 'columns', 'bicgstab');
  return new BicgstabSolver(A, solverOptions).solve(b, { x0 });
}
