/**
 * What the loops of psparse's COO → CSR assembly do, independent of how (JavaScript in
 * `js-assembly-kernels.ts`, native in `native/kernels/src/assembly.h`); `assembly-kernels.ts`
 * picks the set of this process. The codes and array ownership are described there.
 *
 * @module
 */
import type { KernelKind } from './kernel-set.js';

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
   * The symbolic step for contributions already in order (a stencil's): when the kept ones come by
   * non-decreasing row and, within a row, the own-own column codes (`< nOwnCols`) are
   * non-decreasing and so are the own-ghost ones, writes `ooPtr` / `ogPtr` as
   * {@link AssemblyKernels.csrPattern} would and returns `true`. Returns `false` at the first
   * contribution out of order (`ooPtr`, `ogPtr` then partly written), without a permutation.
   */
  csrOrderedPattern(nRows: number, nOwnCols: number, rowCode: Int32Array, colCode: Int32Array, ooPtr: Int32Array, ogPtr: Int32Array): boolean;
  /**
   * After {@link AssemblyKernels.csrOrderedPattern} returned `true`: what
   * {@link AssemblyKernels.csrFill} writes (`ooCol`, `ogCol`, `slot`; `slot` may be `rowCode`), in one pass.
   */
  csrOrderedFill(nOwnCols: number, rowCode: Int32Array, colCode: Int32Array, ooCol: Int32Array, ogCol: Int32Array, slot: Int32Array): void;
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
  /**
   * The Jacobi preconditioner's inverse diagonal of a square CSR block whose columns ascend within
   * each row: `out[i] = 1 / diagonal of row i`. Returns −1 when every row has a finite nonzero
   * diagonal entry, else the first row that does not (`out` is then partly written).
   */
  csrInverseDiagonal(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, out: Float64Array): number;
  /**
   * The triplets of `laplacianFdm` for the own rows `box` (as {@link AssemblyKernels.assemblyClassify}'s,
   * in local order) on the grid `grid = [dims, n0, n1, n2]` (unused directions 1): per row the
   * neighbours below in descending direction, the diagonal `2·dims`, the neighbours above in
   * ascending direction, all −1. Returns the number of triplets; writes them into `I`, `J`, `V`
   * unless `I` is empty (a counting call).
   */
  stencilTriplets(grid: Float64Array, box: Float64Array, I: Float64Array, J: Float64Array, V: Float64Array): number;
}
