/**
 * Windows and shared memory of the Threads backend. Every part allocates the memory it exposes
 * as a SharedArrayBuffer and hands it to every other part over the peer ports; after a rendezvous
 * each part holds every part's memory, so `get` and `put` are plain copies into or out of the
 * target's buffer and the target takes no part. `accumulate` holds the target's lock (one shared
 * Int32 word per part, a futex mutex: 0 free, 1 held, 2 held with sleepers) around its `+=` loop.
 * A fence is a rendezvous: its `Atomics` stores and loads order every write before it before
 * every read after it. Shared memory is one SharedArrayBuffer made by part 0 and handed to all
 * (from the large-array allocator: with the kernels addon, a mapping of its own on huge pages that
 * is unmapped once the last worker holding it has dropped it).
 *
 * @module
 */
import type { SharedMemory, Window } from '../backend.js';
import { InvalidArgumentError, WorkerError } from '../../errors.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { Kind } from '../collectives.js';
import { addRuns, getRuns, putRuns } from '../copy-runs.js';
import { CheckedSharedMemory, CheckedWindow, type LiveResources, type WindowTransport } from '../window-core.js';
import type { PeerPorts } from './peer-ports.js';
import { NO_ROOT, type Rendezvous } from './rendezvous.js';
import type { SharedState } from './shared-state.js';

/** What windows need from the backend of one part. */
export interface WindowContext {
  readonly me: number;
  readonly state: SharedState;
  readonly rendezvous: Rendezvous;
  readonly peers: PeerPorts;
  readonly resources: LiveResources;
}

/** Attempts to take a free lock before sleeping: the hold is a short loop on another core. */
const LOCK_SPINS = 64;
/** Longest single sleep on a held lock (a safety net: every release with sleepers notifies). */
const LOCK_SLEEP_MS = 50;

/**
 * Takes the lock `word`. A holder only runs a `+=` loop, so the wait is short, unless the holder's
 * thread was stopped mid-loop because the run failed: then this part stops waiting and throws.
 * @throws WorkerError naming the failed part when the run was aborted.
 */
function lock(word: Int32Array, state: SharedState, me: number): void {
  let seen = Atomics.compareExchange(word, 0, 0, 1);
  for (let i = 0; seen !== 0 && i < LOCK_SPINS; i++) seen = Atomics.compareExchange(word, 0, 0, 1);
  if (seen === 0) return;
  if (seen !== 2) seen = Atomics.exchange(word, 0, 2);
  while (seen !== 0) {
    const failed = state.abortedBy();
    if (failed >= 0) {
      throw new WorkerError(failed, new Error(`the run was aborted (part ${me} stopped waiting in Window.accumulate)`));
    }
    Atomics.wait(word, 0, 2, LOCK_SLEEP_MS);
    seen = Atomics.exchange(word, 0, 2);
  }
}

function unlock(word: Int32Array): void {
  if (Atomics.sub(word, 0, 1) !== 1) {
    Atomics.store(word, 0, 0);
    Atomics.notify(word, 0, 1);
  }
}

class ThreadsWindowTransport implements WindowTransport {
  private memories: Float64Array[];
  private locks: Int32Array[];
  private readonly ctx: WindowContext;

  constructor(memories: Float64Array[], locks: Int32Array[], ctx: WindowContext) {
    this.memories = memories;
    this.locks = locks;
    this.ctx = ctx;
  }

  get(_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array): void {
    getRuns(this.memories[target], starts, counts, out);
  }

  put(_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
    putRuns(this.memories[target], starts, counts, values);
  }

  accumulate(_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
    const word = this.locks[target];
    lock(word, this.ctx.state, this.ctx.me);
    try {
      addRuns(this.memories[target], starts, counts, values);
    } finally {
      unlock(word);
    }
  }

  fence(): void {
    this.ctx.rendezvous.meet(Kind.windowFence, NO_ROOT);
  }

  free(): void {
    this.ctx.rendezvous.meet(Kind.windowFree, NO_ROOT);
    this.release();
  }

  /** Drops this part's references; each buffer goes when the last thread holding it drops it. */
  release(): void {
    this.memories = [];
    this.locks = [];
  }
}

/**
 * Creates this part's side of window `windowId` exposing `length` values (collective).
 * @throws CollectiveTimeoutError or WorkerError from the rendezvous.
 */
export function openWindow(length: number, windowId: number, ctx: WindowContext): Window {
  const { me, state, rendezvous, peers } = ctx;
  const values = largeArrays.float64(length, true);
  const lockWord = new Int32Array(new SharedArrayBuffer(64), 0, 1);
  for (let q = 0; q < state.np; q++) {
    if (q !== me) peers.post(q, { type: 'window', windowId, from: me, values, lock: lockWord });
  }
  rendezvous.meet(Kind.createWindow, NO_ROOT);
  const memories: Float64Array[] = [];
  const locks: Int32Array[] = [];
  for (let q = 0; q < state.np; q++) {
    const theirs = q === me ? { values, lock: lockWord } : peers.takeWindow(q, windowId);
    if (theirs === undefined) {
      throw new InvalidArgumentError(`createWindow: part ${q} did not hand over its memory`, { partId: me });
    }
    memories.push(theirs.values);
    locks.push(theirs.lock);
  }
  const transport = new ThreadsWindowTransport(memories, locks, ctx);
  return new CheckedWindow(
    { np: state.np, localParts: [me], self: me },
    [values],
    memories.map((m) => m.length),
    transport,
    ctx.resources,
  );
}

/**
 * Creates shared memory `windowId` of `length` values (collective; the lengths were checked to
 * agree): part 0 allocates it and hands it to the others.
 * @throws CollectiveTimeoutError or WorkerError from the rendezvous.
 */
export function openSharedMemory(length: number, windowId: number, ctx: WindowContext): SharedMemory {
  const { me, state, rendezvous, peers } = ctx;
  let memory = me === 0 ? largeArrays.float64(length, true) : undefined;
  if (memory !== undefined) {
    for (let q = 1; q < state.np; q++) peers.post(q, { type: 'shared-memory', windowId, from: 0, values: memory });
  }
  rendezvous.meet(Kind.createSharedMemory, NO_ROOT);
  memory ??= peers.takeSharedMemory(0, windowId)?.values;
  if (memory === undefined) {
    throw new InvalidArgumentError('createSharedMemory: part 0 did not hand over the memory', { partId: me });
  }
  const all = Array.from({ length: state.np }, (_, p) => p);
  const transport = {
    barrier: () => rendezvous.meet(Kind.sharedBarrier, NO_ROOT),
    free: () => rendezvous.meet(Kind.sharedFree, NO_ROOT),
    release: () => undefined,
  };
  return new CheckedSharedMemory({ np: state.np, localParts: [me], self: me }, [memory], [all], transport, ctx.resources);
}
