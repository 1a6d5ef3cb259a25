import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assemble,
  consistent,
  findOwner,
  partitionFromOwners,
  pvector,
  unionGhost,
  withSequential,
} from '../src/index.js';

/** A random partition (random owner per id) with random ghosts on each part. */
const scenario = fc
  .record({ np: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 30 }) })
  .chain(({ np, n }) =>
    fc.record({
      np: fc.constant(np),
      owners: fc.array(fc.integer({ min: 0, max: np - 1 }), { minLength: n, maxLength: n }),
      touched: fc.array(fc.array(fc.integer({ min: -2, max: n - 1 }), { maxLength: 12 }), { minLength: np, maxLength: np }),
      seed: fc.integer({ min: 1, max: 1000 }),
    }),
  );

/** Small integers (exact in any summation order) derived from the part, local id and seed. */
const valueAt = (seed: number, partId: number, lid: number): number => ((seed * 31 + partId * 17 + lid * 7) % 23) - 11;

describe('PVector properties (fast-check, Sequential, np 1..4)', () => {
  it('assemble conserves the total of all local values; consistent then copies owners into ghosts', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ np, owners, touched, seed }) => {
        await withSequential(np, async (ranks) => {
          const base = partitionFromOwners(ranks, owners);
          const gids = ranks.map((p) => touched[p]);
          const rows = unionGhost(base, gids, findOwner(base, gids));
          const v = pvector(rows, (ids) => Array.from({ length: ids.nLocal }, (_, lid) => valueAt(seed, ids.partId, lid)));
          let before = 0;
          v.values.forEach((local) => local.forEach((x) => (before += x)));
          await assemble(v);
          let after = 0;
          v.ownValues().forEach((own) => own.forEach((x) => (after += x)));
          expect(after).toBe(before);
          v.ghostValues().forEach((ghost) => expect(Array.from(ghost).every((x) => x === 0)).toBe(true));

          const byGid = new Map<number, number>();
          rows.partition.forEach((ids, p) => ids.ownToGlobal.forEach((g, lid) => byGid.set(g, v.values.localItems[p][lid])));
          await consistent(v);
          rows.partition.forEach((ids, p) =>
            ids.ghostToGlobal.forEach((g, k) => expect(v.values.localItems[p][ids.nOwn + k]).toBe(byGid.get(g))),
          );
        });
      }),
      { numRuns: 150 },
    );
  });
});
