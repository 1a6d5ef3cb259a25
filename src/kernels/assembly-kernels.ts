/**
 * The loops of psparse's COO → CSR assembly, implemented twice with the same results: in
 * JavaScript (`js-assembly-kernels.ts`) and in the kernels addon (`native/kernels/src/assembly.h`).
 * Both compute the same integers (codes, patterns, slots) and add values in the same order, so a
 * matrix has the same bits whichever set assembled it. {@link assemblyKernels} is the set of this
 * process: the native one exactly when the native {@link KernelSet} is in use.
 *
 * Codes, per triplet (or received contribution) `k`: `>= 0` an own local row (column) id, column
 * codes `>= nOwnCols` being ghost column `code - nOwnCols`; `-1` an ignored triplet (a negative
 * row or column id); `-2` an id this part does not own (a row to send, a column to make a ghost).
 *
 * Every array is owned by the caller; the kernels keep no reference. Arguments are internal
 * (psparse builds them), so the checks are those that keep memory safe: a wrong type throws a
 * `TypeError`, an inconsistent length or code a `RangeError`.
 *
 * @module
 */
import type { KernelKind } from './kernel-set.js';
import { jsAssemblyKernels } from './js-assembly-kernels.js';
import { loadAssemblyBinding, type AssemblyBinding } from './assembly-binding.js';
import { kernelKind } from './select-kernels.js';

/**
 * The assembly loops. Stateless; one set serves every part of a process.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export interface AssemblyKernels {
  /** Which implementation this is. */
  readonly kind: KernelKind;
  /**
   * The first triplet `k < m` with an invalid id (NaN, a non-negative non-integer, or `>= nRows`
   * / `>= nCols`) or, when kept (`I[k] >= 0` and `J[k] >= 0`), a value that is not finite; −1
   * when all are fine.
   */
  assemblyCheck(m: number, I: Float64Array, J: Float64Array, V: Float64Array, nRows: number, nCols: number): number;
  /**
   * `out[k]` = the code of `ids[k]` (`ids` is `I` or `J`) for `k < m`: −1 when `I[k] < 0` or
   * `J[k] < 0`, the own local id when `box` holds the id, else −2. `box` is
   * `[nd, dims0, dims1, dims2, lo0, lo1, lo2, hi0, hi1, hi2]` (see {@link ownBoxSpec}). Returns
   * the number of −2 codes.
   */
  assemblyClassify(m: number, ids: Float64Array, I: Float64Array, J: Float64Array, box: Float64Array, out: Int32Array): number;
  /** Writes to `out`, in order, `ids[k]` of every `k < m` with `rowCode[k] >= 0` and `colCode[k] === -2`; returns how many. */
  assemblyCollect(m: number, ids: Float64Array, rowCode: Int32Array, colCode: Int32Array, out: Float64Array): number;
  /** For every `k < m` with `rowCode[k] >= 0` and `colCode[k] === -2`: `colCode[k] = nOwnCols + ` the position of `ids[k]` in the ascending `ghosts`. */
  assemblyGhostCodes(
    m: number, ids: Float64Array, rowCode: Int32Array, colCode: Int32Array, ghosts: Float64Array, nOwnCols: number,
  ): void;
  /**
   * The symbolic step: the kept contributions (both codes `>= 0`, all `rowCode.length` of them
   * looked at) bucketed by row into `perm` (`rowStart`: `nRows + 1` offsets), each row sorted by
   * column code; `ooPtr` / `ogPtr` get the row offsets of the own-own (codes `< nOwnCols`) and
   * own-ghost blocks, duplicates counted once.
   */
  csrPattern(
    nRows: number, nOwnCols: number, rowCode: Int32Array, colCode: Int32Array, perm: Int32Array, rowStart: Int32Array,
    ooPtr: Int32Array, ogPtr: Int32Array,
  ): void;
  /**
   * After {@link AssemblyKernels.csrPattern}: the column ids of both blocks (`ooCol`, `ogCol` of
   * exactly the counted lengths) and `slot[c]` for every contribution: its stored entry (own-own
   * `0..nOO-1`, own-ghost `nOO + e`), or its row code when the row is not kept (−1, −2).
   */
  csrFill(
    nRows: number, nOwnCols: number, rowCode: Int32Array, colCode: Int32Array, perm: Int32Array, rowStart: Int32Array,
    ooCol: Int32Array, ogCol: Int32Array, slot: Int32Array,
  ): void;
  /**
   * The numeric step: for `t = 0..m-1` in order, `s = slots[from + t]`; skipped when negative,
   * else `values[t]` is added to `oo[s]` (`s < oo.length`) or `og[s - oo.length]`.
   */
  addSlots(m: number, slots: Int32Array, from: number, values: ArrayLike<number>, oo: Float64Array, og: Float64Array): void;
  /**
   * The compact form of a CSR block (see `compact-csr.ts`): `lengths[i]` = entries of row `i`,
   * `offsets[k] = colIdx[k] - i`. Returns −1 when the block fits, else `2·row` for the first row
   * of more than `maxLength` entries or `2·row + 1` for the first row with an entry farther than
   * `maxOffset` columns (the arrays are then partly written).
   */
  csrCompact(
    nRows: number, rowPtr: Int32Array, colIdx: Int32Array, lengths: Uint8Array, offsets: Int16Array, maxLength: number,
    maxOffset: number,
  ): number;
}

/** Below this many triplets the native set runs the JavaScript loops (same results). */
const NATIVE_MIN_TRIPLETS = 256;

/**
 * The native {@link AssemblyKernels} over `binding`, running the JavaScript twin for calls with
 * fewer than `minWork` triplets and for values that are not a Float64Array.
 * @example `nativeAssemblyKernels(loadAssemblyBinding()).kind // 'native'`
 */
export function nativeAssemblyKernels(binding: AssemblyBinding, minWork: number = NATIVE_MIN_TRIPLETS): AssemblyKernels {
  const js = jsAssemblyKernels;
  return {
    kind: 'native',
    assemblyCheck: (m, I, J, V, nRows, nCols) =>
      (m < minWork ? js : binding).assemblyCheck(m, I, J, V, nRows, nCols),
    assemblyClassify: (m, ids, I, J, box, out) => (m < minWork ? js : binding).assemblyClassify(m, ids, I, J, box, out),
    assemblyCollect: (m, ids, rowCode, colCode, out) =>
      (m < minWork ? js : binding).assemblyCollect(m, ids, rowCode, colCode, out),
    assemblyGhostCodes: (m, ids, rowCode, colCode, ghosts, nOwnCols) =>
      (m < minWork ? js : binding).assemblyGhostCodes(m, ids, rowCode, colCode, ghosts, nOwnCols),
    csrPattern: (nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooPtr, ogPtr) =>
      (rowCode.length + nRows < minWork ? js : binding).csrPattern(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooPtr, ogPtr),
    csrFill: (nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooCol, ogCol, slot) =>
      (rowCode.length + nRows < minWork ? js : binding).csrFill(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooCol, ogCol, slot),
    addSlots: (m, slots, from, values, oo, og) =>
      (m < minWork || !(values instanceof Float64Array) ? js : binding).addSlots(m, slots, from, values as Float64Array, oo, og),
    csrCompact: (nRows, rowPtr, colIdx, lengths, offsets, maxLength, maxOffset) =>
      (nRows < minWork ? js : binding).csrCompact(nRows, rowPtr, colIdx, lengths, offsets, maxLength, maxOffset),
  };
}

/**
 * `[nd, dims, lo, hi]` (10 numbers, unused directions 0) describing own ids that form a box of a
 * column-major grid, for {@link AssemblyKernels.assemblyClassify}: a range `first..first+count-1`
 * of `0..n-1` is the box `dims = [n]`, `lo = [first]`, `hi = [first + count]`; a box whose rows
 * are contiguous in global ids (full in every direction but the last) is turned into that range,
 * which is classified without divisions.
 * @example `ownBoxSpec([100], [10], [20])  // Float64Array [1, 100, 0, 0, 10, 0, 0, 20, 0, 0]`
 */
export function ownBoxSpec(dims: readonly number[], lo: readonly number[], hi: readonly number[]): Float64Array {
  const nd = dims.length;
  let contiguous = true;
  for (let d = 0; d + 1 < nd; d++) if (lo[d] !== 0 || hi[d] !== dims[d]) contiguous = false;
  const spec = new Float64Array(10);
  if (contiguous) {
    let stride = 1;
    for (let d = 0; d + 1 < nd; d++) stride *= dims[d];
    spec[0] = 1;
    spec[1] = stride * dims[nd - 1];
    spec[4] = stride * lo[nd - 1];
    spec[7] = stride * hi[nd - 1];
    return spec;
  }
  spec[0] = nd;
  for (let d = 0; d < nd; d++) {
    spec[1 + d] = dims[d];
    spec[4 + d] = lo[d];
    spec[7 + d] = hi[d];
  }
  return spec;
}

/**
 * The assembly loops of this process: native when the native kernels are in use (the addon
 * then holds these loops too), else the JavaScript twin.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export const assemblyKernels: AssemblyKernels =
  kernelKind === 'native' ? nativeAssemblyKernels(loadAssemblyBinding()) : jsAssemblyKernels;
