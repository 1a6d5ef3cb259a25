/**
 * The `KernelSet`: every hot loop of the library (SpMV on CSR blocks, level-1 vector operations,
 * fused CG updates) on raw typed arrays, implemented twice with the same bits: in JavaScript
 * (`js-kernels.ts`) and in the native addon (`native-kernels.ts`). `select-kernels.ts` picks one.
 *
 * Summation order, shared by both implementations (this is what makes their results bitwise
 * identical): every sum has ONE accumulator, starts at 0 (at `y[i]` for the adding SpMVs, at
 * `init` for the fused SpMV dots) and adds left to right, `i = 0, 1, ..., n-1` (along a row:
 * `k = rowPtr[i], ..., rowPtr[i+1]-1`); each term is one rounded product added with one rounding
 * (no fused multiply-add). Elements are read and written in the order of the loops written in each
 * method's documentation, so the results are the same even when arrays overlap.
 *
 * Conventions of every method:
 * - Only the first `n` (`nRows`) elements are read or written, so longer arrays (a local vector,
 *   own values first) are passed as they are, without `subarray`.
 * - Counts are integers in `0 .. 2^31-1` and every array must be long enough (`rowPtr` holds
 *   `nRows + 1` offsets; `rowPtr[nRows]` entries exist in `colIdx` and `values`): checked in O(1),
 *   before anything is written; a violation throws `InvalidArgumentError`.
 * - Precondition, NOT checked (it would cost a pass over the matrix in every call): the CSR
 *   structure is valid, i.e. `rowPtr` is non-decreasing from `rowPtr[0] >= 0` and every column id
 *   indexes `x`. Otherwise the native kernels read outside the arrays (reads only: every write
 *   stays within the checked lengths) and the JavaScript ones produce NaN. Validate a structure
 *   once, where it is built or received.
 * - The caller owns every array; kernels keep no reference and never allocate.
 *
 * @example
 * ```ts
 * import { kernels } from './select-kernels.js';
 * // y = A x on a part's own-own block, then add the ghost columns:
 * kernels.spmv(A.nRows, A.rowPtr, A.colIdx, A.values, xLocal, yLocal);
 * kernels.spmvAdd(G.nRows, G.rowPtr, G.colIdx, G.values, xGhost, yLocal);
 * ```
 * @module
 */

/**
 * Which kernel implementation (SpMV, dot, axpy, ...) a run uses: the native addon or the JavaScript twins.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export type KernelKind = 'native' | 'js';

/**
 * The hot loops on raw typed arrays: the same interface, and the same bits, whichever
 * implementation is loaded. Stateless: one set serves every part of a process.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export interface KernelSet {
  /** Which implementation this is (`'native'`: the addon; `'js'`: JavaScript). */
  readonly kind: KernelKind;

  /**
   * CSR SpMV: for `i` in `0..nRows-1`, `s = 0; for k: s += values[k] * x[colIdx[k]]; y[i] = s`.
   * @throws InvalidArgumentError for a bad count or an array too short (see the module notes).
   */
  spmv(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array): void;

  /**
   * Adding CSR SpMV (the own-ghost block after the own-own one): for each row,
   * `s = y[i]; for k: s += values[k] * x[colIdx[k]]; y[i] = s`.
   * @throws InvalidArgumentError as {@link KernelSet.spmv}.
   */
  spmvAdd(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array): void;

  /**
   * {@link KernelSet.spmv} fused with a dot product over the new `y` (`q = A p` and `p·q` in one
   * pass): `d = init`, and after each row's `y[i] = s`, `d += w[i] * s`. Returns `d`; with
   * `init = 0` it equals `dot(nRows, w, y)` bit for bit. A nonzero `init` continues a sum over
   * several row ranges (pass `subarray` views of `rowPtr`, `y` and `w`) with one accumulator.
   * @throws InvalidArgumentError as {@link KernelSet.spmv}, when `w` is shorter than `nRows`, or
   * when `init` is not a number.
   */
  spmvDot(
    nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array,
    w: Float64Array, init: number,
  ): number;

  /**
   * {@link KernelSet.spmvAdd} fused with a dot product over the new `y`: the own-ghost pass of
   * `q = A p` (after `spmv` of the own-own block, while the ghost update of `p` could overlap it)
   * returning `p·q`: `d = init`, and after each row's `y[i] = s`, `d += w[i] * s`. Returns `d`;
   * with `init = 0` it equals `dot(nRows, w, y)` bit for bit.
   * @throws InvalidArgumentError as {@link KernelSet.spmvDot}.
   */
  spmvAddDot(
    nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, x: Float64Array, y: Float64Array,
    w: Float64Array, init: number,
  ): number;

  /**
   * {@link KernelSet.spmvDot} on rows `rowBegin .. rowEnd-1` of a compact block (see
   * `compact-csr.ts`): `d = init; k = entryBegin`, and for each row `i`,
   * `s = 0; repeat lengths[i] times: s += values[k] * x[i + offsets[k]], k++; y[i] = s;
   * d += w[i] * s`. Returns `d`. Rows index x, y and w directly (no subarray views: offsets may
   * reach rows before `rowBegin`). On the compact form of a CSR block it gives the bits of
   * `spmvDot` on the same rows.
   * Precondition, not checked: `lengths[rowBegin..rowEnd-1]` add up to `entryEnd - entryBegin` and
   * every `i + offsets[k]` indexes x (as the CSR precondition; `compactCsr` builds such blocks).
   * @throws InvalidArgumentError for a bad count, `rowBegin > rowEnd`, `entryBegin > entryEnd`, a
   * wrong array type, an array too short (lengths, y, w: `rowEnd`; offsets, values: `entryEnd`), or
   * an `init` that is not a number.
   */
  spmvDotCompact(
    rowBegin: number, rowEnd: number, entryBegin: number, entryEnd: number,
    lengths: Uint8Array, offsets: Int16Array, values: Float64Array,
    x: Float64Array, y: Float64Array, w: Float64Array, init: number,
  ): number;

  /** `s = 0; for i: s += x[i] * y[i]`; returns `s`. @throws InvalidArgumentError */
  dot(n: number, x: Float64Array, y: Float64Array): number;

  /** `s = 0; for i: s += x[i]`; returns `s`. @throws InvalidArgumentError */
  sum(n: number, x: Float64Array): number;

  /** y ← αx + y: `for i: y[i] += alpha * x[i]`. @throws InvalidArgumentError */
  axpy(n: number, alpha: number, x: Float64Array, y: Float64Array): void;

  /**
   * y ← αx + βy: `for i: y[i] = alpha * x[i] + beta * y[i]`. With `alpha = 1` it is CG's
   * direction update p ← z + βp (the product `1 * z[i]` is exact). @throws InvalidArgumentError
   */
  axpby(n: number, alpha: number, x: Float64Array, beta: number, y: Float64Array): void;

  /** x ← αx: `for i: x[i] *= alpha`. @throws InvalidArgumentError */
  scale(n: number, alpha: number, x: Float64Array): void;

  /**
   * The CG update without preconditioner (or before a general one), in one pass: for each `i`,
   * `x[i] += alpha * p[i]; ri = r[i] - alpha * q[i]; r[i] = ri; rr += ri * ri`. Returns `rr`
   * (= ‖r‖² summed as `dot(n, r, r)`). `r[i] - alpha * q[i]` has the bits of
   * `r[i] + (-alpha) * q[i]`, i.e. of `axpy(n, -alpha, q, r)`.
   * @throws InvalidArgumentError
   */
  cgUpdate(n: number, alpha: number, p: Float64Array, q: Float64Array, x: Float64Array, r: Float64Array): number;

  /**
   * The CG residual update with the Jacobi preconditioner, in one pass: for each `i`,
   * `ri = r[i] - alpha * q[i]; r[i] = ri; zi = dinv[i] * ri; rz += ri * zi; rr += ri * ri`.
   * Writes `out[0] = rz` (r·z) and `out[1] = rr` (‖r‖²), each summed as `dot` would, so no number
   * is allocated. The solution is updated later, by {@link KernelSet.cgStepJacobi}, in the pass
   * that reads p anyway; z = D⁻¹r is not stored: the kernels that need it recompute the product.
   * @throws InvalidArgumentError, also when `out` has fewer than 2 elements.
   */
  cgResidualJacobi(n: number, alpha: number, q: Float64Array, r: Float64Array, dinv: Float64Array, out: Float64Array): void;

  /**
   * CG's direction update with the Jacobi preconditioner: `for i: p[i] = dinv[i] * r[i] + beta * p[i]`,
   * i.e. `p = z + βp` with `z = D⁻¹r` recomputed (the same product as in
   * {@link KernelSet.cgResidualJacobi}), with the bits of `axpby(n, 1, z, beta, p)`. Reading `dinv`
   * and `r` here costs less than writing z in the update pass and reading it back.
   * @throws InvalidArgumentError
   */
  cgDirectionJacobi(n: number, beta: number, r: Float64Array, dinv: Float64Array, p: Float64Array): void;

  /**
   * CG's solution and direction updates in one pass, with the Jacobi preconditioner: for each `i`,
   * `pi = p[i]; x[i] += alpha * pi; p[i] = dinv[i] * r[i] + beta * pi`: the bits of
   * `axpy(n, alpha, p, x)` followed by {@link KernelSet.cgDirectionJacobi}. With the residual
   * updated first ({@link KernelSet.cgResidualJacobi}), an iteration reads p, x and D⁻¹ once less
   * than updating x beside r would.
   * @throws InvalidArgumentError
   */
  cgStepJacobi(n: number, alpha: number, beta: number, r: Float64Array, dinv: Float64Array, p: Float64Array, x: Float64Array): void;
}
