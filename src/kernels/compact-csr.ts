/**
 * A compact copy of a CSR block's structure for the SpMV of a solver: column ids as 16-bit
 * offsets from the row and row lengths as bytes, next to the block's own values. A block of a
 * mesh numbered so that coupled unknowns are close (a slab of a 3-D grid with n ≤ 181, a band
 * of width ≤ 32 767) fits; each SpMV then streams 10 instead of 12 bytes per entry and 1 instead
 * of 4 per row, with the same products in the same order, hence the same bits.
 *
 * @module
 */
import type { CsrMatrix } from './csr.js';
import { assemblyKernels } from './assembly-kernels.js';
import { largeArrays } from './large-arrays.js';

/** Most entries a row of a compact block may hold (its length is a byte). */
export const COMPACT_MAX_ROW_LENGTH = 255;
/** Largest distance between an entry's column and its row in a compact block (16-bit offsets). */
export const COMPACT_MAX_OFFSET = 32767;

/**
 * The structure of a CSR block in compact form: row `i` holds `lengths[i]` entries, entry `k` at
 * column `i + offsets[k]` with value `values[k]`. `values` and `rowPtr` are the block's own arrays
 * (not copied), so new values in the block (e.g. from `psparseRefill`) are seen here; `lengths` and
 * `offsets` belong to the compact form and hold the block's structure, which must not change.
 */
export interface CompactCsr {
  /** Number of rows. */
  readonly nRows: number;
  /** Entries per row. */
  readonly lengths: Uint8Array;
  /** Per entry, its column minus its row. */
  readonly offsets: Int16Array;
  /** The block's values (shared). */
  readonly values: Float64Array;
  /** The block's row offsets (shared): entries of rows `[a, b)` are `rowPtr[a] .. rowPtr[b] - 1`. */
  readonly rowPtr: Int32Array;
}

/**
 * The compact form of `block`, or the reason it does not fit: a row with more than
 * {@link COMPACT_MAX_ROW_LENGTH} entries, or an entry farther than {@link COMPACT_MAX_OFFSET}
 * columns from its row. O(nnz + nRows); allocates 2 bytes per entry and 1 per row.
 *
 * @example
 * ```ts
 * const c = compactCsr({ nRows: 2, nCols: 2, rowPtr: Int32Array.of(0, 2, 3), colIdx: Int32Array.of(0, 1, 1), values });
 * // 'lengths' in c: lengths [2, 1], offsets [0, 1, 0]
 * ```
 */
export function compactCsr(block: CsrMatrix): CompactCsr | { readonly reason: string } {
  const { nRows, rowPtr, colIdx, values } = block;
  const lengths = largeArrays.uint8(nRows);
  const offsets = largeArrays.int16(rowPtr[nRows]);
  // One pass that fills and checks: a block that does not fit is found out as early, and the
  // arrays written so far are dropped.
  const failure = assemblyKernels.csrCompact(nRows, rowPtr, colIdx, lengths, offsets, COMPACT_MAX_ROW_LENGTH, COMPACT_MAX_OFFSET);
  if (failure >= 0) {
    const i = failure >> 1;
    if (failure % 2 === 0) {
      return { reason: `row ${i} has ${rowPtr[i + 1] - rowPtr[i]} entries, more than ${COMPACT_MAX_ROW_LENGTH}` };
    }
    let k = rowPtr[i];
    while (Math.abs(colIdx[k] - i) <= COMPACT_MAX_OFFSET) k++;
    return { reason: `row ${i} has an entry at column ${colIdx[k]}, more than ${COMPACT_MAX_OFFSET} columns away` };
  }
  return { nRows, lengths, offsets, values, rowPtr };
}
