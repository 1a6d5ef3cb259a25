import { describe, expect, it } from 'vitest';
import {
  DimensionMismatchError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  LocalIndices,
  PRange,
  PartitionMismatchError,
  withSequential,
  type PData,
} from '../src/index.js';
import { findOwner, unionGhost } from '../src/partitions/find-owner.js';
import { OwnBox, OwnList, OwnRange, type OwnIds } from '../src/partitions/own-ids.js';
import { partitionFromOwners, uniformPartition, variablePartition } from '../src/partitions/partitions.js';

type ErrorClass = new (message: string) => Error;

/** Runs `main` on `np` sequential parts and checks the error it fails with, word for word. */
async function expectFailure(
  np: number,
  main: (ranks: PData<number>) => unknown,
  errorClass: ErrorClass,
  expected: { code: string; partId: number | undefined; message: string },
): Promise<void> {
  const error = await withSequential(np, main).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(errorClass);
  expect(error).toMatchObject({ code: expected.code, message: expected.message });
  expect((error as { partId: unknown }).partId).toBe(expected.partId);
}

describe('uniformPartition bad input', () => {
  it('rejects a parts grid that does not match the number of parts', async () => {
    await expectFailure(3, (ranks) => uniformPartition(ranks, [2, 2], [4, 4]), PartitionMismatchError, {
      code: 'PARTITION_MISMATCH',
      partId: undefined,
      message: 'uniformPartition: partsPerDir [2, 2] has 4 parts but ranks has 3 (a partition of a different ranks)',
    });
  });

  it.each([
    [-1, '-1'],
    [2.5, '2.5'],
    [Number.NaN, 'NaN'],
    [2 ** 53, '9007199254740992'],
  ])('rejects n = %s', async (n, shown) => {
    await expectFailure(2, (ranks) => uniformPartition(ranks, n), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: `uniformPartition: n must be a non-negative safe integer, got ${shown}`,
    });
  });

  it('rejects partsPerDir and nPerDir of different lengths', async () => {
    await expectFailure(2, (ranks) => uniformPartition(ranks, [2, 1], [4]), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'uniformPartition: partsPerDir [2, 1] and nPerDir [4] must have the same, non-zero length',
    });
  });

  it('rejects negative and non-integer grid sizes and part counts', async () => {
    await expectFailure(2, (ranks) => uniformPartition(ranks, [2, 1], [4, -3]), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'uniformPartition: nPerDir[1] must be a non-negative safe integer, got -3',
    });
    await expectFailure(2, (ranks) => uniformPartition(ranks, [2, 0.5], [4, 4]), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'uniformPartition: partsPerDir[1] must be a positive integer, got 0.5',
    });
    await expectFailure(1, (ranks) => uniformPartition(ranks, [1, 1], [2 ** 27, 2 ** 27]), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message:
        'uniformPartition: the grid size (product of nPerDir = [134217728, 134217728]) must be a non-negative safe integer, got 18014398509481984',
    });
  });

  it('rejects malformed ghost and periodic options', async () => {
    await expectFailure(4, (ranks) => uniformPartition(ranks, [2, 2], [4, 4], { ghost: [1, -1] }), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'uniformPartition: ghost[1] must be a boolean or a non-negative integer, got -1',
    });
    await expectFailure(4, (ranks) => uniformPartition(ranks, [2, 2], [4, 4], { periodic: [true] }), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'uniformPartition: periodic [true] must have one entry per direction (2)',
    });
  });
});

describe('variablePartition bad input', () => {
  it('rejects sizes whose sum is not n', async () => {
    await expectFailure(3, (ranks) => variablePartition(ranks, ranks.map((p) => p + 1), 7), DimensionMismatchError, {
      code: 'DIMENSION_MISMATCH',
      partId: undefined,
      message: 'variablePartition: the sizes add up to 6, but n = 7',
    });
  });

  it('rejects a negative size, naming the part', async () => {
    await expectFailure(3, (ranks) => variablePartition(ranks, ranks.map((p) => (p === 2 ? -1 : 4))), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: 2,
      message: 'variablePartition: nOwn must be a non-negative safe integer, got -1 (part 2)',
    });
  });

  it('rejects a non-integer n', async () => {
    await expectFailure(2, (ranks) => variablePartition(ranks, ranks.map(() => 1), 1.5), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'variablePartition: n must be a non-negative safe integer, got 1.5',
    });
  });
});

describe('partitionFromOwners bad input', () => {
  it('rejects owners that are not part ids', async () => {
    await expectFailure(4, (ranks) => partitionFromOwners(ranks, [0, 1, 2, 4, 3]), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'partitionFromOwners: owners[3] = 4 is not a part id in 0..3',
    });
    await expectFailure(2, (ranks) => partitionFromOwners(ranks, [0, 0.5]), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: 'partitionFromOwners: owners[1] = 0.5 is not a part id in 0..1',
    });
  });
});

describe('findOwner bad input', () => {
  it('rejects an id >= n before communicating, naming the part', async () => {
    await expectFailure(
      4,
      (ranks) => findOwner(uniformPartition(ranks, 10), ranks.map((p) => (p === 2 ? [3, -1, 10] : [0]))),
      IndexOutOfRangeError,
      {
        code: 'INDEX_OUT_OF_RANGE',
        partId: 2,
        message: 'findOwner: gids[2] = 10 is outside 0..9 (part 2)',
      },
    );
  });

  it('rejects an id >= n on the directory path too', async () => {
    await expectFailure(
      3,
      (ranks) => {
        const rows = uniformPartition(ranks, 10);
        return findOwner(new PRange(rows.n, rows.partition), ranks.map((p) => (p === 1 ? [4, 10] : [])));
      },
      IndexOutOfRangeError,
      {
        code: 'INDEX_OUT_OF_RANGE',
        partId: 1,
        message: 'findOwner: gids[1] = 10 is outside 0..9 (part 1)',
      },
    );
  });

  it('rejects a non-integer id', async () => {
    await expectFailure(2, (ranks) => findOwner(uniformPartition(ranks, 10), ranks.map(() => [1.5])), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: 0,
      message: 'findOwner: gids[0] = 1.5 is not an integer (part 0)',
    });
  });
});

describe('findOwner on ranges without an owner function (the directory)', () => {
  /** Part p owns `own(p)` of 0..n-1 (explicit lists, no owner function). */
  const listed = (ranks: PData<number>, n: number, own: (p: number) => number[]): PRange =>
    new PRange(n, ranks.map((p) => LocalIndices.fromLists(p, n, own(p))));

  it('rejects own sets that overlap, naming both owners, where the ids fill their home block', async () => {
    // 3 parts over 0..5: homes are [0, 1], [2, 3], [4, 5]; parts 0 and 2 both own 1.
    await expectFailure(
      3,
      (ranks) => findOwner(listed(ranks, 6, (p) => [[0, 1], [2, 3, 4, 5], [1]][p]), ranks.map(() => [0])),
      InvalidArgumentError,
      { code: 'INVALID_ARGUMENT', partId: 0, message: 'findOwner: global id 1 is owned by parts 0 and 2 (part 0)' },
    );
  });

  it('rejects own sets that overlap where a few ids lie in a huge range', async () => {
    const n = 2 ** 40;
    // Home of 2^39 + 5 and 2^39 + 9 is part 1 (of 2), where both parts own both. The home registers
    // its own ids first, then part 0's in part 0's order: 2^39 + 9 is the first seen twice.
    await expectFailure(
      2,
      (ranks) => findOwner(listed(ranks, n, (p) => (p === 0 ? [2 ** 39 + 9, 2 ** 39 + 5] : [2 ** 39 + 5, 3, 2 ** 39 + 9])), ranks.map(() => [3])),
      InvalidArgumentError,
      { code: 'INVALID_ARGUMENT', partId: 1, message: `findOwner: global id ${2 ** 39 + 9} is owned by parts 1 and 0 (part 1)` },
    );
  });

  it('rejects an id that no part owns, naming it', async () => {
    const n = 2 ** 40;
    await expectFailure(
      2,
      (ranks) => findOwner(listed(ranks, n, (p) => [2 ** 39 + p]), ranks.map((p) => (p === 1 ? [2 ** 39, 2 ** 39 + 2] : []))),
      InvalidArgumentError,
      {
        code: 'INVALID_ARGUMENT',
        partId: 1,
        message: `findOwner: no part owns global id ${2 ** 39 + 2} (the range's own ids do not include it) (part 1)`,
      },
    );
  });
});

describe('unionGhost bad input', () => {
  const tenOnFour = (ranks: PData<number>) => uniformPartition(ranks, 10); // own [0,1] [2,3] [4,5,6] [7,8,9]

  it('rejects gids and owners of different lengths', async () => {
    await expectFailure(
      4,
      (ranks) => unionGhost(tenOnFour(ranks), ranks.map(() => [5, 6]), ranks.map((p) => (p === 1 ? [2] : [2, 2]))),
      InvalidArgumentError,
      { code: 'INVALID_ARGUMENT', partId: 1, message: 'unionGhost: gids (2) and owners (1) differ in length (part 1)' },
    );
  });

  it('rejects an owner that is not a part id', async () => {
    await expectFailure(
      4,
      (ranks) => unionGhost(tenOnFour(ranks), ranks.map(() => [9]), ranks.map(() => [4])),
      InvalidArgumentError,
      { code: 'INVALID_ARGUMENT', partId: 0, message: 'unionGhost: owner 4 of global id 9 is not a part id in 0..3 (part 0)' },
    );
  });

  it('rejects an id >= n', async () => {
    await expectFailure(
      4,
      (ranks) => unionGhost(tenOnFour(ranks), ranks.map((p) => (p === 3 ? [12] : [])), ranks.map((p) => (p === 3 ? [0] : []))),
      IndexOutOfRangeError,
      { code: 'INDEX_OUT_OF_RANGE', partId: 3, message: 'unionGhost: gids[0] = 12 is outside 0..9 (part 3)' },
    );
  });

  it('rejects an id claimed to be owned here that is not', async () => {
    await expectFailure(
      4,
      (ranks) => unionGhost(tenOnFour(ranks), ranks.map((p) => (p === 2 ? [7] : [])), ranks.map((p) => (p === 2 ? [2] : []))),
      InvalidArgumentError,
      {
        code: 'INVALID_ARGUMENT',
        partId: 2,
        message: 'unionGhost: global id 7 is said to be owned by this part, which does not own it (part 2)',
      },
    );
  });

  it('rejects an own id said to be owned elsewhere, and a wrong owner', async () => {
    await expectFailure(
      4,
      (ranks) => unionGhost(tenOnFour(ranks), ranks.map((p) => (p === 1 ? [3] : [])), ranks.map((p) => (p === 1 ? [0] : []))),
      InvalidArgumentError,
      { code: 'INVALID_ARGUMENT', partId: 1, message: 'unionGhost: global id 3 is owned by this part, not by part 0 (part 1)' },
    );
    await expectFailure(
      4,
      (ranks) => unionGhost(tenOnFour(ranks), ranks.map(() => [-1, 8]), ranks.map(() => [0, 2])),
      InvalidArgumentError,
      { code: 'INVALID_ARGUMENT', partId: 0, message: 'unionGhost: global id 8 is owned by part 3, not by part 2 (part 0)' },
    );
  });
});

describe('LocalIndices ghost checks', () => {
  const box = new OwnBox([4, 4, 4], [0, 0, 0], [4, 4, 2]); // ids 0..31
  const owns: [string, OwnIds][] = [['a box', box], ['a range', new OwnRange(0, 32)], ['a list', new OwnList(Float64Array.from({ length: 32 }, (_, i) => i))]];
  it.each(owns)('names the first own ghost or repeated ghost of own ids as %s, in ghost order', (_name, own) => {
    const make = (ghosts: number[]) => () => new LocalIndices(0, 64, own, ghosts, ghosts.map(() => 1));
    expect(make([40, 31, 50])).toThrow(new InvalidArgumentError('global id 31 is both own and ghost', { partId: 0 }));
    expect(make([40, 41, 40, 5])).toThrow(new InvalidArgumentError('ghost global id 40 is listed twice', { partId: 0 }));
    expect(make([40, 5, 41, 40])).toThrow(new InvalidArgumentError('global id 5 is both own and ghost', { partId: 0 }));
    expect(make([40, 64])).toThrow(IndexOutOfRangeError);
    expect(() => new LocalIndices(0, 64, own, [40, 41], [1, 0])).toThrow(new InvalidArgumentError('ghost 41 has invalid owner 0', { partId: 0 }));
    const ids = new LocalIndices(0, 64, own, [50, 33, 40], [2, 1, 1]);
    expect([ids.globalToGhost(40), ids.globalToGhost(50), ids.globalToGhost(34), ids.globalToLocal(33)]).toEqual([2, 0, -1, 33]);
    expect(ids.ghostOwnersAscending).toBe(false);
    expect(new LocalIndices(0, 64, own, [50, 33, 40], [1, 1, 2]).ghostOwnersAscending).toBe(true);
    expect([ids.ghostsAscending, new LocalIndices(0, 64, own, [33, 40, 50], [1, 1, 2]).ghostsAscending]).toEqual([false, true]);
    expect([new LocalIndices(0, 64, own, [33, 40, 40 + 1], [1, 2, 1]).ghostOwnersAscending, new LocalIndices(0, 64, own).ghostsAscending]).toEqual([false, true]);
  });

  it('checks ghost ids and owners as given, in ghost order, whatever kind of array holds them', () => {
    expect(() => new LocalIndices(0, 64, box, [40, 40.5], [1, 1])).toThrow(new InvalidArgumentError('ghost global id 40.5 is not an integer', { partId: 0 }));
    // An owner of 1.5 is rejected, not truncated to part 1 as the Int32Array of owners would hold it.
    expect(() => new LocalIndices(0, 64, box, [40, 41], [1, 1.5])).toThrow(new InvalidArgumentError('ghost 41 has invalid owner 1.5', { partId: 0 }));
    expect(() => new LocalIndices(0, 64, box, [40, 41], Float64Array.of(1, -2))).toThrow(new InvalidArgumentError('ghost 41 has invalid owner -2', { partId: 0 }));
    // The first bad ghost decides the error: 70 (out of range) comes before 41.5 (not an integer).
    expect(() => new LocalIndices(0, 64, box, [40, 70, 41.5], [1, 1, 1])).toThrow(new IndexOutOfRangeError('ghost global id 70 is outside 0..63', { partId: 0 }));
    const fromList = new LocalIndices(3, 64, box, [50, 33, 40], [2, 1, 5]);
    const fromInt32 = new LocalIndices(3, 64, box, Float64Array.of(50, 33, 40), Int32Array.of(2, 1, 5));
    for (const ids of [fromList, fromInt32]) {
      expect([...ids.ghostToOwner]).toEqual([2, 1, 5]);
      expect([ids.maxGhostOwner, ids.ghostOwnersAscending, ids.ghostsAscending]).toEqual([5, false, false]);
    }
  });
});

describe('PRange ghost owners', () => {
  it('rejects a ghost owner that is not a part id, naming the first one in ghost order', async () => {
    // 2 parts over 0..5; part 1's ghosts 0, 1, 2 are said to be owned by parts 0, 3 and 5.
    const indices = (p: number): LocalIndices =>
      p === 0 ? new LocalIndices(0, 6, new OwnRange(0, 3)) : new LocalIndices(1, 6, new OwnRange(3, 3), [0, 1, 2], [0, 3, 5]);
    expect(indices(1).maxGhostOwner).toBe(5);
    expect(indices(0).maxGhostOwner).toBe(-1);
    await expectFailure(2, (ranks) => new PRange(6, ranks.map(indices)), InvalidArgumentError, {
      code: 'INVALID_ARGUMENT',
      partId: 1,
      message: 'ghost owner 3 is not a part id in 0..1 (part 1)',
    });
  });
});
