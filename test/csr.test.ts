import { describe, expect, it } from 'vitest';
import { entryRowSpan, type CsrMatrix } from '../src/kernels/csr.js';
import { randomInt, seededRng } from './fixtures/kernels/random-inputs.js';

function block(rowPtr: number[]): CsrMatrix {
  const nnz = rowPtr[rowPtr.length - 1];
  return {
    nRows: rowPtr.length - 1,
    nCols: 1,
    rowPtr: Int32Array.from(rowPtr),
    colIdx: new Int32Array(nnz),
    values: new Float64Array(nnz),
  };
}

/** The span by a linear scan: first and one past the last row with entries. */
function scannedSpan(rowCounts: number[]): { first: number; end: number } {
  const rows = rowCounts.flatMap((count, i) => (count > 0 ? [i] : []));
  if (rows.length === 0) return { first: rowCounts.length, end: rowCounts.length };
  return { first: rows[0], end: rows[rows.length - 1] + 1 };
}

describe('entryRowSpan', () => {
  it.each([
    { rowPtr: [0], span: { first: 0, end: 0 } },
    { rowPtr: [0, 0, 0, 0], span: { first: 3, end: 3 } },
    { rowPtr: [0, 1, 2, 3], span: { first: 0, end: 3 } },
    { rowPtr: [0, 0, 1, 1, 1], span: { first: 1, end: 2 } },
    { rowPtr: [0, 0, 0, 2, 2, 5], span: { first: 2, end: 5 } },
    { rowPtr: [0, 3, 3, 3, 3, 3], span: { first: 0, end: 1 } },
    { rowPtr: [0, 1, 1, 1, 2, 2], span: { first: 0, end: 4 } },
    { rowPtr: [4, 4, 6, 6], span: { first: 1, end: 2 } },
  ])('rowPtr $rowPtr → $span', ({ rowPtr, span }) => {
    expect(entryRowSpan(block(rowPtr))).toEqual(span);
  });

  it('agrees with a linear scan on random blocks', () => {
    const rng = seededRng(7);
    for (let trial = 0; trial < 300; trial++) {
      const nRows = randomInt(rng, 0, 40);
      const counts = Array.from({ length: nRows }, () => (randomInt(rng, 0, 3) === 0 ? randomInt(rng, 1, 3) : 0));
      const rowPtr = [0];
      for (const count of counts) rowPtr.push(rowPtr[rowPtr.length - 1] + count);
      expect(entryRowSpan(block(rowPtr)), `counts ${counts.join(',')}`).toEqual(scannedSpan(counts));
    }
  });
});
