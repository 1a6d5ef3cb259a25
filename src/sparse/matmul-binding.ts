/**
 * The hand-written TypeScript description of the sparse-product addon (`native/spgemm`, built to
 * `native/spgemm/build/Release/pa_spgemm.node`), and its loader. The library calls it through
 * {@link selectSpgemmKernels} (matmul-kernels.ts), never directly.
 *
 * @module
 */
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';

/**
 * The functions the addon exports: the passes of a row-wise (Gustavson) product C = A·B of CSR
 * matrices with Int32 ids, written as the own and ghost blocks of a distributed product: the
 * product terms per block (the room that suffices), the rows (ids and values in one pass), then
 * values alone for new values (see `native/spgemm/src/spgemm.h`; the JavaScript twins in
 * matmul-kernels.ts run the same loops in the same order, so they give the same bits), and the
 * transpose of a CSR block, and one part's share of a Galerkin product R·A·P without A·P.
 *
 * The operands are read where a distributed product holds them, never merged or copied: A as its
 * own block (`a*`: column k is row k of B) and its ghost block (`aGhost*`: column g is row
 * `nRowsB1 + g` of B); row k of B is row k of B1 (for k < nRowsB1, B1 having
 * `b1RowPtr.length - 1` rows) followed by row k of B2 (which has at least as many rows). Each row of
 * C adds a_ik·b_kj in the order of A's own entries then its ghost entries, and for each the B1
 * entries then the B2 ones.
 *
 * The addon checks every index it follows (array types and lengths, row pointers that start at 0
 * and ascend, A's column ids against B's rows, B's column ids against the marker or accumulator,
 * the blocks' room and, for spgemmValues, their ids), so no call reads or writes outside its
 * arrays: a wrong type throws a `TypeError`, anything else a `RangeError` such as
 * `"spgemmRows: b1ColIdx[4] = 9 is outside 0..7"`. B has as many columns as the marker (or
 * accumulator) has entries. Each call runs to completion on the calling thread and keeps no
 * reference to its arguments.
 *
 * @example
 * ```ts
 * const binding = loadSpgemmBinding();
 * const none = [new Int32Array(n + 1), new Int32Array(0), new Float64Array(0)] as const;
 * binding.spgemmRows(n, aRowPtr, aColIdx, aValues, ...none, bRowPtr, bColIdx, bValues,
 *   new Int32Array(bRowPtr.length), new Int32Array(0), new Float64Array(0), nColsB,
 *   ooRowPtr, ooColIdx, ooValues, ogRowPtr, new Int32Array(0), new Float64Array(0),
 *   new Int32Array(nColsB), new Float64Array(nColsB));   // one block: every column is own
 * ```
 */
export interface SpgemmBinding {
  /**
   * The product terms of C = A·B (pairs a_ik·b_kj) whose column is below `nOwn` (`terms[0]`)
   * and the others (`terms[1]`): each block's room that always suffices. Values are not read.
   */
  spgemmTerms(
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    aGhostRowPtr: Int32Array, aGhostColIdx: Int32Array, aGhostValues: Float64Array,
    b1RowPtr: Int32Array, b1ColIdx: Int32Array, b1Values: Float64Array,
    b2RowPtr: Int32Array, b2ColIdx: Int32Array, b2Values: Float64Array,
    nOwn: number, nColsB: number, terms: Float64Array,
  ): void;
  /**
   * The rows of C = A·B in one pass, as two blocks split at column `nOwn`: own (ids j < nOwn, in
   * `ooColIdx`) and ghost (ids written as j − nOwn, in `ogColIdx`), each row ascending in each
   * block, with the row pointers (`ooRowPtr`, `ogRowPtr`: nRows + 1 each) and the sums, added in
   * the order described above (as spgemmValues, so the same bits). A block's room is the shorter
   * of its ids and values; sizing each by its product terms (spgemmTerms) always suffices, and
   * entries past a block's end are never written. `marker` and `accumulator` are scratch (one
   * entry per column of B). Throws a `RangeError`
   * `"spgemmRows: row 3 does not fit in its blocks (room for 12 own and 0 ghost entries)"` when the
   * room is short.
   */
  spgemmRows(
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    aGhostRowPtr: Int32Array, aGhostColIdx: Int32Array, aGhostValues: Float64Array,
    b1RowPtr: Int32Array, b1ColIdx: Int32Array, b1Values: Float64Array,
    b2RowPtr: Int32Array, b2ColIdx: Int32Array, b2Values: Float64Array, nOwn: number,
    ooRowPtr: Int32Array, ooColIdx: Int32Array, ooValues: Float64Array,
    ogRowPtr: Int32Array, ogColIdx: Int32Array, ogValues: Float64Array,
    marker: Int32Array, accumulator: Float64Array,
  ): void;
  /**
   * Fills `ooValues` and `ogValues` on the pattern spgemmRows wrote (`ogColIdx` as it wrote them:
   * j − nOwn), with the same sums in the same order. `accumulator` is scratch (one entry per
   * column of B).
   */
  spgemmValues(
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    aGhostRowPtr: Int32Array, aGhostColIdx: Int32Array, aGhostValues: Float64Array,
    b1RowPtr: Int32Array, b1ColIdx: Int32Array, b1Values: Float64Array,
    b2RowPtr: Int32Array, b2ColIdx: Int32Array, b2Values: Float64Array, nOwn: number,
    ooRowPtr: Int32Array, ooColIdx: Int32Array, ooValues: Float64Array,
    ogRowPtr: Int32Array, ogColIdx: Int32Array, ogValues: Float64Array,
    accumulator: Float64Array,
  ): void;
  /**
   * The pattern of the transpose of an `nRows × nCols` CSR block (counting sort): `tRowPtr`
   * (nCols + 1) and, per entry of the transpose (rows ascending within each of its rows), the
   * block's row (`tRows`) and the position of the block's entry it comes from (`tSource`). With
   * `values` and `tValues` holding the block's entries (both empty otherwise), the transpose's
   * values too: `tValues[k] = values[tSource[k]]`.
   */
  csrTranspose(
    nRows: number, nCols: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, tRowPtr: Int32Array,
    tRows: Int32Array, tSource: Int32Array, tValues: Float64Array,
  ): void;
  /**
   * Rows `firstRow..nRows-1` of one part's share of a Galerkin product C = R·A·P without A·P
   * (`native/spgemm/src/galerkin.h`): row c is z = (R·A)_c, adding r_ci·a_ik over R's entries and,
   * for each, A's own entries (k = column, below `nFine`) then its ghost entries (k = nFine +
   * column), into `fineAccumulator` (columns listed in `fineList` in order of first sight); then
   * z·P, adding z_k·p_kj over that list and, for each, P1's row k (k < nFine) then P2's row k, into
   * `coarseAccumulator`; then the row's `extra` entries in stored order (none when `extraRowPtr` is
   * empty). An empty `rRowPtr` stands for R = P1ᵀ (R's rows: P1's columns, below `nRows`; the
   * fine rows of each ascending with P1's values), which the addon then forms a block of rows at a
   * time instead of reading it whole from memory (the same rows, the same bits). The row's columns are written ascending with their sums, split at `nOwn` as
   * spgemmRows splits them (own block: j; ghost block: j − nOwn). P2 has a row per fine column
   * (nFine own rows, then A's ghost columns), as many as `fineMarker` and `fineAccumulator` have
   * entries at most; `fineList` has one entry more (the addon lists columns without a branch,
   * writing one past the list's end); the coarse scratch arrays have one entry per coarse column. Markers hold −1 or a row below
   * `firstRow` on entry, accumulators zeros, and both are left so. Both blocks' row pointers at
   * `firstRow` must be set. Returns `nRows`, or the first row that does not fit in its blocks (the
   * caller grows them and calls again from that row). Ids are checked as for the products (a
   * `RangeError` naming the argument).
   */
  galerkinRows(
    firstRow: number, nRows: number, nFine: number, nOwn: number,
    rRowPtr: Int32Array, rColIdx: Int32Array, rValues: Float64Array,
    aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    aGhostRowPtr: Int32Array, aGhostColIdx: Int32Array, aGhostValues: Float64Array,
    p1RowPtr: Int32Array, p1ColIdx: Int32Array, p1Values: Float64Array,
    p2RowPtr: Int32Array, p2ColIdx: Int32Array, p2Values: Float64Array,
    extraRowPtr: Int32Array, extraColIdx: Int32Array, extraValues: Float64Array,
    fineMarker: Int32Array, fineAccumulator: Float64Array, fineList: Int32Array,
    coarseMarker: Int32Array, coarseAccumulator: Float64Array, coarseList: Int32Array,
    ooRowPtr: Int32Array, ooColIdx: Int32Array, ooValues: Float64Array,
    ogRowPtr: Int32Array, ogColIdx: Int32Array, ogValues: Float64Array,
  ): number;
  /**
   * The entries of the rows `rows` of a matrix held as an own block `oo` and a ghost block `og`
   * (ghost ids counted from `nOwn`), as a message names them: row by row, own entries then ghost
   * ones, each column listed once in `listed` (in order of first sight), and per entry its rank in
   * that list (`entryRank`) and its value (`values`); the three have room for the rows' entries.
   * `slot` (one per column: `nOwn` own, then the ghost ones) holds −1 on entry and is left so.
   * Returns the number of columns listed. The addon checks the rows (below oo's rows), the blocks
   * and ids (own below `nOwn`, ghost below `slot.length − nOwn`) and the lengths.
   */
  rankRowEntries(
    rows: Int32Array, ooRowPtr: Int32Array, ooColIdx: Int32Array, ooValues: Float64Array,
    ogRowPtr: Int32Array, ogColIdx: Int32Array, ogValues: Float64Array, nOwn: number, slot: Int32Array,
    entryRank: Int32Array, listed: Int32Array, values: Float64Array,
  ): number;
  /**
   * The rows of a {@link SpgemmBinding.rankRowEntries} message placed into a CSR matrix whose row
   * pointers are set: message row t into row `rowOf[t]`, its entries in order, each column as
   * `finalColumn[rank]` (the entry's rank, at `message[entriesAt + e]`) and each value from
   * `message[valuesAt + e]`. The addon checks the rows, their ranges within `colIdx` and
   * `values`, the message's length and every rank (an integer below `finalColumn.length`).
   */
  placeReceivedRows(
    rowOf: Int32Array, rowPtr: Int32Array, message: Float64Array, entriesAt: number, valuesAt: number,
    finalColumn: Int32Array, colIdx: Int32Array, values: Float64Array,
  ): void;
}

/** The functions a loaded module must export to be taken for the sparse-product addon. */
export const SPGEMM_BINDING_FUNCTIONS: readonly (keyof SpgemmBinding)[] = [
  'spgemmTerms',
  'spgemmRows',
  'spgemmValues',
  'csrTranspose',
  'galerkinRows',
  'rankRowEntries',
  'placeReceivedRows',
];

/** What to do when the native sparse products are unavailable, in the order a user would do it. */
export const SPGEMM_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/**
 * Loads the sparse-product addon from the first of `paths` that works (`load`: Node's `require`
 * by default; tests inject one).
 * @throws BackendUnavailableError `"The native sparse products are unavailable"`, with one reason
 * per path tried and {@link SPGEMM_FIXES}.
 * @example `const binding = loadSpgemmBinding();`
 */
export function loadSpgemmBinding(
  paths: readonly string[] = addonPaths('spgemm', 'pa_spgemm.node'),
  load: (path: string) => unknown = requireNative,
): SpgemmBinding {
  return loadAddon<SpgemmBinding>({
    paths,
    load,
    required: SPGEMM_BINDING_FUNCTIONS,
    what: 'sparse-product addon',
    summary: 'The native sparse products are unavailable',
    fixes: SPGEMM_FIXES,
  });
}
