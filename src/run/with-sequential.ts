/**
 * `withSequential(np, main)`: runs a driver with every part in this process (the REPL backend).
 *
 * @module
 */
import { expectFunction } from '../argument-checks.js';
import { SequentialBackend } from '../backends/sequential.js';
import { PData } from '../pdata/pdata.js';

/**
 * Runs a driver with all `np` parts in this process: `main(ranks)` is called once, with `ranks`
 * holding the part ids `0..np-1`. Resolves to what `main` returns (awaited).
 *
 * Every part's items live in this process, so `np` is at most 2^20 = 1048576; collectives cost
 * O(np) memory, except a gather to `'all'` (np² items by definition), which is refused beyond
 * 4096 parts.
 *
 * @throws InvalidArgumentError (as a rejection) when `np` is not an integer in 1..1048576 or
 * `main` is not a function, both before anything is allocated; a failing part rejects with its
 * error ({@link PartFailedError} naming the part for foreign errors).
 * @example
 * ```ts
 * const norms = await withSequential(4, (ranks) => {
 *   const rows = uniformPartition(ranks, 100);
 *   return norm(pfill(1, rows));
 * }); // 10
 * ```
 * @group Running a program on a backend
 */
export async function withSequential<R>(np: number, main: (ranks: PData<number>) => R): Promise<Awaited<R>> {
  expectFunction(main, 'withSequential: main');
  const backend = new SequentialBackend(np);
  try {
    return await main(new PData(backend, backend.localParts.slice()));
  } finally {
    backend.dispose();
  }
}
