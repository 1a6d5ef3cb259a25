/**
 * The loops of the ILU(0) preconditioner on one part's own-own CSR block: the factorisation and
 * the two triangular solves, as a {@link Ilu0KernelSet} with a JavaScript implementation
 * ({@link jsIlu0Kernels}) and a native one (`native/ilu`, see `ilu0-native.ts`) that run the same
 * loops in the same order and give the same bits.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { checkCount, checkCsr, checkVector } from '../kernels/kernel-args.js';
import { largeArrays } from '../kernels/large-arrays.js';

/**
 * The ILU(0) kernels. The block is square (`nRows × nRows`), with ascending unique columns per row
 * (the {@link CsrMatrix} precondition).
 *
 * The factors L (unit lower) and U share the block's structure (no fill-in): `lu` holds, at the
 * entry positions of the block, the multipliers of L left of the diagonal, U right of it, and
 * the INVERSE of U's pivot on the diagonal (so the solve multiplies instead of dividing, as
 * PETSc's factors do). `diag[i]` is the position of row i's diagonal entry.
 */
export interface Ilu0KernelSet {
  /** `'native'` (the `pa_ilu` addon) or `'js'`. */
  readonly kind: 'native' | 'js';
  /**
   * Factors the block into `lu` (length ≥ nnz) and `diag` (length ≥ nRows) by the row-by-row
   * (IKJ) elimination restricted to the block's pattern. `work` (Int32Array of length ≥ nRows,
   * every entry −1) is scratch and is left all −1. Returns −1, or the first row whose diagonal is
   * missing, zero or not finite after elimination (the factors are then incomplete).
   */
  factor(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, lu: Float64Array, diag: Int32Array, work: Int32Array): number;
  /**
   * z = U⁻¹ L⁻¹ r on the first nRows entries (forward then backward substitution). `z` may be `r`.
   * Each row subtracts its terms in ascending columns going forward and descending columns going
   * back: the unknown solved just before (the row's nearest) comes last, so the next row waits
   * on one multiply-subtract of it rather than on the whole row.
   */
  solve(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, lu: Float64Array, diag: Int32Array, r: Float64Array, z: Float64Array): void;
  /**
   * {@link Ilu0KernelSet.solve} on the {@link CompactIlu0} factors (same operations, same order,
   * same bits): each sweep streams only its own factor, with 2 bytes of index per entry (and none
   * of the row pointers or diagonal positions), since the solve is bound by the bytes it reads.
   * With `scale` ≠ 1 it first sets r[i] = scale·r[i] (written back into r, row by row in the
   * forward sweep: the bits of scaling r first), so GMRES normalises the vector it preconditions
   * in the same pass; with `scale` = 1 r is only read.
   */
  solveCompact(
    nRows: number, lower: Uint8Array, upper: Uint8Array, lOffsets: Int16Array, lValues: Float64Array,
    uOffsets: Int16Array, uValues: Float64Array, scale: number, r: Float64Array, z: Float64Array,
  ): void;
}

/**
 * ILU(0) factors split for the two sweeps, for blocks whose rows have at most 255 entries left and
 * right of the diagonal and whose columns lie within 32767 of the row. L: row i's `lower[i]`
 * multipliers in ascending columns, rows in ascending order, in `lValues`, with `lOffsets` the
 * entries' column − i. U: rows in DESCENDING order, row i's `upper[i]` entries in descending
 * columns followed by its inverted pivot, in `uValues`, with `uOffsets` the entries' column − i
 * (none for the pivot). Each sweep then reads its own factor in ascending addresses.
 */
export interface CompactIlu0 {
  readonly lower: Uint8Array;
  readonly upper: Uint8Array;
  readonly lOffsets: Int16Array;
  readonly lValues: Float64Array;
  readonly uOffsets: Int16Array;
  readonly uValues: Float64Array;
}

/**
 * The {@link CompactIlu0} form of a factored block (`lu` and `diag` from a successful
 * factorisation; the values are copied), or null when a row or a column offset does not fit its
 * bytes. Allocates 10 bytes per stored entry and 10 per row.
 */
export function compactIlu0(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, diag: Int32Array, lu: Float64Array): CompactIlu0 | null {
  const lower = largeArrays.uint8(nRows);
  const upper = largeArrays.uint8(nRows);
  let nL = 0;
  for (let i = 0; i < nRows; i++) {
    const nLower = diag[i] - rowPtr[i];
    const nUpper = rowPtr[i + 1] - diag[i] - 1;
    if (nLower > 255 || nUpper > 255) return null;
    lower[i] = nLower;
    upper[i] = nUpper;
    nL += nLower;
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      const offset = colIdx[k] - i;
      if (offset < -32768 || offset > 32767) return null;
    }
  }
  const nU = rowPtr[nRows] - nRows - nL;
  const lOffsets = largeArrays.int16(nL);
  const lValues = largeArrays.float64(nL);
  const uOffsets = largeArrays.int16(nU);
  const uValues = largeArrays.float64(nU + nRows);
  let l = 0;
  for (let i = 0; i < nRows; i++) {
    for (let k = rowPtr[i]; k < diag[i]; k++, l++) {
      lOffsets[l] = colIdx[k] - i;
      lValues[l] = lu[k];
    }
  }
  let v = 0;
  let o = 0;
  for (let i = nRows - 1; i >= 0; i--) {
    for (let k = rowPtr[i + 1] - 1; k > diag[i]; k--, o++, v++) {
      uOffsets[o] = colIdx[k] - i;
      uValues[v] = lu[k];
    }
    uValues[v++] = lu[diag[i]];
  }
  return { lower, upper, lOffsets, lValues, uOffsets, uValues };
}

function checkInt32(kernel: string, name: string, a: Int32Array, n: number): void {
  if (!(a instanceof Int32Array)) throw new InvalidArgumentError(`${kernel}: ${name} must be an Int32Array`);
  if (a.length < n) throw new InvalidArgumentError(`${kernel}: ${name} has length ${a.length}, needs at least ${n}`);
}

function checkUint8(name: string, a: Uint8Array, n: number): void {
  if (!(a instanceof Uint8Array)) throw new InvalidArgumentError(`ilu0SolveCompact: ${name} must be a Uint8Array`);
  if (a.length < n) throw new InvalidArgumentError(`ilu0SolveCompact: ${name} has length ${a.length}, needs at least ${n}`);
}

/**
 * The O(1) checks both sets run before a call (types and lengths), so that both throw the same
 * `InvalidArgumentError` and the addon is never handed arrays it could overrun.
 */
export const ilu0Checks = {
  factor(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, lu: Float64Array, diag: Int32Array, work: Int32Array): void {
    checkCsr('ilu0Factor', nRows, rowPtr, colIdx, values);
    checkVector('ilu0Factor', 'lu', lu, rowPtr[nRows]);
    checkInt32('ilu0Factor', 'diag', diag, nRows);
    checkInt32('ilu0Factor', 'work', work, nRows);
  },
  solve(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, lu: Float64Array, diag: Int32Array, r: Float64Array, z: Float64Array): void {
    checkCsr('ilu0Solve', nRows, rowPtr, colIdx, lu);
    checkInt32('ilu0Solve', 'diag', diag, nRows);
    checkVector('ilu0Solve', 'r', r, nRows);
    checkVector('ilu0Solve', 'z', z, nRows);
  },
  solveCompact(
    nRows: number, lower: Uint8Array, upper: Uint8Array, lOffsets: Int16Array, lValues: Float64Array,
    uOffsets: Int16Array, uValues: Float64Array, scale: number, r: Float64Array, z: Float64Array,
  ): void {
    checkCount('ilu0SolveCompact', 'nRows', nRows);
    if (typeof scale !== 'number') throw new InvalidArgumentError('ilu0SolveCompact: scale must be a number');
    checkUint8('lower', lower, nRows);
    checkUint8('upper', upper, nRows);
    if (!(lOffsets instanceof Int16Array)) throw new InvalidArgumentError('ilu0SolveCompact: lOffsets must be an Int16Array');
    if (!(uOffsets instanceof Int16Array)) throw new InvalidArgumentError('ilu0SolveCompact: uOffsets must be an Int16Array');
    checkVector('ilu0SolveCompact', 'lValues', lValues, 0);
    checkVector('ilu0SolveCompact', 'uValues', uValues, 0);
    checkVector('ilu0SolveCompact', 'r', r, nRows);
    checkVector('ilu0SolveCompact', 'z', z, nRows);
  },
};

/**
 * The JavaScript {@link Ilu0KernelSet} (no argument checks: callers run {@link ilu0Checks}).
 * @example
 * ```ts
 * const fail = jsIlu0Kernels.factor(n, rowPtr, colIdx, values, lu, diag, new Int32Array(n).fill(-1));
 * ```
 */
export const jsIlu0Kernels: Ilu0KernelSet = {
  kind: 'js',

  factor(nRows, rowPtr, colIdx, values, lu, diag, work) {
    const nnz = rowPtr[nRows];
    for (let k = 0; k < nnz; k++) lu[k] = values[k];
    for (let i = 0; i < nRows; i++) {
      const start = rowPtr[i];
      const end = rowPtr[i + 1];
      for (let k = start; k < end; k++) work[colIdx[k]] = k;
      let d = -1;
      for (let k = start; k < end; k++) {
        const c = colIdx[k];
        if (c >= i) {
          if (c === i) d = k;
          break;
        }
        // Row c is final: its multiplier is a_ic / u_cc, then row i loses l·(U's part of row c).
        const l = lu[k] * lu[diag[c]];
        lu[k] = l;
        const cEnd = rowPtr[c + 1];
        for (let m = diag[c] + 1; m < cEnd; m++) {
          const p = work[colIdx[m]];
          if (p >= 0) lu[p] -= l * lu[m];
        }
      }
      for (let k = start; k < end; k++) work[colIdx[k]] = -1;
      const pivot = d < 0 ? 0 : lu[d];
      if (pivot === 0 || !Number.isFinite(pivot)) return i;
      lu[d] = 1 / pivot;
      diag[i] = d;
    }
    return -1;
  },

  solve(nRows, rowPtr, colIdx, lu, diag, r, z) {
    for (let i = 0; i < nRows; i++) {
      let s = r[i];
      const d = diag[i];
      for (let k = rowPtr[i]; k < d; k++) s -= lu[k] * z[colIdx[k]];
      z[i] = s;
    }
    for (let i = nRows - 1; i >= 0; i--) {
      let s = z[i];
      const d = diag[i];
      const end = rowPtr[i + 1];
      for (let k = end - 1; k > d; k--) s -= lu[k] * z[colIdx[k]];
      z[i] = s * lu[d];
    }
  },

  solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z) {
    if (scale !== 1) for (let i = 0; i < nRows; i++) r[i] *= scale;
    let l = 0;
    for (let i = 0; i < nRows; i++) {
      const end = l + lower[i];
      let s = r[i];
      for (; l < end; l++) s -= lValues[l] * z[i + lOffsets[l]];
      z[i] = s;
    }
    let v = 0;
    let o = 0;
    for (let i = nRows - 1; i >= 0; i--) {
      const end = o + upper[i];
      let s = z[i];
      for (; o < end; o++, v++) s -= uValues[v] * z[i + uOffsets[o]];
      z[i] = s * uValues[v++];
    }
  },
};
