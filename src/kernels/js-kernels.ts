/**
 * The JavaScript {@link KernelSet}: the fallback when the native addon is not built, and the
 * reference the native kernels must match bit for bit. Each loop is the statement-for-statement
 * twin of `native/kernels/src/kernels.h` (same accumulators, same order of reads and writes):
 * change both or neither.
 *
 * @module
 */
import { kernelChecks } from './kernel-checks.js';
import type { KernelSet } from './kernel-set.js';

/**
 * The kernels in JavaScript. Stateless; safe to share between parts and threads.
 *
 * @example
 * ```ts
 * const x = Float64Array.of(1, 2, 3);
 * jsKernels.dot(3, x, x); // 14
 * ```
 */
export const jsKernels: KernelSet = {
  kind: 'js',

  spmv(nRows, rowPtr, colIdx, values, x, y) {
    kernelChecks.spmv(nRows, rowPtr, colIdx, values, x, y);
    for (let i = 0; i < nRows; i++) {
      let s = 0;
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
      y[i] = s;
    }
  },

  spmvAdd(nRows, rowPtr, colIdx, values, x, y) {
    kernelChecks.spmvAdd(nRows, rowPtr, colIdx, values, x, y);
    for (let i = 0; i < nRows; i++) {
      let s = y[i];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
      y[i] = s;
    }
  },

  spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
    kernelChecks.spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init);
    let d = init;
    for (let i = 0; i < nRows; i++) {
      let s = 0;
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
      y[i] = s;
      d += w[i] * s;
    }
    return d;
  },

  spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
    kernelChecks.spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init);
    let d = init;
    for (let i = 0; i < nRows; i++) {
      let s = y[i];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
      y[i] = s;
      d += w[i] * s;
    }
    return d;
  },

  spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init) {
    kernelChecks.spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init);
    let d = init;
    let k = entryBegin;
    for (let i = rowBegin; i < rowEnd; i++) {
      let s = 0;
      const end = k + lengths[i];
      for (; k < end; k++) s += values[k] * x[i + offsets[k]];
      y[i] = s;
      d += w[i] * s;
    }
    return d;
  },

  dot(n, x, y) {
    kernelChecks.dot(n, x, y);
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * y[i];
    return s;
  },

  sum(n, x) {
    kernelChecks.sum(n, x);
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    return s;
  },

  axpy(n, alpha, x, y) {
    kernelChecks.axpy(n, alpha, x, y);
    for (let i = 0; i < n; i++) y[i] += alpha * x[i];
  },

  axpby(n, alpha, x, beta, y) {
    kernelChecks.axpby(n, alpha, x, beta, y);
    for (let i = 0; i < n; i++) y[i] = alpha * x[i] + beta * y[i];
  },

  scale(n, alpha, x) {
    kernelChecks.scale(n, alpha, x);
    for (let i = 0; i < n; i++) x[i] *= alpha;
  },

  cgUpdate(n, alpha, p, q, x, r) {
    kernelChecks.cgUpdate(n, alpha, p, q, x, r);
    let rr = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      const ri = r[i] - alpha * q[i];
      r[i] = ri;
      rr += ri * ri;
    }
    return rr;
  },

  cgResidualJacobi(n, alpha, q, r, dinv, out) {
    kernelChecks.cgResidualJacobi(n, alpha, q, r, dinv, out);
    let rz = 0;
    let rr = 0;
    for (let i = 0; i < n; i++) {
      const ri = r[i] - alpha * q[i];
      r[i] = ri;
      const zi = dinv[i] * ri;
      rz += ri * zi;
      rr += ri * ri;
    }
    out[0] = rz;
    out[1] = rr;
  },

  cgDirectionJacobi(n, beta, r, dinv, p) {
    kernelChecks.cgDirectionJacobi(n, beta, r, dinv, p);
    for (let i = 0; i < n; i++) p[i] = dinv[i] * r[i] + beta * p[i];
  },

  cgStepJacobi(n, alpha, beta, r, dinv, p, x) {
    kernelChecks.cgStepJacobi(n, alpha, beta, r, dinv, p, x);
    for (let i = 0; i < n; i++) {
      const pi = p[i];
      x[i] += alpha * pi;
      p[i] = dinv[i] * r[i] + beta * pi;
    }
  },
};
