import assert from 'node:assert/strict';
import { laplacianFdm, pmap, variablePartition, type PData } from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { aggregate, passOrder, strongConnections, type Aggregates } from '../../src/solvers/amg/aggregation.js';
import { ghostedProlongator } from '../../src/solvers/amg/ghosted-prolongator.js';
import { LocalIndices } from '../../src/partitions/local-indices.js';
import { OwnList } from '../../src/partitions/own-ids.js';
import { PRange } from '../../src/partitions/prange.js';
import { AmgLevel } from '../../src/solvers/amg/level.js';
import { matmul, planMatmul } from '../../src/sparse/matmul.js';
import { psparse, psparseRefill } from '../../src/sparse/psparse.js';
import { assembledMatrix, centralize, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';

/** The reference: P0 (one entry per aggregated row, 1/sqrt(size)), the product A·P0, smoothed. */
function smoothedProduct(A: PSparseMatrix, aggregates: PData<Aggregates>, level: AmgLevel, coarseRows: PSparseMatrix['rows']): PSparseMatrix {
  const p0 = aggregates.map(({ aggregateOf, count }): CsrMatrix => {
    const size = new Float64Array(count);
    for (const a of aggregateOf) if (a >= 0) size[a]++;
    const rowPtr = new Int32Array(aggregateOf.length + 1);
    aggregateOf.forEach((a, i) => (rowPtr[i + 1] = rowPtr[i] + (a >= 0 ? 1 : 0)));
    const colIdx = Int32Array.from(aggregateOf.filter((a) => a >= 0));
    const values = Float64Array.from(colIdx, (a) => 1 / Math.sqrt(size[a]));
    return { nRows: aggregateOf.length, nCols: count, rowPtr, colIdx, values };
  });
  const empty = p0.map((b): CsrMatrix => ({ nRows: b.nRows, nCols: 0, rowPtr: new Int32Array(b.nRows + 1), colIdx: new Int32Array(0), values: new Float64Array(0) }));
  const P0 = assembledMatrix(A.rows, coarseRows, p0, empty);
  const P = planMatmul(A, P0).result;
  const omega = 4 / (3 * level.spectralBound);
  pmap(
    (own: CsrMatrix, ghost: CsrMatrix, inverse: Float64Array, { aggregateOf }: Aggregates, b0: CsrMatrix) => {
      for (let i = 0; i < own.nRows; i++) {
        const scale = -omega * inverse[i];
        for (let e = own.rowPtr[i]; e < own.rowPtr[i + 1]; e++) {
          own.values[e] = scale * own.values[e];
          if (own.colIdx[e] === aggregateOf[i]) own.values[e] += b0.values[b0.rowPtr[i]];
        }
        for (let e = ghost.rowPtr[i]; e < ghost.rowPtr[i + 1]; e++) ghost.values[e] = scale * ghost.values[e];
      }
    },
    P.ownOwn,
    P.ownGhost,
    level.inverseDiagonal,
    aggregates,
    P0.ownOwn,
  );
  return P;
}

/** Same global pattern and the same bits, and per part the same ghost columns (ids and owners). */
/** Each part's aggregates of a level's matrix, as the set-up forms them (θ = 0.08). */
function levelAggregates(M: PSparseMatrix, level: AmgLevel): PData<Aggregates> {
  return pmap(
    (oo: CsrMatrix, og: CsrMatrix, ids: LocalIndices, d: Float64Array) =>
      aggregate(oo, strongConnections(oo, d, 0.08), passOrder(oo, og, ids.ghostToOwner)),
    M.ownOwn,
    M.ownGhost,
    M.cols.partition,
    level.diagonal,
  );
}

function assertSameMatrix(actual: PSparseMatrix, expected: PSparseMatrix, what: string): void {
  const [a, e] = [centralize(actual), centralize(expected)];
  assert.deepEqual(Array.from(a.rowPtr), Array.from(e.rowPtr), `${what}: row pointers`);
  assert.deepEqual(Array.from(a.colIdx), Array.from(e.colIdx), `${what}: columns`);
  a.values.forEach((x, k) => assert.ok(Object.is(x, e.values[k]), `${what}: entry ${k} is ${x}, expected ${e.values[k]}`));
  actual.cols.partition.localItems.forEach((ids, i) => {
    const ref = expected.cols.partition.localItems[i];
    assert.deepEqual(Array.from(ids.ghostToGlobal), Array.from(ref.ghostToGlobal), `${what}: ghost columns`);
    assert.deepEqual(Array.from(ids.ghostToOwner), Array.from(ref.ghostToOwner), `${what}: ghost owners`);
  });
}

/**
 * ghostedProlongator gives the pattern, ghost columns and bits of the smoothed product A·P0 (the
 * construction it replaces) on 2-D and 3-D Laplacians cut across parts (ghost entries on two parts
 * or more, none on one), at the first level and at a coarser level of a hierarchy (a Galerkin
 * matrix); `refresh` after the matrix's values changed gives the bits of building anew.
 */
export async function ghostedProlongatorMatchesSmoothedProduct(ranks: PData<number>): Promise<void> {
  const np = ranks.np;
  for (const [dims, parts] of [
    [[14, 11], [1, np]],
    [[7, 6, 5], [1, 1, np]],
  ] as const) {
    const { I, J, V, rows, cols } = laplacianFdm(ranks, [...dims], [...parts]);
    // Unequal couplings, so that rows differ in their values (and strength) across the grid.
    const weights = V.map((v, p) => Float64Array.from(v, (x, k) => x * (1 + ((I.localItems[ranks.partIds.indexOf(p)][k] * 7) % 5) / 10)));
    const A = await psparse(I, J, weights, rows, cols);
    const A1 = matmul(A, A);
    for (const [M, what] of [
      [A, `${dims.length}-D, ${np} part(s)`],
      [A1, `${dims.length}-D A², ${np} part(s)`],
    ] as const) {
      const level = new AmgLevel(M, 0, 'gershgorin');
      const aggregates = levelAggregates(M, level);
      const coarseRows = variablePartition(aggregates.map((_, p) => p), aggregates.map((a) => a.count));
      const built = ghostedProlongator(M, aggregates, coarseRows, level);
      assertSameMatrix(built.P, smoothedProduct(M, aggregates, level, coarseRows), what);
      assert.equal(built.P.rows, M.rows);
      if (np > 1) assert.ok(built.P.ownGhost.localItems.some((b) => b.rowPtr[b.nRows] > 0), `${what}: P has ghost entries`);
      // The same coarse ids listed explicitly (not a range): the same P.
      const listed = new PRange(
        coarseRows.n,
        coarseRows.partition.map((ids) => new LocalIndices(ids.partId, ids.n, new OwnList(Float64Array.from({ length: ids.nOwn }, (_, i) => ids.own.at(i))))),
        coarseRows.ownerOf,
      );
      assertSameMatrix(ghostedProlongator(M, aggregates, listed, level).P, built.P, `${what}, listed coarse ids`);
    }
    // New values, same pattern: refresh equals a new construction.
    const level = new AmgLevel(A, 0, 'gershgorin');
    const aggregates = levelAggregates(A, level);
    const coarseRows = variablePartition(aggregates.map((_, p) => p), aggregates.map((a) => a.count));
    const built = ghostedProlongator(A, aggregates, coarseRows, level);
    await psparseRefill(A, weights.map((w) => Float64Array.from(w, (x, k) => x * (1.5 + (k % 3) / 4))));
    const fresh = new AmgLevel(A, 0, 'gershgorin');
    built.refresh(fresh);
    assertSameMatrix(built.P, ghostedProlongator(A, aggregates, coarseRows, fresh).P, `${dims.length}-D refreshed`);
    assertSameMatrix(built.P, smoothedProduct(A, aggregates, fresh, coarseRows), `${dims.length}-D refreshed vs product`);
  }
}
