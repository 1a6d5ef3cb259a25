/**
 * `sum` and `norm` of a PVector or a PArray: the PVector versions of the vectors' layer, extended
 * to dense distributed arrays (the vectors' layer does not know PArray).
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { PVector } from '../vectors/pvector.js';
import { norm as vectorNorm, sum as vectorSum } from '../vectors/vector-ops.js';
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
  if (a instanceof PArray) return parraySum(a);
  checkOperand(a, 'sum');
  return vectorSum(a);
}

/**
 * The Euclidean norm of the own values of a PVector, or of all elements of a PArray; the same
 * number on every part (collective, summed in the order of {@link sum}).
 * @throws InvalidArgumentError when `a` is neither a PVector nor a PArray.
 * @example `const r0 = norm(r);`
 * @group PVector
 */
export function norm(a: PVector | PArray): number {
  if (a instanceof PArray) return parrayNorm(a);
  checkOperand(a, 'norm');
  return vectorNorm(a);
}

function checkOperand(a: unknown, what: string): asserts a is PVector {
  if (!(a instanceof PVector)) {
    throw new InvalidArgumentError(`${what}: a must be a PVector or a PArray, got ${describeValue(a)}`);
  }
}
