import { describe, expect, it } from 'vitest';
import {
  DimensionMismatchError,
  InvalidArgumentError,
  LocalIndices,
  OwnRange,
  PRange,
  PVector,
  PartitionMismatchError,
  consistent,
  dot,
  pvector,
  pzeros,
  withSequential,
  type PData,
} from '../src/index.js';

function blocks(ranks: PData<number>, n: number, shift = 0): PRange {
  const np = ranks.np;
  const first = (p: number): number => Math.min(n, Math.floor((p * n) / np) + (p === 0 ? 0 : shift));
  return new PRange(n, ranks.map((p) => new LocalIndices(p, n, new OwnRange(first(p), (p === np - 1 ? n : first(p + 1)) - first(p)))));
}

describe('PVector bad input', () => {
  it('rejects local values whose length does not match the partition, naming the part', async () => {
    const run = withSequential(3, (ranks) => pvector(blocks(ranks, 9), (ids) => new Array(ids.partId === 1 ? 2 : ids.nLocal).fill(0)));
    await expect(run).rejects.toThrow(DimensionMismatchError);
    await expect(run).rejects.toMatchObject({
      code: 'DIMENSION_MISMATCH',
      partId: 1,
      message: 'pvector: the function must return nLocal = 3 values, got 2 (part 1)',
    });
  });

  it('rejects wrapping arrays of the wrong length', async () => {
    const run = withSequential(2, (ranks) => new PVector(blocks(ranks, 4), ranks.map(() => new Float64Array(3))));
    await expect(run).rejects.toMatchObject({
      code: 'DIMENSION_MISMATCH',
      partId: 0,
      message: 'local values must be a Float64Array of length nLocal = 2, got length 3 (part 0)',
    });
  });

  it('rejects combining vectors with different own ids', async () => {
    const run = withSequential(2, (ranks) => dot(pzeros(blocks(ranks, 10)), pzeros(blocks(ranks, 10, 1))));
    await expect(run).rejects.toThrow(PartitionMismatchError);
    await expect(run).rejects.toMatchObject({ code: 'PARTITION_MISMATCH', partId: 0, message: 'dot: own ids differ (part 0)' });
  });

  it('rejects vectors of different runs', async () => {
    let other: PRange | undefined;
    await withSequential(2, (ranks) => {
      other = blocks(ranks, 6);
    });
    const run = withSequential(2, (ranks) => dot(pzeros(blocks(ranks, 6)), pzeros(other!)));
    await expect(run).rejects.toMatchObject({
      code: 'PARTITION_MISMATCH',
      message: 'dot: the ranges belong to different runs (different ranks)',
    });
  });

  it('rejects a second ghost update started before the first is waited for', async () => {
    const run = withSequential(2, (ranks) => {
      const v = pzeros(blocks(ranks, 6));
      consistent(v);
      consistent(v);
    });
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow('a consistent of this vector is still in progress: wait for it first');
  });
});
