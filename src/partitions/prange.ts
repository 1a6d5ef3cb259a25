/**
 * `PRange`: a distributed index range `0..n-1`, split into own sets (disjoint, covering the range)
 * with optional ghost layers.
 *
 * @module
 */
import type { Backend } from '../backends/backend.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import type { LocalIndices } from './local-indices.js';
import type { PData } from '../pdata/pdata.js';

/** Global id → owning part, computed without communication (block partitions, owner arrays). */
export type OwnerFunction = (gid: number) => number;

/**
 * A distributed index range. `partition` holds each part's {@link LocalIndices}. Vectors and
 * matrices built on the same PRange object share its communication plans (built once, reused).
 *
 * @example
 * ```ts
 * const rows = uniformPartition(ranks, 10);
 * rows.n;                                  // 10
 * rows.partition.map((ids) => ids.nOwn);   // [2, 2, 3, 3] on 4 parts
 * ```
 */
export class PRange {
  /** Size of the global range. */
  readonly n: number;
  /** Each part's index maps. */
  readonly partition: PData<LocalIndices>;
  /** Arithmetic owner lookup when every part can compute it locally (else `undefined`). */
  readonly ownerOf: OwnerFunction | undefined;

  /**
   * @throws InvalidArgumentError when a part's indices disagree on `n`, name another part id, or
   * name ghost owners that are not parts.
   */
  constructor(n: number, partition: PData<LocalIndices>, ownerOf?: OwnerFunction) {
    const np = partition.np;
    partition.forEach((ids, p) => {
      if (ids.partId !== p) {
        throw new InvalidArgumentError(`indices of part ${ids.partId} given for part ${p}`, { partId: p });
      }
      if (ids.n !== n) {
        throw new InvalidArgumentError(`indices have global size ${ids.n}, the range has ${n}`, { partId: p });
      }
      for (const owner of ids.ghostToOwner) {
        if (owner >= np) {
          throw new InvalidArgumentError(`ghost owner ${owner} is not a part id in 0..${np - 1}`, { partId: p });
        }
      }
    });
    this.n = n;
    this.partition = partition;
    this.ownerOf = ownerOf;
  }

  /** The backend the parts live on. */
  get backend(): Backend {
    return this.partition.backend;
  }

  /** Number of parts. */
  get np(): number {
    return this.partition.np;
  }
}

/**
 * Checks that two ranges can be combined part by part: same run and, unless they are the same
 * object, the same own ids on every local part (ghosts may differ).
 * @throws PartitionMismatchError naming the first differing part.
 */
export function checkSameOwn(a: PRange, b: PRange, what: string): void {
  if (a === b || verifiedSameOwn.get(a)?.has(b) === true) return;
  if (a.backend !== b.backend) {
    throw new PartitionMismatchError(`${what}: the ranges belong to different runs (different ranks)`);
  }
  if (a.n !== b.n) throw new PartitionMismatchError(`${what}: global sizes differ (${a.n} vs ${b.n})`);
  const bItems = b.partition.localItems;
  a.partition.localItems.forEach((ia, i) => {
    const ib = bItems[i];
    let same = ia.own === ib.own || ia.nOwn === ib.nOwn;
    for (let k = 0; same && ia.own !== ib.own && k < ia.nOwn; k++) same = ia.own.at(k) === ib.own.at(k);
    if (!same) throw new PartitionMismatchError(`${what}: own ids differ`, { partId: ia.partId });
  });
  for (const [x, y] of [[a, b], [b, a]]) {
    const set = verifiedSameOwn.get(x) ?? new WeakSet<PRange>();
    set.add(y);
    verifiedSameOwn.set(x, set);
  }
}

/** Pairs of ranges already checked by checkSameOwn (checks are O(nOwn); hot loops repeat them). */
const verifiedSameOwn = new WeakMap<PRange, WeakSet<PRange>>();
