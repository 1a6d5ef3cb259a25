/**
 * The solver kernels of `native/ilu` (ILU(0) factor and solve, GMRES's Gram–Schmidt loops): the
 * JavaScript loops against the defining properties, and the native loops against the JavaScript
 * ones BIT FOR BIT. With PA_KERNELS=js or no addon built the native comparisons are one test
 * saying why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../src/errors.js';
import { compactIlu0, ilu0Checks, jsIlu0Kernels, type CompactIlu0, type Ilu0KernelSet } from '../src/solvers/ilu0-kernels.js';
import { loadIlu0Binding, nativeBicgstab, nativeGramSchmidt, nativeIlu0Kernels, selectSolverKernels, type Ilu0Binding } from '../src/solvers/ilu0-native.js';
import { jsBicgstab, jsGramSchmidt, type GramSchmidtKernels } from '../src/solvers/krylov-kernels.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

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

interface Csr {
  n: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** A random n × n CSR matrix with a diagonal (dominant unless `weak`), `perRow` off-diagonal tries per row. */
function randomCsr(seed: number, n: number, perRow: number, band = n): Csr {
  const next = rng(seed);
  const rows: Map<number, number>[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Map<number, number>();
    for (let t = 0; t < perRow; t++) {
      const j = Math.min(n - 1, Math.max(0, i + Math.floor((next() - 0.5) * 2 * band)));
      if (j !== i) row.set(j, next() - 0.5);
    }
    row.set(i, perRow + 1 + next());
    rows.push(row);
  }
  const rowPtr = new Int32Array(n + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  rows.forEach((row, i) => {
    for (const j of [...row.keys()].sort((a, b) => a - b)) {
      colIdx.push(j);
      values.push(row.get(j) as number);
    }
    rowPtr[i + 1] = colIdx.length;
  });
  return { n, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
}

function factor(kernels: Ilu0KernelSet, a: Csr): { failed: number; lu: Float64Array; diag: Int32Array } {
  const lu = new Float64Array(a.values.length);
  const diag = new Int32Array(a.n);
  const work = new Int32Array(a.n).fill(-1);
  const failed = kernels.factor(a.n, a.rowPtr, a.colIdx, a.values, lu, diag, work);
  expect(Array.from(work).every((v) => v === -1)).toBe(true);
  return { failed, lu, diag };
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe('ILU(0) and Gram–Schmidt in JavaScript', () => {
  it('ILU(0) reproduces A on its pattern ((LU)ᵢⱼ = aᵢⱼ), and is the exact LU of a tridiagonal matrix', () => {
    for (const seed of [1, 2, 3]) {
      const a = randomCsr(seed, 60, 4, 8);
      const { failed, lu, diag } = factor(jsIlu0Kernels, a);
      expect(failed).toBe(-1);
      // Dense L (unit lower) and U (pivots stored inverted) from the factors.
      const L = Array.from({ length: a.n }, (_, i) => new Float64Array(a.n).fill(0).map((_, j) => (i === j ? 1 : 0)));
      const U = Array.from({ length: a.n }, () => new Float64Array(a.n));
      for (let i = 0; i < a.n; i++) {
        for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
          const j = a.colIdx[k];
          if (j < i) L[i][j] = lu[k];
          else U[i][j] = k === diag[i] ? 1 / lu[k] : lu[k];
        }
      }
      for (let i = 0; i < a.n; i++) {
        for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) {
          const j = a.colIdx[k];
          let product = 0;
          for (let m = 0; m <= Math.min(i, j); m++) product += L[i][m] * U[m][j];
          expect(Math.abs(product - a.values[k])).toBeLessThan(1e-12 * Math.abs(a.values[k]) + 1e-14);
        }
      }
    }
    const t = randomCsr(7, 50, 2, 1); // |i - j| <= 1: no fill-in, ILU(0) = LU
    const { lu, diag } = factor(jsIlu0Kernels, t);
    const x = Float64Array.from({ length: t.n }, (_, i) => Math.cos(i));
    const b = new Float64Array(t.n);
    for (let i = 0; i < t.n; i++) for (let k = t.rowPtr[i]; k < t.rowPtr[i + 1]; k++) b[i] += t.values[k] * x[t.colIdx[k]];
    const z = new Float64Array(t.n);
    jsIlu0Kernels.solve(t.n, t.rowPtr, t.colIdx, lu, diag, b, z);
    z.forEach((v, i) => expect(Math.abs(v - x[i])).toBeLessThan(1e-12));
    jsIlu0Kernels.solve(t.n, t.rowPtr, t.colIdx, lu, diag, b, b); // in place
    sameBits(b, z, 'in-place solve');
  });

  it('the compact index gives the bits of the CSR solve, and is null for rows or offsets it cannot hold', () => {
    for (const [seed, n, perRow, band] of [[1, 1, 0, 1], [2, 9, 3, 9], [3, 400, 6, 30]]) {
      const a = randomCsr(seed, n, perRow, band);
      const { lu, diag } = factor(jsIlu0Kernels, a);
      const c = compactIlu0(a.n, a.rowPtr, a.colIdx, diag, lu) as CompactIlu0;
      expect(Array.from(c.lower, (l, i) => l + 1 + c.upper[i]).reduce((x, y) => x + y, 0)).toBe(a.rowPtr[n]);
      expect(c.lValues.length + c.uValues.length).toBe(a.rowPtr[n]);
      expect(c.uOffsets.length + n).toBe(c.uValues.length);
      // U's rows are stored last row first, each ending with its inverted pivot.
      if (n > 0) expect(c.uValues[c.upper[n - 1]]).toBe(lu[diag[n - 1]]);
      const r = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.1);
      const z = new Float64Array(n);
      jsIlu0Kernels.solve(n, a.rowPtr, a.colIdx, lu, diag, r, z);
      const zCompact = new Float64Array(n);
      jsIlu0Kernels.solveCompact(n, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues, 1, r, zCompact);
      sameBits(zCompact, z, `compact solve (seed ${seed})`);
      jsIlu0Kernels.solveCompact(n, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues, 1, r, r); // in place
      sameBits(r, z, `in-place compact solve (seed ${seed})`);
    }
    // Row 0 of an arrow matrix has 299 entries right of its diagonal; a 2 × 2 block with columns 40000 apart.
    const arrow: Csr = { n: 300, rowPtr: Int32Array.from({ length: 301 }, (_, i) => (i === 0 ? 0 : 299 + i)), colIdx: Int32Array.from([...Array(300).keys(), ...Array.from({ length: 299 }, (_, i) => i + 1)]), values: new Float64Array(599).fill(1) };
    const arrowFactors = factor(jsIlu0Kernels, arrow);
    expect(compactIlu0(arrow.n, arrow.rowPtr, arrow.colIdx, arrowFactors.diag, arrowFactors.lu)).toBeNull();
    expect(compactIlu0(40001, new Int32Array(40002).map((_, i) => (i === 0 ? 0 : i + 1)), Int32Array.from([0, 40000, ...Array.from({ length: 40000 }, (_, i) => i + 1)]), new Int32Array(40001).map((_, i) => (i === 0 ? 0 : i + 1)), new Float64Array(40002))).toBeNull();
    const f64 = (n: number): Float64Array => new Float64Array(n);
    expect(() => ilu0Checks.solveCompact(2, new Uint8Array(2), new Uint8Array(2), new Int32Array(2) as unknown as Int16Array, f64(2), new Int16Array(2), f64(2), 1, f64(2), f64(2))).toThrow(
      new InvalidArgumentError('ilu0SolveCompact: lOffsets must be an Int16Array'),
    );
    expect(() => ilu0Checks.solveCompact(3, new Uint8Array(2), new Uint8Array(3), new Int16Array(3), f64(3), new Int16Array(3), f64(3), 1, f64(3), f64(3))).toThrow(
      new InvalidArgumentError('ilu0SolveCompact: lower has length 2, needs at least 3'),
    );
  });

  it('reports the first row without a usable pivot: missing, zero, or zero after elimination', () => {
    const missing: Csr = { n: 3, rowPtr: Int32Array.of(0, 1, 2, 3), colIdx: Int32Array.of(0, 2, 2), values: Float64Array.of(1, 1, 1) };
    expect(factor(jsIlu0Kernels, missing).failed).toBe(1);
    const zero: Csr = { n: 2, rowPtr: Int32Array.of(0, 1, 2), colIdx: Int32Array.of(0, 1), values: Float64Array.of(2, 0) };
    expect(factor(jsIlu0Kernels, zero).failed).toBe(1);
    // [[1, 1], [1, 1]]: the pivot of row 1 is 1 − 1·1 = 0.
    const eliminated: Csr = { n: 2, rowPtr: Int32Array.of(0, 2, 4), colIdx: Int32Array.of(0, 1, 0, 1), values: Float64Array.of(1, 1, 1, 1) };
    expect(factor(jsIlu0Kernels, eliminated).failed).toBe(1);
  });

  it('basisDots and basisUpdate compute the projections and the update', () => {
    const next = rng(11);
    const n = 103;
    const stride = 110;
    const count = 5;
    const basis = Float64Array.from({ length: count * stride }, () => next() - 0.5);
    const w = Float64Array.from({ length: n }, () => next() - 0.5);
    const out = new Float64Array(count);
    jsGramSchmidt.basisDots(n, count, basis, stride, w, out);
    for (let i = 0; i < count; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += basis[i * stride + k] * w[k];
      expect(Math.abs(out[i] - s)).toBeLessThan(1e-13);
    }
    const coefficients = Float64Array.of(0.5, -1, 2, 0, 3);
    const expected = Float64Array.from(w, (v, k) => v + coefficients.reduce((s, c, i) => s + c * basis[i * stride + k], 0));
    const ww = jsGramSchmidt.basisUpdate(n, count, basis, stride, coefficients, w);
    w.forEach((v, k) => expect(Math.abs(v - expected[k])).toBeLessThan(1e-13));
    expect(Math.abs(ww - expected.reduce((s, v) => s + v * v, 0))).toBeLessThan(1e-12);
  });

  it('checks arguments before running (the same InvalidArgumentError on both sets)', () => {
    const kernels = selectSolverKernels({ PA_KERNELS: 'js' });
    const a = randomCsr(5, 10, 2);
    expect(() => kernels.ilu0.factor(a.n, a.rowPtr, a.colIdx, a.values, new Float64Array(2), new Int32Array(a.n), new Int32Array(a.n))).toThrow(
      new InvalidArgumentError(`ilu0Factor: lu has length 2, needs at least ${a.values.length}`),
    );
    expect(() => kernels.gramSchmidt.basisDots(10, 2, new Float64Array(15), 8, new Float64Array(10), new Float64Array(2))).toThrow(
      new InvalidArgumentError('basisDots: stride 8 is less than n = 10'),
    );
    expect(() => selectSolverKernels({ PA_KERNELS: 'fast' })).toThrow(InvalidArgumentError);
  });
});

function nativeBinding(): { binding: Ilu0Binding } | { reason: string } {
  if (process.env.PA_KERNELS === 'js') return { reason: 'PA_KERNELS=js disables them' };
  try {
    return { binding: loadIlu0Binding() };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

const loaded = nativeBinding();
if ('reason' in loaded) {
  it(`native ILU(0) kernels ${ci ? 'are required (PA_REQUIRE_NATIVE)' : 'left out'}: ${loaded.reason.split('\n')[0]}`, () => {
    expect(ci, loaded.reason).toBe(false);
  });
} else {
  describe('native solver kernels give the bits of the JavaScript ones', () => {
    const native = nativeIlu0Kernels(loaded.binding, 0);
    const nativeGs: GramSchmidtKernels = nativeGramSchmidt(loaded.binding, 0);

    it('ILU(0) factor and solve on random matrices (sizes 1 to 3000, wide and banded)', () => {
      for (const [seed, n, perRow, band] of [[1, 1, 0, 1], [2, 7, 3, 7], [3, 300, 6, 40], [4, 3000, 6, 3000], [5, 2000, 4, 3]]) {
        const a = randomCsr(seed, n, perRow, band);
        const js = factor(jsIlu0Kernels, a);
        const nat = factor(native, a);
        expect(nat.failed).toBe(js.failed);
        sameBits(nat.lu, js.lu, `lu (seed ${seed})`);
        sameBits(nat.diag, js.diag, `diag (seed ${seed})`);
        const r = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) + 0.1);
        const zJs = new Float64Array(n);
        const zNative = new Float64Array(n);
        jsIlu0Kernels.solve(n, a.rowPtr, a.colIdx, js.lu, js.diag, r, zJs);
        native.solve(n, a.rowPtr, a.colIdx, nat.lu, nat.diag, r, zNative);
        sameBits(zNative, zJs, `solve (seed ${seed})`);
        if (js.failed >= 0) continue;
        const c = compactIlu0(n, a.rowPtr, a.colIdx, nat.diag, nat.lu) as CompactIlu0;
        const zCompact = new Float64Array(n);
        native.solveCompact(n, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues, 1, r, zCompact);
        sameBits(zCompact, zJs, `compact solve (seed ${seed})`);
        // With a scale: r is scaled in place (the bits of scaling first), natively and in JavaScript.
        const scaled = r.map((v) => v * 0.3);
        const zScaled = new Float64Array(n);
        jsIlu0Kernels.solve(n, a.rowPtr, a.colIdx, js.lu, js.diag, scaled, zScaled);
        const [rNative, rJs] = [r.slice(), r.slice()];
        const [zsNative, zsJs] = [new Float64Array(n), new Float64Array(n)];
        native.solveCompact(n, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues, 0.3, rNative, zsNative);
        jsIlu0Kernels.solveCompact(n, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues, 0.3, rJs, zsJs);
        for (const [got, want, what] of [[rNative, scaled, 'r'], [rJs, scaled, 'r (js)'], [zsNative, zScaled, 'z'], [zsJs, zScaled, 'z (js)']] as const) {
          sameBits(got, want, `scaled compact solve ${what} (seed ${seed})`);
        }
      }
      const singular: Csr = { n: 2, rowPtr: Int32Array.of(0, 2, 4), colIdx: Int32Array.of(0, 1, 0, 1), values: Float64Array.of(1, 1, 1, 1) };
      expect(factor(native, singular).failed).toBe(1);
    });

    it('basisDots and basisUpdate over many sizes and basis lengths (the blocked loops keep the order)', () => {
      const next = rng(99);
      for (const [n, count, stride] of [[1, 1, 1], [3, 2, 5], [511, 3, 520], [1025, 31, 1030], [4099, 7, 4099], [20000, 12, 20001], [6147, 30, 6150],
        // every length of the fused update-and-dots tail (1..12 vectors), with and without vectors before it
        [130, 4, 130], [4101, 5, 4101], [257, 6, 260], [64, 8, 64], [999, 9, 1000], [100, 10, 101], [3001, 11, 3003], [2050, 13, 2053], [777, 24, 780]]) {
        const basis = Float64Array.from({ length: (count - 1) * stride + n }, () => next() - 0.5);
        const w = Float64Array.from({ length: n }, () => next() - 0.5);
        const outJs = new Float64Array(count);
        const outNative = new Float64Array(count);
        jsGramSchmidt.basisDots(n, count, basis, stride, w, outJs);
        nativeGs.basisDots(n, count, basis, stride, w, outNative);
        sameBits(outNative, outJs, `basisDots n=${n} count=${count}`);
        const coefficients = Float64Array.from({ length: count }, () => next() - 0.5);
        const wNative = w.slice();
        const wwJs = jsGramSchmidt.basisUpdate(n, count, basis, stride, coefficients, w);
        const wwNative = nativeGs.basisUpdate(n, count, basis, stride, coefficients, wNative);
        sameBits(wNative, w, `basisUpdate n=${n} count=${count}`);
        expect(Object.is(wwNative, wwJs)).toBe(true);
        // The fused sweep: the bits of basisUpdate then basisDots, native and JavaScript.
        const fusedJs = w.slice();
        const fusedNative = w.slice();
        const separate = w.slice();
        const dotsJs = new Float64Array(count);
        const dotsNative = new Float64Array(count);
        const dotsSeparate = new Float64Array(count);
        const wwFusedJs = jsGramSchmidt.basisUpdateDots(n, count, basis, stride, coefficients, fusedJs, dotsJs);
        const wwFusedNative = nativeGs.basisUpdateDots(n, count, basis, stride, coefficients, fusedNative, dotsNative);
        const wwSeparate = jsGramSchmidt.basisUpdate(n, count, basis, stride, coefficients, separate);
        jsGramSchmidt.basisDots(n, count, basis, stride, separate, dotsSeparate);
        sameBits(fusedJs, separate, `basisUpdateDots (js) w n=${n} count=${count}`);
        sameBits(fusedNative, separate, `basisUpdateDots w n=${n} count=${count}`);
        sameBits(dotsJs, dotsSeparate, `basisUpdateDots (js) dots n=${n} count=${count}`);
        sameBits(dotsNative, dotsSeparate, `basisUpdateDots dots n=${n} count=${count}`);
        expect(Object.is(wwFusedJs, wwSeparate) && Object.is(wwFusedNative, wwSeparate)).toBe(true);
      }
    });

    it('BiCGStab update loops (direction, half step, stabiliser dots, full step) on several lengths', () => {
      const nativeBicg = nativeBicgstab(loaded.binding, 0);
      const next = rng(5);
      for (const n of [0, 1, 7, 1000, 4097]) {
        const vec = (): Float64Array => Float64Array.from({ length: n }, () => next() - 0.5);
        const [r, v, p, s, t, pHat, sHat, rHat, x] = [vec(), vec(), vec(), vec(), vec(), vec(), vec(), vec(), vec()];
        const scalars = Float64Array.of(0.7, 1.3, 0.4, 0.9);
        const run = (k: typeof jsBicgstab) => {
          const [pk, sk, rk, xk] = [p.slice(), s.slice(), r.slice(), x.slice()];
          const out = new Float64Array(6);
          k.direction(n, rk, v, pk, scalars);
          k.half(n, rk, v, sk, scalars, out, 0);
          k.stabilizer(n, t, sk, out, 1);
          k.full(n, pHat, sHat, sk, t, rk, rHat, xk, scalars, out, 3);
          return [pk, sk, rk, xk, out];
        };
        const js = run(jsBicgstab);
        const nat = run(nativeBicg);
        js.forEach((a, i) => sameBits(nat[i], a, `bicgstab n=${n} array ${i}`));
        if (n > 0) expect(js[4][0]).toBeGreaterThan(0);
      }
      expect(() => loaded.binding.bicgHalf(5, new Float64Array(5), new Float64Array(4), new Float64Array(5), new Float64Array(4), new Float64Array(1), 0)).toThrow(RangeError);
      expect(() => loaded.binding.bicgFull(2, new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(2), new Float64Array(4), new Float64Array(2), 1)).toThrow(RangeError);
    });

    it('the addon checks what keeps memory safe (TypeError, RangeError)', () => {
      const a = randomCsr(8, 20, 3);
      const lu = new Float64Array(a.values.length);
      const diag = new Int32Array(a.n);
      expect(() => loaded.binding.ilu0Factor(a.n, a.rowPtr, Int32Array.of(0, 99), a.values, lu, diag, new Int32Array(a.n).fill(-1))).toThrow(RangeError);
      expect(() => loaded.binding.ilu0Factor(a.n, a.rowPtr, a.colIdx, a.values, lu, diag, new Int32Array(a.n))).toThrow('ilu0Factor: work must hold -1 in every entry');
      expect(() => loaded.binding.ilu0Solve(a.n, a.rowPtr, a.colIdx, lu, new Int32Array(a.n).fill(-5), new Float64Array(a.n), new Float64Array(a.n))).toThrow(
        'ilu0Solve: diag must point inside each row',
      );
      const fa = factor(jsIlu0Kernels, a);
      const c = compactIlu0(a.n, a.rowPtr, a.colIdx, fa.diag, fa.lu) as CompactIlu0;
      const [rz, zz] = [new Float64Array(a.n), new Float64Array(a.n)];
      expect(() => loaded.binding.ilu0SolveCompact(a.n, c.lower, c.upper, c.lOffsets.subarray(0, 5), c.lValues, c.uOffsets, c.uValues, 1, rz, zz)).toThrow(
        'ilu0SolveCompact: lower and upper count more entries than the offsets and values hold',
      );
      expect(() => loaded.binding.ilu0SolveCompact(a.n, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues.subarray(0, a.n), 1, rz, zz)).toThrow(RangeError);
      expect(() => loaded.binding.ilu0SolveCompact(a.n, c.lower, c.upper, new Int32Array(lu.length) as unknown as Int16Array, c.lValues, c.uOffsets, c.uValues, 1, rz, zz)).toThrow(TypeError);
      expect(() => loaded.binding.basisDots(10, 2, new Float64Array(10), 10, new Float64Array(10), new Float64Array(2))).toThrow(RangeError);
      expect(() => loaded.binding.basisUpdate(10, 1, new Float64Array(10), 10, [1] as unknown as Float64Array, new Float64Array(10))).toThrow(TypeError);
      expect(() => loaded.binding.basisUpdateDots(10, 2, new Float64Array(20), 10, new Float64Array(2), new Float64Array(10), new Float64Array(1))).toThrow(RangeError);
    });
  });
}
