/**
 * The Sequential backend: every part lives in this process, for debugging in a REPL. It is as
 * strict as a distributed run: its arguments are checked by the shared seam checks (the same
 * messages as Threads and MPI), items that cross parts are copied with the same rules (what MPI
 * cannot send is refused here too), a collective called inside one part's code is refused, and
 * exchange graphs and channel plans are checked for consistency (where MPI would hang, this
 * throws).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Backend, Channel, ChannelOptions, ChannelPlan, SharedMemory, Window } from './backend.js';
import type { KernelKind } from '../kernels/kernel-set.js';
import { allgatherWidth } from './allgather-shape.js';
import { checkNotInPartCode } from './part-scope.js';
import { channelRecvArrays, checkAllocationLength } from './part-storage.js';
import { Pending } from './pending.js';
import { addRuns, getRuns, putRuns } from './copy-runs.js';
import {
  CheckedSharedMemory,
  CheckedWindow,
  checkExposedLength,
  checkWindowLengths,
  LiveResources,
  type PartsHeld,
} from './window-core.js';
import {
  checkChannelPlan,
  checkExchangeSide,
  checkLocalItems,
  checkPartId,
  checkScatterSource,
  copyItem,
} from './seam-checks.js';
import { describeValue } from '../argument-checks.js';
import { kernelKind } from '../kernels/select-kernels.js';
import { largeArrays } from '../kernels/large-arrays.js';

/**
 * Most parts a Sequential run may have: 2^20. Every PData of the run holds one item per part in
 * this process, so a million parts already cost tens of megabytes per PData; a larger count is a
 * mistake (a size passed as a part count), refused before anything is allocated.
 */
const MAX_SEQUENTIAL_PARTS = 2 ** 20;

/**
 * Most items a gather to `'all'` may create on the Sequential backend, where every one of the np
 * parts receives its own copy of all np items: np² items in one process. 2^24 allows 4096 parts
 * (about 130 MB of array slots for numbers); beyond it the call is refused before allocating.
 */
const MAX_GATHER_ALL_ITEMS = 2 ** 24;

/** Where part q's k-th receive segment comes from: its index in the sending part's snd list. */
function matchNeighbours(
  np: number,
  snd: readonly (ArrayLike<number>)[],
  rcv: readonly (ArrayLike<number>)[],
): Int32Array[] {
  const pending = new Map<string, number[]>();
  for (let p = 0; p < np; p++) {
    for (let k = 0; k < snd[p].length; k++) {
      const key = `${p}->${snd[p][k]}`;
      const list = pending.get(key) ?? [];
      list.push(k);
      pending.set(key, list);
    }
  }
  const source: Int32Array[] = [];
  for (let q = 0; q < np; q++) {
    const from = new Int32Array(rcv[q].length);
    for (let k = 0; k < rcv[q].length; k++) {
      const p = rcv[q][k];
      const list = pending.get(`${p}->${q}`);
      const j = list?.shift();
      if (j === undefined) {
        throw new InvalidArgumentError(
          `inconsistent exchange graph: part ${q} expects a message from part ${p}, which sends none`,
          { partId: q },
        );
      }
      from[k] = j;
    }
    source.push(from);
  }
  for (const [key, list] of pending) {
    if (list.length > 0) {
      throw new InvalidArgumentError(
        `inconsistent exchange graph: message ${key} has no matching receive`,
      );
    }
  }
  return source;
}

class SequentialChannel implements Channel {
  readonly send: Float64Array[];
  readonly recv: Float64Array[];
  private readonly plans: readonly ChannelPlan[];
  private readonly source: Int32Array[];
  private readonly segments: Float64Array[][];

  constructor(np: number, plans: readonly ChannelPlan[], options: ChannelOptions | undefined) {
    this.plans = plans;
    this.source = matchNeighbours(
      np,
      plans.map((pl) => pl.snd),
      plans.map((pl) => pl.rcv),
    );
    for (let q = 0; q < np; q++) {
      const { rcv, rcvPtrs } = plans[q];
      for (let k = 0; k < rcv.length; k++) {
        const p = rcv[k];
        const j = this.source[q][k];
        const sent = plans[p].sndPtrs[j + 1] - plans[p].sndPtrs[j];
        const expected = rcvPtrs[k + 1] - rcvPtrs[k];
        if (sent !== expected) {
          throw new InvalidArgumentError(
            `inconsistent channel plan: part ${p} sends ${sent} values to part ${q}, which expects ${expected}`,
            { partId: q },
          );
        }
      }
    }
    this.send = plans.map((pl) => new Float64Array(pl.sndPtrs[pl.snd.length]));
    const recv = channelRecvArrays(plans, options, Array.from(plans, (_, p) => p), false);
    this.recv = plans.map((pl, q) => recv[q] ?? new Float64Array(pl.rcvPtrs[pl.rcv.length]));
    // Views of the senders' segments, made once: start() then copies without allocating.
    this.segments = plans.map((pl, q) =>
      Array.from(pl.rcv, (p, k) => {
        const j = this.source[q][k];
        return this.send[p].subarray(plans[p].sndPtrs[j], plans[p].sndPtrs[j + 1]);
      }),
    );
  }

  start(): void {
    const { plans, segments, recv } = this;
    for (let q = 0; q < plans.length; q++) {
      const { rcvPtrs } = plans[q];
      const from = segments[q];
      for (let k = 0; k < from.length; k++) recv[q].set(from[k], rcvPtrs[k]);
    }
  }

  wait(): void {
    // Data moved in start(): in one process the exchange completes immediately.
  }
}

/**
 * Backend holding all `np` parts in this process. Created by `withSequential`; exported for
 * tests and advanced use.
 * @group Running a program on a backend
 */
export class SequentialBackend implements Backend {
  readonly kind = 'sequential' as const;
  readonly kernels: KernelKind = kernelKind;
  readonly np: number;
  readonly localParts: readonly number[];
  /** The parts as window checks see them: errors about a whole call name no part here. */
  private readonly held: PartsHeld;
  private readonly t0 = performance.now();
  private readonly resources = new LiveResources();

  /**
   * @throws InvalidArgumentError when `np` is not an integer ≥ 1, or exceeds 2^20 = 1048576
   * (checked before anything is allocated).
   */
  constructor(np: number) {
    if (!Number.isInteger(np) || np < 1) {
      throw new InvalidArgumentError(`np must be an integer >= 1, got ${describeValue(np)}`);
    }
    if (np > MAX_SEQUENTIAL_PARTS) {
      throw new InvalidArgumentError(
        `np must be at most ${MAX_SEQUENTIAL_PARTS} on the Sequential backend (every part lives in this process), got ${np}`,
      );
    }
    this.np = np;
    this.localParts = Object.freeze(Array.from({ length: np }, (_, p) => p));
    this.held = { np, localParts: this.localParts, self: undefined };
  }

  /**
   * @throws InvalidArgumentError for a gather to `'all'` of more than 4096 parts (np² copies in
   * this process), and as every backend for bad arguments or an item that cannot be copied.
   */
  gather<T>(items: readonly T[], destination: number | 'all'): T[][] {
    checkNotInPartCode('gather');
    const { np } = this;
    checkLocalItems(items, np, 'gather');
    if (destination !== 'all') {
      checkPartId(np, destination, 'gather destination');
      const gathered = items.map((item, p) => copyItem(item, 'gather', p));
      return this.localParts.map((p) => (p === destination ? gathered : []));
    }
    if (np * np > MAX_GATHER_ALL_ITEMS) {
      throw new InvalidArgumentError(
        `gather: to 'all' on the Sequential backend every one of the ${np} parts gets a copy of all ${np} items: ` +
          `${np * np} items in this process, more than the limit of ${MAX_GATHER_ALL_ITEMS}; gather to one part, or use reduction or multicast`,
      );
    }
    return this.localParts.map(() => items.map((item, p) => copyItem(item, 'gather', p)));
  }

  scatter<T>(items: readonly (readonly T[])[], source: number): T[] {
    checkNotInPartCode('scatter');
    checkLocalItems(items, this.np, 'scatter');
    checkPartId(this.np, source, 'scatter source');
    const all = items[source];
    checkScatterSource(all, this.np, source);
    return this.localParts.map((p) => copyItem(all[p], 'scatter', source));
  }

  multicast<T>(items: readonly T[], source: number): T[] {
    checkNotInPartCode('multicast');
    checkLocalItems(items, this.np, 'multicast');
    checkPartId(this.np, source, 'multicast source');
    return this.localParts.map(() => copyItem(items[source], 'multicast', source));
  }

  allgatherFloat64(local: Float64Array, out: Float64Array): void {
    checkNotInPartCode('allgatherFloat64');
    allgatherWidth(local, out, this.np, this.np);
    out.set(local);
  }

  exchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
    rcv: readonly ArrayLike<number>[],
  ): Pending<T[][]> {
    checkNotInPartCode('exchange');
    checkLocalItems(send, this.np, 'exchange');
    checkLocalItems(snd, this.np, 'exchange send lists');
    checkLocalItems(rcv, this.np, 'exchange receive lists');
    for (let p = 0; p < this.np; p++) checkExchangeSide(this.np, send[p], snd[p], rcv[p], p);
    const source = matchNeighbours(this.np, snd, rcv);
    const received = rcv.map((from, q) =>
      Array.from(from, (p, k) => copyItem(send[p][source[q][k]], 'exchange', p)),
    );
    return new Pending(() => received);
  }

  discoverExchange<T>(send: readonly (readonly T[])[], snd: readonly ArrayLike<number>[]): Pending<[rcv: Int32Array, items: T[]][]> {
    checkNotInPartCode('exchange');
    checkLocalItems(send, this.np, 'exchange');
    checkLocalItems(snd, this.np, 'exchange send lists');
    for (let p = 0; p < this.np; p++) checkExchangeSide(this.np, send[p], snd[p], [], p);
    const rcv: number[][] = Array.from({ length: this.np }, () => []);
    const items: T[][] = Array.from({ length: this.np }, () => []);
    // Senders in ascending order, each one's items in its send order.
    for (let p = 0; p < this.np; p++) {
      for (let k = 0; k < snd[p].length; k++) {
        const q = snd[p][k];
        rcv[q].push(p);
        items[q].push(copyItem(send[p][k], 'exchange', p));
      }
    }
    const received = rcv.map((from, q): [Int32Array, T[]] => [Int32Array.from(from), items[q]]);
    return new Pending(() => received);
  }

  createChannel(plans: readonly ChannelPlan[], options?: ChannelOptions): Channel {
    checkNotInPartCode('createChannel');
    checkLocalItems(plans, this.np, 'createChannel');
    for (let p = 0; p < this.np; p++) checkChannelPlan(this.np, plans[p], p);
    return new SequentialChannel(this.np, plans, options);
  }

  /** A plain Float64Array: every part lives in this thread. */
  allocateFloat64(length: number): Float64Array {
    checkAllocationLength(length);
    return largeArrays.float64(length);
  }

  /**
   * Plain arrays, one per part: `get`/`put`/`accumulate` are copies, complete on return, and the
   * fence only checks (every part runs in this thread, in order).
   */
  createWindow(lengths: readonly number[]): Window {
    checkNotInPartCode('createWindow');
    checkWindowLengths(lengths, this.held);
    const local = lengths.map((length) => largeArrays.float64(length));
    const nothing = (): void => undefined;
    const transport = {
      get: (_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array) =>
        getRuns(local[target], starts, counts, out),
      put: (_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array) =>
        putRuns(local[target], starts, counts, values),
      accumulate: (_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array) =>
        addRuns(local[target], starts, counts, values),
      fence: nothing,
      free: nothing,
      release: nothing,
    };
    return new CheckedWindow(this.held, local, lengths, transport, this.resources);
  }

  /** One plain array that every part's entry of `arrays` refers to. */
  createSharedMemory(length: number): SharedMemory {
    checkNotInPartCode('createSharedMemory');
    checkExposedLength(length, 'createSharedMemory', undefined);
    const memory = largeArrays.float64(length);
    const nothing = (): void => undefined;
    return new CheckedSharedMemory(
      this.held,
      this.localParts.map(() => memory),
      this.localParts.map(() => this.localParts),
      { barrier: nothing, free: nothing, release: nothing },
      this.resources,
    );
  }

  barrier(): void {
    // All parts run in this process, in order: there is nothing to wait for, only misuse to catch.
    checkNotInPartCode('barrier');
  }

  wtime(): number {
    return (performance.now() - this.t0) / 1000;
  }

  /** Marks the windows and shared memories still alive as freed (their memory is then garbage). */
  dispose(): void {
    this.resources.releaseAll();
  }

}
