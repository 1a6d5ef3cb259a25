/**
 * The Sequential backend: every part lives in this process, for debugging in a REPL. It is as
 * strict as MPI: items that cross parts are deep copies, and exchange graphs and channel plans are
 * checked for consistency (where MPI would hang, this throws).
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import type { Backend, Channel, ChannelOptions, ChannelPlan } from './backend.js';
import type { KernelKind } from '../kernels/kernel-set.js';
import { allgatherWidth } from './allgather-shape.js';
import { channelRecvArrays, checkAllocationLength } from './part-storage.js';
import { Pending } from './pending.js';
import { kernelKind } from '../kernels/select-kernels.js';
import { largeArrays } from '../kernels/large-arrays.js';

function copyItem<T>(item: T): T {
  return typeof item === 'object' && item !== null ? structuredClone(item) : item;
}

function checkPart(np: number, part: number, what: string): void {
  if (!Number.isInteger(part) || part < 0 || part >= np) {
    throw new InvalidArgumentError(`${what} must be a part id in 0..${np - 1}, got ${String(part)}`);
  }
}

/** Where part q's k-th receive segment comes from: (sending part, index in its snd list). */
function matchNeighbours(
  np: number,
  snd: readonly (ArrayLike<number>)[],
  rcv: readonly (ArrayLike<number>)[],
): Int32Array[] {
  const pending = new Map<string, number[]>();
  for (let p = 0; p < np; p++) {
    for (let k = 0; k < snd[p].length; k++) {
      const q = snd[p][k];
      checkPart(np, q, `part ${p} send target`);
      const key = `${p}->${q}`;
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
      checkPart(np, p, `part ${q} receive source`);
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
 */
export class SequentialBackend implements Backend {
  readonly kind = 'sequential' as const;
  readonly kernels: KernelKind = kernelKind;
  readonly np: number;
  readonly localParts: readonly number[];
  private readonly t0 = performance.now();

  /** @throws InvalidArgumentError when `np` is not an integer ≥ 1. */
  constructor(np: number) {
    if (!Number.isInteger(np) || np < 1) {
      throw new InvalidArgumentError(`np must be an integer >= 1, got ${String(np)}`);
    }
    this.np = np;
    this.localParts = Object.freeze(Array.from({ length: np }, (_, p) => p));
  }

  gather<T>(items: readonly T[], destination: number | 'all'): T[][] {
    this.checkItems(items);
    if (destination !== 'all') checkPart(this.np, destination, 'gather destination');
    return this.localParts.map((p) =>
      destination === 'all' || destination === p ? items.map(copyItem) : [],
    );
  }

  scatter<T>(items: readonly (readonly T[])[], source: number): T[] {
    this.checkItems(items);
    checkPart(this.np, source, 'scatter source');
    const all = items[source];
    if (!Array.isArray(all) || all.length !== this.np) {
      throw new InvalidArgumentError(
        `scatter: the source part must hold ${this.np} items (one per part), got ${Array.isArray(all) ? all.length : typeof all}`,
        { partId: source },
      );
    }
    return this.localParts.map((p) => copyItem(all[p]));
  }

  multicast<T>(items: readonly T[], source: number): T[] {
    this.checkItems(items);
    checkPart(this.np, source, 'multicast source');
    return this.localParts.map(() => copyItem(items[source]));
  }

  allgatherFloat64(local: Float64Array, out: Float64Array): void {
    allgatherWidth(local, out, this.np, this.np);
    out.set(local);
  }

  exchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
    rcv: readonly ArrayLike<number>[],
  ): Pending<T[][]> {
    this.checkItems(send);
    for (let p = 0; p < this.np; p++) {
      if (send[p].length !== snd[p].length) {
        throw new InvalidArgumentError(
          `exchange: ${send[p].length} items to send but ${snd[p].length} send targets`,
          { partId: p },
        );
      }
    }
    const source = matchNeighbours(this.np, snd, rcv);
    const received = rcv.map((from, q) =>
      Array.from(from, (p, k) => copyItem(send[p][source[q][k]])),
    );
    return new Pending(() => received);
  }

  createChannel(plans: readonly ChannelPlan[], options?: ChannelOptions): Channel {
    this.checkItems(plans);
    return new SequentialChannel(this.np, plans, options);
  }

  /** A plain Float64Array: every part lives in this thread. */
  allocateFloat64(length: number): Float64Array {
    checkAllocationLength(length);
    return largeArrays.float64(length);
  }

  barrier(): void {
    // All parts run in this process, in order: there is nothing to wait for.
  }

  wtime(): number {
    return (performance.now() - this.t0) / 1000;
  }

  dispose(): void {
    // Holds no resources beyond memory.
  }

  private checkItems(items: readonly unknown[]): void {
    if (items.length !== this.np) {
      throw new InvalidArgumentError(`expected one item per part (${this.np}), got ${items.length}`);
    }
  }
}
