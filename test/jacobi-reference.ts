/**
 * The Jacobi data of a gathered CSR matrix, written out for tests to check the AMG levels
 * against: 1/a_ii per row and Gershgorin's bound of D⁻¹A, max_i Σ_j |a_ij| / |a_ii|, each row's
 * terms in stored order.
 */
import type { CsrMatrix } from '../src/kernels/csr.js';

export function jacobiData(A: CsrMatrix): { inverse: Float64Array; gershgorin: number } {
  const inverse = new Float64Array(A.nRows);
  let gershgorin = 0;
  for (let i = 0; i < A.nRows; i++) {
    let diagonal = 0;
    let sum = 0;
    for (let e = A.rowPtr[i]; e < A.rowPtr[i + 1]; e++) {
      if (A.colIdx[e] === i) diagonal += A.values[e];
      sum += Math.abs(A.values[e]);
    }
    inverse[i] = 1 / diagonal;
    gershgorin = Math.max(gershgorin, sum / Math.abs(diagonal));
  }
  return { inverse, gershgorin };
}
