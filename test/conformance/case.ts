/**
 * Conformance cases: driver functions `(ranks) => result` that check their own results with
 * `node:assert` (so they run unchanged inside worker threads and MPI processes) and are executed
 * by `test/*.test.ts` on every backend and part count.
 */
import type { PData } from '../../src/index.js';

/** A conformance driver; `nps` restricts the part counts it is meant for (default: all). */
export type Case = ((ranks: PData<number>) => unknown) & { readonly nps?: readonly number[] };

/** Marks a driver as meaningful only on the given part counts (e.g. a 4-part worked example). */
export function onParts<F extends (ranks: PData<number>) => unknown>(
  nps: readonly number[],
  f: F,
): F & { readonly nps: readonly number[] } {
  return Object.assign(f, { nps });
}
