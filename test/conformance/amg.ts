import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cg,
  DimensionMismatchError,
  gather,
  getAny,
  InvalidArgumentError,
  laplacianFdm,
  pfill,
  SingularMatrixError,
  uniformPartition,
  type PData,
} from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { amg } from '../../src/solvers/amg/amg.js';
import { psparse, psparseRefill } from '../../src/sparse/psparse.js';
import { centralize, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';

/** Where {@link amgCgConvergesOnPoisson} records its iterates for the cross-backend comparison. */
export const AMG_RESULTS_VARIABLE = 'PA_AMG_RESULTS_DIR';

function dense(csr: CsrMatrix): Float64Array[] {
  const out = Array.from({ length: csr.nRows }, () => new Float64Array(csr.nCols));
  for (let i = 0; i < csr.nRows; i++) {
    for (let e = csr.rowPtr[i]; e < csr.rowPtr[i + 1]; e++) out[i][csr.colIdx[e]] += csr.values[e];
  }
  return out;
}

function product(a: Float64Array[], b: Float64Array[]): Float64Array[] {
  return a.map((row) => {
    const out = new Float64Array(b[0].length);
    row.forEach((x, k) => {
      if (x !== 0) b[k].forEach((y, j) => (out[j] += x * y));
    });
    return out;
  });
}

/** The stored columns of each global row, as sorted global ids. */
function patternOf(M: PSparseMatrix): number[][] {
  const c = centralize(M);
  return Array.from({ length: c.nRows }, (_, i) => Array.from(c.colIdx.subarray(c.rowPtr[i], c.rowPtr[i + 1])));
}

/**
 * The hierarchy of a small 2-D Laplacian: coarse sizes shrink; aggregates stay on their part;
 * P has the pattern of A·P0 (row i: the aggregates of i's neighbours); R = Pᵀ; each coarse matrix
 * is the dense triple product RAP. Typed errors: bad options, a non-square matrix, a zero
 * diagonal, a singular coarsest matrix (on every part).
 */
export async function amgHierarchyIsGalerkin(ranks: PData<number>): Promise<void> {
  const np = ranks.np;
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [12, 12], [1, np]);
  const A = await psparse(I, J, V, rows, cols);
  const M = amg(A, { coarseSize: 10 });
  const sizes = M.levels.map((l) => l.rows);
  assert.ok(sizes.length >= 3, `levels ${sizes}`);
  for (let l = 1; l < sizes.length; l++) assert.ok(sizes[l] < sizes[l - 1], `coarse sizes shrink: ${sizes}`);
  assert.ok(sizes[sizes.length - 1] <= 10);

  const matrices = M.matrices;
  const [P, R] = [M.prolongators, M.restrictions];
  assert.equal(P.length, matrices.length - 1);
  for (let l = 0; l < P.length; l++) {
    const [p, r, a, coarse] = [dense(centralize(P[l])), dense(centralize(R[l])), dense(centralize(matrices[l])), dense(centralize(matrices[l + 1]))];
    p.forEach((row, i) => row.forEach((x, j) => assert.equal(r[j][i], x, `R = Pᵀ at level ${l}`)));
    const rap = product(product(r, a), p);
    rap.forEach((row, i) =>
      row.forEach((x, j) => assert.ok(Math.abs(x - coarse[i][j]) <= 1e-12 * (1 + Math.abs(x)), `RAP (${i}, ${j}) at level ${l}`)),
    );
  }

  // One V-cycle in place (z = r: on one part the finest level then forms its own iterate) has the
  // bits of one into another vector, and is not the identity.
  const r = pfill(1, A.rows);
  const z = pfill(0, A.rows);
  M.apply(z, r);
  M.apply(r, r);
  const [zs, rs] = [z.ownValues().localItems, r.ownValues().localItems];
  zs.forEach((values, i) => assert.deepEqual(Array.from(rs[i]), Array.from(values), 'apply(r, r) = apply(z, r)'));
  assert.ok(zs.some((values) => values.some((x) => x !== 1)), 'the cycle changed r');

  // A refresh after values changed (a heavier diagonal changes D⁻¹A, so P) rewrites the
  // restrictions held here in place: still Pᵀ (R is formed again when the set-up dropped it).
  const heavier = V.map((v, p) => Array.from(v, (x, k) => (I.localItems[ranks.partIds.indexOf(p)][k] === J.localItems[ranks.partIds.indexOf(p)][k] ? 1.5 * x : x)));
  const B = await psparse(I, J, V, rows, cols);
  const N = amg(B, { coarseSize: 10 });
  const [heldP, heldR] = [N.prolongators, N.restrictions];
  const before = dense(centralize(heldR[0]));
  await psparseRefill(B, heavier);
  N.refresh(B);
  const after = dense(centralize(heldR[0]));
  assert.ok(after.some((row, i) => row.some((x, j) => x !== before[i][j])), 'the refresh changed R');
  for (let l = 0; l < heldP.length; l++) {
    const [p, r] = [dense(centralize(heldP[l])), dense(centralize(heldR[l]))];
    p.forEach((row, i) => row.forEach((x, j) => assert.equal(r[j][i], x, `R = Pᵀ after refresh at level ${l}`)));
  }

  // Level 0's aggregates, as a global map fine row → coarse id (aggregates are own: coarse id = own coarse id of the part).
  const local = M.aggregates[0];
  const coarseOfPart = P[0].cols.partition.localItems;
  const fineIds = rows.partition.localItems;
  const pieces = ranks.map((p) => {
    const i = ranks.partIds.indexOf(p);
    return Array.from(local[i], (a, k) => [fineIds[i].own.at(k), a < 0 ? -1 : coarseOfPart[i].own.at(a)]);
  });
  const coarseOf = new Map(getAny(gather(pieces, { destination: 'all' })).flat().map(([g, c]) => [g, c]));
  const aPattern = patternOf(A);
  const pPattern = patternOf(P[0]);
  aPattern.forEach((neighbours, i) => {
    const expected = [...new Set(neighbours.map((k) => coarseOf.get(k)!).filter((c) => c >= 0))].sort((x, y) => x - y);
    assert.deepEqual(pPattern[i], expected, `P row ${i} has the aggregates of its neighbours`);
  });

  assert.throws(() => amg(A, { theta: 2 }), InvalidArgumentError);
  assert.throws(() => amg(A, { smoother: 'gauss' as never }), InvalidArgumentError);
  assert.throws(() => amg(A, { levels: 3 } as never), InvalidArgumentError);
  assert.throws(() => amg(A, { maxLevels: 0 }), InvalidArgumentError);
  const wide = await psparse(ranks.map(() => []), ranks.map(() => []), ranks.map(() => []), rows, uniformPartition(ranks, 150));
  assert.throws(() => amg(wide), DimensionMismatchError);

  // Row 5's diagonal is zero: every part throws, naming the row.
  const zeroed = await psparse(I, J, V.map((v, p) => Array.from(v, (x, k) => (I.localItems[ranks.partIds.indexOf(p)][k] === 5 && x > 0 ? 0 : x))), rows, cols);
  assert.throws(() => amg(zeroed), (e: unknown) => e instanceof SingularMatrixError && e.row === 5);

  // The 1-D Neumann Laplacian is singular: with one level the coarsest matrix is A itself.
  const n1 = 8;
  const rows1 = uniformPartition(ranks, n1);
  const triplets = ranks.map((p) => {
    const t: [number, number, number][] = [];
    for (let i = 0; i < n1; i++) {
      if (i % np !== p) continue;
      const degree = (i > 0 ? 1 : 0) + (i < n1 - 1 ? 1 : 0);
      t.push([i, i, degree]);
      if (i > 0) t.push([i, i - 1, -1]);
      if (i < n1 - 1) t.push([i, i + 1, -1]);
    }
    return t;
  });
  const neumann = await psparse(
    triplets.map((t) => t.map((e) => e[0])),
    triplets.map((t) => t.map((e) => e[1])),
    triplets.map((t) => t.map((e) => e[2])),
    rows1,
    rows1,
  );
  assert.throws(() => amg(neumann, { coarseSize: 100 }), (e: unknown) => e instanceof SingularMatrixError && typeof e.row === 'number');
}

/**
 * AMG-preconditioned CG on the 3-D Poisson problem (20³ unknowns): at most 15 iterations; after
 * `psparseRefill` with doubled values and `refresh`, the solution halves. The iterates of the
 * first solve are written (part 0) for the cross-backend comparison of test/amg.test.ts.
 */
export async function amgCgConvergesOnPoisson(ranks: PData<number>): Promise<void> {
  const n = 20;
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = await psparse(I, J, V, rows, cols);
  const b = pfill(1, A.rows);
  const M = amg(A);
  const residuals: number[] = [];
  const first = cg(A, b, { preconditioner: M, rtol: 1e-8, onIteration: (info) => residuals.push(info.residual) });
  assert.equal(first.reason, 'converged-rtol');
  assert.ok(first.iterations <= 15, `AMG-CG took ${first.iterations} iterations`);
  const sizes = M.levels.map((l) => l.rows);
  for (let l = 1; l < sizes.length; l++) assert.ok(sizes[l] < sizes[l - 1], `coarse sizes shrink: ${sizes}`);

  const x = getAny(gather(first.x.ownValues().map((v) => Array.from(v)), { destination: 'all' })).flat();
  await psparseRefill(A, V.map((v) => Array.from(v, (y) => 2 * y)));
  M.refresh(A);
  const second = cg(A, b, { preconditioner: M, rtol: 1e-8 });
  assert.equal(second.reason, 'converged-rtol');
  assert.ok(second.iterations <= 15, `after refresh: ${second.iterations} iterations`);
  const halved = getAny(gather(second.x.ownValues().map((v) => Array.from(v)), { destination: 'all' })).flat();
  halved.forEach((y, k) => assert.ok(Math.abs(2 * y - x[k]) <= 1e-6 * Math.abs(x[k]), `x/2 at ${k}`));

  const dir = process.env[AMG_RESULTS_VARIABLE];
  if (dir !== undefined && ranks.partIds.includes(0)) {
    const file = join(dir, `${ranks.backend.kind}-np${ranks.np}.json`);
    writeFileSync(file, JSON.stringify({ iterations: first.iterations, residuals, x }));
  }
}
