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
  /** Blocks until every part has called it. */
  barrier(): void;
  /** Wall-clock time in seconds (monotonic, same origin on all parts of a process). */
  wtime(): number;
  /** Releases the backend's resources; no method may be called afterwards. */
  dispose(): void;
}
