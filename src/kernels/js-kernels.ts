/**
 * The JavaScript {@link KernelSet}: the fallback when the native addon is not built, and the
 * reference the native kernels must match bit for bit. Each loop is the statement-for-statement
 * twin of `native/kernels/src/kernels.h` (same accumulators, same order of reads and writes):
 * change both or neither.
 *
 * @module
 */
import { checkCompactRows, checkCount, checkCsr, checkScalar, checkVector } from './kernel-args.js';
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
    checkCsr('spmv', nRows, rowPtr, colIdx, values);
    checkVector('spmv', 'x', x, 0);
    checkVector('spmv', 'y', y, nRows);
    for (let i = 0; i < nRows; i++) {
      let s = 0;
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
      y[i] = s;
    }
  },

  spmvAdd(nRows, rowPtr, colIdx, values, x, y) {
    checkCsr('spmvAdd', nRows, rowPtr, colIdx, values);
    checkVector('spmvAdd', 'x', x, 0);
    checkVector('spmvAdd', 'y', y, nRows);
    for (let i = 0; i < nRows; i++) {
      let s = y[i];
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
      y[i] = s;
    }
  },

  spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
    checkCsr('spmvDot', nRows, rowPtr, colIdx, values);
    checkVector('spmvDot', 'x', x, 0);
    checkVector('spmvDot', 'y', y, nRows);
    checkVector('spmvDot', 'w', w, nRows);
    checkScalar('spmvDot', 'init', init);
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
    checkCsr('spmvAddDot', nRows, rowPtr, colIdx, values);
    checkVector('spmvAddDot', 'x', x, 0);
    checkVector('spmvAddDot', 'y', y, nRows);
    checkVector('spmvAddDot', 'w', w, nRows);
    checkScalar('spmvAddDot', 'init', init);
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
    checkCompactRows('spmvDotCompact', rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values);
    checkVector('spmvDotCompact', 'x', x, 0);
    checkVector('spmvDotCompact', 'y', y, rowEnd);
    checkVector('spmvDotCompact', 'w', w, rowEnd);
    checkScalar('spmvDotCompact', 'init', init);
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
    checkCount('dot', 'n', n);
    checkVector('dot', 'x', x, n);
    checkVector('dot', 'y', y, n);
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * y[i];
    return s;
  },

  sum(n, x) {
    checkCount('sum', 'n', n);
    checkVector('sum', 'x', x, n);
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    return s;
  },

  axpy(n, alpha, x, y) {
    checkCount('axpy', 'n', n);
    checkScalar('axpy', 'alpha', alpha);
    checkVector('axpy', 'x', x, n);
    checkVector('axpy', 'y', y, n);
    for (let i = 0; i < n; i++) y[i] += alpha * x[i];
  },

  axpby(n, alpha, x, beta, y) {
    checkCount('axpby', 'n', n);
    checkScalar('axpby', 'alpha', alpha);
    checkVector('axpby', 'x', x, n);
    checkScalar('axpby', 'beta', beta);
    checkVector('axpby', 'y', y, n);
    for (let i = 0; i < n; i++) y[i] = alpha * x[i] + beta * y[i];
  },

  scale(n, alpha, x) {
    checkCount('scale', 'n', n);
    checkScalar('scale', 'alpha', alpha);
    checkVector('scale', 'x', x, n);
    for (let i = 0; i < n; i++) x[i] *= alpha;
  },

  cgUpdate(n, alpha, p, q, x, r) {
    checkCount('cgUpdate', 'n', n);
    checkScalar('cgUpdate', 'alpha', alpha);
    checkVector('cgUpdate', 'p', p, n);
    checkVector('cgUpdate', 'q', q, n);
    checkVector('cgUpdate', 'x', x, n);
    checkVector('cgUpdate', 'r', r, n);
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
    checkCount('cgResidualJacobi', 'n', n);
    checkScalar('cgResidualJacobi', 'alpha', alpha);
    checkVector('cgResidualJacobi', 'q', q, n);
    checkVector('cgResidualJacobi', 'r', r, n);
    checkVector('cgResidualJacobi', 'dinv', dinv, n);
    checkVector('cgResidualJacobi', 'out', out, 2);
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
    checkCount('cgDirectionJacobi', 'n', n);
    checkScalar('cgDirectionJacobi', 'beta', beta);
    checkVector('cgDirectionJacobi', 'r', r, n);
    checkVector('cgDirectionJacobi', 'dinv', dinv, n);
    checkVector('cgDirectionJacobi', 'p', p, n);
    for (let i = 0; i < n; i++) p[i] = dinv[i] * r[i] + beta * p[i];
  },

  cgStepJacobi(n, alpha, beta, r, dinv, p, x) {
    checkCount('cgStepJacobi', 'n', n);
    checkScalar('cgStepJacobi', 'alpha', alpha);
    checkScalar('cgStepJacobi', 'beta', beta);
    checkVector('cgStepJacobi', 'r', r, n);
    checkVector('cgStepJacobi', 'dinv', dinv, n);
    checkVector('cgStepJacobi', 'p', p, n);
    checkVector('cgStepJacobi', 'x', x, n);
    for (let i = 0; i < n; i++) {
      const pi = p[i];
      x[i] += alpha * pi;
      p[i] = dinv[i] * r[i] + beta * pi;
    }
  },
};
