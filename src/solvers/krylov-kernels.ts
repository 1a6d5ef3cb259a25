/**
 * The Gram–Schmidt loops of {@link GmresSolver} on one part's own values: the dot products of a
 * vector with every Krylov basis vector in one pass, and the update of a vector by a combination
 * of basis vectors, as a {@link GramSchmidtKernels} set whose native twin lives in the `pa_ilu`
 * addon (`native/ilu/src/gram-schmidt.h`, same loops, same bits).
 *
 * A part's basis is one array: vector i's own values are `basis[i*stride .. i*stride + n)`.
 * Sums use four interleaved partial sums (element k goes to sum k mod 4, combined as
 * (s₀ + s₁) + (s₂ + s₃)), so that the loops are not bound by the latency of one addition chain;
 * the order is fixed, so the bits do not depend on the machine, the backend or the kernel set.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { checkCount, checkVector } from '../kernels/kernel-args.js';

/** The Gram–Schmidt kernels (see the module notes for the layout and the summation order). */
export interface GramSchmidtKernels {
  /** `out[i] = Σₖ basis[i*stride + k]·w[k]` for i < count, k < n. */
  basisDots(n: number, count: number, basis: Float64Array, stride: number, w: Float64Array, out: Float64Array): void;
  /**
   * `w[k] += Σᵢ coefficients[i]·basis[i*stride + k]` (i ascending, one rounding per term) for
   * k < n; returns the new w·w.
   */
  basisUpdate(n: number, count: number, basis: Float64Array, stride: number, coefficients: Float64Array, w: Float64Array): number;
}

/**
 * The checks both sets run first: counts, `stride ≥ n`, and arrays long enough for what the loops
 * read and write.
 * @throws InvalidArgumentError naming the kernel and the argument.
 */
export const gramSchmidtChecks = {
  basisDots(n: number, count: number, basis: Float64Array, stride: number, w: Float64Array, out: Float64Array): void {
    checkBasis('basisDots', n, count, basis, stride, w);
    checkVector('basisDots', 'out', out, count);
  },
  basisUpdate(n: number, count: number, basis: Float64Array, stride: number, coefficients: Float64Array, w: Float64Array): void {
    checkBasis('basisUpdate', n, count, basis, stride, w);
    checkVector('basisUpdate', 'coefficients', coefficients, count);
  },
};

function checkBasis(kernel: string, n: number, count: number, basis: Float64Array, stride: number, w: Float64Array): void {
  checkCount(kernel, 'n', n);
  checkCount(kernel, 'count', count);
  checkCount(kernel, 'stride', stride);
  if (stride < n) throw new InvalidArgumentError(`${kernel}: stride ${stride} is less than n = ${n}`);
  checkVector(kernel, 'basis', basis, count === 0 ? 0 : (count - 1) * stride + n);
  checkVector(kernel, 'w', w, n);
}

/** basisUpdate's four partial sums of w·w (reused: the kernel runs inside GMRES iterations). */
const updateSums = new Float64Array(4);

/**
 * The JavaScript {@link GramSchmidtKernels} (unchecked: callers run {@link gramSchmidtChecks}).
 * @example
 * ```ts
 * jsGramSchmidt.basisDots(n, j + 1, basis, stride, w, h); // h[i] = vᵢ·w
 * ```
 */
export const jsGramSchmidt: GramSchmidtKernels = {
  basisDots(n, count, basis, stride, w, out) {
    for (let i = 0; i < count; i++) {
      const offset = i * stride;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < n; k += 4) {
        s0 += basis[offset + k] * w[k];
        s1 += basis[offset + k + 1] * w[k + 1];
        s2 += basis[offset + k + 2] * w[k + 2];
        s3 += basis[offset + k + 3] * w[k + 3];
      }
      if (k < n) s0 += basis[offset + k] * w[k];
      if (k + 1 < n) s1 += basis[offset + k + 1] * w[k + 1];
      if (k + 2 < n) s2 += basis[offset + k + 2] * w[k + 2];
      out[i] = s0 + s1 + (s2 + s3);
    }
  },

  basisUpdate(n, count, basis, stride, coefficients, w) {
    const sums = updateSums.fill(0);
    for (let k = 0; k < n; k++) {
      let t = w[k];
      for (let i = 0, at = k; i < count; i++, at += stride) t += coefficients[i] * basis[at];
      w[k] = t;
      sums[k & 3] += t * t;
    }
    return sums[0] + sums[1] + (sums[2] + sums[3]);
  },
};
