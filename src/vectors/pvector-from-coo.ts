/**
 * Building a {@link PVector} from per-part (global id, value) pairs that may belong to other parts.
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import type { Pending } from '../backends/pending.js';
import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError } from '../errors.js';
import { checkGlobalIds, findOwner, unionGhost } from '../partitions/find-owner.js';
import { PData, pmap, sameBackend } from '../pdata/pdata.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import { PRange } from '../partitions/prange.js';
import { assemble, pzeros, type PVector } from './pvector.js';
import { copyInto } from './vector-ops.js';

function isArrayOrTypedArray(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * A vector on `rows` from COO pairs: on each part, `V[k]` is added to global entry `I[k]`. Ids
 * owned by other parts are sent to their owners; duplicates are summed (local pairs in input
 * order, then contributions from other parts in ascending part order); negative ids are ignored.
 * Collective. The result's ghosts are 0.
 *
 * @throws InvalidArgumentError when `I` or `V` is not a PData of arrays (or typed arrays) or `rows`
 * is not a PRange; DimensionMismatchError when `I` and `V` differ in length on a part;
 * InvalidArgumentError for an id that is not an integer or a value that is not a number; IndexOutOfRangeError for an id ≥ n; NonFiniteValueError for a NaN or infinite value (rejected,
 * with the part and entry). All checked before any communication.
 * @example
 * ```ts
 * // every part adds 1 to entry 0: entry 0 ends up equal to np
 * const v = await pvectorFromCoo(ranks.map(() => [0]), ranks.map(() => [1]), rows);
 * ```
 * @group PVector
 */
export function pvectorFromCoo(
  I: PData<ArrayLike<number>>,
  V: PData<ArrayLike<number>>,
  rows: PRange,
): Pending<PVector> {
  expectInstance(I, PData, 'pvectorFromCoo: I');
  expectInstance(V, PData, 'pvectorFromCoo: V');
  expectInstance(rows, PRange, 'pvectorFromCoo: rows');
  sameBackend([I, V, rows.partition]);
  pmap(
    (ids: ArrayLike<number>, values: ArrayLike<number>, p: number) => {
      if (!isArrayOrTypedArray(ids)) {
        throw new InvalidArgumentError(`pvectorFromCoo: I must hold an array of global ids on every part, got ${describeValue(ids)}`, {
          partId: p,
        });
      }
      if (!isArrayOrTypedArray(values)) {
        throw new InvalidArgumentError(`pvectorFromCoo: V must hold an array of values on every part, got ${describeValue(values)}`, {
          partId: p,
        });
      }
      if (ids.length !== values.length) {
        throw new DimensionMismatchError(`pvectorFromCoo: I has ${ids.length} entries, V has ${values.length}`, {
          partId: p,
        });
      }
      checkGlobalIds(ids, rows.n, p, 'pvectorFromCoo', (k) => (k < 0 ? 'I' : `I[${k}]`));
      for (let k = 0; k < ids.length; k++) {
        const value: unknown = values[k];
        if (typeof value !== 'number') {
          throw new InvalidArgumentError(`pvectorFromCoo: V[${k}] = ${describeValue(value)} is not a number`, { partId: p });
        }
        if (ids[k] >= 0 && !Number.isFinite(value)) {
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
    (local: Float64Array, indices: LocalIndices, ids: ArrayLike<number>, values: ArrayLike<number>) => {
      for (let k = 0; k < ids.length; k++) if (ids[k] >= 0) local[indices.globalToLocal(ids[k])] += values[k];
    },
    work.values,
    extended.partition,
    I,
    V,
  );
  return assemble(work).map((assembled) => {
    const result = pzeros(rows);
    copyInto(result, assembled);
    return result;
  });
}
