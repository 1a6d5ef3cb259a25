import { describe, expect, it } from 'vitest';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/psparse.js';
import type { CsrMatrix } from '../src/kernels/csr.js';
import { jsKernels } from '../src/kernels/js-kernels.js';
import { kernels } from '../src/kernels/select-kernels.js';
import { compressCoo, csrFromCoo } from '../src/sparse/coo.js';

conformanceSuite('psparse', cases);

describe.each([jsKernels, kernels])('CSR kernels ($kind)', (k) => {
  // [[4, -1, 0], [0, 0, 0], [0.5, 0, 2]]
  const A: CsrMatrix = {
    nRows: 3,
    nCols: 3,
    rowPtr: Int32Array.of(0, 2, 2, 4),
    colIdx: Int32Array.of(0, 1, 0, 2),
    values: Float64Array.of(4, -1, 0.5, 2),
  };

  it('spmv overwrites y with A x, leaving entries past nRows alone', () => {
    const y = Float64Array.of(9, 9, 9, 9);
    k.spmv(A.nRows, A.rowPtr, A.colIdx, A.values, Float64Array.of(1, 2, 3, 100), y);
    expect(Array.from(y)).toEqual([2, 0, 6.5, 9]);
  });

  it('spmvAdd adds A x to y', () => {
    const y = Float64Array.of(1, -1, 0.5);
    k.spmvAdd(A.nRows, A.rowPtr, A.colIdx, A.values, Float64Array.of(1, 2, 3), y);
    expect(Array.from(y)).toEqual([3, -1, 7]);
  });

  it('spmvAdd sums left to right starting from y[i]', () => {
    // (2^53 + 1) + 1 rounds twice to 2^53; the other order gives 2^53 + 2.
    const B: CsrMatrix = { nRows: 1, nCols: 2, rowPtr: Int32Array.of(0, 2), colIdx: Int32Array.of(0, 1), values: Float64Array.of(1, 1) };
    const y = Float64Array.of(2 ** 53);
    k.spmvAdd(B.nRows, B.rowPtr, B.colIdx, B.values, Float64Array.of(1, 1), y);
    expect(y[0]).toBe(2 ** 53);
  });
});

describe('COO compression', () => {
  it('sorts columns within rows, merges duplicates and skips negative ids', () => {
    const rows = Int32Array.of(1, 0, 1, -1, 1, 0, 2);
    const cols = Int32Array.of(2, 1, 0, 0, 2, -1, 1);
    const { rowPtr, colIdx, entryOf } = compressCoo(3, 3, rows, cols);
    expect(Array.from(rowPtr)).toEqual([0, 1, 3, 4]);
    expect(Array.from(colIdx)).toEqual([1, 0, 2, 1]);
    expect(Array.from(entryOf)).toEqual([2, 0, 1, -1, 2, -1, 3]);
  });

  it('csrFromCoo sums duplicates in order of appearance', () => {
    const big = 2 ** 53;
    // Row 0, column 1 gets big, 1, -big in this order: (big + 1) rounds to big, so the sum is 0.
    const A = csrFromCoo(2, 2, Int32Array.of(0, 1, 0, 0), Int32Array.of(1, 0, 1, 1), [big, 5, 1, -big]);
    expect(Array.from(A.rowPtr)).toEqual([0, 1, 2]);
    expect(Array.from(A.colIdx)).toEqual([1, 0]);
    expect(Array.from(A.values)).toEqual([0, 5]);
    expect(A.nRows).toBe(2);
    expect(A.nCols).toBe(2);
  });

  it('gives the same pattern without any array of nCols entries when the column range is wide', () => {
    // A fixed pseudo-random set of pairs with duplicates and skipped ones; nCols > pairs + nRows
    // takes the comparison sort, the same pairs with nCols small take the counting sorts.
    let seed = 12345;
    const next = (k: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % k;
    };
    const m = 200;
    const rowIds = Int32Array.from({ length: m }, () => next(12) - 1);
    const colIds = Int32Array.from({ length: m }, () => next(40) - 1);
    const narrow = compressCoo(11, 39, rowIds, colIds);
    const wide = compressCoo(11, 2 ** 26, rowIds, colIds);
    expect(Array.from(wide.rowPtr)).toEqual(Array.from(narrow.rowPtr));
    expect(Array.from(wide.colIdx)).toEqual(Array.from(narrow.colIdx));
    expect(Array.from(wide.entryOf)).toEqual(Array.from(narrow.entryOf));
    // The counting sorts are right (checked above): sorted unique columns per row, entries found.
    for (let k = 0; k < m; k++) {
      if (rowIds[k] < 0 || colIds[k] < 0) expect(narrow.entryOf[k]).toBe(-1);
      else expect(narrow.colIdx[narrow.entryOf[k]]).toBe(colIds[k]);
    }
  });

  it('handles empty input', () => {
    const { rowPtr, colIdx, entryOf } = compressCoo(2, 0, new Int32Array(0), new Int32Array(0));
    expect(Array.from(rowPtr)).toEqual([0, 0, 0]);
    expect(colIdx.length).toBe(0);
    expect(entryOf.length).toBe(0);
  });
});
