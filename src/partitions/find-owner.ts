/**
 * Owner lookup for arbitrary global ids (`findOwner`) and adding ghosts to a range (`unionGhost`):
 * together they turn "the ids this part touches" into a range whose ghosts are exactly those ids.
 *
 * @module
 */
import { IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import { exchange, exchangeGraph } from '../pdata/exchange.js';
import { LocalIndices } from './local-indices.js';
import { type PData, pmap, sameBackend } from '../pdata/pdata.js';
import { PRange } from './prange.js';
import { blockOwner, blockStart } from './uniform-partition.js';

/**
 * Checks a part's ids: negative ids are allowed (ignored by the caller), the others must be
 * integers below `n`.
 */
function checkIds(ids: ArrayLike<number>, n: number, partId: number, what: string): void {
  for (let k = 0; k < ids.length; k++) {
    const gid = ids[k];
    if (gid < 0) continue;
    if (!Number.isInteger(gid)) {
      throw new InvalidArgumentError(`${what}: global id ${String(gid)} at position ${k} is not an integer`, { partId });
    }
    if (gid >= n) {
      throw new IndexOutOfRangeError(`${what}: global id ${gid} at position ${k} is outside 0..${n - 1}`, { partId });
    }
  }
}

/**
 * The owner of every id in `gids`, per part: `result[k]` is the part owning `gids[k]`, or −1 when
 * `gids[k]` is negative (negative ids are ignored, never an error).
 *
 * Collective: every part must call it. When `rows.ownerOf` exists (block, variable and owner-array
 * partitions) nothing is communicated. Otherwise a distributed directory answers: the home of id
 * g is the part owning g in `uniformPartition(ranks, n)`; parts register their own ids at the
 * homes, then ask the homes (three exchanges in all).
 *
 * @throws InvalidArgumentError (with the part id) when an id is not an integer.
 * @throws IndexOutOfRangeError (with the part id) when an id is `>= n`; both checked before any
 * communication.
 * @example
 * ```ts
 * const rows = uniformPartition(ranks, 10);          // 4 parts: [0,1] [2,3] [4,5,6] [7,8,9]
 * findOwner(rows, ranks.map(() => [9, -1, 2]));       // every part: Int32Array [3, -1, 1]
 * ```
 */
export function findOwner(rows: PRange, gids: PData<ArrayLike<number>>): PData<Int32Array> {
  sameBackend([rows.partition, gids]);
  const n = rows.n;
  gids.forEach((ids, partId) => checkIds(ids, n, partId, 'findOwner'));
  const ownerOf = rows.ownerOf;
  if (ownerOf !== undefined) {
    return gids.map((ids) => {
      const owners = new Int32Array(ids.length);
      for (let k = 0; k < ids.length; k++) owners[k] = ids[k] < 0 ? -1 : ownerOf(ids[k]);
      return owners;
    });
  }
  return findOwnerByDirectory(rows, gids);
}

/** Groups ids by their home part (uniform blocks of `0..n-1`); ids keep their relative order. */
function byHome(ids: ArrayLike<number>, n: number, np: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let k = 0; k < ids.length; k++) {
    const gid = ids[k];
    if (gid < 0) continue;
    const home = blockOwner(gid, n, np);
    const group = groups.get(home);
    if (group === undefined) groups.set(home, [gid]);
    else group.push(gid);
  }
  return groups;
}

/** A part's ids grouped by home: those it is home for itself, and one message per other home. */
interface Outbox {
  readonly self: readonly number[];
  /** Home parts to send to, ascending. */
  readonly targets: number[];
  /** The ids for `targets[k]`. */
  readonly items: Float64Array[];
}

function outbox(ids: ArrayLike<number>, n: number, np: number, partId: number): Outbox {
  const groups = byHome(ids, n, np);
  const targets = Array.from(groups.keys())
    .filter((q) => q !== partId)
    .sort((a, b) => a - b);
  const items = targets.map((q) => Float64Array.from(groups.get(q) as number[]));
  return { self: groups.get(partId) ?? [], targets, items };
}

function findOwnerByDirectory(rows: PRange, gids: PData<ArrayLike<number>>): PData<Int32Array> {
  const { n, np } = rows;
  // 1. Every part registers its own ids at their homes.
  const registrations = rows.partition.map((ids, p) => {
    const own = new Float64Array(ids.nOwn);
    for (let i = 0; i < own.length; i++) own[i] = ids.own.at(i);
    return outbox(own, n, np, p);
  });
  const registerGraph = exchangeGraph(registrations.map((r) => r.targets));
  const registered = exchange(
    registrations.map((r) => r.items),
    registerGraph,
  ).wait();
  const directory = pmap(
    (mine: Outbox, received: Float64Array[], senders: Int32Array, p: number) => {
      const first = blockStart(p, n, np);
      const owners = new Int32Array(blockStart(p + 1, n, np) - first).fill(-1);
      const register = (gid: number, owner: number): void => {
        if (owners[gid - first] >= 0) {
          throw new InvalidArgumentError(
            `findOwner: global id ${gid} is owned by parts ${owners[gid - first]} and ${owner}`,
            { partId: p },
          );
        }
        owners[gid - first] = owner;
      };
      mine.self.forEach((gid) => register(gid, p));
      received.forEach((list, k) => list.forEach((gid) => register(gid, senders[k])));
      return owners;
    },
    registrations,
    registered,
    registerGraph.rcv,
  );
  // 2. Every part asks the homes of its ids; 3. the homes answer along the reversed graph.
  const queries = gids.map((ids, p) => outbox(ids, n, np, p));
  const queryGraph = exchangeGraph(queries.map((q) => q.targets));
  const asked = exchange(
    queries.map((q) => q.items),
    queryGraph,
  ).wait();
  const answers = pmap(
    (owners: Int32Array, lists: Float64Array[], p: number) => {
      const first = blockStart(p, n, np);
      return lists.map((list) => Int32Array.from(list, (gid) => owners[gid - first]));
    },
    directory,
    asked,
  );
  const answered = exchange(answers, queryGraph.reverse()).wait();
  return pmap(
    (
      ids: ArrayLike<number>,
      query: Outbox,
      replies: Int32Array[],
      owners: Int32Array,
      p: number,
    ) => {
      const known = new Map<number, number>();
      const first = blockStart(p, n, np);
      for (const gid of query.self) known.set(gid, owners[gid - first]);
      query.items.forEach((list, k) => list.forEach((gid, i) => known.set(gid, replies[k][i])));
      return Int32Array.from({ length: ids.length }, (_, k) => {
        const gid = ids[k];
        if (gid < 0) return -1;
        const owner = known.get(gid) ?? -1;
        if (owner < 0) {
          throw new InvalidArgumentError(
            `findOwner: no part owns global id ${gid} (the range's own ids do not cover 0..${n - 1})`,
            { partId: p },
          );
        }
        return owner;
      });
    },
    gids,
    queries,
    answered,
    directory,
  );
}

/**
 * A new range with the same own ids as `rows` and, on each part, ghosts = its old ghosts ∪ the
 * ids in `gids` it does not own, ascending global id (so local ids of old ghosts may change).
 * `owners[k]` is the owner of `gids[k]` (typically from {@link findOwner}); negative ids and their
 * owners are ignored, repeated ids are kept once. Keeps `rows.ownerOf`. No communication.
 *
 * @throws InvalidArgumentError (with the part id) when a part's `gids` and `owners` differ in
 * length, an owner is not a part id, an id is said to be owned by this part but is not, an own id
 * is said to be owned elsewhere, or an id is given two different owners (also checked against
 * `rows.ownerOf` when it exists).
 * @throws IndexOutOfRangeError (with the part id) when an id is `>= n`.
 * @example
 * ```ts
 * const rows = uniformPartition(ranks, 10);               // part 1 owns [2, 3]
 * const gids = ranks.map(() => [7, 0, -1, 7]);
 * const withGhosts = unionGhost(rows, gids, findOwner(rows, gids));
 * // part 1: ghosts [0, 7] owned by [0, 3]
 * ```
 */
export function unionGhost(
  rows: PRange,
  gids: PData<ArrayLike<number>>,
  owners: PData<ArrayLike<number>>,
): PRange {
  sameBackend([rows.partition, gids, owners]);
  const { n, np, ownerOf } = rows;
  const partition = pmap(
    (ids: LocalIndices, newIds: ArrayLike<number>, newOwners: ArrayLike<number>, p: number) => {
      if (newIds.length !== newOwners.length) {
        throw new InvalidArgumentError(
          `unionGhost: gids (${newIds.length}) and owners (${newOwners.length}) differ in length`,
          { partId: p },
        );
      }
      checkIds(newIds, n, p, 'unionGhost');
      const ghosts = new Map<number, number>();
      ids.ghostToGlobal.forEach((gid, k) => ghosts.set(gid, ids.ghostToOwner[k]));
      for (let k = 0; k < newIds.length; k++) {
        const gid = newIds[k];
        if (gid < 0) continue;
        const owner = newOwners[k];
        if (!Number.isInteger(owner) || owner < 0 || owner >= np) {
          throw new InvalidArgumentError(
            `unionGhost: owner ${String(owner)} of global id ${gid} is not a part id in 0..${np - 1}`,
            { partId: p },
          );
        }
        const isOwn = ids.own.indexOf(gid) >= 0;
        if (isOwn !== (owner === p)) {
          throw new InvalidArgumentError(
            isOwn
              ? `unionGhost: global id ${gid} is owned by this part, not by part ${owner}`
              : `unionGhost: global id ${gid} is said to be owned by this part, which does not own it`,
            { partId: p },
          );
        }
        if (isOwn) continue;
        const known = ghosts.get(gid) ?? ownerOf?.(gid) ?? owner;
        if (known !== owner) {
          throw new InvalidArgumentError(
            `unionGhost: global id ${gid} is owned by part ${known}, not by part ${owner}`,
            { partId: p },
          );
        }
        ghosts.set(gid, owner);
      }
      const ghostToGlobal = Float64Array.from(ghosts.keys()).sort();
      const ghostToOwner = Int32Array.from(ghostToGlobal, (gid) => ghosts.get(gid) as number);
      return new LocalIndices(p, n, ids.own, ghostToGlobal, ghostToOwner);
    },
    rows.partition,
    gids,
    owners,
  );
  return new PRange(n, partition, ownerOf);
}
