/**
 * The control block every thread of a Threads run shares: the abort word, the start word, one
 * cache line of words per part (collective arrivals, state, doorbell), the float64 slots of
 * `allgatherFloat64` and the structured-data outboxes.
 *
 * Layout of `control` (Int32, one 64-byte line = 16 words per entry, so that the words a part
 * writes on every collective share no cache line with another part's): line 0 holds `ABORT` (0, or the first failing part + 1) and `START` (1 once every worker
 * is ready); line 1 + p holds part p's words (see `Word`). `scalars` holds two slots per part (one
 * per collective parity), each on its own line. `outboxes[2p + parity]` is part p's initial
 * mailbox for collectives of that parity (see mailbox.ts).
 *
 * Waiting protocol (no lost wake-ups): a waiter reads its doorbell, sets its `Watch` word to
 * sleeping, re-checks its condition and only then `Atomics.wait`s on the doorbell value it read;
 * whoever changes state another part may wait for stores it first, then rings the doorbell of
 * every part that sleeps or spins. A part that spins does the same with its `Watch` word set to
 * spinning and watches its doorbell with plain loads instead of `Atomics.wait`: rung without
 * `Atomics.notify`, it re-checks its condition only when something changed, so the loop that
 * spins is a few instructions that the JIT compiles in little time (each worker compiles its own
 * copy, on the cores the parts run on).
 *
 * @module
 */
// The module's binding, not the global's lazy accessor (see waiting.ts).
import { performance } from 'node:perf_hooks';
import type { SharedBuffers } from './messages.js';

/** Int32 words per cache line. */
const LINE = 16;
/** Float64 values per cache line. */
const SCALAR_STRIDE = 8;
const ABORT = 0;
const START = 1;

/** Offsets of a part's words inside its line. */
const enum Word {
  /** Number of central collectives the part has entered (monotone). */
  Arrive = 0,
  /** Collective word (kind | root) of the part's collectives of parity 0 and 1. */
  Kind0 = 1,
  /** Set to 1 once `main` returned or threw: the part enters no further collective. */
  Done = 3,
  /** Kind of what the part sleeps in (0 while it runs), for diagnostics. */
  WaitingIn = 4,
  /**
   * How the part watches its doorbell: `Watch.Sleeping` while it may be blocked in
   * `Atomics.wait` on it, `Watch.Spinning` while it spins on it, `Watch.None` while it runs.
   */
  Watch = 5,
  /** Bumped (and notified) to wake the part. */
  Doorbell = 6,
  /** Number of times the part replaced one of its outboxes by a larger one. */
  OutboxGeneration = 7,
}

/** How a part watches its doorbell (its `Watch` word). */
const enum Watch {
  None = 0,
  Sleeping = 1,
  Spinning = 2,
}

/** Initial size of an outbox in bytes; an owner replaces its outbox by a larger one when needed. */
const INITIAL_OUTBOX_BYTES = 4096;

/** Allocates the shared buffers of a run of `np` parts. */
export function allocateSharedBuffers(np: number): SharedBuffers {
  return {
    control: new SharedArrayBuffer((1 + np) * LINE * Int32Array.BYTES_PER_ELEMENT),
    scalars: new SharedArrayBuffer(2 * np * SCALAR_STRIDE * Float64Array.BYTES_PER_ELEMENT),
    outboxes: Array.from({ length: 2 * np }, () => new SharedArrayBuffer(INITIAL_OUTBOX_BYTES)),
  };
}

/**
 * Typed access to the control block of a run; one instance per thread (the supervisor's or a
 * worker's), all over the same memory.
 */
export class SharedState {
  /** Number of parts of the run. */
  readonly np: number;
  private readonly words: Int32Array;
  private readonly scalars: Float64Array;

  constructor(buffers: SharedBuffers, np: number) {
    this.np = np;
    this.words = new Int32Array(buffers.control);
    this.scalars = new Float64Array(buffers.scalars);
  }

  /** The first failing part, or -1 while the run is healthy. */
  abortedBy(): number {
    return Atomics.load(this.words, ABORT) - 1;
  }

  /**
   * Marks the run as failed by `partId` unless another part failed first, then wakes every part.
   * Returns whether this call was the first failure.
   */
  abort(partId: number): boolean {
    const first = Atomics.compareExchange(this.words, ABORT, 0, partId + 1) === 0;
    this.wakeAll();
    return first;
  }

  /** Lets every worker run `main` (all of them are ready). */
  start(): void {
    Atomics.store(this.words, START, 1);
    this.wakeAll();
  }

  /** Whether {@link SharedState.start} was called. */
  started(): boolean {
    return Atomics.load(this.words, START) === 1;
  }

  /** Number of central collectives part `q` has entered. */
  arrived(q: number): number {
    return Atomics.load(this.words, (1 + q) * LINE + Word.Arrive);
  }

  /** Collective word part `q` entered with its last collective of this parity. */
  collectiveWord(q: number, parity: number): number {
    return Atomics.load(this.words, (1 + q) * LINE + Word.Kind0 + parity);
  }

  /** Records that part `me` entered its collective number `seq` (parity `seq & 1`) with `word`. */
  enter(me: number, seq: number, word: number): void {
    const base = (1 + me) * LINE;
    Atomics.store(this.words, base + Word.Kind0 + (seq & 1), word);
    Atomics.store(this.words, base + Word.Arrive, seq);
    this.wakeSleepers(me);
  }

  /** Number of times part `q` replaced one of its outboxes (see mailbox.ts). */
  outboxGeneration(q: number): number {
    return Atomics.load(this.words, (1 + q) * LINE + Word.OutboxGeneration);
  }

  /** Publishes that part `me` replaced an outbox (after it posted the new one to every part). */
  setOutboxGeneration(me: number, generation: number): void {
    Atomics.store(this.words, (1 + me) * LINE + Word.OutboxGeneration, generation);
  }

  /** Whether part `q` returned from (or failed in) `main`. */
  isDone(q: number): boolean {
    return Atomics.load(this.words, (1 + q) * LINE + Word.Done) === 1;
  }

  /** Marks part `me` as done and wakes parts that may wait for it (they then know it never comes). */
  markDone(me: number): void {
    Atomics.store(this.words, (1 + me) * LINE + Word.Done, 1);
    this.wakeSleepers(me);
  }

  /** What part `q` sleeps in (a `Kind` code of collectives.ts), 0 while it runs. */
  waitingIn(q: number): number {
    return Atomics.load(this.words, (1 + q) * LINE + Word.WaitingIn);
  }

  /** The float64 slot of part `q` for collectives of `parity` (index into {@link scalarSlots}). */
  scalarIndex(q: number, parity: number): number {
    return (parity * this.np + q) * SCALAR_STRIDE;
  }

  /** The shared float64 slots of `allgatherFloat64`, indexed by {@link scalarIndex}. */
  get scalarSlots(): Float64Array {
    return this.scalars;
  }

  /** Current doorbell value of part `me` (read before re-checking a condition). */
  doorbell(me: number): number {
    return Atomics.load(this.words, (1 + me) * LINE + Word.Doorbell);
  }

  /** Declares part `me` asleep in `kind` (or awake with 0) so that state changes ring its bell. */
  setSleeping(me: number, kind: number): void {
    const base = (1 + me) * LINE;
    Atomics.store(this.words, base + Word.WaitingIn, kind);
    Atomics.store(this.words, base + Word.Watch, kind === 0 ? Watch.None : Watch.Sleeping);
  }

  /** Declares part `me` spinning on its bell (or running, with false) so that state changes ring it. */
  setSpinning(me: number, spinning: boolean): void {
    Atomics.store(this.words, (1 + me) * LINE + Word.Watch, spinning ? Watch.Spinning : Watch.None);
  }

  /**
   * Spins until part `me`'s doorbell differs from `seen` (true) or the clock passes `untilMs`, in
   * `performance.now()` milliseconds (false). The clock is read after the first load that finds
   * the bell unchanged, then every 64 loads: reading it on the first miss gives the clock's call
   * feedback before V8 compiles the loop on stack (else the compiled loop was thrown away at its
   * first clock read and compiled again, during the first solve of a run).
   */
  spinOnBell(me: number, seen: number, untilMs: number): boolean {
    const { words } = this;
    const bell = (1 + me) * LINE + Word.Doorbell;
    for (let i = 0; ; i++) {
      if (Atomics.load(words, bell) !== seen) return true;
      if ((i & 63) === 0 && performance.now() > untilMs) return false;
    }
  }

  /** Blocks part `me` until its doorbell differs from `seen` or `timeoutMs` passes. */
  sleep(me: number, seen: number, timeoutMs: number): void {
    Atomics.wait(this.words, (1 + me) * LINE + Word.Doorbell, seen, timeoutMs);
  }

  /** Wakes part `q` if it sleeps, rings its bell if it spins. */
  wake(q: number): void {
    const base = (1 + q) * LINE;
    const watch = Atomics.load(this.words, base + Word.Watch);
    if (watch === Watch.Sleeping) this.ring(base);
    else if (watch === Watch.Spinning) Atomics.add(this.words, base + Word.Doorbell, 1);
  }

  /** Wakes every sleeping part except `me`. */
  wakeSleepers(me: number): void {
    for (let q = 0; q < this.np; q++) if (q !== me) this.wake(q);
  }

  /** Wakes every part, asleep or not (abort and start). */
  wakeAll(): void {
    for (let q = 0; q < this.np; q++) this.ring((1 + q) * LINE);
  }

  private ring(base: number): void {
    Atomics.add(this.words, base + Word.Doorbell, 1);
    Atomics.notify(this.words, base + Word.Doorbell);
  }
}
