/**
 * `withSequential(np, main)`: runs a driver with every part in this process (the REPL backend).
 *
 * @module
 */
import { SequentialBackend } from '../backends/sequential.js';
import { PData } from '../pdata/pdata.js';

/**
 * Runs a driver with all `np` parts in this process: `main(ranks)` is called once, with `ranks`
 * holding the part ids `0..np-1`. Resolves to what `main` returns (awaited).
 *
 * @throws InvalidArgumentError (as a rejection) when `np` is not an integer ≥ 1; a failing part
 * rejects with its error ({@link PartFailedError} naming the part for foreign errors).
 * @example
 * ```ts
 * const norms = await withSequential(4, (ranks) => {
 *   const rows = uniformPartition(ranks, 100);
 *   return norm(pfill(1, rows));
 * }); // 10
 * ```
 */
export async function withSequential<R>(np: number, main: (ranks: PData<number>) => R): Promise<Awaited<R>> {
  const backend = new SequentialBackend(np);
  try {
    return await main(new PData(backend, backend.localParts.slice()));
  } finally {
    backend.dispose();
  }
}
