/**
 * `PVector`: a distributed vector on a {@link PRange}; each part stores its local values (own then
 * ghost) in one Float64Array.
 *
 * @module
 */
import { describeValue, expectFunction, expectInstance } from '../argument-checks.js';
import type { Channel } from '../backends/backend.js';
import { Pending } from '../backends/pending.js';
import { DimensionMismatchError, InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { ghostPlan, type GhostPlan } from '../partitions/ghost-plan.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import { PData } from '../pdata/pdata.js';
import { PRange } from '../partitions/prange.js';

/** Which way a ghost update moves values: owners to ghosts (consistent) or ghosts to owners (assemble). */
type Direction = 'toGhosts' | 'toOwners';

/**
 * What distinguishes the two ghost updates; the rest (channel, packing, waiting) is shared.
 * `consistent` sends the holders' own values and overwrites the ghosts with them; `assemble` sends
 * the ghosts and adds them into the holders' own values, then zeroes the ghosts.
 */
interface GhostUpdate {
  readonly name: 'consistent' | 'assemble';
  /** The local ids whose values are sent, in the channel's send order. */
  readonly sent: 'holderLids' | 'ghostLids';
  /** The local ids the received values go to, in the channel's receive order. */
  readonly received: 'holderLids' | 'ghostLids';
  /** Whether received values are added (assemble) rather than written (consistent). */
  readonly add: boolean;
}

const UPDATES: Readonly<Record<Direction, GhostUpdate>> = {
  toGhosts: { name: 'consistent', sent: 'holderLids', received: 'ghostLids', add: false },
  toOwners: { name: 'assemble', sent: 'ghostLids', received: 'holderLids', add: true },
};

/**
 * Local value arrays this module allocated with `Backend.allocateFloat64`: a channel can deliver
 * into their ghost regions (on Threads they live in shared memory). Arrays a caller wraps are not
 * known to qualify, so their ghosts are filled through the channel's own buffer.
 */
const backendStorage = new WeakSet<Float64Array>();

/**
 * Runs of consecutive ids are copied with one `set` each only when they are at least this long
 * on average; shorter ones are copied value by value.
 */
const MIN_MEAN_RUN = 8;

/**
 * How one part fills a channel's send buffer from its local values: as `runs` (views of the
 * local values, made once, each copied with one `set` to offset `at[r]`: a slab's boundary plane
 * is a single run) when the sent local ids are runs of consecutive ids, else value by value from
 * `lids`. A ghost update then executes a few JavaScript operations per neighbour instead of a
 * loop over every sent value, which V8 would otherwise interpret in the first updates and then
 * compile with TurboFan, mid-solve, on a core the other parts need.
 */
interface Packing {
  readonly runs: readonly Float64Array[];
  readonly at: Int32Array;
  readonly values: Float64Array;
  readonly lids: Int32Array | null;
}

function packing(values: Float64Array, lids: Int32Array): Packing {
  let nRuns = 0;
  for (let k = 0; k < lids.length; k++) if (k === 0 || lids[k] !== lids[k - 1] + 1) nRuns++;
  if (nRuns * MIN_MEAN_RUN > lids.length) return { runs: [], at: new Int32Array(0), values, lids };
  const runs: Float64Array[] = [];
  const at = new Int32Array(nRuns);
  for (let k = 0; k < lids.length; ) {
    let end = k + 1;
    while (end < lids.length && lids[end] === lids[end - 1] + 1) end++;
    at[runs.length] = k;
    runs.push(values.subarray(lids[k], lids[k] + end - k));
    k = end;
  }
  return { runs, at, values, lids: null };
}

/** Copies the values `p` describes into `send` (allocation-free). */
function pack(p: Packing, send: Float64Array): void {
  const { runs, at, values, lids } = p;
  for (let r = 0; r < runs.length; r++) send.set(runs[r], at[r]);
  if (lids !== null) for (let k = 0; k < lids.length; k++) send[k] = values[lids[k]];
}

function allocateLocal(rows: PRange, nLocal: number): Float64Array {
  const local = rows.backend.allocateFloat64(nLocal);
  backendStorage.add(local);
  return local;
}

/**
 * A distributed vector. `values` holds, per part, the local values in local order (own ids first,
 * then ghosts); the arrays belong to the vector and are reused by every operation, so views taken
 * with {@link PVector.ownValues} stay valid.
 *
 * Ghost values are a cache of the owners' values: they are current only after {@link consistent},
 * and undefined while a ghost update is in flight (between `startConsistent` and
 * `finishConsistent`), because on parts whose {@link PVector.zeroCopyGhosts} is set the
 * neighbours' values land straight in the ghost region at any moment of that window.
 *
 * @example
 * ```ts
 * const v = pvector(rows, (ids) => Array.from(ids.localToGlobal, (g) => 2 * g));
 * await consistent(v);                 // ghosts now hold their owners' values
 * v.ownValues().localItems[0];         // part 0's own values (Sequential)
 * ```
 * @group PVector
 */
export class PVector {
  /** The index range (own and ghost layout) of this vector. */
  readonly rows: PRange;
  /** Per part, the local values (length `nLocal`, own then ghost). */
  readonly values: PData<Float64Array>;
  /**
   * Per part, whether ghost updates ({@link consistent}, and so every SpMV) write the received
   * values straight into the ghost region, with no receive buffer and no copy. Set when the
   * local values were allocated by {@link pzeros}, {@link pfill} or {@link pvector} (or are such a
   * vector's arrays) and the part's ghosts are grouped by owner in local order (ascending owner,
   * as in 1-D and z-slab block partitions); other parts copy through the channel's buffer.
   * For tests and debugging: the results are the same either way.
   */
  readonly zeroCopyGhosts: PData<boolean>;
  private readonly own: PData<Float64Array>;
  private readonly ghost: PData<Float64Array>;
  private plan: GhostPlan | undefined;
  private readonly channels: { toGhosts?: Channel; toOwners?: Channel } = {};
  /** Per direction, how each local part fills its send buffer (made with the channel). */
  private readonly packings: { toGhosts?: readonly Packing[]; toOwners?: readonly Packing[] } = {};
  private inFlight: Direction | undefined;

  /**
   * Wraps existing local value arrays (not copied). Ghost updates fill the ghosts in place only
   * on parts whose array comes from {@link pzeros}, {@link pfill} or {@link pvector} (see
   * {@link PVector.zeroCopyGhosts}); other arrays work the same, through one more copy.
   * @throws InvalidArgumentError when `rows` is not a PRange or `values` not a PData;
   * PartitionMismatchError when `values` belongs to another run; DimensionMismatchError (with the
   * part id) when an array's length is not the part's `nLocal`.
   */
  constructor(rows: PRange, values: PData<Float64Array>) {
    expectInstance(rows, PRange, 'PVector: rows');
    expectInstance(values, PData, 'PVector: values');
    if (values.backend !== rows.backend) {
      throw new PartitionMismatchError('the values and the range belong to different runs (different ranks)');
    }
    const ids = rows.partition.localItems;
    let i = 0;
    values.forEach((local, p) => {
      const nLocal = ids[i++].nLocal;
      if (!(local instanceof Float64Array) || local.length !== nLocal) {
        throw new DimensionMismatchError(
          `local values must be a Float64Array of length nLocal = ${nLocal}, got ${local instanceof Float64Array ? `length ${local.length}` : describeValue(local)}`,
          { partId: p },
        );
      }
    });
    this.rows = rows;
    this.values = values;
    i = 0;
    this.zeroCopyGhosts = values.map((local) => {
      // Ghosts grouped by owner: the ghost plan's ghostLids is then exactly nOwn, nOwn + 1, ...
      // and the ghost region is the channel's receive buffer, segment by segment.
      return ids[i++].ghostOwnersAscending && backendStorage.has(local);
    });
    i = 0;
    this.own = values.map((local) => local.subarray(0, ids[i++].nOwn));
    i = 0;
    this.ghost = values.map((local) => local.subarray(ids[i++].nOwn));
  }

  /** Per part, all local values (own then ghost). */
  localValues(): PData<Float64Array> {
    return this.values;
  }

  /** Per part, a view of the own values (`nOwn` entries). */
  ownValues(): PData<Float64Array> {
    return this.own;
  }

  /** Per part, a view of the ghost values (`nGhost` entries). */
  ghostValues(): PData<Float64Array> {
    return this.ghost;
  }

  /**
   * Starts copying the owners' values into the ghosts (collective, allocation-free after the first
   * call). Must be followed by {@link PVector.finishConsistent}; {@link consistent} wraps both.
   * @throws InvalidArgumentError when a ghost update of this vector is already in progress.
   */
  startConsistent(): void {
    this.startUpdate('toGhosts');
  }

  /**
   * Completes {@link PVector.startConsistent}: waits and writes the received ghost values (parts
   * with {@link PVector.zeroCopyGhosts} already hold them).
   * @throws InvalidArgumentError when no consistent of this vector is in progress.
   */
  finishConsistent(): void {
    this.finishUpdate('toGhosts');
  }

  /**
   * Starts sending the ghost values to their owners (collective). Must be followed by
   * {@link PVector.finishAssemble}; {@link assemble} wraps both.
   * @throws InvalidArgumentError when a ghost update of this vector is already in progress.
   */
  startAssemble(): void {
    this.startUpdate('toOwners');
  }

  /**
   * Completes {@link PVector.startAssemble}: adds the received contributions to the own values
   * (in ascending sender order, so the sums are the same on every backend) and zeroes the ghosts.
   * @throws InvalidArgumentError when no assemble of this vector is in progress.
   */
  finishAssemble(): void {
    this.finishUpdate('toOwners');
  }

  /** Packs the values this part sends in `direction` into the channel and starts it. */
  private startUpdate(direction: Direction): void {
    const channel = this.begin(direction);
    const packings = this.packings[direction]!;
    for (let i = 0; i < packings.length; i++) pack(packings[i], channel.send[i]);
    channel.start();
  }

  /** Waits for the update in `direction` and writes (or adds) what arrived. */
  private finishUpdate(direction: Direction): void {
    const { received, add } = UPDATES[direction];
    const channel = this.end(direction);
    const parts = this.plan!.parts.localItems;
    const values = this.values.localItems;
    // Only the owners-to-ghosts channel delivers in place (see zeroCopyGhosts).
    const delivered = direction === 'toGhosts' ? this.zeroCopyGhosts.localItems : undefined;
    for (let i = 0; i < parts.length; i++) {
      if (delivered?.[i] === true) continue;
      const lids = parts[i][received];
      const local = values[i];
      const recv = channel.recv[i];
      if (add) {
        for (let k = 0; k < lids.length; k++) local[lids[k]] += recv[k];
        this.ghost.localItems[i].fill(0);
      } else {
        for (let k = 0; k < lids.length; k++) local[lids[k]] = recv[k];
      }
    }
  }

  private begin(direction: Direction): Channel {
    if (this.inFlight !== undefined) {
      throw new InvalidArgumentError(
        `a ${UPDATES[this.inFlight].name} of this vector is still in progress: wait for it first`,
      );
    }
    this.plan ??= ghostPlan(this.rows);
    const channel = (this.channels[direction] ??= this.openChannel(this.plan, direction));
    const { sent } = UPDATES[direction];
    const values = this.values.localItems;
    this.packings[direction] ??= this.plan.parts.localItems.map((part, i) => packing(values[i], part[sent]));
    this.inFlight = direction;
    return channel;
  }

  /** The ghost plan's channel plans agree by construction (see {@link ghostPlan}). */
  private openChannel(plan: GhostPlan, direction: Direction): Channel {
    if (direction === 'toOwners') return this.rows.backend.createChannel(plan.toOwners, { agreed: true });
    const ghosts = this.ghost.localItems;
    const recv = this.zeroCopyGhosts.localItems.map((zeroCopy, i) => (zeroCopy ? ghosts[i] : undefined));
    return this.rows.backend.createChannel(plan.toGhosts, { recv, agreed: true });
  }

  private end(direction: Direction): Channel {
    if (this.inFlight !== direction) {
      throw new InvalidArgumentError(`no ${UPDATES[direction].name} of this vector is in progress`);
    }
    const channel = this.channels[direction]!;
    channel.wait();
    this.inFlight = undefined;
    return channel;
  }
}

/**
 * A new vector on `rows` with every local value (own and ghost) equal to 0.
 * @throws InvalidArgumentError when `rows` is not a PRange.
 * @example `const x = pzeros(A.cols);`
 * @group PVector
 */
export function pzeros(rows: PRange): PVector {
  expectInstance(rows, PRange, 'pzeros: rows');
  return new PVector(rows, rows.partition.map((ids) => allocateLocal(rows, ids.nLocal)));
}

/**
 * A new vector on `rows` with every local value (own and ghost) equal to `value`.
 * @throws InvalidArgumentError when `value` is not a number or `rows` is not a PRange.
 * @example `const b = pfill(1, rows);`
 * @group PVector
 */
export function pfill(value: number, rows: PRange): PVector {
  if (typeof value !== 'number') throw new InvalidArgumentError(`pfill: value must be a number, got ${describeValue(value)}`);
  expectInstance(rows, PRange, 'pfill: rows');
  return new PVector(rows, rows.partition.map((ids) => allocateLocal(rows, ids.nLocal).fill(value)));
}

/**
 * A new vector whose local values on each part are `f(indices)` (by local id, own then ghost),
 * copied into the vector's storage.
 * @throws InvalidArgumentError when `rows` is not a PRange or `f` not a function;
 * DimensionMismatchError (with the part id) when `f` returns a length other than `nLocal`.
 * @example
 * ```ts
 * const x = pvector(rows, (ids) => Array.from(ids.localToGlobal, (g) => g * g));
 * ```
 * @group PVector
 */
export function pvector(rows: PRange, f: (indices: LocalIndices) => ArrayLike<number>): PVector {
  expectInstance(rows, PRange, 'pvector: rows');
  expectFunction(f, 'pvector: f');
  const values = rows.partition.map((ids, p) => {
    const given = f(ids);
    if (given === null || typeof given !== 'object' || given.length !== ids.nLocal) {
      throw new DimensionMismatchError(
        `pvector: the function must return nLocal = ${ids.nLocal} values, got ${given?.length ?? typeof given}`,
        { partId: p },
      );
    }
    const local = allocateLocal(rows, ids.nLocal);
    local.set(given);
    return local;
  });
  return new PVector(rows, values);
}

/** Runs one ghost update of `v` in `direction` as a split-phase operation that returns `v`. */
function ghostUpdate(v: PVector, direction: Direction): Pending<PVector> {
  expectInstance(v, PVector, `${UPDATES[direction].name}: v`);
  if (direction === 'toGhosts') v.startConsistent();
  else v.startAssemble();
  return new Pending(() => {
    if (direction === 'toGhosts') v.finishConsistent();
    else v.finishAssemble();
    return v;
  });
}

/**
 * Copies every owner's values into the ghosts that hold them (collective, split-phase): the
 * exchange starts now; `wait()` completes it and returns `v`.
 * @throws InvalidArgumentError when `v` is not a PVector (for a Pending: call .wait() first) or a
 * ghost update of `v` is already in progress.
 * @example `await consistent(x);`
 * @group PVector
 */
export function consistent(v: PVector): Pending<PVector> {
  return ghostUpdate(v, 'toGhosts');
}

/**
 * Adds every ghost value into its owner's entry, then sets the ghosts to 0 (collective,
 * split-phase). Contributions are added in ascending part order, so the result is the same on
 * every backend.
 * @throws InvalidArgumentError when `v` is not a PVector (for a Pending: call .wait() first) or a
 * ghost update of `v` is already in progress.
 * @example `assemble(v).wait();`
 * @group PVector
 */
export function assemble(v: PVector): Pending<PVector> {
  return ghostUpdate(v, 'toOwners');
}
