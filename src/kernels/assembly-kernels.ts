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
import type { AssemblyKernels } from './assembly-kernel-set.js';
import { jsAssemblyKernels } from './js-assembly-kernels.js';
import { loadAssemblyBinding, type AssemblyBinding } from './assembly-binding.js';
import { kernelKind } from './select-kernels.js';

export type { AssemblyKernels } from './assembly-kernel-set.js';

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
    csrOrderedPattern: (nRows, nOwnCols, rowCode, colCode, ooPtr, ogPtr) =>
      (rowCode.length + nRows < minWork ? js : binding).csrOrderedPattern(nRows, nOwnCols, rowCode, colCode, ooPtr, ogPtr),
    csrOrderedFill: (nOwnCols, rowCode, colCode, ooCol, ogCol, slot) =>
      (rowCode.length < minWork ? js : binding).csrOrderedFill(nOwnCols, rowCode, colCode, ooCol, ogCol, slot),
    addSlots: (m, slots, from, values, oo, og) =>
      (m < minWork || !(values instanceof Float64Array) ? js : binding).addSlots(m, slots, from, values as Float64Array, oo, og),
    csrCompact: (nRows, rowPtr, colIdx, lengths, offsets, maxLength, maxOffset) =>
      (nRows < minWork ? js : binding).csrCompact(nRows, rowPtr, colIdx, lengths, offsets, maxLength, maxOffset),
    csrInverseDiagonal: (nRows, rowPtr, colIdx, values, out) =>
      (nRows < minWork ? js : binding).csrInverseDiagonal(nRows, rowPtr, colIdx, values, out),
    stencilTriplets: (grid, box, I, J, V) => binding.stencilTriplets(grid, box, I, J, V),
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
