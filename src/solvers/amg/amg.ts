/**
 * `amg(A, options)`: smoothed-aggregation algebraic multigrid as a preconditioner (one V-cycle
 * per application).
 *
 * Set-up, per level: the diagonal and an estimate ρ of the spectral radius of D⁻¹A (Gershgorin's
 * bound on the finest level, a Lanczos estimate below it: spectral-estimate.ts); strong
 * connections |a_ij| ≥ θ·sqrt(|a_ii a_jj|) and a one-pass greedy aggregation of each part's own
 * rows (aggregates never cross parts, so the hierarchy depends on the partition only, never on
 * the backend); the tentative prolongator P0 (the constant vector on
 * each aggregate, normalised); the smoothed prolongator P = (I − ω D⁻¹A) P0 with ω = 4/(3ρ);
 * and the Galerkin coarse matrix R·A·P (R = Pᵀ), with P built straight from the aggregates and
 * R·A·P formed row by row without storing A·P, from each part's own block of P transposed
 * (local-setup.ts on one part; ghosted-prolongator.ts and distributed-galerkin.ts on several).
 * The distributed R is formed only when asked for ({@link AmgPreconditioner.restrictions}): the
 * cycle restricts by scattering over P's rows (restriction.ts). The coarsest matrix is gathered
 * to part 0 and factored (dense LU).
 *
 * The V-cycle's smoothings, residuals and transfers are fused row passes (cycle-kernels.ts); on a
 * level without ghost entries (one part) each half of the cycle is one pipelined sweep over the
 * level (Chebyshev, residual and restriction; prolongation and Chebyshev), the same operations
 * row by row, so the same bits. On a level with ghost entries each half runs the rows that need
 * no ghost value as one such sweep while the first ghost update is in flight, then the other rows
 * pass by pass (split-pipeline.ts), again the same bits.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../../argument-checks.js';
import { DimensionMismatchError, InvalidArgumentError } from '../../errors.js';
import { checkSameOwn } from '../../partitions/prange.js';
import { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import { pzeros, PVector } from '../../vectors/pvector.js';
import type { Preconditioner } from '../preconditioners.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import type { PData } from '../../pdata/pdata.js';
import { CoarseSolver } from './coarse-solver.js';
import { CycleMode, cycleKernels, type PipelineStages } from './cycle-kernels.js';
import { AmgLevel, type AmgSpectralEstimate } from './level.js';
import { withoutGhostEntries } from './local-setup.js';
import { Restriction } from './restriction.js';
import { rowPass } from './row-pass.js';
import { Smoother, type AmgSmootherName } from './smoothers.js';

export type { AmgSmootherName } from './smoothers.js';
export type { AmgSpectralEstimate } from './level.js';

/**
 * Options of {@link amg}. Every field is optional.
 * @group Solvers
 */
export interface AmgOptions {
  /**
   * Strength-of-connection threshold θ in [0, 1) on the finest level (halved on each coarser one):
   * |a_ij| ≥ θ·sqrt(|a_ii a_jj|) is strong. Default 0.01 (PyAMG's and PETSc GAMG's default is 0):
   * with the Lanczos estimate of ρ, CG on the 3-D Poisson problem takes 10, 12 and 12 iterations
   * at n = 50, 100 and 128 with θ = 0.01 as with 0.08, and the set-up about 40 % less time (the
   * second level's aggregates are larger, so the third level and its Galerkin product smaller);
   * and on trilinear finite elements, whose largest relative coupling is 1/32, 0.08 left the
   * finest level without a strong connection, so without a coarse level.
   */
  readonly theta?: number;
  /** Most levels, the finest included (≥ 1). Default 10. */
  readonly maxLevels?: number;
  /**
   * Coarsening stops once a level has at most this many rows (≥ 1). Default 1000: on the 3-D
   * Poisson problem the coarsest level is then solved directly at 500–700 rows instead of being
   * coarsened once more to about 50 (CG: 11, 14 and 13 iterations at n = 50, 100 and 128, against
   * 11, 15 and 14), for a factorisation of a few tens of milliseconds.
   */
  readonly coarseSize?: number;
  /** `'chebyshev'` (default) or `'jacobi'` (damped, ω = 4/(3ρ)). */
  readonly smoother?: AmgSmootherName;
  /** Chebyshev degree or Jacobi sweeps, before and after the coarse correction (≥ 1). Default 2. */
  readonly smootherSteps?: number;
  /**
   * How each level estimates ρ(D⁻¹A), which sets Chebyshev's interval [ρ/8, ρ], Jacobi's and the
   * prolongator's ω = 4/(3ρ). Gershgorin's bound (max over rows of Σ_j |a_ij| / |a_ii|) costs one
   * pass but is loose on the coarse Galerkin operators (on the 3-D Poisson problem's level 1 at
   * n = 100: 2.25, against about 1.3); Lanczos (min(Gershgorin, 1.1 × the largest Ritz value of
   * 10 steps), as PETSc's GAMG and PyAMG estimate) costs 10 SpMVs of the level. `'lanczos-coarse'`
   * (default): Lanczos on every level below the finest, Gershgorin on the finest (the user's
   * matrix, where a stencil's or M-matrix's bound is usually close: 2 against 1.99 for the
   * finite-difference Laplacian, while the finest level's 10 SpMVs are the estimate's dearest);
   * `'lanczos'`: on every level (a finite-element matrix: Gershgorin gives 2 for bilinear
   * elements, whose ρ is 1.5); `'gershgorin'`: on none. Lanczos needs a symmetric matrix with a
   * positive diagonal; a level without one uses Gershgorin's bound.
   */
  readonly spectralEstimate?: AmgSpectralEstimate;
}

/**
 * Size of one level of an AMG hierarchy.
 * @group Solvers
 */
export interface AmgLevelInfo {
  /** Global number of rows of the level's matrix. */
  readonly rows: number;
  /** Global number of stored entries of the level's matrix. */
  readonly nnz: number;
}

/**
 * Each coarser level uses θ times this: Galerkin operators spread a row's weight over more, weaker
 * couplings (on the 3-D Laplacian's second level most are below a tenth of the diagonal), so a
 * fixed θ would leave most coarse rows without strong connections.
 */
const THETA_DECAY = 0.5;

/** The largest coarsest matrix factored densely on part 0; a larger one is only smoothed. */
const MAX_DIRECT_ROWS = 1500;

const OPTION_NAMES = ['theta', 'maxLevels', 'coarseSize', 'smoother', 'smootherSteps', 'spectralEstimate'];

const SPECTRAL_ESTIMATES: readonly unknown[] = ['lanczos-coarse', 'lanczos', 'gershgorin'] satisfies AmgSpectralEstimate[];

/** One level's matrix, smoother and work vectors. */
interface CycleLevel {
  readonly level: AmgLevel;
  readonly smoother: Smoother;
  /**
   * The level's iterate (on A.cols: SpMVs refresh its ghosts). A pipelined finest level runs on
   * apply's `z` instead, so it forms its own only when apply is given z = r.
   */
  x: PVector | undefined;
  /**
   * The level's right-hand side (own values), written by the restriction; none on the finest
   * level, whose right-hand side is apply's `r` itself (only read, so no copy).
   */
  readonly b: PVector | undefined;
  /** Scratch of the level's fused row passes (one value per own row; none when pipelined). */
  readonly partial?: PData<Float64Array>;
  /**
   * The residual (own values; not on the coarsest) and the coarse correction on P.cols, which
   * also carries the restriction's sums (neither on the coarsest nor when pipelined).
   */
  readonly residual?: PVector;
  readonly coarseX?: PVector;
  /** The restriction of the residual (neither on the coarsest nor when pipelined). */
  readonly restriction?: Restriction;
  /**
   * Per local part, the largest |column − row| of the level's own block, when the smoothings run
   * as pipelined passes (no ghost entries on any part, Chebyshev of degree ≥ 2, not the coarsest).
   */
  readonly bandwidths?: readonly number[];
  /**
   * Per local part, the largest |column − row| of the level's own block, when its halves run split
   * around a pipelined sweep (ghost entries on some part, Chebyshev of degree ≥ 2, not the coarsest).
   */
  readonly splitBandwidths?: readonly number[];
}

/**
 * A smoothed-aggregation AMG hierarchy used as a preconditioner: `apply` runs one V-cycle
 * (allocation-free), `refresh` recomputes the hierarchy's values after the matrix's values changed.
 * Built by {@link amg}.
 *
 * @example
 * ```ts
 * const M = amg(A);
 * cg(A, b, { preconditioner: M });
 * await psparseRefill(A, newValues);
 * M.refresh(A);                          // same aggregates and patterns, new values
 * ```
 * @group Solvers
 */
export class AmgPreconditioner implements Preconditioner {
  private readonly options: Required<AmgOptions>;
  private A!: PSparseMatrix;
  private cycle!: CycleLevel[];
  private coarse: CoarseSolver | undefined;

  /** The same as {@link amg}`(A, options)`. @throws as {@link amg}. */
  constructor(A: PSparseMatrix, options?: AmgOptions) {
    checkSquare(A);
    this.options = checkedOptions(options);
    this.build(A);
  }

  /** The levels, finest first: their global rows and stored entries. */
  get levels(): AmgLevelInfo[] {
    return this.cycle.map(({ level }) => ({ rows: level.A.rows.n, nnz: level.A.nnz }));
  }

  /**
   * Per level, finest first, the estimate of ρ(D⁻¹A) its smoother and prolongator use (see
   * {@link AmgOptions.spectralEstimate}); a coarsest level that is factored (at most 1500 rows)
   * reads none and keeps Gershgorin's bound.
   */
  get spectralBounds(): number[] {
    return this.cycle.map(({ level }) => level.spectralBound);
  }

  /** The matrices of the levels, finest (the matrix given to {@link amg}) first. */
  get matrices(): PSparseMatrix[] {
    return this.cycle.map(({ level }) => level.A);
  }

  /** The prolongators, finest first (one fewer than the levels). */
  get prolongators(): PSparseMatrix[] {
    return this.cycle.flatMap(({ level }) => (level.P === undefined ? [] : [level.P]));
  }

  /**
   * The restrictions Pᵀ, finest first (collective on several parts: formed on the first request,
   * then kept and rewritten by {@link AmgPreconditioner.refresh}; neither the set-up nor the cycle
   * needs them).
   */
  get restrictions(): PSparseMatrix[] {
    return this.cycle.flatMap(({ level }) => (level.R === undefined ? [] : [level.R]));
  }

  /** Per level (but the coarsest), per local part, the aggregate of each own row (−1: none). */
  get aggregates(): Int32Array[][] {
    return this.cycle.flatMap(({ level }) =>
      level.aggregates === undefined ? [] : [level.aggregates.localItems.map((a) => a.aggregateOf)],
    );
  }

  /**
   * z ← M⁻¹ r: one V-cycle from a zero guess (collective, allocation-free once the first call
   * created the communication channels, and the first call with z = r the finest iterate).
   * `z` and `r` may be the same vector (r is only read until z is written, at the end).
   * @throws InvalidArgumentError when `z` or `r` is not a PVector; PartitionMismatchError when
   * either does not have the own ids of the matrix's rows.
   */
  apply(z: PVector, r: PVector): void {
    expectInstance(z, PVector, 'amg apply: z');
    expectInstance(r, PVector, 'amg apply: r');
    checkSameOwn(z.rows, this.A.rows, 'amg apply: z must have the own ids of A.rows');
    checkSameOwn(r.rows, this.A.rows, 'amg apply: r must have the own ids of A.rows');
    // r is only read (the finest level's right-hand side) until the cycle is over, so z may be r.
    // Pipelined passes read and write only own values: the finest iterate can then be z itself
    // (unless z is r, which the cycle reads to the end), with no copy afterwards.
    const finest = this.cycle[0];
    if (finest.bandwidths !== undefined && z !== r) {
      this.vcycle(0, r, z);
      return;
    }
    finest.x ??= pzeros(this.A.cols);
    this.vcycle(0, r, finest.x);
    copyOwn(z, finest.x);
  }

  /**
   * Recomputes the hierarchy for new values of `A` (collective). For the matrix the hierarchy was
   * built from, refilled in place (`psparseRefill`), the aggregates, patterns and communication
   * plans are kept and only values are recomputed; for another matrix the hierarchy is rebuilt.
   * @throws as {@link amg}.
   * @example
   * ```ts
   * await psparseRefill(A, newValues);
   * M.refresh(A);
   * ```
   */
  refresh(A: PSparseMatrix): void {
    expectInstance(A, PSparseMatrix, 'amg refresh: A');
    if (A !== this.A) {
      this.build(A);
      return;
    }
    for (const { level } of this.cycle) level.refresh();
    this.coarse = this.coarseSolver();
  }

  private build(A: PSparseMatrix): void {
    checkSquare(A);
    const { theta, maxLevels, coarseSize, smoother, smootherSteps, spectralEstimate } = this.options;
    // Pipelined smoothings need the steps of one pass to be finished by the next (no ghost
    // entries) and Chebyshev's recurrence with at least one step after the first. Every level
    // without ghost entries that is coarsened (so not the coarsest) is then pipelined.
    const pipelines = smoother === 'chebyshev' && smootherSteps >= 2 && smootherSteps <= MAX_PIPELINED_STEPS;
    // A coarsest level that is factored never reads its estimate: it keeps Gershgorin's bound.
    const estimateFor = (rows: number, last: boolean): AmgSpectralEstimate =>
      last && rows <= MAX_DIRECT_ROWS ? 'gershgorin' : spectralEstimate;
    const levels = [new AmgLevel(A, 0, estimateFor(A.rows.n, maxLevels === 1 || A.rows.n <= coarseSize))];
    while (levels.length < maxLevels && levels[levels.length - 1].A.rows.n > coarseSize) {
      const fine = levels[levels.length - 1];
      const coarse = fine.coarsen({ theta: theta * THETA_DECAY ** fine.index });
      if (coarse === undefined) break;
      const last = levels.length + 1 === maxLevels || coarse.rows.n <= coarseSize || coarse.rows.n >= fine.A.rows.n;
      levels.push(new AmgLevel(coarse, levels.length, estimateFor(coarse.rows.n, last)));
      if (coarse.rows.n >= fine.A.rows.n) break;
    }
    this.A = A;
    this.cycle = levels.map((level, l) => {
      const last = l === levels.length - 1;
      const pipelined = pipelines && !last && withoutGhostEntries(level.A);
      // A pipelined level's passes need no row scratch, no coarse correction vector (the
      // prolongation reads the coarse iterate in place) and, on the finest level, no iterate:
      // none is formed (their first writes would cost more than the cycle's first pass).
      const partial = pipelined ? undefined : level.A.ownOwn.map((block) => largeArrays.float64(block.nRows));
      // The cycle's residual is free during the smoothings: it holds the smoother's residual then.
      // Only its own values are read: the restriction scatters over P's rows (restriction.ts).
      const residual = last ? undefined : pzeros(level.A.rows);
      const coarseX = last || pipelined ? undefined : pzeros(level.P!.cols);
      return {
        level,
        smoother: new Smoother(level.A, smoother, smootherSteps, level, partial, residual?.ownValues()),
        x: pipelined && l === 0 ? undefined : pzeros(level.A.cols),
        b: l === 0 ? undefined : pzeros(level.A.rows),
        partial,
        residual,
        coarseX,
        restriction: coarseX === undefined ? undefined : new Restriction(level.P!, residual!, coarseX),
        bandwidths: pipelined ? level.bandwidths : undefined,
        splitBandwidths: pipelines && !last && !pipelined ? level.bandwidths : undefined,
      };
    });
    this.coarse = this.coarseSolver();
  }

  private coarseSolver(): CoarseSolver | undefined {
    const coarsest = this.cycle[this.cycle.length - 1].level.A;
    return coarsest.rows.n <= MAX_DIRECT_ROWS ? new CoarseSolver(coarsest) : undefined;
  }

  /**
   * One V-cycle from level l down, for the right-hand side b (own values) of level l, into x (the
   * level's iterate, or for a pipelined level any vector with its own ids).
   */
  private vcycle(l: number, b: PVector, x: PVector): void {
    const here = this.cycle[l];
    const { level, smoother } = here;
    if (l === this.cycle.length - 1) {
      if (this.coarse !== undefined) {
        this.coarse.solve(x, b);
      } else {
        smoother.smooth(x, b, true);
        smoother.smooth(x, b, false);
      }
      return;
    }
    const residual = here.residual!;
    const next = this.cycle[l + 1];
    // Every level below the finest has its iterate.
    const nextX = next.x!;
    if (here.bandwidths !== undefined) {
      // The same operations as below, row by row, in two pipelined passes (smoothers.ts); the
      // restriction scatters over P's rows (the same sums in the same order as R's rows).
      // P's columns are own ids too: the prolongation reads the coarse iterate in place.
      const { pre, post } = smoother.pipelines(x, b, next.b!, nextX);
      for (const values of next.b!.ownValues().localItems) values.fill(0);
      runPipelines(level, here.bandwidths, pre);
      this.vcycle(l + 1, next.b!, nextX);
      runPipelines(level, here.bandwidths, post);
      return;
    }
    const partial = here.partial!;
    const coarseX = here.coarseX!;
    if (here.splitBandwidths !== undefined) {
      // The same passes, each half split around one pipelined sweep of the rows that need no ghost
      // value (split-pipeline.ts); the start runs on every row first, so that its direction's
      // ghost update overlaps the sweep.
      const { pre, post } = smoother.splitPipelines(x, b, coarseX, level.P!, here.splitBandwidths, partial);
      smoother.start(x, b);
      pre.run();
      here.restriction!.run(next.b!);
      this.vcycle(l + 1, next.b!, nextX);
      copyOwn(coarseX, nextX);
      post.run();
      return;
    }
    smoother.smooth(x, b, true);
    // residual = b − A x and x += P·coarseX are fused row passes (no A x or P·coarseX vector);
    // the restriction scatters the residual over P's rows.
    rowPass(CycleMode.RESIDUAL, level.A, x, partial, [residual.ownValues().localItems, b.ownValues().localItems]);
    here.restriction!.run(next.b!);
    this.vcycle(l + 1, next.b!, nextX);
    copyOwn(coarseX, nextX);
    rowPass(CycleMode.ADD, level.P!, coarseX, partial, [x.ownValues().localItems]);
    smoother.smooth(x, b, false);
  }
}

/** Most Chebyshev steps the pipelined smoothings take (a pipeline has at most 16 stages). */
const MAX_PIPELINED_STEPS = 14;

/** Runs each local part's pipeline of a level (no communication: no ghost entries). */
function runPipelines(level: AmgLevel, bandwidths: readonly number[], stages: readonly PipelineStages[]): void {
  const kernels = cycleKernels();
  const A = level.A.ownOwn.localItems;
  const P = level.P!.ownOwn.localItems;
  for (let i = 0; i < A.length; i++) kernels.pipeline(A[i].nRows, bandwidths[i], A[i], P[i], stages[i]);
}

/** dst's own values ← src's own values (same own ids). */
function copyOwn(dst: PVector, src: PVector): void {
  const d = dst.ownValues().localItems;
  const s = src.ownValues().localItems;
  for (let i = 0; i < d.length; i++) d[i].set(s[i]);
}

function checkSquare(A: PSparseMatrix): void {
  expectInstance(A, PSparseMatrix, 'amg: A');
  if (A.rows.n !== A.cols.n) {
    throw new DimensionMismatchError(`amg: the matrix must be square, got ${A.rows.n}×${A.cols.n}`);
  }
  checkSameOwn(A.rows, A.cols, 'amg: A.rows and A.cols must have the same own ids');
}

function checkedOptions(opts: AmgOptions | undefined): Required<AmgOptions> {
  const o = checkOptions(opts, OPTION_NAMES, 'amg');
  const integer = (name: keyof AmgOptions, value: unknown, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      throw new InvalidArgumentError(`amg: option ${name} must be an integer ≥ 1, got ${describeValue(value)}`);
    }
    return value as number;
  };
  if (o.theta !== undefined && !(typeof o.theta === 'number' && o.theta >= 0 && o.theta < 1)) {
    throw new InvalidArgumentError(`amg: option theta must be a number in [0, 1), got ${describeValue(o.theta)}`);
  }
  if (o.smoother !== undefined && o.smoother !== 'jacobi' && o.smoother !== 'chebyshev') {
    throw new InvalidArgumentError(`amg: option smoother must be 'jacobi' or 'chebyshev', got ${describeValue(o.smoother)}`);
  }
  if (o.spectralEstimate !== undefined && !SPECTRAL_ESTIMATES.includes(o.spectralEstimate)) {
    throw new InvalidArgumentError(
      `amg: option spectralEstimate must be one of ${SPECTRAL_ESTIMATES.map((e) => `'${e}'`).join(', ')}, got ${describeValue(o.spectralEstimate)}`,
    );
  }
  return {
    theta: o.theta ?? 0.01,
    maxLevels: integer('maxLevels', o.maxLevels, 10),
    coarseSize: integer('coarseSize', o.coarseSize, 1000),
    smoother: o.smoother ?? 'chebyshev',
    smootherSteps: integer('smootherSteps', o.smootherSteps, 2),
    spectralEstimate: o.spectralEstimate ?? 'lanczos-coarse',
  };
}

/**
 * A smoothed-aggregation algebraic multigrid preconditioner for `A` (collective set-up): one
 * V-cycle per application, for {@link cg} (`{ preconditioner: amg(A) }`) and the other Krylov
 * solvers. The hierarchy depends only on the matrix and its partition, so the same problem on the
 * same partition gives the same iterates on every backend. Set-up is one pass per level over the
 * matrix plus three sparse products; keep the object to reuse the hierarchy across solves and
 * call `refresh(A)` after `psparseRefill`.
 *
 * @param A a square matrix whose rows and columns have the same own ids, with a nonzero diagonal
 * (symmetric positive definite for CG)
 * @param options see {@link AmgOptions}
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix (a `Pending`: call `.wait()`
 * first) or an option is unknown or out of range; DimensionMismatchError when `A` is not square;
 * PartitionMismatchError when `A.rows` and `A.cols` have different own ids (all before any
 * communication); SingularMatrixError (with the part and global row) when a level's matrix has a
 * zero diagonal entry, or on every part when the coarsest matrix is singular.
 * @example
 * ```ts
 * const A = await psparse(I, J, V, rows, cols);
 * const M = amg(A, { smoother: 'chebyshev' });
 * const { iterations } = cg(A, b, { preconditioner: M, rtol: 1e-8 });
 * M.levels;                     // [{ rows: 1000000, nnz: 6940000 }, { rows: ..., nnz: ... }, ...]
 * ```
 * @group Solvers
 */
export function amg(A: PSparseMatrix, options?: AmgOptions): AmgPreconditioner {
  return new AmgPreconditioner(A, options);
}
