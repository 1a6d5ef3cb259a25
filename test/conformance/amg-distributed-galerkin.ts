import assert from 'node:assert/strict';
import { laplacianFdm, type PData } from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { distributedGalerkin } from '../../src/solvers/amg/distributed-galerkin.js';
import { AmgLevel } from '../../src/solvers/amg/level.js';
import { matmul } from '../../src/sparse/matmul.js';
import { psparse, psparseRefill } from '../../src/sparse/psparse.js';
import { centralize, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';

function dense(m: CsrMatrix): number[][] {
  const out = Array.from({ length: m.nRows }, () => new Array<number>(m.nCols).fill(0));
  for (let i = 0; i < m.nRows; i++) for (let e = m.rowPtr[i]; e < m.rowPtr[i + 1]; e++) out[i][m.colIdx[e]] += m.values[e];
  return out;
}

/** The blocks are sorted by column and the ghost columns are exactly those referenced, ascending. */
function assertWellFormed(C: PSparseMatrix, what: string): void {
  C.ownOwn.localItems.forEach((oo, k) => {
    const og = C.ownGhost.localItems[k];
    const ids = C.cols.partition.localItems[k];
    for (const b of [oo, og]) {
      for (let i = 0; i < b.nRows; i++) for (let e = b.rowPtr[i] + 1; e < b.rowPtr[i + 1]; e++) assert.ok(b.colIdx[e - 1] < b.colIdx[e], `${what}: row ${i} sorted`);
    }
    const used = new Set(og.colIdx.subarray(0, og.rowPtr[og.nRows]));
    assert.equal(used.size, ids.nGhost, `${what}: every ghost column is referenced`);
    for (let g = 1; g < ids.nGhost; g++) assert.ok(ids.ghostToGlobal[g - 1] < ids.ghostToGlobal[g], `${what}: ghost ids ascend`);
  });
}

/**
 * The several-part R·A·P without A·P equals the dense triple product Pᵀ·A·P (to rounding) with
 * sorted blocks and exactly the ghost columns it references, on a 3-D Laplacian with unequal
 * couplings and on its square (couplings two planes away: sums of ghost aggregates owned by a
 * third part, columns a part learns only from what others send it); and after the matrix's values
 * change, a level's refresh gives the bits of a new set-up.
 */
export async function distributedGalerkinMatchesDenseProduct(ranks: PData<number>): Promise<void> {
  const np = ranks.np;
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [7, 6, 2 * np + 3], [1, 1, np]);
  const weights = V.map((v, p) => Float64Array.from(v, (x, k) => x * (1 + ((I.localItems[ranks.partIds.indexOf(p)][k] * 7) % 5) / 10)));
  const A = await psparse(I, J, weights, rows, cols);
  for (const [M, what] of [
    [A, `Laplacian, ${np} part(s)`],
    [matmul(A, A), `A², ${np} part(s)`],
  ] as const) {
    const level = new AmgLevel(M, 0, 'gershgorin');
    const coarse = level.coarsen({ theta: 0.08 });
    assert.ok(coarse !== undefined, `${what}: aggregates`);
    const C = distributedGalerkin(M, level.P!, coarse.rows);
    assertWellFormed(C, what);
    const [p, a, c] = [dense(centralize(level.P!)), dense(centralize(M)), dense(centralize(C))];
    const ap = a.map((row) => p[0].map((_, j) => row.reduce((s, x, k) => s + x * p[k][j], 0)));
    const scale = Math.max(...c.flat().map(Math.abs));
    c.forEach((row, i) =>
      row.forEach((x, j) => {
        const expected = p.reduce((s, prow, k) => s + prow[i] * ap[k][j], 0);
        assert.ok(Math.abs(x - expected) <= 1e-12 * scale, `${what}: (${i}, ${j}) is ${x}, expected ${expected}`);
      }),
    );
  }
  // New values (scaled: the same strong connections, so the same aggregates), same pattern:
  // refresh gives the bits of a new set-up.
  const level = new AmgLevel(A, 0, 'gershgorin');
  const coarse = level.coarsen({ theta: 0.08 })!;
  const before = centralize(coarse).values.slice();
  await psparseRefill(A, weights.map((w) => Float64Array.from(w, (x) => x * 1.3)));
  level.refresh();
  const fresh = new AmgLevel(A, 0, 'gershgorin');
  const expected = centralize(fresh.coarsen({ theta: 0.08 })!);
  const got = centralize(coarse);
  assert.deepEqual(Array.from(got.colIdx), Array.from(expected.colIdx), 'refreshed: pattern');
  got.values.forEach((x, k) => assert.ok(Object.is(x, expected.values[k]), `refreshed: entry ${k} is ${x}, expected ${expected.values[k]}`));
  assert.ok(got.values.some((x, k) => x !== before[k]), 'refreshed: the values changed');
}
