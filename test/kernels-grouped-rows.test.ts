/**
 * The native CSR SpMVs sum four consecutive rows of the same length side by side (CsrRows in
 * native/kernels/src/kernels.h) when y shares no memory with their inputs, and one row at a time
 * otherwise. Both must give the bits of the JavaScript twins: on stencil blocks, where most rows
 * come in groups of equal length broken by boundary rows, over row ranges that start inside a
 * group, and with y overlapping x or w, where grouping would read values the one-row order has
 * already overwritten.
 *
 * With PA_KERNELS=js, or when the addon is not built, one test says why nothing ran; with
 * PA_REQUIRE_NATIVE=1 that test fails.
 */
import { describe, expect, it } from 'vitest';
import { jsKernels } from '../src/kernels/js-kernels.js';
import type { KernelSet } from '../src/kernels/kernel-set.js';
import { loadKernelsBinding, nativeKernelSet } from '../src/kernels/native-kernels.js';
import { seededRng, type Rng } from './fixtures/kernels/random-inputs.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/** A 2-D 5-point stencil block on an nx × ny grid with random values (rows of 3, 4 and 5 entries). */
function stencil(rng: Rng, nx: number, ny: number): { rowPtr: Int32Array; colIdx: Int32Array; values: Float64Array } {
  const rowPtr = new Int32Array(nx * ny + 1);
  const cols: number[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const row = j * nx + i;
      if (j > 0) cols.push(row - nx);
      if (i > 0) cols.push(row - 1);
      cols.push(row);
      if (i < nx - 1) cols.push(row + 1);
      if (j < ny - 1) cols.push(row + nx);
      rowPtr[row + 1] = cols.length;
    }
  }
  const values = Float64Array.from(cols, () => rng() * 4 - 2);
  return { rowPtr, colIdx: Int32Array.from(cols), values };
}

function vector(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng() * 2 - 1);
}

/** Every CSR kernel of `k` on rows [first, n) of the block, and the bits it leaves. */
function separate(k: KernelSet, seed: number): (number | Float64Array)[] {
  const rng = seededRng(seed);
  const nx = 3 + Math.floor(rng() * 9);
  const ny = 2 + Math.floor(rng() * 9);
  const n = nx * ny;
  const A = stencil(rng, nx, ny);
  const first = Math.floor(rng() * Math.min(n, 6));
  const m = n - first;
  const rowPtr = A.rowPtr.subarray(first);
  const x = vector(rng, n);
  const w = vector(rng, m);
  const y = vector(rng, m);
  const out: (number | Float64Array)[] = [];
  k.spmv(m, rowPtr, A.colIdx, A.values, x, y);
  out.push(y.slice());
  k.spmvAdd(m, rowPtr, A.colIdx, A.values, x, y);
  out.push(y.slice());
  out.push(k.spmvDot(m, rowPtr, A.colIdx, A.values, x, y, w, 0.5), y.slice());
  out.push(k.spmvAddDot(m, rowPtr, A.colIdx, A.values, x, y, w, -0.25), y.slice());
  return out;
}

/** The same kernels with y overlapping x (the same array, or shifted by one) or w. */
function overlapping(k: KernelSet, seed: number): (number | Float64Array)[] {
  const rng = seededRng(seed);
  const nx = 3 + Math.floor(rng() * 9);
  const ny = 2 + Math.floor(rng() * 9);
  const n = nx * ny;
  const A = stencil(rng, nx, ny);
  const b = vector(rng, n + 1);
  const w = vector(rng, n);
  const out: (number | Float64Array)[] = [];
  k.spmv(n, A.rowPtr, A.colIdx, A.values, b, b);
  k.spmvAdd(n, A.rowPtr, A.colIdx, A.values, b.subarray(1), b);
  out.push(k.spmvDot(n, A.rowPtr, A.colIdx, A.values, b, b.subarray(1), w, 0));
  out.push(k.spmvAddDot(n, A.rowPtr, A.colIdx, A.values, w, b, b, 0));
  out.push(k.spmvDot(n, A.rowPtr, A.colIdx, A.values, b, w, w, 1));
  out.push(b, w);
  return out;
}

function expectSameBits(actual: (number | Float64Array)[], expected: (number | Float64Array)[], label: string): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, j) => {
    const e = expected[j];
    if (typeof a === 'number' || typeof e === 'number') {
      expect(Object.is(a, e), `${label}: result ${j}: ${String(a)} vs ${String(e)}`).toBe(true);
      return;
    }
    expect(a.length).toBe(e.length);
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(a[i], e[i])) expect.fail(`${label}: result ${j}[${i}] = ${a[i]} vs ${e[i]}`);
    }
  });
}

const SEEDS = Array.from({ length: 80 }, (_, i) => 7000 + i);

let native: KernelSet | string;
try {
  native = process.env.PA_KERNELS === 'js' ? 'PA_KERNELS=js disables them' : nativeKernelSet(loadKernelsBinding(), 0);
} catch (error) {
  native = error instanceof Error ? error.message : String(error);
}

if (typeof native !== 'string') {
  const set = native;
  describe('native CSR SpMVs with grouped rows vs the JS kernels: bitwise', () => {
    it('stencil blocks, row ranges starting inside a group', () => {
      for (const seed of SEEDS) expectSameBits(separate(set, seed), separate(jsKernels, seed), `seed ${seed}`);
    });

    it('y overlapping x or w falls back to one row at a time (same bits as JS)', () => {
      for (const seed of SEEDS) expectSameBits(overlapping(set, seed), overlapping(jsKernels, seed), `overlap seed ${seed}`);
    });

    it('the overlapping case does depend on the order (the check above can fail)', () => {
      // In place, a one-row pass reads rows already overwritten: different from a pass on a copy.
      const rng = seededRng(1);
      const A = stencil(rng, 6, 5);
      const b = vector(rng, 30);
      const copy = b.slice();
      const y = new Float64Array(30);
      jsKernels.spmv(30, A.rowPtr, A.colIdx, A.values, copy, y);
      set.spmv(30, A.rowPtr, A.colIdx, A.values, b, b);
      expect(Array.from(b)).not.toEqual(Array.from(y));
    });
  });
} else {
  const reason = native;
  it(`native kernels: unavailable, grouped-row comparison not run (${reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native kernels: ${reason}`);
    console.warn(`grouped-row comparison not run: ${reason}`);
  });
}
