/**
 * `PRange`: a distributed index range `0..n-1`, split into disjoint own sets with optional ghost
 * layers.
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import type { Backend } from '../backends/backend.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { LocalIndices } from './local-indices.js';
import { PData } from '../pdata/pdata.js';

/**
 * Global id → owning part, computed without communication (block partitions, owner arrays).
 * @group Index partitions
 */
export type OwnerFunction = (gid: number) => number;

/**
 * A distributed index range. `partition` holds each part's {@link LocalIndices}. Vectors and
 * matrices built on the same PRange object share its communication plans (built once, reused).
 *
 * The own sets of the parts must be disjoint. They need not cover `0..n-1`: `n` is then a bound on
 * the ids, not a count, and an id no part owns cannot be referenced (findOwner, psparse and
 * pvectorFromCoo reject it naming the id). Nothing is ever allocated in proportion to `n`, only to
 * the ids a part owns or references, so a range of a few ids near 2^40 costs a few ids. (The
 * library's own partitions always cover `0..n-1`; a range whose own sets overlap is rejected by
 * the first owner lookup that meets the overlap.)
 *
 * @example
 * ```ts
 * const rows = uniformPartition(ranks, 10);
 * rows.n;                                  // 10
 * rows.partition.map((ids) => ids.nOwn);   // [2, 2, 3, 3] on 4 parts
 * ```
 * @group Index partitions
 */
export class PRange {
  /** Size of the global range. */
  readonly n: number;
  /** Each part's index maps. */
  readonly partition: PData<LocalIndices>;
  /** Arithmetic owner lookup when every part can compute it locally (else `undefined`). */
  readonly ownerOf: OwnerFunction | undefined;

  /**
   * Wraps per-part indices (not copied). No communication.
   * @param ownerOf the owner of any id that some part owns, computed locally (optional; without it
   * owner lookups ask a distributed directory)
   * @throws InvalidArgumentError when `n` is not a non-negative safe integer, `partition` is not a
   * PData of LocalIndices, `ownerOf` is given and not a function, or (with the part id) a part's
   * indices disagree on `n`, name another part id, or name ghost owners that are not parts.
   */
  constructor(n: number, partition: PData<LocalIndices>, ownerOf?: OwnerFunction) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new InvalidArgumentError(`PRange: n must be a non-negative safe integer, got ${describeValue(n)}`);
    }
    expectInstance(partition, PData, 'PRange: partition');
    if (ownerOf !== undefined && typeof ownerOf !== 'function') {
      throw new InvalidArgumentError(`PRange: ownerOf must be a function or undefined, got ${describeValue(ownerOf)}`);
    }
    const np = partition.np;
    partition.forEach((ids, p) => {
      expectInstance(ids, LocalIndices, 'PRange: each part of partition', p);
      if (ids.partId !== p) {
        throw new InvalidArgumentError(`indices of part ${ids.partId} given for part ${p}`, { partId: p });
      }
      if (ids.n !== n) {
        throw new InvalidArgumentError(`indices have global size ${ids.n}, the range has ${n}`, { partId: p });
      }
      // The indices know their largest owner (no pass here: ranges are built per product and
      // level, and a loop over every ghost there got hot enough for V8's optimizing compiler);
      // the first bad owner in ghost order is searched for only to name it.
      if (ids.maxGhostOwner >= np) {
        const bad = ids.ghostToOwner.find((owner) => owner >= np)!;
        throw new InvalidArgumentError(`ghost owner ${bad} is not a part id in 0..${np - 1}`, { partId: p });
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
  // The common case (the same range) in a function small enough for V8 to inline into the solver
  // loops that call it every iteration: a call into the whole check cost 48 bytes of heap per call
  // even when it returned at once (CG with Jacobi applied through a preconditioner object, 12³
  // unknowns, two checks per apply: 439 bytes per iteration before, 295 after).
  if (a !== b) checkSameOwnRanges(a, b, what);
}

function checkSameOwnRanges(a: PRange, b: PRange, what: string): void {
  if (verifiedSameOwn.get(a)?.has(b) === true) return;
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
