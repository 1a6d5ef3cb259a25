/**
 * The MPI backend: one part per MPI process (part id = rank), over the addon described by
 * {@link MpiBinding}. Every collective starts with the header collective (see header.ts), which
 * turns a disagreement between the ranks (another collective, another root, a rank that returned
 * from `main`) into a typed error on every rank before any data moves. Structured items are
 * laid out in message buffers by item-codec.ts (plain typed arrays raw, anything else
 * serialized with `encodeItem`) and moved as bytes whose counts travel in the headers (Gatherv,
 * Allgatherv, Bcast), or in a collective of their own (Scatterv; Alltoallv for exchanges, which
 * also checks the exchange graph). `allgatherFloat64` carries its values in the header itself, and
 * channels move float64 values directly. Every wait has the deadline of `PA_COLLECTIVE_TIMEOUT_MS`
 * (see timeout.ts), after which it throws {@link CollectiveTimeoutError}.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import { describeValue } from '../../argument-checks.js';
import type { Backend, Channel, ChannelOptions, ChannelPlan, SharedMemory, Window } from '../backend.js';
import type { KernelKind } from '../../kernels/kernel-set.js';
import { allgatherWidth } from '../allgather-shape.js';
import { channelRecvArrays, checkAllocationLength } from '../part-storage.js';
import { checkNotInPartCode } from '../part-scope.js';
import { Pending } from '../pending.js';
import {
  checkChannelPlan,
  checkExchangeSide,
  checkLocalItems,
  checkPartId,
  checkScatterSource,
} from '../seam-checks.js';
import { measureItems, readItem, writeItems, type MeasuredItems } from './item-codec.js';
import type { MpiBinding, MpiExchange } from './binding.js';
import { checkPlansAgree, incomingMessages } from './graph-check.js';
import { collectiveTimeoutMs, Kind, type KindCode } from '../collectives.js';
import { ALL_PARTS, checkHeaders, HEADER_WORDS, NO_ROOT, ROOT, SIZE, VALUES, KIND } from './header.js';
import { kernelKind } from '../../kernels/select-kernels.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { checkExposedLength, checkWindowLengths, LiveResources } from '../window-core.js';
import { openMpiSharedMemory, openMpiWindow, windowFunction, type MpiWindowContext } from './window.js';

/** Tag of the data of a structured exchange; channels take tags from FIRST_CHANNEL_TAG. */
const EXCHANGE_DATA_TAG = 2;
const FIRST_CHANNEL_TAG = 16;
/** The largest tag MPI guarantees (`MPI_TAG_UB` is at least this). */
const LAST_TAG = 32767;
const MAX_MESSAGE_BYTES = 2147483647;

/**
 * Checks a byte total that every rank knows (from the headers), so that all ranks throw together.
 * @throws InvalidArgumentError when it does not fit one MPI message.
 */
function checkTotal(bytes: number, what: string, partId: number): void {
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new InvalidArgumentError(`${what}: more than 2^31-1 bytes of serialized data in one collective`, { partId });
  }
}

/** Exclusive prefix sums of `counts` (the displacements) and their total. */
function displacements(counts: Int32Array): { displs: Int32Array; total: number } {
  const displs = new Int32Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    displs[i] = total;
    total += counts[i];
  }
  return { displs, total };
}

function decodeEach(bytes: Uint8Array, counts: Int32Array, displs: Int32Array): unknown[] {
  return Array.from(counts, (count, i) => readItem(bytes, displs[i], displs[i] + count));
}

/** CSR offsets of segments of the given lengths. */
function ptrsOf(lengths: ArrayLike<number>): Int32Array {
  const ptrs = new Int32Array(lengths.length + 1);
  for (let k = 0; k < lengths.length; k++) ptrs[k + 1] = ptrs[k] + lengths[k];
  return ptrs;
}

class MpiChannel implements Channel {
  readonly send: readonly Float64Array[];
  readonly recv: readonly Float64Array[];
  private readonly exchange: MpiExchange;

  constructor(send: Float64Array, recv: Float64Array, exchange: MpiExchange) {
    this.send = Object.freeze([send]);
    this.recv = Object.freeze([recv]);
    this.exchange = exchange;
  }

  start(): void {
    this.exchange.start();
  }

  wait(): void {
    this.exchange.wait();
  }
}

/**
 * Options of {@link MpiBackend}.
 * @group Running a program on a backend
 */
export interface MpiBackendOptions {
  /**
   * How long any wait (a collective, a channel round) lasts before it throws
   * {@link CollectiveTimeoutError}, in ms. Default: the environment variable
   * `PA_COLLECTIVE_TIMEOUT_MS`, else 60000 (as on Threads).
   */
  collectiveTimeoutMs?: number;
}

/**
 * Backend holding this MPI process's one part (`localParts = [rank]`, `np` = number of ranks).
 * Created by {@link withMpi} from an initialized binding; exported for tests (with a fake binding)
 * and advanced use. Owns the MPI session: `dispose()` finalizes MPI.
 *
 * Arguments are checked before any communication and throw {@link InvalidArgumentError} (the
 * seam's checks, with the part id, as on every backend). Ranks that disagree on a collective or
 * its root throw at its first step on every rank: {@link CollectiveTimeoutError} naming the parts
 * in another collective (or returned from `main`), {@link InvalidArgumentError} for another root.
 * A wait that passes the collective timeout throws {@link CollectiveTimeoutError} naming the
 * missing parts; the ranks are then out of step and the job must end (withMpi aborts it). MPI
 * failures surface as {@link MpiError}.
 *
 * @example
 * ```ts
 * const binding = loadMpiBinding();
 * binding.init('funneled');
 * const backend = new MpiBackend(binding, { collectiveTimeoutMs: 5000 });
 * const ranks = new PData(backend, [...backend.localParts]);
 * ```
 * @group Running a program on a backend
 */
export class MpiBackend implements Backend {
  readonly kind = 'mpi' as const;
  readonly kernels: KernelKind = kernelKind;
  readonly np: number;
  readonly localParts: readonly number[];
  /** This process's rank, which is also its part id. */
  readonly rank: number;
  private readonly binding: MpiBinding;
  /** This rank's header and every rank's, reused by every collective (no allocation). */
  private readonly header = new Float64Array(HEADER_WORDS);
  private readonly headers: Float64Array;
  private nextTag = FIRST_CHANNEL_TAG;
  /** Every rank's size word of the last {@link MpiBackend.meetSizes}. */
  private readonly sizes: Float64Array;
  private readonly resources = new LiveResources();
  /** Channel plans (by object) that every rank has checked in a createChannel. */
  private readonly checkedPlans = new WeakSet<ChannelPlan>();
  /**
   * The send buffer of the last finished collective, kept for the next one: the bytes a rank sends
   * are written into memory already mapped (no page faults), and only what it receives is new.
   */
  private spare: Uint8Array | undefined;

  /**
   * @throws InvalidArgumentError when `binding` is not an MPI binding (see `loadMpiBinding`) or
   * not initialized (or already finalized), or the collective timeout is not a positive number
   * of milliseconds.
   */
  constructor(binding: MpiBinding, options: MpiBackendOptions = {}) {
    if (typeof (binding as Partial<MpiBinding> | null)?.isInitialized !== 'function') {
      throw new InvalidArgumentError(`MpiBackend: binding must be the MPI addon's binding (loadMpiBinding()), got ${describeValue(binding)}`);
    }
    if (!binding.isInitialized()) {
      throw new InvalidArgumentError('MpiBackend needs an initialized MPI binding (call init() first, and not after finalize())');
    }
    binding.setCollectiveTimeout(collectiveTimeoutMs(options.collectiveTimeoutMs));
    this.binding = binding;
    this.rank = binding.rank();
    this.np = binding.size();
    this.localParts = Object.freeze([this.rank]);
    this.headers = new Float64Array(HEADER_WORDS * this.np);
    this.sizes = new Float64Array(this.np);
  }

  gather<T>(items: readonly T[], destination: number | 'all'): T[][] {
    checkNotInPartCode('gather');
    const { rank, np, binding } = this;
    checkLocalItems(items, 1, 'gather', rank);
    if (destination !== 'all') checkPartId(np, destination, 'gather destination', rank);
    const measured = measureItems(items, 'gather', rank);
    const to = destination === 'all' ? ALL_PARTS : destination;
    const headers = this.meet(Kind.gather, to, measured.lengths[0]);
    const counts = Int32Array.from({ length: np }, (_, q) => headers[q * HEADER_WORDS + SIZE]);
    const { displs, total } = displacements(counts);
    checkTotal(total, 'gather', rank);
    const bytes = this.written(measured);
    if (to !== ALL_PARTS && to !== rank) {
      binding.gatherv(bytes, null, null, null, to);
      this.release(bytes);
      return [[]];
    }
    const all = new Uint8Array(total);
    if (to === ALL_PARTS) binding.allgatherv(bytes, all, counts, displs);
    else binding.gatherv(bytes, all, counts, displs, to);
    this.release(bytes);
    return [decodeEach(all, counts, displs) as T[]];
  }

  scatter<T>(items: readonly (readonly T[])[], source: number): T[] {
    checkNotInPartCode('scatter');
    const { rank, np, binding } = this;
    checkLocalItems(items, 1, 'scatter', rank);
    checkPartId(np, source, 'scatter source', rank);
    let measured: MeasuredItems | undefined;
    if (rank === source) {
      const all = items[0];
      checkScatterSource(all, np, source);
      measured = measureItems(all, 'scatter', rank);
    }
    const counts = measured?.lengths ?? new Int32Array(0);
    const { displs, total } = displacements(counts);
    const headers = this.meet(Kind.scatter, source, total);
    checkTotal(headers[source * HEADER_WORDS + SIZE], 'scatter', rank);
    const size = new Int32Array(1);
    if (rank !== source) {
      binding.scatter(null, size, source);
      const mine = new Uint8Array(size[0]);
      binding.scatterv(null, null, null, mine, source);
      return [readItem(mine, 0, mine.length) as T];
    }
    binding.scatter(counts, size, source);
    const mine = new Uint8Array(size[0]);
    const bytes = this.written(measured as MeasuredItems, displs, total);
    binding.scatterv(bytes, counts, displs, mine, source);
    this.release(bytes);
    return [readItem(mine, 0, mine.length) as T];
  }

  multicast<T>(items: readonly T[], source: number): T[] {
    checkNotInPartCode('multicast');
    const { rank, np } = this;
    checkLocalItems(items, 1, 'multicast', rank);
    checkPartId(np, source, 'multicast source', rank);
    const own = rank === source ? measureItems(items, 'multicast', rank) : undefined;
    const headers = this.meet(Kind.multicast, source, own?.lengths[0] ?? 0);
    const size = headers[source * HEADER_WORDS + SIZE];
    checkTotal(size, 'multicast', rank);
    // The source's own result is read from these bytes too: a fresh buffer, never the spare.
    const bytes = new Uint8Array(size);
    if (own !== undefined) writeItems(own, bytes, [0]);
    this.binding.bcast(bytes, source);
    return [readItem(bytes, 0, size) as T];
  }

  /** One collective: the values travel in the header (allocation-free). */
  allgatherFloat64(local: Float64Array, out: Float64Array): void {
    checkNotInPartCode('allgatherFloat64');
    const { np, header, headers } = this;
    const w = allgatherWidth(local, out, 1, np, this.rank);
    header[KIND] = Kind.allgatherFloat64;
    header[ROOT] = NO_ROOT;
    header[SIZE] = w;
    for (let j = 0; j < w; j++) header[VALUES + j] = local[j];
    this.binding.meet(header, headers);
    checkHeaders(headers, np, this.rank, Kind.allgatherFloat64, NO_ROOT, w);
    for (let q = 0; q < np; q++) {
      const from = q * HEADER_WORDS + VALUES;
      for (let j = 0; j < w; j++) out[q * w + j] = headers[from + j];
    }
  }

  /**
   * Checks the graph collectively (so a misrouted graph throws on every rank, naming the parts)
   * and learns the receive sizes on the way; the returned Pending completes the data transfer.
   * On one rank an empty graph (nothing sent, nothing expected) is done at once, with no MPI call.
   */
  exchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
    rcv: readonly ArrayLike<number>[],
  ): Pending<T[][]> {
    checkNotInPartCode('exchange');
    const { rank, np, binding } = this;
    checkLocalItems(send, 1, 'exchange', rank);
    checkLocalItems(snd, 1, 'exchange', rank);
    checkLocalItems(rcv, 1, 'exchange', rank);
    const items = send[0];
    checkExchangeSide(np, items, snd[0], rcv[0], rank);
    if (np === 1 && snd[0].length === 0 && rcv[0].length === 0) return Pending.done([[]]);
    const sources = Int32Array.from(rcv[0]);
    return this.startExchange(items, snd[0], (targets, sendCounts) => ({
      sources,
      lengths: checkPlansAgree(binding, rank, np, 'exchange graph', targets, sources, sendCounts),
    })).map(({ received }) => [received]);
  }

  /**
   * As {@link MpiBackend.exchange}, with the receive list learned from the counts and lengths
   * every rank sends (two collectives after the header, the ones that size an exchange's receives
   * anyway) instead of checked against a given one.
   */
  discoverExchange<T>(send: readonly (readonly T[])[], snd: readonly ArrayLike<number>[]): Pending<[rcv: Int32Array, items: T[]][]> {
    checkNotInPartCode('exchange');
    const { rank, np, binding } = this;
    checkLocalItems(send, 1, 'exchange', rank);
    checkLocalItems(snd, 1, 'exchange', rank);
    const items = send[0];
    checkExchangeSide(np, items, snd[0], [], rank);
    // Alone, a rank that sends nothing receives nothing: no collective to learn it (a psparse or
    // a ghost plan on one rank sends nothing).
    if (np === 1 && snd[0].length === 0) return Pending.done([[new Int32Array(0), []]]);
    return this.startExchange(items, snd[0], (targets, sendCounts) => incomingMessages(binding, np, targets, sendCounts))
      .map(({ sources, received }) => [[sources, received]]);
  }

  /**
   * What exchange and discoverExchange share: encodes the items, meets the other ranks (the
   * header carries this rank's byte total), learns where messages come from and their lengths
   * through `receives` (collective), and starts the transfer. The Pending resolves to the senders
   * and the items received from them, aligned.
   */
  private startExchange<T>(
    items: readonly T[],
    snd: ArrayLike<number>,
    receives: (targets: Int32Array, sendCounts: Int32Array) => { sources: Int32Array; lengths: Int32Array },
  ): Pending<{ sources: Int32Array; received: T[] }> {
    const { rank, np, binding } = this;
    const targets = Int32Array.from(snd);
    const measured = measureItems(items, 'exchange', rank);
    const sendCounts = measured.lengths;
    const sndPtrs = ptrsOf(sendCounts);
    const headers = this.meet(Kind.exchange, NO_ROOT, sndPtrs[targets.length]);
    for (let q = 0; q < np; q++) checkTotal(headers[q * HEADER_WORDS + SIZE], 'exchange', rank);
    const { sources, lengths } = receives(targets, sendCounts);
    const rcvPtrs = ptrsOf(lengths);
    const sendBytes = this.written(measured, sndPtrs, sndPtrs[targets.length]);
    const recvBytes = new Uint8Array(rcvPtrs[sources.length]);
    const data = binding.createExchange(targets, sndPtrs, sendBytes, sources, rcvPtrs, recvBytes, EXCHANGE_DATA_TAG, Kind.exchange);
    data.start();
    return new Pending(() => {
      data.wait();
      this.release(sendBytes);
      return { sources, received: Array.from(sources, (_, k) => readItem(recvBytes, rcvPtrs[k], rcvPtrs[k + 1]) as T) };
    });
  }

  /**
   * A `recv` array is where `MPI_Irecv` writes: no receive buffer, no copy. Plans agreed by
   * construction (`options.agreed`) are not compared: no collective at all.
   */
  createChannel(plans: readonly ChannelPlan[], options?: ChannelOptions): Channel {
    checkNotInPartCode('createChannel');
    const { rank, np } = this;
    checkLocalItems(plans, 1, 'createChannel', rank);
    checkChannelPlan(np, plans[0], rank);
    const { snd, sndPtrs, rcv, rcvPtrs } = plans[0];
    const [given] = channelRecvArrays(plans, options, this.localParts, false);
    // A plan every rank has already checked in an earlier createChannel (a range's ghost plan,
    // opened again for each vector on the range) is not checked again: the header collective
    // tells whether all ranks know theirs, and only then are the three collectives skipped.
    const known = this.checkedPlans.has(plans[0]);
    if (options?.agreed !== true && !this.meetSizes(Kind.createChannel, known ? 1 : 0).every((size) => size === 1)) {
      const sendLengths = Array.from(snd, (_, k) => sndPtrs[k + 1] - sndPtrs[k]);
      const recvLengths = Array.from(rcv, (_, k) => rcvPtrs[k + 1] - rcvPtrs[k]);
      checkPlansAgree(this.binding, rank, np, 'channel plan', snd, rcv, sendLengths, recvLengths);
      this.checkedPlans.add(plans[0]);
    }
    const send = new Float64Array(sndPtrs[snd.length]);
    const recv = given ?? new Float64Array(rcvPtrs[rcv.length]);
    const tag = this.nextTag;
    this.nextTag = tag === LAST_TAG ? FIRST_CHANNEL_TAG : tag + 1;
    return new MpiChannel(send, recv, this.binding.createExchange(snd, sndPtrs, send, rcv, rcvPtrs, recv, tag, Kind.channelWait));
  }

  /** A plain Float64Array: MPI reads and writes it in place. */
  allocateFloat64(length: number): Float64Array {
    checkAllocationLength(length, this.rank);
    return largeArrays.float64(length);
  }

  /**
   * An MPI-3 window (`MPI_Win_allocate`, passive target): see window.ts.
   * @throws BackendUnavailableError when the loaded build of the addon predates windows.
   */
  createWindow(lengths: readonly number[]): Window {
    checkNotInPartCode('createWindow');
    checkWindowLengths(lengths, { np: this.np, localParts: this.localParts, self: this.rank });
    const create = windowFunction(this.binding, 'createWindow');
    return openMpiWindow(create, lengths[0], this.windowContext());
  }

  /**
   * Shared by the ranks of each node (`MPI_Win_allocate_shared`): see window.ts. The lengths are
   * compared in the header collective first, so that ranks passing different lengths all throw.
   * @throws BackendUnavailableError when the loaded build of the addon predates shared memory.
   */
  createSharedMemory(length: number): SharedMemory {
    checkNotInPartCode('createSharedMemory');
    const { rank, np } = this;
    checkExposedLength(length, 'createSharedMemory', rank);
    const create = windowFunction(this.binding, 'createSharedMemory');
    const sizes = this.meetSizes(Kind.createSharedMemory, length);
    for (let q = 0; q < np; q++) {
      if (sizes[q] !== length) {
        throw new InvalidArgumentError(`createSharedMemory: the parts disagree on the length: ${length} here, ${sizes[q]} on part ${q}`, {
          partId: rank,
        });
      }
    }
    return openMpiSharedMemory(create, length, this.windowContext());
  }

  /** The header collective alone: no rank leaves it before every rank entered it. */
  barrier(): void {
    checkNotInPartCode('barrier');
    this.meet(Kind.barrier, NO_ROOT, 0);
  }

  wtime(): number {
    return this.binding.wtime();
  }

  /**
   * Meets the other ranks in a last header collective, frees the windows and shared memories still
   * alive (oldest first, as on every rank), then finalizes MPI (once; later calls do nothing). No backend method may be called afterwards. Ranks still waiting in a collective learn
   * there that this part returned from `main`.
   * @throws CollectiveTimeoutError (MPI stays initialized) when other parts wait in a collective,
   * or do not arrive within the collective timeout; MpiError after an earlier timeout.
   */
  dispose(): void {
    if (!this.binding.isInitialized()) return;
    this.meet(Kind.finalize, NO_ROOT, 0);
    this.resources.releaseAll();
    this.binding.finalize();
  }

  private windowContext(): MpiWindowContext {
    return { rank: this.rank, np: this.np, resources: this.resources, meet: (kind, size) => this.meetSizes(kind, size) };
  }

  /** The header collective of `kind` without a root; returns every rank's size word. */
  private meetSizes(kind: KindCode, size: number): Float64Array {
    const headers = this.meet(kind, NO_ROOT, size);
    const { sizes } = this;
    for (let q = 0; q < this.np; q++) sizes[q] = headers[q * HEADER_WORDS + SIZE];
    return sizes;
  }

  /**
   * A send buffer holding `measured`'s items at `ptrs` (`total` bytes): the spare one when it is
   * large enough (taken until {@link MpiBackend.release}), else a new one.
   */
  private written(measured: MeasuredItems, ptrs: ArrayLike<number> = [0], total = measured.lengths[0]): Uint8Array {
    const spare = this.spare;
    let bytes: Uint8Array;
    if (spare !== undefined && spare.length >= total) {
      this.spare = undefined;
      bytes = spare.subarray(0, total);
    } else {
      bytes = new Uint8Array(total);
    }
    writeItems(measured, bytes, ptrs);
    return bytes;
  }

  /** Keeps the buffer of `bytes` (sent and no longer read by MPI) as the spare, if larger. */
  private release(bytes: Uint8Array): void {
    if (this.spare === undefined || bytes.buffer.byteLength > this.spare.length) {
      this.spare = new Uint8Array(bytes.buffer, 0, bytes.buffer.byteLength);
    }
  }

  /** Enters the header collective of `kind` and checks that every rank is in the same one. */
  private meet(kind: KindCode, root: number, size: number): Float64Array {
    const { header, headers } = this;
    header[KIND] = kind;
    header[ROOT] = root;
    header[SIZE] = size;
    this.binding.meet(header, headers);
    checkHeaders(headers, this.np, this.rank, kind, root, size);
    return headers;
  }
}
