/**
 * Level-1 operations on {@link PVector}s: dot, norm, sum, axpy, scale, copyInto. They act on own
 * values only. Reductions sum each part's own values left to right, then fold the per-part partial
 * sums in part order, so every backend returns the same bits on every part.
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import type { Backend } from '../backends/backend.js';
import { InvalidArgumentError } from '../errors.js';
import { kernels } from '../kernels/select-kernels.js';
import { checkSameOwn } from '../partitions/prange.js';
import { PVector } from './pvector.js';

interface ReductionBuffers {
  readonly local: Float64Array;
  readonly all: Float64Array;
}

/** Per backend, the buffers of reductions of `width` values, at index `width`. */
const buffers = new WeakMap<Backend, ReductionBuffers[]>();

function reductionBuffers(backend: Backend, width: number): ReductionBuffers {
  let byWidth = buffers.get(backend);
  if (byWidth === undefined) {
    byWidth = [];
    buffers.set(backend, byWidth);
  }
  let b = byWidth[width];
  if (b === undefined) {
    b = { local: new Float64Array(width * backend.localParts.length), all: new Float64Array(width * backend.np) };
    byWidth[width] = b;
  }
  return b;
}

/**
 * The buffer where each local part writes its partial values before {@link sumPartials} (one
 * value) or {@link sumPartialsInto} (`width` values: local part `i`'s value `j` at
 * `i * width + j`). Owned by the backend's reduction cache; reused by every reduction.
 * @param width values per part, 1 to 8 (`MAX_ALLGATHER_WIDTH`).
 */
export function partialsBuffer(backend: Backend, width = 1): Float64Array {
  return reductionBuffers(backend, width).local;
}

/**
 * Sums the partial values written in {@link partialsBuffer} across all parts, in part order
 * (collective, allocation-free): the same bits on every part and every backend.
 */
export function sumPartials(backend: Backend): number {
  const b = reductionBuffers(backend, 1);
  backend.allgatherFloat64(b.local, b.all);
  let total = 0;
  for (let p = 0; p < b.all.length; p++) total += b.all[p];
  return total;
}

/**
 * {@link sumPartials} of `out.length` values at once, with one collective: `out[j]` is the sum
 * over parts, in part order, of value `j` written in `partialsBuffer(backend, out.length)`, with
 * the bits `out.length` separate {@link sumPartials} calls would give.
 */
export function sumPartialsInto(backend: Backend, out: Float64Array): void {
  const width = out.length;
  const b = reductionBuffers(backend, width);
  backend.allgatherFloat64(b.local, b.all);
  for (let j = 0; j < width; j++) {
    let total = 0;
    for (let p = 0; p < backend.np; p++) total += b.all[p * width + j];
    out[j] = total;
  }
}

function checkScalar(what: string, value: unknown): void {
  if (typeof value !== 'number') throw new InvalidArgumentError(`${what} must be a number, got ${describeValue(value)}`);
}

/**
 * The dot product Σ aᵢbᵢ over own values; the same number on every part (collective).
 * @throws InvalidArgumentError when `a` or `b` is not a PVector (for a Pending: call .wait()
 * first); PartitionMismatchError when they do not have the same own ids.
 * @example `const ab = dot(a, b);`
 * @group PVector
 */
export function dot(a: PVector, b: PVector): number {
  expectInstance(a, PVector, 'dot: a');
  expectInstance(b, PVector, 'dot: b');
  return ownDot(a, b);
}

/**
 * {@link dot} without the argument checks, for callers whose vectors are known (the CG
 * iteration): the own-id check and the sum are the same.
 */
export function ownDot(a: PVector, b: PVector): number {
  checkSameOwn(a.rows, b.rows, 'dot');
  const av = a.ownValues().localItems;
  const bv = b.ownValues().localItems;
  const backend = a.rows.backend;
  const partials = partialsBuffer(backend);
  for (let i = 0; i < av.length; i++) partials[i] = kernels.dot(av[i].length, av[i], bv[i]);
  return sumPartials(backend);
}

/**
 * The Euclidean norm ‖a‖₂ over own values; the same number on every part (collective).
 * @throws InvalidArgumentError when `a` is not a PVector.
 * @example `const r0 = norm(r);`
 * @group PVector
 */
export function norm(a: PVector): number {
  expectInstance(a, PVector, 'norm: a');
  return Math.sqrt(ownDot(a, a));
}

/**
 * The sum of all own values; the same number on every part (collective).
 * @throws InvalidArgumentError when `a` is not a PVector.
 * @example `const total = sum(pfill(1, rows)); // rows.n`
 * @group PVector
 */
export function sum(a: PVector): number {
  expectInstance(a, PVector, 'sum: a');
  const av = a.ownValues().localItems;
  const backend = a.rows.backend;
  const partials = partialsBuffer(backend);
  for (let i = 0; i < av.length; i++) partials[i] = kernels.sum(av[i].length, av[i]);
  return sumPartials(backend);
}

/**
 * y ← αx + y on own values (ghosts of `y` are left as they are).
 * @throws InvalidArgumentError when `alpha` is not a number or `x`, `y` are not PVectors;
 * PartitionMismatchError when `x` and `y` do not have the same own ids.
 * @example `axpy(-1, q, r); // r ← r − q`
 * @group PVector
 */
export function axpy(alpha: number, x: PVector, y: PVector): void {
  checkScalar('axpy: alpha', alpha);
  expectInstance(x, PVector, 'axpy: x');
  expectInstance(y, PVector, 'axpy: y');
  checkSameOwn(x.rows, y.rows, 'axpy');
  const xv = x.ownValues().localItems;
  const yv = y.ownValues().localItems;
  for (let i = 0; i < xv.length; i++) kernels.axpy(xv[i].length, alpha, xv[i], yv[i]);
}

/**
 * x ← αx on own values.
 * @throws InvalidArgumentError when `alpha` is not a number or `x` is not a PVector.
 * @example `scale(0.5, x);`
 * @group PVector
 */
export function scale(alpha: number, x: PVector): void {
  checkScalar('scale: alpha', alpha);
  expectInstance(x, PVector, 'scale: x');
  for (const xs of x.ownValues().localItems) kernels.scale(xs.length, alpha, xs);
}

/**
 * Copies the own values of `src` into `dst`.
 * @throws InvalidArgumentError when `dst` or `src` is not a PVector; PartitionMismatchError when
 * they do not have the same own ids.
 * @example `copyInto(r, b);`
 * @group PVector
 */
export function copyInto(dst: PVector, src: PVector): void {
  expectInstance(dst, PVector, 'copyInto: dst');
  expectInstance(src, PVector, 'copyInto: src');
  checkSameOwn(dst.rows, src.rows, 'copyInto');
  const dv = dst.ownValues().localItems;
  src.ownValues().localItems.forEach((s, i) => dv[i].set(s));
}
