/**
 * The ghost-exchange plan of a {@link PRange}: on each part, which ghosts come from which owner and
 * which own entries each neighbour ghosts. Built once per PRange (collectively, on first use) and
 * shared by every vector on that range.
 *
 * @module
 */
import type { ChannelPlan } from '../backends/backend.js';
import { InvalidArgumentError } from '../errors.js';
import { exchangeDiscovering } from '../pdata/exchange.js';
import { pmap, type PData } from '../pdata/pdata.js';
import { ownLocalIds } from './own-lookup.js';
import type { LocalIndices } from './local-indices.js';
import type { PRange } from './prange.js';

/** One part's ghost-exchange plan. Segment `i` of each list belongs to neighbour `i`. */
export interface PartGhostPlan {
  /** Parts owning this part's ghosts (ascending). */
  readonly owners: Int32Array;
  /** `owners.length + 1` offsets into `ghostLids`. */
  readonly ownerPtrs: Int32Array;
  /** Local ids of the ghosts, grouped by owner (ascending local id within a group). */
  readonly ghostLids: Int32Array;
  /** Parts that ghost some of this part's own ids (ascending). */
  readonly holders: Int32Array;
  /** `holders.length + 1` offsets into `holderLids`. */
  readonly holderPtrs: Int32Array;
  /** Own local ids each holder ghosts, in the holder's ghost order. */
  readonly holderLids: Int32Array;
}

/** A range's ghost plan and the two channel plans derived from it. */
export interface GhostPlan {
  readonly parts: PData<PartGhostPlan>;
  /** Owners → ghost holders (the direction of `consistent`). */
  readonly toGhosts: readonly ChannelPlan[];
  /** Ghost holders → owners (the direction of `assemble`). */
  readonly toOwners: readonly ChannelPlan[];
}

const cache = new WeakMap<PRange, GhostPlan>();

/** A part's ghosts grouped by owner (see {@link groupGhostsByOwner}). */
interface GroupedGhosts {
  readonly owners: Int32Array;
  readonly ownerPtrs: Int32Array;
  readonly ghostLids: Int32Array;
  readonly sorted: boolean;
}

/**
 * The owners of a part's ghosts (ascending) and its ghost local ids grouped by owner, ascending
 * within a group. `sorted` tells that the owners never decrease in ghost order (psparse's ghosts,
 * ascending global ids of ranges or slabs, are so): the groups are then runs of consecutive
 * ghosts, found by a binary search per owner. Otherwise a counting sort by owner (part ids are
 * small). This runs once per range, in the set-up of the first vector's ghost update, before V8
 * optimises anything, so the loops over ghosts are kept to one.
 */
function groupGhostsByOwner(ids: LocalIndices): GroupedGhosts {
  const { nOwn, nGhost, ghostToOwner } = ids;
  const sorted = ids.ghostOwnersAscending;
  const ghostLids = new Int32Array(nGhost);
  if (sorted) {
    const starts: number[] = [];
    const owners: number[] = [];
    for (let k = 0; k < nGhost; k = endOfRun(ghostToOwner, k)) {
      starts.push(k);
      owners.push(ghostToOwner[k]);
    }
    starts.push(nGhost);
    for (let k = 0; k < nGhost; k++) ghostLids[k] = nOwn + k;
    return { owners: Int32Array.from(owners), ownerPtrs: Int32Array.from(starts), ghostLids, sorted };
  }
  let maxOwner = -1;
  for (let k = 0; k < nGhost; k++) if (ghostToOwner[k] > maxOwner) maxOwner = ghostToOwner[k];
  const counts = new Int32Array(maxOwner + 1);
  for (let k = 0; k < nGhost; k++) counts[ghostToOwner[k]]++;
  let nOwners = 0;
  for (let q = 0; q <= maxOwner; q++) if (counts[q] > 0) nOwners++;
  const owners = new Int32Array(nOwners);
  const ownerPtrs = new Int32Array(nOwners + 1);
  // fill[q]: where owner q's next ghost goes.
  const fill = new Int32Array(maxOwner + 1);
  for (let q = 0, i = 0; q <= maxOwner; q++) {
    if (counts[q] === 0) continue;
    owners[i] = q;
    fill[q] = ownerPtrs[i];
    ownerPtrs[i + 1] = ownerPtrs[i] + counts[q];
    i++;
  }
  for (let k = 0; k < nGhost; k++) ghostLids[fill[ghostToOwner[k]]++] = nOwn + k;
  return { owners, ownerPtrs, ghostLids, sorted };
}

/** The end of the run of equal values starting at `k` in the nondecreasing `owners` (binary search). */
function endOfRun(owners: Int32Array, k: number): number {
  const q = owners[k];
  let lo = k + 1;
  let hi = owners.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (owners[mid] === q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The global ids of the ghosts `group` owned by its `i`-th owner, in the group's order, as runs of
 * consecutive ids: `[first id, length]` pairs. Slabs and boxes ghost whole lines or planes of
 * consecutive ids, so a request is a few numbers instead of one per ghost (16 bytes rather than
 * 7 KB for a 30 × 30 plane: on Threads a large message also makes the sender grow its mailbox).
 */
function requestedRuns(group: GroupedGhosts, i: number, ids: LocalIndices): Float64Array {
  const { ghostToGlobal, nOwn } = ids;
  const first = group.ownerPtrs[i];
  const end = group.ownerPtrs[i + 1];
  // Ascending distinct ids whose last is as far from the first as their count allows are one run:
  // a slab's plane of ghosts, without the two loops below (interpreted in a run's first plan).
  if (group.sorted && ids.ghostsAscending && end > first && ghostToGlobal[end - 1] - ghostToGlobal[first] === end - first - 1) {
    return Float64Array.of(ghostToGlobal[first], end - first);
  }
  let gids = ghostToGlobal.subarray(first, end);
  if (!group.sorted) {
    const lids = group.ghostLids;
    gids = new Float64Array(end - first);
    for (let k = 0; k < gids.length; k++) gids[k] = ghostToGlobal[lids[first + k] - nOwn];
  }
  let nRuns = 0;
  for (let k = 0; k < gids.length; k++) if (k === 0 || gids[k] !== gids[k - 1] + 1) nRuns++;
  const runs = new Float64Array(2 * nRuns);
  for (let k = 0, r = -2; k < gids.length; k++) {
    if (k === 0 || gids[k] !== gids[k - 1] + 1) {
      r += 2;
      runs[r] = gids[k];
    }
    runs[r + 1]++;
  }
  return runs;
}

/** The ids of {@link requestedRuns}' runs, one by one. */
function idsOfRuns(runs: Float64Array): Float64Array {
  let n = 0;
  for (let r = 1; r < runs.length; r += 2) n += runs[r];
  const gids = new Float64Array(n);
  for (let r = 0, at = 0; r < runs.length; r += 2) {
    for (let j = 0; j < runs[r + 1]; j++) gids[at++] = runs[r] + j;
  }
  return gids;
}

/**
 * The ghost plan of `rows`, built collectively on the first call and cached on the range. Its two
 * channel plans agree between the parts by construction (a part sends an owner exactly the ids it
 * asked for), so channels open them with `agreed: true`.
 * @throws InvalidArgumentError when a part names an owner for a ghost that the owner does not own.
 */
export function ghostPlan(rows: PRange): GhostPlan {
  const cached = cache.get(rows);
  if (cached !== undefined) return cached;
  const grouped = rows.partition.map((ids) => groupGhostsByOwner(ids));
  // Each part asks the owners of its ghosts for them and so learns who ghosts its own ids: one
  // exchange, with no collective of its own to find the receivers.
  const { graph, received: requested } = exchangeDiscovering(
    pmap((ids: LocalIndices, g: GroupedGhosts) => Array.from(g.owners, (_, i) => requestedRuns(g, i, ids)), rows.partition, grouped),
    grouped.map((g) => g.owners),
  ).wait();
  let index = 0;
  const parts = rows.partition.map((ids, p): PartGhostPlan => {
    const g = grouped.localItems[index];
    const asked = requested.localItems[index].map(idsOfRuns);
    const holders = graph.rcv.localItems[index];
    index++;
    const holderPtrs = new Int32Array(holders.length + 1);
    asked.forEach((gids, i) => (holderPtrs[i + 1] = holderPtrs[i] + gids.length));
    const holderLids = new Int32Array(holderPtrs[holders.length]);
    for (let i = 0; i < asked.length; i++) {
      const gids = asked[i];
      const lids = holderLids.subarray(holderPtrs[i], holderPtrs[i + 1]);
      if (ownLocalIds(ids.own, ids.n, gids, lids)) continue;
      const k = lids.findIndex((lid) => lid < 0);
      throw new InvalidArgumentError(
        `part ${holders[i]} holds ghost ${gids[k]} as owned by part ${p}, which does not own it`,
        { partId: p },
      );
    }
    return { owners: g.owners, ownerPtrs: g.ownerPtrs, ghostLids: g.ghostLids, holders, holderPtrs, holderLids };
  });
  const plan: GhostPlan = {
    parts,
    toGhosts: parts.localItems.map((pl) => ({
      snd: pl.holders,
      sndPtrs: pl.holderPtrs,
      rcv: pl.owners,
      rcvPtrs: pl.ownerPtrs,
    })),
    toOwners: parts.localItems.map((pl) => ({
      snd: pl.owners,
      sndPtrs: pl.ownerPtrs,
      rcv: pl.holders,
      rcvPtrs: pl.holderPtrs,
    })),
  };
  cache.set(rows, plan);
  return plan;
}
