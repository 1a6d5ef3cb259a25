/**
 * Every kernel on random inputs: the JavaScript and native sets against an independent reference
 * (within rounding bounds), the native set against the JavaScript one BIT FOR BIT (every call in
 * the addon, and with the default small-size delegation), and the fused kernels against the
 * unfused sequences they replace in CG.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparisons are reported as one
 * test saying why; with PA_REQUIRE_NATIVE=1 that test fails.
 */
import { describe, expect, it } from 'vitest';
import { compactCsr } from '../src/kernels/compact-csr.js';
import { jsKernels } from '../src/kernels/js-kernels.js';
import type { KernelSet } from '../src/kernels/kernel-set.js';
import type { KernelsBinding } from '../src/kernels/kernels-binding.js';
import { loadKernelsBinding, nativeKernelSet } from '../src/kernels/native-kernels.js';
import { randomCsr, randomInt, randomScalar, randomSize, randomVector, seededRng } from './fixtures/kernels/random-inputs.js';
import { scenarios, type KernelName, type Outcome } from './fixtures/kernels/scenarios.js';

const SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);
const names = Object.keys(scenarios) as KernelName[];
const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

function nativeBinding(): { binding: KernelsBinding } | { reason: string } {
  if (process.env.PA_KERNELS === 'js') return { reason: 'PA_KERNELS=js disables them' };
  try {
    return { binding: loadKernelsBinding() };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** Same bits: every array element (Object.is, so -0 ≠ 0) and the returned value. */
function expectSameBits(actual: Outcome, expected: Outcome, label: string): void {
  expect(Object.is(actual.value, expected.value), `${label}: value ${actual.value} vs ${expected.value}`).toBe(true);
  expect(actual.arrays.length).toBe(expected.arrays.length);
  actual.arrays.forEach((a, j) => {
    const b = expected.arrays[j];
    expect(a.length, `${label}: length of array ${j}`).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], b[i])) expect.fail(`${label}: array ${j}[${i}] = ${a[i]} vs ${b[i]}`);
    }
  });
}

/** The fused kernels return the bits of the unfused sequences (the CG steps they replace). */
function expectFusedEqualsUnfused(k: KernelSet): void {
  for (const seed of SEEDS) {
    const rng = seededRng(seed);
    const nRows = randomSize(rng);
    const A = randomCsr(rng, nRows, nRows);
    const x = randomVector(rng, nRows);
    const [y1, y2] = [randomVector(rng, nRows), randomVector(rng, nRows)];
    const y0 = Float64Array.from(y1);
    const w = randomVector(rng, nRows);
    // q = A p and p·q in one pass == spmv, then dot
    const fused = k.spmvDot(nRows, A.rowPtr, A.colIdx, A.values, x, y1, w, 0);
    k.spmv(nRows, A.rowPtr, A.colIdx, A.values, x, y2);
    expect(Object.is(fused, k.dot(nRows, w, y2)), `spmvDot seed ${seed}`).toBe(true);
    expect(y1.subarray(0, nRows)).toEqual(y2.subarray(0, nRows));
    // the same sum over two row ranges, the second continuing from the first through init
    const cut = randomInt(rng, 0, nRows);
    const y3 = new Float64Array(nRows);
    const head = k.spmvDot(cut, A.rowPtr, A.colIdx, A.values, x, y3, w, 0);
    const whole = k.spmvDot(nRows - cut, A.rowPtr.subarray(cut), A.colIdx, A.values, x, y3.subarray(cut), w.subarray(cut), head);
    expect(Object.is(whole, fused), `spmvDot split at ${cut}, seed ${seed}`).toBe(true);
    expect(y3).toEqual(y2.subarray(0, nRows));
    // the compact form gives the bits of spmvDot, over the same two row ranges
    const compact = compactCsr({ ...A, nCols: nRows });
    if (!('lengths' in compact)) throw new Error(compact.reason);
    const { lengths, offsets, values, rowPtr } = compact;
    const y4 = new Float64Array(nRows);
    const headC = k.spmvDotCompact(0, cut, 0, rowPtr[cut], lengths, offsets, values, x, y4, w, 0);
    const wholeC = k.spmvDotCompact(cut, nRows, rowPtr[cut], rowPtr[nRows], lengths, offsets, values, x, y4, w, headC);
    expect(Object.is(headC, head) && Object.is(wholeC, fused), `spmvDotCompact split at ${cut}, seed ${seed}`).toBe(true);
    expect(y4).toEqual(y3);
    // own-ghost pass with p·q == spmvAdd, then dot
    y1.set(y0);
    y2.set(y0.subarray(0, y2.length));
    const fusedAdd = k.spmvAddDot(nRows, A.rowPtr, A.colIdx, A.values, x, y1, w, 0);
    k.spmvAdd(nRows, A.rowPtr, A.colIdx, A.values, x, y2);
    expect(Object.is(fusedAdd, k.dot(nRows, w, y2)), `spmvAddDot seed ${seed}`).toBe(true);

    // r -= αq; r·z; r·r with z = D⁻¹r == axpy(-α), z[i] = dinv[i]*r[i], dot, dot
    const n = randomSize(rng);
    const alpha = randomScalar(rng);
    const [p, q, xs, r, dinv] = Array.from({ length: 5 }, () => randomVector(rng, n));
    const [rF, out] = [Float64Array.from(r), new Float64Array(2)];
    k.cgResidualJacobi(n, alpha, q, rF, dinv, out);
    const [xU, rU, zU] = [Float64Array.from(xs), Float64Array.from(r), new Float64Array(n)];
    k.axpy(n, alpha, p, xU);
    k.axpy(n, -alpha, q, rU);
    for (let i = 0; i < n; i++) zU[i] = dinv[i] * rU[i];
    expect(rF).toEqual(rU);
    expect(Object.is(out[0], k.dot(n, rU, zU)) && Object.is(out[1], k.dot(n, rU, rU)), `cgResidualJacobi seed ${seed}`).toBe(true);
    // x += αp; r -= αq; r·r == axpy, axpy(-α), dot
    const [xN, rN] = [Float64Array.from(xs), Float64Array.from(r)];
    expect(Object.is(k.cgUpdate(n, alpha, p, q, xN, rN), out[1])).toBe(true);
    expect([xN, rN]).toEqual([xU, rU]);

    // p = D⁻¹r + βp == z[i] = dinv[i]*r[i], axpby(1, z, β, p)
    const beta = randomScalar(rng);
    const [pF, pU] = [Float64Array.from(p), Float64Array.from(p)];
    k.cgDirectionJacobi(n, beta, rU, dinv, pF);
    k.axpby(n, 1, zU, beta, pU);
    expect(pF).toEqual(pU);
    // x += αp, then p = D⁻¹r + βp == axpy, cgDirectionJacobi
    const [pS, xS] = [Float64Array.from(p), Float64Array.from(xs)];
    k.cgStepJacobi(n, alpha, beta, rU, dinv, pS, xS);
    expect([pS, xS]).toEqual([pU, xU]);
  }
}

describe('JS kernels against an independent reference', () => {
  for (const name of names) {
    it(`${name}: ${SEEDS.length} random inputs within rounding bounds`, () => {
      for (const seed of SEEDS) scenarios[name](seededRng(seed)).check(scenarios[name](seededRng(seed)).run(jsKernels));
    });
  }

  it('spmv and spmvAdd on a hand-computed 3x3 block with an empty row', () => {
    // [[4, 0, -1], [0, 0, 0], [0.5, 2, 0]] · [1, 2, 3]
    const rowPtr = Int32Array.of(0, 2, 2, 4);
    const colIdx = Int32Array.of(0, 2, 0, 1);
    const values = Float64Array.of(4, -1, 0.5, 2);
    const y = Float64Array.of(9, 9, 9, 7);
    jsKernels.spmv(3, rowPtr, colIdx, values, Float64Array.of(1, 2, 3), y);
    expect(Array.from(y)).toEqual([1, 0, 4.5, 7]);
    jsKernels.spmvAdd(3, rowPtr, colIdx, values, Float64Array.of(1, 2, 3), y);
    expect(Array.from(y)).toEqual([2, 0, 9, 7]);
  });

  it('fused kernels give the bits of the unfused CG steps they replace', () => {
    expectFusedEqualsUnfused(jsKernels);
  });
});

const native = nativeBinding();
if ('binding' in native) {
  const { binding } = native;
  const sets: [string, KernelSet][] = [
    ['every call native', nativeKernelSet(binding, 0)],
    ['default small-size delegation', nativeKernelSet(binding)],
  ];
  for (const [how, set] of sets) {
    describe(`native kernels (${how}) vs JS kernels: bitwise`, () => {
      for (const name of names) {
        it(`${name}: ${SEEDS.length} random inputs, same bits, within rounding bounds`, () => {
          for (const seed of SEEDS) {
            const scenario = scenarios[name](seededRng(seed));
            const outcome = scenario.run(set);
            expectSameBits(outcome, scenario.run(jsKernels), `${scenario.label} (seed ${seed})`);
            scenario.check(outcome);
          }
        });
      }

      it('fused kernels give the bits of the unfused CG steps they replace', () => {
        expect(set.kind).toBe('native');
        expectFusedEqualsUnfused(set);
      });

      it('overlapping arrays (y is x, views of one buffer) give the same bits', () => {
        for (const seed of SEEDS) {
          const rng = seededRng(seed);
          const n = randomInt(rng, 0, 700);
          const A = randomCsr(rng, n, n);
          const base = randomVector(rng, 2 * n + 2);
          const run = (k: KernelSet): Outcome => {
            const b = Float64Array.from(base);
            k.spmv(n, A.rowPtr, A.colIdx, A.values, b, b);
            k.spmvAdd(n, A.rowPtr, A.colIdx, A.values, b.subarray(1), b);
            k.axpy(n, 0.75, b.subarray(1), b);
            k.axpby(n, -2, b, 0.5, b.subarray(1));
            const value = k.cgUpdate(n, 1.5, b, b.subarray(2), b.subarray(1), b);
            return { arrays: [b], value };
          };
          expectSameBits(run(set), run(jsKernels), `overlap seed ${seed} n=${n}`);
        }
      });
    });
  }
} else {
  it(`native kernels: unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native kernels for the bitwise comparison: ${native.reason}`);
    console.warn(`native-vs-JS kernel comparison not run: ${native.reason}`);
  });
}
