/**
 * The shape rule of {@link Backend.allgatherFloat64}, checked the same way by every backend.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * Most values one part may contribute to one `allgatherFloat64`: one 64-byte cache line, the
 * size of a part's slot on the Threads backend.
 */
const MAX_ALLGATHER_WIDTH = 8;

/**
 * The number of values per part `w` of an `allgatherFloat64(local, out)` call made with
 * `nLocalParts` local parts out of `np` (`partId`: the caller's part on SPMD backends).
 * @throws InvalidArgumentError `"allgatherFloat64: local has <n> values for <k> local part(s); each
 * part must contribute the same number of values, 1 to 8"` or `"allgatherFloat64: out has length
 * <n>, expected <w> × <np> = <w·np>"`.
 * @example `allgatherWidth(Float64Array.of(1, 2), new Float64Array(4), 1, 2, 0) // 2`
 */
export function allgatherWidth(local: Float64Array, out: Float64Array, nLocalParts: number, np: number, partId?: number): number {
  const w = local.length / nLocalParts;
  if (!Number.isInteger(w) || w < 1 || w > MAX_ALLGATHER_WIDTH) {
    throw new InvalidArgumentError(
      `allgatherFloat64: local has ${local.length} values for ${nLocalParts} local part(s); each part must contribute ` +
        `the same number of values, 1 to ${MAX_ALLGATHER_WIDTH}`,
      { partId },
    );
  }
  if (out.length !== w * np) {
    throw new InvalidArgumentError(`allgatherFloat64: out has length ${out.length}, expected ${w} × ${np} = ${w * np}`, { partId });
  }
  return w;
}
