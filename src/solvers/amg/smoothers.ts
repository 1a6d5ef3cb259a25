/**
 * The smoothers of the V-cycle: damped Jacobi and Chebyshev (a polynomial in D⁻¹A on
 * `[λmax/ratio, λmax]`, λmax the level's Gershgorin bound). Both are symmetric, so a V-cycle
 * with the same smoother before and after the coarse correction is a symmetric preconditioner.
 * Every step works on own values and ghost-updating SpMVs: no allocation.
 *
 * @module
 */
import { largeArrays } from '../../kernels/large-arrays.js';
import { spmv, type PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { PData } from '../../pdata/pdata.js';
import { pzeros, type PVector } from '../../vectors/pvector.js';

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
  private readonly w: PVector;
  private readonly d: PVector;
  private readonly residual: PData<Float64Array>;

  constructor(
    private readonly A: PSparseMatrix,
    private readonly kind: AmgSmootherName,
    private readonly steps: number,
    private readonly level: { readonly inverseDiagonal: PData<Float64Array>; readonly spectralBound: number },
  ) {
    this.w = pzeros(A.rows);
    this.d = pzeros(A.cols);
    this.residual = A.ownOwn.map((block) => largeArrays.float64(block.nRows));
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
    const ws = this.w.ownValues().localItems;
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
      spmv(this.w, this.A, x);
      for (let i = 0; i < xs.length; i++) {
        const xi = xs[i];
        const bi = bs[i];
        const wi = ws[i];
        const di = inv[i];
        for (let k = 0; k < di.length; k++) xi[k] += omega * di[k] * (bi[k] - wi[k]);
      }
    }
  }

  /** A Chebyshev polynomial of degree `steps` in D⁻¹A (Saad, Iterative Methods, Alg. 12.1). */
  private chebyshev(x: PVector, b: PVector, zeroGuess: boolean): void {
    const upper = this.level.spectralBound;
    const lower = upper / CHEBYSHEV_RATIO;
    const theta = (upper + lower) / 2;
    const delta = (upper - lower) / 2;
    const sigma = theta / delta;
    const inv = this.level.inverseDiagonal.localItems;
    const xs = x.ownValues().localItems;
    const bs = b.ownValues().localItems;
    const ws = this.w.ownValues().localItems;
    const ds = this.d.ownValues().localItems;
    const rs = this.residual.localItems;
    if (!zeroGuess) spmv(this.w, this.A, x);
    for (let i = 0; i < xs.length; i++) {
      const xi = xs[i];
      const bi = bs[i];
      const wi = ws[i];
      const di = inv[i];
      const ri = rs[i];
      const dd = ds[i];
      // Two loops rather than a test per entry: the first step from a zero guess needs no A x.
      if (zeroGuess) {
        for (let k = 0; k < di.length; k++) {
          const r = di[k] * bi[k];
          ri[k] = r;
          dd[k] = r / theta;
          xi[k] = dd[k];
        }
      } else {
        for (let k = 0; k < di.length; k++) {
          const r = di[k] * (bi[k] - wi[k]);
          ri[k] = r;
          dd[k] = r / theta;
          xi[k] += dd[k];
        }
      }
    }
    let rho = 1 / sigma;
    for (let step = 1; step < this.steps; step++) {
      spmv(this.w, this.A, this.d);
      const next = 1 / (2 * sigma - rho);
      const a = next * rho;
      const c = (2 * next) / delta;
      for (let i = 0; i < xs.length; i++) {
        const xi = xs[i];
        const wi = ws[i];
        const di = inv[i];
        const ri = rs[i];
        const dd = ds[i];
        for (let k = 0; k < di.length; k++) {
          ri[k] -= di[k] * wi[k];
          dd[k] = a * dd[k] + c * ri[k];
          xi[k] += dd[k];
        }
      }
      rho = next;
    }
  }
}
