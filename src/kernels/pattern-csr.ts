/**
 * The pattern form of a CSR block for the SpMV of a solver: the rows of a mesh's matrix have a
 * handful of distinct shapes (a 7-point stencil numbered lexicographically has one in the
 * interior and a few at the faces, edges and corners), so each row stores one byte, the id of its
 * shape, and the shapes (column offsets from the row) are stored once. The SpMV then streams the
 * values (8 bytes per entry) and 1 byte per row, against 10 and 1 for the compact form
 * ({@link compactCsr}) and 12 and 4 for the CSR, with the same products in the same order, hence
 * the same bits; and building it writes 1 byte per row instead of 2 per entry, which in a set-up
 * is mostly the first touch of fresh pages.
 *
 * @module
 */
import type { CsrMatrix } from './csr.js';
import { assemblyKernels } from './assembly-kernels.js';
import { largeArrays } from './large-arrays.js';

/** Most distinct row patterns a pattern block may have (a row's pattern id is a byte). */
export const MAX_ROW_PATTERNS = 256;

/**
 * The structure of a CSR block in pattern form: row `i` holds the entries of pattern
 * `p = rowPattern[i]`, entry `t` of it at column `i + patternOffsets[patternPtr[p] + t]`; values
 * in CSR order. `values` and `rowPtr` are the block's own arrays (not copied: new values, e.g.
 * from `psparseRefill`, are seen here); the other arrays belong to the pattern form and hold the
 * block's structure, which must not change.
 */
export interface PatternCsr {
  /** Number of rows. */
  readonly nRows: number;
  /** Per row, its pattern id. */
  readonly rowPattern: Uint8Array;
  /** 257 offsets into `patternOffsets`: pattern `p` is `patternPtr[p] .. patternPtr[p + 1] - 1` (unused ids empty). */
  readonly patternPtr: Int32Array;
  /** The patterns' column offsets from their row, in column order. */
  readonly patternOffsets: Int32Array;
  /** The block's values (shared). */
  readonly values: Float64Array;
  /** The block's row offsets (shared): entries of rows `[a, b)` are `rowPtr[a] .. rowPtr[b] - 1`. */
  readonly rowPtr: Int32Array;
}

/**
 * The pattern form of `block`, or null when its rows have more than {@link MAX_ROW_PATTERNS}
 * distinct patterns (or finding them would take more than about 16 comparisons per row, as with
 * patterns that change from row to row). O(nnz) for a block with few patterns; allocates 1 byte
 * per row plus the patterns.
 *
 * @example
 * ```ts
 * // the 1-D Laplacian on 4 rows: patterns [0, 1], [-1, 0, 1], [-1, 0]
 * const c = patternCsr(A.ownOwn.localItems[0]);
 * // c.rowPattern = [0, 1, 1, 2]
 * ```
 */
export function patternCsr(block: CsrMatrix): PatternCsr | null {
  const { nRows, rowPtr, colIdx, values } = block;
  const rowPattern = largeArrays.uint8(nRows);
  const patternPtr = new Int32Array(MAX_ROW_PATTERNS + 1);
  // Room for 256 patterns as long as the longest 32 rows, and never more than the block holds.
  let longest = 0;
  if (nRows > 0) longest = Math.max(1, Math.ceil(rowPtr[nRows] / nRows) * 4);
  const patternOffsets = new Int32Array(Math.min(rowPtr[nRows], MAX_ROW_PATTERNS * longest));
  const budget = 16 * nRows + 4096;
  const n = assemblyKernels.csrPatterns(nRows, rowPtr, colIdx, rowPattern, patternPtr, patternOffsets, budget);
  if (n < 0) return null;
  return { nRows, rowPattern, patternPtr, patternOffsets: patternOffsets.slice(0, patternPtr[n]), values, rowPtr };
}
