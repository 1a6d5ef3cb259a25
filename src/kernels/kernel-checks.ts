/**
 * The O(1) argument checks of every kernel, one function per {@link KernelSet} method with the
 * same arguments, run by the JavaScript and the native set alike before either touches memory,
 * so that both reject the same calls with the same messages.
 *
 * @module
 */
import { checkCompactRows, checkCount, checkCsr, checkScalar, checkVector } from './kernel-args.js';
import type { KernelSet } from './kernel-set.js';

/** The checks of one kernel: its arguments, nothing returned. */
type Checks = { readonly [K in Exclude<keyof KernelSet, 'kind'>]: (...args: Parameters<KernelSet[K]>) => void };

/**
 * Each kernel's checks (see the module notes of `kernel-set.ts` for what is checked and what is a
 * precondition).
 * @throws InvalidArgumentError naming the kernel and the argument.
 * @example `kernelChecks.dot(3, x, y); // throws unless x and y hold 3 values`
 */
export const kernelChecks: Checks = {
  spmv(nRows, rowPtr, colIdx, values, x, y) {
    checkCsr('spmv', nRows, rowPtr, colIdx, values);
    checkVector('spmv', 'x', x, 0);
    checkVector('spmv', 'y', y, nRows);
  },

  spmvAdd(nRows, rowPtr, colIdx, values, x, y) {
    checkCsr('spmvAdd', nRows, rowPtr, colIdx, values);
    checkVector('spmvAdd', 'x', x, 0);
    checkVector('spmvAdd', 'y', y, nRows);
  },

  spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
    checkCsr('spmvDot', nRows, rowPtr, colIdx, values);
    checkVector('spmvDot', 'x', x, 0);
    checkVector('spmvDot', 'y', y, nRows);
    checkVector('spmvDot', 'w', w, nRows);
    checkScalar('spmvDot', 'init', init);
  },

  spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
    checkCsr('spmvAddDot', nRows, rowPtr, colIdx, values);
    checkVector('spmvAddDot', 'x', x, 0);
    checkVector('spmvAddDot', 'y', y, nRows);
    checkVector('spmvAddDot', 'w', w, nRows);
    checkScalar('spmvAddDot', 'init', init);
  },

  spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init) {
    checkCompactRows('spmvDotCompact', rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values);
    checkVector('spmvDotCompact', 'x', x, 0);
    checkVector('spmvDotCompact', 'y', y, rowEnd);
    checkVector('spmvDotCompact', 'w', w, rowEnd);
    checkScalar('spmvDotCompact', 'init', init);
  },

  dot(n, x, y) {
    checkCount('dot', 'n', n);
    checkVector('dot', 'x', x, n);
    checkVector('dot', 'y', y, n);
  },

  sum(n, x) {
    checkCount('sum', 'n', n);
    checkVector('sum', 'x', x, n);
  },

  axpy(n, alpha, x, y) {
    checkCount('axpy', 'n', n);
    checkScalar('axpy', 'alpha', alpha);
    checkVector('axpy', 'x', x, n);
    checkVector('axpy', 'y', y, n);
  },

  axpby(n, alpha, x, beta, y) {
    checkCount('axpby', 'n', n);
    checkScalar('axpby', 'alpha', alpha);
    checkVector('axpby', 'x', x, n);
    checkScalar('axpby', 'beta', beta);
    checkVector('axpby', 'y', y, n);
  },

  scale(n, alpha, x) {
    checkCount('scale', 'n', n);
    checkScalar('scale', 'alpha', alpha);
    checkVector('scale', 'x', x, n);
  },

  cgUpdate(n, alpha, p, q, x, r) {
    checkCount('cgUpdate', 'n', n);
    checkScalar('cgUpdate', 'alpha', alpha);
    checkVector('cgUpdate', 'p', p, n);
    checkVector('cgUpdate', 'q', q, n);
    checkVector('cgUpdate', 'x', x, n);
    checkVector('cgUpdate', 'r', r, n);
  },

  cgResidualJacobi(n, alpha, q, r, dinv, out) {
    checkCount('cgResidualJacobi', 'n', n);
    checkScalar('cgResidualJacobi', 'alpha', alpha);
    checkVector('cgResidualJacobi', 'q', q, n);
    checkVector('cgResidualJacobi', 'r', r, n);
    checkVector('cgResidualJacobi', 'dinv', dinv, n);
    checkVector('cgResidualJacobi', 'out', out, 2);
  },

  cgDirectionJacobi(n, beta, r, dinv, p) {
    checkCount('cgDirectionJacobi', 'n', n);
    checkScalar('cgDirectionJacobi', 'beta', beta);
    checkVector('cgDirectionJacobi', 'r', r, n);
    checkVector('cgDirectionJacobi', 'dinv', dinv, n);
    checkVector('cgDirectionJacobi', 'p', p, n);
  },

  cgStepJacobi(n, alpha, beta, r, dinv, p, x) {
    checkCount('cgStepJacobi', 'n', n);
    checkScalar('cgStepJacobi', 'alpha', alpha);
    checkScalar('cgStepJacobi', 'beta', beta);
    checkVector('cgStepJacobi', 'r', r, n);
    checkVector('cgStepJacobi', 'dinv', dinv, n);
    checkVector('cgStepJacobi', 'p', p, n);
    checkVector('cgStepJacobi', 'x', x, n);
  },
};
