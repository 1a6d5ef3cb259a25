/**
 * Own local ids of many global ids at once: for own ids that form a range or a box of up to three
 * directions, one pass of an assembly kernel (native where the native kernels are in use) instead
 * of a lookup per id through {@link OwnIds.indexOf}, which runs interpreted in the one-off set-up
 * loops that use it.
 *
 * @module
 */
import { assemblyKernels, ownBoxSpec } from '../kernels/assembly-kernels.js';
import { OwnBox, OwnRange, type OwnIds } from './own-ids.js';

/**
 * The box spec of `own` (out of `n` global ids) that {@link AssemblyKernels.assemblyClassify}
 * reads, or undefined when the own ids are neither a range nor a box of at most 3 directions.
 * @example `ownBoxOf(new OwnRange(10, 5), 100) // the box [10, 15) of [0, 100)`
 */
export function ownBoxOf(own: OwnIds, n: number): Float64Array | undefined {
  if (own instanceof OwnRange) return ownBoxSpec([n], [own.first], [own.first + own.count]);
  if (own instanceof OwnBox && own.dims.length <= 3) return ownBoxSpec(own.dims, own.lo, own.hi);
  return undefined;
}

/**
 * Writes into `out[k]` the own local id of `gids[k]` (non-negative integer global ids), or a
 * negative number when `own` does not hold it; returns whether every id is own.
 * @example `ownLocalIds(new OwnRange(10, 5), 100, Float64Array.of(11, 20), out) // false; out = [1, -2]`
 */
export function ownLocalIds(own: OwnIds, n: number, gids: Float64Array, out: Int32Array): boolean {
  const box = ownBoxOf(own, n);
  // Non-negative ids get no −1 code, so the count of −2 codes says whether all are own.
  if (box !== undefined) return assemblyKernels.assemblyClassify(gids.length, gids, gids, gids, box, out) === 0;
  let all = true;
  for (let k = 0; k < gids.length; k++) {
    out[k] = own.indexOf(gids[k]);
    if (out[k] < 0) all = false;
  }
  return all;
}

/**
 * Position of the first of `gids` (non-negative integer global ids) that `own` holds, or −1 when
 * it holds none of them.
 * @example `firstOwnId(new OwnRange(10, 5), 100, Float64Array.of(3, 12)) // 1`
 */
export function firstOwnId(own: OwnIds, n: number, gids: Float64Array): number {
  const box = ownBoxOf(own, n);
  if (box === undefined) {
    for (let k = 0; k < gids.length; k++) if (own.indexOf(gids[k]) >= 0) return k;
    return -1;
  }
  const codes = new Int32Array(gids.length);
  if (assemblyKernels.assemblyClassify(gids.length, gids, gids, gids, box, codes) === gids.length) return -1;
  for (let k = 0; k < gids.length; k++) if (codes[k] >= 0) return k;
  return -1;
}
