/**
 * The Threads backend as seen from inside one worker: this worker's single part and the
 * primitives, all moving data through shared memory (see shared-state.ts for the layout and the
 * waiting protocol, mailbox.ts for structured data, channel.ts for halos).
 *
 * @module
 */
import type { Backend, Channel, ChannelOptions, ChannelPlan, SharedMemory, Window } from '../backend.js';
import type { KernelKind } from '../../kernels/kernel-set.js';
import { allgatherWidth } from '../allgather-shape.js';
import { checkAllocationLength } from '../part-storage.js';
import { Pending } from '../pending.js';
import { checkNotInPartCode } from '../part-scope.js';
import { checkExchangeSide, checkLocalItems, checkPartId, checkScatterSource, encodeItem } from '../seam-checks.js';
import { InvalidArgumentError } from '../../errors.js';
import { describeValue } from '../../argument-checks.js';
import { openChannel } from './channel-setup.js';
import { PeerPorts } from './peer-ports.js';
import { Mailbox, type Letter } from './mailbox.js';
import { ALL_PARTS, NO_ROOT, Rendezvous } from './rendezvous.js';
import type { ThreadsBackendInit } from './messages.js';
import { Kind } from '../collectives.js';
import { SharedState } from './shared-state.js';
import { Waiter } from './waiting.js';
import { kernelKind } from '../../kernels/select-kernels.js';
import { checkExposedLength, checkWindowLengths, LiveResources } from '../window-core.js';
import { openSharedMemory, openWindow, type WindowContext } from './window.js';
import { largeArrays } from '../../kernels/large-arrays.js';

/**
 * One part of a Threads run (`localParts = [partId]`). Collectives block the worker; structured
 * items are copied with `v8.serialize`, so they must be structured data (no functions, no PData).
 * Every collective first checks that it is not called inside per-part code, then its arguments
 * with the seam checks every backend shares (same errors, word for word), before communicating.
 * Created by the worker bootstrap of {@link withThreads}; exported for tests and advanced use.
 * @group Running a program on a backend
 */
export class ThreadsBackend implements Backend {
  readonly kind = 'threads' as const;
  readonly kernels: KernelKind = kernelKind;
  readonly np: number;
  readonly localParts: readonly number[];
  private readonly me: number;
  private readonly state: SharedState;
  private readonly waiter: Waiter;
  private readonly rendezvous: Rendezvous;
  private readonly mailbox: Mailbox;
  private readonly slots: Float64Array;
  private readonly peers: PeerPorts;
  private readonly clockOffsetMs: number;
  private channelCount = 0;
  private windowCount = 0;
  private readonly resources = new LiveResources();
  private disposed = false;

  /**
   * Called by the worker bootstrap of {@link withThreads} with the shared buffers and ports it
   * set up; not a user entry point.
   * @throws InvalidArgumentError when `init` is not an object (a direct call from user code).
   * @internal
   */
  constructor(init: ThreadsBackendInit) {
    if (typeof init !== 'object' || init === null) {
      throw new InvalidArgumentError(`ThreadsBackend is built by withThreads inside each worker, not with new (got ${describeValue(init)})`);
    }
    this.np = init.np;
    this.me = init.partId;
    this.localParts = Object.freeze([init.partId]);
    this.state = new SharedState(init.buffers, init.np);
    this.waiter = new Waiter(this.state, this.me, init.spin, init.collectiveTimeoutMs);
    this.rendezvous = new Rendezvous(this.state, this.waiter, this.me);
    this.peers = new PeerPorts(init.ports);
    this.mailbox = new Mailbox(init.buffers, this.state, this.peers, this.me);
    this.slots = this.state.scalarSlots;
    this.clockOffsetMs = performance.timeOrigin - init.originMs;
  }

  gather<T>(items: readonly T[], destination: number | 'all'): T[][] {
    this.checkCollective(items, 'gather');
    if (destination !== 'all') checkPartId(this.np, destination, 'gather destination', this.me);
    const to = destination === 'all' ? ALL_PARTS : destination;
    const parity = this.rendezvous.nextParity;
    this.mailbox.post(parity, [{ to, bytes: encodeItem(items[0], 'gather', this.me) }], 'gather');
    this.rendezvous.meet(Kind.gather, to);
    if (to !== ALL_PARTS && to !== this.me) return [[]];
    const all: T[] = [];
    for (let q = 0; q < this.np; q++) all.push(this.mailbox.open(q, parity, 0) as T);
    return [all];
  }

  scatter<T>(items: readonly (readonly T[])[], source: number): T[] {
    this.checkCollective(items, 'scatter');
    checkPartId(this.np, source, 'scatter source', this.me);
    const letters: Letter[] = [];
    if (source === this.me) {
      const all = items[0];
      checkScatterSource(all, this.np, source);
      all.forEach((item, q) => letters.push({ to: q, bytes: encodeItem(item, 'scatter', this.me) }));
    }
    const parity = this.rendezvous.nextParity;
    this.mailbox.post(parity, letters, 'scatter');
    this.rendezvous.meet(Kind.scatter, source);
    return [this.mailbox.openFor(source, parity, this.me, 'scatter') as T];
  }

  multicast<T>(items: readonly T[], source: number): T[] {
    this.checkCollective(items, 'multicast');
    checkPartId(this.np, source, 'multicast source', this.me);
    const letters = source === this.me ? [{ to: ALL_PARTS, bytes: encodeItem(items[0], 'multicast', this.me) }] : [];
    const parity = this.rendezvous.nextParity;
    this.mailbox.post(parity, letters, 'multicast');
    this.rendezvous.meet(Kind.multicast, source);
    return [this.mailbox.openFor(source, parity, this.me, 'multicast') as T];
  }

  /** One float64 slot per part and parity in shared memory; allocation-free. */
  allgatherFloat64(local: Float64Array, out: Float64Array): void {
    checkNotInPartCode('allgatherFloat64');
    const w = allgatherWidth(local, out, 1, this.np, this.me);
    this.checkOpen();
    const { state, slots } = this;
    const parity = this.rendezvous.nextParity;
    const mine = state.scalarIndex(this.me, parity);
    for (let j = 0; j < w; j++) slots[mine + j] = local[j];
    this.rendezvous.meet(Kind.allgatherFloat64, NO_ROOT);
    for (let q = 0; q < this.np; q++) {
      const theirs = state.scalarIndex(q, parity);
      for (let j = 0; j < w; j++) out[q * w + j] = slots[theirs + j];
    }
  }

  /**
   * Completes before returning (every part is inside the call anyway, and the mailboxes are then
   * free for the next collective); the returned Pending is already done.
   * @throws InvalidArgumentError when the items and targets differ in length, a part id is out of
   * range, or the receive list disagrees with what the other parts sent.
   */
  exchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
    rcv: readonly ArrayLike<number>[],
  ): Pending<T[][]> {
    this.checkCollective(send, 'exchange');
    checkLocalItems(snd, 1, 'exchange', this.me);
    checkLocalItems(rcv, 1, 'exchange', this.me);
    const { me, np } = this;
    const [items, targets, sources] = [send[0], snd[0], rcv[0]];
    checkExchangeSide(np, items, targets, sources, me);
    const { parity, mine } = this.postAndMeet(items, targets);
    const expected = new Array<number>(np).fill(0);
    for (let k = 0; k < sources.length; k++) expected[sources[k]]++;
    for (let p = 0; p < np; p++) {
      if (mine[p].length !== expected[p]) {
        throw new InvalidArgumentError(
          `inconsistent exchange graph: part ${me} expects ${expected[p]} item(s) from part ${p}, which sends it ${mine[p].length}`,
          { partId: me },
        );
      }
    }
    const received = Array.from(sources, (p) => this.mailbox.open(p, parity, mine[p].shift() as number) as T);
    return Pending.done([received]);
  }

  /** One rendezvous, as {@link ThreadsBackend.exchange}: the senders are the parts whose letters name this one. */
  discoverExchange<T>(send: readonly (readonly T[])[], snd: readonly ArrayLike<number>[]): Pending<[rcv: Int32Array, items: T[]][]> {
    this.checkCollective(send, 'exchange');
    checkLocalItems(snd, 1, 'exchange', this.me);
    checkExchangeSide(this.np, send[0], snd[0], [], this.me);
    const { parity, mine } = this.postAndMeet(send[0], snd[0]);
    const rcv: number[] = [];
    const items: T[] = [];
    for (let p = 0; p < this.np; p++) {
      for (const i of mine[p]) {
        rcv.push(p);
        items.push(this.mailbox.open(p, parity, i) as T);
      }
    }
    return Pending.done([[Int32Array.from(rcv), items]]);
  }

  /**
   * Posts item `k` to part `targets[k]` and meets the other parts; returns the parity of the
   * mailboxes used and, per part, the indices of its letters to this part.
   */
  private postAndMeet(items: readonly unknown[], targets: ArrayLike<number>): { parity: number; mine: number[][] } {
    const { me, np } = this;
    const letters = Array.from(targets, (q, k) => ({ to: q, bytes: encodeItem(items[k], 'exchange', me) }));
    const parity = this.rendezvous.nextParity;
    this.mailbox.post(parity, letters, 'exchange');
    this.rendezvous.meet(Kind.exchange, NO_ROOT);
    const mine: number[][] = Array.from({ length: np }, () => []);
    for (let p = 0; p < np; p++) {
      for (let i = 0; i < this.mailbox.count(p, parity); i++) {
        if (this.mailbox.recipient(p, parity, i) === me) mine[p].push(i);
      }
    }
    return { parity, mine };
  }

  /**
   * Every part posts its inbox to its senders, then all meet once. A `recv` array (shared memory)
   * becomes this part's receive buffer: senders then write straight into it.
   */
  createChannel(plans: readonly ChannelPlan[], options?: ChannelOptions): Channel {
    this.checkCollective(plans, 'createChannel');
    const { me, state, waiter, rendezvous, peers } = this;
    return openChannel(plans[0], ++this.channelCount, { me, state, waiter, rendezvous, peers }, options);
  }

  /** Backed by its own SharedArrayBuffer, so a channel of another thread can write into it. */
  allocateFloat64(length: number): Float64Array {
    checkAllocationLength(length, this.me);
    return largeArrays.float64(length, true);
  }

  /** Every part's memory is a SharedArrayBuffer all parts hold: see window.ts. */
  createWindow(lengths: readonly number[]): Window {
    checkNotInPartCode('createWindow');
    this.checkOpen();
    checkWindowLengths(lengths, { np: this.np, localParts: this.localParts, self: this.me });
    return openWindow(lengths[0], ++this.windowCount, this.windowContext());
  }

  /**
   * One SharedArrayBuffer, made by part 0, for every part. The lengths are compared first (one
   * rendezvous), so that parts passing different lengths all throw.
   */
  createSharedMemory(length: number): SharedMemory {
    checkNotInPartCode('createSharedMemory');
    this.checkOpen();
    checkExposedLength(length, 'createSharedMemory', this.me);
    const { state, slots } = this;
    const parity = this.rendezvous.nextParity;
    slots[state.scalarIndex(this.me, parity)] = length;
    this.rendezvous.meet(Kind.createSharedMemory, NO_ROOT);
    for (let q = 0; q < this.np; q++) {
      const theirs = slots[state.scalarIndex(q, parity)];
      if (theirs !== length) {
        throw new InvalidArgumentError(
          `createSharedMemory: the parts disagree on the length: ${length} here, ${theirs} on part ${q}`,
          { partId: this.me },
        );
      }
    }
    return openSharedMemory(length, ++this.windowCount, this.windowContext());
  }

  barrier(): void {
    checkNotInPartCode('barrier');
    this.checkOpen();
    this.rendezvous.meet(Kind.barrier, NO_ROOT);
  }

  /** Seconds since the run started, on the same clock in every worker of the run. */
  wtime(): number {
    return (this.clockOffsetMs + performance.now()) / 1000;
  }

  /**
   * Drops the windows and shared memories still alive, and closes the ports to the other workers;
   * the shared memory goes when the last thread drops it.
   */
  dispose(): void {
    this.disposed = true;
    this.resources.releaseAll();
    this.peers.close();
  }

  private windowContext(): WindowContext {
    const { me, state, rendezvous, peers, resources } = this;
    return { me, state, rendezvous, peers, resources };
  }

  /** The checks every collective with one item per local part starts with, in this order. */
  private checkCollective(items: unknown, collective: string): void {
    checkNotInPartCode(collective);
    this.checkOpen();
    checkLocalItems(items, 1, collective, this.me);
  }

  private checkOpen(): void {
    if (this.disposed) {
      throw new InvalidArgumentError('the Threads backend was disposed (main returned)', { partId: this.me });
    }
  }
}
