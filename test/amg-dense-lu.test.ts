/**
 * The AMG coarse solver's dense LU (src/solvers/amg/dense-lu.ts, chosen with the set-up kernels
 * of setup-kernels.ts): the JavaScript loops against
 * the matrix they factor (P·A = L·U, A·x = b), the early stop at a zero pivot, the native addon
 * against the JavaScript loops BIT FOR BIT on random banded and dense matrices, and the addon's
 * argument checks.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { jsSetupKernels, loadSetupBinding, nativeSetupKernels, type SetupKernels } from '../src/solvers/amg/setup-kernels.js';
import { nativeOrReason } from './fixtures/kernels/native-or-reason.js';
import { seededRng } from './fixtures/kernels/random-inputs.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/**
 * A random n×n matrix (row-major) with entries only within `band` of the diagonal (n: dense),
 * small diagonals so that partial pivoting swaps rows, and some zeros inside the band.
 */
function randomMatrix(seed: number, n: number, band: number): Float64Array {
  const random = seededRng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = Math.max(0, i - band); j <= Math.min(n - 1, i + band); j++) {
      if (random() < 0.25) continue;
      a[i * n + j] = i === j ? 0.1 * (random() - 0.5) : random() - 0.5;
    }
    a[i * n + Math.min(n - 1, i + band)] += 1;
  }
  return a;
}

/** Each row's last nonzero column (−1: none), as the coarse solver computes it. */
function lastNonzeros(a: Float64Array, n: number): Int32Array {
  const last = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (a[i * n + j] !== 0) last[i] = j;
  return last;
}

interface Factors {
  lu: Float64Array;
  last: Int32Array;
  pivot: Int32Array;
  failed: number;
}

function factor(kernels: SetupKernels, a: Float64Array, n: number, tiny = 0): Factors {
  const lu = a.slice();
  const last = lastNonzeros(a, n);
  const pivot = new Int32Array(n);
  const failed = kernels.denseLuFactor(n, lu, last, pivot, new Int32Array(n), new Float64Array(n), tiny);
  return { lu, last, pivot, failed };
}

const CASES = [
  { n: 1, band: 0 },
  { n: 7, band: 7 },
  { n: 40, band: 3 },
  { n: 64, band: 9 },
  { n: 90, band: 90 },
].flatMap(({ n, band }, c) => [0, 1].map((s) => ({ seed: 1009 * c + 7 * s + 3, n, band })));

describe('AMG dense LU (JavaScript)', () => {
  it('P·A = L·U and A·x = b on banded and dense matrices, with row swaps', () => {
    let swaps = 0;
    for (const { seed, n, band } of CASES) {
      const a = randomMatrix(seed, n, band);
      const { lu, pivot, failed } = factor(jsSetupKernels, a, n);
      expect(failed, `seed ${seed}`).toBe(-1);
      // P·A: A's rows swapped in the factorisation's order.
      const pa = a.slice();
      for (let k = 0; k < n; k++) {
        if (pivot[k] === k) continue;
        swaps++;
        for (let j = 0; j < n; j++) [pa[k * n + j], pa[pivot[k] * n + j]] = [pa[pivot[k] * n + j], pa[k * n + j]];
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k <= Math.min(i, j); k++) s += (k === i ? 1 : lu[i * n + k]) * lu[k * n + j];
          expect(Math.abs(s - pa[i * n + j]), `seed ${seed} (${i}, ${j})`).toBeLessThanOrEqual(1e-12);
        }
      }
      const random = seededRng(seed + 1);
      const xTrue = Float64Array.from({ length: n }, () => random() - 0.5);
      const x = Float64Array.from({ length: n }, (_, i) => xTrue.reduce((s, v, j) => s + a[i * n + j] * v, 0));
      jsSetupKernels.denseLuSolve(n, lu, pivot, x);
      x.forEach((v, i) => expect(Math.abs(v - xTrue[i]), `seed ${seed} x[${i}]`).toBeLessThanOrEqual(1e-8));
    }
    expect(swaps).toBeGreaterThan(0);
  });

  it('stops at the first pivot at most `tiny`: a zero column, and rows that repeat', () => {
    const n = 6;
    const a = randomMatrix(5, n, n);
    for (let i = 0; i < n; i++) a[i * n + 2] = 0;
    expect(factor(jsSetupKernels, a, n).failed).toBe(2);
    const b = randomMatrix(6, n, n);
    b.copyWithin(4 * n, 1 * n, 2 * n);
    expect(factor(jsSetupKernels, b, n, 1e-12).failed).toBeGreaterThanOrEqual(0);
  });
});

const native = nativeOrReason(() => nativeSetupKernels(loadSetupBinding()));
if ('binding' in native) {
  describe('AMG dense LU: native vs JavaScript', () => {
    it('same bits: factors, swaps, last columns, the failed step, and solutions', () => {
      for (const { seed, n, band } of CASES) {
        const a = randomMatrix(seed, n, band);
        const js = factor(jsSetupKernels, a, n);
        const got = factor(native.binding, a, n);
        expect(got.failed).toBe(js.failed);
        expect(got.pivot).toEqual(js.pivot);
        expect(got.last).toEqual(js.last);
        got.lu.forEach((v, e) => expect(Object.is(v, js.lu[e]), `seed ${seed} lu[${e}]`).toBe(true));
        const random = seededRng(seed + 2);
        const b = Float64Array.from({ length: n }, () => random() - 0.5);
        const xJs = b.slice();
        const xNative = b.slice();
        jsSetupKernels.denseLuSolve(n, js.lu, js.pivot, xJs);
        native.binding.denseLuSolve(n, got.lu, got.pivot, xNative);
        xNative.forEach((v, i) => expect(Object.is(v, xJs[i]), `seed ${seed} x[${i}]`).toBe(true));
      }
      const singular = randomMatrix(11, 8, 8);
      for (let i = 0; i < 8; i++) singular[i * 8 + 5] = 0;
      expect(factor(native.binding, singular, 8).failed).toBe(factor(jsSetupKernels, singular, 8).failed);
    });

    it('checks types, lengths and ids before any pass', () => {
      const binding = loadSetupBinding();
      const n = 5;
      const a = randomMatrix(17, n, n);
      const call = (over: { lu?: unknown; last?: Int32Array; multipliers?: Float64Array }): number =>
        binding.denseLuFactor(
          n, (over.lu ?? a.slice()) as Float64Array, over.last ?? lastNonzeros(a, n), new Int32Array(n), new Int32Array(n),
          over.multipliers ?? new Float64Array(n), 0,
        );
      expect(call({})).toBe(-1);
      expect(() => call({ lu: new Float64Array(n * n - 1) })).toThrow(/lu has length/);
      expect(() => call({ lu: new Float32Array(n * n) })).toThrow(TypeError);
      expect(() => call({ last: Int32Array.of(4, 4, 5, 4, 4) })).toThrow(/last\[2\] = 5/);
      expect(() => call({ multipliers: new Float64Array(n - 1) })).toThrow(/multipliers/);
      const lu = a.slice();
      const pivot = new Int32Array(n);
      binding.denseLuFactor(n, lu, lastNonzeros(a, n), pivot, new Int32Array(n), new Float64Array(n), 0);
      const x = new Float64Array(n);
      expect(() => binding.denseLuSolve(n, lu, Int32Array.of(0, 1, 9, 3, 4), x)).toThrow(/pivot\[2\] = 9/);
      expect(() => binding.denseLuSolve(n, lu, pivot, new Float64Array(n - 1))).toThrow(/x has length/);
      expect(() => binding.denseLuFactor(-1, lu, pivot, pivot, pivot, x, 0)).toThrow(/n must be an integer/);
    });
  });
} else {
  it(`AMG dense LU: native unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native dense LU: ${native.reason}`);
    console.warn(`native-vs-JS dense LU comparison not run: ${native.reason}`);
  });
}
