import assert from 'node:assert/strict';
import {
  InvalidArgumentError,
  LocalIndices,
  OwnRange,
  PRange,
  assemble,
  axpy,
  consistent,
  copyInto,
  dot,
  gather,
  getAny,
  norm,
  pfill,
  pmap,
  pvectorFromCoo,
  pvector,
  pzeros,
  scale,
  sum,
  type PData,
  type PVector,
} from '../../src/index.js';

const N = 23;

/** Contiguous blocks of N ids; part p ghosts its two neighbours' edge ids and ids 0 and N-1. */
function handMadeRange(ranks: PData<number>): PRange {
  const np = ranks.np;
  const first = (p: number): number => Math.floor((p * N) / np);
  const owner = (g: number): number => {
    let p = 0;
    while (first(p + 1) <= g) p++;
    return p;
  };
  return new PRange(
    N,
    ranks.map((p) => {
      const lo = first(p);
      const hi = first(p + 1);
      const wanted = [lo - 1, hi, 0, N - 1, lo - 3].filter((g) => g >= 0 && g < N && (g < lo || g >= hi));
      const ghosts = [...new Set(wanted)].sort((a, b) => a - b);
      return new LocalIndices(p, N, new OwnRange(lo, hi - lo), ghosts, ghosts.map(owner));
    }),
  );
}

const valueOf = (g: number): number => 1000 + 7 * g;

export function consistentFillsGhostsFromOwners(ranks: PData<number>): void {
  const rows = handMadeRange(ranks);
  const v = pvector(rows, (ids) => Array.from(ids.localToGlobal, (g, lid) => (lid < ids.nOwn ? valueOf(g) : -1)));
  for (let round = 0; round < 3; round++) {
    consistent(v).wait();
    v.values.forEach((local, p) => {
      const ids = rows.partition.localItems[v.values.partIds.indexOf(p)];
      ids.localToGlobal.forEach((g, lid) => assert.equal(local[lid], valueOf(g) + round, `gid ${g}`));
    });
    v.ownValues().forEach((own) => own.forEach((_, k) => (own[k] += 1)));
  }
}

export async function assembleCountsHolders(ranks: PData<number>): Promise<void> {
  const rows = handMadeRange(ranks);
  const holders = new Array<number>(N).fill(0);
  const all = gather(rows.partition.map((ids) => Array.from(ids.localToGlobal)), { destination: 'all' });
  for (const list of getAny(all)) for (const g of list) holders[g]++;
  const v = pfill(1, rows);
  await assemble(v);
  rows.partition.forEach((ids, p) => {
    const local = v.values.localItems[v.values.partIds.indexOf(p)];
    for (let lid = 0; lid < ids.nOwn; lid++) assert.equal(local[lid], holders[ids.ownToGlobal[lid]]);
    for (let lid = ids.nOwn; lid < ids.nLocal; lid++) assert.equal(local[lid], 0);
  });
  assert.equal(sum(v), holders.reduce((a, b) => a + b, 0));
}

export function reductionsOverOwnValues(ranks: PData<number>): void {
  const rows = handMadeRange(ranks);
  const x = pvector(rows, (ids) => Array.from(ids.localToGlobal, (g) => g + 1));
  const y = pfill(2, rows);
  // Ghost entries hold junk on purpose: reductions must only read own values.
  x.ghostValues().forEach((ghost) => ghost.fill(1e9));
  const expectedSum = (N * (N + 1)) / 2;
  assert.equal(sum(x), expectedSum);
  assert.equal(dot(x, y), 2 * expectedSum);
  const sq = Array.from({ length: N }, (_, g) => (g + 1) ** 2).reduce((a, b) => a + b, 0);
  assert.equal(norm(x), Math.sqrt(sq));
  axpy(3, y, x); // x = g + 7
  assert.equal(sum(x), expectedSum + 6 * N);
  scale(0.5, x);
  assert.equal(sum(x), (expectedSum + 6 * N) / 2);
  const z = pzeros(rows);
  copyInto(z, y);
  assert.equal(sum(z), 2 * N);
  z.ghostValues().forEach((ghost) => assert.ok(ghost.every((g) => g === 0)));
}

export function reductionsAreTheSameBitsOnEveryPart(ranks: PData<number>): void {
  const rows = handMadeRange(ranks);
  const x = pvector(rows, (ids) => Array.from(ids.localToGlobal, (g) => Math.sin(g) / 3));
  const d = dot(x, x);
  const all = gather(ranks.map(() => d), { destination: 'all' });
  all.forEach((values) => values.forEach((v) => assert.equal(v, d)));
  let expected = 0;
  const np = ranks.np;
  for (let p = 0; p < np; p++) {
    let partial = 0;
    for (let g = Math.floor((p * N) / np); g < Math.floor(((p + 1) * N) / np); g++) partial += (Math.sin(g) / 3) ** 2;
    expected += partial;
  }
  assert.equal(d, expected);
}

export async function pvectorFromCooSumsContributionsAtOwners(ranks: PData<number>): Promise<void> {
  const rows = handMadeRange(ranks);
  const np = ranks.np;
  const I = ranks.map((p) => {
    const ids: number[] = [-1];
    for (let g = 0; g < N; g++) if ((g + p) % 3 === 0) ids.push(g, g);
    return ids;
  });
  const V = pmap((ids: number[], p: number) => ids.map((g) => (g < 0 ? Number.NaN : (p + 1) / 2)), I);
  const v = await pvectorFromCoo(I, V, rows);
  assert.equal(v.rows, rows);
  v.values.forEach((local, p) => {
    const ids = rows.partition.localItems[v.values.partIds.indexOf(p)];
    for (let lid = 0; lid < ids.nOwn; lid++) {
      const g = ids.ownToGlobal[lid];
      let expected = 0;
      for (let q = 0; q < np; q++) if ((g + q) % 3 === 0) expected += q + 1;
      assert.equal(local[lid], expected, `gid ${g}`);
    }
    for (let lid = ids.nOwn; lid < ids.nLocal; lid++) assert.equal(local[lid], 0);
  });
}

/**
 * Misuse from JavaScript is a typed error on every part before any communication: a Pending where
 * its vector was meant, swapped arguments, a second ghost update of either direction while one is
 * in flight; the vector is then still usable.
 */
export function misuseIsATypedErrorOnEveryPart(ranks: PData<number>): void {
  const v = pfill(1, handMadeRange(ranks));
  const update = consistent(v);
  const invalid = (message: string) => (e: unknown) => e instanceof InvalidArgumentError && e.message === message;
  assert.throws(() => dot(update as unknown as PVector, v), invalid('dot: a must be a PVector, got a Pending (call .wait() first)'));
  assert.throws(() => assemble(v), invalid('a consistent of this vector is still in progress: wait for it first'));
  update.wait();
  assert.throws(
    () => pfill(v.rows as unknown as number, 1 as unknown as PRange),
    invalid('pfill: value must be a number, got a PRange'),
  );
  assert.throws(() => axpy(2, v, 3 as unknown as PVector), invalid('axpy: y must be a PVector, got 3'));
  const back = assemble(v);
  assert.throws(() => v.finishConsistent(), invalid('no consistent of this vector is in progress'));
  back.wait();
  assert.equal(dot(pfill(1, v.rows), pfill(2, v.rows)), 2 * N);
}
