/**
 * The compact form of a CSR block: what it stores, what it shares with the block, and the two
 * limits that make a block not fit (a row longer than 255 entries, a column farther than 32 767
 * from its row).
 */
import { describe, expect, it } from 'vitest';
import { COMPACT_MAX_OFFSET, COMPACT_MAX_ROW_LENGTH, compactCsr, type CompactCsr } from '../src/kernels/compact-csr.js';
import type { CsrMatrix } from '../src/kernels/csr.js';

function fits(block: CsrMatrix): CompactCsr {
  const compact = compactCsr(block);
  if (!('lengths' in compact)) throw new Error(`expected the block to fit: ${compact.reason}`);
  return compact;
}

describe('compactCsr', () => {
  it('stores row lengths and column offsets from the row, and shares values and row offsets', () => {
    // [[4, 0, -1], [0, 0, 0], [0.5, 2, 0]]
    const block: CsrMatrix = {
      nRows: 3,
      nCols: 3,
      rowPtr: Int32Array.of(0, 2, 2, 4),
      colIdx: Int32Array.of(0, 2, 0, 1),
      values: Float64Array.of(4, -1, 0.5, 2),
    };
    const c = fits(block);
    expect(c.nRows).toBe(3);
    expect(Array.from(c.lengths)).toEqual([2, 0, 2]);
    expect(Array.from(c.offsets)).toEqual([0, 2, -2, -1]);
    expect(c.values).toBe(block.values);
    expect(c.rowPtr).toBe(block.rowPtr);
    expect([c.lengths, c.offsets].map((a) => a.constructor)).toEqual([Uint8Array, Int16Array]);
  });

  it('fits an empty block and the limits themselves', () => {
    expect(fits({ nRows: 0, nCols: 0, rowPtr: Int32Array.of(0), colIdx: new Int32Array(0), values: new Float64Array(0) }).lengths.length).toBe(0);
    const far = COMPACT_MAX_OFFSET + 1;
    const edge = fits({
      nRows: 2,
      nCols: far + 1,
      rowPtr: Int32Array.of(0, 1, 2),
      colIdx: Int32Array.of(COMPACT_MAX_OFFSET, far),
      values: Float64Array.of(1, 2),
    });
    expect(Array.from(edge.offsets)).toEqual([COMPACT_MAX_OFFSET, COMPACT_MAX_OFFSET]);
    const full = COMPACT_MAX_ROW_LENGTH;
    const long = fits({
      nRows: 1,
      nCols: full,
      rowPtr: Int32Array.of(0, full),
      colIdx: Int32Array.from({ length: full }, (_, k) => k),
      values: new Float64Array(full),
    });
    expect(long.lengths[0]).toBe(full);
  });

  it('refuses a row of more than 255 entries, or an entry more than 32767 columns from its row, saying which', () => {
    const n = COMPACT_MAX_ROW_LENGTH + 1;
    expect(
      compactCsr({
        nRows: 2,
        nCols: n,
        rowPtr: Int32Array.of(0, 1, 1 + n),
        colIdx: Int32Array.from({ length: 1 + n }, (_, k) => (k === 0 ? 0 : k - 1)),
        values: new Float64Array(1 + n),
      }),
    ).toEqual({ reason: 'row 1 has 256 entries, more than 255' });
    expect(
      compactCsr({
        nRows: 3,
        nCols: 40000,
        rowPtr: Int32Array.of(0, 1, 2, 3),
        colIdx: Int32Array.of(0, 1, 2 + COMPACT_MAX_OFFSET + 1),
        values: new Float64Array(3),
      }),
    ).toEqual({ reason: 'row 2 has an entry at column 32770, more than 32767 columns away' });
    // An offset of -32768 would fit an Int16Array, but offsets stay within ±32767.
    const rows = COMPACT_MAX_OFFSET + 2;
    const rowPtr = new Int32Array(rows + 1);
    rowPtr[rows] = 1;
    expect(compactCsr({ nRows: rows, nCols: rows, rowPtr, colIdx: Int32Array.of(0), values: new Float64Array(1) })).toEqual({
      reason: 'row 32768 has an entry at column 0, more than 32767 columns away',
    });
  });
});
