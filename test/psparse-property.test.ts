import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  partitionFromOwners,
  pvector,
  pzeros,
  variablePartition,
  withSequential,
  type PData,
  type PRange,
} from '../src/index.js';
import { psparse } from '../src/sparse/psparse.js';
import { centralize, spmv } from '../src/sparse/psparse-matrix.js';

/** A random problem; ids in `triplets` are raw and reduced modulo the sizes (−1 stays ignored). */
interface Problem {
  np: number;
  nRows: number;
  nCols: number;
  rowOwners: number[];
  colOwners: number[];
  rowsContiguous: boolean;
  colsContiguous: boolean;
  triplets: { part: number; i: number; j: number; v: number }[];
  x: number[];
}

const problem: fc.Arbitrary<Problem> = fc
  .record({ np: fc.integer({ min: 1, max: 4 }), nRows: fc.integer({ min: 1, max: 9 }), nCols: fc.integer({ min: 1, max: 9 }) })
  .chain(({ np, nRows, nCols }) =>
    fc.record({
      np: fc.constant(np),
      nRows: fc.constant(nRows),
      nCols: fc.constant(nCols),
      rowOwners: fc.array(fc.integer({ min: 0, max: np - 1 }), { minLength: nRows, maxLength: nRows }),
      colOwners: fc.array(fc.integer({ min: 0, max: np - 1 }), { minLength: nCols, maxLength: nCols }),
      rowsContiguous: fc.boolean(),
      colsContiguous: fc.boolean(),
      triplets: fc.array(
        fc.record({
          part: fc.integer({ min: 0, max: np - 1 }),
          i: fc.integer({ min: -1, max: nRows - 1 }),
          j: fc.integer({ min: -1, max: nCols - 1 }),
          // Multiples of 1/4 in a small range: every sum is exact, whatever the order.
          v: fc.integer({ min: -40, max: 40 }).map((k) => k / 4),
        }),
        { maxLength: 60 },
      ),
      x: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: nCols, maxLength: nCols }),
    }),
  );

/** Either contiguous blocks sized by the owner counts (variablePartition) or the owners themselves. */
function partitionOf(ranks: PData<number>, owners: number[], contiguous: boolean): PRange {
  if (!contiguous) return partitionFromOwners(ranks, owners);
  return variablePartition(
    ranks,
    ranks.map((p) => owners.filter((o) => o === p).length),
    owners.length,
  );
}

/** The dense reference: which entries are stored (touched by a kept triplet) and their sums. */
function reference(pr: Problem): { stored: boolean[][]; dense: number[][] } {
  const stored = Array.from({ length: pr.nRows }, () => new Array<boolean>(pr.nCols).fill(false));
  const dense = Array.from({ length: pr.nRows }, () => new Array<number>(pr.nCols).fill(0));
  for (const { i, j, v } of pr.triplets) {
    if (i < 0 || j < 0) continue;
    stored[i][j] = true;
    dense[i][j] += v;
  }
  return { stored, dense };
}

async function check(pr: Problem): Promise<void> {
  const { stored, dense } = reference(pr);
  await withSequential(pr.np, async (ranks) => {
    const rows = partitionOf(ranks, pr.rowOwners, pr.rowsContiguous);
    const cols = partitionOf(ranks, pr.colOwners, pr.colsContiguous);
    const mine = ranks.map((p) => pr.triplets.filter((t) => t.part === p));
    const A = await psparse(
      mine.map((ts) => ts.map((t) => t.i)),
      mine.map((ts) => ts.map((t) => t.j)),
      mine.map((ts) => ts.map((t) => t.v)),
      rows,
      cols,
    );

    const central = centralize(A);
    const gotStored = Array.from({ length: pr.nRows }, () => new Array<boolean>(pr.nCols).fill(false));
    const gotDense = Array.from({ length: pr.nRows }, () => new Array<number>(pr.nCols).fill(0));
    for (let i = 0; i < pr.nRows; i++) {
      for (let k = central.rowPtr[i]; k < central.rowPtr[i + 1]; k++) {
        gotStored[i][central.colIdx[k]] = true;
        gotDense[i][central.colIdx[k]] = central.values[k];
      }
    }
    expect(gotStored).toEqual(stored);
    expect(gotDense).toEqual(dense);
    expect(A.nnz).toBe(stored.flat().filter(Boolean).length);

    const x = pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g) => pr.x[g]));
    const y = pzeros(A.rows);
    spmv(y, A, x);
    y.ownValues().forEach((values, p) => {
      const ids = rows.partition.localItems[p];
      values.forEach((got, i) => {
        const gid = ids.own.at(i);
        const expected = dense[gid].reduce((s, a, j) => s + a * pr.x[j], 0);
        const scale = dense[gid].reduce((s, a, j) => s + Math.abs(a * pr.x[j]), 0);
        expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-12 * scale);
      });
    });
  });
}

describe('psparse property (Sequential, np 1..4)', () => {
  it('centralize equals the sum of the triplets and spmv equals the dense product', async () => {
    await fc.assert(fc.asyncProperty(problem, check), { numRuns: 150 });
  });
});
