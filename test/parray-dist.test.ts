/**
 * The arithmetic of PArray layouts, against tables computed here element by element: every
 * distribution on uneven sizes, grids as MPI_Dims_create, sizes above 2^31, bad input.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { dimLayout, type Distribution } from '../src/parray/distribution.js';
import { defaultGrid, makeLayout } from '../src/parray/layout.js';

/** The owner of each index, dealt by hand as the distribution's definition says. */
function ownersByDefinition(n: number, p: number, dist: Distribution): number[] {
  const owners: number[] = [];
  if (dist === 'block') {
    const l = Math.floor(n / p);
    const r = n % p;
    for (let c = 0; c < p; c++) for (let k = 0; k < l + (c >= p - r ? 1 : 0); k++) owners.push(c);
  } else if (dist === 'cyclic') {
    for (let i = 0; i < n; i++) owners.push(i % p);
  } else if ('blockCyclic' in dist) {
    for (let i = 0; i < n; i++) owners.push(Math.floor(i / dist.blockCyclic) % p);
  } else {
    dist.sizes.forEach((s, c) => {
      for (let k = 0; k < s; k++) owners.push(c);
    });
  }
  return owners;
}

const DISTS: Distribution[] = ['block', 'cyclic', { blockCyclic: 1 }, { blockCyclic: 3 }, { blockCyclic: 7 }];

describe('dimLayout', () => {
  it('agrees with the definitions for every distribution, n and p', () => {
    let checked = 0;
    for (const n of [0, 1, 2, 5, 13, 22]) {
      for (const p of [1, 2, 3, 4, 5]) {
        const explicit: Distribution = { sizes: Array.from({ length: p }, (_, c) => (c === p - 1 ? n - (p - 1) * Math.floor(n / (p + 1)) : Math.floor(n / (p + 1)))) };
        for (const dist of [...DISTS, explicit]) {
          const layout = dimLayout(n, p, dist, 'test');
          const owners = ownersByDefinition(n, p, dist);
          expect(owners.length).toBe(n);
          const seen = new Array<number>(p).fill(0);
          for (let g = 0; g < n; g++) {
            const c = owners[g];
            expect(layout.owner(g)).toBe(c);
            expect(layout.local(g)).toBe(seen[c]);
            expect(layout.global(c, seen[c])).toBe(g);
            seen[c]++;
          }
          for (let c = 0; c < p; c++) {
            expect(layout.count(c)).toBe(seen[c]);
            for (let g = 0; g <= n; g++) expect(layout.countBefore(c, g)).toBe(owners.slice(0, g).filter((o) => o === c).length);
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(6 * 5 * 6);
  });

  it('handles explicit sizes with empty blocks', () => {
    const layout = dimLayout(5, 4, { sizes: [0, 3, 0, 2] }, 'test');
    expect([0, 1, 2, 3, 4].map((g) => layout.owner(g))).toEqual([1, 1, 1, 3, 3]);
    expect([0, 1, 2, 3].map((c) => layout.count(c))).toEqual([0, 3, 0, 2]);
  });

  it('works beyond 2^31 without tables', () => {
    const n = 2 ** 33 + 5;
    const block = dimLayout(n, 3, 'block', 'test');
    const g = 2 ** 32 + 12345;
    expect(block.global(block.owner(g), block.local(g))).toBe(g);
    expect(block.count(0) + block.count(1) + block.count(2)).toBe(n);
    const bc = dimLayout(n, 3, { blockCyclic: 1000 }, 'test');
    expect(bc.global(bc.owner(g), bc.local(g))).toBe(g);
    expect(bc.owner(g)).toBe(Math.floor(g / 1000) % 3);
    expect(bc.count(0) + bc.count(1) + bc.count(2)).toBe(n);
  });

  it('rejects malformed distributions with typed errors', () => {
    expect(() => dimLayout(5, 2, { blockCyclic: 0 }, 'd')).toThrow(InvalidArgumentError);
    expect(() => dimLayout(5, 2, { blockCyclic: 1.5 }, 'd')).toThrow(/block size/);
    expect(() => dimLayout(5, 2, { sizes: [2, 2] }, 'd')).toThrow(/add up to 4/);
    expect(() => dimLayout(5, 2, { sizes: [5] }, 'd')).toThrow(InvalidArgumentError);
    expect(() => dimLayout(5, 2, { sizes: [2.5, 2.5] }, 'd')).toThrow(InvalidArgumentError);
    expect(() => dimLayout(5, 2, 'diagonal', 'd')).toThrow(/a distribution is/);
  });
});

describe('defaultGrid', () => {
  it('picks what MPI_Dims_create picks', () => {
    expect(defaultGrid(12, 2)).toEqual([4, 3]);
    expect(defaultGrid(8, 3)).toEqual([2, 2, 2]);
    expect(defaultGrid(7, 2)).toEqual([7, 1]);
    expect(defaultGrid(6, 2)).toEqual([3, 2]);
    expect(defaultGrid(1, 3)).toEqual([1, 1, 1]);
    expect(defaultGrid(4, 1)).toEqual([4]);
    expect(defaultGrid(36, 2)).toEqual([6, 6]);
    expect(defaultGrid(24, 3)).toEqual([4, 3, 2]);
  });
});

describe('makeLayout', () => {
  it('numbers parts first grid coordinate fastest', () => {
    const layout = makeLayout(6, [7, 5], [3, 2], ['cyclic', 'block'], 'test');
    expect(layout.coords(4)).toEqual([1, 1]);
    expect(layout.part([2, 1])).toBe(5);
    expect(layout.localShape(4)).toEqual([2, 3]);
  });

  it('rejects bad shapes and grids before anything else', () => {
    expect(() => makeLayout(4, [3, 2.5], undefined, undefined, 't')).toThrow(/shape\[1\]/);
    expect(() => makeLayout(4, [3, 3], [3, 1], undefined, 't')).toThrow(/has 3 parts, but the run has 4/);
    expect(() => makeLayout(4, [3, 3], [4], undefined, 't')).toThrow(InvalidArgumentError);
    expect(() => makeLayout(4, [3, 3], [2, 2], ['block'], 't')).toThrow(InvalidArgumentError);
    expect(() => makeLayout(4, [], undefined, undefined, 't')).toThrow(InvalidArgumentError);
  });
});
