/**
 * Run-time checks of the arguments of public functions, shared by every layer, so that a misuse
 * from plain JavaScript (a swapped argument, `null` options, a misspelt option, a `Pending` where
 * its value was meant) is an {@link InvalidArgumentError} saying what was expected, never a raw
 * `TypeError` from deep inside.
 *
 * @module
 */
import { InvalidArgumentError } from './errors.js';
import { Pending } from './backends/pending.js';

/** A short description of a value for error messages: `5`, `"abc"`, `null`, `a Pending`, `an array of 3`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default: {
      const name = (value as object).constructor?.name;
      return name === undefined || name === 'Object' ? 'an object' : `a ${name}`;
    }
  }
}

/**
 * Checks that `value` is an instance of `type`.
 * @param what how the argument is named in the message, e.g. `'mul: the matrix A'`.
 * @throws InvalidArgumentError `"<what> must be a <Type>, got <value>"`; for a {@link Pending}, the
 * message adds `" (call .wait() first)"`.
 * @example `expectInstance(A, PSparseMatrix, 'mul: A')`
 */
export function expectInstance<T>(
  value: unknown,
  type: abstract new (...args: never[]) => T,
  what: string,
  partId?: number,
): asserts value is T {
  if (value instanceof type) return;
  const hint = value instanceof Pending ? ' (call .wait() first)' : '';
  throw new InvalidArgumentError(`${what} must be a ${type.name}, got ${describeValue(value)}${hint}`, { partId });
}

/**
 * Checks an options argument: `undefined` (all defaults) or a plain object whose keys are all in
 * `allowed`. Returns the options, `{}` for `undefined`.
 * @param what the function, e.g. `'cg'`.
 * @throws InvalidArgumentError `"<what>: options must be an object, got null"` or `"<what>: unknown
 * option 'tol' (accepted: rtol, atol, ...)"`.
 * @example `const o = checkOptions(opts, ['rtol', 'atol'], 'cg');`
 */
export function checkOptions<T extends object>(options: T | undefined, allowed: readonly string[], what: string): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options) || options instanceof Pending) {
    throw new InvalidArgumentError(`${what}: options must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new InvalidArgumentError(`${what}: unknown option '${key}' (accepted: ${allowed.join(', ')})`);
    }
  }
  return options;
}

/**
 * Checks that `value` is a function.
 * @throws InvalidArgumentError `"<what> must be a function, got <value>"`.
 */
export function expectFunction(value: unknown, what: string): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function') throw new InvalidArgumentError(`${what} must be a function, got ${describeValue(value)}`);
}

/**
 * Whether `value` is an array of strings (a command line, a table row, a list of paths).
 * @example `isStringArray(['a', 'b']); // true`
 */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * Whether `value` is an array of numbers (not a typed array: see `isNumberList` of
 * local-indices.ts for lists that may be either).
 * @example `isNumberArray([4, 4]); // true`
 */
export function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}
