/**
 * Preconditioners of the Krylov solvers ({@link cg}, {@link gmres}, {@link bicgstab}): the
 * {@link Preconditioner} interface, the Jacobi (diagonal) preconditioner, and the checks and
 * collective error report shared by the per-part preconditioners (`ssor.ts`, `ilu0.ts`).
 *
 * @module
 */
import { expectInstance } from '../argument-checks.js';
import { DimensionMismatchError, InvalidArgumentError, SingularMatrixError } from '../errors.js';
import { assemblyKernels } from '../kernels/assembly-kernels.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { PData, pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { PRange, checkSameOwn } from '../partitions/prange.js';
import { PVector } from '../vectors/pvector.js';

/**
 * An approximation M⁻¹ of the inverse of a matrix, applied once or twice per Krylov iteration.
 *
 * `apply(z, r)` writes z = M⁻¹ r on the OWN values of `z`; it reads only the own values of `r`
 * and must not modify `r`. Both vectors have the own ids of the matrix rows (in {@link cg} they
 * are on `A.rows`). It is called inside the solver loop, so it must not allocate; it may
 * communicate (collectively) if the preconditioner needs it. For CG it must be symmetric positive
 * definite, otherwise CG stops with `'diverged-breakdown'`; {@link gmres} and {@link bicgstab}
 * take any (they apply it on the right, to vectors on `A.cols`, and never pass the same vector as
 * `z` and `r`).
 *
 * @example
 * ```ts
 * // scaling by a constant: z = r / 6
 * const scaled: Preconditioner = {
 *   apply(z, r) {
 *     const zs = z.ownValues().localItems;
 *     r.ownValues().localItems.forEach((rs, i) => { for (let k = 0; k < rs.length; k++) zs[i][k] = rs[k] / 6; });
 *   },
 * };
 * cg(A, b, { preconditioner: scaled });
 * ```
 * @group Solvers
 */
export interface Preconditioner {
  /** z ← M⁻¹ r on own values (no allocation). */
  apply(z: PVector, r: PVector): void;
}

/**
 * The Jacobi preconditioner z = D⁻¹ r (D the diagonal of the own rows) built by {@link jacobi}.
 * `cg` recognises it and applies it inside its fused update pass (same bits as
 * {@link JacobiPreconditioner.apply}).
 * @example `const M = jacobi(A); M.apply(z, r);`
 */
export class JacobiPreconditioner implements Preconditioner {
  /** The rows it was built for (its matrix's `rows`). */
  readonly rows: PRange;
  /** Per part, 1 / diagonal of each own row (owned by the preconditioner; read-only). */
  readonly inverseDiagonal: PData<Float64Array>;

  /** @throws InvalidArgumentError when `rows` is not a PRange or `inverseDiagonal` not a PData. */
  constructor(rows: PRange, inverseDiagonal: PData<Float64Array>) {
    expectInstance(rows, PRange, 'JacobiPreconditioner: rows');
    expectInstance(inverseDiagonal, PData, 'JacobiPreconditioner: inverseDiagonal');
    this.rows = rows;
    this.inverseDiagonal = inverseDiagonal;
  }

  /**
   * z ← D⁻¹ r on own values.
   * @throws InvalidArgumentError when `z` or `r` is not a PVector; PartitionMismatchError when
   * either does not have the own ids of the preconditioner's rows.
   */
  apply(z: PVector, r: PVector): void {
    expectInstance(z, PVector, 'JacobiPreconditioner.apply: z');
    expectInstance(r, PVector, 'JacobiPreconditioner.apply: r');
    checkSameOwn(z.rows, this.rows, 'jacobi: z must have the own ids of A.rows');
    checkSameOwn(r.rows, this.rows, 'jacobi: r must have the own ids of A.rows');
    // The local arrays, own values first (d.length of them): no views made, as solver loops call it.
    const zs = z.values.localItems;
    const rs = r.values.localItems;
    const ds = this.inverseDiagonal.localItems;
    for (let i = 0; i < ds.length; i++) {
      const zOwn = zs[i];
      const rOwn = rs[i];
      const d = ds[i];
      for (let k = 0; k < d.length; k++) zOwn[k] = d[k] * rOwn[k];
    }
  }
}

/**
 * The Jacobi (diagonal) preconditioner of `A`: z = D⁻¹ r, with D the diagonal of `A`. Each part
 * reads the diagonal of its own rows from its own-own block (no communication) and stores the
 * inverses once; `apply` is one multiplication per own entry.
 *
 * @param A a square matrix whose rows and columns have the same own ids (as built by `psparse`
 *   with the same partition for rows and cols).
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix (for a Pending: call .wait()
 *   first); DimensionMismatchError when `A` is not square; PartitionMismatchError when `A.rows` and
 *   `A.cols` have different own ids; InvalidArgumentError (with the part id and the global row)
 *   when a diagonal entry is missing, zero or not finite.
 * @example
 * ```ts
 * const A = await psparse(I, J, V, rows, rows);
 * const result = cg(A, b, { preconditioner: jacobi(A) }); // same as preconditioner: 'jacobi'
 * ```
 * @group Solvers
 */
export function jacobi(A: PSparseMatrix): Preconditioner {
  expectInstance(A, PSparseMatrix, 'jacobi: A');
  if (A.rows.n !== A.cols.n) {
    throw new DimensionMismatchError(`jacobi: the matrix must be square, got ${A.rows.n} x ${A.cols.n}`);
  }
  checkSameOwn(A.rows, A.cols, 'jacobi: A.rows and A.cols must have the same own ids');
  const ids = A.rows.partition.localItems;
  const inverseDiagonal = A.ownOwn.map((block, p) => {
    const { nRows, rowPtr, colIdx, values } = block;
    const out = largeArrays.float64(nRows);
    // One native pass (a JavaScript loop here ran interpreted for most of a large block: ~10 ms
    // of a CG set-up at n = 100); the message is worked out only for the row it names.
    const i = assemblyKernels.csrInverseDiagonal(nRows, rowPtr, colIdx, values, out);
    if (i >= 0) {
      let k = rowPtr[i];
      while (k < rowPtr[i + 1] && colIdx[k] < i) k++;
      const what = k < rowPtr[i + 1] && colIdx[k] === i ? `has diagonal entry ${values[k]}` : 'has no diagonal entry';
      const rowToGlobal = ids[A.ownOwn.partIds.indexOf(p)].ownToGlobal;
      throw new InvalidArgumentError(
        `jacobi: global row ${rowToGlobal[i]} ${what}; the Jacobi preconditioner needs a finite nonzero diagonal`,
        { partId: p },
      );
    }
    return out;
  });
  return new JacobiPreconditioner(A.rows, inverseDiagonal);
}

/**
 * Checks that `A` is a square PSparseMatrix whose rows and columns have the same own ids: what a
 * per-part preconditioner built from the own-own blocks needs.
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix; DimensionMismatchError;
 * PartitionMismatchError.
 */
export function checkSquareOwn(A: PSparseMatrix, who: string): void {
  expectInstance(A, PSparseMatrix, `${who}: A`);
  if (A.rows.n !== A.cols.n) {
    throw new DimensionMismatchError(`${who}: the matrix must be square, got ${A.rows.n} x ${A.cols.n}`);
  }
  checkSameOwn(A.rows, A.cols, `${who}: A.rows and A.cols must have the same own ids`);
}

/**
 * Collective: given each part's first failing LOCAL own row (−1 for none), throws on EVERY part
 * the same {@link SingularMatrixError}, for the lowest failing part and its global row (so no
 * part goes on alone into a solver whose other parts stopped). Returns when no part failed.
 * @throws SingularMatrixError `"<who>: <what> at global row <row> (part <p>)"` (the part added by the error class) with `row` and
 * `partId`.
 */
export function reportSingular(rows: PRange, failures: PData<number>, who: string, what: string): void {
  const globalRows = pmap((ids, local) => (local < 0 ? -1 : ids.ownToGlobal[local]), rows.partition, failures);
  const all = getAny(gather(globalRows, { destination: 'all' }));
  const partId = all.findIndex((row) => row >= 0);
  if (partId < 0) return;
  const row = all[partId];
  throw new SingularMatrixError(`${who}: ${what} at global row ${row}`, row, { partId });
}

/**
 * Position of each row's diagonal entry in a square CSR block (columns ascend within a row), or
 * −1 for a row without one.
 */
export function diagonalPositions(block: { nRows: number; rowPtr: Int32Array; colIdx: Int32Array }): Int32Array {
  const { nRows, rowPtr, colIdx } = block;
  const out = new Int32Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let k = rowPtr[i];
    const end = rowPtr[i + 1];
    while (k < end && colIdx[k] < i) k++;
    out[i] = k < end && colIdx[k] === i ? k : -1;
  }
  return out;
}

/** The messages of {@link checkApplyVectors} for one preconditioner, built once (apply runs in solver loops). */
export interface ApplyMessages {
  readonly z: string;
  readonly r: string;
  readonly zOwn: string;
  readonly rOwn: string;
  readonly same: string;
}

/** The {@link ApplyMessages} of the preconditioner called `who`. */
export function applyMessages(who: string): ApplyMessages {
  return {
    z: `${who}.apply: z`,
    r: `${who}.apply: r`,
    zOwn: `${who}: z must have the own ids of A.rows`,
    rOwn: `${who}: r must have the own ids of A.rows`,
    same: `${who}: z and r must be different vectors`,
  };
}

/** Checks the vectors given to a per-part preconditioner's `apply` (allocation-free). */
export function checkApplyVectors(rows: PRange, z: PVector, r: PVector, messages: ApplyMessages): void {
  expectInstance(z, PVector, messages.z);
  expectInstance(r, PVector, messages.r);
  checkSameOwn(z.rows, rows, messages.zOwn);
  checkSameOwn(r.rows, rows, messages.rOwn);
  if (z === r) throw new InvalidArgumentError(messages.same);
}
