/**
 * Dense BLAS: OpenBLAS and the JavaScript fallback against an independent reference (within
 * rounding bounds) on random inputs with strides of both signs, both layouts and transposes, and
 * empty sizes; the BLAS special cases; bad input (exact messages, nothing written); the loader's
 * diagnosis and the PA_BLAS choice; and OpenBLAS pinned to one thread.
 *
 * When the addon is not built the OpenBLAS tests are reported as one test saying why; with
 * PA_REQUIRE_NATIVE=1 that test fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BLAS_FIXES, OPENBLAS_MIN_WORK, blas, blasAddonPaths, denseMatVec, jsBlas, loadBlasBinding, openBlas, selectBlas,
  type BlasBinding, type BlasEnvironment, type BlasLayout, type BlasTranspose, type DenseBlas,
} from '../src/dense/blas.js';
import { pinOpenBlasToOneThread } from '../src/dense/openblas-threads.js';
import { BackendUnavailableError, DimensionMismatchError, InvalidArgumentError } from '../src/errors.js';
import { randomInt, randomScalar, randomValue, seededRng, type Rng } from './fixtures/kernels/random-inputs.js';

const SEEDS = Array.from({ length: 150 }, (_, i) => 7000 + i);
const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';
const U = 2 ** -53;

function openBlasBinding(): { binding: BlasBinding } | { reason: string } {
  try {
    return { binding: loadBlasBinding() };
  } catch (error) {
    return { reason: error instanceof BackendUnavailableError ? error.reasons.join('; ') : String(error) };
  }
}
const available = openBlasBinding();

/** Where element i of a strided vector of `count` elements lives (BLAS's convention). */
const at = (count: number, inc: number, i: number): number => (inc > 0 ? i * inc : (count - 1 - i) * -inc);

/** Rounding bound of a k-term sum of products, computed twice (by the code and the reference). */
const bound = (k: number, magnitude: number): number => (4 * (k + 2) * U * magnitude) / (1 - (k + 2) * U) + (k + 2) * 2 ** -1070;

function randomArray(rng: Rng, length: number): Float64Array {
  const a = new Float64Array(length);
  for (let i = 0; i < a.length; i++) a[i] = randomValue(rng);
  return a;
}

const randomInc = (rng: Rng): number => [1, 1, 1, 2, 3, -1, -2, -3][randomInt(rng, 0, 7)];
const randomCount = (rng: Rng, small: number, large: number): number => (rng() < 0.85 ? randomInt(rng, 0, small) : randomInt(rng, 0, large));
/** A vector spanning `count` elements at stride `inc`, plus 0..3 elements after it. */
const stridedArray = (rng: Rng, count: number, inc: number): Float64Array =>
  randomArray(rng, (count === 0 ? 0 : 1 + (count - 1) * Math.abs(inc)) + randomInt(rng, 0, 3));

/** Checks `got` against `before` with `expected` values (and tolerances) at the strided positions. */
function expectStrided(label: string, got: Float64Array, before: Float64Array, count: number, inc: number, expected: number[], tol: number[]): void {
  const hit = new Set(Array.from({ length: count }, (_, i) => at(count, inc, i)));
  for (let i = 0; i < count; i++) {
    const k = at(count, inc, i);
    if (!(Math.abs(got[k] - expected[i]) <= tol[i])) expect.fail(`${label}: element ${i} = ${got[k]}, expected ${expected[i]} ± ${tol[i]}`);
  }
  for (let k = 0; k < got.length; k++) {
    if (!hit.has(k) && !Object.is(got[k], before[k])) expect.fail(`${label}: index ${k} outside the vector was written`);
  }
}

function checkDdot(impl: DenseBlas, rng: Rng, label: string): void {
  const n = randomCount(rng, 40, 3000);
  const [incx, incy] = [randomInc(rng), randomInc(rng)];
  const [x, y] = [stridedArray(rng, n, incx), stridedArray(rng, n, incy)];
  let [s, magnitude] = [0, 0];
  for (let i = 0; i < n; i++) {
    const p = x[at(n, incx, i)] * y[at(n, incy, i)];
    s += p;
    magnitude += Math.abs(p);
  }
  const got = impl.ddot(n, x, incx, y, incy);
  if (!(Math.abs(got - s) <= bound(n, magnitude))) expect.fail(`${label}: ddot(n=${n}, incx=${incx}, incy=${incy}) = ${got}, expected ${s}`);
}

function checkDaxpy(impl: DenseBlas, rng: Rng, label: string): void {
  const n = randomCount(rng, 40, 3000);
  const alpha = randomScalar(rng);
  const [incx, incy] = [randomInc(rng), randomInc(rng)];
  const [x, y] = [stridedArray(rng, n, incx), stridedArray(rng, n, incy)];
  const [x0, y0] = [Float64Array.from(x), Float64Array.from(y)];
  const expected = Array.from({ length: n }, (_, i) => alpha * x[at(n, incx, i)] + y[at(n, incy, i)]);
  const tol = Array.from({ length: n }, (_, i) => bound(1, Math.abs(alpha * x[at(n, incx, i)]) + Math.abs(y[at(n, incy, i)])));
  impl.daxpy(n, alpha, x, incx, y, incy);
  expect(x).toEqual(x0);
  expectStrided(`${label}: daxpy(n=${n}, alpha=${alpha}, incx=${incx}, incy=${incy})`, y, y0, n, incy, expected, tol);
}

/** One random dgemv against y = alpha op(A) x + beta y computed from A(i,j) element by element. */
function checkDgemv(impl: DenseBlas, rng: Rng, label: string): void {
  const layout: BlasLayout = rng() < 0.5 ? 'row' : 'col';
  const trans: BlasTranspose = rng() < 0.5 ? 'n' : 't';
  const [m, n] = [randomCount(rng, 12, 90), randomCount(rng, 12, 90)];
  const lda = Math.max(1, layout === 'row' ? n : m) + randomInt(rng, 0, 3);
  const A = randomArray(rng, (layout === 'row' ? m * lda : n * lda) + randomInt(rng, 0, 2));
  const entry = (i: number, j: number): number => (layout === 'row' ? A[i * lda + j] : A[i + j * lda]);
  const op = (i: number, j: number): number => (trans === 'n' ? entry(i, j) : entry(j, i));
  const [lenX, lenY] = trans === 'n' ? [n, m] : [m, n];
  const [incx, incy] = [randomInc(rng), randomInc(rng)];
  const [x, y] = [stridedArray(rng, lenX, incx), stridedArray(rng, lenY, incy)];
  const [alpha, beta] = [randomScalar(rng), randomScalar(rng)];
  const [A0, x0, y0] = [Float64Array.from(A), Float64Array.from(x), Float64Array.from(y)];
  const expected: number[] = [];
  const tol: number[] = [];
  for (let i = 0; i < lenY; i++) {
    const yi = y[at(lenY, incy, i)];
    if (m === 0 || n === 0) {
      expected.push(yi);
      tol.push(0);
      continue;
    }
    let [s, magnitude, sizes] = [0, 0, 1];
    for (let j = 0; j < lenX; j++) {
      const p = op(i, j) * x[at(lenX, incx, j)];
      s += p;
      magnitude += Math.abs(p);
      sizes += Math.abs(op(i, j)) + Math.abs(x[at(lenX, incx, j)]);
    }
    expected.push(alpha * s + (beta === 0 ? 0 : beta * yi));
    // A subnormal alpha x_j (or alpha A_ij) is off by up to 2^-1075, then multiplied by A_ij (x_j).
    tol.push(bound(lenX + 1, Math.abs(alpha) * magnitude + Math.abs(beta * yi)) + sizes * 2 ** -1072);
  }
  impl.dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
  expect(A).toEqual(A0);
  expect(x).toEqual(x0);
  const call = `dgemv('${layout}', '${trans}', m=${m}, n=${n}, lda=${lda}, incx=${incx}, incy=${incy}, alpha=${alpha}, beta=${beta})`;
  expectStrided(`${label}: ${call}`, y, y0, lenY, incy, expected, tol);
}

/** dgemv on a 2×3 matrix, every layout and transpose, with expectations computed by hand. */
function checkByHand(impl: DenseBlas): void {
  // A = [[1, 2, 3], [4, 5, 6]]
  const rowMajor = Float64Array.of(1, 2, 3, 4, 5, 6);
  const colMajorPadded = Float64Array.of(1, 4, 99, 2, 5, 99, 3, 6); // lda = 3
  for (const [layout, A, lda] of [['row', rowMajor, 3], ['col', colMajorPadded, 3]] as const) {
    const y = Float64Array.of(10, 20);
    impl.dgemv(layout, 'n', 2, 3, 2, A, lda, Float64Array.of(1, 0, -1), 1, 0.5, y, 1);
    expect(Array.from(y), `${layout} 'n'`).toEqual([2 * -2 + 5, 2 * -2 + 10]);
    const yt = Float64Array.of(1, 1, 1);
    impl.dgemv(layout, 't', 2, 3, 1, A, lda, Float64Array.of(1, -1), 1, 1, yt, 1);
    expect(Array.from(yt), `${layout} 't'`).toEqual([-3 + 1, -3 + 1, -3 + 1]);
  }
  // x at stride -2: elements (x[4], x[2], x[0]) = (3, 2, 1); y at stride 2
  const y = Float64Array.of(0, 7, 0);
  impl.dgemv('row', 'n', 2, 3, 1, rowMajor, 3, Float64Array.of(1, 9, 2, 9, 3), -2, 0, y, 2);
  expect(Array.from(y)).toEqual([1 * 3 + 2 * 2 + 3 * 1, 7, 4 * 3 + 5 * 2 + 6 * 1]);
  expect(impl.ddot(3, Float64Array.of(1, 2, 3), 1, Float64Array.of(4, 0, 5, 0, 6), -2)).toBe(1 * 6 + 2 * 5 + 3 * 4);
  const ya = Float64Array.of(1, 1, 1, 1);
  impl.daxpy(2, 3, Float64Array.of(1, 2), -1, ya, 3);
  expect(Array.from(ya)).toEqual([1 + 3 * 2, 1, 1, 1 + 3 * 1]);
}

/** BLAS's special cases: empty sizes, beta = 0 ignores y, alpha = 0 ignores A and x. */
function checkSpecialCases(impl: DenseBlas): void {
  const y = Float64Array.of(3, NaN);
  expect(impl.ddot(0, new Float64Array(0), 1, new Float64Array(0), -1)).toBe(0);
  impl.daxpy(0, 2, new Float64Array(0), 1, y, 1);
  impl.dgemv('row', 'n', 2, 0, 1, new Float64Array(0), 1, new Float64Array(0), 1, 2, y, 1);
  impl.dgemv('col', 't', 0, 2, 1, new Float64Array(0), 1, new Float64Array(0), 1, 2, y, 1);
  expect(Array.from(y)).toEqual([3, NaN]); // quick return: y untouched even though beta = 2
  impl.dgemv('row', 'n', 2, 1, 1, Float64Array.of(2, 3), 1, Float64Array.of(5), 1, 0, y, 1);
  expect(Array.from(y)).toEqual([10, 15]);
  impl.dgemv('col', 't', 1, 2, 0, Float64Array.of(NaN, NaN), 1, Float64Array.of(NaN), 1, -1, y, 1);
  expect(Array.from(y)).toEqual([-10, -15]);
  impl.daxpy(2, 0, Float64Array.of(NaN, NaN), 1, y, 1);
  expect(Array.from(y)).toEqual([-10, -15]);
}

function runsAgainstReference(impl: DenseBlas): void {
  for (const [name, check] of [['ddot', checkDdot], ['daxpy', checkDaxpy], ['dgemv', checkDgemv]] as const) {
    it(`${name}: ${SEEDS.length} random inputs (strides ±1..3, both layouts and transposes, empty sizes) within rounding bounds`, () => {
      for (const seed of SEEDS) check(impl, seededRng(seed), `seed ${seed}`);
    });
  }
  it('ddot, daxpy and dgemv on small cases computed by hand (every layout, transpose, negative strides)', () => checkByHand(impl));
  it('BLAS special cases: n = 0, m = 0 (y untouched), beta = 0 (old y ignored), alpha = 0 (A, x ignored)', () => checkSpecialCases(impl));
  it('denseMatVec computes y = A x for row-major A, and zeroes y when A has no columns', () => {
    const y = Float64Array.of(NaN, NaN);
    denseMatVec(Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(1, 0, -1), y, impl);
    expect(Array.from(y)).toEqual([-2, -2]);
    denseMatVec(new Float64Array(0), new Float64Array(0), y, impl);
    expect(Array.from(y)).toEqual([0, 0]);
  });
}

describe('JS BLAS against an independent reference', () => {
  runsAgainstReference(jsBlas);
});

if ('binding' in available) {
  const { binding } = available;
  for (const [how, openblas] of [['every call in OpenBLAS', openBlas(binding, 0)], ['default small-size delegation', openBlas(binding)]] as const) {
    describe(`OpenBLAS (${how}) against an independent reference`, () => {
      it('is the OpenBLAS implementation', () => expect(openblas.kind).toBe('openblas'));
      runsAgainstReference(openblas);
    });
  }
} else {
  it(`OpenBLAS: unavailable, its tests not run (${available.reason})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires OpenBLAS (install libopenblas-dev, npm run build:native): ${available.reason}`);
    console.warn(`OpenBLAS tests not run: ${available.reason}`);
  });
}

if ('binding' in available) {
  describe('the addon\'s column-major kernel (gemvColumns)', () => {
    const { binding } = available;
    const paths = (['avx512', 'avx2', 'scalar'] as const).slice(['avx512', 'avx2', 'scalar'].indexOf(binding.gemvColumnsPath()));

    it(`every path this CPU has (${paths.join(', ')}) gives the same bits, within rounding bounds of the reference, across the 16-column groups and 4096-row blocks`, () => {
      const rng = seededRng(91);
      for (const [m, n, lda] of [[4101, 37, 4103], [9, 16, 9], [23, 33, 25], [1, 17, 1]]) {
        const A = randomArray(rng, (n - 1) * lda + m);
        const x = randomArray(rng, n);
        const y0 = randomArray(rng, m);
        const [alpha, beta] = [randomScalar(rng), randomScalar(rng)];
        const results = (['auto', ...paths] as const).map((path) => {
          const y = Float64Array.from(y0);
          binding.gemvColumns(m, n, alpha, A, lda, x, beta, y, path);
          return y;
        });
        for (const y of results.slice(1)) expect(y).toEqual(results[0]);
        for (let i = 0; i < m; i++) {
          let [s, magnitude] = [0, 0];
          for (let j = 0; j < n; j++) {
            s += A[i + j * lda] * x[j];
            magnitude += Math.abs(A[i + j * lda] * x[j]);
          }
          const expected = alpha * s + (beta === 0 ? 0 : beta * y0[i]);
          const tol = bound(n + 1, Math.abs(alpha) * magnitude + Math.abs(beta * y0[i])) + 2 ** -1000;
          if (!(Math.abs(results[0][i] - expected) <= tol)) expect.fail(`m=${m} n=${n}: y[${i}] = ${results[0][i]}, expected ${expected} ± ${tol}`);
        }
      }
    });

    it('refuses a path the CPU lacks or does not exist, and bad sizes, before writing', () => {
      const y = Float64Array.of(7, 7);
      expect(() => binding.gemvColumns(2, 3, 1, new Float64Array(6), 2, new Float64Array(3), 0, y, 'sse' as 'auto')).toThrow(
        new RangeError("gemvColumns: path must be 'auto', 'avx512', 'avx2' or 'scalar'"),
      );
      expect(() => binding.gemvColumns(2, 3, 1, new Float64Array(5), 2, new Float64Array(3), 0, y, 'auto')).toThrow(
        new RangeError('gemvColumns: A has length 5, needs at least (n-1)*lda + m = 6'),
      );
      expect(() => binding.gemvColumns(2, 3, 1, new Float64Array(6), 1, new Float64Array(3), 0, y, 'auto')).toThrow(
        new RangeError('gemvColumns: lda must be an integer in 2 .. 2^31-1 (max(1, m)), got 1'),
      );
      if (paths[0] !== 'avx512') {
        expect(() => binding.gemvColumns(2, 3, 1, new Float64Array(6), 2, new Float64Array(3), 0, y, 'avx512')).toThrow(
          new RangeError("gemvColumns: path 'avx512' is not supported by this CPU"),
        );
      }
      expect(Array.from(y)).toEqual([7, 7]);
    });
  });
}

describe('bad input', () => {
  const f64 = (n: number): Float64Array => new Float64Array(n).fill(7);
  const shared = f64(8);
  /** A bad call, the exact message, and the array that must stay untouched. */
  const cases: [(k: DenseBlas) => unknown, string, Float64Array][] = [
    [(k) => k.ddot(-1, f64(3), 1, f64(3), 1), 'ddot: n must be an integer in 0 .. 2^31-1, got -1', shared],
    [(k) => k.ddot(3, f64(3), 0, f64(3), 1), 'ddot: incx must be a non-zero integer in -(2^31-1) .. 2^31-1, got 0', shared],
    [(k) => k.ddot(3, f64(3), 1, f64(3), 1.5), 'ddot: incy must be a non-zero integer in -(2^31-1) .. 2^31-1, got 1.5', shared],
    [(k) => k.ddot(3, f64(3), -2, f64(3), 1), 'ddot: x has length 3, needs at least 1 + (n-1)*|incx| = 5', shared],
    [(k) => k.daxpy(2 ** 31, 1, f64(3), 1, shared, 1), 'daxpy: n must be an integer in 0 .. 2^31-1, got 2147483648', shared],
    [(k) => k.daxpy(2, '2' as unknown as number, f64(3), 1, shared, 1), 'daxpy: alpha must be a number, got string', shared],
    [(k) => k.daxpy(2, 1, [1, 2] as unknown as Float64Array, 1, shared, 1), 'daxpy: x must be a Float64Array, got Array', shared],
    [(k) => k.daxpy(3, 1, f64(3), 1, shared.subarray(0, 4), -2), 'daxpy: y has length 4, needs at least 1 + (n-1)*|incy| = 5', shared],
    [(k) => k.daxpy(3, 1, shared.subarray(0, 3), 1, shared.subarray(2, 5), 1), 'daxpy: y overlaps x in memory (y is written while x is read)', shared],
    [(k) => k.dgemv('R' as BlasLayout, 'n', 1, 1, 1, f64(1), 1, f64(1), 1, 0, shared, 1), "dgemv: layout must be 'row' or 'col', got 'R'", shared],
    [(k) => k.dgemv('row', true as unknown as BlasTranspose, 1, 1, 1, f64(1), 1, f64(1), 1, 0, shared, 1), "dgemv: trans must be 'n' or 't', got true", shared],
    [(k) => k.dgemv('row', 'n', 2, 3, 1, f64(6), 2, f64(3), 1, 0, shared, 1), 'dgemv: lda must be an integer in 3 .. 2^31-1 (max(1, n) for a row-major A), got 2', shared],
    [(k) => k.dgemv('col', 'n', 2, 3, 1, f64(6), 1, f64(3), 1, 0, shared, 1), 'dgemv: lda must be an integer in 2 .. 2^31-1 (max(1, m) for a column-major A), got 1', shared],
    [(k) => k.dgemv('row', 't', 0, 0, 1, f64(0), 0, f64(0), 1, 0, shared, 1), 'dgemv: lda must be an integer in 1 .. 2^31-1 (max(1, n) for a row-major A), got 0', shared],
    [(k) => k.dgemv('row', 'n', 2, 3, 1, f64(6), 4, f64(3), 1, 0, shared, 1), 'dgemv: A has length 6, needs at least (m-1)*lda + n = 7', shared],
    [(k) => k.dgemv('col', 'n', 2, 3, 1, f64(6), 3, f64(3), 1, 0, shared, 1), 'dgemv: A has length 6, needs at least (n-1)*lda + m = 8', shared],
    [(k) => k.dgemv('row', 't', 2, 3, 1, f64(6), 3, f64(1), 1, 0, shared, 1), 'dgemv: x has length 1, needs at least 1 + (m-1)*|incx| = 2', shared],
    [(k) => k.dgemv('row', 'n', 2, 3, 1, f64(6), 3, f64(3), 1, 0, shared.subarray(0, 2), 2), 'dgemv: y has length 2, needs at least 1 + (m-1)*|incy| = 3', shared],
    [(k) => k.dgemv('col', 'n', 2, 3, 1, f64(6), 2, f64(3), 1, null as unknown as number, shared, 1), 'dgemv: beta must be a number, got null', shared],
    [(k) => k.dgemv('row', 'n', 2, 3, 1, shared.subarray(0, 6), 3, f64(3), 1, 0, shared.subarray(5, 7), 1), 'dgemv: y overlaps A in memory (y is written while A is read)', shared],
    [(k) => k.dgemv('row', 't', 2, 3, 1, f64(6), 3, shared.subarray(0, 2), 1, 0, shared.subarray(1, 4), 1), 'dgemv: y overlaps x in memory (y is written while x is read)', shared],
  ];
  const impls: [string, () => DenseBlas][] = [['JS', () => jsBlas]];
  if ('binding' in available) {
    const { binding } = available;
    impls.push(['OpenBLAS (every call)', () => openBlas(binding, 0)], ['OpenBLAS (default delegation)', () => openBlas(binding)]);
  }

  for (const [name, impl] of impls) {
    it(`${name}: InvalidArgumentError with the exact reason, before anything is written`, () => {
      for (const [call, message, untouched] of cases) {
        const before = Float64Array.from(untouched);
        let caught: unknown;
        try {
          call(impl());
        } catch (error) {
          caught = error;
        }
        expect(caught, message).toBeInstanceOf(InvalidArgumentError);
        expect((caught as InvalidArgumentError).message).toBe(message);
        expect((caught as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
        expect(untouched, `${message}: nothing written`).toEqual(before);
      }
    });
  }

  it('denseMatVec: DimensionMismatchError when A is not y.length × x.length, nothing written', () => {
    const y = f64(2);
    expect(() => denseMatVec(f64(5), f64(3), y, jsBlas)).toThrow(
      new DimensionMismatchError('denseMatVec: A has length 5, expected y.length × x.length = 2 × 3 = 6'),
    );
    expect(() => denseMatVec(f64(6), [1, 2, 3] as unknown as Float64Array, y, jsBlas)).toThrow(
      new InvalidArgumentError('denseMatVec: x must be a Float64Array, got Array'),
    );
    expect(Array.from(y)).toEqual([7, 7]);
  });

  if ('binding' in available) {
    it('the raw addon refuses bad types (TypeError) and bad sizes (RangeError) itself, before OpenBLAS runs', () => {
      const b = available.binding;
      const y = f64(2);
      const calls: [() => unknown, ErrorConstructor, string][] = [
        [() => b.ddot(3, f64(3), 1, y, 1), RangeError, 'ddot: y has length 2, needs at least 1 + (n-1)*|incy| = 3'],
        [() => b.daxpy(2, 1, f64(2), 0, y, 1), RangeError, 'daxpy: incx must be a non-zero integer in -(2^31-1) .. 2^31-1, got 0'],
        [() => b.daxpy(2, 1, [1, 2] as unknown as Float64Array, 1, y, 1), TypeError, 'daxpy: x must be a Float64Array'],
        [() => b.dgemv('row', 'n', 2, 3, 1, f64(6), 2, f64(3), 1, 0, y, 1), RangeError, 'dgemv: lda must be an integer in 3 .. 2^31-1 (max(1, n) for a row-major A), got 2'],
        [() => b.dgemv('col', 'n', 2, 3, 1, f64(6), 3, f64(3), 1, 0, y, 1), RangeError, 'dgemv: A has length 6, needs at least (n-1)*lda + m = 8'],
        [() => b.dgemv('col', 'x' as BlasTranspose, 2, 3, 1, f64(6), 2, f64(3), 1, 0, y, 1), RangeError, "dgemv: trans must be 'n' or 't'"],
        [() => b.dgemv('row', 'n', 2, 3, 1, f64(6), 3, f64(3), -1, 0, y, 2), RangeError, 'dgemv: y has length 2, needs at least 1 + (m-1)*|incy| = 3'],
        [() => b.setNumThreads(0), RangeError, 'setNumThreads: k must be an integer in 1 .. 2^31-1, got 0'],
      ];
      for (const [call, type, message] of calls) {
        expect(call).toThrow(type);
        expect(call).toThrow(message);
      }
      expect(Array.from(y)).toEqual([7, 7]);
    });
  }
});

describe('loadBlasBinding and selectBlas', () => {
  const fakeBinding = (threads: number[]): BlasBinding => ({
    ...jsBlas,
    gemvColumns: () => undefined,
    gemvColumnsPath: () => 'scalar',
    setNumThreads: (k) => void threads.push(k),
    getNumThreads: () => threads.at(-1) ?? 1,
  });
  const madeDirs: string[] = [];
  afterAll(() => madeDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const fakeFile = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-blas-loader-'));
    madeDirs.push(dir);
    const file = join(dir, 'pa_blas.node');
    writeFileSync(file, '');
    return file;
  };

  it('looks for the release build, then the debug build, under native/blas', () => {
    const [release, debug, ...rest] = blasAddonPaths();
    expect(release.endsWith(join('native', 'blas', 'build', 'Release', 'pa_blas.node'))).toBe(true);
    expect(debug.endsWith(join('native', 'blas', 'build', 'Debug', 'pa_blas.node'))).toBe(true);
    expect(rest).toEqual([]);
  });

  it('lists every reason and the fixes when nothing loads', () => {
    const [broken, other] = [fakeFile(), fakeFile()];
    const missing = '/nonexistent/build/Release/pa_blas.node';
    const load = (path: string): unknown => {
      if (path === broken) throw new Error('libopenblas.so.0: cannot open shared object file: No such file or directory\nRequire stack: ...');
      return { ddot: () => 0 };
    };
    expect(() => loadBlasBinding([missing, broken, other], load)).toThrow(
      new BackendUnavailableError('OpenBLAS is unavailable', [
        `${missing}: not built (no such file)`,
        `${broken}: failed to load: libopenblas.so.0: cannot open shared object file: No such file or directory`,
        `${other}: not the BLAS addon (missing daxpy, dgemv, gemvColumns, gemvColumnsPath, setNumThreads, getNumThreads)`,
      ], BLAS_FIXES),
    );
    expect(() => loadBlasBinding([])).toThrow(
      'OpenBLAS is unavailable:\n  - no addon path to try\nTo fix this:\n  1. install OpenBLAS: apt-get install -y libopenblas-dev\n' +
        '  2. build the addon: npm run build:native\n  3. or use the JavaScript BLAS on purpose: PA_BLAS=js',
    );
  });

  it('applies a positive OPENBLAS_NUM_THREADS from process.env when it loads, and ignores other values', () => {
    const saved = process.env.OPENBLAS_NUM_THREADS;
    try {
      for (const [value, expected] of [['3', [3]], ['0', []], ['two', []], ['', []]] as const) {
        const threads: number[] = [];
        process.env.OPENBLAS_NUM_THREADS = value;
        const fake = fakeBinding(threads);
        expect(loadBlasBinding([fakeFile()], () => fake)).toBe(fake);
        expect(threads, `OPENBLAS_NUM_THREADS='${value}'`).toEqual(expected);
      }
    } finally {
      if (saved === undefined) delete process.env.OPENBLAS_NUM_THREADS;
      else process.env.OPENBLAS_NUM_THREADS = saved;
    }
  });

  it(`openBlas runs the JS fallback below OPENBLAS_MIN_WORK (${OPENBLAS_MIN_WORK}) elements read, OpenBLAS from there`, () => {
    const calls: string[] = [];
    const recording: BlasBinding = {
      ddot: () => {
        calls.push('ddot');
        return -1;
      },
      daxpy: () => void calls.push('daxpy'),
      dgemv: () => void calls.push('dgemv'),
      gemvColumns: () => void calls.push('gemvColumns'),
      gemvColumnsPath: () => 'scalar',
      setNumThreads: () => undefined,
      getNumThreads: () => 1,
    };
    const set = openBlas(recording);
    const half = OPENBLAS_MIN_WORK / 2;
    const ones = new Float64Array(half).fill(1);
    // Just below: 2(h-1) for ddot and daxpy, 1·(h-1) + 1 + (h-1) = 2h-1 for a 1×(h-1) dgemv.
    expect(set.ddot(half - 1, ones, 1, ones, 1)).toBe(half - 1);
    set.daxpy(half - 1, 1, ones, 1, new Float64Array(half), 1);
    set.dgemv('row', 'n', 1, half - 1, 1, ones, half, ones, 1, 0, new Float64Array(1), 1);
    expect(calls).toEqual([]);
    // From the threshold on: 2h, 2h, and 2h+1 for a 1×h dgemv.
    expect(set.ddot(half, ones, 1, ones, 1)).toBe(-1);
    set.daxpy(half, 1, ones, 1, new Float64Array(half), 1);
    set.dgemv('row', 'n', 1, half, 1, ones, half, ones, 1, 0, new Float64Array(1), 1);
    expect(calls).toEqual(['ddot', 'daxpy', 'dgemv']);
    // A column-major A without transpose (or a row-major one transposed), unit strides: the addon's kernel.
    set.dgemv('col', 'n', 1, half, 1, ones, 1, ones, 1, 0, new Float64Array(1), 1);
    set.dgemv('row', 't', half, 1, 1, ones, 1, ones, 1, 0, new Float64Array(1), 1);
    set.dgemv('col', 'n', 1, half, 1, ones, 1, ones, -1, 0, new Float64Array(1), 1);
    expect(calls).toEqual(['ddot', 'daxpy', 'dgemv', 'gemvColumns', 'gemvColumns', 'dgemv']);
  });

  it('selectBlas: PA_BLAS=js without trying the addon; OpenBLAS when it loads; JS when it does not and PA_REQUIRE_NATIVE is not set (CI=true included)', () => {
    const fake = { ...jsBlas, kind: 'openblas' as const };
    expect(selectBlas({ PA_BLAS: 'js', PA_REQUIRE_NATIVE: '1' }, () => expect.fail('must not load'))).toBe(jsBlas);
    expect(selectBlas({}, () => fake)).toBe(fake);
    expect(selectBlas({ PA_BLAS: 'openblas' }, () => fake)).toBe(fake);
    const unavailable = (): DenseBlas => openBlas(loadBlasBinding(['/x/pa_blas.node']));
    expect(selectBlas({ PA_REQUIRE_NATIVE: '0' }, unavailable)).toBe(jsBlas);
    const downstreamCi = { CI: 'true', PA_BLAS: '' };
    expect(selectBlas(downstreamCi, unavailable)).toBe(jsBlas);
    const reasonsAndFixes =
      ':\n  - /x/pa_blas.node: not built (no such file)\nTo fix this:\n  1. install OpenBLAS: apt-get install -y libopenblas-dev\n' +
      '  2. build the addon: npm run build:native\n  3. or use the JavaScript BLAS on purpose: PA_BLAS=js';
    expect(() => selectBlas({ PA_BLAS: 'openblas' }, unavailable)).toThrow(`OpenBLAS is unavailable and PA_BLAS=openblas requires it${reasonsAndFixes}`);
    expect(() => selectBlas({ PA_REQUIRE_NATIVE: '1' }, unavailable)).toThrow(
      `OpenBLAS is unavailable and PA_REQUIRE_NATIVE=1 requires it (set PA_BLAS=js to use the JavaScript BLAS)${reasonsAndFixes}`,
    );
    expect(() => selectBlas({ PA_BLAS: 'mkl' })).toThrow(new InvalidArgumentError("PA_BLAS must be 'js', 'openblas' or unset, got 'mkl'"));
    expect(() => selectBlas(undefined as unknown as BlasEnvironment)).toThrow(
      new InvalidArgumentError('selectBlas: env must be an object of environment variables (e.g. process.env), got undefined'),
    );
    expect(() => selectBlas({}, 42 as unknown as () => DenseBlas)).toThrow(new InvalidArgumentError('selectBlas: loadOpenBlas must be a function, got 42'));
  });

  it('loadBlasBinding refuses paths that are not an array of strings and a load that is not a function', () => {
    expect(() => loadBlasBinding(42 as unknown as string[])).toThrow(
      new InvalidArgumentError('load the BLAS addon: paths must be an array of file paths, got 42'),
    );
    expect(() => loadBlasBinding(['/x/pa_blas.node', 7] as unknown as string[])).toThrow(
      new InvalidArgumentError('load the BLAS addon: paths must be an array of file paths, got an array of 2'),
    );
    expect(() => loadBlasBinding(['/x/pa_blas.node'], 'require' as unknown as (path: string) => unknown)).toThrow(
      new InvalidArgumentError('load the BLAS addon: load must be a function, got "require"'),
    );
  });

  it('the process-wide blas follows PA_BLAS and the build, and computes', () => {
    const expected = process.env.PA_BLAS === 'js' || !('binding' in available) ? 'js' : 'openblas';
    expect(blas.kind).toBe(expected);
    expect(blas.ddot(2, Float64Array.of(1, 2), 1, Float64Array.of(3, 4), 1)).toBe(11);
  });
});

describe('OpenBLAS pinned to one thread', () => {
  it('pinOpenBlasToOneThread sets OPENBLAS_NUM_THREADS=1 and the loaded OpenBLAS to 1 thread', () => {
    if ('binding' in available) available.binding.setNumThreads(2);
    pinOpenBlasToOneThread();
    expect(process.env.OPENBLAS_NUM_THREADS).toBe('1');
    if ('binding' in available) expect(available.binding.getNumThreads()).toBe(1);
  });

  if (!('binding' in available)) return;

  it('in fresh processes and worker threads: before or after the addon loads, OpenBLAS ends with 1 thread', () => {
    const dist = fileURLToPath(new URL('../dist/src/dense', import.meta.url));
    if (!existsSync(join(dist, 'openblas-threads.js'))) expect.fail(`${dist}openblas-threads.js is missing: run tsc -p tsconfig.json first`);
    const program = (body: string): string => `(async () => {
      const blas = await import(${JSON.stringify(join(dist, 'blas.js'))});
      const threads = await import(${JSON.stringify(join(dist, 'openblas-threads.js'))});
      ${body}
      process.stdout.write(String(out));
    })()`;
    /** Runs `body` (which sets `out`) in a fresh process, on its main thread or in a worker thread. */
    const scenario = (where: 'main' | 'worker', body: string): number => {
      const env = { ...process.env };
      for (const name of ['OPENBLAS_NUM_THREADS', 'GOTO_NUM_THREADS', 'OMP_NUM_THREADS']) delete env[name];
      const code = where === 'main'
        ? program(body)
        : `import { Worker } from 'node:worker_threads'; new Worker(${JSON.stringify(program(body))}, { eval: true });`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env });
      if (run.status !== 0) expect.fail(`${where}: ${body}: exited with ${run.status}: ${run.stderr}`);
      return Number(run.stdout);
    };
    const load = 'const out = blas.loadBlasBinding().getNumThreads();';
    const pinThenLoad = `threads.pinOpenBlasToOneThread(); ${load}`;
    const loadThenPin = 'const b = blas.loadBlasBinding(); threads.pinOpenBlasToOneThread(); const out = b.getNumThreads();';
    // Unpinned, OpenBLAS takes a thread per core (so on one core the checks below cannot fail).
    const unpinned = scenario('main', load);
    expect(unpinned).toBeGreaterThanOrEqual(1);
    expect(scenario('worker', load)).toBe(unpinned);
    expect(scenario('main', pinThenLoad)).toBe(1);
    expect(scenario('main', loadThenPin)).toBe(1);
    // In a worker, process.env is a copy OpenBLAS never reads: the loader applies it.
    expect(scenario('worker', pinThenLoad)).toBe(1);
    expect(scenario('worker', loadThenPin)).toBe(1);
  });
});
