import { describe, expect, it } from 'vitest';
import {
  DimensionMismatchError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  LocalIndices,
  NonFiniteValueError,
  OwnRange,
  PRange,
  PartitionMismatchError,
  pzeros,
  withSequential,
  type PData,
} from '../src/index.js';
import type { CsrMatrix } from '../src/kernels/csr.js';
import { psparse, psparseRefill } from '../src/sparse/psparse.js';
import { centralize, mul, PSparseMatrix, spmv } from '../src/sparse/psparse-matrix.js';

/** Contiguous blocks of `n` ids, part p owning `floor(p n / np) ..`; no ghosts. */
function blocks(ranks: PData<number>, n: number): PRange {
  const np = ranks.np;
  const first = (p: number): number => Math.floor((p * n) / np);
  return new PRange(n, ranks.map((p) => new LocalIndices(p, n, new OwnRange(first(p), first(p + 1) - first(p)))));
}

/** Part p emits the triplets `perPart[p]` (as [i, j, v]); missing parts emit nothing. */
function triplets(ranks: PData<number>, perPart: Record<number, [number, number, number][]>) {
  const mine = ranks.map((p) => perPart[p] ?? []);
  return {
    I: mine.map((t) => t.map(([i]) => i)),
    J: mine.map((t) => t.map(([, j]) => j)),
    V: mine.map((t) => t.map(([, , v]) => v)),
  };
}

/** The 4 × 4 tridiagonal (2, −1) matrix, each part emitting its own rows. */
function tridiagonal(ranks: PData<number>, rows: PRange) {
  const perPart: Record<number, [number, number, number][]> = {};
  rows.partition.forEach((ids, p) => {
    perPart[p] = [];
    for (const i of ids.ownToGlobal) {
      perPart[p].push([i, i, 2]);
      if (i > 0) perPart[p].push([i, i - 1, -1]);
      if (i < rows.n - 1) perPart[p].push([i, i + 1, -1]);
    }
  });
  return triplets(ranks, perPart);
}

describe('psparse bad input', () => {
  it('rejects I, J and V of different lengths on a part', async () => {
    const run = withSequential(3, (ranks) => {
      const rows = blocks(ranks, 6);
      const { I, J, V } = triplets(ranks, { 0: [[0, 0, 1]], 1: [[2, 2, 1]] });
      return psparse(I, J.map((js, p) => (p === 1 ? [...js, 3] : js)), V, rows, rows);
    });
    await expect(run).rejects.toThrow(DimensionMismatchError);
    await expect(run).rejects.toMatchObject({
      code: 'DIMENSION_MISMATCH',
      partId: 1,
      message: 'psparse: I, J and V must have the same length, got 1, 2 and 1 (part 1)',
    });
  });

  it('rejects a row id >= n, naming the part and the entry', async () => {
    const run = withSequential(3, (ranks) => {
      const rows = blocks(ranks, 6);
      const { I, J, V } = triplets(ranks, { 2: [[5, 0, 1], [6, 0, 1]] });
      return psparse(I, J, V, rows, rows);
    });
    await expect(run).rejects.toThrow(IndexOutOfRangeError);
    await expect(run).rejects.toMatchObject({
      code: 'INDEX_OUT_OF_RANGE',
      partId: 2,
      message: 'psparse: row id I[1] = 6 is outside 0..5 (part 2)',
    });
  });

  it('rejects a column id >= cols.n (rectangular matrix)', async () => {
    const run = withSequential(2, (ranks) => {
      const { I, J, V } = triplets(ranks, { 0: [[0, 3, 1]] });
      return psparse(I, J, V, blocks(ranks, 4), blocks(ranks, 3));
    });
    await expect(run).rejects.toMatchObject({
      code: 'INDEX_OUT_OF_RANGE',
      partId: 0,
      message: 'psparse: column id J[0] = 3 is outside 0..2 (part 0)',
    });
  });

  it('rejects a non-integer id as INVALID_ARGUMENT, as findOwner does', async () => {
    const run = withSequential(2, (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = triplets(ranks, { 1: [[1.5, 0, 1]] });
      return psparse(I, J, V, rows, rows);
    });
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: 1,
      message: 'psparse: row id I[0] = 1.5 is not an integer (part 1)',
    });
  });

  it('rejects NaN and ±Infinity values, naming the part and the entry', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const run = withSequential(2, (ranks) => {
        const rows = blocks(ranks, 4);
        const { I, J, V } = triplets(ranks, { 1: [[0, 0, 1], [3, 2, bad]] });
        return psparse(I, J, V, rows, rows);
      });
      await expect(run).rejects.toThrow(NonFiniteValueError);
      await expect(run).rejects.toMatchObject({
        code: 'NON_FINITE_VALUE',
        partId: 1,
        message: `psparse: V[1] = ${bad} is not finite (NaN and ±Infinity are rejected) (part 1)`,
      });
    }
  });

  it('ignores the value of an ignored triplet (negative id), even when it is not finite', async () => {
    const nnz = await withSequential(2, async (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = triplets(ranks, { 0: [[-1, 0, NaN], [1, 1, 3]] });
      return (await psparse(I, J, V, rows, rows)).nnz;
    });
    expect(nnz).toBe(1);
  });

  it('rejects rows or cols of another run', async () => {
    const run = withSequential(2, (outer) =>
      withSequential(2, (ranks) => {
        const { I, J, V } = triplets(ranks, { 0: [[0, 0, 1]] });
        return psparse(I, J, V, blocks(ranks, 4), blocks(outer, 4));
      }),
    );
    await expect(run).rejects.toThrow(PartitionMismatchError);
    await expect(run).rejects.toMatchObject({
      code: 'PARTITION_MISMATCH',
      message: 'psparse: rows and cols must belong to the run (ranks) of I, J and V',
    });
  });

  it('rejects, with assembled: true, a row emitted by a part that does not own it', async () => {
    const run = withSequential(2, (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = triplets(ranks, { 0: [[0, 0, 1], [1, 1, 1]], 1: [[3, 3, 1], [1, 2, 1]] });
      return psparse(I, J, V, rows, rows, { assembled: true });
    });
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: 1,
      message: 'psparse with assembled: true: row I[1] = 1 is not owned by the part that emits it (part 1)',
    });
  });
});

describe('psparseRefill bad input', () => {
  it('rejects V of another length than the original triplets, leaving the matrix unchanged', async () => {
    await withSequential(2, async (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = tridiagonal(ranks, rows);
      const A = await psparse(I, J, V, rows, rows);
      expect(() => psparseRefill(A, V.map((v, p) => (p === 1 ? v.slice(1) : v)))).toThrow(
        expect.objectContaining({
          code: 'DIMENSION_MISMATCH',
          partId: 1,
          message: 'psparseRefill: V has 4 entries, the matrix was built from 5 triplets (part 1)',
        }),
      );
      expect(Array.from(centralize(A).values)).toEqual([2, -1, -1, 2, -1, -1, 2, -1, -1, 2]);
    });
  });

  it('rejects a non-finite value before touching any part', async () => {
    await withSequential(2, async (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = tridiagonal(ranks, rows);
      const A = await psparse(I, J, V, rows, rows);
      const bad = V.map((v, p) => (p === 1 ? v.map((x, k) => (k === 2 ? NaN : 10 * x)) : v.map((x) => 10 * x)));
      expect(() => psparseRefill(A, bad)).toThrow(
        expect.objectContaining({
          code: 'NON_FINITE_VALUE',
          partId: 1,
          message: 'psparseRefill: V[2] = NaN is not finite (NaN and ±Infinity are rejected) (part 1)',
        }),
      );
      expect(Array.from(centralize(A).values)).toEqual([2, -1, -1, 2, -1, -1, 2, -1, -1, 2]);
    });
  });

  it('rejects V of another run', async () => {
    const run = withSequential(2, (outer) =>
      withSequential(2, async (ranks) => {
        const rows = blocks(ranks, 4);
        const { I, J, V } = tridiagonal(ranks, rows);
        const A = await psparse(I, J, V, rows, rows);
        return psparseRefill(A, tridiagonal(outer, blocks(outer, 4)).V);
      }),
    );
    await expect(run).rejects.toMatchObject({
      code: 'PARTITION_MISMATCH',
      message: 'psparseRefill: V belongs to another run (ranks) than the matrix',
    });
  });

  it('rejects a matrix that was not built by psparse', async () => {
    const run = withSequential(1, (ranks) => {
      const rows = blocks(ranks, 1);
      const block = (nCols: number): PData<CsrMatrix> =>
        ranks.map(() => ({ nRows: 1, nCols, rowPtr: Int32Array.of(0, 0), colIdx: new Int32Array(0), values: new Float64Array(0) }));
      const A = new PSparseMatrix(rows, rows, block(1), block(0));
      return psparseRefill(A, ranks.map(() => [1]));
    });
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message:
        'psparseRefill: the matrix has no assembly pattern (it was not built by psparse, or was built with reuse: false)',
    });
  });

  it('rejects a matrix built with reuse: false, which keeps no assembly pattern', async () => {
    const run = withSequential(2, (ranks) => {
      const rows = blocks(ranks, 4);
      const I = ranks.map((p) => [2 * p, 2 * p + 1]);
      const A = psparse(I, I, ranks.map(() => [1, 1]), rows, rows, { reuse: false }).wait();
      expect(A.assembly).toBeUndefined();
      return psparseRefill(A, ranks.map(() => [2, 2]));
    });
    await expect(run).rejects.toThrow(
      'psparseRefill: the matrix has no assembly pattern (it was not built by psparse, or was built with reuse: false)',
    );
  });
});

describe('PSparseMatrix bad input', () => {
  it('rejects blocks whose shape does not match the ranges', async () => {
    const run = withSequential(2, (ranks) => {
      const rows = blocks(ranks, 4);
      const block = (nCols: number): PData<CsrMatrix> =>
        ranks.map(() => ({ nRows: 2, nCols, rowPtr: new Int32Array(3), colIdx: new Int32Array(0), values: new Float64Array(0) }));
      return new PSparseMatrix(rows, rows, block(2), block(1));
    });
    await expect(run).rejects.toThrow(DimensionMismatchError);
    await expect(run).rejects.toMatchObject({
      partId: 0,
      message: 'PSparseMatrix: ownGhost block is 2×1, expected 2×0 (part 0)',
    });
  });
});

describe('spmv bad input', () => {
  it('rejects x that is not on A.cols, saying how to build it', async () => {
    await withSequential(2, async (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = tridiagonal(ranks, rows);
      const A = await psparse(I, J, V, rows, rows);
      const message =
        'spmv: x must be a vector on A.cols (the same PRange object, which holds the ghost columns of A); ' +
        'build it with pzeros(A.cols) or pvector(A.cols, ...)';
      expect(() => spmv(pzeros(A.rows), A, pzeros(rows))).toThrow(
        expect.objectContaining({ code: 'PARTITION_MISMATCH', message }),
      );
      expect(() => mul(A, pzeros(blocks(ranks, 4)))).toThrow(PartitionMismatchError);
    });
  });

  it('rejects y whose own ids differ from A.rows, naming the part', async () => {
    await withSequential(2, async (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = tridiagonal(ranks, rows);
      const A = await psparse(I, J, V, rows, rows);
      const shifted = new PRange(4, ranks.map((p) => new LocalIndices(p, 4, new OwnRange(p === 0 ? 0 : 1, p === 0 ? 1 : 3))));
      expect(() => spmv(pzeros(shifted), A, pzeros(A.cols))).toThrow(
        expect.objectContaining({
          code: 'PARTITION_MISMATCH',
          partId: 0,
          message: 'spmv: y must have the own ids of A.rows: own ids differ (part 0)',
        }),
      );
      // Another range object with the same own ids is accepted.
      const y = pzeros(blocks(ranks, 4));
      const x = pzeros(A.cols);
      x.values.forEach((v) => v.fill(1));
      spmv(y, A, x);
      expect(y.ownValues().localItems.map((v) => Array.from(v))).toEqual([[1, 0], [0, 1]]);
    });
  });

  it('rejects y and x being the same vector', async () => {
    await withSequential(1, async (ranks) => {
      const rows = blocks(ranks, 4);
      const { I, J, V } = tridiagonal(ranks, rows);
      const A = await psparse(I, J, V, rows, rows);
      const x = pzeros(A.cols);
      expect(() => spmv(x, A, x)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'spmv: y and x must be different vectors' }),
      );
    });
  });
});

describe('centralize bad input', () => {
  it('rejects a matrix too large for 32-bit ids before any communication', async () => {
    const run = withSequential(1, (ranks) => {
      const n = 2 ** 31;
      const rows = new PRange(n, ranks.map((p) => new LocalIndices(p, n, new OwnRange(0, 1))));
      const block = (nCols: number): PData<CsrMatrix> =>
        ranks.map(() => ({ nRows: 1, nCols, rowPtr: Int32Array.of(0, 0), colIdx: new Int32Array(0), values: new Float64Array(0) }));
      return centralize(new PSparseMatrix(rows, rows, block(1), block(0)));
    });
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'centralize: a 2147483648×2147483648 matrix does not fit 32-bit CSR ids',
    });
  });
});
