import assert from 'node:assert/strict';
import { cg, laplacianFdm, pfill, pmap, type PData } from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import type { LocalIndices } from '../../src/partitions/local-indices.js';
import type { Aggregates } from '../../src/solvers/amg/aggregation.js';
import { amg } from '../../src/solvers/amg/amg.js';
import { AmgLevel } from '../../src/solvers/amg/level.js';
import { psparse } from '../../src/sparse/psparse.js';
import { onParts } from './case.js';

/**
 * On a slab partition of the 3-D Laplacian each part's first aggregate holds a row coupled to the
 * lowest-numbered part it touches: the greedy passes start there (part 0 at its only interface,
 * not at its physical boundary as local order would), and on one part at row 0.
 */
export async function aggregationStartsAtTheLowestNeighbour(ranks: PData<number>): Promise<void> {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [12, 12, 12], [1, 1, ranks.np]);
  const A = await psparse(I, J, V, rows, cols);
  const level = new AmgLevel(A, 0, 'gershgorin');
  level.coarsen({ theta: 0.08 });
  const found = level.aggregates;
  assert.ok(found !== undefined);
  pmap(
    (agg: Aggregates, og: CsrMatrix, ids: LocalIndices) => {
      const firstRows = Array.from(agg.aggregateOf.keys()).filter((i) => agg.aggregateOf[i] === 0);
      assert.ok(firstRows.length > 1, `part ${ids.partId}: aggregate 0 has ${firstRows.length} rows`);
      if (og.rowPtr[og.nRows] === 0) {
        assert.ok(firstRows.includes(0), `part ${ids.partId} without ghosts: aggregate 0 holds row 0`);
        return;
      }
      const lowest = Math.min(...Array.from(og.colIdx, (g) => ids.ghostToOwner[g]));
      const coupled = (i: number): boolean =>
        Array.from(og.colIdx.subarray(og.rowPtr[i], og.rowPtr[i + 1])).some((g) => ids.ghostToOwner[g] === lowest);
      assert.ok(firstRows.some(coupled), `part ${ids.partId}: aggregate 0 (rows ${firstRows}) touches no row coupled to part ${lowest}`);
    },
    found,
    A.ownGhost,
    A.cols.partition,
  );
}

/**
 * AMG-CG on two slabs of the 32³ Poisson problem reduces the residual at least as fast as on one
 * part: after 9 iterations ‖r‖/‖r₀‖ ≤ 3.1e-8 (one part: 3.02e-8; two parts 2.58e-8; with every
 * part aggregating in local order, part 0's leftover aggregates against the interface, 5.19e-8).
 */
export const amgOnTwoSlabsConvergesAsOnOne = onParts([2], async (ranks: PData<number>): Promise<void> => {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [32, 32, 32], [1, 1, ranks.np]);
  const A = await psparse(I, J, V, rows, cols);
  const residuals: number[] = [];
  cg(A, pfill(1, A.rows), { preconditioner: amg(A), rtol: 1e-12, maxIters: 9, onIteration: (info) => residuals.push(info.residual) });
  const ratio = residuals[9] / residuals[0];
  assert.ok(ratio <= 3.1e-8, `‖r9‖/‖r0‖ = ${ratio} on two slabs, more than one part's 3.02e-8`);
});
