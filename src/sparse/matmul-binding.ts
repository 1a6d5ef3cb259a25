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
 * matrices with Int32 ids, written as the own and ghost blocks of a distributed product: rows
 * (ids and values in one pass), then values alone for new values (see
 * `native/spgemm/src/spgemm.h`; the JavaScript twins in matmul-kernels.ts run the same loops in
 * the same order, so they give the same bits), and the transpose of a CSR block.
 *
 * The addon checks every index it follows (array types and lengths, row pointers that start at 0
 * and ascend, A's column ids against B's rows, B's column ids against the marker or accumulator,
 * the blocks' room and, for spgemmValues, their ids), so no call reads or writes outside its
 * arrays: a wrong type throws a `TypeError`, anything else a `RangeError` such as
 * `"spgemmRows: bColIdx[4] = 9 is outside 0..7"`. B has `bRowPtr.length - 1` rows and as many
 * columns as the marker (or accumulator) has entries. Each call runs to completion on the calling
 * thread and keeps no reference to its arguments.
 *
 * @example
 * ```ts
 * const binding = loadSpgemmBinding();
 * binding.spgemmRows(n, aRowPtr, aColIdx, bRowPtr, bColIdx, aValues, bValues, nColsB,
 *   ooRowPtr, ooColIdx, ooValues, ogRowPtr, new Int32Array(0), new Float64Array(0),
 *   new Int32Array(nColsB), new Float64Array(nColsB));   // one block: every column is own
 * ```
 */
export interface SpgemmBinding {
  /**
   * The rows of C = A·B in one pass, as two blocks split at column `nOwn`: own (ids j < nOwn, in
   * `ooColIdx`) and ghost (ids written as j − nOwn, in `ogColIdx`), each row ascending in each
   * block, with the row pointers (`ooRowPtr`, `ogRowPtr`: nRows + 1 each) and the sums. Each row's
   * products a_ik·b_kj are added in the order of A's entries, then B's (as spgemmValues, so the
   * same bits). A block's room is the shorter of its ids and values; sizing each by its product
   * terms (Σ over A's entries of the own, resp. ghost, entries of the B row they select) always
   * suffices, and entries past a block's end are never written. `marker` and `accumulator` are
   * scratch (one entry per column of B). Throws a `RangeError`
   * `"spgemmRows: row 3 does not fit in its blocks (room for 12 own and 0 ghost entries)"` when the
   * room is short.
   */
  spgemmRows(
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, bRowPtr: Int32Array, bColIdx: Int32Array,
    aValues: Float64Array, bValues: Float64Array, nOwn: number,
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
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, bRowPtr: Int32Array, bColIdx: Int32Array,
    aValues: Float64Array, bValues: Float64Array, nOwn: number,
    ooRowPtr: Int32Array, ooColIdx: Int32Array, ooValues: Float64Array,
    ogRowPtr: Int32Array, ogColIdx: Int32Array, ogValues: Float64Array,
    accumulator: Float64Array,
  ): void;
  /**
   * The pattern of the transpose of an `nRows × nCols` CSR block (counting sort): `tRowPtr`
   * (nCols + 1) and, per entry of the transpose (rows ascending within each of its rows), the
   * block's row (`tRows`) and the position of the block's entry it comes from (`tSource`).
   */
  csrTranspose(
    nRows: number, nCols: number, rowPtr: Int32Array, colIdx: Int32Array, tRowPtr: Int32Array, tRows: Int32Array,
    tSource: Int32Array,
  ): void;
  /** `out[k] = values[source[k]]` for `k < count` (a transpose's values, from csrTranspose's `tSource`). */
  gatherValues(count: number, source: Int32Array, values: Float64Array, out: Float64Array): void;
}

/** The functions a loaded module must export to be taken for the sparse-product addon. */
export const SPGEMM_BINDING_FUNCTIONS: readonly (keyof SpgemmBinding)[] = [
  'spgemmRows',
  'spgemmValues',
  'csrTranspose',
  'gatherValues',
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
