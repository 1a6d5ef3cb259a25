/**
 * BiCGStab (van der Vorst's stabilised bi-conjugate gradients) with right preconditioning:
 * {@link BicgstabSolver}, set up once for a matrix and reused, and {@link bicgstab}. For
 * non-symmetric systems; two products and two preconditioner applications per iteration, and a
 * fixed amount of memory (unlike GMRES, no basis to keep).
 *
 * @module
 */
import { checkOptions, expectInstance } from '../argument-checks.js';
import type { Backend } from '../backends/backend.js';
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
import { solverKernels } from './ilu0-native.js';
import { BICG_ALPHA, BICG_OMEGA, BICG_RHO, BICG_RHO_PREVIOUS, type BicgstabKernels } from './krylov-kernels.js';
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
  private readonly kernels: BicgstabKernels;
  private readonly pair = new Float64Array(2);
  /** ρ, ρₖ₋₁, α, ω of the running solve (at RHO, RHO_PREVIOUS, ALPHA, OMEGA). */
  private readonly scalars = new Float64Array(4);

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
    this.kernels = solverKernels().bicgstab;
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
    const { A, r, p, v, s, t, pHat, sHat, nOwn, pair, scalars } = this;
    const { rtol, atol, maxIters, preconditioner } = this.options;
    const backend = A.rows.backend;
    const bk = this.kernels;
    const record = new ResidualRecord(this.options, 'BiCGStab');
    const local = (w: PVector): Float64Array[] => w.values.localItems as Float64Array[];
    const [rL, rHatL, pL, vL, sL, tL, pHatL, sHatL, xL, bL] = [r, this.rHat, p, v, s, t, pHat, sHat, x, b].map(local);
    const rOwn = r.ownValues().localItems;
    const sOwn = s.ownValues().localItems;
    const nParts = nOwn.length;
    if (x0 !== undefined) {
      if (x0 !== x) for (let q = 0; q < nParts; q++) xL[q].set(x0.values.localItems[q].subarray(0, nOwn[q]));
    } else if (given) {
      for (const own of x.ownValues().localItems) own.fill(0);
    }
    /** r ← b − A x (b when x is 0); returns ‖r‖₂. */
    const trueResidual = (xIsZero: boolean): number => {
      if (xIsZero) for (let q = 0; q < nParts; q++) rL[q].set(bL[q].subarray(0, nOwn[q]));
      else {
        spmv(r, A, x);
        for (let q = 0; q < nParts; q++) kernels.axpby(nOwn[q], 1, bL[q], -1, rL[q]);
      }
      return Math.sqrt(ownDot(backend, nOwn, rL, rL));
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
    const start = (): void => restart(backend, nOwn, rL, rOwn, rHatL, pL, vL, scalars);
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

    // The arithmetic on doubles is in the module's functions below (see `krylov-dense.ts` for why).
    for (let k = 1; ; k++) {
      const rho = scalars[RHO];
      if (rho === 0 || !Number.isFinite(rho)) return exit('diverged-breakdown');
      // β = (ρₖ/ρₖ₋₁)(α/ω); on the first iteration after a (re)start p = v = 0 and p = r whatever β.
      newDirection(bk, nOwn, rL, vL, pL, scalars);
      preconditioner?.apply(pHat, p);
      spmv(v, A, pHat);
      const rv = ownDot(backend, nOwn, rHatL, vL);
      if (rv === 0 || !Number.isFinite(rv)) return exit('diverged-breakdown');
      const sNorm = halfStep(bk, backend, nOwn, rv, rOwn, vL, sL, scalars);
      if (!Number.isFinite(sNorm)) {
        record.record(k, sNorm);
        return finish('diverged-nan');
      }
      if (sNorm <= target) {
        addScaled(nOwn, scalars, ALPHA, pHatL, xL);
        record.record(k, sNorm);
        const done = confirm(k);
        if (done !== null) return done;
        continue;
      }
      preconditioner?.apply(sHat, s);
      spmv(t, A, sHat);
      const tt = stabilizerDots(bk, backend, nOwn, tL, sL, pair);
      if (tt === 0 || !Number.isFinite(tt)) {
        // t = 0 with s ≠ 0: A M⁻¹ maps s to 0. Keep the half step (x += αp̂, r = s) before stopping.
        addScaled(nOwn, scalars, ALPHA, pHatL, xL);
        record.record(k, sNorm);
        return exit(Number.isFinite(tt) ? 'diverged-breakdown' : 'diverged-nan');
      }
      const rNorm = fullStep(bk, backend, nOwn, pHatL, sHatL, sOwn, tL, rL, rHatL, xL, pair, scalars);
      record.record(k, rNorm);
      if (!Number.isFinite(rNorm)) return finish('diverged-nan');
      if (rNorm <= target) {
        const done = confirm(k);
        if (done !== null) return done;
        continue;
      }
      if (k === maxIters) return exit('diverged-max-iters');
      if (scalars[OMEGA] === 0) return exit('diverged-breakdown');
      scalars[RHO_PREVIOUS] = rho;
      scalars[RHO] = pair[1];
    }
  }
}

const RHO = BICG_RHO;
const RHO_PREVIOUS = BICG_RHO_PREVIOUS;
const ALPHA = BICG_ALPHA;
const OMEGA = BICG_OMEGA;

// The vector loops of an iteration are the fused BicgstabKernels (native when the addon is
// built), called per part with the scalars in a Float64Array and the sums written into the
// reduction buffer: a call boxes no floating-point argument or result. The few loops left here
// are written out with the kernels' expressions and order (see kernel-set.ts), for the same reason.

/** Σ aᵢcᵢ over own values, summed per part then over parts in part order (collective). */
function ownDot(backend: Backend, nOwn: readonly number[], a: readonly Float64Array[], c: readonly Float64Array[]): number {
  const partials = partialsBuffer(backend);
  for (let q = 0; q < nOwn.length; q++) {
    const aq = a[q];
    const cq = c[q];
    let sum = 0;
    for (let i = 0, n = nOwn[q]; i < n; i++) sum += aq[i] * cq[i];
    partials[q] = sum;
  }
  return sumPartials(backend);
}

/** r̂ = r (`rOwn`: r's own values), p = v = 0, ρ = r̂·r, ρₖ₋₁ = α = ω = 1 (collective). */
function restart(backend: Backend, nOwn: readonly number[], rL: readonly Float64Array[], rOwn: readonly Float64Array[], rHatL: readonly Float64Array[], pL: readonly Float64Array[], vL: readonly Float64Array[], scalars: Float64Array): void {
  for (let q = 0; q < nOwn.length; q++) {
    rHatL[q].set(rOwn[q]);
    pL[q].fill(0, 0, nOwn[q]);
    vL[q].fill(0, 0, nOwn[q]);
  }
  scalars[RHO] = ownDot(backend, nOwn, rHatL, rL);
  scalars[RHO_PREVIOUS] = 1;
  scalars[ALPHA] = 1;
  scalars[OMEGA] = 1;
}

/** p = r + β(p − ωv), β = (ρ/ρₖ₋₁)(α/ω): axpy(−ω, v, p) then axpby(1, r, β, p). */
function newDirection(k: BicgstabKernels, nOwn: readonly number[], rL: readonly Float64Array[], vL: readonly Float64Array[], pL: readonly Float64Array[], scalars: Float64Array): void {
  for (let q = 0; q < nOwn.length; q++) k.direction(nOwn[q], rL[q], vL[q], pL[q], scalars);
}

/** α = ρ/(r̂·v), s = r − αv (`rOwn`: r's own values; axpy(−α, v, s)); returns ‖s‖₂ (collective). */
function halfStep(k: BicgstabKernels, backend: Backend, nOwn: readonly number[], rv: number, rOwn: readonly Float64Array[], vL: readonly Float64Array[], sL: readonly Float64Array[], scalars: Float64Array): number {
  scalars[ALPHA] = scalars[RHO] / rv;
  const partials = partialsBuffer(backend);
  for (let q = 0; q < nOwn.length; q++) k.half(nOwn[q], rOwn[q], vL[q], sL[q], scalars, partials, q);
  return Math.sqrt(sumPartials(backend));
}

/** x += scalars[at] · y on own values. */
function addScaled(nOwn: readonly number[], scalars: Float64Array, at: number, yL: readonly Float64Array[], xL: readonly Float64Array[]): void {
  const alpha = scalars[at];
  for (let q = 0; q < nOwn.length; q++) {
    const y = yL[q];
    const x = xL[q];
    for (let i = 0, n = nOwn[q]; i < n; i++) x[i] += alpha * y[i];
  }
}

/** pair = (t·s, t·t) with one collective; returns t·t. */
function stabilizerDots(k: BicgstabKernels, backend: Backend, nOwn: readonly number[], tL: readonly Float64Array[], sL: readonly Float64Array[], pair: Float64Array): number {
  const sums = partialsBuffer(backend, 2);
  for (let q = 0; q < nOwn.length; q++) k.stabilizer(nOwn[q], tL[q], sL[q], sums, 2 * q);
  sumPartialsInto(backend, pair);
  return pair[1];
}

/**
 * ω = (t·s)/(t·t) from `pair`, x += αp̂ then x += ωŝ, r = s − ωt (`sOwn`: s's own values);
 * pair = (r·r, r̂·r) with one collective; returns ‖r‖₂.
 */
function fullStep(
  k: BicgstabKernels,
  backend: Backend,
  nOwn: readonly number[],
  pHatL: readonly Float64Array[],
  sHatL: readonly Float64Array[],
  sOwn: readonly Float64Array[],
  tL: readonly Float64Array[],
  rL: readonly Float64Array[],
  rHatL: readonly Float64Array[],
  xL: readonly Float64Array[],
  pair: Float64Array,
  scalars: Float64Array,
): number {
  scalars[OMEGA] = pair[0] / pair[1];
  const sums = partialsBuffer(backend, 2);
  for (let q = 0; q < nOwn.length; q++) k.full(nOwn[q], pHatL[q], sHatL[q], sOwn[q], tL[q], rL[q], rHatL[q], xL[q], scalars, sums, 2 * q);
  sumPartialsInto(backend, pair);
  return Math.sqrt(pair[0]);
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
