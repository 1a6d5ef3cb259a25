/**
 * Restarted GMRES with right preconditioning (as PETSc's KSPGMRES with `-ksp_pc_side right`):
 * {@link GmresSolver}, set up once for a matrix and reused, and {@link gmres}, which sets up and
 * solves once. For any nonsingular matrix, symmetric or not.
 *
 * @module
 */
import { checkOptions, expectInstance } from '../argument-checks.js';
import { kernels } from '../kernels/select-kernels.js';
import { pmap, type PData } from '../pdata/pdata.js';
import { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { PVector, consistent, pzeros } from '../vectors/pvector.js';
import { partialsBuffer, sumPartials, sumPartialsInto } from '../vectors/vector-ops.js';
import { checkCgMatrix, checkCgVector, checkKrylovOptions, type CgReason, type CgResult, type CheckedKrylovOptions } from './cg-options.js';
import {
  GMRES_OPTION_NAMES,
  GMRES_SOLVER_OPTION_NAMES,
  ResidualRecord,
  checkOrthogonalization,
  checkRestart,
  checkSolveVectors,
  type GmresOptions,
  type GmresSolverOptions,
  type KrylovSolveVectors,
} from './krylov-options.js';
import { solverKernels } from './ilu0-native.js';
import { Ilu0Preconditioner } from './ilu0.js';
import { KrylovProduct } from './krylov-spmv.js';
import type { GramSchmidtKernels } from './krylov-kernels.js';
import { BREAKDOWN, NOT_FINITE, addProjections, backSubstitute, copyAt, gatherPartials, givensStep, scaleOwn, sumOfSquares } from './krylov-dense.js';

/** The widest sum over parts one collective takes (`MAX_ALLGATHER_WIDTH`). */
const REDUCTION_WIDTH = 8;

/**
 * Refinement `'measured'`: the squared tolerance on ‖Vᵀw‖₂ / ‖w‖₂ after the first pass, (2⁻³⁰)².
 * A second pass brings it to rounding level, so each basis vector is orthogonal to the earlier
 * ones to ~1e-9 (‖I − VᵀV‖ ≲ 3e-8 over 30 vectors), independently of the problem's condition.
 */
const MEASURED_TOLERANCE_SQUARED = 2 ** -60;

/**
 * A GMRES solver set up for one matrix: options checked, preconditioner built, the `restart + 1`
 * Krylov vectors and the small dense arrays allocated, once. {@link GmresSolver.solve}
 * then allocates only the result (and `x`, unless given) and its residual history.
 *
 * The solver owns its work vectors (`restart + 3` vectors on `A.cols`: the Krylov basis, the
 * preconditioned vector and the update), a `(restart + 1) × restart` Hessenberg matrix and, for
 * its products, a compact copy of the own-own blocks' structure where it fits (2 bytes per entry
 * and 1 per row; the products keep the bits of `spmv`); the caller owns b, x0 and x. One solve at a time per solver; A's values may change between solves
 * (its structure may not), but a named preconditioner keeps what it was built from.
 *
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix, the options are not an object or
 * have an unknown key (the message lists the accepted ones), `restart` is not an integer ≥ 1,
 * `orthogonalization` / `refinement` is not one of their names (or a refinement is given with
 * `'modified'`), or
 * for a bad rtol, atol, maxIters, preconditioner name, onIteration or monitor (as {@link cg}); DimensionMismatchError /
 * PartitionMismatchError for a non-square A; SingularMatrixError from `'ssor'` or `'ilu0'`.
 * @example
 * ```ts
 * const solver = new GmresSolver(A, { restart: 30, preconditioner: 'ilu0', rtol: 1e-8 });
 * for (const b of rightHandSides) console.log(solver.solve(b).iterations);
 * ```
 * @group Solvers
 */
export class GmresSolver {
  /** The matrix the solver was set up for. */
  readonly A: PSparseMatrix;
  /** The number of Krylov vectors before a restart. */
  readonly restart: number;
  /** The Gram–Schmidt variant ({@link GmresSolverOptions.orthogonalization}). */
  readonly orthogonalization: NonNullable<GmresSolverOptions['orthogonalization']>;
  /** When classical Gram–Schmidt makes a second pass ({@link GmresSolverOptions.refinement}). */
  readonly refinement: NonNullable<GmresSolverOptions['refinement']>;
  private readonly options: CheckedKrylovOptions;
  /** Per local part, the Krylov vectors' local values one after the other (stride nLocal). */
  private readonly store: readonly Float64Array[];
  private readonly nLocal: number[];
  /** The vectors of the basis, views of `store`. */
  private readonly basis: PVector[];
  private readonly z: PVector;
  private readonly update: PVector;
  /** Hessenberg matrix, column-major with leading dimension restart + 1; rotated into R in place. */
  private readonly H: Float64Array;
  private readonly cs: Float64Array;
  private readonly sn: Float64Array;
  private readonly g: Float64Array;
  private readonly y: Float64Array;
  /** Per local part, the projections of one Gram–Schmidt pass (restart + 1 each). */
  private readonly partDots: Float64Array;
  /** Local part p's `restart + 1` entries of `partDots`. */
  private readonly partDotViews: Float64Array[];
  /** The projections of one pass summed over parts, and their negatives (the update's coefficients). */
  private readonly projections: Float64Array;
  private readonly negated: Float64Array;
  /** Sums over parts of 1..8 values at once. */
  private readonly reduced: Float64Array[];
  private readonly gramSchmidt: GramSchmidtKernels;
  /** A x with the compact own-own blocks (same bits as `spmv`). */
  private readonly product: KrylovProduct;
  private readonly nOwn: number[];
  /** ‖w‖₂ of the last Arnoldi step, before w is normalised into the next basis vector. */
  private hNext = 0;
  /** Second Gram–Schmidt passes made since the solver was built (see {@link GmresSolver.refinements}). */
  private refined = 0;

  constructor(A: PSparseMatrix, opts?: GmresSolverOptions) {
    expectInstance(A, PSparseMatrix, 'GmresSolver: A');
    const checked = checkOptions(opts, GMRES_SOLVER_OPTION_NAMES, 'GmresSolver');
    const restart = checkRestart(checked.restart);
    const { orthogonalization, refinement } = checkOrthogonalization(checked.orthogonalization, checked.refinement);
    this.options = checkKrylovOptions(A, checked, 'gmres');
    this.orthogonalization = orthogonalization;
    this.refinement = refinement;
    this.A = A;
    this.restart = restart;
    const ids = A.cols.partition.localItems;
    this.nLocal = ids.map((local) => local.nLocal);
    const backend = A.cols.backend;
    // The backend's vector memory: on huge pages where available, so the first writes of the basis
    // in the first cycle fault 2 MiB at a time, and the sweeps over it miss the TLB less.
    const store: PData<Float64Array> = A.cols.partition.map((local) => backend.allocateFloat64((restart + 1) * local.nLocal));
    this.store = store.localItems;
    this.basis = Array.from(
      { length: restart + 1 },
      (_, i) => new PVector(A.cols, pmap((local, all) => all.subarray(i * local.nLocal, (i + 1) * local.nLocal), A.cols.partition, store)),
    );
    this.partDots = new Float64Array(ids.length * (restart + 1));
    this.partDotViews = ids.map((_, p) => this.partDots.subarray(p * (restart + 1), (p + 1) * (restart + 1)));
    this.projections = new Float64Array(restart + 1);
    this.negated = new Float64Array(restart + 1);
    this.reduced = Array.from({ length: REDUCTION_WIDTH + 1 }, (_, width) => new Float64Array(width));
    this.gramSchmidt = solverKernels().gramSchmidt;
    this.z = pzeros(A.cols);
    this.update = pzeros(A.cols);
    this.H = new Float64Array((restart + 1) * restart);
    this.cs = new Float64Array(restart);
    this.sn = new Float64Array(restart);
    this.g = new Float64Array(restart + 1);
    this.y = new Float64Array(restart);
    this.nOwn = A.rows.partition.localItems.map((ids) => ids.nOwn);
    this.product = new KrylovProduct(A);
    // The halo channels of the vectors the SpMV reads open now (a collective handshake on some
    // backends), not in the first iterations.
    for (const v of [...this.basis, this.z]) consistent(v).wait();
  }

  /**
   * Solves A x = b. Collective: every part calls it with its pieces.
   *
   * Each iteration applies the preconditioner to the newest Krylov vector (z = M⁻¹vⱼ), multiplies
   * (w = A z), orthogonalises w against the basis (by default classical Gram–Schmidt, whose
   * projections are checked and subtracted again only when not negligible: see
   * {@link GmresSolverOptions.refinement}): a pass takes the j + 1 projections in one sweep over
   * the part's basis and one collective per 8 of them, then subtracts them in one sweep, which
   * also gives ‖w‖. Then it updates the QR factorisation of the Hessenberg matrix by
   * a Givens rotation, which gives ‖rₖ‖₂ without forming x. After `restart` iterations, or when
   * that estimate reaches max(rtol·‖r₀‖₂, atol), x += M⁻¹ V y and the TRUE residual b − A x is
   * computed: it replaces the estimate in `residuals`, decides convergence, and starts the next
   * cycle when it is not small enough. Never throws for non-convergence: check `converged` and
   * `reason` (`'diverged-breakdown'` when the least-squares problem becomes singular,
   * `'diverged-nan'` when a norm is not finite — x then keeps the last finite update). A given
   * partition gives the same iterates on every backend and with either kernel set.
   *
   * @param b right-hand side with the own ids of `A.rows`.
   * @throws InvalidArgumentError / DimensionMismatchError / PartitionMismatchError for bad `b`,
   * `x0` or `x` (see {@link KrylovSolveVectors}), before any communication.
   * @example
   * ```ts
   * const { x, converged, reason } = new GmresSolver(A, { preconditioner: 'ilu0' }).solve(b);
   * ```
   */
  solve(b: PVector, vectors?: KrylovSolveVectors): CgResult {
    const { x, x0, given } = checkSolveVectors(this.A, b, vectors, 'GmresSolver');
    const { basis, g, restart } = this;
    const { rtol, atol, maxIters } = this.options;
    const record = new ResidualRecord(this.options, 'GMRES');
    if (x0 !== undefined) {
      if (x0 !== x) copyOwn(this.nOwn, x0, x);
    } else if (given) {
      for (const own of x.ownValues().localItems) own.fill(0);
    }
    const finish = (reason: CgReason): CgResult => {
      consistent(x).wait();
      return record.result(x, reason);
    };

    let beta = this.residual(b, x, x0 === undefined);
    record.record(0, beta);
    if (!Number.isFinite(beta)) return finish('diverged-nan');
    const target = Math.max(rtol * beta, atol);
    const convergedReason: CgReason = atol > rtol * beta ? 'converged-atol' : 'converged-rtol';
    if (beta <= target) return finish(convergedReason);
    if (maxIters === 0) return finish('diverged-max-iters');

    let k = 0;
    for (;;) {
      // Each basis vector is normalised by the step that preconditions it (see arnoldiStep).
      let scale = 1 / beta;
      g.fill(0);
      g[0] = beta;
      let j = 0;
      let stop: CgReason | null = null;
      while (j < restart) {
        const estimate = this.arnoldiStep(j, scale);
        if (estimate === NOT_FINITE) {
          k++;
          record.record(k, Number.NaN);
          return finish('diverged-nan');
        }
        if (estimate === BREAKDOWN) {
          // A M⁻¹ maps vⱼ into the span of the earlier vectors: no progress is possible.
          stop = 'diverged-breakdown';
          break;
        }
        j++;
        k++;
        record.record(k, estimate);
        if (estimate <= target) break;
        if (k === maxIters) break;
        // hNext > 0 here: hNext = 0 makes the estimate 0.
        scale = 1 / this.hNext;
      }

      if (j > 0) this.updateSolution(x, j);
      beta = this.residual(b, x, false);
      if (j > 0) record.correctLast(beta);
      if (!Number.isFinite(beta)) return finish('diverged-nan');
      if (beta <= target) return finish(convergedReason);
      if (stop !== null) return finish(stop);
      if (k >= maxIters) return finish('diverged-max-iters');
    }
  }

  /**
   * Iteration j of a cycle: basis[j] ← scale·basis[j] (its normalisation: with ILU(0), in the
   * preconditioner's pass over it), then basis[j + 1] ← A M⁻¹ basis[j] orthogonalised against the basis,
   * Hessenberg column j rotated into R, g updated; keeps ‖w‖₂ before normalisation in `hNext`.
   * Returns the residual estimate |g[j + 1]|, or {@link BREAKDOWN} / {@link NOT_FINITE}. The
   * loops over doubles are in `krylov-dense.ts` (why: see there).
   */
  private arnoldiStep(j: number, scale: number): number {
    const { basis, z, H, cs, sn, g } = this;
    const { preconditioner } = this.options;
    const w = basis[j + 1];
    const ld = this.restart + 1;
    if (preconditioner instanceof Ilu0Preconditioner) preconditioner.applyScaled(z, basis[j], scale);
    else this.scale(scale, basis[j]);
    if (preconditioner === undefined) this.product.multiply(w, basis[j]);
    else {
      if (!(preconditioner instanceof Ilu0Preconditioner)) preconditioner.apply(z, basis[j]);
      this.product.multiply(w, z);
    }
    const column = j * ld;
    const hNext = this.orthogonalize(j + 1, w, H, column);
    this.hNext = hNext;
    return givensStep(H, cs, sn, g, column, j, hNext);
  }

  /** x += M⁻¹ V y with y solving the j × j triangular system R y = g. */
  private updateSolution(x: PVector, j: number): void {
    const { H, g, y, update, z, nOwn } = this;
    backSubstitute(H, this.restart + 1, g, y, j);
    const target = this.options.preconditioner === undefined ? x : update;
    const targetLocal = target.values.localItems;
    for (let p = 0; p < nOwn.length; p++) {
      if (target === update) targetLocal[p].fill(0, 0, nOwn[p]);
      this.gramSchmidt.basisUpdate(nOwn[p], j, this.store[p], this.nLocal[p], y, targetLocal[p]);
    }
    const { preconditioner } = this.options;
    if (preconditioner === undefined) return;
    preconditioner.apply(z, update);
    const xLocal = x.values.localItems;
    const zLocal = z.values.localItems;
    for (let p = 0; p < nOwn.length; p++) kernels.axpy(nOwn[p], 1, zLocal[p], xLocal[p]);
  }

  /**
   * The number of second classical Gram–Schmidt passes made by this solver's solves so far (one
   * per Arnoldi step at most): how often the `refinement` rule fired.
   */
  get refinements(): number {
    return this.refined;
  }

  /**
   * Makes w orthogonal to the first `count` basis vectors (by the solver's `orthogonalization`
   * and `refinement`), adds the projections into `H[column ..]` and returns ‖w‖₂ (collective).
   */
  private orthogonalize(count: number, w: PVector, H: Float64Array, column: number): number {
    H.fill(0, column, column + count);
    if (this.orthogonalization === 'modified') return this.modifiedGramSchmidt(count, w, H, column);
    const { refinement, projections } = this;
    this.projectionsOf(count, w);
    addProjections(H, column, projections, this.negated, count);
    // 'measured' and 'always' need the new w's projections whatever happens: taken in the same
    // sweep over the basis as the update.
    const remeasure = refinement === 'measured' || refinement === 'always';
    const ww = this.subtractProjections(count, w, remeasure);
    if (refinement === 'never') return Math.sqrt(ww);
    // PETSc's 'ifneeded' test: ‖w_after‖ < ‖h‖, i.e. the pass cancelled more than half of ‖w_before‖².
    if (refinement === 'ifneeded' && !(ww < sumOfSquares(H, column, count))) return Math.sqrt(ww);
    if (remeasure) this.sumProjections(count);
    else this.projectionsOf(count, w);
    if (refinement === 'measured' && !(sumOfSquares(projections, 0, count) > MEASURED_TOLERANCE_SQUARED * ww)) return Math.sqrt(ww);
    this.refined++;
    addProjections(H, column, projections, this.negated, count);
    return Math.sqrt(this.subtractProjections(count, w, false));
  }

  /**
   * `projections[0 .. count)` ← the projections of w on the basis: one sweep over each part's
   * basis, summed over parts (one collective per 8).
   */
  private projectionsOf(count: number, w: PVector): void {
    const { store, nLocal, nOwn, gramSchmidt } = this;
    const wLocal = w.values.localItems;
    for (let p = 0; p < nOwn.length; p++) gramSchmidt.basisDots(nOwn[p], count, store[p], nLocal[p], wLocal[p], this.partDotViews[p]);
    this.sumProjections(count);
  }

  /** `projections` ← the per-part projections in `partDots` summed over parts (collective). */
  private sumProjections(count: number): void {
    const { partDots, projections, nOwn } = this;
    const backend = this.A.rows.backend;
    const ld = this.restart + 1;
    for (let first = 0; first < count; first += REDUCTION_WIDTH) {
      const width = Math.min(REDUCTION_WIDTH, count - first);
      const partials = partialsBuffer(backend, width);
      gatherPartials(partials, partDots, nOwn.length, ld, first, width);
      const out = this.reduced[width];
      sumPartialsInto(backend, out);
      copyAt(projections, first, out, width);
    }
  }

  /**
   * w += Σᵢ negated[i]·basis[i] in one sweep over each part's basis; returns the new w·w
   * (collective). With `remeasure`, the same sweep leaves the new w's per-part projections in
   * `partDots` (summed by {@link GmresSolver.sumProjections}).
   */
  private subtractProjections(count: number, w: PVector, remeasure: boolean): number {
    const { store, nLocal, nOwn, negated, gramSchmidt, partDotViews } = this;
    const backend = this.A.rows.backend;
    const wLocal = w.values.localItems;
    const partials = partialsBuffer(backend);
    for (let p = 0; p < nOwn.length; p++) {
      partials[p] = remeasure
        ? gramSchmidt.basisUpdateDots(nOwn[p], count, store[p], nLocal[p], negated, wLocal[p], partDotViews[p])
        : gramSchmidt.basisUpdate(nOwn[p], count, store[p], nLocal[p], negated, wLocal[p]);
    }
    return sumPartials(backend);
  }

  /**
   * Modified Gram–Schmidt: for i = 0 .. count − 1, hᵢ = vᵢ·w (one collective each) and
   * w −= hᵢvᵢ; returns ‖w‖₂ of the last update (collective).
   */
  private modifiedGramSchmidt(count: number, w: PVector, H: Float64Array, column: number): number {
    const { nOwn, gramSchmidt } = this;
    const backend = this.A.rows.backend;
    const wLocal = w.values.localItems;
    const coefficient = this.reduced[1];
    let ww = 0;
    for (let i = 0; i < count; i++) {
      const vLocal = this.basis[i].values.localItems;
      const partials = partialsBuffer(backend);
      for (let p = 0; p < nOwn.length; p++) {
        gramSchmidt.basisDots(nOwn[p], 1, vLocal[p], this.nLocal[p], wLocal[p], this.partDotViews[p]);
        partials[p] = this.partDotViews[p][0];
      }
      const h = sumPartials(backend);
      H[column + i] = h;
      coefficient[0] = -h;
      const wwPartials = partialsBuffer(backend);
      for (let p = 0; p < nOwn.length; p++) wwPartials[p] = gramSchmidt.basisUpdate(nOwn[p], 1, vLocal[p], this.nLocal[p], coefficient, wLocal[p]);
      ww = sumPartials(backend);
    }
    return Math.sqrt(ww);
  }

  /** basis[0] ← b − A x (b when x is known to be 0, without the product); returns its norm. */
  private residual(b: PVector, x: PVector, xIsZero: boolean): number {
    const r = this.basis[0];
    const rLocal = r.values.localItems;
    const bLocal = b.values.localItems;
    if (xIsZero) copyOwn(this.nOwn, b, r);
    else {
      this.product.multiply(r, x);
      for (let p = 0; p < this.nOwn.length; p++) kernels.axpby(this.nOwn[p], 1, bLocal[p], -1, rLocal[p]);
    }
    return Math.sqrt(this.dot(r, r));
  }

  /** Σ aᵢbᵢ over own values, summed per part then over parts in part order (collective). */
  private dot(a: PVector, b: PVector): number {
    const backend = this.A.rows.backend;
    const partials = partialsBuffer(backend);
    const aLocal = a.values.localItems;
    const bLocal = b.values.localItems;
    for (let p = 0; p < this.nOwn.length; p++) partials[p] = kernels.dot(this.nOwn[p], aLocal[p], bLocal[p]);
    return sumPartials(backend);
  }

  private scale(alpha: number, x: PVector): void {
    scaleOwn(this.nOwn, alpha, x.values.localItems);
  }
}

/** Copies the own values of `src` into `dst` (same own ids). */
function copyOwn(nOwn: readonly number[], src: PVector, dst: PVector): void {
  const s = src.values.localItems;
  const d = dst.values.localItems;
  for (let p = 0; p < nOwn.length; p++) d[p].set(s[p].subarray(0, nOwn[p]));
}

/**
 * Solves A x = b by restarted GMRES with right preconditioning:
 * `new GmresSolver(A, opts).solve(b, { x0: opts.x0 })`. For non-symmetric (or indefinite)
 * systems, where {@link cg} does not apply. The stopping rule is on the true, unpreconditioned
 * residual ‖b − A x‖₂ ≤ max(rtol·‖r₀‖₂, atol); see {@link GmresSolver.solve}.
 *
 * @param A square matrix whose rows and columns have the same own ids.
 * @param b right-hand side on `A.rows` (same own ids).
 * @throws as {@link GmresSolver} and {@link GmresSolver.solve}: InvalidArgumentError for an
 * unknown option (listing the accepted ones: rtol, atol, maxIters, preconditioner, onIteration,
 * monitor, restart, orthogonalization, refinement, x0) or a bad value; DimensionMismatchError / PartitionMismatchError for
 * mismatched A, b, x0; SingularMatrixError from a named preconditioner. Checked before any
 * communication, except the preconditioner's set-up.
 * @example
 * ```ts
 * const { x, iterations, reason } = gmres(A, b, { restart: 30, preconditioner: 'ilu0', rtol: 1e-8 });
 * ```
 * @group Solvers
 */
export function gmres(A: PSparseMatrix, b: PVector, opts?: GmresOptions): CgResult {
  expectInstance(A, PSparseMatrix, 'gmres: A');
  expectInstance(b, PVector, 'gmres: b');
  const { x0, ...solverOptions } = checkOptions(opts, GMRES_OPTION_NAMES, 'gmres');
  if (x0 !== undefined) expectInstance(x0, PVector, 'gmres: x0');
  checkCgMatrix(A, 'gmres');
  checkCgVector(A, b, 'b', 'rows', 'gmres');
  if (x0 !== undefined) checkCgVector(A, x0, 'x0', 'columns', 'gmres');
  return new GmresSolver(A, solverOptions).solve(b, { x0 });
}
