/**
 * The ghost-exchange plan of a {@link PRange}: on each part, which ghosts come from which owner and
 * which own entries each neighbour ghosts. Built once per PRange (collectively, on first use) and
 * shared by every vector on that range.
 *
 * @module
 */
import type { ChannelPlan } from '../backends/backend.js';
import { InvalidArgumentError } from '../errors.js';
import { exchange, exchangeGraph } from '../pdata/exchange.js';
import type { PData } from '../pdata/pdata.js';
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

/**
 * The owners of a part's ghosts (ascending) and its ghost local ids grouped by owner, ascending
 * within a group: a counting sort by owner (part ids are small), in plain loops, since this runs
 * once per range, in the set-up of the first vector's ghost update, before V8 optimises anything.
 * `sorted` tells that the owners never decrease in ghost order (psparse's ghosts, ascending global
 * ids of ranges or slabs, are so): the groups are then runs of consecutive ghosts.
 */
function groupGhostsByOwner(ids: LocalIndices) {
  const { nOwn, nGhost, ghostToOwner } = ids;
  const sorted = ids.ghostOwnersAscending;
  let maxOwner = -1;
  if (sorted) maxOwner = nGhost > 0 ? ghostToOwner[nGhost - 1] : -1;
  else for (let k = 0; k < nGhost; k++) if (ghostToOwner[k] > maxOwner) maxOwner = ghostToOwner[k];
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
  const ghostLids = new Int32Array(nGhost);
  if (sorted) for (let k = 0; k < nGhost; k++) ghostLids[k] = nOwn + k;
  else for (let k = 0; k < nGhost; k++) ghostLids[fill[ghostToOwner[k]]++] = nOwn + k;
  return { owners, ownerPtrs, ghostLids, sorted };
}

/** The global ids of the ghosts `group` owned by its `i`-th owner, in the group's order. */
function requestedIds(group: ReturnType<typeof groupGhostsByOwner>, i: number, ghostToGlobal: Float64Array, nOwn: number): Float64Array {
  const first = group.ownerPtrs[i];
  const end = group.ownerPtrs[i + 1];
  // A copy either way: the message may be handed over to the backend.
  if (group.sorted) return ghostToGlobal.slice(first, end);
  const lids = group.ghostLids;
  const gids = new Float64Array(end - first);
  for (let k = 0; k < gids.length; k++) gids[k] = ghostToGlobal[lids[first + k] - nOwn];
  return gids;
}

/**
 * The ghost plan of `rows`, built collectively on the first call and cached on the range.
 * @throws InvalidArgumentError when a part names an owner for a ghost that the owner does not own.
 */
export function ghostPlan(rows: PRange): GhostPlan {
  const cached = cache.get(rows);
  if (cached !== undefined) return cached;
  const grouped = rows.partition.map((ids) => groupGhostsByOwner(ids));
  const graph = exchangeGraph(grouped.map((g) => g.owners));
  const requested = exchange(
    rows.partition.map((ids, p) => {
      const g = grouped.localItems[rows.partition.partIds.indexOf(p)];
      return Array.from(g.owners, (_, i) => requestedIds(g, i, ids.ghostToGlobal, ids.nOwn));
    }),
    graph,
  ).wait();
  let index = 0;
  const parts = rows.partition.map((ids, p): PartGhostPlan => {
    const g = grouped.localItems[index];
    const asked = requested.localItems[index];
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
