/**
 * The pattern form of a CSR block: each row's shape id and the shapes stored once, the arrays it
 * shares with the block, and the blocks that do not fit (more than 256 shapes, or shapes that keep
 * changing from row to row). Both assembly kernel sets build it: with more than 256 rows the
 * native one does (where built).
 */
import { describe, expect, it } from 'vitest';
import type { CsrMatrix } from '../src/kernels/csr.js';
import { MAX_ROW_PATTERNS, patternCsr } from '../src/kernels/pattern-csr.js';

/** A block whose row i holds the columns i + o for o in shapeOf(i), kept within 0..nCols-1. */
function block(nRows: number, nCols: number, shapeOf: (i: number) => number[]): CsrMatrix {
  const rowPtr = new Int32Array(nRows + 1);
  const cols: number[] = [];
  for (let i = 0; i < nRows; i++) {
    for (const o of shapeOf(i)) if (i + o >= 0 && i + o < nCols) cols.push(i + o);
    rowPtr[i + 1] = cols.length;
  }
  return { nRows, nCols, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(cols, (c, k) => k + 0.5) };
}

describe('patternCsr', () => {
  it('stores a shape id per row and each shape once, in order of first appearance, and shares values and row offsets', () => {
    for (const n of [4, 1000]) {
      const A = block(n, n, () => [-1, 0, 1]); // the 1-D Laplacian's shape, cut at both ends
      const form = patternCsr(A);
      expect(form).not.toBeNull();
      const { rowPattern, patternPtr, patternOffsets, values, rowPtr } = form!;
      expect(Array.from(rowPattern)).toEqual([0, ...new Array<number>(n - 2).fill(1), 2]);
      expect(Array.from(patternPtr.subarray(0, 4))).toEqual([0, 2, 5, 7]);
      expect(patternPtr.length).toBe(MAX_ROW_PATTERNS + 1);
      expect(patternPtr[MAX_ROW_PATTERNS]).toBe(7);
      expect(Array.from(patternOffsets)).toEqual([0, 1, -1, 0, 1, -1, 0]);
      expect(values).toBe(A.values);
      expect(rowPtr).toBe(A.rowPtr);
    }
  });

  it('keeps empty rows and repeated columns as shapes of their own', () => {
    const A = block(300, 300, (i) => (i % 3 === 0 ? [] : i % 3 === 1 ? [0, 0] : [0]));
    const form = patternCsr(A)!;
    expect(Array.from(form.rowPattern.subarray(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(form.patternOffsets)).toEqual([0, 0, 0]);
  });

  it('returns null for more than 256 shapes, or shapes that change from row to row', () => {
    // shape k on rows 40k .. 40k + 39: 256 shapes fit, 257 do not
    expect(patternCsr(block(256 * 40, 11000, (i) => [0, Math.floor(i / 40) + 1]))?.patternOffsets.length).toBe(512);
    expect(patternCsr(block(257 * 40, 11000, (i) => [0, Math.floor(i / 40) + 1]))).toBeNull();
    // 200 shapes in turn: each row searches most of them, past the budget of ~16 per row
    expect(patternCsr(block(20000, 20400, (i) => [0, (i % 200) + 1]))).toBeNull();
  });
});
