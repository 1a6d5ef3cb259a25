/**
 * Building a {@link PVector} from per-part (global id, value) pairs that may belong to other parts.
 *
 * @module
 */
import type { Pending } from '../backends/pending.js';
import { DimensionMismatchError, IndexOutOfRangeError, NonFiniteValueError } from '../errors.js';
import { findOwner, unionGhost } from '../partitions/find-owner.js';
import { pmap, sameBackend, type PData } from '../pdata/pdata.js';
import type { PRange } from '../partitions/prange.js';
import { assemble, pzeros, type PVector } from './pvector.js';
import { copyInto } from './vector-ops.js';

/**
 * A vector on `rows` from COO pairs: on each part, `V[k]` is added to global entry `I[k]`. Ids
 * owned by other parts are sent to their owners; duplicates are summed (local pairs in input
 * order, then contributions from other parts in ascending part order); negative ids are ignored.
 * Collective. The result's ghosts are 0.
 *
 * @throws DimensionMismatchError when `I` and `V` differ in length on a part;
 * IndexOutOfRangeError for an id ≥ n; NonFiniteValueError for a NaN or infinite value (rejected,
 * with the part and entry). All checked before any communication.
 * @example
 * ```ts
 * // every part adds 1 to entry 0: entry 0 ends up equal to np
 * const v = await pvectorFromCoo(ranks.map(() => [0]), ranks.map(() => [1]), rows);
 * ```
 */
export function pvectorFromCoo(
  I: PData<ArrayLike<number>>,
  V: PData<ArrayLike<number>>,
  rows: PRange,
): Pending<PVector> {
  sameBackend([I, V, rows.partition]);
  pmap(
    (ids: ArrayLike<number>, values: ArrayLike<number>, p: number) => {
      if (ids.length !== values.length) {
        throw new DimensionMismatchError(`pvectorFromCoo: I has ${ids.length} entries, V has ${values.length}`, {
          partId: p,
        });
      }
      for (let k = 0; k < ids.length; k++) {
        if (!Number.isInteger(ids[k]) || ids[k] >= rows.n) {
          throw new IndexOutOfRangeError(`pvectorFromCoo: I[${k}] = ${ids[k]} is not an id in 0..${rows.n - 1}`, {
            partId: p,
          });
        }
        if (ids[k] >= 0 && !Number.isFinite(values[k])) {
          throw new NonFiniteValueError(`pvectorFromCoo: V[${k}] = ${values[k]} is not finite (rejected)`, {
            partId: p,
          });
        }
      }
    },
    I,
    V,
  );
  const owners = findOwner(rows, I);
  const extended = unionGhost(rows, I, owners);
  const work = pzeros(extended);
  pmap(
    (local: Float64Array, ids: ArrayLike<number>, values: ArrayLike<number>, p: number) => {
      const indices = extended.partition.localItems[extended.partition.partIds.indexOf(p)];
      for (let k = 0; k < ids.length; k++) if (ids[k] >= 0) local[indices.globalToLocal(ids[k])] += values[k];
    },
    work.values,
    I,
    V,
  );
  return assemble(work).map((assembled) => {
    const result = pzeros(rows);
    copyInto(result, assembled);
    return result;
  });
}
