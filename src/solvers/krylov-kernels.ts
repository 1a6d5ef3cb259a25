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
  /**
   * {@link GramSchmidtKernels.basisUpdate} then {@link GramSchmidtKernels.basisDots} of the new w
   * into `out`, with the bits of the two calls, in one sweep over the basis (the native loops take
   * the dots of each block of the basis while it is still in the cache from the update): the
   * projections that decide a second classical Gram–Schmidt pass cost no second read of the
   * basis from memory. Returns the new w·w.
   */
  basisUpdateDots(n: number, count: number, basis: Float64Array, stride: number, coefficients: Float64Array, w: Float64Array, out: Float64Array): number;
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
  basisUpdateDots(n: number, count: number, basis: Float64Array, stride: number, coefficients: Float64Array, w: Float64Array, out: Float64Array): void {
    checkBasis('basisUpdateDots', n, count, basis, stride, w);
    checkVector('basisUpdateDots', 'coefficients', coefficients, count);
    checkVector('basisUpdateDots', 'out', out, count);
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

  basisUpdateDots(n, count, basis, stride, coefficients, w, out) {
    const ww = jsGramSchmidt.basisUpdate(n, count, basis, stride, coefficients, w);
    jsGramSchmidt.basisDots(n, count, basis, stride, w, out);
    return ww;
  },
};

/**
 * The fused vector loops of one {@link BicgstabSolver} iteration on one part's own values (n of
 * them), whose native twins live in the `pa_ilu` addon (`native/ilu/src/bicgstab.h`, same
 * statements, same bits). `scalars` is the solver's (ρ, ρₖ₋₁, α, ω); sums are written into
 * `out[at ..]` (no number is returned, so a call boxes nothing), each one accumulator from 0 in
 * ascending i.
 */
export interface BicgstabKernels {
  /** p = r + β(p − ωv), β = (ρ/ρₖ₋₁)(α/ω). */
  direction(n: number, r: Float64Array, v: Float64Array, p: Float64Array, scalars: Float64Array): void;
  /** s = r − αv; out[at] = s·s. */
  half(n: number, r: Float64Array, v: Float64Array, s: Float64Array, scalars: Float64Array, out: Float64Array, at: number): void;
  /** out[at] = t·s, out[at + 1] = t·t. */
  stabilizer(n: number, t: Float64Array, s: Float64Array, out: Float64Array, at: number): void;
  /** x += αp̂ then x += ωŝ, r = s − ωt; out[at] = r·r, out[at + 1] = r̂·r. */
  full(n: number, pHat: Float64Array, sHat: Float64Array, s: Float64Array, t: Float64Array, r: Float64Array, rHat: Float64Array, x: Float64Array, scalars: Float64Array, out: Float64Array, at: number): void;
}

/** Where {@link BicgstabKernels}' `scalars` hold ρ, ρₖ₋₁, α and ω. */
export const BICG_RHO = 0;
export const BICG_RHO_PREVIOUS = 1;
export const BICG_ALPHA = 2;
export const BICG_OMEGA = 3;

/**
 * The length checks both sets run first (each vector holds n values, scalars 4, out the sums).
 * @throws InvalidArgumentError naming the kernel and the argument.
 */
export const bicgstabChecks = {
  direction(n: number, r: Float64Array, v: Float64Array, p: Float64Array, scalars: Float64Array): void {
    checkCount('bicgDirection', 'n', n);
    checkVector('bicgDirection', 'r', r, n);
    checkVector('bicgDirection', 'v', v, n);
    checkVector('bicgDirection', 'p', p, n);
    checkVector('bicgDirection', 'scalars', scalars, 4);
  },
  half(n: number, r: Float64Array, v: Float64Array, s: Float64Array, scalars: Float64Array, out: Float64Array, at: number): void {
    checkCount('bicgHalf', 'n', n);
    checkVector('bicgHalf', 'r', r, n);
    checkVector('bicgHalf', 'v', v, n);
    checkVector('bicgHalf', 's', s, n);
    checkVector('bicgHalf', 'scalars', scalars, 4);
    checkCount('bicgHalf', 'at', at);
    checkVector('bicgHalf', 'out', out, at + 1);
  },
  stabilizer(n: number, t: Float64Array, s: Float64Array, out: Float64Array, at: number): void {
    checkCount('bicgStabilizer', 'n', n);
    checkVector('bicgStabilizer', 't', t, n);
    checkVector('bicgStabilizer', 's', s, n);
    checkCount('bicgStabilizer', 'at', at);
    checkVector('bicgStabilizer', 'out', out, at + 2);
  },
  full(n: number, pHat: Float64Array, sHat: Float64Array, s: Float64Array, t: Float64Array, r: Float64Array, rHat: Float64Array, x: Float64Array, scalars: Float64Array, out: Float64Array, at: number): void {
    checkCount('bicgFull', 'n', n);
    checkVector('bicgFull', 'pHat', pHat, n);
    checkVector('bicgFull', 'sHat', sHat, n);
    checkVector('bicgFull', 's', s, n);
    checkVector('bicgFull', 't', t, n);
    checkVector('bicgFull', 'r', r, n);
    checkVector('bicgFull', 'rHat', rHat, n);
    checkVector('bicgFull', 'x', x, n);
    checkVector('bicgFull', 'scalars', scalars, 4);
    checkCount('bicgFull', 'at', at);
    checkVector('bicgFull', 'out', out, at + 2);
  },
};

/**
 * The JavaScript {@link BicgstabKernels} (unchecked: callers run {@link bicgstabChecks}).
 * @example
 * ```ts
 * jsBicgstab.half(n, r, v, s, scalars, partials, part); // s = r − αv, partials[part] = s·s
 * ```
 */
export const jsBicgstab: BicgstabKernels = {
  direction(n, r, v, p, scalars) {
    const omega = scalars[BICG_OMEGA];
    const beta = (scalars[BICG_RHO] / scalars[BICG_RHO_PREVIOUS]) * (scalars[BICG_ALPHA] / omega);
    const minusOmega = -omega;
    for (let i = 0; i < n; i++) {
      const pi = p[i] + minusOmega * v[i];
      p[i] = 1 * r[i] + beta * pi;
    }
  },

  half(n, r, v, s, scalars, out, at) {
    const minusAlpha = -scalars[BICG_ALPHA];
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const si = r[i] + minusAlpha * v[i];
      s[i] = si;
      ss += si * si;
    }
    out[at] = ss;
  },

  stabilizer(n, t, s, out, at) {
    let ts = 0;
    let tt = 0;
    for (let i = 0; i < n; i++) {
      ts += t[i] * s[i];
      tt += t[i] * t[i];
    }
    out[at] = ts;
    out[at + 1] = tt;
  },

  full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at) {
    const alpha = scalars[BICG_ALPHA];
    const omega = scalars[BICG_OMEGA];
    const minusOmega = -omega;
    let rr = 0;
    let rHatR = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] + alpha * pHat[i];
      x[i] = xi + omega * sHat[i];
      const ri = s[i] + minusOmega * t[i];
      r[i] = ri;
      rr += ri * ri;
      rHatR += rHat[i] * ri;
    }
    out[at] = rr;
    out[at + 1] = rHatR;
  },
};
