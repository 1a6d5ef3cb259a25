/**
 * The matrix–vector product of {@link GmresSolver}: `spmv` with each part's own-own block in
 * compact form ({@link compactCsr}: 16-bit column offsets and byte row lengths, 10 instead of 12
 * bytes per entry streamed) where it fits, for any pair of vectors.
 *
 * @module
 */
import { compactCsr, type CompactCsr } from '../kernels/compact-csr.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { kernels } from '../kernels/select-kernels.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import type { PVector } from '../vectors/pvector.js';

/**
 * `y = A x` for a fixed A, as `spmv(y, A, x)` with the same bits (the same products summed in the
 * same order: own-own entries, then own-ghost ones), allocation-free per call. The parts whose
 * own-own block fits the compact form multiply from it; the others from the block's CSR. The
 * caller has checked that x is on `A.cols` and y has the own ids of `A.rows`, and that they are
 * different vectors.
 *
 * Owns the compact copies of the blocks' structure (2 bytes per own-own entry, 1 per row); the
 * values are the matrix's, so new values (e.g. `psparseRefill`) are used.
 * @example
 * ```ts
 * const product = new KrylovProduct(A);
 * product.multiply(w, z); // w = A z
 * ```
 */
export class KrylovProduct {
  private readonly ownOwn: readonly CsrMatrix[];
  private readonly ownGhost: readonly CsrMatrix[];
  private readonly compact: readonly (CompactCsr | null)[];

  constructor(A: PSparseMatrix) {
    this.ownOwn = A.ownOwn.localItems;
    this.ownGhost = A.ownGhost.localItems;
    this.compact = this.ownOwn.map((block) => {
      const form = compactCsr(block);
      return 'lengths' in form ? form : null;
    });
  }

  /** y ← A x (collective: updates x's ghosts). */
  multiply(y: PVector, x: PVector): void {
    const { ownOwn, ownGhost, compact } = this;
    const xLocal = x.values.localItems;
    const yLocal = y.values.localItems;
    x.startConsistent();
    for (let i = 0; i < ownOwn.length; i++) {
      const c = compact[i];
      if (c === null) {
        const { nRows, rowPtr, colIdx, values } = ownOwn[i];
        kernels.spmv(nRows, rowPtr, colIdx, values, xLocal[i], yLocal[i]);
      } else {
        // The dot product the kernel also returns (x·y) is not needed.
        kernels.spmvDotCompact(0, c.nRows, 0, c.rowPtr[c.nRows], c.lengths, c.offsets, c.values, xLocal[i], yLocal[i], xLocal[i], 0);
      }
    }
    x.finishConsistent();
    const xGhost = x.ghostValues().localItems;
    for (let i = 0; i < ownGhost.length; i++) {
      const { nRows, rowPtr, colIdx, values } = ownGhost[i];
      if (rowPtr[nRows] > 0) kernels.spmvAdd(nRows, rowPtr, colIdx, values, xGhost[i], yLocal[i]);
    }
  }
}
