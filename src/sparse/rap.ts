/**
 * `rap(R, A, P)`: the Galerkin triple product R·A·P of distributed sparse matrices (the coarse
 * operator of a multigrid hierarchy), and its plan.
 *
 * @module
 */
import { expectInstance } from '../argument-checks.js';
import { DimensionMismatchError } from '../errors.js';
import { planMatmul, type ProductPlan } from './matmul.js';
import { PSparseMatrix } from './psparse-matrix.js';

/**
 * The triple product R·A·P (collective), computed as R·(A·P) with {@link matmul} twice, so it has
 * the same bits on every backend for a given partition. The result has R's rows and P's column
 * ids (with the ghost columns its own rows reference).
 *
 * @param R an `m × k` matrix (typically Pᵀ, from {@link transpose})
 * @param A a `k × k'` matrix whose rows have the own ids of `R.cols`
 * @param P a `k' × n` matrix whose rows have the own ids of `A.cols`
 * @throws InvalidArgumentError when an argument is not a PSparseMatrix; DimensionMismatchError
 * when the sizes do not chain; PartitionMismatchError when the own ids do not chain or the
 * matrices belong to different runs. Checked before any communication.
 * @example
 * ```ts
 * const Ac = rap(transpose(P), A, P);       // the Galerkin coarse operator
 * ```
 * @group PSparseMatrix
 */
export function rap(R: PSparseMatrix, A: PSparseMatrix, P: PSparseMatrix): PSparseMatrix {
  return planRap(R, A, P).result;
}

/**
 * {@link rap} keeping its plan: `refresh()` recomputes the product for new values of R, A and P
 * (same structure; collective).
 * @throws as {@link rap}.
 * @example
 * ```ts
 * const plan = planRap(R, A, P);
 * plan.refresh();                            // after A's values changed
 * ```
 * @group PSparseMatrix
 */
export function planRap(R: PSparseMatrix, A: PSparseMatrix, P: PSparseMatrix): ProductPlan {
  expectInstance(R, PSparseMatrix, 'rap: R');
  expectInstance(A, PSparseMatrix, 'rap: A');
  expectInstance(P, PSparseMatrix, 'rap: P');
  if (R.cols.n !== A.rows.n || A.cols.n !== P.rows.n) {
    throw new DimensionMismatchError(
      `rap: R is ${R.rows.n}×${R.cols.n}, A is ${A.rows.n}×${A.cols.n} and P is ${P.rows.n}×${P.cols.n}`,
    );
  }
  const ap = planMatmul(A, P);
  const rap = planMatmul(R, ap.result);
  return {
    result: rap.result,
    refresh() {
      ap.refresh();
      rap.refresh();
    },
  };
}
