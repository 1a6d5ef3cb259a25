/**
 * The key the library's factories hand to the constructors of the classes a user gets from a
 * factory (`ilu0`, `ssor`, `parray`, `PArray.ghosted`, `sharedArray`, `bandedBlockBanded`,
 * `workerPool`, `cluster`). Those constructors take the library's internal pieces (factors,
 * layouts, memory windows, checked sizes); a direct `new` from JavaScript then fails at once with a
 * typed error naming the factory, instead of a TypeError from deep inside or an object that breaks
 * later, and TypeScript code cannot call it at all (the key is not exported).
 *
 * @module
 */
import { InvalidArgumentError } from './errors.js';

/** Passed as the first argument by the factories, and only by them. */
export const FACTORY_KEY: unique symbol = Symbol('partitioned-arrays factory');

/** The type of {@link FACTORY_KEY}: the first parameter of a factory-built class's constructor. */
export type FactoryKey = typeof FACTORY_KEY;

/**
 * Refuses a constructor call that did not come from the factory.
 * @throws InvalidArgumentError `"<what> is built by <factory>, not with new"`.
 * @example `checkFactoryKey(key, 'Ilu0Preconditioner', 'ilu0(A)');`
 */
export function checkFactoryKey(key: unknown, what: string, factory: string): void {
  if (key !== FACTORY_KEY) throw new InvalidArgumentError(`${what} is built by ${factory}, not with new`);
}
