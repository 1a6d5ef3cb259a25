/**
 * `sharedArray`: one float64 memory seen by every part of a node (SharedArrays.jl), on top of the
 * backend's shared memory (`Backend.createSharedMemory`).
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import type { Backend, SharedMemory } from '../backends/backend.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { checkNotInPartCode } from '../backends/part-scope.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { NODE_BARRIER_VALUES, NodeBarrier, nodeBarrierWord } from './node-barrier.js';
import { bandedKernel } from './select-banded-kernel.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';

/**
 * An array of float64 values of which every part of a node sees the same memory: a write by one
 * part is seen by the others after {@link sharedBarrier}.
 *
 * - A run of one part (any backend): an ordinary array, shared with nobody.
 * - Sequential: one array for every part.
 * - Threads: one SharedArrayBuffer handed to every worker.
 * - MPI: one MPI-3 shared-memory window per node (`MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)` +
 *   `MPI_Win_allocate_shared`). On a run across several nodes each node has its own array:
 *   {@link SharedArray.sharers} then lists fewer than `np` parts, and writes on one node are not
 *   seen on another.
 *
 * The memory starts zeroed and is released when the run ends. Parts may read and write any
 * element; ordering the writes of different parts is the caller's business, through
 * {@link sharedBarrier}. Created by {@link sharedArray}.
 *
 * @example
 * ```ts
 * const s = sharedArray(ranks, 4);
 * s.values.forEach((a, p) => { a[p] = 10 * p; });  // each part writes its own element
 * sharedBarrier(s);                                // ... then everyone reads everyone's
 * ```
 * @group Shared arrays across parts
 */
export class SharedArray {
  /** Number of float64 values. */
  readonly length: number;
  /** Per part, the node's array (the same `Float64Array` memory for every part of a node). */
  readonly values: PData<Float64Array>;
  /** Per part, the ids of the parts sharing its array (ascending, itself included). */
  readonly sharers: PData<readonly number[]>;
  /** The barrier: a counter past the values, in front of the backend memory's own barrier. */
  private readonly nodeBarrier: NodeBarrier;

  /**
   * @internal Built by {@link sharedArray}, on backend memory of `length` +
   * `NODE_BARRIER_VALUES` values (the barrier's word lives past the user's values).
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, ranks: PData<unknown>, length: number, memory: SharedMemory) {
    checkFactoryKey(key, 'SharedArray', 'sharedArray(ranks, length)');
    const { backend } = ranks;
    this.length = length;
    this.values = new PData(backend, memory.arrays.map((a) => a.subarray(0, length)));
    this.sharers = new PData(backend, memory.sharers);
    // The counter serves runs of one part per thread or process (not Sequential's all parts in
    // one), every part sharing the memory: Threads (a SharedArrayBuffer, polled in JavaScript or
    // natively) and MPI on one node (a shared window, polled natively only: the JavaScript loop
    // cannot give its core away, and the backend's barrier already polls in native code).
    const sharers = memory.sharers[0];
    const { spinWait } = bandedKernel();
    const counted =
      backend.localParts.length === 1 && sharers.length === backend.np &&
      (spinWait !== undefined || memory.arrays[0].buffer instanceof SharedArrayBuffer);
    this.nodeBarrier = new NodeBarrier(
      counted ? nodeBarrierWord(memory.arrays[0], length) : undefined,
      sharers.length,
      sharers[0] === backend.localParts[0],
      () => memory.barrier(),
      spinWait,
    );
  }

  /** @internal The collective barrier of the memory (see {@link sharedBarrier}). */
  barrier(): void {
    this.nodeBarrier.arrive();
  }
}

/**
 * Allocates an array of `length` float64 values shared by the parts of each node (collective:
 * every part calls it with the same length). See {@link SharedArray} for what "shared" means on
 * each backend.
 *
 * @param ranks the run's parts (any PData of the run).
 * @param length number of values, an integer ≥ 0.
 * @throws InvalidArgumentError when `ranks` is not a PData, `length` is not a non-negative safe
 * integer (before any communication), or when called inside per-part code (`map`, `forEach`).
 * @example
 * ```ts
 * await withThreads(2, import.meta.url); // in the driver:
 * const s = sharedArray(ranks, 1000);
 * ```
 * @group Shared arrays across parts
 */
export function sharedArray(ranks: PData<unknown>, length: number): SharedArray {
  expectInstance(ranks, PData, 'sharedArray: ranks');
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw new InvalidArgumentError(`sharedArray: length must be a non-negative safe integer, got ${describeValue(length)}`);
  }
  checkNotInPartCode('sharedArray');
  const { backend } = ranks;
  const total = length + NODE_BARRIER_VALUES;
  if (backend.np === 1) return new SharedArray(FACTORY_KEY, ranks, length, soloMemory(backend, total));
  const memory = backend.createSharedMemory(total);
  collapseWindow(backend, memory);
  return new SharedArray(FACTORY_KEY, ranks, length, memory);
}

/**
 * Puts an MPI window's memory on huge pages: the node's first rank collapses it (it is zeroed and
 * so written already; `LargeArrays.collapseShared`), and every rank's mapping then reads
 * physically contiguous 2 MiB pages, although shared-memory huge pages are off
 * (`shmem_enabled` is `never` on the reference machine) and Open MPI maps the window at
 * addresses where the kernel will not collapse it in place. Measured in a C harness under
 * `mpirun -n 2`, the banded N = 500 product alternating between two windows, one collapsed this
 * way (load average 4.4 to 6.6): medians 0.91-0.92 against 1.12-1.24 ms per product, minimums
 * 0.44-0.66 against 0.72-0.89 ms; the library's kernel on two windows alternating in one run
 * (load 2.5 to 3.7): medians 0.95, 0.70, 0.73 against 1.08, 0.78, 0.76 ms. The price is paid once,
 * at creation: the collapse copies the zeroed pages into huge pages, 0.08 to 0.13 s for 32 MB
 * (creating the window took 0.32 to 0.41 s; load 9, no other benchmark running) and up to 0.35 s
 * with one, so it pays after roughly a thousand products of that size. Threads' shared memory
 * is on huge pages already, and a run of one part takes an ordinary array (`soloMemory`).
 */
function collapseWindow(backend: Backend, memory: SharedMemory): void {
  const array = memory.arrays[0];
  // The same on every rank (each has a window), so all of them meet in the barrier below.
  if (backend.localParts.length !== 1 || array.buffer instanceof SharedArrayBuffer) return;
  if (memory.sharers[0].length > 1 && memory.sharers[0][0] === backend.localParts[0]) largeArrays.collapseShared(array);
  // No rank streams the memory before it is collapsed (a collapse races with nothing, then).
  memory.barrier();
}

/**
 * The memory of a run of one part, which shares it with nobody: an array of the large-array
 * allocator (advised onto huge pages where the system has them), not the backend's shared memory.
 * On MPI that is a window of shared memory, on 4 KiB pages where shared huge pages are off
 * (`/sys/kernel/mm/transparent_hugepage/shmem_enabled` is `never` on the reference machine), and
 * streaming a matrix from 4 KiB pages was measured 19 % slower per product than from 2 MiB pages
 * (banded block-banded N = 500, one thread, same C kernel, both layouts alternating: median 1.39
 * against 1.13 ms). The barrier stays the backend's, a fence with nobody to wait for.
 */
function soloMemory(backend: Backend, length: number): SharedMemory {
  const array = largeArrays.float64(length);
  return {
    arrays: [array],
    sharers: [backend.localParts],
    barrier: () => backend.barrier(),
    free: () => undefined,
  };
}

/**
 * Anything holding a shared array: a {@link SharedArray} or an object that stores into one.
 * @group Shared arrays across parts
 */
export interface HasSharedStorage {
  /** The shared array holding the object's values. */
  readonly storage: SharedArray;
}

/**
 * Orders memory accesses of shared arrays (collective): every write any part made to a shared
 * array before the barrier is seen by every part of its node after it, and no part leaves before
 * every part has arrived. Call it between one part's writes and another part's reads (and
 * between reads and later overwrites).
 *
 * Waiting: on Threads, and on MPI within one node, when the parts do not outnumber the node's
 * cores, the parts first poll a counter kept in the array's memory for up to 1 ms, then wait in
 * the backend's barrier, which sleeps and reports failed or missing parts as every collective
 * does. Polling saves the 50 to 100 µs a sleeping part takes to wake, which matters around
 * products of a millisecond. With the native banded addon the poll gives its core away between
 * polls (`sched_yield`), so that when other programs keep the cores busy it does not hold the core
 * a late part needs; without it, the poll runs in JavaScript on Threads only, for a budget that
 * shrinks (down to no poll) after polls that ran out, until a barrier finds the others already
 * there. Sequential, and MPI across several nodes, use the backend's barrier.
 *
 * @param shared a {@link SharedArray}, or an object stored in one (a
 * {@link BandedBlockBandedMatrix}).
 * @throws InvalidArgumentError when `shared` is neither, or when called inside per-part code.
 * @example
 * ```ts
 * s.values.forEach((a, p) => { a[p] = p; });
 * sharedBarrier(s);
 * ```
 * @group Shared arrays across parts
 */
export function sharedBarrier(shared: SharedArray | HasSharedStorage): void {
  const array = shared instanceof SharedArray ? shared : (shared as HasSharedStorage | undefined)?.storage;
  if (!(array instanceof SharedArray)) {
    throw new InvalidArgumentError(`sharedBarrier: expected a SharedArray or an object stored in one, got ${describeValue(shared)}`);
  }
  checkNotInPartCode('sharedBarrier');
  array.barrier();
}

/**
 * Checks that `a` is a SharedArray of `length` values on `backend`.
 * @throws InvalidArgumentError (not a SharedArray); PartitionMismatchError (another run).
 */
export function expectSharedArray(a: unknown, what: string, backendOf: PData<unknown>): asserts a is SharedArray {
  expectInstance(a, SharedArray, what);
  if (a.values.backend !== backendOf.backend) {
    throw new PartitionMismatchError(`${what} belongs to another run (other ranks)`);
  }
}
