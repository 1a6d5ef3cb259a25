/**
 * The local product kernels (count, columns with values, both in one pass, values): the JavaScript twins against a dense
 * reference, the native addon against the JavaScript twins BIT FOR BIT on random rectangular
 * inputs (empty rows, empty matrices, cancellations), and the addon's own argument checks.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { loadSpgemmBinding, type SpgemmBinding } from '../src/sparse/matmul-binding.js';
import { jsSpgemmKernels, nativeSpgemmKernels, selectSpgemmKernels, type SpgemmKernels } from '../src/sparse/matmul-kernels.js';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/** Park–Miller generator: the same inputs on every run. */
function rng(seed: number): () => number {
  let state = seed;
  const next = (): number => {
    state = (state * 48271) % 0x7fffffff;
    return state / 0x7fffffff;
  };
  // The first draws of nearby seeds are close: skip them.
  for (let k = 0; k < 8; k++) next();
  return next;
}

interface Csr {
  nRows: number;
  nCols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** A random CSR matrix with unsorted, distinct columns per row and some empty rows. */
function randomCsr(random: () => number, nRows: number, nCols: number, density: number): Csr {
  const rows: [number, number][][] = [];
  for (let i = 0; i < nRows; i++) {
    const row: [number, number][] = [];
    if (random() > 0.15) {
      for (let j = 0; j < nCols; j++) if (random() < density) row.push([j, Math.round((random() - 0.5) * 8) / 4]);
    }
    rows.push(row.sort(() => random() - 0.5));
  }
  const rowPtr = new Int32Array(nRows + 1);
  rows.forEach((row, i) => (rowPtr[i + 1] = rowPtr[i] + row.length));
  const flat = rows.flat();
  return {
    nRows,
    nCols,
    rowPtr,
    colIdx: Int32Array.from(flat, (e) => e[0]),
    values: Float64Array.from(flat, (e) => e[1]),
  };
}

function runProduct(kernels: SpgemmKernels, a: Csr, b: Csr): Csr {
  const cRowPtr = new Int32Array(a.nRows + 1);
  const marker = new Int32Array(b.nCols);
  const nnz = kernels.spgemmCount(a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRowPtr, marker);
  const colIdx = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const accumulator = new Float64Array(b.nCols);
  kernels.spgemmProduct(
    a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, cRowPtr, colIdx, values, marker, accumulator,
  );
  // The values pass (refresh) on the same pattern gives the same bits.
  const again = new Float64Array(nnz);
  kernels.spgemmValues(a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, cRowPtr, colIdx, again, accumulator);
  again.forEach((v, e) => expect(Object.is(v, values[e])).toBe(true));
  // The one-pass product, given room for every product term (and one more, never written),
  // gives the same row pointers, ids and bits.
  let terms = 0;
  for (let e = 0; e < a.rowPtr[a.nRows]; e++) terms += b.rowPtr[a.colIdx[e] + 1] - b.rowPtr[a.colIdx[e]];
  const rows = { rowPtr: new Int32Array(a.nRows + 1), colIdx: new Int32Array(terms + 1).fill(-7), values: new Float64Array(terms + 1).fill(-7) };
  const count = kernels.spgemmRows(
    a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, rows.rowPtr, rows.colIdx, rows.values, marker, accumulator,
  );
  expect(count).toBe(nnz);
  expect(rows.rowPtr).toEqual(cRowPtr);
  expect(rows.colIdx.subarray(0, nnz)).toEqual(colIdx);
  rows.values.subarray(0, nnz).forEach((v, e) => expect(Object.is(v, values[e])).toBe(true));
  expect([...rows.colIdx.subarray(nnz)].every((x) => x === -7) && [...rows.values.subarray(nnz)].every((x) => x === -7)).toBe(true);
  if (nnz > 0) {
    // Without room for the last entry, the row that needs it is named and nothing is written past the room.
    const room = { colIdx: new Int32Array(nnz), values: new Float64Array(nnz - 1) };
    const lastRow = cRowPtr.findIndex((x) => x === nnz) - 1;
    expect(() =>
      kernels.spgemmRows(
        a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, new Int32Array(a.nRows + 1), room.colIdx, room.values,
        marker, accumulator,
      ),
    ).toThrow(new RegExp(`row ${lastRow} does not fit in cColIdx and cValues \\(room for ${nnz - 1} entries\\)`));
  }
  return { nRows: a.nRows, nCols: b.nCols, rowPtr: cRowPtr, colIdx, values };
}

const CASES = Array.from({ length: 40 }, (_, s) => {
  const random = rng(1000 + 7919 * s);
  const [m, k, n] = [Math.floor(random() * 30), 1 + Math.floor(random() * 30), 1 + Math.floor(random() * 30)];
  const density = 0.05 + random() * 0.4;
  return { seed: 1000 + 7919 * s, a: randomCsr(random, m, k, density), b: randomCsr(random, k, n, density) };
});

describe('spgemm kernels (JavaScript) vs a dense reference', () => {
  it('patterns, sorted columns and values of 40 random rectangular products', () => {
    for (const { seed, a, b } of CASES) {
      const c = runProduct(jsSpgemmKernels, a, b);
      for (let i = 0; i < a.nRows; i++) {
        const reach = new Set<number>();
        const sums = new Map<number, number>();
        for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) {
          const kk = a.colIdx[e];
          for (let f = b.rowPtr[kk]; f < b.rowPtr[kk + 1]; f++) {
            reach.add(b.colIdx[f]);
            sums.set(b.colIdx[f], (sums.get(b.colIdx[f]) ?? 0) + a.values[e] * b.values[f]);
          }
        }
        const cols = Array.from(c.colIdx.subarray(c.rowPtr[i], c.rowPtr[i + 1]));
        expect(cols, `seed ${seed} row ${i}`).toEqual([...reach].sort((x, y) => x - y));
        cols.forEach((j, q) => expect(c.values[c.rowPtr[i] + q]).toBe(sums.get(j)));
      }
    }
  });
});

function nativeBinding(): { binding: SpgemmBinding } | { reason: string } {
  if (process.env.PA_KERNELS === 'js') return { reason: 'PA_KERNELS=js disables them' };
  try {
    return { binding: loadSpgemmBinding() };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

const native = nativeBinding();
if ('binding' in native) {
  const kernels = nativeSpgemmKernels(native.binding);
  describe('spgemm kernels: native vs JavaScript', () => {
    it('same bits on 40 random rectangular products', () => {
      for (const { a, b } of CASES) {
        const js = runProduct(jsSpgemmKernels, a, b);
        const nat = runProduct(kernels, a, b);
        expect(nat.rowPtr).toEqual(js.rowPtr);
        expect(nat.colIdx).toEqual(js.colIdx);
        nat.values.forEach((v, e) => expect(Object.is(v, js.values[e])).toBe(true));
      }
    });

    it('transposes (pattern and gathered values) as the JavaScript twins do', () => {
      for (const { a } of CASES) {
        const nnz = a.rowPtr[a.nRows];
        const run = (k: SpgemmKernels): { ptr: Int32Array; rows: Int32Array; source: Int32Array; values: Float64Array } => {
          const out = { ptr: new Int32Array(a.nCols + 1), rows: new Int32Array(nnz), source: new Int32Array(nnz), values: new Float64Array(nnz) };
          k.csrTranspose(a.nRows, a.nCols, a.rowPtr, a.colIdx, out.ptr, out.rows, out.source);
          k.gatherValues(nnz, out.source, a.values, out.values);
          return out;
        };
        const js = run(jsSpgemmKernels);
        expect(run(kernels)).toEqual(js);
        // Row j of the transpose holds column j of A, rows ascending, with A's values.
        for (let j = 0; j < a.nCols; j++) {
          const expected: [number, number][] = [];
          for (let i = 0; i < a.nRows; i++) {
            for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) if (a.colIdx[e] === j) expected.push([i, a.values[e]]);
          }
          const got = Array.from(js.rows.subarray(js.ptr[j], js.ptr[j + 1]), (i, q) => [i, js.values[js.ptr[j] + q]]);
          expect(got).toEqual(expected);
        }
      }
      const { a } = CASES.find((c) => c.a.rowPtr[c.a.nRows] > 0)!;
      const nnz = a.rowPtr[a.nRows];
      expect(() => native.binding.csrTranspose(a.nRows, 0, a.rowPtr, a.colIdx, new Int32Array(1), new Int32Array(nnz), new Int32Array(nnz))).toThrow(
        /colIdx\[0\] = \d+ is outside/,
      );
      expect(() => native.binding.gatherValues(1, Int32Array.of(5), new Float64Array(2), new Float64Array(1))).toThrow(/source\[0\] = 5/);
    });

    it('the addon checks what it indexes: types, lengths, ids, row pointers, pattern', () => {
      const { a, b } = CASES.find((c) => c.a.nRows > 2 && c.a.rowPtr[c.a.nRows] > 0 && c.b.rowPtr[c.b.nRows] > 0)!;
      const cRowPtr = new Int32Array(a.nRows + 1);
      const marker = new Int32Array(b.nCols);
      const binding = native.binding;
      expect(() => binding.spgemmCount(a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRowPtr, new Float64Array(3) as never)).toThrow(TypeError);
      expect(() => binding.spgemmCount(a.nRows + 5, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRowPtr, marker)).toThrow(/aRowPtr has length/);
      expect(() => binding.spgemmCount(a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRowPtr, marker.subarray(0, 0))).toThrow(
        /bColIdx\[\d+\] = \d+ is outside/,
      );
      const badCols = a.colIdx.slice();
      badCols[0] = b.nRows;
      expect(() => binding.spgemmCount(a.nRows, a.rowPtr, badCols, b.rowPtr, b.colIdx, cRowPtr, marker)).toThrow(RangeError);
      const badPtr = a.rowPtr.slice();
      badPtr[1] = badPtr[a.nRows] + 1;
      expect(() => binding.spgemmCount(a.nRows, badPtr, a.colIdx, b.rowPtr, b.colIdx, cRowPtr, marker)).toThrow(RangeError);
      const nnz = binding.spgemmCount(a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, cRowPtr, marker);
      const short = cRowPtr.map((x) => Math.max(0, x - 1));
      short[0] = 0;
      const product = (rowPtr: Int32Array, accumulator: Float64Array): void =>
        binding.spgemmProduct(
          a.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, rowPtr, new Int32Array(nnz), new Float64Array(nnz),
          marker, accumulator,
        );
      expect(() => product(short, new Float64Array(b.nCols))).toThrow(/does not match the product's pattern/);
      expect(() => product(cRowPtr, new Float64Array(0))).toThrow(/accumulator has length/);
    });
  });
} else {
  it(`spgemm kernels: native unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native sparse products: ${native.reason}`);
    console.warn(`native-vs-JS spgemm comparison not run: ${native.reason}`);
  });
}

describe('spgemm kernel selection', () => {
  const missing = (): never => {
    throw new BackendUnavailableError('The native sparse products are unavailable', ['not built'], []);
  };
  it('PA_KERNELS=js, fallback without the addon, and the settings that require it', () => {
    expect(selectSpgemmKernels({ PA_KERNELS: 'js' }, missing).kind).toBe('js');
    expect(selectSpgemmKernels({}, missing).kind).toBe('js');
    expect(() => selectSpgemmKernels({ PA_KERNELS: 'native' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectSpgemmKernels({ PA_REQUIRE_NATIVE: '1' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectSpgemmKernels({ PA_KERNELS: 'fast' }, missing)).toThrow(InvalidArgumentError);
  });
});
