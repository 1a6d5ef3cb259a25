/**
 * The smoothers of the V-cycle: damped Jacobi and Chebyshev (a polynomial in D⁻¹A on
 * `[λmax/ratio, λmax]`, λmax the level's estimate of ρ(D⁻¹A), level.ts). Both are symmetric, so a
 * V-cycle with the same smoother before and after the coarse correction is a symmetric
 * preconditioner. Every step works on own values and ghost-updating products; Chebyshev's steps are fused row
 * passes (cycle-kernels.ts).
 *
 * @module
 */
import { largeArrays } from '../../kernels/large-arrays.js';
import { spmv, type PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { PData } from '../../pdata/pdata.js';
import { pzeros, type PVector } from '../../vectors/pvector.js';
import { CycleMode, cycleKernels, PIPELINE_RESTRICT, PIPELINE_START, type PipelineStages } from './cycle-kernels.js';
import { rowPass } from './row-pass.js';
import { SplitPipeline, type SplitStage } from './split-pipeline.js';

/**
 * The smoothers `amg` offers (its `smoother` option): `'chebyshev'`, a Chebyshev polynomial in
 * D⁻¹A, or `'jacobi'`, damped Jacobi.
 * @example `amg(A, { smoother: 'jacobi' satisfies AmgSmootherName })`
 * @group Solvers
 */
export type AmgSmootherName = 'jacobi' | 'chebyshev';

/**
 * Ratio λmax/λmin of the interval the Chebyshev smoother damps (the upper part of the spectrum).
 * Measured on the 3-D Poisson problem with degree 2: 8 gives 11 and 14 CG iterations at n = 50
 * and 100, where 20 gives 14 and 16 and 30 gives 16 at n = 50.
 */
export const CHEBYSHEV_RATIO = 8;

/** One level's smoother: `smooth(x, b, zeroGuess)` improves x (on A.cols) for A x = b (own values). */
export class Smoother {
  /** Jacobi's A x (own values). */
  private readonly w: PVector | undefined;
  /** Chebyshev's directions, in turn the input (on A.cols: its ghosts) and the output of a step. */
  private readonly directions: readonly [PVector, PVector] | undefined;
  private readonly residual: PData<Float64Array>;
  /**
   * The own-block sums of rows with ghost entries, between the two phases of a pass (formed on
   * the first {@link Smoother.smooth}: a level smoothed only by pipelines never needs it).
   */
  private partial: PData<Float64Array> | undefined;
  /** The split pipelines of the last call, and what they were built from. */
  private splitCache:
    | { x: PVector; b: PVector; inverse: PData<Float64Array>; bound: number; pipelines: { pre: SplitPipeline; post: SplitPipeline } }
    | undefined;
  /** The own values of the vectors of the last call, and what they were taken from. */
  private views: { x: PVector; b: PVector; inverse: PData<Float64Array>; own: SmootherViews } | undefined;
  /** The pipelines of the last call, and what they were built from. */
  private pipelineCache:
    | { x: PVector; b: PVector; inverse: PData<Float64Array>; bound: number; pipelines: SmoothingPipelines }
    | undefined;

  constructor(
    private readonly A: PSparseMatrix,
    private readonly kind: AmgSmootherName,
    private readonly steps: number,
    private readonly level: { readonly inverseDiagonal: PData<Float64Array>; readonly spectralBound: number },
    partial: PData<Float64Array> | undefined,
    lent?: PData<Float64Array>,
  ) {
    this.partial = partial;
    // `lent`: own values the caller uses only between smoothings (the cycle's residual), so they
    // can hold Chebyshev's residual during one: one vector of memory fewer per level.
    this.residual = lent ?? A.ownOwn.map((block) => largeArrays.float64(block.nRows));
    if (kind === 'jacobi') this.w = pzeros(A.rows);
    else this.directions = [pzeros(A.cols), pzeros(A.cols)];
  }

  /** The row passes' scratch, formed on first use. */
  private rowScratch(): PData<Float64Array> {
    this.partial ??= this.A.ownOwn.map((block) => largeArrays.float64(block.nRows));
    return this.partial;
  }

  /** Improves `x` (own values; its ghosts are refreshed by the SpMVs) towards A x = b. */
  smooth(x: PVector, b: PVector, zeroGuess: boolean): void {
    if (this.kind === 'jacobi') this.jacobi(x, b, zeroGuess);
    else this.chebyshev(x, b, zeroGuess);
  }

  /** `steps` sweeps of x ← x + ω D⁻¹ (b − A x), ω = 4 / (3 λmax). */
  private jacobi(x: PVector, b: PVector, zeroGuess: boolean): void {
    const omega = 4 / (3 * this.level.spectralBound);
    const inv = this.level.inverseDiagonal.localItems;
    const xs = x.ownValues().localItems;
    const bs = b.ownValues().localItems;
    const w = this.w!;
    const ws = w.ownValues().localItems;
    for (let step = 0; step < this.steps; step++) {
      if (step === 0 && zeroGuess) {
        for (let i = 0; i < xs.length; i++) {
          const xi = xs[i];
          const bi = bs[i];
          const di = inv[i];
          for (let k = 0; k < di.length; k++) xi[k] = omega * di[k] * bi[k];
        }
        continue;
      }
      spmv(w, this.A, x);
      for (let i = 0; i < xs.length; i++) {
        const xi = xs[i];
        const bi = bs[i];
        const wi = ws[i];
        const di = inv[i];
        for (let k = 0; k < di.length; k++) xi[k] += omega * di[k] * (bi[k] - wi[k]);
      }
    }
  }

  /**
   * The smoothings of a V-cycle on a level whose matrices have no ghost entries on any part, as
   * pipelined passes (cycle-kernels.ts), per local part: `pre`, Chebyshev from a zero guess, the
   * residual r = b − A x into the residual vector lent to this smoother and the restriction
   * coarseB += Pᵀr (coarseB zero before); `post`, the
   * prolongated correction x += P·coarseX and then Chebyshev from that guess. Row by row the same
   * operations as {@link Smoother.smooth} and the cycle's row passes, so the same bits. Kept while
   * the vectors and the level's data are the same (the finest level's b is apply's r; coarseB
   * and coarseX, the next level's right-hand side and iterate, are the same at every call).
   * Chebyshev of degree ≥ 2 only.
   */
  pipelines(x: PVector, b: PVector, coarseB: PVector, coarseX: PVector): SmoothingPipelines {
    const { inverseDiagonal: inverse, spectralBound: bound } = this.level;
    const known = this.pipelineCache;
    if (known !== undefined && known.x === x && known.b === b && known.inverse === inverse && known.bound === bound) {
      return known.pipelines;
    }
    const { theta, delta, sigma } = chebyshevInterval(bound);
    const [d0, d1] = this.directions!.map((d) => d.ownValues().localItems);
    const own = this.ownViews(x, b);
    // Without ghost entries every column of a pass is an own id: u is read through own values.
    const coarse = coarseX.ownValues().localItems;
    const coarseRhs = coarseB.ownValues().localItems;
    const none = new Float64Array(0);
    const pre: PipelineStages[] = [];
    const post: PipelineStages[] = [];
    for (let i = 0; i < own.x.length; i++) {
      const [xs, bs, inv, rs] = [own.x[i], own.b[i], own.inverse[i], own.residual[i]];
      const d = [d0[i], d1[i]];
      // The Chebyshev steps after the first: d' = alpha d + beta r into the other direction.
      const steps = (firstMode: number): [number[], number[], Float64Array[]] => {
        const modes: number[] = [];
        const scalars: number[] = [];
        const vectors: Float64Array[] = [];
        let rho = 1 / sigma;
        let current = 0;
        for (let step = 1; step < this.steps; step++) {
          const next = 1 / (2 * sigma - rho);
          modes.push(step === 1 ? firstMode : CycleMode.CHEBYSHEV_STEP);
          scalars.push(next * rho, (2 * next) / delta);
          // The last step's d' is read by no later stage and its r by none either (the residual
          // pass or the next smoothing rewrites r): d' goes to r's array, written after r.
          const into = step === this.steps - 1 ? rs : d[1 - current];
          vectors.push(d[current], rs, into, xs, inv, d[current]);
          current = 1 - current;
          rho = next;
        }
        return [modes, scalars, vectors];
      };
      const [preModes, preScalars, preVectors] = steps(CycleMode.CHEBYSHEV_STEP);
      pre.push({
        modes: Int32Array.from([PIPELINE_START, ...preModes, CycleMode.RESIDUAL, PIPELINE_RESTRICT]),
        scalars: Float64Array.from([theta, 0, ...preScalars, 0, 0, 0, 0]),
        vectors: [none, rs, d[0], xs, inv, bs, ...preVectors, xs, rs, bs, none, none, none, none, coarseRhs[i], rs, none, none, none],
      });
      const [postModes, postScalars, postVectors] = steps(CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS);
      post.push({
        modes: Int32Array.from([CycleMode.ADD, CycleMode.CHEBYSHEV_FIRST, ...postModes]),
        scalars: Float64Array.from([0, 0, theta, 0, ...postScalars]),
        vectors: [coarse[i], xs, none, none, none, none, xs, rs, d[0], bs, inv, none, ...postVectors],
      });
    }
    const pipelines = { pre, post };
    this.pipelineCache = { x, b, inverse, bound, pipelines };
    return pipelines;
  }

  /**
   * The smoothings of a V-cycle on a level with ghost entries (Chebyshev of degree ≥ 2), each half
   * split around one pipelined sweep (split-pipeline.ts): `pre`, Chebyshev's start (on the rows
   * other parts hold as ghosts run by {@link Smoother.start}, on the others in the sweep), the steps
   * after it and the residual into the residual
   * vector lent to this smoother; `post`, the prolongated correction x += P·coarseX (coarseX on
   * P's columns) and Chebyshev from that guess. The same rows computed the same way as
   * {@link Smoother.smooth} and the cycle's row passes, so the same bits. Kept while the vectors
   * and the level's data are the same.
   */
  splitPipelines(
    x: PVector, b: PVector, coarseX: PVector, P: PSparseMatrix, bandwidths: readonly number[], partial: PData<Float64Array>,
  ): { pre: SplitPipeline; post: SplitPipeline } {
    const { inverseDiagonal: inverse, spectralBound: bound } = this.level;
    const known = this.splitCache;
    if (known !== undefined && known.x === x && known.b === b && known.inverse === inverse && known.bound === bound) {
      return known.pipelines;
    }
    const { theta, delta, sigma } = chebyshevInterval(bound);
    const own = this.ownViews(x, b);
    const directions = this.directions!;
    const [d0, d1] = own.directions;
    const d = [d0, d1];
    // The Chebyshev steps after the first: d' = alpha d + beta r into the other direction.
    const steps = (firstMode: CycleMode): SplitStage[] => {
      const out: SplitStage[] = [];
      let rho = 1 / sigma;
      let current = 0;
      for (let step = 1; step < this.steps; step++) {
        const next = 1 / (2 * sigma - rho);
        // The last step's d' is read by no later pass: it goes to r's array, written after r.
        const into = step === this.steps - 1 ? own.residual : d[1 - current];
        out.push({
          mode: step === 1 ? firstMode : CycleMode.CHEBYSHEV_STEP, input: directions[current],
          alpha: next * rho, beta: (2 * next) / delta, vectors: [own.residual, into, own.x, own.inverse, d[current]],
        });
        current = 1 - current;
        rho = next;
      }
      return out;
    };
    const pre: SplitStage[] = [
      ...steps(CycleMode.CHEBYSHEV_STEP),
      { mode: CycleMode.RESIDUAL, input: x, alpha: 0, beta: 0, vectors: [own.residual, own.b] },
    ];
    const post: SplitStage[] = [
      { mode: CycleMode.ADD, input: coarseX, alpha: 0, beta: 0, vectors: [own.x] },
      { mode: CycleMode.CHEBYSHEV_FIRST, input: x, alpha: theta, beta: 0, vectors: [own.residual, d0, own.b, own.inverse] },
      ...steps(CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS),
    ];
    // The start, which needs no product, runs in the pre sweep but for the rows other parts read.
    const start = { theta, b: own.b, inverse: own.inverse, r: own.residual, d: d0, x: own.x };
    const pipelines = {
      pre: new SplitPipeline(this.A, P, bandwidths, pre, partial, start),
      post: new SplitPipeline(this.A, P, bandwidths, post, partial),
    };
    this.splitCache = { x, b, inverse, bound, pipelines };
    return pipelines;
  }

  /**
   * Chebyshev's first step from a zero guess: r = D⁻¹b, d = r / θ, x = d, on every row; or, when
   * the last {@link Smoother.splitPipelines} were built for x and b, only on the rows other parts
   * hold as ghosts of d: the `pre` pipeline, which must run next, starts the others in its sweep.
   */
  start(x: PVector, b: PVector): void {
    const split = this.splitCache;
    if (split !== undefined && split.x === x && split.b === b && split.inverse === this.level.inverseDiagonal && split.bound === this.level.spectralBound) {
      split.pipelines.pre.runStartEdges();
      return;
    }
    const { theta } = chebyshevInterval(this.level.spectralBound);
    const own = this.ownViews(x, b);
    const kernels = cycleKernels();
    const ds = own.directions[0];
    for (let i = 0; i < own.x.length; i++) {
      kernels.chebyshevStart(own.inverse[i].length, own.b[i], own.inverse[i], theta, own.residual[i], ds[i], own.x[i]);
    }
  }

  /** The own values of x, b, D⁻¹, the residual and the directions (kept while the vectors are the same). */
  private ownViews(x: PVector, b: PVector): SmootherViews {
    const inverse = this.level.inverseDiagonal;
    const known = this.views;
    if (known !== undefined && known.x === x && known.b === b && known.inverse === inverse) return known.own;
    const [d0, d1] = this.directions!;
    const own: SmootherViews = {
      x: x.ownValues().localItems,
      b: b.ownValues().localItems,
      inverse: inverse.localItems,
      residual: this.residual.localItems,
      directions: [d0.ownValues().localItems, d1.ownValues().localItems],
    };
    this.views = { x, b, inverse, own };
    return own;
  }

  /**
   * A Chebyshev polynomial of degree `steps` in D⁻¹A (Saad, Iterative Methods, Alg. 12.1). Each
   * step after the first is one fused pass (cycle-kernels.ts): w = A d, r ← r − D⁻¹w,
   * d' = a d + c r, x ← x + d'. The directions alternate between two vectors, as the pass reads
   * d (and its ghosts) while it writes d'; from a nonzero guess the first step's d is added to x
   * by the second step (x is that step's input's neighbour, not its input, so it can be written).
   */
  private chebyshev(x: PVector, b: PVector, zeroGuess: boolean): void {
    const { theta, delta, sigma } = chebyshevInterval(this.level.spectralBound);
    const own = this.ownViews(x, b);
    const directions = this.directions!;
    const { x: xs, b: bs, inverse: inv, residual: rs } = own;
    let current = 0;
    let pending = false;
    if (zeroGuess) {
      // The first step from a zero guess needs no A x: r = D⁻¹b, d = r / θ, x = d.
      const kernels = cycleKernels();
      const ds = own.directions[0];
      for (let i = 0; i < xs.length; i++) kernels.chebyshevStart(inv[i].length, bs[i], inv[i], theta, rs[i], ds[i], xs[i]);
    } else {
      rowPass(CycleMode.CHEBYSHEV_FIRST, this.A, x, this.rowScratch(), [rs, own.directions[0], bs, inv], theta);
      pending = true;
    }
    let rho = 1 / sigma;
    for (let step = 1; step < this.steps; step++) {
      const next = 1 / (2 * sigma - rho);
      const mode = pending ? CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS : CycleMode.CHEBYSHEV_STEP;
      const vectors = [rs, own.directions[1 - current], xs, inv, own.directions[current]];
      rowPass(mode, this.A, directions[current], this.rowScratch(), vectors, next * rho, (2 * next) / delta);
      pending = false;
      current = 1 - current;
      rho = next;
    }
    if (pending) {
      // Degree 1 from a nonzero guess: the first step's d still goes into x.
      const ds = own.directions[current];
      for (let i = 0; i < xs.length; i++) {
        const xi = xs[i];
        const dd = ds[i];
        for (let k = 0; k < xi.length; k++) xi[k] += dd[k];
      }
    }
  }
}

/** Chebyshev's centre θ and half-width δ of [λmax/ratio, λmax], and σ = θ/δ. */
function chebyshevInterval(upper: number): { theta: number; delta: number; sigma: number } {
  const lower = upper / CHEBYSHEV_RATIO;
  const theta = (upper + lower) / 2;
  const delta = (upper - lower) / 2;
  return { theta, delta, sigma: theta / delta };
}

/** A level's pipelined smoothings, per local part (see {@link Smoother.pipelines}). */
export interface SmoothingPipelines {
  readonly pre: readonly PipelineStages[];
  readonly post: readonly PipelineStages[];
}

/** Per local part, the own values a Chebyshev smoothing reads and writes. */
interface SmootherViews {
  readonly x: readonly Float64Array[];
  readonly b: readonly Float64Array[];
  readonly inverse: readonly Float64Array[];
  readonly residual: readonly Float64Array[];
  readonly directions: readonly [readonly Float64Array[], readonly Float64Array[]];
}
