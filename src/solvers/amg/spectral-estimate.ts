/**
 * The estimate of ρ(D⁻¹A), the largest eigenvalue of a level's Jacobi-scaled matrix, that the
 * smoothers (Chebyshev's interval [ρ/8, ρ], Jacobi's ω = 4/(3ρ)) and the prolongator's damping
 * (ω = 4/(3ρ)) read.
 *
 * Gershgorin's bound (max over rows of Σ_j |a_ij| / |a_ii|) never underestimates ρ and costs one
 * pass over the matrix, but on the Galerkin operators of the coarser levels it is loose: on the
 * 3-D Poisson problem at n = 100 it gives 2.25 and 2.34 on levels 1 and 2, where 60 power
 * iterations reach 1.26 and 1.20. Chebyshev then damps an interval well above the level's
 * spectrum and the prolongator is smoothed too little. So, as PETSc's GAMG and PyAMG do, a few
 * steps of Lanczos estimate ρ, with a safety margin (PETSc's Chebyshev default, 1.1): the
 * Lanczos values (Ritz values) lie inside the spectrum, so the largest approaches ρ from below.
 * The bound used is min(Gershgorin, 1.1 · Ritz value), and Gershgorin alone when the diagonal is
 * not positive (D⁻¹A is then not self-adjoint in the D-inner product the steps use).
 *
 * D⁻¹A is self-adjoint in the D-inner product for a symmetric A with a positive diagonal, so its
 * Lanczos matrix is that of CG preconditioned by D⁻¹ (see {@link lanczosBound}). The start vector
 * is a function of the global row id only, and every sum is a per-part kernel sum followed by a
 * sum in part order: the same bits on every backend for a given partition.
 *
 * @module
 */
import { getAny, reduction } from '../../pdata/primitives.js';
import { kernels } from '../../kernels/select-kernels.js';
import type { PData } from '../../pdata/pdata.js';
import { OwnRange } from '../../partitions/own-ids.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import { spmv } from '../../sparse/psparse-matrix.js';
import { pzeros } from '../../vectors/pvector.js';
import { partialsBuffer, sumPartials, sumPartialsInto } from '../../vectors/vector-ops.js';

/** Lanczos steps per estimate (PETSc's GAMG estimates with 10 Krylov iterations by default). */
const LANCZOS_STEPS = 10;

/** The largest Ritz value is multiplied by this (PETSc's Chebyshev default, 1.1). */
export const LANCZOS_MARGIN = 1.1;

/** Bisection steps for the tridiagonal's largest eigenvalue: enough to reach the last bit. */
const BISECTION_STEPS = 200;

/**
 * min(`gershgorin`, 1.1 × the largest Ritz value of D⁻¹A after `steps` Lanczos steps), or
 * `gershgorin` when some diagonal entry is not positive or the steps break down (collective: one
 * SpMV and two reductions per step).
 *
 * The steps are those of CG preconditioned by D⁻¹ from a zero guess, whose coefficients give the
 * Lanczos matrix of D⁻¹A (diagonal 1/α_j + β_{j−1}/α_{j−1}, off-diagonal √β_j / α_j): so they run
 * on the kernels the CG solver runs on (native when built), not on JavaScript loops that would be
 * compiled on every level's first pass.
 *
 * @param A the level's matrix (rows and columns with the same own ids)
 * @param inverseDiagonal 1/a_ii per own row (the caller checked every a_ii nonzero and finite)
 * @param gershgorin the level's Gershgorin bound
 * @param steps Lanczos steps (≥ 1; fewer when the matrix has fewer rows or the steps end early)
 * @example `const rho = lanczosBound(A, inverse, 2.25); // 1.1 × 1.22 on the Poisson level 1`
 */
export function lanczosBound(A: PSparseMatrix, inverseDiagonal: PData<Float64Array>, gershgorin: number, steps = LANCZOS_STEPS): number {
  const allPositive = (d: Float64Array): boolean => {
    for (let i = 0; i < d.length; i++) if (!(d[i] > 0)) return false;
    return true;
  };
  const positive = getAny(reduction((a, b) => a && b, inverseDiagonal.map(allPositive), { destination: 'all', init: true }));
  if (!positive) return gershgorin;
  const backend = A.rows.backend;
  const p = pzeros(A.cols);
  const q = pzeros(A.rows);
  const r = pzeros(A.rows);
  // The local parts' arrays, index k the same part in each (as spmv reads them).
  const ps = p.ownValues().localItems;
  const qs = q.ownValues().localItems;
  const rs = r.ownValues().localItems;
  const inverse = inverseDiagonal.localItems;
  const partials = partialsBuffer(backend, 1);
  const pair = new Float64Array(2);
  const pairPartials = partialsBuffer(backend, 2);
  const sums = new Float64Array(2);
  // A start vector that depends on the global id only, with no structure a stencil preserves:
  // values in [0.5, 1.5) from a multiplicative hash of the id (integer operations only).
  A.rows.partition.localItems.forEach((ids, k) => {
    const own = rs[k];
    const first = ids.own instanceof OwnRange ? ids.own.first : -1;
    for (let i = 0; i < own.length; i++) {
      const gid = first >= 0 ? first + i : ids.own.at(i);
      own[i] = 0.5 + (Math.imul(gid + 1, 0x9e3779b1) >>> 0) / 4294967296;
    }
  });
  for (let k = 0; k < ps.length; k++) {
    kernels.cgDirectionJacobi(ps[k].length, 0, rs[k], inverse[k], ps[k]);
    partials[k] = kernels.dot(rs[k].length, rs[k], ps[k]);
  }
  let rz = sumPartials(backend);
  const diagonal: number[] = [];
  const offDiagonal: number[] = [];
  let previous = 0;
  const n = Math.min(steps, A.rows.n);
  for (let j = 0; j < n && rz > 0 && Number.isFinite(rz); j++) {
    spmv(q, A, p);
    for (let k = 0; k < ps.length; k++) partials[k] = kernels.dot(ps[k].length, ps[k], qs[k]);
    const pq = sumPartials(backend);
    if (!(pq > 0 && Number.isFinite(pq))) return gershgorin;
    const alpha = rz / pq;
    diagonal.push(1 / alpha + previous);
    if (j === n - 1) break;
    for (let k = 0; k < rs.length; k++) {
      kernels.cgResidualJacobi(rs[k].length, alpha, qs[k], rs[k], inverse[k], pair);
      pairPartials[2 * k] = pair[0];
      pairPartials[2 * k + 1] = pair[1];
    }
    sumPartialsInto(backend, sums);
    const rzNext = sums[0];
    // An exact end (the residual vanished): the matrix so far holds the Ritz values.
    if (!(rzNext > 1e-30 * rz)) break;
    const beta = rzNext / rz;
    offDiagonal.push(Math.sqrt(beta) / alpha);
    previous = beta / alpha;
    for (let k = 0; k < ps.length; k++) kernels.cgDirectionJacobi(ps[k].length, beta, rs[k], inverse[k], ps[k]);
    rz = rzNext;
  }
  // Every exit from the loop leaves one off-diagonal entry fewer than diagonal ones.
  const ritz = largestEigenvalue(diagonal, offDiagonal);
  return Number.isFinite(ritz) && ritz > 0 ? Math.min(gershgorin, LANCZOS_MARGIN * ritz) : gershgorin;
}

/**
 * The largest eigenvalue of the symmetric tridiagonal matrix with diagonal `alphas` and
 * off-diagonal `betas` (one fewer), by bisection on Sturm counts: deterministic, to the last bits;
 * NaN for an empty matrix.
 * @example `largestEigenvalue([2, 2], [-1]); // 3`
 */
export function largestEigenvalue(alphas: readonly number[], betas: readonly number[]): number {
  const m = alphas.length;
  if (m === 0) return Number.NaN;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const radius = (i > 0 ? Math.abs(betas[i - 1]) : 0) + (i < m - 1 ? Math.abs(betas[i]) : 0);
    lo = Math.min(lo, alphas[i] - radius);
    hi = Math.max(hi, alphas[i] + radius);
  }
  // Eigenvalues below x: the negative pivots of T − xI's LDLᵀ.
  const below = (x: number): number => {
    let count = 0;
    let q = 1;
    for (let i = 0; i < m; i++) {
      q = alphas[i] - x - (i > 0 ? (betas[i - 1] * betas[i - 1]) / q : 0);
      if (q === 0) q = -Number.MIN_VALUE;
      if (q < 0) count++;
    }
    return count;
  };
  for (let k = 0; k < BISECTION_STEPS && lo < hi; k++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (below(mid) < m) lo = mid;
    else hi = mid;
  }
  return hi;
}
