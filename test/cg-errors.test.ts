import { describe, expect, it } from 'vitest';
import {
  DimensionMismatchError,
  InvalidArgumentError,
  PartitionMismatchError,
  pfill,
  pzeros,
  withSequential,
  type PData,
} from '../src/index.js';
import { uniformPartition, variablePartition } from '../src/partitions/partitions.js';
import type { PRange } from '../src/partitions/prange.js';
import { psparse } from '../src/sparse/psparse.js';
import type { PSparseMatrix } from '../src/sparse/psparse-matrix.js';
import type { CgOptions } from '../src/solvers/cg-options.js';
import { CgSolver, cg } from '../src/solvers/cg.js';
import { jacobi } from '../src/solvers/preconditioners.js';

/** The diagonal matrix diag(d) on `rows`, each part emitting its own rows. */
function diagonal(ranks: PData<number>, rows: PRange, d: (gid: number) => number, cols = rows): PSparseMatrix {
  const ids = rows.partition.map((own) => Array.from(own.ownToGlobal));
  return psparse(ids, ids, ids.map((gids) => gids.map(d)), rows, cols).wait();
}

/** Runs `f` with 2 parts and returns what it threw. */
async function thrown(f: (ranks: PData<number>) => unknown): Promise<unknown> {
  return withSequential(2, (ranks) => {
    try {
      f(ranks);
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  });
}

function solveWith(opts: CgOptions | ((ranks: PData<number>) => CgOptions)) {
  return (ranks: PData<number>): unknown => {
    const rows = uniformPartition(ranks, 6);
    const A = diagonal(ranks, rows, () => 2);
    return cg(A, pfill(1, A.rows), typeof opts === 'function' ? opts(ranks) : opts);
  };
}

describe('cg bad input', () => {
  it('rejects a non-square operator', async () => {
    const error = await thrown((ranks) => {
      const rows = uniformPartition(ranks, 4);
      const A = diagonal(ranks, rows, () => 1, uniformPartition(ranks, 6));
      cg(A, pfill(1, A.rows));
    });
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error).toMatchObject({
      code: 'DIMENSION_MISMATCH',
      partId: undefined,
      message: 'cg: the matrix must be square, got 4 x 6',
    });
  });

  it('rejects b of another size', async () => {
    const error = await thrown((ranks) => {
      const A = diagonal(ranks, uniformPartition(ranks, 6), () => 2);
      cg(A, pfill(1, uniformPartition(ranks, 5)));
    });
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error).toMatchObject({ code: 'DIMENSION_MISMATCH', message: 'cg: b has global size 5, A has 6 rows' });
  });

  it('rejects b with other own ids, naming the part', async () => {
    const error = await thrown((ranks) => {
      const A = diagonal(ranks, uniformPartition(ranks, 6), () => 2);
      cg(A, pfill(1, variablePartition(ranks, ranks.map((p) => (p === 0 ? 2 : 4)))));
    });
    expect(error).toBeInstanceOf(PartitionMismatchError);
    expect(error).toMatchObject({
      code: 'PARTITION_MISMATCH',
      partId: 0,
      message: 'cg: b must have the own ids of A.rows: own ids differ (part 0)',
    });
  });

  it('rejects x0 with other own ids', async () => {
    const error = await thrown(
      solveWith((ranks) => ({ x0: pfill(0, variablePartition(ranks, ranks.map((p) => (p === 0 ? 4 : 2)))) })),
    );
    expect(error).toBeInstanceOf(PartitionMismatchError);
    expect(error).toMatchObject({ partId: 0, message: 'cg: x0 must have the own ids of A.rows: own ids differ (part 0)' });
  });

  it('rejects a negative or non-finite rtol and atol', async () => {
    const negative = await thrown(solveWith({ rtol: -1e-8 }));
    expect(negative).toBeInstanceOf(InvalidArgumentError);
    expect(negative).toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'cg: rtol must be a finite number >= 0, got -1e-8',
    });
    expect(await thrown(solveWith({ atol: Number.POSITIVE_INFINITY }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'cg: atol must be a finite number >= 0, got Infinity',
    });
  });

  it('rejects a non-integer or negative maxIters', async () => {
    const error = await thrown(solveWith({ maxIters: 2.5 }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'cg: maxIters must be an integer >= 0, got 2.5' });
    expect(await thrown(solveWith({ maxIters: -1 }))).toMatchObject({
      message: 'cg: maxIters must be an integer >= 0, got -1',
    });
  });

  it('rejects an unknown preconditioner', async () => {
    const error = await thrown(solveWith({ preconditioner: 'ilu' as 'none' }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({
      message: "cg: preconditioner must be one of 'none', 'jacobi', 'ssor', 'ilu0', 'amg' or an object with an apply(z, r) method, got ilu",
    });
  });
});

describe('jacobi bad input', () => {
  it('rejects a zero diagonal entry, naming the part and the global row', async () => {
    const error = await thrown((ranks) => jacobi(diagonal(ranks, uniformPartition(ranks, 6), (g) => (g === 4 ? 0 : 2))));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: 1,
      message: 'jacobi: global row 4 has diagonal entry 0; the Jacobi preconditioner needs a finite nonzero diagonal (part 1)',
    });
  });

  it('rejects a missing diagonal entry, also through cg', async () => {
    const error = await thrown((ranks) => {
      const rows = uniformPartition(ranks, 4);
      const I = ranks.map((p) => (p === 0 ? [0, 1, 1] : [2, 3]));
      const J = ranks.map((p) => (p === 0 ? [0, 0, 2] : [2, 3]));
      const A = psparse(I, J, I.map((ids) => ids.map(() => 1)), rows, rows).wait();
      cg(A, pfill(1, A.rows), { preconditioner: 'jacobi' });
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({
      partId: 0,
      message: 'jacobi: global row 1 has no diagonal entry; the Jacobi preconditioner needs a finite nonzero diagonal (part 0)',
    });
  });
});

describe('CgSolver bad input', () => {
  it('checks the matrix and options when set up, before any solve', async () => {
    const error = await thrown((ranks) => new CgSolver(diagonal(ranks, uniformPartition(ranks, 6), () => 2), { rtol: -1 }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ message: 'cg: rtol must be a finite number >= 0, got -1' });
  });

  it('rejects an output x that is not on A.cols, and leaves it untouched', async () => {
    const result = await withSequential(2, (ranks) => {
      const A = diagonal(ranks, uniformPartition(ranks, 6), () => 2);
      const x = pfill(7, A.rows);
      try {
        new CgSolver(A).solve(pfill(1, A.rows), { x });
      } catch (error) {
        return { error, untouched: x.ownValues().localItems.every((v) => v.every((value) => value === 7)) };
      }
      throw new Error('expected an error');
    });
    expect(result.error).toBeInstanceOf(PartitionMismatchError);
    expect(result.error).toMatchObject({
      message: 'cg: x must be a vector on A.cols (the same PRange object); build it with pzeros(A.cols)',
    });
    expect(result.untouched).toBe(true);
  });

  it('rejects a Jacobi preconditioner built for other rows, before any communication', async () => {
    const error = await thrown((ranks) => {
      const A = diagonal(ranks, uniformPartition(ranks, 6), () => 2);
      const B = diagonal(ranks, variablePartition(ranks, ranks.map((p) => (p === 0 ? 2 : 4))), () => 3);
      new CgSolver(A, { preconditioner: jacobi(B) });
    });
    expect(error).toBeInstanceOf(PartitionMismatchError);
    expect(error).toMatchObject({
      message: 'cg: the Jacobi preconditioner must be built for a matrix with the own rows of A: own ids differ (part 0)',
    });
  });

  it('rejects x = b', async () => {
    const error = await thrown((ranks) => {
      const A = diagonal(ranks, uniformPartition(ranks, 6), () => 2);
      const b = pzeros(A.cols);
      new CgSolver(A).solve(b, { x: b });
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'cg: x and b must be different vectors' });
  });

  it('rejects b of another size on solve', async () => {
    const error = await thrown((ranks) => {
      const A = diagonal(ranks, uniformPartition(ranks, 6), () => 2);
      new CgSolver(A).solve(pfill(1, uniformPartition(ranks, 5)));
    });
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error).toMatchObject({ message: 'cg: b has global size 5, A has 6 rows' });
  });
});
