/**
 * The banded block-banded kernel: the native addon against the JavaScript loop BIT FOR BIT on
 * random layouts (bandwidths 0..4, unequal and empty blocks, any block-row range), the JavaScript
 * loop against a dense product, the addon's own checks, and the choice of kernel from the
 * environment. Without the addon (or with PA_KERNELS=js) the comparison is one test saying why;
 * under CI (CI=true or PA_REQUIRE_NATIVE=1) that test fails.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';
import { jsBandedKernel, jsMulBlockRows } from '../src/shared/banded-kernel.js';
import { loadBandedBinding, type BandedBinding } from '../src/shared/banded-binding.js';
import { blockBandedLayout, forEachStoredEntry, type BlockBandedLayout } from '../src/shared/block-banded-layout.js';
import { selectBandedKernel } from '../src/shared/select-banded-kernel.js';

const required = process.env.CI === 'true' || process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

function nativeBinding(): { binding: BandedBinding } | { reason: string } {
  if (process.env.PA_KERNELS === 'js') return { reason: 'PA_KERNELS=js disables it' };
  try {
    return { binding: loadBandedBinding() };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Problem {
  readonly layout: BlockBandedLayout;
  readonly data: Float64Array;
  readonly x: Float64Array;
}

/**
 * A random layout whose padding holds NaN (the kernels must never read it) and random values;
 * `width4` fixes lambda + mu = 3 (the width with a vector loop) and takes blocks of up to 40 rows,
 * so that the vector loop runs with every remainder.
 */
function randomProblem(seed: number, width4 = false): Problem {
  const r = rng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const blocks = (): number[] => Array.from({ length: int(1, 7) }, () => (r() < 0.1 ? 0 : int(1, width4 ? 40 : 9)));
  const lambda = width4 ? int(0, 3) : int(0, 4);
  const layout = blockBandedLayout('test', {
    rowBlocks: blocks(), colBlocks: blocks(), l: int(0, 4), u: int(0, 4), lambda, mu: width4 ? 3 - lambda : int(0, 4),
  });
  const data = new Float64Array(layout.storage).fill(Number.NaN);
  forEachStoredEntry(layout, 0, layout.rowBlocks.length, (offset) => {
    data[offset] = (r() - 0.5) * 2 ** int(-20, 20);
  });
  const x = Float64Array.from({ length: layout.nCols }, () => (r() - 0.5) * 2 ** int(-20, 20));
  return { layout, data, x };
}

function run(mul: BandedBinding['mulBlockRows'], p: Problem, first: number, end: number): Float64Array {
  const { layout: m } = p;
  const y = new Float64Array(m.nRows).fill(-7); // rows outside the range keep -7
  mul(first, end, m.l, m.u, m.lambda, m.mu, m.rowStart, m.colStart, m.blockStart, p.data, p.x, y);
  return y;
}

function expectSameBits(a: Float64Array, b: Float64Array, label: string): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`${label}: [${i}] ${a[i]} vs ${b[i]}`);
}

const SEEDS = Array.from({ length: 200 }, (_, i) => 7000 + i);

describe('banded block-banded kernel (JavaScript)', () => {
  it('equals the dense product summed by ascending column, bit for bit, on random layouts', () => {
    for (const seed of SEEDS) {
      const p = randomProblem(seed);
      const { nRows, nCols } = p.layout;
      const dense = new Float64Array(nRows * nCols);
      forEachStoredEntry(p.layout, 0, p.layout.rowBlocks.length, (offset, i, j) => {
        dense[i * nCols + j] = p.data[offset];
      });
      const expected = Float64Array.from({ length: nRows }, (_, i) => {
        let s = 0;
        for (let j = 0; j < nCols; j++) s += dense[i * nCols + j] * p.x[j];
        return s;
      });
      expectSameBits(run(jsMulBlockRows, p, 0, p.layout.rowBlocks.length), expected, `seed ${seed}`);
    }
  });

  it('writes only the rows of the block rows asked for, with the bits of the whole product', () => {
    for (const seed of SEEDS.slice(0, 50)) {
      const p = randomProblem(seed);
      const nB = p.layout.rowBlocks.length;
      const whole = run(jsMulBlockRows, p, 0, nB);
      const first = seed % (nB + 1);
      const end = first + ((seed >> 2) % (nB - first + 1));
      const part = run(jsMulBlockRows, p, first, end);
      for (let i = 0; i < p.layout.nRows; i++) {
        const inside = i >= p.layout.rowStart[first] && i < p.layout.rowStart[end];
        expect(Object.is(part[i], inside ? whole[i] : -7), `seed ${seed} row ${i}`).toBe(true);
      }
    }
  });
});

const native = nativeBinding();

if ('binding' in native) {
  const { binding } = native;
  describe('banded block-banded kernel (native addon)', () => {
    it('gives the JavaScript bits on random layouts and block-row ranges', () => {
      for (const seed of SEEDS) {
        const p = randomProblem(seed);
        const nB = p.layout.rowBlocks.length;
        expectSameBits(run(binding.mulBlockRows, p, 0, nB), run(jsMulBlockRows, p, 0, nB), `seed ${seed}`);
        const first = seed % (nB + 1);
        const end = first + ((seed >> 3) % (nB - first + 1));
        expectSameBits(run(binding.mulBlockRows, p, first, end), run(jsMulBlockRows, p, first, end), `seed ${seed} [${first}, ${end})`);
      }
    });

    it('gives the JavaScript bits with w = 4 (the vector loop) on random blocks of up to 40 rows', () => {
      for (const seed of SEEDS) {
        const p = randomProblem(seed, true);
        const nB = p.layout.rowBlocks.length;
        expectSameBits(run(binding.mulBlockRows, p, 0, nB), run(jsMulBlockRows, p, 0, nB), `seed ${seed}`);
      }
    });

    it('gives the JavaScript bits on the blog matrix shape (w = 4, full rows)', () => {
      const layout = blockBandedLayout('test', { rowBlocks: [50, 50, 50, 50], colBlocks: [50, 50, 50, 50], l: 1, u: 2, lambda: 2, mu: 1 });
      const r = rng(3);
      const p = { layout, data: Float64Array.from({ length: layout.storage }, r), x: Float64Array.from({ length: layout.nCols }, r) };
      expectSameBits(run(binding.mulBlockRows, p, 0, 4), run(jsMulBlockRows, p, 0, 4), 'blog shape');
    });

    it('refuses arguments that would reach outside the arrays (TypeError, RangeError)', () => {
      const p = randomProblem(1);
      const m = p.layout;
      const nB = m.rowBlocks.length;
      const call = (changes: Partial<Record<'end' | 'lambda' | 'blockStart' | 'rowStart' | 'data' | 'x' | 'y', unknown>>): void => {
        const a = { end: nB, lambda: m.lambda, blockStart: m.blockStart, rowStart: m.rowStart, data: p.data, x: p.x, y: new Float64Array(m.nRows), ...changes };
        binding.mulBlockRows(0, a.end as number, m.l, m.u, a.lambda as number, m.mu, a.rowStart as Int32Array, m.colStart, a.blockStart as Int32Array, a.data as Float64Array, a.x as Float64Array, a.y as Float64Array);
      };
      expect(() => call({})).not.toThrow();
      expect(() => call({ y: new Float64Array(m.nRows - 1) })).toThrow(new RangeError(`mulBlockRows: y has length ${m.nRows - 1}, needs at least ${m.nRows}`));
      expect(() => call({ x: new Float64Array(Math.max(0, m.nCols - 1)) })).toThrow(RangeError);
      expect(() => call({ data: new Float64Array(Math.max(0, m.storage - 1)) })).toThrow(RangeError);
      expect(() => call({ end: nB + 1 })).toThrow(/rowStart has length/);
      expect(() => call({ lambda: m.lambda + 1 })).toThrow(/blockStart does not match the bandwidths/);
      expect(() => call({ blockStart: Float64Array.from(m.blockStart) })).toThrow(new TypeError('mulBlockRows: blockStart must be an Int32Array'));
      expect(() => call({ y: [0, 0] })).toThrow(TypeError);
      expect(() => call({ end: -1 })).toThrow(/end must be an integer/);
    });

    it('mulClaimedChunks: every chunk computed once, own range from the front, the others from the back, with the JavaScript bits', () => {
      for (const seed of SEEDS) {
        const p = randomProblem(seed, seed % 2 === 0);
        const m = p.layout;
        const nB = m.rowBlocks.length;
        // Random cuts (empty chunks included) over a random range of block rows, in 1 to 3 ranges.
        const r = rng(seed);
        const first = Math.floor(r() * (nB + 1));
        const cuts = Int32Array.from({ length: 1 + Math.floor(r() * 7) }, () => first + Math.floor(r() * (nB - first + 1))).sort();
        const nChunks = cuts.length - 1;
        const nRanges = 1 + Math.floor(r() * 3);
        const rangeStart = Int32Array.from({ length: nRanges + 1 }, (_, k) => (k === nRanges ? nChunks : Math.floor(r() * (nChunks + 1)))).sort();
        rangeStart[0] = 0;
        const counters = new Float64Array(8 * nRanges);
        const y = new Float64Array(m.nRows).fill(-7);
        const self = Math.floor(r() * nRanges);
        const claim = (part: number): number =>
          binding.mulClaimedChunks(cuts, rangeStart, part, counters, m.l, m.u, m.lambda, m.mu, m.rowStart, m.colStart, m.blockStart, p.data, p.x, y);
        // The first caller takes every chunk (its own range, then the others'); the others, after, none.
        expect(claim(self), `seed ${seed}`).toBe(nChunks);
        for (let q = 0; q < nRanges; q++) expect(claim(q), `seed ${seed}`).toBe(0);
        const count = new BigInt64Array(counters.buffer);
        for (let q = 0; q < nRanges; q++) {
          const n = BigInt(rangeStart[q + 1] - rangeStart[q]);
          // Own claims in the low 32 bits, the others' in the high 32: n valid claims in all.
          const front = count[8 * q] & 0xffffffffn;
          const back = count[8 * q] >> 32n;
          expect(front + back, `seed ${seed} range ${q}`).toBe(n + BigInt(nRanges) + 1n);
        }
        expectSameBits(y, run(jsMulBlockRows, p, cuts[0], cuts[nChunks]), `seed ${seed} cuts ${cuts.join(',')}`);
      }
    });

    it('mulClaimedChunks: a part that comes late finds only what the others left', () => {
      const p = randomProblem(5, true);
      const m = p.layout;
      const nB = m.rowBlocks.length;
      // Range 0 is chunks [0, 1) [1, 2); range 1 is [2, nB). Part 1 claimed range 0's last chunk
      // already (one back claim): part 0 computes its first chunk, then finds range 1 done.
      const cuts = Int32Array.of(0, 1, 2, nB);
      const rangeStart = Int32Array.of(0, 2, 3);
      const count = new BigInt64Array(16);
      count[0] = 1n << 32n;
      count[8] = 1n;
      const counters = new Float64Array(count.buffer);
      const y = new Float64Array(m.nRows).fill(-7);
      expect(binding.mulClaimedChunks(cuts, rangeStart, 0, counters, m.l, m.u, m.lambda, m.mu, m.rowStart, m.colStart, m.blockStart, p.data, p.x, y)).toBe(1);
      expectSameBits(y, run(jsMulBlockRows, p, 0, 1), 'first chunk only');
    });

    it('mulClaimedChunks refuses bad cuts, ranges and counters, naming itself', () => {
      const p = randomProblem(1);
      const m = p.layout;
      const nB = m.rowBlocks.length;
      const call = (cuts: unknown, rangeStart: unknown, self: unknown, counters: unknown, y: Float64Array = new Float64Array(m.nRows)): number =>
        binding.mulClaimedChunks(
          cuts as Int32Array, rangeStart as Int32Array, self as number, counters as Float64Array,
          m.l, m.u, m.lambda, m.mu, m.rowStart, m.colStart, m.blockStart, p.data, p.x, y,
        );
      const ok = [Int32Array.of(0, 0, nB), Int32Array.of(0, 1, 2), 1, new Float64Array(9)] as const;
      expect(() => call(...ok)).not.toThrow();
      expect(() => call(Int32Array.of(nB, 0, 0), ok[1], 1, ok[3])).toThrow(new RangeError('mulClaimedChunks: cuts must be non-decreasing'));
      expect(() => call(Int32Array.of(0, 0, nB + 1), ok[1], 1, ok[3])).toThrow(/mulClaimedChunks: rowStart has length/);
      expect(() => call(new Int32Array(0), ok[1], 1, ok[3])).toThrow(/mulClaimedChunks: cuts has length 0/);
      expect(() => call(ok[0], Int32Array.of(1, 2), 0, ok[3])).toThrow(/rangeStart\[0\] must be 0/);
      expect(() => call(ok[0], Int32Array.of(0, 1), 0, ok[3])).toThrow(/rangeStart must end at cuts.length - 1 \(2\)/);
      expect(() => call(ok[0], Int32Array.of(0, 2, 1, 2), 0, new Float64Array(17))).toThrow(/rangeStart must be non-decreasing/);
      expect(() => call(ok[0], ok[1], 2, ok[3])).toThrow(/self must be below the number of ranges \(2\)/);
      expect(() => call(ok[0], ok[1], 1, new Float64Array(8))).toThrow(/mulClaimedChunks: counters has length 8, needs at least 9/);
      expect(() => call(ok[0], ok[1], 1, new Int32Array(18))).toThrow(new TypeError('mulClaimedChunks: counters must be a Float64Array'));
      expect(() => call(...ok, new Float64Array(m.nRows - 1))).toThrow(/mulClaimedChunks: y has length/);
    });

    it('spinWait: returns 1 on a reached count, 0 on a give-up bit set by another, 2 after setting it itself', () => {
      // The word: the count in steps of 4 above the two give-up bits (src/shared/node-barrier.ts).
      const word = new Int32Array(new SharedArrayBuffer(16));
      word[1] = 8;
      expect(binding.spinWait(word, 1, 8, 1, 1)).toBe(1);
      expect(binding.spinWait(word, 1, 4, 2, 0)).toBe(1);
      word[1] = 8 | 2;
      expect(binding.spinWait(word, 1, 12, 2, 1)).toBe(0);
      expect(word[1]).toBe(10);
      // Short of the count, nobody else: the budget runs out and the call sets its bit (only it).
      word[1] = 8;
      const t0 = performance.now();
      expect(binding.spinWait(word, 1, 12, 1, 2)).toBe(2);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(2);
      expect([word[0], word[1], word[2]]).toEqual([0, 9, 0]);
      // Counts wrap modulo 2^32 (the JavaScript side keeps them as int32): a count just past 2^31
      // reaches a target just below it, and not the other way round.
      word[1] = (2 ** 31 + 8) | 0;
      expect(binding.spinWait(word, 1, 2 ** 31 - 4, 1, 0)).toBe(1);
      word[1] = 2 ** 31 - 4;
      expect(binding.spinWait(word, 1, (2 ** 31 + 8) | 0, 1, 0)).toBe(2);
      // Memory that is not a SharedArrayBuffer (an MPI window's) is polled alike.
      expect(binding.spinWait(Int32Array.of(16), 0, 16, 1, 0)).toBe(1);
    });

    it('spinWait refuses a word it cannot read and bad numbers, naming itself', () => {
      const word = new Int32Array(2);
      expect(() => binding.spinWait(new Float64Array(2) as never, 0, 4, 1, 0)).toThrow(new TypeError('spinWait: word must be an Int32Array'));
      expect(() => binding.spinWait(word, 2, 4, 1, 0)).toThrow(/spinWait: word has length 2, needs at least 3/);
      expect(() => binding.spinWait(word, 0, 2 ** 31, 1, 0)).toThrow(/spinWait: target must be an int32/);
      expect(() => binding.spinWait(word, 0, 4, 3, 0)).toThrow(/spinWait: bit must be 1 or 2/);
      expect(() => binding.spinWait(word, 0, 4, 1, -1)).toThrow(/spinWait: spinMs must be in 0 .. 60000/);
      expect(() => binding.spinWait(word, 0, 4, 1, Number.NaN)).toThrow(/spinWait: spinMs must be in 0 .. 60000/);
    });
  });
} else {
  it(`banded kernel addon unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (required) expect.fail(`under CI the banded kernel addon is required for the bitwise comparison: ${native.reason}`);
    console.warn(`banded native-vs-JS comparison not run: ${native.reason}`);
  });
}

describe('choice of the banded kernel', () => {
  const missing = (): never => {
    throw new BackendUnavailableError('not built', ['pa_banded.node: not built (no such file)'], []);
  };
  const fake = { kind: 'native' as const, mulBlockRows: jsMulBlockRows };
  it('follows PA_KERNELS and PA_REQUIRE_NATIVE', () => {
    expect(selectBandedKernel({ PA_KERNELS: 'js' }, () => fake)).toBe(jsBandedKernel);
    expect(selectBandedKernel({}, () => fake)).toBe(fake);
    expect(selectBandedKernel({}, missing)).toBe(jsBandedKernel);
    expect(() => selectBandedKernel({ PA_KERNELS: 'native' }, missing)).toThrow(/unavailable and PA_KERNELS=native requires it/);
    expect(() => selectBandedKernel({ PA_REQUIRE_NATIVE: '1' }, missing)).toThrow(/unavailable and PA_REQUIRE_NATIVE=1 requires it/);
    expect(() => selectBandedKernel({ PA_KERNELS: 'fast' }, () => fake)).toThrow(InvalidArgumentError);
  });

  it('reports a module without mulBlockRows, mulClaimedChunks or spinWait as not the addon', () => {
    expect(() => loadBandedBinding([fileURLToPath(import.meta.url)], () => ({}))).toThrow(/not the banded addon \(missing mulBlockRows, mulClaimedChunks, spinWait\)/);
    expect(() => loadBandedBinding([fileURLToPath(import.meta.url)], () => ({ mulBlockRows: jsMulBlockRows }))).toThrow(/not the banded addon \(missing mulClaimedChunks, spinWait\)/);
  });
});
