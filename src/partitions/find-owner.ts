/**
 * Owner lookup for arbitrary global ids (`findOwner`) and adding ghosts to a range (`unionGhost`):
 * together they turn "the ids this part touches" into a range whose ghosts are exactly those ids.
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import { IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import { exchange, exchangeGraph } from '../pdata/exchange.js';
import { isNumberList, LocalIndices } from './local-indices.js';
import { PData, pmap, sameBackend } from '../pdata/pdata.js';
import { PRange } from './prange.js';
import { blockOwner, blockStart } from './uniform-partition.js';

/**
 * Checks one part's list of global ids, the same way for every function that takes ids (psparse,
 * findOwner, unionGhost): negative numbers are allowed (the callers ignore them),
 * the other entries must be integers below `n`.
 * @param what the public function, first in messages (`'psparse'`)
 * @param label how entry `k` is named in messages (`row id I[3]`); `label(-1)` names the whole list
 * @throws InvalidArgumentError (with the part id) when `ids` is not an array or typed array, or an
 * entry is not a number (a BigInt, a string) or not an integer;
 * IndexOutOfRangeError (with the part id) when an integer id is `>= n`.
 * @example
 * ```ts
 * checkGlobalIds([0, -1, 1.5], 10, 0, 'findOwner', (k) => (k < 0 ? 'gids' : `gids[${k}]`));
 * // InvalidArgumentError: findOwner: gids[2] = 1.5 is not an integer (part 0)
 * ```
 */
export function checkGlobalIds(
  ids: unknown,
  n: number,
  partId: number,
  what: string,
  label: (k: number) => string,
): asserts ids is ArrayLike<number> {
  if (!isNumberList(ids)) {
    throw new InvalidArgumentError(`${what}: ${label(-1)} must be an array of global ids, got ${describeValue(ids)}`, {
      partId,
    });
  }
  for (let k = 0; k < ids.length; k++) {
    const gid: unknown = ids[k];
    if (typeof gid !== 'number' || (gid >= 0 && !Number.isInteger(gid)) || Number.isNaN(gid)) {
      throw new InvalidArgumentError(`${what}: ${label(k)} = ${describeValue(gid)} is not an integer`, { partId });
    }
    if (gid >= n) {
      throw new IndexOutOfRangeError(`${what}: ${label(k)} = ${gid} is outside 0..${n - 1}`, { partId });
    }
  }
}

/** `gids[k]`, or `gids` itself for the whole list (k = −1). */
function entryOf(name: string): (k: number) => string {
  return (k) => (k < 0 ? name : `${name}[${k}]`);
}

/**
 * The owner of every id in `gids`, per part: `result[k]` is the part owning `gids[k]`, or −1 when
 * `gids[k]` is negative (negative ids are ignored, never an error).
 *
 * Collective: every part must call it. When `rows.ownerOf` exists (block, variable and owner-array
 * partitions) nothing is communicated. Otherwise a distributed directory answers: the home of id
 * g is the part owning g in `uniformPartition(ranks, n)`; parts register their own ids at the
 * homes, then ask the homes (three exchanges in all). A home's memory scales with the ids
 * registered there, not with `n`, so ranges whose own ids are a few large ids work (see
 * {@link PRange}).
 *
 * @throws InvalidArgumentError when `rows` is not a PRange or `gids` not a PData; (with the part
 * id) when a part's `gids` is not an array or typed array, or an entry is not an integer number
 * (a BigInt, a string, 1.5, NaN). Checked before any communication.
 * @throws IndexOutOfRangeError (with the part id) when an id is `>= n`, checked before any
 * communication.
 * @throws InvalidArgumentError (with the part id, after communication) when two parts own the
 * same id or no part owns a requested id.
 * @example
 * ```ts
 * const rows = uniformPartition(ranks, 10);          // 4 parts: [0,1] [2,3] [4,5,6] [7,8,9]
 * findOwner(rows, ranks.map(() => [9, -1, 2]));       // every part: Int32Array [3, -1, 1]
 * ```
 * @group Index partitions
 */
export function findOwner(rows: PRange, gids: PData<ArrayLike<number>>): PData<Int32Array> {
  expectInstance(rows, PRange, 'findOwner: rows');
  expectInstance(gids, PData, 'findOwner: gids');
  sameBackend([rows.partition, gids]);
  const n = rows.n;
  gids.forEach((ids, partId) => checkGlobalIds(ids, n, partId, 'findOwner', entryOf('gids')));
  return findOwnerOfCheckedIds(rows, gids);
}

/**
 * {@link findOwner} for ids its caller has checked already (integers below `rows.n`, or negative):
 * psparse's, whose triplets were checked in one native pass, so that their owners are not
 * preceded by a second, interpreted, check of every id. Collective.
 * @throws InvalidArgumentError (with the part id, after communication) when two parts own the
 * same id or no part owns a requested id.
 * @example `findOwnerOfCheckedIds(cols, ghostIds)`
 */
export function findOwnerOfCheckedIds(rows: PRange, gids: PData<ArrayLike<number>>): PData<Int32Array> {
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

/** What a home part knows: the owner of each id of its block that some part registered. */
interface Directory {
  /** The owner of `gid` (an id of this home's block), or −1 when no part registered it. */
  ownerOf(gid: number): number;
}

/**
 * The directory of home `p`, whose block is `first..end-1`, from the ids it registered itself
 * (`self`) and those received from `senders`. Its memory scales with the ids registered, not with
 * the block: a range whose own ids are a few ids spread over a huge `0..n-1` (ids near 2^32, say)
 * costs a few entries. When the registered ids fill most of the block, a dense array indexed by
 * `gid - first` (4 bytes per id of the block) is both smaller and faster than sorted lists (12
 * bytes per registered id).
 * @throws InvalidArgumentError (with the part id) when two parts register the same id.
 */
function buildDirectory(
  p: number,
  first: number,
  end: number,
  self: readonly number[],
  received: readonly Float64Array[],
  senders: Int32Array,
): Directory {
  let count = self.length;
  for (const list of received) count += list.length;
  // Registration order (self first, then by sender) decides which owner a duplicate reports.
  const gids = new Float64Array(count);
  const owners = new Int32Array(count);
  gids.set(self);
  owners.fill(p, 0, self.length);
  let at = self.length;
  received.forEach((list, k) => {
    gids.set(list, at);
    owners.fill(senders[k], at, at + list.length);
    at += list.length;
  });
  const twice = (earlierOwner: number, later: number): InvalidArgumentError =>
    new InvalidArgumentError(`findOwner: global id ${gids[later]} is owned by parts ${earlierOwner} and ${owners[later]}`, {
      partId: p,
    });
  if (end - first <= 3 * count) {
    const dense = new Int32Array(end - first).fill(-1);
    for (let k = 0; k < count; k++) {
      const slot = gids[k] - first;
      if (dense[slot] >= 0) throw twice(dense[slot], k);
      dense[slot] = owners[k];
    }
    return { ownerOf: (gid) => dense[gid - first] };
  }
  const order = Int32Array.from({ length: count }, (_, k) => k).sort((a, b) => gids[a] - gids[b] || a - b);
  let duplicate = -1;
  for (let k = 1; k < count; k++) {
    if (gids[order[k]] === gids[order[k - 1]] && (duplicate < 0 || order[k] < order[duplicate])) duplicate = k;
  }
  if (duplicate >= 0) throw twice(owners[order[duplicate - 1]], order[duplicate]);
  const sortedGids = Float64Array.from(order, (k) => gids[k]);
  const sortedOwners = Int32Array.from(order, (k) => owners[k]);
  return {
    ownerOf: (gid) => {
      let lo = 0;
      let hi = count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (sortedGids[mid] < gid) lo = mid + 1;
        else hi = mid;
      }
      return lo < count && sortedGids[lo] === gid ? sortedOwners[lo] : -1;
    },
  };
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
    (mine: Outbox, received: Float64Array[], senders: Int32Array, p: number) =>
      buildDirectory(p, blockStart(p, n, np), blockStart(p + 1, n, np), mine.self, received, senders),
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
    (owners: Directory, lists: Float64Array[]) => lists.map((list) => Int32Array.from(list, (gid) => owners.ownerOf(gid))),
    directory,
    asked,
  );
  const answered = exchange(answers, queryGraph.reverse()).wait();
  return pmap(
    (
      ids: ArrayLike<number>,
      query: Outbox,
      replies: Int32Array[],
      owners: Directory,
      p: number,
    ) => {
      const known = new Map<number, number>();
      for (const gid of query.self) known.set(gid, owners.ownerOf(gid));
      query.items.forEach((list, k) => list.forEach((gid, i) => known.set(gid, replies[k][i])));
      return Int32Array.from({ length: ids.length }, (_, k) => {
        const gid = ids[k];
        if (gid < 0) return -1;
        const owner = known.get(gid) ?? -1;
        if (owner < 0) {
          throw new InvalidArgumentError(
            `findOwner: no part owns global id ${gid} (the range's own ids do not include it)`,
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
 * @throws InvalidArgumentError when `rows` is not a PRange or `gids`/`owners` not PData; (with the
 * part id) when `gids` or `owners` is not an array or typed array, an id is not an integer number
 * (as {@link findOwner}), they differ in length, an owner is not a part id, an id is said to be owned by this part but is not, an own id
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
 * @group Index partitions
 */
export function unionGhost(
  rows: PRange,
  gids: PData<ArrayLike<number>>,
  owners: PData<ArrayLike<number>>,
): PRange {
  expectInstance(rows, PRange, 'unionGhost: rows');
  expectInstance(gids, PData, 'unionGhost: gids');
  expectInstance(owners, PData, 'unionGhost: owners');
  sameBackend([rows.partition, gids, owners]);
  const { n, np, ownerOf } = rows;
  const partition = pmap(
    (ids: LocalIndices, newIds: ArrayLike<number>, newOwners: ArrayLike<number>, p: number) => {
      checkGlobalIds(newIds, n, p, 'unionGhost', entryOf('gids'));
      if (!isNumberList(newOwners)) {
        throw new InvalidArgumentError(`unionGhost: owners must be an array of part ids, got ${describeValue(newOwners)}`, {
          partId: p,
        });
      }
      if (newIds.length !== newOwners.length) {
        throw new InvalidArgumentError(
          `unionGhost: gids (${newIds.length}) and owners (${newOwners.length}) differ in length`,
          { partId: p },
        );
      }
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
