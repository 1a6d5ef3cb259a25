import assert from 'node:assert/strict';
import { LocalIndices, OwnBox, OwnList, OwnRange, PRange, gather, getAny, type PData } from '../../src/index.js';
import { findOwner, unionGhost } from '../../src/partitions/find-owner.js';
import { partitionFromOwners, uniformPartition, variablePartition } from '../../src/partitions/partitions.js';
import { ghostPlan } from '../../src/partitions/ghost-plan.js';
import { onParts } from './case.js';

/** Expected own ids, ghost ids and ghost owners of one part. */
interface PartTable {
  own: number[];
  ghosts?: number[];
  owners?: number[];
}

/** Checks every local part against `table[partId]`, and the local numbering (own, then ghosts). */
function checkParts(rows: PRange, table: readonly PartTable[]): void {
  rows.partition.forEach((ids, p) => {
    const { own, ghosts = [], owners = [] } = table[p];
    assert.deepEqual(Array.from(ids.ownToGlobal), own, `own ids of part ${p}`);
    assert.deepEqual(Array.from(ids.ghostToGlobal), ghosts, `ghost ids of part ${p}`);
    assert.deepEqual(Array.from(ids.ghostToOwner), owners, `ghost owners of part ${p}`);
    assert.equal(ids.nOwn, own.length);
    assert.equal(ids.nGhost, ghosts.length);
    assert.deepEqual(Array.from(ids.localToGlobal), [...own, ...ghosts]);
    [...own, ...ghosts].forEach((gid, lid) => assert.equal(ids.globalToLocal(gid), lid, `part ${p}, gid ${gid}`));
  });
}

/** Every part's own ids, gathered on every part (an ownership reference independent of `ownerOf`). */
function ownerTable(rows: PRange): number[] {
  const all = getAny(gather(rows.partition.map((ids) => Array.from(ids.ownToGlobal)), { destination: 'all' }));
  const owner = new Array<number>(rows.n).fill(-1);
  all.forEach((own, p) =>
    own.forEach((gid) => {
      assert.equal(owner[gid], -1, `global id ${gid} owned twice`);
      owner[gid] = p;
    }),
  );
  owner.forEach((p, gid) => assert.ok(p >= 0, `global id ${gid} owned by no part`));
  return owner;
}

/** The local items of two ranges, part by part. */
function pairs(a: PRange, b: PRange): [LocalIndices, LocalIndices][] {
  return a.partition.localItems.map((ids, i) => [ids, b.partition.localItems[i]]);
}

/** The same partition without `ownerOf`, so that `findOwner` must use its distributed directory. */
function withoutOwnerFunction(rows: PRange): PRange {
  return new PRange(rows.n, rows.partition);
}

export const uniform1dWorkedExample = onParts([4], (ranks: PData<number>) => {
  const rows = uniformPartition(ranks, 10);
  assert.equal(rows.n, 10);
  checkParts(rows, [{ own: [0, 1] }, { own: [2, 3] }, { own: [4, 5, 6] }, { own: [7, 8, 9] }]);
  rows.partition.forEach((ids) => assert.ok(ids.own instanceof OwnRange));
  const ownerOf = rows.ownerOf;
  assert.ok(ownerOf !== undefined);
  assert.deepEqual(Array.from({ length: 10 }, (_, g) => ownerOf(g)), [0, 0, 1, 1, 2, 2, 2, 3, 3, 3]);
});

export function uniform1dOwnSetsCoverTheRange(ranks: PData<number>): void {
  const np = ranks.np;
  for (const n of [0, 1, 3, 10, 13]) {
    const rows = uniformPartition(ranks, n);
    // Contract: floor(n/np) each, the last n % np parts one more, contiguous in part order.
    const sizes = Array.from({ length: np }, (_, p) => Math.floor(n / np) + (p >= np - (n % np) ? 1 : 0));
    const owner = ownerTable(rows);
    let gid = 0;
    sizes.forEach((size, p) => {
      for (let k = 0; k < size; k++, gid++) assert.equal(owner[gid], p, `n=${n}: owner of ${gid}`);
    });
    assert.equal(gid, n);
    owner.forEach((p, g) => assert.equal(rows.ownerOf?.(g), p));
    rows.partition.forEach((ids, p) => {
      assert.equal(ids.nOwn, sizes[p]);
      assert.equal(ids.nGhost, 0);
      ids.localToGlobal.forEach((g, lid) => assert.equal(ids.globalToLocal(g), lid));
      for (let g = -1; g <= n; g++) {
        if (owner[g] !== p) assert.equal(ids.globalToLocal(g), -1, `part ${p} does not hold ${g}`);
      }
    });
  }
}

export const uniform2dBlocks = onParts([4], (ranks: PData<number>) => {
  const rows = uniformPartition(ranks, [2, 2], [4, 4]);
  assert.equal(rows.n, 16);
  checkParts(rows, [{ own: [0, 1, 4, 5] }, { own: [2, 3, 6, 7] }, { own: [8, 9, 12, 13] }, { own: [10, 11, 14, 15] }]);
  rows.partition.forEach((ids) => assert.ok(ids.own instanceof OwnBox));
  const ownerOf = rows.ownerOf;
  assert.ok(ownerOf !== undefined);
  assert.deepEqual(
    Array.from({ length: 16 }, (_, g) => ownerOf(g)),
    [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3],
  );
});

export const uniform2dGhostLayer = onParts([4], (ranks: PData<number>) => {
  checkParts(uniformPartition(ranks, [2, 2], [4, 4], { ghost: true }), [
    { own: [0, 1, 4, 5], ghosts: [2, 6, 8, 9, 10], owners: [1, 1, 2, 2, 3] },
    { own: [2, 3, 6, 7], ghosts: [1, 5, 9, 10, 11], owners: [0, 0, 2, 3, 3] },
    { own: [8, 9, 12, 13], ghosts: [4, 5, 6, 10, 14], owners: [0, 0, 1, 3, 3] },
    { own: [10, 11, 14, 15], ghosts: [5, 6, 7, 9, 13], owners: [0, 1, 1, 2, 2] },
  ]);
});

export const uniform2dPeriodicInX = onParts([4], (ranks: PData<number>) => {
  checkParts(uniformPartition(ranks, [2, 2], [4, 4], { ghost: 1, periodic: [true, false] }), [
    { own: [0, 1, 4, 5], ghosts: [2, 3, 6, 7, 8, 9, 10, 11], owners: [1, 1, 1, 1, 2, 2, 3, 3] },
    { own: [2, 3, 6, 7], ghosts: [0, 1, 4, 5, 8, 9, 10, 11], owners: [0, 0, 0, 0, 2, 2, 3, 3] },
    { own: [8, 9, 12, 13], ghosts: [4, 5, 6, 7, 10, 11, 14, 15], owners: [0, 0, 1, 1, 3, 3, 3, 3] },
    { own: [10, 11, 14, 15], ghosts: [4, 5, 6, 7, 8, 9, 12, 13], owners: [0, 0, 1, 1, 2, 2, 2, 2] },
  ]);
});

/** n = 8 with one ghost layer, per part count: [periodic tables, clipped tables]. */
const ghosted1d: Record<number, [PartTable[], PartTable[]]> = {
  1: [[{ own: [0, 1, 2, 3, 4, 5, 6, 7] }], [{ own: [0, 1, 2, 3, 4, 5, 6, 7] }]],
  2: [
    [
      { own: [0, 1, 2, 3], ghosts: [4, 7], owners: [1, 1] },
      { own: [4, 5, 6, 7], ghosts: [0, 3], owners: [0, 0] },
    ],
    [
      { own: [0, 1, 2, 3], ghosts: [4], owners: [1] },
      { own: [4, 5, 6, 7], ghosts: [3], owners: [0] },
    ],
  ],
  3: [
    [
      { own: [0, 1], ghosts: [2, 7], owners: [1, 2] },
      { own: [2, 3, 4], ghosts: [1, 5], owners: [0, 2] },
      { own: [5, 6, 7], ghosts: [0, 4], owners: [0, 1] },
    ],
    [
      { own: [0, 1], ghosts: [2], owners: [1] },
      { own: [2, 3, 4], ghosts: [1, 5], owners: [0, 2] },
      { own: [5, 6, 7], ghosts: [4], owners: [1] },
    ],
  ],
  4: [
    [
      { own: [0, 1], ghosts: [2, 7], owners: [1, 3] },
      { own: [2, 3], ghosts: [1, 4], owners: [0, 2] },
      { own: [4, 5], ghosts: [3, 6], owners: [1, 3] },
      { own: [6, 7], ghosts: [0, 5], owners: [0, 2] },
    ],
    [
      { own: [0, 1], ghosts: [2], owners: [1] },
      { own: [2, 3], ghosts: [1, 4], owners: [0, 2] },
      { own: [4, 5], ghosts: [3, 6], owners: [1, 3] },
      { own: [6, 7], ghosts: [5], owners: [2] },
    ],
  ],
};

export const uniform1dGhostsPeriodicAndClipped = onParts([1, 2, 3, 4], (ranks: PData<number>) => {
  const [periodic, clipped] = ghosted1d[ranks.np];
  checkParts(uniformPartition(ranks, [ranks.np], [8], { ghost: true, periodic: true }), periodic);
  checkParts(uniformPartition(ranks, [ranks.np], [8], { ghost: true }), clipped);
});

export const periodicGhostsWrappingOntoThemselves = onParts([1, 2], (ranks: PData<number>) => {
  const np = ranks.np;
  // The extended block covers the whole periodic direction: each id once, never an own id.
  checkParts(
    uniformPartition(ranks, [np], [3], { ghost: 2, periodic: true }),
    np === 1
      ? [{ own: [0, 1, 2] }]
      : [
          { own: [0], ghosts: [1, 2], owners: [1, 1] },
          { own: [1, 2], ghosts: [0], owners: [0] },
        ],
  );
  // One part in x (periodic): nothing to ghost in x; y wraps from both sides onto the same row.
  checkParts(
    uniformPartition(ranks, [1, np], [3, 2], { ghost: true, periodic: true }),
    np === 1
      ? [{ own: [0, 1, 2, 3, 4, 5] }]
      : [
          { own: [0, 1, 2], ghosts: [3, 4, 5], owners: [1, 1, 1] },
          { own: [3, 4, 5], ghosts: [0, 1, 2], owners: [0, 0, 0] },
        ],
  );
});

export const thickGhostLayers = onParts([4], (ranks: PData<number>) => {
  checkParts(uniformPartition(ranks, [4], [10], { ghost: 2 }), [
    { own: [0, 1], ghosts: [2, 3], owners: [1, 1] },
    { own: [2, 3], ghosts: [0, 1, 4, 5], owners: [0, 0, 2, 2] },
    { own: [4, 5, 6], ghosts: [2, 3, 7, 8], owners: [1, 1, 3, 3] },
    { own: [7, 8, 9], ghosts: [5, 6], owners: [2, 2] },
  ]);
  // Blocks of sizes 1, 1, 2, 2: two layers reach past the neighbouring part.
  checkParts(uniformPartition(ranks, [4], [6], { ghost: 2 }), [
    { own: [0], ghosts: [1, 2], owners: [1, 2] },
    { own: [1], ghosts: [0, 2, 3], owners: [0, 2, 2] },
    { own: [2, 3], ghosts: [0, 1, 4, 5], owners: [0, 1, 3, 3] },
    { own: [4, 5], ghosts: [2, 3], owners: [2, 2] },
  ]);
  // 6 x 2 grid on 2 x 2 parts, per-direction thickness.
  checkParts(uniformPartition(ranks, [2, 2], [6, 2], { ghost: [2, false] }), [
    { own: [0, 1, 2], ghosts: [3, 4], owners: [1, 1] },
    { own: [3, 4, 5], ghosts: [1, 2], owners: [0, 0] },
    { own: [6, 7, 8], ghosts: [9, 10], owners: [3, 3] },
    { own: [9, 10, 11], ghosts: [7, 8], owners: [2, 2] },
  ]);
  checkParts(uniformPartition(ranks, [2, 2], [6, 2], { ghost: [2, 1] }), [
    { own: [0, 1, 2], ghosts: [3, 4, 6, 7, 8, 9, 10], owners: [1, 1, 2, 2, 2, 3, 3] },
    { own: [3, 4, 5], ghosts: [1, 2, 7, 8, 9, 10, 11], owners: [0, 0, 2, 2, 3, 3, 3] },
    { own: [6, 7, 8], ghosts: [0, 1, 2, 3, 4, 9, 10], owners: [0, 0, 0, 1, 1, 3, 3] },
    { own: [9, 10, 11], ghosts: [1, 2, 3, 4, 5, 7, 8], owners: [0, 0, 1, 1, 1, 2, 2] },
  ]);
});

export const uniform3dTwoByOneByTwo = onParts([4], (ranks: PData<number>) => {
  // 4 x 2 x 4 grid, gid = i + 4j + 8k; part = px + 2pz.
  const rows = uniformPartition(ranks, [2, 1, 2], [4, 2, 4], { ghost: true });
  assert.equal(rows.n, 32);
  checkParts(rows, [
    {
      own: [0, 1, 4, 5, 8, 9, 12, 13],
      ghosts: [2, 6, 10, 14, 16, 17, 18, 20, 21, 22],
      owners: [1, 1, 1, 1, 2, 2, 3, 2, 2, 3],
    },
    {
      own: [2, 3, 6, 7, 10, 11, 14, 15],
      ghosts: [1, 5, 9, 13, 17, 18, 19, 21, 22, 23],
      owners: [0, 0, 0, 0, 2, 3, 3, 2, 3, 3],
    },
    {
      own: [16, 17, 20, 21, 24, 25, 28, 29],
      ghosts: [8, 9, 10, 12, 13, 14, 18, 22, 26, 30],
      owners: [0, 0, 1, 0, 0, 1, 3, 3, 3, 3],
    },
    {
      own: [18, 19, 22, 23, 26, 27, 30, 31],
      ghosts: [9, 10, 11, 13, 14, 15, 17, 21, 25, 29],
      owners: [0, 1, 1, 0, 1, 1, 2, 2, 2, 2],
    },
  ]);
  const ownerOf = rows.ownerOf;
  assert.ok(ownerOf !== undefined);
  assert.deepEqual([31, 18, 17, 10, 0, 13].map(ownerOf), [3, 3, 2, 1, 0, 0]);
});

export const findOwnerWorkedExamples = onParts([4], (ranks: PData<number>) => {
  const queries = ranks.map((p) => [9, -1, 2, 4, 0, 3 + p, -5]);
  const expectBlock = (p: number): number[] => [3, -1, 1, 2, 0, [1, 2, 2, 2][p], -1];
  findOwner(uniformPartition(ranks, 10), queries).forEach((got, p) => assert.deepEqual(Array.from(got), expectBlock(p)));
  // Variable blocks 3, 0, 5, 2: part 0 owns 0..2, part 1 nothing, part 2 3..7, part 3 8..9.
  const variable = variablePartition(ranks, ranks.map((p) => [3, 0, 5, 2][p]));
  const expectVariable = (p: number): number[] => [3, -1, 0, 2, 0, [2, 2, 2, 2][p], -1];
  findOwner(variable, queries).forEach((got, p) => assert.deepEqual(Array.from(got), expectVariable(p)));
  const owners = [2, 0, 3, 3, 1, 0, 2, 1, 0, 3];
  const fromOwners = partitionFromOwners(ranks, owners);
  checkParts(fromOwners, [{ own: [1, 5, 8] }, { own: [4, 7] }, { own: [0, 6] }, { own: [2, 3, 9] }]);
  fromOwners.partition.forEach((ids) => assert.ok(ids.own instanceof OwnList));
  const expectOwners = (p: number): number[] => [3, -1, 3, 1, 2, [3, 1, 0, 2][p], -1];
  findOwner(fromOwners, queries).forEach((got, p) => assert.deepEqual(Array.from(got), expectOwners(p)));
  // The same answers from the distributed directory (no ownerOf).
  for (const [rows, expect] of [
    [variable, expectVariable],
    [fromOwners, expectOwners],
  ] as const) {
    findOwner(withoutOwnerFunction(rows), queries).forEach((got, p) => assert.deepEqual(Array.from(got), expect(p)));
  }
});

export function findOwnerAgreesWithOwnSets(ranks: PData<number>): void {
  const np = ranks.np;
  const n = 11;
  const owners = Array.from({ length: n }, (_, g) => (g * 3 + 1) % np);
  const ranges = [
    uniformPartition(ranks, n),
    uniformPartition(ranks, [np], [n], { ghost: true, periodic: true }),
    // Blocks 2, 0, 2, ... with the last part taking the rest (part 1 is empty when np > 2).
    variablePartition(
      ranks,
      ranks.map((p) => (p === np - 1 ? n - 2 * (np - 1) + (np > 2 ? 2 : 0) : p === 1 ? 0 : 2)),
    ),
    partitionFromOwners(ranks, owners),
  ];
  // Every id, backwards, twice, with negatives, and a different mix on each part.
  const queries = ranks.map((p) => [-1, ...Array.from({ length: 2 * n }, (_, k) => (2 * n - 1 - k + p) % n), -3]);
  for (const rows of ranges) {
    const owner = ownerTable(rows);
    for (const candidate of [rows, withoutOwnerFunction(rows)]) {
      findOwner(candidate, queries).forEach((got, p) => {
        const q = queries.localItems[queries.partIds.indexOf(p)];
        assert.deepEqual(Array.from(got), q.map((g) => (g < 0 ? -1 : owner[g])));
      });
    }
  }
  assert.deepEqual(ownerTable(ranges[3]), owners);
}

export const unionGhostAddsSortedGhosts = onParts([4], (ranks: PData<number>) => {
  const rows = uniformPartition(ranks, 10); // own [0,1] [2,3] [4,5,6] [7,8,9]
  const gids = [[7, -1, 1, 3, 7, 2], [0, 9, 4, -3, 2], [], [6, 6, 5]];
  // Owners of negative ids are ignored, whatever they are.
  const owners = [[3, 99, 0, 1, 3, 1], [0, 3, 2, -8, 1], [], [2, 2, 2]];
  const extended = unionGhost(
    rows,
    ranks.map((p) => gids[p]),
    ranks.map((p) => owners[p]),
  );
  checkParts(extended, [
    { own: [0, 1], ghosts: [2, 3, 7], owners: [1, 1, 3] },
    { own: [2, 3], ghosts: [0, 4, 9], owners: [0, 2, 3] },
    { own: [4, 5, 6] },
    { own: [7, 8, 9], ghosts: [5, 6], owners: [2, 2] },
  ]);
  assert.equal(extended.ownerOf, rows.ownerOf);
  pairs(rows, extended).forEach(([before, after]) => assert.equal(after.own, before.own));

  // Old ghosts are kept and merged in ascending order.
  const ghosted = uniformPartition(ranks, [4], [10], { ghost: true });
  const more = [[], [9, 4, 0], [0], [0, 1]];
  const merged = unionGhost(
    ghosted,
    ranks.map((p) => more[p]),
    findOwner(ghosted, ranks.map((p) => more[p])),
  );
  checkParts(merged, [
    { own: [0, 1], ghosts: [2], owners: [1] },
    { own: [2, 3], ghosts: [0, 1, 4, 9], owners: [0, 0, 2, 3] },
    { own: [4, 5, 6], ghosts: [0, 3, 7], owners: [0, 1, 3] },
    { own: [7, 8, 9], ghosts: [0, 1, 6], owners: [0, 0, 2] },
  ]);
});

export function unionGhostWithEveryId(ranks: PData<number>): void {
  const n = 9;
  const base = variablePartition(ranks, ranks.map((p) => (p === ranks.np - 1 ? n - 2 * p : 2)), n);
  const owner = ownerTable(base);
  const everyId = ranks.map(() => Array.from({ length: n }, (_, g) => n - 1 - g));
  const extended = unionGhost(base, everyId, findOwner(withoutOwnerFunction(base), everyId));
  extended.partition.forEach((ids, p) => {
    const others = owner.map((q, g) => (q === p ? -1 : g)).filter((g) => g >= 0);
    assert.deepEqual(Array.from(ids.ghostToGlobal), others);
    assert.deepEqual(Array.from(ids.ghostToOwner), others.map((g) => owner[g]));
    assert.equal(ids.nLocal, n);
  });
}

const TWO_33 = 2 ** 33;

/** First own id of each part of `uniformPartition(ranks, 2^33)`, worked out by hand. */
const hugeFirsts: Record<number, number[]> = {
  2: [0, 4294967296],
  3: [0, 2863311530, 5726623061],
  4: [0, 2147483648, 4294967296, 6442450944],
};

export const hugeUniformRangeWithGhosts = onParts([2, 3, 4], (ranks: PData<number>) => {
  const np = ranks.np;
  const firsts = [...hugeFirsts[np], TWO_33];
  const rows = uniformPartition(ranks, [np], [TWO_33], { ghost: true });
  assert.equal(rows.n, TWO_33);
  rows.partition.forEach((ids, p) => {
    const first = firsts[p];
    const end = firsts[p + 1];
    assert.equal(ids.nOwn, end - first);
    assert.equal(ids.own.at(0), first);
    assert.equal(ids.own.at(ids.nOwn - 1), end - 1);
    const ghosts = [...(p > 0 ? [first - 1] : []), ...(p < np - 1 ? [end] : [])];
    const owners = [...(p > 0 ? [p - 1] : []), ...(p < np - 1 ? [p + 1] : [])];
    assert.deepEqual(Array.from(ids.ghostToGlobal), ghosts);
    assert.deepEqual(Array.from(ids.ghostToOwner), owners);
    assert.equal(ids.globalToLocal(end - 1), end - 1 - first);
    assert.equal(ids.globalToLocal(first + 5), 5);
    ghosts.forEach((g, k) => assert.equal(ids.globalToLocal(g), ids.nOwn + k));
    assert.equal(ids.globalToLocal(p === 0 ? TWO_33 - 1 : 0), -1);
  });
  const above32 = [TWO_33 - 1, TWO_33 - 2, 2 ** 32 + 3, 2 ** 32 - 1, firsts[np - 1], firsts[np - 1] - 1, -1];
  const expected: Record<number, number[]> = {
    2: [1, 1, 1, 0, 1, 0, -1],
    3: [2, 2, 1, 1, 2, 1, -1],
    4: [3, 3, 2, 1, 3, 2, -1],
  };
  findOwner(rows, ranks.map(() => above32)).forEach((got) => assert.deepEqual(Array.from(got), expected[np]));
});

export function hugeVariableRange(ranks: PData<number>): void {
  const np = ranks.np;
  // Part 0 owns all but 3 ids per other part: firsts are 0, 2^33 - 3(np - 1), ..., 2^33 - 3.
  const nOwn = ranks.map((p) => (p === 0 ? TWO_33 - 3 * (np - 1) : 3));
  const queries = [TWO_33 - 1, TWO_33 - 4, TWO_33 - 10, 2 ** 32 + 1, -1];
  const expected: Record<number, number[]> = {
    1: [0, 0, 0, 0, -1],
    2: [1, 0, 0, 0, -1],
    3: [2, 1, 0, 0, -1],
    4: [3, 2, 0, 0, -1],
  };
  for (const rows of [variablePartition(ranks, nOwn), variablePartition(ranks, nOwn, TWO_33)]) {
    assert.equal(rows.n, TWO_33);
    rows.partition.forEach((ids, p) => {
      const first = p === 0 ? 0 : TWO_33 - 3 * (np - p);
      assert.ok(ids.own instanceof OwnRange);
      assert.equal(ids.own.first, first);
      assert.equal(ids.nOwn, p === 0 ? TWO_33 - 3 * (np - 1) : 3);
      assert.equal(ids.globalToLocal(first + 2), 2);
      assert.equal(ids.globalToLocal(TWO_33 - 1), p === np - 1 ? TWO_33 - 1 - first : -1);
    });
    findOwner(rows, ranks.map(() => queries)).forEach((got) => assert.deepEqual(Array.from(got), expected[np]));
    // Ghosts far above 2^32 on every part (part 0 already owns the low ones).
    // 2^32 + 7 is owned by part 0, 2^33 - 1 by the last part.
    const far = ranks.map(() => [TWO_33 - 1, 2 ** 32 + 7]);
    const extended = unionGhost(rows, far, findOwner(rows, far));
    extended.partition.forEach((ids, p) => {
      const ghosts = [
        ...(p !== 0 ? [[2 ** 32 + 7, 0]] : []),
        ...(p !== np - 1 ? [[TWO_33 - 1, np - 1]] : []),
      ];
      assert.deepEqual(Array.from(ids.ghostToGlobal), ghosts.map(([g]) => g));
      assert.deepEqual(Array.from(ids.ghostToOwner), ghosts.map(([, o]) => o));
      ghosts.forEach(([g], k) => assert.equal(ids.globalToLocal(g), ids.nOwn + k));
    });
  }
}

/**
 * A range of n = 2^40 ids whose parts own a few ids spread over it (part p: 2^39 + 1000 p + {0, 7}
 * and p): the own sets do not cover 0..n-1, which is allowed, and the owner directory holds what
 * was registered (it used to allocate n/np entries a home). Owners found for every own id, from
 * every part, including ids whose home is another part.
 */
export function findOwnerOnAFewIdsOfAHugeRange(ranks: PData<number>): void {
  const np = ranks.np;
  const n = 2 ** 40;
  const ownOf = (p: number): number[] => [p, 2 ** 39 + 1000 * p, 2 ** 39 + 1000 * p + 7];
  const rows = new PRange(n, ranks.map((p) => LocalIndices.fromLists(p, n, ownOf(p))));
  const everyId = Array.from({ length: np }, (_, q) => ownOf(q)).flat();
  const owners = findOwner(rows, ranks.map((p) => [-1, ...everyId.slice(p % 3), ...everyId.slice(0, p % 3)]));
  owners.forEach((found, p) => {
    const asked = [-1, ...everyId.slice(p % 3), ...everyId.slice(0, p % 3)];
    assert.deepEqual(
      Array.from(found),
      asked.map((g) => (g < 0 ? -1 : Math.floor(everyId.indexOf(g) / 3))),
      `owners seen by part ${p}`,
    );
  });
}

/**
 * The ghost plan of a range whose ghosts come in every shape a part may list them: one run of
 * consecutive ascending ids (part 0 from part 1), ascending ids with gaps (part 0 from part 2),
 * descending ids (part 1 from part 0), and owners out of order (part 2). Each owner must learn
 * exactly the own local ids each holder ghosts, in the holder's order.
 */
export const ghostPlanOfEveryGhostOrder = onParts([3, 4], (ranks: PData<number>) => {
  const ghosts = [[10, 11, 12, 21, 23, 25], [5, 3, 29, 20], [19, 0, 18], []];
  const owners = [[1, 1, 1, 2, 2, 2], [0, 0, 2, 2], [1, 0, 1], []];
  const n = 10 * ranks.np;
  const rows = new PRange(n, ranks.map((p) => new LocalIndices(p, n, new OwnRange(10 * p, 10), ghosts[p], owners[p])));
  const expected = [
    { owners: [1, 2], ownerPtrs: [0, 3, 6], ghostLids: [10, 11, 12, 13, 14, 15], holders: [1, 2], holderPtrs: [0, 2, 3], holderLids: [5, 3, 0] },
    { owners: [0, 2], ownerPtrs: [0, 2, 4], ghostLids: [10, 11, 12, 13], holders: [0, 2], holderPtrs: [0, 3, 5], holderLids: [0, 1, 2, 9, 8] },
    { owners: [0, 1], ownerPtrs: [0, 1, 3], ghostLids: [11, 10, 12], holders: [0, 1], holderPtrs: [0, 3, 5], holderLids: [1, 3, 5, 9, 0] },
    { owners: [], ownerPtrs: [0], ghostLids: [], holders: [], holderPtrs: [0], holderLids: [] },
  ];
  ghostPlan(rows).parts.forEach((plan, p) => {
    const got = Object.fromEntries(Object.entries(plan).map(([key, list]) => [key, Array.from(list as Int32Array)]));
    assert.deepEqual(got, expected[p], `ghost plan of part ${p}`);
  });
});

/**
 * Grids split in one direction only (slabs, the gallery's `[1, 1, np]`, and the other two
 * directions), including directions with fewer nodes than parts: `ownerOf` names the part whose
 * own ids hold each id.
 */
export function uniformGridSplitInOneDirection(ranks: PData<number>): void {
  const np = ranks.np;
  for (const nPerDir of [[5, 4, 3], [2, 3, 7], [4, 4]]) {
    for (let d = 0; d < nPerDir.length; d++) {
      const rows = uniformPartition(ranks, nPerDir.map((_, k) => (k === d ? np : 1)), nPerDir);
      ownerTable(rows).forEach((p, g) => assert.equal(rows.ownerOf?.(g), p, `[${nPerDir.join(', ')}] split in ${d}: owner of ${g}`));
    }
  }
}
