/**
 * The preconditioned conjugate gradient method (Hestenes–Stiefel PCG, as PETSc KSPCG and SciPy
 * `cg`) for symmetric positive definite {@link PSparseMatrix} systems: {@link CgSolver}, set up once
 * for a matrix and reused for many right-hand sides (PETSc's KSPSetUp / KSPSolve), and {@link cg},
 * which sets up and solves once.
 *
 * @module
 */
import { checkOptions, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { kernels } from '../kernels/select-kernels.js';
import { checkSameOwn } from '../partitions/prange.js';
import { PSparseMatrix, spmv } from '../sparse/psparse-matrix.js';
import { PVector, consistent, pzeros } from '../vectors/pvector.js';
import { axpy, copyInto, norm, ownDot, partialsBuffer, sumPartials, sumPartialsInto } from '../vectors/vector-ops.js';
import {
  CG_OPTION_NAMES,
  CG_SOLVER_OPTION_NAMES,
  checkCgMatrix,
  checkCgOptions,
  checkCgVector,
  type CgOptions,
  type CgReason,
  type CgResult,
  type CgSolverOptions,
  type CheckedCgOptions,
} from './cg-options.js';
import { monitorLine } from './monitor.js';
import { JacobiPreconditioner } from './preconditioners.js';
import { SpmvDotPlan } from './spmv-dot-plan.js';

/**
 * The vectors {@link CgSolver.solve} may be given.
 * @group Solvers
 */
export interface CgSolveVectors {
  /** Initial guess with the own ids of `A.rows` (own values are read; not modified). Default: 0. */
  readonly x0?: PVector;
  /**
   * Where to write the solution: a vector on `A.cols` itself (the same PRange object). Its values
   * are overwritten; it may be `x0` (the guess is then updated in place, as in PETSc's KSPSolve).
   * Default: a new vector.
   */
  readonly x?: PVector;
}

/**
 * A conjugate gradient solver set up for one matrix: the options checked, the preconditioner built
 * (`'jacobi'`: the inverse diagonal), the work vectors allocated and touched, and the row split of
 * the fused SpMV computed, once. {@link CgSolver.solve} then runs CG for any right-hand side and
 * allocates only the result (and `x`, unless given). Solving with one solver from several places at
 * once is not supported (the work vectors are shared); the matrix's values may change between
 * solves (e.g. {@link psparseRefill}) but not its structure, and a `'jacobi'` preconditioner keeps
 * the diagonal it was built with.
 *
 * The solver owns its work vectors (p, r, q, and z for a preconditioner other than Jacobi: three
 * or four vectors on the matrix's rows) and, by default with Jacobi or no preconditioner on blocks
 * too large for the caches, a compact copy of the own-own column ids for its SpMV (2 bytes per
 * entry and 1 per row; {@link CgSolverOptions.compactIndices});
 * the caller owns b, x0 and x.
 *
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix (for a Pending: call .wait()
 * first), or the options are not an object or have an unknown key (`x0` belongs to
 * {@link CgSolver.solve}); as the option checks: DimensionMismatchError,
 * PartitionMismatchError or InvalidArgumentError for a non-square matrix or bad option values; PartitionMismatchError for a
 * JacobiPreconditioner built for other rows. All before any communication (the constructor is
 * collective: it opens the halo channel of its direction vector).
 * @example
 * ```ts
 * const solver = new CgSolver(A, { preconditioner: 'jacobi', rtol: 1e-10 });
 * const x = pzeros(A.cols);
 * for (const b of rightHandSides) {
 *   const { iterations } = solver.solve(b, { x });
 *   // ... use x before the next solve overwrites it
 * }
 * ```
 * @group Solvers
 */
export class CgSolver {
  /** The matrix the solver was set up for. */
  readonly A: PSparseMatrix;
  /**
   * Per local part (in the order of `A.rows.backend.localParts`), whether the SpMV runs on a
   * compact copy of the part's own-own column ids ({@link CgSolverOptions.compactIndices}): false
   * where the option is off or the block does not fit.
   */
  readonly compactIndices: readonly boolean[];
  private readonly options: CheckedCgOptions;
  private readonly p: PVector;
  private readonly r: PVector;
  private readonly q: PVector;
  private readonly z: PVector;
  private readonly applyA: SpmvDotPlan;
  private readonly inverseDiagonal: readonly Float64Array[] | null;
  private readonly pair = new Float64Array(2);
  private readonly sums = new Float64Array(2);

  constructor(A: PSparseMatrix, opts?: CgSolverOptions) {
    expectInstance(A, PSparseMatrix, 'CgSolver: A');
    this.options = checkCgOptions(A, checkOptions(opts, CG_SOLVER_OPTION_NAMES, 'CgSolver'));
    this.A = A;
    const { preconditioner } = this.options;
    if (preconditioner instanceof JacobiPreconditioner) {
      checkSameOwn(preconditioner.rows, A.rows, 'cg: the Jacobi preconditioner must be built for a matrix with the own rows of A');
    }
    this.p = pzeros(A.cols);
    this.r = pzeros(A.rows);
    this.q = pzeros(A.rows);
    // Jacobi's z = D⁻¹r is formed inside the kernels and never stored, unless its norm is the
    // stopping test's.
    const { preconditionedNorm } = this.options;
    const fusedJacobi = preconditioner instanceof JacobiPreconditioner && !preconditionedNorm;
    this.z = preconditioner === undefined || fusedJacobi ? this.r : pzeros(A.rows);
    // Page faults belong to the set-up, not to the first iterations of the first solve.
    for (const v of new Set([this.p, this.r, this.q, this.z])) for (const local of v.values.localItems) local.fill(0);
    this.applyA = new SpmvDotPlan(A, this.p, this.q, this.options.compactIndices, this.options.compactMinEntries);
    this.compactIndices = this.applyA.compactParts;
    // Opens p's halo channel (a collective handshake on some backends) now rather than in the
    // first iteration, as PETSc builds its scatter when the matrix is assembled.
    consistent(this.p).wait();
    this.inverseDiagonal = fusedJacobi ? preconditioner.inverseDiagonal.localItems : null;
  }

  /**
   * Solves A x = b. Collective: every part calls it with its pieces.
   *
   * Stops when ‖r_k‖₂ ≤ max(rtol·‖r₀‖₂, atol), where r_k = b − A x_k is the true, unpreconditioned
   * residual maintained by the CG recurrence (no extra SpMV), or ‖M⁻¹r_k‖₂ ≤ max(rtol·‖M⁻¹r₀‖₂,
   * atol) with the option `normType: 'preconditioned'`, or after `maxIters` iterations, or on
   * breakdown / NaN. It never throws for non-convergence: check `converged` and `reason`. With
   * b = 0 and no x0 it returns x = 0 at iteration 0.
   *
   * An iteration allocates nothing and makes three passes over own data. With Jacobi: q = A p
   * fused with p·q (an SpMV-dot plan: the own-own product overlaps the ghost update of p, and
   * only the rows with ghost entries are walked again after it); r −= αq with r·z and r·r, both
   * summed over parts by one collective; and x += αp with p = z + βp in one pass, where z = D⁻¹r
   * is recomputed rather than stored and read back. Without a preconditioner, or with another one
   * (applied after the second pass and followed by a dot product), x is updated in the second
   * pass and p = z + βp is the third. Sums are taken in a fixed order per part and folded in part
   * order, so a given partition gives the same iterates on every backend and with either kernel
   * set. x's ghost values follow its own values: each x += αp is applied to them too, from p's
   * ghosts that the SpMV has just updated (the same operation, so the owners' bits), so the
   * solution needs no ghost update of its own.
   *
   * @param b right-hand side with the own ids of `A.rows`.
   * @throws InvalidArgumentError when `b`, `x0` or `x` is not a PVector (for a Pending: call
   * .wait() first), or `vectors` is not an object of `x0` and `x`; DimensionMismatchError when b or x0 has another global size; PartitionMismatchError
   * when b or x0 does not have the own ids of `A.rows`, or `x` is not on `A.cols`;
   * InvalidArgumentError when `x` is `b`. All checked before any communication.
   * @example
   * ```ts
   * const { x, converged } = new CgSolver(A, { preconditioner: 'jacobi' }).solve(b);
   * ```
   */
  solve(b: PVector, vectors?: CgSolveVectors): CgResult {
    const { A, r } = this;
    expectInstance(b, PVector, 'CgSolver.solve: b');
    const { x0, x: given } = checkOptions(vectors, ['x0', 'x'], 'CgSolver.solve');
    if (x0 !== undefined) expectInstance(x0, PVector, 'CgSolver.solve: x0');
    if (given !== undefined) expectInstance(given, PVector, 'CgSolver.solve: x');
    checkCgVector(A, b, 'b', 'rows');
    if (x0 !== undefined) checkCgVector(A, x0, 'x0', 'columns');
    if (given !== undefined && given.rows !== A.cols) {
      throw new PartitionMismatchError('cg: x must be a vector on A.cols (the same PRange object); build it with pzeros(A.cols)');
    }
    if (given !== undefined && given === b) throw new InvalidArgumentError('cg: x and b must be different vectors');
    const x = given ?? pzeros(A.cols);

    // x's ghosts start consistent (the SpMV with x0 updates them; 0 is every owner's value) and
    // stay so: each x += αp is applied to them too, from p's ghosts (see finish).
    copyInto(r, b);
    if (x0 !== undefined) {
      if (x0 !== x) copyInto(x, x0);
      spmv(this.q, A, x);
      axpy(-1, this.q, r);
    } else if (given !== undefined) {
      for (const local of x.values.localItems) local.fill(0);
    }

    const residuals: number[] = [];
    const { preconditioner, preconditionedNorm } = this.options;
    // With the preconditioned norm, z₀ = M⁻¹r₀ is formed here for its norm, and the iterations
    // start from it.
    if (preconditionedNorm) preconditioner?.apply(this.z, r);
    const r0 = preconditionedNorm ? norm(this.z) : norm(r);
    this.record(residuals, 0, r0);
    if (!Number.isFinite(r0)) return this.finish(x, residuals, 'diverged-nan', false, 0);
    const { rtol, atol, maxIters } = this.options;
    const target = Math.max(rtol * r0, atol);
    const convergedReason: CgReason = atol > rtol * r0 ? 'converged-atol' : 'converged-rtol';
    if (r0 <= target) return this.finish(x, residuals, convergedReason, false, 0);
    if (maxIters === 0) return this.finish(x, residuals, 'diverged-max-iters', false, 0);
    // Each loop is a method of its own, so a solve compiles only the code of its own kind (V8
    // compiles a function when it is first called: at this size that costs as much as a few
    // iterations).
    return this.inverseDiagonal !== null
      ? this.iterateJacobi(x, residuals, target, convergedReason)
      : this.iterate(x, residuals, target, convergedReason);
  }

  /** Appends the residual of `iteration` and reports it to the `onIteration` and `monitor` options. */
  private record(residuals: number[], iteration: number, residual: number): void {
    residuals.push(residual);
    const { onIteration, monitor } = this.options;
    if (onIteration !== undefined) onIteration({ iteration, residual });
    if (monitor !== null && iteration % monitor.every === 0) monitor.write(monitorLine('CG', iteration, residual));
  }

  /**
   * The result, after applying x += αp when the last iteration left it `pending` (with Jacobi, it
   * waits for the direction pass). x's ghosts need no update of their own: every x += αp is
   * applied to them as well, with p's ghosts, which the SpMV of the iteration has just made
   * consistent, so they get the owners' bits by the same operation (x + α·p, also inside the
   * fused kernels), and an update that would open a channel for x is saved.
   */
  private finish(x: PVector, residuals: number[], reason: CgReason, pending: boolean, alpha: number): CgResult {
    if (pending) {
      const ownOwn = this.A.ownOwn.localItems;
      const pLocal = this.p.values.localItems;
      const xLocal = x.values.localItems;
      for (let i = 0; i < ownOwn.length; i++) kernels.axpy(ownOwn[i].nRows, alpha, pLocal[i], xLocal[i]);
      addToGhosts(alpha, this.p, x);
    }
    const converged = reason === 'converged-rtol' || reason === 'converged-atol';
    return { x, iterations: residuals.length - 1, converged, reason, residuals };
  }

  /**
   * CG's iterations with Jacobi from r = b − A x (recorded): q = A p fused with p·q; r −= αq with
   * r·z and r·r (z = D⁻¹r formed inside the kernel) summed over parts by one collective; then
   * x += αp with p = z + βp in one pass.
   */
  private iterateJacobi(x: PVector, residuals: number[], target: number, convergedReason: CgReason): CgResult {
    const { A, p, r, q, applyA, pair, sums } = this;
    const inverseDiagonal = this.inverseDiagonal!;
    const { maxIters } = this.options;
    const backend = A.rows.backend;
    const ownOwn = A.ownOwn.localItems;
    const pLocal = p.values.localItems;
    const qLocal = q.values.localItems;
    const xLocal = x.values.localItems;
    const rLocal = r.values.localItems;
    const pairPartials = partialsBuffer(backend, 2);
    // p = z, as z + 0·p with p = 0 (the bits of the later updates with β = 0, whatever a previous
    // solve left in p); z = D⁻¹r is formed by the kernel, and r·z = r·p.
    for (const local of pLocal) local.fill(0);
    for (let i = 0; i < ownOwn.length; i++) {
      kernels.cgDirectionJacobi(ownOwn[i].nRows, 0, rLocal[i], inverseDiagonal[i], pLocal[i]);
    }
    let rz = ownDot(r, p);
    if (!(rz > 0 && Number.isFinite(rz))) return this.finish(x, residuals, 'diverged-breakdown', false, 0);

    for (let k = 1; ; k++) {
      const pq = applyA.run();
      if (!(pq > 0 && Number.isFinite(pq))) return this.finish(x, residuals, 'diverged-breakdown', false, 0);
      const alpha = rz / pq;
      for (let i = 0; i < ownOwn.length; i++) {
        kernels.cgResidualJacobi(ownOwn[i].nRows, alpha, qLocal[i], rLocal[i], inverseDiagonal[i], pair);
        pairPartials[2 * i] = pair[1];
        pairPartials[2 * i + 1] = pair[0];
      }
      sumPartialsInto(backend, sums);
      const rNorm = Math.sqrt(sums[0]);
      const rzNext = sums[1];
      this.record(residuals, k, rNorm);
      // x += αp is still to be applied (the direction pass below does it).
      if (!Number.isFinite(rNorm)) return this.finish(x, residuals, 'diverged-nan', true, alpha);
      if (rNorm <= target) return this.finish(x, residuals, convergedReason, true, alpha);
      if (k === maxIters) return this.finish(x, residuals, 'diverged-max-iters', true, alpha);
      if (!(rzNext > 0 && Number.isFinite(rzNext))) return this.finish(x, residuals, 'diverged-breakdown', true, alpha);
      const beta = rzNext / rz;
      for (let i = 0; i < ownOwn.length; i++) {
        kernels.cgStepJacobi(ownOwn[i].nRows, alpha, beta, rLocal[i], inverseDiagonal[i], pLocal[i], xLocal[i]);
      }
      addToGhosts(alpha, p, x);
      rz = rzNext;
    }
  }

  /**
   * CG's iterations without a preconditioner or with one other than Jacobi, from r = b − A x
   * (recorded): q = A p fused with p·q; x += αp and r −= αq with r·r; z = M⁻¹r and r·z (with a
   * preconditioner); p = z + βp.
   */
  private iterate(x: PVector, residuals: number[], target: number, convergedReason: CgReason): CgResult {
    const { A, p, r, q, z, applyA } = this;
    const { maxIters, preconditioner, preconditionedNorm } = this.options;
    const backend = A.rows.backend;
    const ownOwn = A.ownOwn.localItems;
    const pLocal = p.values.localItems;
    const qLocal = q.values.localItems;
    const xLocal = x.values.localItems;
    const rLocal = r.values.localItems;
    const zLocal = z.values.localItems;
    const partials = partialsBuffer(backend);
    // With the preconditioned norm, z·z and r·z are summed by one collective (ownDot's per-part
    // sums, on the own values at the front of the local arrays: the same bits, and no views).
    const pairPartials = preconditionedNorm ? partialsBuffer(backend, 2) : partials;
    const { sums } = this;
    // p = z, as z + 0·p with p = 0 (the bits of the later updates with β = 0).
    for (const local of pLocal) local.fill(0);
    if (!preconditionedNorm) preconditioner?.apply(z, r);
    for (let i = 0; i < ownOwn.length; i++) kernels.axpby(ownOwn[i].nRows, 1, zLocal[i], 0, pLocal[i]);
    let rz = ownDot(r, z);
    if (!(rz > 0 && Number.isFinite(rz))) return this.finish(x, residuals, 'diverged-breakdown', false, 0);

    for (let k = 1; ; k++) {
      const pq = applyA.run();
      if (!(pq > 0 && Number.isFinite(pq))) return this.finish(x, residuals, 'diverged-breakdown', false, 0);
      const alpha = rz / pq;
      for (let i = 0; i < ownOwn.length; i++) {
        partials[i] = kernels.cgUpdate(ownOwn[i].nRows, alpha, pLocal[i], qLocal[i], xLocal[i], rLocal[i]);
      }
      addToGhosts(alpha, p, x);
      // r·r is the test's only with the unpreconditioned norm (or the next r·z without a
      // preconditioner): the preconditioned norm's loop skips its collective.
      const rr = preconditionedNorm ? 0 : sumPartials(backend);
      // The preconditioned norm needs z = M⁻¹r (and r·z with it) before the test; otherwise z
      // waits until the test has passed.
      if (preconditionedNorm && preconditioner !== undefined) {
        preconditioner.apply(z, r);
        for (let i = 0; i < ownOwn.length; i++) {
          pairPartials[2 * i] = kernels.dot(ownOwn[i].nRows, zLocal[i], zLocal[i]);
          pairPartials[2 * i + 1] = kernels.dot(ownOwn[i].nRows, rLocal[i], zLocal[i]);
        }
        sumPartialsInto(backend, sums);
      }
      const rNorm = Math.sqrt(preconditionedNorm ? sums[0] : rr);
      this.record(residuals, k, rNorm);
      if (!Number.isFinite(rNorm)) return this.finish(x, residuals, 'diverged-nan', false, 0);
      if (rNorm <= target) return this.finish(x, residuals, convergedReason, false, 0);
      if (k === maxIters) return this.finish(x, residuals, 'diverged-max-iters', false, 0);
      let rzNext = rr;
      if (preconditionedNorm) rzNext = sums[1];
      else if (preconditioner !== undefined) {
        preconditioner.apply(z, r);
        rzNext = ownDot(r, z);
      }
      if (!(rzNext > 0 && Number.isFinite(rzNext))) return this.finish(x, residuals, 'diverged-breakdown', false, 0);
      const beta = rzNext / rz;
      for (let i = 0; i < ownOwn.length; i++) kernels.axpby(ownOwn[i].nRows, 1, zLocal[i], beta, pLocal[i]);
      rz = rzNext;
    }
  }
}

/** x's ghosts += α · p's ghosts (x and p on the same range; allocation-free). */
function addToGhosts(alpha: number, p: PVector, x: PVector): void {
  const pGhost = p.ghostValues().localItems;
  const xGhost = x.ghostValues().localItems;
  for (let i = 0; i < xGhost.length; i++) {
    const n = xGhost[i].length;
    if (n > 0) kernels.axpy(n, alpha, pGhost[i], xGhost[i]);
  }
}

/**
 * Solves A x = b with the preconditioned conjugate gradient method, for A symmetric positive
 * definite (and an SPD preconditioner): `new CgSolver(A, opts).solve(b, { x0: opts.x0 })`. See
 * {@link CgSolver.solve} for the stopping rule and the passes of an iteration; use a
 * {@link CgSolver} to solve several systems with one matrix without setting up each time.
 *
 * @param A square matrix whose rows and columns have the same own ids.
 * @param b right-hand side on `A.rows` (same own ids).
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix, `b` or `x0` not a PVector (for a
 *   Pending: call .wait() first), or the options are not an object or have an unknown key (such
 *   as `tol` for `rtol`); DimensionMismatchError when A is not square or b / x0 have another global size;
 *   PartitionMismatchError when b or x0 do not have the own ids of `A.rows`, or `A.rows` and
 *   `A.cols` differ; InvalidArgumentError for a negative or non-finite rtol/atol, a non-integer or
 *   negative maxIters, an unknown preconditioner, or (from {@link jacobi}) a zero diagonal. All
 *   checked before any communication.
 * @example
 * ```ts
 * const A = await psparse(I, J, V, rows, rows);
 * const { x, iterations, reason } = cg(A, pfill(1, A.rows), { preconditioner: 'jacobi', rtol: 1e-8 });
 * ```
 * @group Solvers
 */
export function cg(A: PSparseMatrix, b: PVector, opts?: CgOptions): CgResult {
  expectInstance(A, PSparseMatrix, 'cg: A');
  expectInstance(b, PVector, 'cg: b');
  const { x0, ...solverOptions } = checkOptions(opts, CG_OPTION_NAMES, 'cg');
  if (x0 !== undefined) expectInstance(x0, PVector, 'cg: x0');
  // The cheap checks of A, b and x0 come first, so a bad b is reported before the preconditioner
  // is built (O(nnz)); CgSolver repeats them in O(1) (own-id comparisons are cached).
  checkCgMatrix(A);
  checkCgVector(A, b, 'b', 'rows');
  if (x0 !== undefined) checkCgVector(A, x0, 'x0', 'columns');
  return new CgSolver(A, solverOptions).solve(b, { x0 });
}
