import assert from 'node:assert/strict';
import { InvalidArgumentError, laplacianFdm, uniformPartition, type PData } from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { amg } from '../../src/solvers/amg/amg.js';
import { AmgLevel } from '../../src/solvers/amg/level.js';
import { LANCZOS_MARGIN, lanczosBound } from '../../src/solvers/amg/spectral-estimate.js';
import { psparse } from '../../src/sparse/psparse.js';
import { centralize, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import { jacobiData } from '../jacobi-reference.js';

/**
 * The bilinear-element stencil on an m×m grid (Dirichlet boundary): `diagonal` on the diagonal and
 * −diagonal/8 to each of a row's up to 8 neighbours. With diagonal 8/3 (the element Laplacian's),
 * D⁻¹A = I − N/8 with N the 8-neighbour adjacency, N = (T + I)⊗(T + I) − I for the path's T, so
 * ρ(D⁻¹A) = 1 + cos²(π/(m+1))/2, while Gershgorin's bound is 2.
 */
async function bilinearStencil(ranks: PData<number>, m: number, diagonal = 8 / 3): Promise<PSparseMatrix> {
  const rows = uniformPartition(ranks, m * m);
  const triplets = rows.partition.map((ids) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    for (const g of ids.localToGlobal.subarray(0, ids.nOwn)) {
      const [x, y] = [g % m, Math.floor(g / m)];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (x + dx < 0 || x + dx >= m || y + dy < 0 || y + dy >= m) continue;
          I.push(g);
          J.push(x + dx + m * (y + dy));
          V.push(dx === 0 && dy === 0 ? diagonal : -diagonal / 8);
        }
      }
    }
    return { I, J, V };
  });
  return psparse(triplets.map((t) => t.I), triplets.map((t) => t.J), triplets.map((t) => t.V), rows, rows);
}

const exactRho = (m: number): number => 1 + Math.cos(Math.PI / (m + 1)) ** 2 / 2;

/** Gershgorin's bound of a gathered matrix: max_i Σ_j |a_ij| / |a_ii|. */
const gershgorin = (A: CsrMatrix): number => jacobiData(A).gershgorin;

/**
 * With at least as many steps as rows, Lanczos finds ρ(D⁻¹A) itself: on the 3×3 bilinear stencil
 * (9 rows, ρ = 1.25, Gershgorin 2) the estimate is 1.1 × 1.25 on every part count; with fewer
 * steps than rows (5×5: ρ = 1.375) it lies in [ρ, 1.1ρ] (the Ritz value within 10 % of ρ).
 */
export async function lanczosFindsTheSpectralRadius(ranks: PData<number>): Promise<void> {
  const small = await bilinearStencil(ranks, 3);
  const level = new AmgLevel(small, 0, 'lanczos');
  assert.equal(level.spectralBound, lanczosBound(small, level.inverseDiagonal, 2));
  const expected = LANCZOS_MARGIN * exactRho(3);
  assert.ok(Math.abs(level.spectralBound - expected) < 1e-12 * expected, `${level.spectralBound} against ${expected}`);
  const larger = await bilinearStencil(ranks, 5);
  const estimate = new AmgLevel(larger, 0, 'lanczos').spectralBound;
  assert.ok(estimate >= exactRho(5) && estimate <= LANCZOS_MARGIN * exactRho(5) * (1 + 1e-12), `${estimate} against ρ = ${exactRho(5)}`);
  // Gershgorin's bound caps the estimate, and alone is what 'gershgorin' gives (2 up to rounding).
  const plain = new AmgLevel(larger, 0, 'gershgorin');
  assert.equal(lanczosBound(larger, plain.inverseDiagonal, 1.2), 1.2);
  assert.ok(Math.abs(plain.spectralBound - 2) < 1e-15, `${plain.spectralBound}`);
}

/** A negative diagonal (D⁻¹A not self-adjoint in a D-inner product): Gershgorin's bound, unchanged. */
export async function lanczosFallsBackWithoutAPositiveDiagonal(ranks: PData<number>): Promise<void> {
  const negative = await bilinearStencil(ranks, 4, -8 / 3);
  const level = new AmgLevel(negative, 0, 'gershgorin');
  assert.equal(lanczosBound(negative, level.inverseDiagonal, 2.5), 2.5);
  assert.equal(new AmgLevel(negative, 0, 'lanczos').spectralBound, level.spectralBound);
}

/**
 * The option: 'gershgorin' gives every level Gershgorin's bound; the default ('lanczos-coarse')
 * keeps it on the finest level and estimates below it, never above it; 'lanczos' estimates the
 * finest level too (on the bilinear stencil, below Gershgorin's 2). A bad value is refused before
 * any communication.
 */
export async function amgSpectralEstimateOption(ranks: PData<number>): Promise<void> {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [12, 12, 12], [1, 1, ranks.np]);
  const A = await psparse(I, J, V, rows, cols);
  const plain = amg(A, { spectralEstimate: 'gershgorin', coarseSize: 30 });
  const matrices = plain.matrices.map((M) => centralize(M));
  // The kernel sums a row's own entries, then its ghost ones; the gathered row is in column order.
  plain.spectralBounds.forEach((bound, l) => {
    const expected = gershgorin(matrices[l]);
    assert.ok(Math.abs(bound - expected) <= 1e-14 * expected, `level ${l}: ${bound} against ${expected}`);
  });
  const coarse = amg(A, { coarseSize: 30 });
  const bounds = coarse.spectralBounds;
  assert.ok(bounds.length >= 3);
  assert.equal(bounds[0], gershgorin(centralize(A)));
  // Never above Gershgorin's bound (up to its summation order); well below it on level 1.
  coarse.matrices.forEach((M, l) => {
    if (l > 0) assert.ok(bounds[l] <= gershgorin(centralize(M)) * (1 + 1e-14), `level ${l}: ${bounds[l]}`);
  });
  assert.ok(bounds[1] < 0.8 * gershgorin(centralize(coarse.matrices[1])), `level 1: ${bounds[1]}`);
  const stencil = await bilinearStencil(ranks, 30);
  const finest = amg(stencil, { spectralEstimate: 'lanczos' }).spectralBounds[0];
  assert.ok(finest < 2 && finest >= exactRho(30), `finest level: ${finest}`);
  assert.throws(() => amg(A, { spectralEstimate: 'power' as never }), InvalidArgumentError);
}
