/**
 * Level-1 operations on {@link PVector}s: dot, norm, sum, axpy, scale, copyInto. They act on own
 * values only. Reductions sum each part's own values left to right, then fold the per-part partial
 * sums in part order, so every backend returns the same bits on every part.
 *
 * @module
 */
import type { Backend } from '../backends/backend.js';
import { InvalidArgumentError } from '../errors.js';
import { kernels } from '../kernels/select-kernels.js';
import { checkSameOwn } from './prange.js';
import type { PVector } from './pvector.js';

interface ReductionBuffers {
  readonly local: Float64Array;
  readonly all: Float64Array;
}

const buffers = new WeakMap<Backend, ReductionBuffers>();

function reductionBuffers(backend: Backend): ReductionBuffers {
  let b = buffers.get(backend);
  if (b === undefined) {
    b = { local: new Float64Array(backend.localParts.length), all: new Float64Array(backend.np) };
    buffers.set(backend, b);
  }
  return b;
}

/**
 * The buffer where each local part writes its partial value (entry `i` for local part `i`) before
 * {@link sumPartials}. Owned by the backend's reduction cache; reused by every reduction.
 */
export function partialsBuffer(backend: Backend): Float64Array {
  return reductionBuffers(backend).local;
}

/**
 * Sums the partial values written in {@link partialsBuffer} across all parts, in part order
 * (collective, allocation-free): the same bits on every part and every backend.
 */
export function sumPartials(backend: Backend): number {
  const b = reductionBuffers(backend);
  backend.allgatherFloat64(b.local, b.all);
  let total = 0;
  for (let p = 0; p < b.all.length; p++) total += b.all[p];
  return total;
}

function checkScalar(name: string, value: number): void {
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(`${name} must be a number, got ${typeof value}`);
  }
}

/**
 * The dot product Σ aᵢbᵢ over own values; the same number on every part (collective).
 * @throws PartitionMismatchError when `a` and `b` do not have the same own ids.
 */
export function dot(a: PVector, b: PVector): number {
  checkSameOwn(a.rows, b.rows, 'dot');
  const av = a.ownValues().localItems;
  const bv = b.ownValues().localItems;
  const backend = a.rows.backend;
  const partials = partialsBuffer(backend);
  for (let i = 0; i < av.length; i++) partials[i] = kernels.dot(av[i].length, av[i], bv[i]);
  return sumPartials(backend);
}

/** The Euclidean norm ‖a‖₂ over own values; the same number on every part (collective). */
export function norm(a: PVector): number {
  return Math.sqrt(dot(a, a));
}

/** The sum of all own values; the same number on every part (collective). */
export function sum(a: PVector): number {
  const av = a.ownValues().localItems;
  const backend = a.rows.backend;
  const partials = partialsBuffer(backend);
  for (let i = 0; i < av.length; i++) partials[i] = kernels.sum(av[i].length, av[i]);
  return sumPartials(backend);
}

/**
 * y ← αx + y on own values (ghosts of `y` are left as they are).
 * @throws PartitionMismatchError when `x` and `y` do not have the same own ids.
 */
export function axpy(alpha: number, x: PVector, y: PVector): void {
  checkScalar('alpha', alpha);
  checkSameOwn(x.rows, y.rows, 'axpy');
  const xv = x.ownValues().localItems;
  const yv = y.ownValues().localItems;
  for (let i = 0; i < xv.length; i++) kernels.axpy(xv[i].length, alpha, xv[i], yv[i]);
}

/** x ← αx on own values. */
export function scale(alpha: number, x: PVector): void {
  checkScalar('alpha', alpha);
  for (const xs of x.ownValues().localItems) kernels.scale(xs.length, alpha, xs);
}

/**
 * Copies the own values of `src` into `dst`.
 * @throws PartitionMismatchError when they do not have the same own ids.
 */
export function copyInto(dst: PVector, src: PVector): void {
  checkSameOwn(dst.rows, src.rows, 'copyInto');
  const dv = dst.ownValues().localItems;
  src.ownValues().localItems.forEach((s, i) => dv[i].set(s));
}
