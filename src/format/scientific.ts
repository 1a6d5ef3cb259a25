/**
 * Numbers in C's `%.<digits>e` notation, as PETSc and the reference programs print them.
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * `x` in scientific notation with `digits` decimals and an exponent of at least two digits, like
 * C's `%.<digits>e` (`formatScientific(353.55, 3)` is `'3.536e+02'`; JavaScript's
 * `toExponential` would give `'3.536e+2'`). NaN and ±Infinity are written as `toExponential` does.
 *
 * @throws InvalidArgumentError when `x` is not a number or `digits` not an integer from 0 to 100
 * (`toExponential`'s range).
 * @example
 * ```ts
 * formatScientific(0.000123, 2); // '1.23e-04'
 * ```
 * @group Gallery and timing
 */
export function formatScientific(x: number, digits: number): string {
  if (typeof x !== 'number') throw new InvalidArgumentError(`formatScientific: x must be a number, got ${describeValue(x)}`);
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) {
    throw new InvalidArgumentError(`formatScientific: digits must be an integer from 0 to 100, got ${describeValue(digits)}`);
  }
  if (!Number.isFinite(x)) return String(x);
  const [mantissa, exponent] = x.toExponential(digits).split('e');
  return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
}
