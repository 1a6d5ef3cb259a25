/**
 * The loops of the ILU(0) preconditioner on one part's own-own CSR block: the factorisation and
 * the two triangular solves, as a {@link Ilu0KernelSet} with a JavaScript implementation
 * ({@link jsIlu0Kernels}) and a native one (`native/ilu`, see `ilu0-native.ts`) that run the same
 * loops in the same order and give the same bits.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { checkCsr, checkVector } from '../kernels/kernel-args.js';

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
   */
  solve(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, lu: Float64Array, diag: Int32Array, r: Float64Array, z: Float64Array): void;
}

function checkInt32(kernel: string, name: string, a: Int32Array, n: number): void {
  if (!(a instanceof Int32Array)) throw new InvalidArgumentError(`${kernel}: ${name} must be an Int32Array`);
  if (a.length < n) throw new InvalidArgumentError(`${kernel}: ${name} has length ${a.length}, needs at least ${n}`);
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
      for (let k = d + 1; k < end; k++) s -= lu[k] * z[colIdx[k]];
      z[i] = s * lu[d];
    }
  },
};
