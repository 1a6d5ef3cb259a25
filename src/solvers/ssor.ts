/**
 * The SSOR preconditioner on each part's own-own block (block Jacobi with symmetric Gauss–Seidel
 * inside the blocks, as PETSc's `-pc_type sor -pc_sor_symmetric` per process).
 *
 * @module
 */
import { checkOptions, describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import type { CsrMatrix } from '../kernels/csr.js';
import type { PData } from '../pdata/pdata.js';
import type { PRange } from '../partitions/prange.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import type { PVector } from '../vectors/pvector.js';
import { applyMessages, checkApplyVectors, checkSquareOwn, diagonalPositions, reportSingular, type Preconditioner } from './preconditioners.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';


const MESSAGES = applyMessages('ssor');
/**
 * Options of {@link ssor}.
 * @group Solvers
 */
export interface SsorOptions {
  /** Relaxation factor ω, in (0, 2). Default 1 (symmetric Gauss–Seidel). */
  omega?: number;
}

/** One part's block and the inverses of its diagonal. */
interface SsorBlock {
  readonly block: CsrMatrix;
  readonly diag: Int32Array;
  readonly inverseDiagonal: Float64Array;
}

/**
 * The preconditioner built by {@link ssor}: one forward and one backward relaxation sweep over
 * each part's own-own block, from z = 0. No communication in `apply`.
 * @group Solvers
 */
export class SsorPreconditioner implements Preconditioner {
  /** The rows it was built for (its matrix's `rows`). */
  readonly rows: PRange;
  /** The relaxation factor ω. */
  readonly omega: number;
  private readonly blocks: readonly SsorBlock[];

  /**
   * @internal Built by {@link ssor}.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, rows: PRange, blocks: PData<SsorBlock>, omega: number) {
    checkFactoryKey(key, 'SsorPreconditioner', 'ssor(A)');
    this.rows = rows;
    this.blocks = blocks.localItems;
    this.omega = omega;
  }

  /**
   * z ← M⁻¹ r on own values, M = ω/(2−ω) (D/ω + L) D⁻¹ (D/ω + U) of each own-own block
   * (allocation-free).
   * @throws InvalidArgumentError when `z` or `r` is not a PVector or they are the same vector;
   * PartitionMismatchError when either does not have the own ids of the preconditioner's rows.
   */
  apply(z: PVector, r: PVector): void {
    checkApplyVectors(this.rows, z, r, MESSAGES);
    const zs = z.values.localItems;
    const rs = r.values.localItems;
    const omega = this.omega;
    const keep = 1 - omega;
    for (let p = 0; p < this.blocks.length; p++) {
      const { block, diag, inverseDiagonal } = this.blocks[p];
      const { nRows, rowPtr, colIdx, values } = block;
      const zp = zs[p];
      const rp = rs[p];
      // Forward sweep from z = 0: only the columns left of the diagonal hold updated values.
      for (let i = 0; i < nRows; i++) {
        let s = rp[i];
        for (let k = rowPtr[i]; k < diag[i]; k++) s -= values[k] * zp[colIdx[k]];
        zp[i] = omega * s * inverseDiagonal[i];
      }
      // Backward sweep: the whole row but the diagonal.
      for (let i = nRows - 1; i >= 0; i--) {
        let s = rp[i];
        const d = diag[i];
        for (let k = rowPtr[i]; k < d; k++) s -= values[k] * zp[colIdx[k]];
        for (let k = d + 1; k < rowPtr[i + 1]; k++) s -= values[k] * zp[colIdx[k]];
        zp[i] = keep * zp[i] + omega * s * inverseDiagonal[i];
      }
    }
  }
}

/**
 * The SSOR preconditioner of `A`, per part on its own-own block (couplings to other parts are
 * dropped): one symmetric sweep of successive over-relaxation with factor ω from z = 0, i.e.
 * M = ω/(2−ω) (D/ω + L) D⁻¹ (D/ω + U) with A's block = L + D + U. Symmetric positive definite
 * when the blocks are (0 < ω < 2), so it suits {@link cg}. Keeps the positions and inverses of the
 * diagonal (12 bytes per own row); reads A's values at every apply, so it follows
 * `psparseRefill` as long as the diagonal stays nonzero (its inverse is kept: build a new one
 * when the diagonal changes).
 *
 * Collective (the parts agree on whether every diagonal entry is usable).
 *
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix, `opts` has an unknown key or ω is
 * not a number in (0, 2); DimensionMismatchError / PartitionMismatchError for a non-square `A`;
 * SingularMatrixError on every part when a diagonal entry is missing, zero or not finite (lowest
 * part and its global row).
 * @example
 * ```ts
 * cg(A, b, { preconditioner: ssor(A, { omega: 1.5 }) }); // 'ssor' is omega = 1
 * ```
 * @group Solvers
 */
export function ssor(A: PSparseMatrix, opts?: SsorOptions): SsorPreconditioner {
  checkSquareOwn(A, 'ssor');
  const omega = checkOptions(opts, ['omega'], 'ssor').omega ?? 1;
  if (typeof omega !== 'number' || !(omega > 0 && omega < 2)) {
    throw new InvalidArgumentError(`ssor: omega must be a number in (0, 2), got ${describeValue(omega)}`);
  }
  const blocks = A.ownOwn.map((block) => {
    const diag = diagonalPositions(block);
    const inverseDiagonal = new Float64Array(block.nRows);
    let failed = -1;
    for (let i = 0; i < block.nRows; i++) {
      const d = diag[i] < 0 ? 0 : block.values[diag[i]];
      if (d === 0 || !Number.isFinite(d)) {
        failed = i;
        break;
      }
      inverseDiagonal[i] = 1 / d;
    }
    return { failed, block: { block, diag, inverseDiagonal } };
  });
  reportSingular(A.rows, blocks.map((b) => b.failed), 'ssor', 'zero, missing or non-finite diagonal entry');
  return new SsorPreconditioner(FACTORY_KEY, A.rows, blocks.map((b) => b.block), omega);
}
