/**
 * Partition constructors: how the global ids `0..n-1` are split among the parts. Uniform block
 * partitions live in `uniform-partition.ts` and are re-exported here; this file adds partitions
 * with caller-chosen block sizes and with arbitrary (owner array) ownership.
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import { DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { isNumberList, LocalIndices } from './local-indices.js';
import { OwnList, OwnRange } from './own-ids.js';
import { PData, sameBackend } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { PRange } from './prange.js';

export { uniformPartition, type UniformPartitionOptions } from './uniform-partition.js';

/**
 * Contiguous 1-D blocks with the given sizes, in part order: part p owns
 * `first_p .. first_p + nOwn_p - 1` (an {@link OwnRange}), where `first` is the exclusive scan of
 * `nOwn`. No ghosts (add them with `unionGhost`).
 *
 * Collective: the block sizes are gathered on every part once (np numbers); `rows.ownerOf` is a
 * binary search over the block starts. `n` defaults to the sum of the sizes; when given it must
 * equal it.
 *
 * @param nOwn per part, the number of ids it owns (a non-negative integer)
 * @param n the global size, when the caller knows it (checked against the sum)
 * @throws InvalidArgumentError when `ranks` or `nOwn` is not a PData, (with the part id) when a
 * part's size is not a non-negative safe integer, or when `n` is not one (before any
 * communication).
 * @throws DimensionMismatchError when `n` is given and differs from the sum of the sizes, or the sum
 * is not a safe integer.
 * @example
 * ```ts
 * const rows = variablePartition(ranks, ranks.map((p) => [3, 0, 5, 2][p])); // on 4 parts
 * rows.n;              // 10; part 2 owns 3..7
 * rows.ownerOf?.(8);   // 3
 * ```
 * @group Index partitions
 */
export function variablePartition(ranks: PData<number>, nOwn: PData<number>, n?: number): PRange {
  expectInstance(ranks, PData, 'variablePartition: ranks');
  expectInstance(nOwn, PData, 'variablePartition: nOwn');
  sameBackend([ranks, nOwn]);
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) {
    throw new InvalidArgumentError(`variablePartition: n must be a non-negative safe integer, got ${String(n)}`);
  }
  nOwn.forEach((count, partId) => {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new InvalidArgumentError(
        `variablePartition: nOwn must be a non-negative safe integer, got ${String(count)}`,
        { partId },
      );
    }
  });
  const sizes = getAny(gather(nOwn, { destination: 'all' }));
  const starts = new Float64Array(sizes.length + 1);
  for (let p = 0; p < sizes.length; p++) starts[p + 1] = starts[p] + sizes[p];
  const total = starts[sizes.length];
  if (!Number.isSafeInteger(total)) {
    throw new DimensionMismatchError(`variablePartition: the sizes add up to ${total}, more than 2^53-1`);
  }
  if (n !== undefined && n !== total) {
    throw new DimensionMismatchError(`variablePartition: the sizes add up to ${total}, but n = ${n}`);
  }
  const partition = ranks.map(
    (p) => new LocalIndices(p, total, new OwnRange(starts[p], starts[p + 1] - starts[p])),
  );
  return new PRange(total, partition, (gid) => lastStartAtOrBelow(starts, gid));
}

/** The largest p with `starts[p] <= gid` among the parts (skips empty blocks, which own nothing). */
function lastStartAtOrBelow(starts: Float64Array, gid: number): number {
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= gid) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A partition with arbitrary ownership (for example a graph partitioner's output):
 * `owners[gid]` is the part that owns `gid`, so `n = owners.length`. Every part passes the same
 * array; each reads it, nothing is communicated. Own ids are ascending (an {@link OwnList}), no
 * ghosts; `rows.ownerOf` looks ids up in a copy of `owners` (the caller may reuse its array).
 *
 * @throws InvalidArgumentError when `ranks` is not a PData, `owners` not an array or typed array,
 * or an entry of `owners` is not a part id `0..np-1`.
 * @example
 * ```ts
 * const rows = partitionFromOwners(ranks, [1, 0, 1, 1, 0]); // on 2 parts
 * // part 0 owns [1, 4], part 1 owns [0, 2, 3]
 * ```
 * @group Index partitions
 */
export function partitionFromOwners(ranks: PData<number>, owners: ArrayLike<number>): PRange {
  expectInstance(ranks, PData, 'partitionFromOwners: ranks');
  if (!isNumberList(owners)) {
    throw new InvalidArgumentError(`partitionFromOwners: owners must be an array of part ids, got ${describeValue(owners)}`);
  }
  const np = ranks.np;
  const n = owners.length;
  const ownerOfId = new Int32Array(n);
  const counts = new Float64Array(np);
  for (let gid = 0; gid < n; gid++) {
    const q = owners[gid];
    if (!Number.isInteger(q) || q < 0 || q >= np) {
      throw new InvalidArgumentError(
        `partitionFromOwners: owners[${gid}] = ${String(q)} is not a part id in 0..${np - 1}`,
      );
    }
    ownerOfId[gid] = q;
    counts[q]++;
  }
  const localParts = ranks.partIds;
  const slot = new Int32Array(np).fill(-1);
  const ownIds = localParts.map((p, i) => {
    slot[p] = i;
    return new Float64Array(counts[p]);
  });
  const filled = new Int32Array(localParts.length);
  for (let gid = 0; gid < n; gid++) {
    const i = slot[ownerOfId[gid]];
    if (i >= 0) ownIds[i][filled[i]++] = gid;
  }
  const partition = ranks.map((p) => new LocalIndices(p, n, new OwnList(ownIds[slot[p]])));
  return new PRange(n, partition, (gid) => ownerOfId[gid]);
}
