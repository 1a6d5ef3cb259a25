/**
 * The seam between the distributed data structures and the place where parts live.
 *
 * A backend holds some of the `np` parts of a run: all of them (Sequential) or exactly one
 * (Threads, MPI: one part per worker thread or MPI process). Every method works on the items of
 * the *local* parts, passed as arrays aligned with {@link Backend.localParts}. Collective methods
 * must be called by every part in the same order; on SPMD backends each process calls them with
 * its own part's item.
 *
 * Nothing in `src/pdata` or `src/solvers` imports a backend implementation: they receive a
 * `Backend` through `PData.backend`.
 *
 * @module
 */
import type { KernelKind } from '../kernels/kernel-set.js';
import type { Pending } from './pending.js';

/**
 * Which implementation a backend is.
 * @group Running a program on a backend
 */
export type BackendKind = 'sequential' | 'threads' | 'mpi';

/**
 * What one local part sends and receives through a {@link Channel}: neighbour part ids and, for
 * each neighbour, a segment of the part's flat send (receive) buffer given by CSR-like pointers.
 * The plans of all parts must agree: if part p sends `k` values to q, q receives `k` from p.
 * @group Running a program on a backend
 */
export interface ChannelPlan {
  /** Part ids this part sends to; segment `i` of the send buffer goes to `snd[i]`. */
  readonly snd: Int32Array;
  /** `snd.length + 1` offsets into the send buffer (`sndPtrs[0] = 0`). */
  readonly sndPtrs: Int32Array;
  /** Part ids this part receives from; segment `i` of the receive buffer comes from `rcv[i]`. */
  readonly rcv: Int32Array;
  /** `rcv.length + 1` offsets into the receive buffer (`rcvPtrs[0] = 0`). */
  readonly rcvPtrs: Int32Array;
}

/**
 * Options of {@link Backend.createChannel}.
 * @group Running a program on a backend
 */
export interface ChannelOptions {
  /**
   * Per local part (aligned with `localParts`), an array the channel delivers that part's received
   * values into instead of a receive buffer of its own, or `undefined` to let the channel allocate
   * one. Each given array must have the plan's receive length (`rcvPtrs[rcv.length]`) and come from
   * {@link Backend.allocateFloat64} (or be a view of such an array): on Threads another thread
   * writes into it, so it must live in a SharedArrayBuffer.
   *
   * This is how a vector's ghost region is filled without an intermediate copy. The choice is per
   * part and only concerns that part's receive side: senders behave the same either way. The
   * caller keeps the array alive for the channel's lifetime and must not read or write it between
   * `start()` and `wait()` of a round (the values land there at any moment in between); outside a
   * round the channel never touches it.
   */
  readonly recv?: readonly (Float64Array | undefined)[];
  /**
   * Whether the parts' plans agree by construction (set alike on every part): they were derived
   * from one collective exchange, as the ghost plan of a range is from the ids each part asked its
   * owners for. The MPI backend then skips its collective comparison of the plans (four
   * collectives); plans that disagree would then hang instead of throwing. Default false.
   */
  readonly agreed?: boolean;
}

/**
 * A reusable, allocation-free neighbour exchange of float64 values (the halo update of `consistent`,
 * `assemble` and SpMV). Created once, collectively, from one {@link ChannelPlan} per local part;
 * then each round is: fill `send`, `start()`, overlap work, `wait()`, read `recv`.
 * The backend owns the buffers (they may live in shared memory), except the receive arrays given
 * in {@link ChannelOptions.recv}; callers own their contents.
 * @group Running a program on a backend
 */
export interface Channel {
  /** One flat send buffer per local part (aligned with `localParts`), segmented by `sndPtrs`. */
  readonly send: readonly Float64Array[];
  /**
   * One flat receive buffer per local part, segmented by `rcvPtrs`: the array given for that part
   * in {@link ChannelOptions.recv} (the same object), or one the channel owns.
   */
  readonly recv: readonly Float64Array[];
  /** Starts moving every part's send segments into the receivers' recv segments (collective). */
  start(): void;
  /** Blocks until this part's `recv` is filled and its `send` may be overwritten. */
  wait(): void;
}

/**
 * One-sided access to memory exposed by every part: an MPI-3 RMA window on MPI, SharedArrayBuffers
 * on Threads, plain arrays on Sequential. Made collectively by {@link Backend.createWindow}; each
 * part owns the memory it exposes ({@link Window.local}) and reads or writes it directly, while
 * any part may `get`, `put` or `accumulate` runs of another part's memory without that part
 * taking part. {@link Window.fence} makes every earlier `put`/`accumulate` visible everywhere.
 *
 * The run arguments of `get`/`put`/`accumulate` (`starts`, `counts`: element offsets and lengths
 * in the target's memory) are checked before anything moves: a bad origin, target, run or buffer
 * length throws with the origin's part id and nothing is read or written.
 *
 * @example
 * ```ts
 * const win = backend.createWindow([4]);      // on Threads/MPI: one local part, 4 values each
 * win.local[0].fill(backend.localParts[0]);
 * win.fence();
 * const out = new Float64Array(2);
 * win.get(backend.localParts[0], 0, [1], [2], out); // values 1..2 of part 0's memory
 * win.free();
 * ```
 * @group Running a program on a backend
 */
export interface Window {
  /**
   * Per local part (aligned with `localParts`), the memory that part exposes; the part reads and
   * writes it directly. Allocated by the backend (a SharedArrayBuffer on Threads, `MPI_Win_allocate`
   * memory on MPI), zeroed at creation; after `free()` it must no longer be used (on MPI its
   * buffer is detached, so it reads as empty).
   */
  readonly local: readonly Float64Array[];
  /** `np` entries: the exposed length of every part, in values. */
  readonly lengths: readonly number[];
  /**
   * NOT collective. Local part `origin` (a part id held by this process) reads from part
   * `target`'s memory the runs `[starts[k], starts[k] + counts[k])` concatenated into `out`
   * (`out.length === sum(counts)`). Complete on return. The target takes no part: this works
   * while the target is busy in JavaScript or blocked.
   * @throws InvalidArgumentError when `origin` is not a local part, `target` not a part id, a start
   * or count is not a non-negative integer, or the window was freed; IndexOutOfRangeError when a
   * run leaves the target's memory; DimensionMismatchError when `starts` and `counts` differ in
   * length or `out.length` is not the sum of the counts.
   */
  get(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array): void;
  /**
   * NOT collective. Writes `values` (the runs, concatenated) into part `target`'s memory. Complete
   * at the target on return; guaranteed visible to the target's own direct reads of `local` after
   * the next {@link Window.fence}.
   * @throws as {@link Window.get} (with `values` in place of `out`).
   */
  put(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void;
  /**
   * NOT collective. Element-wise `+=` of `values` into part `target`'s memory; atomic per element
   * with respect to other `accumulate` calls from any part (several parts may accumulate into the
   * same elements at once). Not atomic with respect to `put` or direct writes.
   * @throws as {@link Window.put}.
   */
  accumulate(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void;
  /**
   * Collective fence: every `put`/`accumulate` issued by any part before it is visible to every
   * part (including direct reads of `local`) after it, and every direct write of `local` before it
   * is visible to `get`s after it.
   * @throws InvalidArgumentError when called inside per-part code or after `free()`;
   * CollectiveTimeoutError when a part does not arrive.
   */
  fence(): void;
  /**
   * Collective; releases the memory. Every later call of a method throws InvalidArgumentError.
   * Windows still alive when the backend is disposed are freed then.
   */
  free(): void;
}

/**
 * Memory shared by the parts of a node (every part on Threads and Sequential; the ranks of one
 * machine on MPI, `MPI_Win_allocate_shared`). Made collectively by
 * {@link Backend.createSharedMemory}. Parts write and read the array directly; a
 * {@link SharedMemory.barrier} orders the writes before it before the reads after it.
 *
 * @example
 * ```ts
 * const shm = backend.createSharedMemory(np);
 * const me = backend.localParts[0];
 * shm.arrays[0][me] = me * 10;     // each part writes its own slot
 * shm.barrier();
 * const sum = shm.arrays[0].reduce((a, b) => a + b, 0); // every slot, on every part of the node
 * shm.free();
 * ```
 * @group Running a program on a backend
 */
export interface SharedMemory {
  /**
   * Per local part (aligned with `localParts`), the shared array: the SAME memory for all parts of
   * one node, of the length requested, zeroed at creation.
   */
  readonly arrays: readonly Float64Array[];
  /**
   * Per local part, the ascending part ids that share that memory (all parts on Threads and
   * Sequential; the ranks of the node on MPI).
   */
  readonly sharers: readonly (readonly number[])[];
  /**
   * Collective over all parts: orders every write before it before every read after it (a memory
   * fence and a barrier).
   * @throws InvalidArgumentError inside per-part code or after `free()`; CollectiveTimeoutError
   * when a part does not arrive.
   */
  barrier(): void;
  /** Collective; releases the memory. Later calls throw InvalidArgumentError. */
  free(): void;
}

/**
 * A place where parts live and the primitives that move data between them.
 *
 * Items that cross parts are copied (structured data: numbers, strings, plain objects, arrays,
 * typed arrays); a part never sees another part's objects.
 * @group Running a program on a backend
 */
export interface Backend {
  /** Which implementation this is. */
  readonly kind: BackendKind;
  /** Kernel implementation in use (native addon or JavaScript fallback). */
  readonly kernels: KernelKind;
  /** Total number of parts of the run. */
  readonly np: number;
  /** Ids of the parts held by this process, ascending: all of `0..np-1`, or one. */
  readonly localParts: readonly number[];

  /**
   * Collects every part's item, in part order, on `destination` (or on every part with `'all'`).
   * Returns, per local part, the `np` items on the destination and `[]` elsewhere.
   */
  gather<T>(items: readonly T[], destination: number | 'all'): T[][];
  /**
   * Part `source` holds `np` items (its entry of `items`); part `i` receives item `i`. Entries of
   * `items` for other local parts are ignored. Returns the received item per local part.
   */
  scatter<T>(items: readonly (readonly T[])[], source: number): T[];
  /** Every part receives a copy of part `source`'s item. */
  multicast<T>(items: readonly T[], source: number): T[];
  /**
   * Fast path for scalar reductions: every local part contributes the same number `w` of values
   * (1 ≤ w ≤ 8, `MAX_ALLGATHER_WIDTH`), local part `i`'s in `local[i*w .. i*w + w - 1]`; on
   * return `out[p*w + j]` holds part `p`'s value `j` on every part. So `local.length` is
   * `w × localParts.length` and `out.length` must be `w × np`. Allocation-free.
   * @throws InvalidArgumentError when the lengths do not fit that (before any communication).
   */
  allgatherFloat64(local: Float64Array, out: Float64Array): void;
  /**
   * Sends `send[i][k]` from local part `i` to part `snd[i][k]`; the result's entry `i` lists what
   * local part `i` receives from `rcv[i][k]`, in that order. Structured data; for hot loops use a
   * {@link Channel}.
   */
  exchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
    rcv: readonly ArrayLike<number>[],
  ): Pending<T[][]>;
  /**
   * {@link Backend.exchange} for parts that do not know who sends to them: sends `send[i][k]` from
   * local part `i` to part `snd[i][k]`, and returns per local part the pair `[rcv, items]`: the
   * senders found (ascending part ids, a part once per item it sent) and their items in that order
   * (a sender's in its send order). It saves
   * discovering the receive lists with a collective of their own (a gather of every send list)
   * before the exchange.
   * @example
   * ```ts
   * const [[rcv, items]] = backend.discoverExchange([[ids]], [[owner]]).wait(); // one local part
   * ```
   */
  discoverExchange<T>(
    send: readonly (readonly T[])[],
    snd: readonly ArrayLike<number>[],
  ): Pending<[rcv: Int32Array, items: T[]][]>;
  /**
   * Builds a reusable float64 neighbour exchange (collective: every part calls it, each with its
   * own plans and options).
   * @throws InvalidArgumentError (with the part id) when the plans are malformed or disagree
   * between parts, or when a `recv` array has the wrong length or (Threads) is not backed by a
   * SharedArrayBuffer.
   * @example
   * ```ts
   * const ghosts = backend.allocateFloat64(nGhost);
   * const channel = backend.createChannel([plan], { recv: [ghosts] }); // one local part
   * channel.send[0].set(ownValuesToSend);
   * channel.start();
   * channel.wait();                      // `ghosts` now holds the received values
   * ```
   */
  createChannel(plans: readonly ChannelPlan[], options?: ChannelOptions): Channel;
  /**
   * A new zeroed array of `length` float64 values for part data (vector values). On Threads it
   * lives in a SharedArrayBuffer, so that a {@link Channel} can deliver received values straight
   * into it (see {@link ChannelOptions.recv}); elsewhere it is a plain Float64Array. The caller owns it.
   * @throws InvalidArgumentError when `length` is not a non-negative safe integer.
   * @example `const local = backend.allocateFloat64(ids.nLocal);`
   */
  allocateFloat64(length: number): Float64Array;
  /**
   * Creates a {@link Window} (collective): each local part exposes `lengths[i]` float64 values
   * (one length per LOCAL part, aligned with `localParts`; parts may expose different lengths).
   * @throws InvalidArgumentError (before any communication) when called inside per-part code, or
   * when `lengths` does not have one entry per local part or an entry is not a non-negative safe
   * integer.
   * @example `const win = backend.createWindow(backend.localParts.map(() => 100));`
   */
  createWindow(lengths: readonly number[]): Window;
  /**
   * Creates {@link SharedMemory} of `length` float64 values per node (collective: every part
   * passes the same length).
   * @throws InvalidArgumentError when called inside per-part code, when `length` is not a
   * non-negative safe integer (before any communication), or when the parts pass different lengths
   * (on every part).
   * @example `const shm = backend.createSharedMemory(1024);`
   */
  createSharedMemory(length: number): SharedMemory;
  /** Blocks until every part has called it. */
  barrier(): void;
  /** Wall-clock time in seconds (monotonic, same origin on all parts of a process). */
  wtime(): number;
  /** Releases the backend's resources; no method may be called afterwards. */
  dispose(): void;
}
