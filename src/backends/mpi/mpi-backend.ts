/**
 * The MPI backend: one part per MPI process (part id = rank), over the addon described by
 * {@link MpiBinding}. Structured items are serialized with `v8.serialize` and moved as bytes:
 * counts first, then one flat buffer with displacements (Gatherv, Allgatherv, Scatterv, Bcast,
 * Isend/Irecv). Scalar reductions and channels move float64 values directly.
 *
 * @module
 */
import { deserialize, serialize } from 'node:v8';
import { InvalidArgumentError } from '../../errors.js';
import type { Backend, Channel, ChannelOptions, ChannelPlan } from '../backend.js';
import type { KernelKind } from '../../kernels/kernel-set.js';
import { allgatherWidth } from '../allgather-shape.js';
import { channelRecvArrays, checkAllocationLength } from '../part-storage.js';
import { Pending } from '../pending.js';
import type { MpiBinding, MpiBuffer, MpiExchange } from './binding.js';
import { checkPlansAgree } from './graph-check.js';
import { kernelKind } from '../../kernels/select-kernels.js';
import { largeArrays } from '../../kernels/large-arrays.js';

/** Tags of the two phases of a structured exchange; channels take tags from FIRST_CHANNEL_TAG. */
const EXCHANGE_COUNTS_TAG = 1;
const EXCHANGE_DATA_TAG = 2;
const FIRST_CHANNEL_TAG = 16;
/** The largest tag MPI guarantees (`MPI_TAG_UB` is at least this). */
const LAST_TAG = 32767;
const MAX_MESSAGE_BYTES = 2147483647;

function checkPart(np: number, part: number, what: string, partId?: number): void {
  if (!Number.isInteger(part) || part < 0 || part >= np) {
    throw new InvalidArgumentError(`${what} must be a part id in 0..${np - 1}, got ${String(part)}`, { partId });
  }
}

/** Exclusive prefix sums of `counts` (the displacements), checked to fit an MPI count. */
function displacements(counts: Int32Array, what: string): { displs: Int32Array; total: number } {
  const displs = new Int32Array(counts.length);
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    displs[i] = total;
    total += counts[i];
    if (total > MAX_MESSAGE_BYTES) {
      throw new InvalidArgumentError(`${what}: more than 2^31-1 bytes of serialized data in one collective`);
    }
  }
  return { displs, total };
}

function concat(parts: readonly Uint8Array[], displs: ArrayLike<number>, total: number): Uint8Array {
  const out = new Uint8Array(total);
  parts.forEach((bytes, i) => out.set(bytes, displs[i]));
  return out;
}

function decodeEach(bytes: Uint8Array, counts: Int32Array, displs: Int32Array): unknown[] {
  return Array.from(counts, (count, i) => deserialize(bytes.subarray(displs[i], displs[i] + count)));
}

/** CSR offsets of one-element segments: `0, 1, ..., n`. */
function unitPtrs(n: number): Int32Array {
  return Int32Array.from({ length: n + 1 }, (_, i) => i);
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
 * Backend holding this MPI process's one part (`localParts = [rank]`, `np` = number of ranks).
 * Created by {@link withMpi} from an initialized binding; exported for tests (with a fake binding)
 * and advanced use. Owns the MPI session: `dispose()` finalizes MPI.
 *
 * Arguments are checked before any communication and throw {@link InvalidArgumentError}; MPI
 * failures surface as {@link MpiError}.
 *
 * @example
 * ```ts
 * const binding = loadMpiBinding();
 * binding.init('funneled');
 * const backend = new MpiBackend(binding);
 * const ranks = new PData(backend, [...backend.localParts]);
 * ```
 */
export class MpiBackend implements Backend {
  readonly kind = 'mpi' as const;
  readonly kernels: KernelKind = kernelKind;
  readonly np: number;
  readonly localParts: readonly number[];
  /** This process's rank, which is also its part id. */
  readonly rank: number;
  private readonly binding: MpiBinding;
  private nextTag = FIRST_CHANNEL_TAG;

  /** @throws InvalidArgumentError when `binding` is not initialized (or already finalized). */
  constructor(binding: MpiBinding) {
    if (!binding.isInitialized()) {
      throw new InvalidArgumentError('MpiBackend needs an initialized MPI binding (call init() first, and not after finalize())');
    }
    this.binding = binding;
    this.rank = binding.rank();
    this.np = binding.size();
    this.localParts = Object.freeze([this.rank]);
  }

  gather<T>(items: readonly T[], destination: number | 'all'): T[][] {
    this.checkItems(items);
    if (destination !== 'all') checkPart(this.np, destination, 'gather destination');
    const bytes = serialize(items[0]);
    const size = Int32Array.of(bytes.length);
    if (destination === 'all') {
      const counts = new Int32Array(this.np);
      this.binding.allgather(size, counts);
      const { displs, total } = displacements(counts, 'gather');
      const all = new Uint8Array(total);
      this.binding.allgatherv(bytes, all, counts, displs);
      return [decodeEach(all, counts, displs) as T[]];
    }
    if (this.rank !== destination) {
      this.binding.gather(size, null, destination);
      this.binding.gatherv(bytes, null, null, null, destination);
      return [[]];
    }
    const counts = new Int32Array(this.np);
    this.binding.gather(size, counts, destination);
    const { displs, total } = displacements(counts, 'gather');
    const all = new Uint8Array(total);
    this.binding.gatherv(bytes, all, counts, displs, destination);
    return [decodeEach(all, counts, displs) as T[]];
  }

  scatter<T>(items: readonly (readonly T[])[], source: number): T[] {
    this.checkItems(items);
    checkPart(this.np, source, 'scatter source');
    const size = new Int32Array(1);
    if (this.rank !== source) {
      this.binding.scatter(null, size, source);
      const mine = new Uint8Array(size[0]);
      this.binding.scatterv(null, null, null, mine, source);
      return [deserialize(mine) as T];
    }
    const all = items[0];
    if (!Array.isArray(all) || all.length !== this.np) {
      throw new InvalidArgumentError(
        `scatter: the source part must hold ${this.np} items (one per part), got ${Array.isArray(all) ? all.length : typeof all}`,
        { partId: source },
      );
    }
    const encoded = all.map((item) => serialize(item));
    const counts = Int32Array.from(encoded, (bytes) => bytes.length);
    const { displs, total } = displacements(counts, 'scatter');
    this.binding.scatter(counts, size, source);
    const mine = new Uint8Array(size[0]);
    this.binding.scatterv(concat(encoded, displs, total), counts, displs, mine, source);
    return [deserialize(mine) as T];
  }

  multicast<T>(items: readonly T[], source: number): T[] {
    this.checkItems(items);
    checkPart(this.np, source, 'multicast source');
    const own = this.rank === source ? serialize(items[0]) : undefined;
    const size = Int32Array.of(own?.length ?? 0);
    this.binding.bcast(size, source);
    const bytes = own ?? new Uint8Array(size[0]);
    this.binding.bcast(bytes, source);
    return [deserialize(bytes) as T];
  }

  allgatherFloat64(local: Float64Array, out: Float64Array): void {
    allgatherWidth(local, out, 1, this.np, this.rank);
    this.binding.allgather(local, out);
  }

  exchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
    rcv: readonly ArrayLike<number>[],
  ): Pending<T[][]> {
    this.checkItems(send);
    this.checkItems(snd);
    this.checkItems(rcv);
    const items = send[0];
    const targets = this.partList(snd[0], 'exchange send target');
    const sources = this.partList(rcv[0], 'exchange receive source');
    if (!Array.isArray(items) || items.length !== targets.length) {
      throw new InvalidArgumentError(
        `exchange: ${Array.isArray(items) ? items.length : 'no array of'} items to send but ${targets.length} send targets`,
        { partId: this.rank },
      );
    }
    checkPlansAgree(this.binding, this.rank, 'exchange graph', targets, sources);
    const encoded = items.map((item) => serialize(item));
    const sendCounts = Int32Array.from(encoded, (bytes) => bytes.length);
    const recvCounts = new Int32Array(sources.length);
    this.transfer(targets, unitPtrs(targets.length), sendCounts, sources, unitPtrs(sources.length), recvCounts, EXCHANGE_COUNTS_TAG).wait();
    const sndPtrs = this.ptrsOf(sendCounts);
    const rcvPtrs = this.ptrsOf(recvCounts);
    const sendBytes = concat(encoded, sndPtrs, sndPtrs[targets.length]);
    const recvBytes = new Uint8Array(rcvPtrs[sources.length]);
    const data = this.transfer(targets, sndPtrs, sendBytes, sources, rcvPtrs, recvBytes, EXCHANGE_DATA_TAG);
    return new Pending(() => {
      data.wait();
      return [Array.from(sources, (_, k) => deserialize(recvBytes.subarray(rcvPtrs[k], rcvPtrs[k + 1])) as T)];
    });
  }

  /** A `recv` array is where `MPI_Irecv` writes: no receive buffer, no copy. */
  createChannel(plans: readonly ChannelPlan[], options?: ChannelOptions): Channel {
    this.checkItems(plans);
    const { snd, sndPtrs, rcv, rcvPtrs } = plans[0];
    this.checkPtrs(snd, sndPtrs, 'channel plan send');
    this.checkPtrs(rcv, rcvPtrs, 'channel plan receive');
    const [given] = channelRecvArrays(plans, options, this.localParts, false);
    const sendLengths = Array.from(snd, (_, k) => sndPtrs[k + 1] - sndPtrs[k]);
    const recvLengths = Array.from(rcv, (_, k) => rcvPtrs[k + 1] - rcvPtrs[k]);
    checkPlansAgree(this.binding, this.rank, 'channel plan', snd, rcv, sendLengths, recvLengths);
    const send = new Float64Array(sndPtrs[snd.length]);
    const recv = given ?? new Float64Array(rcvPtrs[rcv.length]);
    const tag = this.nextTag;
    this.nextTag = tag === LAST_TAG ? FIRST_CHANNEL_TAG : tag + 1;
    return new MpiChannel(send, recv, this.binding.createExchange(snd, sndPtrs, send, rcv, rcvPtrs, recv, tag));
  }

  /** A plain Float64Array: MPI reads and writes it in place. */
  allocateFloat64(length: number): Float64Array {
    checkAllocationLength(length, this.rank);
    return largeArrays.float64(length);
  }

  barrier(): void {
    this.binding.barrier();
  }

  wtime(): number {
    return this.binding.wtime();
  }

  /** Finalizes MPI (once; later calls do nothing). No backend method may be called afterwards. */
  dispose(): void {
    if (this.binding.isInitialized()) this.binding.finalize();
  }

  private transfer(
    targets: Int32Array,
    sndPtrs: Int32Array,
    send: MpiBuffer,
    sources: Int32Array,
    rcvPtrs: Int32Array,
    recv: MpiBuffer,
    tag: number,
  ): MpiExchange {
    const exchange = this.binding.createExchange(targets, sndPtrs, send, sources, rcvPtrs, recv, tag);
    exchange.start();
    return exchange;
  }

  private ptrsOf(counts: Int32Array): Int32Array {
    const { displs, total } = displacements(counts, 'exchange');
    const ptrs = new Int32Array(counts.length + 1);
    ptrs.set(displs);
    ptrs[counts.length] = total;
    return ptrs;
  }

  private partList(ids: ArrayLike<number>, what: string): Int32Array {
    for (let k = 0; k < ids.length; k++) checkPart(this.np, ids[k], what, this.rank);
    return Int32Array.from(ids);
  }

  private checkPtrs(parts: Int32Array, ptrs: Int32Array, what: string): void {
    this.partList(parts, `${what} part`);
    if (ptrs.length !== parts.length + 1 || ptrs[0] !== 0) {
      throw new InvalidArgumentError(
        `${what}: ${parts.length + 1} offsets starting at 0 expected, got ${ptrs.length} starting at ${ptrs[0]}`,
        { partId: this.rank },
      );
    }
    for (let k = 0; k < parts.length; k++) {
      if (ptrs[k + 1] < ptrs[k]) {
        throw new InvalidArgumentError(`${what}: offsets must be non-decreasing (entry ${k + 1})`, { partId: this.rank });
      }
    }
  }

  private checkItems(items: readonly unknown[]): void {
    if (items.length !== 1) {
      throw new InvalidArgumentError(`expected one item per local part (1 on the MPI backend), got ${items.length}`, {
        partId: this.rank,
      });
    }
  }
}
