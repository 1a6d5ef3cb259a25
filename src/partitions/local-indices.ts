/**
 * `LocalIndices`: one part's view of a distributed index range: which global ids it owns, which
 * it holds as ghosts (owned elsewhere), and the local numbering (own ids first, then ghosts).
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { firstOwnId } from './own-lookup.js';
import { OwnBox, type OwnIds, OwnList, OwnRange } from './own-ids.js';

/**
 * Whether `value` is an array or a typed array: what the library accepts as a list of ids or
 * values (`ArrayLike` in the types; a number, a string or a plain object is not one).
 */
export function isNumberList(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * One part's index maps. Local ids are `0..nLocal-1`: own ids first (`0..nOwn-1`), then ghosts
 * (`nOwn..nLocal-1`). Global ids are numbers (exact up to 2^53); local ids are Int32.
 *
 * The id arrays are built lazily and cached; they belong to the LocalIndices and must not be
 * modified.
 *
 * @example
 * ```ts
 * const ids = rows.partition.localItems[0];
 * ids.globalToLocal(ids.ghostToGlobal[0]) === ids.nOwn; // true
 * ```
 * @group Index partitions
 */
export class LocalIndices {
  /** The part these indices belong to. */
  readonly partId: number;
  /** Size of the global index range. */
  readonly n: number;
  /** Number of ghost ids. */
  readonly nGhost: number;
  /** Global id of each ghost, in local order. */
  readonly ghostToGlobal: Float64Array;
  /** Owning part of each ghost, in local order. */
  readonly ghostToOwner: Int32Array;
  /** How the own ids are described (range, box or list). */
  readonly own: OwnIds;
  private ghostLookupCache: Map<number, number> | undefined;
  private ownGlobalCache: Float64Array | undefined;
  private localGlobalCache: Float64Array | undefined;
  private localOwnerCache: Int32Array | undefined;
  /**
   * Whether the ghosts' owners never decrease in local order (ghosts grouped by owner, owners
   * ascending), as in the column ranges `psparse` builds: the ghosts of each owner are then one
   * run. Found by the constructor's check loop over the ghosts.
   */
  readonly ghostOwnersAscending: boolean;
  /**
   * Whether the ghost global ids ascend in local order (as in the column ranges `psparse` builds
   * and the ghosts of `uniformPartition`).
   */
  readonly ghostsAscending: boolean;
  /**
   * The largest part id among the ghosts' owners, −1 without ghosts. Found by the constructor's
   * check loop, so that a range over these indices checks its owners against its part count
   * without a pass of its own.
   */
  readonly maxGhostOwner: number;

  /**
   * @param own the own ids (their order is the local order of own ids): an {@link OwnRange},
   * {@link OwnBox}, {@link OwnList} or another {@link OwnIds}
   * @param ghostToGlobal ghost global ids in local order; none may be owned by this part
   * @param ghostToOwner the owner of each ghost (≠ partId)
   * @throws InvalidArgumentError (with the part id) when `partId` is not a non-negative integer,
   * `n` not a non-negative safe integer, `own` not an OwnIds (or an OwnRange/OwnBox/OwnList with
   * ids outside `0..n-1`, an OwnList with an id twice), the ghost lists not arrays of the same
   * length, a ghost owner not a part id other than `partId`, or a ghost own or listed twice;
   * IndexOutOfRangeError (with the part id) for a ghost id outside `0..n-1`. O(own ids) for an
   * OwnList, O(dimensions) for ranges and boxes, O(ghosts) for the ghosts.
   * @example
   * ```ts
   * new LocalIndices(1, 10, new OwnRange(5, 5), [4], [0]); // owns 5..9, ghost 4 owned by part 0
   * ```
   */
  constructor(
    partId: number,
    n: number,
    own: OwnIds,
    ghostToGlobal: ArrayLike<number> = [],
    ghostToOwner: ArrayLike<number> = [],
  ) {
    if (!Number.isSafeInteger(partId) || partId < 0) {
      throw new InvalidArgumentError(`LocalIndices: partId must be a non-negative integer, got ${describeValue(partId)}`);
    }
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new InvalidArgumentError(`global size n must be a non-negative safe integer, got ${String(n)}`, { partId });
    }
    checkOwn(own, n, partId);
    for (const [name, list] of [
      ['ghostToGlobal', ghostToGlobal],
      ['ghostToOwner', ghostToOwner],
    ] as const) {
      if (!isNumberList(list)) {
        throw new InvalidArgumentError(`LocalIndices: ${name} must be an array, got ${describeValue(list)}`, { partId });
      }
    }
    if (ghostToGlobal.length !== ghostToOwner.length) {
      throw new InvalidArgumentError(
        `ghostToGlobal (${ghostToGlobal.length}) and ghostToOwner (${ghostToOwner.length}) differ in length`,
        { partId },
      );
    }
    this.partId = partId;
    this.n = n;
    this.own = own;
    this.nGhost = ghostToGlobal.length;
    this.ghostToGlobal = Float64Array.from(ghostToGlobal);
    // The owners as given (a list or any typed array) become a Float64Array first: the checks read
    // the values as given (1.5 is not an owner), and one array kind keeps the check loop's compiled
    // code from being thrown away when the next range passes another kind.
    const owners = Float64Array.from(ghostToOwner);
    this.ghostToOwner = Int32Array.from(owners);
    // One plain loop of the cheap checks (it runs interpreted: psparse builds a range per matrix),
    // in a small function of its own (see scanGhosts), then whether any ghost is own in one
    // classify pass, and the duplicate check only for ghosts that do not ascend (ascending ids are
    // distinct); the lookup map is built on first use.
    const gids = this.ghostToGlobal;
    const scan = scanGhosts(partId, n, gids, owners);
    if (scan.bad >= 0) throwBadGhost(partId, n, ghostToGlobal[scan.bad], gids[scan.bad], owners[scan.bad]);
    const { ascending, ownersAscending, maxOwner } = scan;
    this.maxGhostOwner = maxOwner;
    this.ghostsAscending = ascending;
    this.ghostOwnersAscending = ownersAscending;
    const ownAt = firstOwnId(own, n, gids);
    const twice = ascending ? -1 : firstRepeated(gids);
    // The first problem in ghost order, as the checks id by id would find it.
    if (ownAt >= 0 && (twice < 0 || ownAt <= twice)) {
      throw new InvalidArgumentError(`global id ${gids[ownAt]} is both own and ghost`, { partId });
    }
    if (twice >= 0) throw new InvalidArgumentError(`ghost global id ${gids[twice]} is listed twice`, { partId });
  }

  /** Ghost index of each ghost global id, built on the first lookup. */
  private get ghostLookup(): Map<number, number> {
    if (this.ghostLookupCache === undefined) {
      const lookup = new Map<number, number>();
      const gids = this.ghostToGlobal;
      for (let k = 0; k < gids.length; k++) lookup.set(gids[k], k);
      this.ghostLookupCache = lookup;
    }
    return this.ghostLookupCache;
  }

  /**
   * Indices from explicit lists (own ids in the given order, then ghosts in the given order).
   * @throws as the constructor, and when an own id is outside `0..n-1` or repeated.
   */
  static fromLists(
    partId: number,
    n: number,
    ownToGlobal: ArrayLike<number>,
    ghostToGlobal: ArrayLike<number> = [],
    ghostToOwner: ArrayLike<number> = [],
  ): LocalIndices {
    if (!isNumberList(ownToGlobal)) {
      throw new InvalidArgumentError(`LocalIndices.fromLists: ownToGlobal must be an array, got ${describeValue(ownToGlobal)}`, {
        partId,
      });
    }
    const own = new OwnList(Float64Array.from(ownToGlobal));
    return new LocalIndices(partId, n, own, ghostToGlobal, ghostToOwner);
  }

  /** Number of own ids. */
  get nOwn(): number {
    return this.own.count;
  }

  /** Number of local ids (own + ghost). */
  get nLocal(): number {
    return this.own.count + this.nGhost;
  }

  /** Global id of each own id, in local order (built on first use). */
  get ownToGlobal(): Float64Array {
    if (this.ownGlobalCache === undefined) {
      this.checkListable();
      const out = largeArrays.float64(this.own.count);
      listOwn(this.own, out);
      this.ownGlobalCache = out;
    }
    return this.ownGlobalCache;
  }

  /** Global id of each local id: own then ghost (built on first use). */
  get localToGlobal(): Float64Array {
    if (this.localGlobalCache === undefined) {
      this.checkListable();
      const out = new Float64Array(this.nLocal);
      out.set(this.ownToGlobal);
      out.set(this.ghostToGlobal, this.nOwn);
      this.localGlobalCache = out;
    }
    return this.localGlobalCache;
  }

  /** Owner of each local id: this part for own ids, `ghostToOwner` for ghosts (built on first use). */
  get localToOwner(): Int32Array {
    if (this.localOwnerCache === undefined) {
      this.checkListable();
      const out = new Int32Array(this.nLocal);
      out.fill(this.partId, 0, this.nOwn);
      out.set(this.ghostToOwner, this.nOwn);
      this.localOwnerCache = out;
    }
    return this.localOwnerCache;
  }

  /**
   * Arrays indexed by local id (and Int32 local ids) are limited to 2^31-1 entries. A larger part
   * is still usable through the arithmetic maps (`own`, `globalToLocal`, ghosts), so the limit is
   * enforced only when such an array is built.
   */
  private checkListable(): void {
    if (this.nLocal > 0x7fffffff) {
      throw new InvalidArgumentError(
        `a part cannot list more than 2^31-1 local ids (got ${this.nLocal})`,
        { partId: this.partId },
      );
    }
  }

  /** Local id of global id `gid`, or −1 when this part neither owns nor ghosts it. */
  globalToLocal(gid: number): number {
    const i = this.own.indexOf(gid);
    if (i >= 0) return i;
    const k = this.ghostLookup.get(gid);
    return k === undefined ? -1 : this.nOwn + k;
  }

  /** Own local id of `gid`, or −1 when this part does not own it. */
  globalToOwn(gid: number): number {
    return this.own.indexOf(gid);
  }

  /** Ghost index (0-based among ghosts) of `gid`, or −1 when it is not a ghost here. */
  globalToGhost(gid: number): number {
    return this.ghostLookup.get(gid) ?? -1;
  }
}

/**
 * Writes the own ids in local order into `out`: ranges and boxes by counting (a box row by row,
 * its first direction contiguous), other descriptions through `at`.
 */
function listOwn(own: OwnIds, out: Float64Array): void {
  if (own instanceof OwnRange) {
    for (let i = 0; i < out.length; i++) out[i] = own.first + i;
    return;
  }
  if (!(own instanceof OwnBox) || out.length === 0) {
    for (let i = 0; i < out.length; i++) out[i] = own.at(i);
    return;
  }
  const { dims, lo, hi } = own;
  const nd = dims.length;
  const strides: number[] = [];
  for (let d = 0, stride = 1; d < nd; d++) {
    strides.push(stride);
    stride *= dims[d];
  }
  const c = [...lo];
  const width = hi[0] - lo[0];
  for (let at = 0; at < out.length; at += width) {
    let start = 0;
    for (let d = 0; d < nd; d++) start += c[d] * strides[d];
    for (let i = 0; i < width; i++) out[at + i] = start + i;
    // Next row of the box: an odometer over directions 1..nd-1.
    for (let d = 1; d < nd; d++) {
      if (++c[d] < hi[d]) break;
      c[d] = lo[d];
    }
  }
}

/**
 * Checks a part's own ids against `0..n-1` without listing them where the description is
 * arithmetic (a range or a box costs O(dimensions), a list O(ids)).
 */
function checkOwn(own: unknown, n: number, partId: number): asserts own is OwnIds {
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`LocalIndices: own ${what}`, { partId });
  };
  if (typeof own !== 'object' || own === null) fail(`must be an OwnRange, OwnBox or OwnList, got ${describeValue(own)}`);
  const ids = own as OwnIds;
  if (typeof ids.at !== 'function' || typeof ids.indexOf !== 'function' || !Number.isSafeInteger(ids.count) || ids.count < 0) {
    fail(`must be an OwnRange, OwnBox or OwnList, got ${describeValue(own)}`);
  }
  if (own instanceof OwnRange) {
    if (!Number.isSafeInteger(own.first) || own.first < 0 || own.first + own.count > n) {
      fail(`range ${describeValue(own.first)}..${own.first + own.count - 1} is not inside 0..${n - 1}`);
    }
  } else if (own instanceof OwnBox) {
    let size = 1;
    own.dims.forEach((dim, d) => {
      size *= dim;
      const [lo, hi] = [own.lo[d], own.hi[d]];
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || lo > hi || hi > dim) {
        fail(`box [${own.lo.join(', ')}]..[${own.hi.join(', ')}] is not inside the grid [${own.dims.join(', ')}]`);
      }
    });
    if (size !== n) fail(`box's grid [${own.dims.join(', ')}] has ${size} ids, the range has n = ${n}`);
  } else if (own instanceof OwnList) {
    for (const gid of own.ids) {
      if (!Number.isInteger(gid)) throw new InvalidArgumentError(`own global id ${gid} is not an integer`, { partId });
      if (gid < 0 || gid >= n) throw new IndexOutOfRangeError(`own global id ${gid} is outside 0..${n - 1}`, { partId });
    }
    // The list's lookup keeps one entry per distinct id.
    for (let i = 0; i < own.ids.length; i++) {
      if (own.indexOf(own.ids[i]) !== i) throw new InvalidArgumentError('own global ids are listed twice', { partId });
    }
  }
}

/** What {@link scanGhosts} finds. */
interface GhostScan {
  /** The first ghost that fails a check, or −1. */
  readonly bad: number;
  /** Whether the ghost ids strictly ascend. */
  readonly ascending: boolean;
  /** Whether the owners never decrease. */
  readonly ownersAscending: boolean;
  /** The largest owner, −1 without ghosts. */
  readonly maxOwner: number;
}

/**
 * One pass over a part's ghosts: the first whose id is not an integer in 0..n−1 or whose owner is
 * not a part id other than `partId` (then the scan stops), whether ids and owners ascend, and the
 * largest owner. A function of its own over Float64Arrays only (see the constructor).
 */
function scanGhosts(partId: number, n: number, gids: Float64Array, owners: Float64Array): GhostScan {
  let ascending = true;
  let ownersAscending = true;
  let maxOwner = -1;
  for (let k = 0; k < gids.length; k++) {
    const gid = gids[k];
    const owner = owners[k];
    if (!Number.isInteger(gid) || gid < 0 || gid >= n || !Number.isInteger(owner) || owner < 0 || owner === partId) {
      return { bad: k, ascending, ownersAscending, maxOwner };
    }
    if (k > 0 && gid <= gids[k - 1]) ascending = false;
    if (k > 0 && owner < owners[k - 1]) ownersAscending = false;
    if (owner > maxOwner) maxOwner = owner;
  }
  return { bad: -1, ascending, ownersAscending, maxOwner };
}

/** Throws the error the checks of {@link scanGhosts} found for one ghost (`given`: its id as passed). */
function throwBadGhost(partId: number, n: number, given: number, gid: number, owner: number): never {
  if (!Number.isInteger(gid)) throw new InvalidArgumentError(`ghost global id ${describeValue(given)} is not an integer`, { partId });
  if (gid < 0 || gid >= n) throw new IndexOutOfRangeError(`ghost global id ${gid} is outside 0..${n - 1}`, { partId });
  throw new InvalidArgumentError(`ghost ${gid} has invalid owner ${owner}`, { partId });
}

/** Position of the first of `gids` that appears earlier in the list too, or −1. */
function firstRepeated(gids: Float64Array): number {
  const seen = new Set<number>();
  for (let k = 0; k < gids.length; k++) {
    if (seen.has(gids[k])) return k;
    seen.add(gids[k]);
  }
  return -1;
}
