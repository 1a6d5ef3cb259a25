/**
 * One V-cycle of `amg(A)` against the V-cycle written out on dense matrices from the same
 * hierarchy (the levels' matrices and prolongators, gathered): Chebyshev of degree 2 on
 * [λmax/8, λmax] with λmax the level's estimate of ρ(D⁻¹A) (Gershgorin's bound on the finest
 * level, below it the Lanczos estimate, never above Gershgorin's), the residual restricted by Pᵀ, the coarse
 * correction prolongated by P, the coarsest level solved directly. On 1 part the levels run as
 * pipelines, on 2 and 3 parts as split pipelines (split-pipeline.ts, with the start in the sweep
 * and restrictions over P's ghost blocks): every path must compute the same operator, up to
 * rounding.
 */
import { expect, it } from 'vitest';
import { laplacianFdm, psparse, pvector, pzeros, withSequential, type PData } from '../src/index.js';
import type { CsrMatrix } from '../src/kernels/csr.js';
import { amg } from '../src/solvers/amg/amg.js';
import { CHEBYSHEV_RATIO } from '../src/solvers/amg/smoothers.js';
import { centralize } from '../src/sparse/psparse-matrix.js';
import { jacobiData } from './jacobi-reference.js';

const multiply = (M: CsrMatrix, x: Float64Array): Float64Array => {
  const y = new Float64Array(M.nRows);
  for (let i = 0; i < M.nRows; i++) {
    for (let e = M.rowPtr[i]; e < M.rowPtr[i + 1]; e++) y[i] += M.values[e] * x[M.colIdx[e]];
  }
  return y;
};

const multiplyTransposed = (M: CsrMatrix, x: Float64Array): Float64Array => {
  const y = new Float64Array(M.nCols);
  for (let i = 0; i < M.nRows; i++) {
    for (let e = M.rowPtr[i]; e < M.rowPtr[i + 1]; e++) y[M.colIdx[e]] += M.values[e] * x[i];
  }
  return y;
};

/** x = A⁻¹ b by Gaussian elimination with partial pivoting on the dense matrix. */
function solveDense(A: CsrMatrix, b: Float64Array): Float64Array {
  const n = A.nRows;
  const a = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) a[i][A.colIdx[e]] += A.values[e];
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
    [a[k], a[p]] = [a[p], a[k]];
    [x[k], x[p]] = [x[p], x[k]];
    for (let i = k + 1; i < n; i++) {
      const f = a[i][k] / a[k][k];
      for (let j = k; j < n; j++) a[i][j] -= f * a[k][j];
      x[i] -= f * x[k];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = x[k];
    for (let j = k + 1; j < n; j++) s -= a[k][j] * x[j];
    x[k] = s / a[k][k];
  }
  return x;
}

/** The dense V-cycle of the hierarchy (matrices A_l, prolongators P_l, estimates of ρ(D⁻¹A_l)), from a zero guess. */
function referenceCycle(As: CsrMatrix[], Ps: CsrMatrix[], bounds: readonly number[], b: Float64Array, l = 0): Float64Array {
  const A = As[l];
  if (l === As.length - 1) return solveDense(A, b);
  const { inverse } = jacobiData(A);
  const bound = bounds[l];
  const lower = bound / CHEBYSHEV_RATIO;
  const theta = (bound + lower) / 2;
  const delta = (bound - lower) / 2;
  const sigma = theta / delta;
  const x = new Float64Array(A.nRows);
  // Chebyshev of degree 2 (Saad, Alg. 12.1) from x.
  const smooth = (): void => {
    const Ax = multiply(A, x);
    const r = Float64Array.from(b, (bi, i) => inverse[i] * (bi - Ax[i]));
    let d = Float64Array.from(r, (ri) => ri / theta);
    for (let i = 0; i < x.length; i++) x[i] += d[i];
    const rho = 1 / sigma;
    const next = 1 / (2 * sigma - rho);
    const Ad = multiply(A, d);
    for (let i = 0; i < r.length; i++) r[i] -= inverse[i] * Ad[i];
    d = Float64Array.from(d, (di, i) => next * rho * di + ((2 * next) / delta) * r[i]);
    for (let i = 0; i < x.length; i++) x[i] += d[i];
  };
  smooth();
  const Ax = multiply(A, x);
  const residual = Float64Array.from(b, (bi, i) => bi - Ax[i]);
  const correction = multiply(Ps[l], referenceCycle(As, Ps, bounds, multiplyTransposed(Ps[l], residual), l + 1));
  for (let i = 0; i < x.length; i++) x[i] += correction[i];
  smooth();
  return x;
}

it('one V-cycle equals the dense V-cycle of the same hierarchy on 1, 2 and 3 parts (pipelined and split levels)', async () => {
  const n = 12;
  for (const np of [1, 2, 3]) {
    await withSequential(np, (ranks: PData<number>) => {
      const problem = laplacianFdm(ranks, [n, n, n], [1, 1, np]);
      const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
      // A small coarsest size: three levels, the two finer ones smoothed (split on several parts).
      const M = amg(A, { coarseSize: 30 });
      expect(M.levels.length).toBeGreaterThanOrEqual(3);
      const b = pvector(A.rows, (ids) => Array.from(ids.localToGlobal, (g) => Math.sin(0.37 * g) + 0.2));
      const z = pzeros(A.rows);
      M.apply(z, b);
      const global = new Float64Array(n ** 3);
      const bGlobal = new Float64Array(n ** 3);
      A.rows.partition.localItems.forEach((ids, i) => {
        const own = z.ownValues().localItems[i];
        const rhs = b.ownValues().localItems[i];
        for (let k = 0; k < own.length; k++) {
          global[ids.localToGlobal[k]] = own[k];
          bGlobal[ids.localToGlobal[k]] = rhs[k];
        }
      });
      const As = M.matrices.map((L) => centralize(L));
      // The finest level keeps Gershgorin's bound; the coarser ones estimate below it.
      const bounds = M.spectralBounds;
      expect(bounds[0]).toBe(jacobiData(As[0]).gershgorin);
      for (let l = 1; l < As.length; l++) expect(bounds[l]).toBeLessThanOrEqual(jacobiData(As[l]).gershgorin);
      const expected = referenceCycle(As, M.prolongators.map((P) => centralize(P)), bounds, bGlobal);
      let scale = 0;
      let error = 0;
      for (let i = 0; i < expected.length; i++) {
        scale = Math.max(scale, Math.abs(expected[i]));
        error = Math.max(error, Math.abs(expected[i] - global[i]));
      }
      expect(scale).toBeGreaterThan(0);
      expect(error / scale, `${np} parts`).toBeLessThan(1e-12);
    });
  }
});
