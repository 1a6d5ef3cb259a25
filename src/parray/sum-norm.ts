/**
 * `sum` and `norm` of a PVector or a PArray: the PVector versions of the vectors' layer, extended
 * to dense distributed arrays (the vectors' layer does not know PArray).
 *
 * @module
 */
import { norm as vectorNorm, sum as vectorSum } from '../vectors/vector-ops.js';
import type { PVector } from '../vectors/pvector.js';
import { parrayNorm, parraySum } from './elementwise.js';
import { PArray } from './parray.js';

/**
 * The sum of all own values of a PVector, or of all elements of a PArray; the same number on
 * every part (collective). Each part sums left to right (a PArray in its local order), then the
 * parts' sums are added in part order, so every backend gives the same bits.
 * @throws InvalidArgumentError when `a` is neither a PVector nor a PArray.
 * @example `const total = sum(pfill(1, rows)); // rows.n`
 * @group PVector
 */
export function sum(a: PVector | PArray): number {
  return a instanceof PArray ? parraySum(a) : vectorSum(a);
}

/**
 * The Euclidean norm of the own values of a PVector, or of all elements of a PArray; the same
 * number on every part (collective, summed in the order of {@link sum}).
 * @throws InvalidArgumentError when `a` is neither a PVector nor a PArray.
 * @example `const r0 = norm(r);`
 * @group PVector
 */
export function norm(a: PVector | PArray): number {
  return a instanceof PArray ? parrayNorm(a) : vectorNorm(a);
}
