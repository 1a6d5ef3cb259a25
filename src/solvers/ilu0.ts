/**
 * The block Jacobi ILU(0) preconditioner: each part factors its own-own block with no fill-in
 * (PETSc's `-pc_type bjacobi -sub_pc_type ilu`, one block per part).
 *
 * @module
 */
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import type { PData } from '../pdata/pdata.js';
import type { PRange } from '../partitions/prange.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import type { PVector } from '../vectors/pvector.js';
import { solverKernels } from './ilu0-native.js';
import { compactIlu0, type CompactIlu0, type Ilu0KernelSet } from './ilu0-kernels.js';
import { applyMessages, checkApplyVectors, checkSquareOwn, reportSingular, type Preconditioner } from './preconditioners.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';


const MESSAGES = applyMessages('ilu0');
/**
 * One part's factors: the split compact factors the solves use, or, when the block does not fit
 * them, the block's structure (shared with the matrix) with the factors' values and diagonal
 * positions.
 */
type Ilu0Factors =
  | { readonly compact: CompactIlu0; readonly block: null; readonly lu: null; readonly diag: null }
  | { readonly compact: null; readonly block: CsrMatrix; readonly lu: Float64Array; readonly diag: Int32Array };

/**
 * The preconditioner built by {@link ilu0}: z = (L U)⁻¹ r on each part's own values, with L U the
 * incomplete factorisation of the part's own-own block (couplings to other parts' unknowns are
 * dropped: block Jacobi). No communication in `apply`.
 * @group Solvers
 */
export class Ilu0Preconditioner implements Preconditioner {
  /** The rows it was built for (its matrix's `rows`). */
  readonly rows: PRange;
  /** Which loops factor and solve: `'native'` (the `pa_ilu` addon) or `'js'` (same bits). */
  readonly kind: 'native' | 'js';
  private readonly factors: readonly Ilu0Factors[];
  private readonly kernels: Ilu0KernelSet;

  /**
   * @internal Built by {@link ilu0}.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, rows: PRange, factors: PData<Ilu0Factors>, kernels: Ilu0KernelSet) {
    checkFactoryKey(key, 'Ilu0Preconditioner', 'ilu0(A)');
    this.rows = rows;
    this.factors = factors.localItems;
    this.kernels = kernels;
    this.kind = kernels.kind;
  }

  /**
   * z ← (L U)⁻¹ r on own values, part by part (allocation-free).
   * @throws InvalidArgumentError when `z` or `r` is not a PVector or they are the same vector;
   * PartitionMismatchError when either does not have the own ids of the preconditioner's rows.
   */
  apply(z: PVector, r: PVector): void {
    this.applyScaled(z, r, 1);
  }

  /**
   * r ← scale·r on own values, then z ← (L U)⁻¹ r, in the same pass over r where the factors are
   * compact (allocation-free; the bits of scaling r first): how GMRES normalises its newest Krylov
   * vector and preconditions it at once.
   * @throws as {@link Ilu0Preconditioner.apply}.
   */
  applyScaled(z: PVector, r: PVector, scale: number): void {
    checkApplyVectors(this.rows, z, r, MESSAGES);
    const zs = z.values.localItems;
    const rs = r.values.localItems;
    const { factors, kernels } = this;
    for (let i = 0; i < factors.length; i++) {
      const f = factors[i];
      if (f.compact !== null) {
        const c = f.compact;
        kernels.solveCompact(c.lower.length, c.lower, c.upper, c.lOffsets, c.lValues, c.uOffsets, c.uValues, scale, rs[i], zs[i]);
      } else {
        if (scale !== 1) scaleValues(f.block.nRows, scale, rs[i]);
        kernels.solve(f.block.nRows, f.block.rowPtr, f.block.colIdx, f.lu, f.diag, rs[i], zs[i]);
      }
    }
  }
}

/** x[i] *= scale for i < n. */
function scaleValues(n: number, scale: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) x[i] *= scale;
}

/**
 * Block Jacobi ILU(0) of `A`: each part computes the incomplete LU factorisation of its own-own
 * block, keeping exactly the block's sparsity pattern, and `apply` runs the forward and backward
 * substitutions on the part's own values. When the rows have at most 255 entries each side of
 * the diagonal and columns within 32767 of the row, the factors are kept split for the two
 * sweeps (L forward, U with its inverted pivots in the backward sweep's order), with 16-bit
 * column offsets: 10 bytes per stored own-own entry and 10 per row, owned by the preconditioner,
 * and each sweep streams only its own factor. Otherwise they take one value per entry and one
 * 32-bit diagonal position per row next to the matrix's CSR structure. Refilling A's values does
 * not change the factors: build a new one.
 *
 * The iterates do not depend on the backend, only on the partition: the blocks are the parts'.
 * Native loops (`native/ilu`) when built, else the same loops in JavaScript, with the same bits;
 * `PA_KERNELS` and `PA_REQUIRE_NATIVE` choose as for the SpMV kernels.
 *
 * Collective (the parts agree on whether the factorisation succeeded, so all throw or none).
 *
 * @param A a square matrix whose rows and columns have the same own ids.
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix; DimensionMismatchError when it is
 * not square; PartitionMismatchError when rows and columns have different own ids (before any
 * communication); SingularMatrixError on every part when a pivot is missing, zero or not finite,
 * naming the lowest such part (`partId`) and its global row (`row`); BackendUnavailableError when
 * `PA_KERNELS=native` or `PA_REQUIRE_NATIVE=1` and the addon is not built.
 * @example
 * ```ts
 * const M = ilu0(A);
 * const { iterations } = gmres(A, b, { preconditioner: M }); // same as preconditioner: 'ilu0'
 * ```
 * @group Solvers
 */
export function ilu0(A: PSparseMatrix): Ilu0Preconditioner {
  checkSquareOwn(A, 'ilu0');
  const kernels = solverKernels().ilu0;
  const failures = A.ownOwn.map((block) => {
    // On huge pages where available (the compact factors too): each apply streams the factors.
    const lu = largeArrays.float64(block.rowPtr[block.nRows]);
    const diag = largeArrays.int32(block.nRows);
    const work = new Int32Array(block.nRows).fill(-1);
    const failed = kernels.factor(block.nRows, block.rowPtr, block.colIdx, block.values, lu, diag, work);
    const compact = failed < 0 ? compactIlu0(block.nRows, block.rowPtr, block.colIdx, diag, lu) : null;
    // With the compact factors, lu and diag are dropped (the solves do not read them).
    const factors: Ilu0Factors = compact !== null ? { compact, block: null, lu: null, diag: null } : { compact, block, lu, diag };
    return { failed, factors };
  });
  reportSingular(A.rows, failures.map((f) => f.failed), 'ilu0', 'zero, missing or non-finite pivot of the own-own block');
  return new Ilu0Preconditioner(FACTORY_KEY, A.rows, failures.map((f) => f.factors), kernels);
}
