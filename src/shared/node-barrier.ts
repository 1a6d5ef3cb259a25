/**
 * The barrier of a shared array: a counter in the array's own memory that the parts of the node
 * spin on, in front of the backend's barrier, which stays the slow path.
 *
 * Why: the backend's barrier sleeps after a few tens of µs of spinning, and a wake-up from
 * `Atomics.wait` costs 50 to 100 µs in a virtual machine; a product of a few hundred µs per part
 * (`mulInto`) waits about that long for the slower part at each of its barriers, so a sleeping
 * barrier added 15 to 20 % to it. Here the parts poll the counter for up to {@link MAX_SPIN_MS}
 * first.
 *
 * With the banded addon (native `spinWait`), the poll runs back to back for 0.1 ms, then yields
 * the core (`sched_yield`) between polls: under load the core goes to whoever needs it (possibly
 * the part being waited for) instead of being held by the poll, so the budget stays at
 * {@link MAX_SPIN_MS}. Measured in the bench's sequence (split product, CSR product, serial
 * product, CSR product; 2 parts, load average 2 to 3.5, both ways alternating in one run): median
 * split product on Threads 0.627 against 0.633 ms with the JavaScript poll and its adaptive
 * budget below (p90 0.681 against 0.736); on MPI 0.729 against 0.766 ms with the backend's fence
 * before (p90 0.852 against 0.976). `docs/guide-shared-arrays.md` has the other runs.
 *
 * Without the addon the poll runs in JavaScript and holds its core, so its budget adapts like
 * the backend's: halved each time a spin runs out (under load, the part waited for is often not
 * running, and spinning takes a core it could use), down to {@link MIN_SPIN_MS} and then to no
 * spin at all, until this part arrives last at a barrier (the others were on time: it may pay
 * again); doubled each time a spin succeeds. Why it falls to zero: when other programs keep the
 * cores busy, a part woken from the backend's barrier waits for a core while the other part
 * spins on its own, so it comes late to the next barrier and the spin runs out again. Measured
 * (load average 2 on 2 cores, a loop of barriers with one part 0.1 ms late): 0.38 ms per barrier
 * with a 0.25 ms floor, 0.13 ms with the backend's barrier alone and with the floor falling to
 * zero.
 *
 * Protocol, per barrier e (every part counts them alike): each part adds {@link COUNT_STEP} to
 * the word; barrier e is complete when the word's count reaches `e · parties`. A part that has
 * spun its budget without seeing that sets the barrier's give-up bit (bit `e & 1`), by a
 * compare-and-swap on a word still short of the count, so the bit is set before completion or
 * never. Every part checks the bit before the count: either no part saw the bit and all left on
 * the count, or every part saw it (at its arrival or while spinning) and all take the backend's
 * barrier, which sleeps, times out and learns of failed parts as any collective. The lowest
 * sharer clears the bit after that barrier, before it arrives at barrier e + 1, so before any
 * part can look at the same bit for barrier e + 2.
 *
 * @module
 */
import { cpus } from 'node:os';
// The module's binding: `globalThis.performance` is a lazy accessor, a getter call on every read
// of the spin loop below, which V8 then compiles on its own while the parts wait.
import { performance } from 'node:perf_hooks';
import type { SpinWait } from './banded-kernel.js';

/** Longest poll of the counter before taking the backend's barrier, in milliseconds. */
const MAX_SPIN_MS = 1;
/**
 * Shortest spin budget. It must exceed the time a part takes to wake from the backend's barrier
 * (measured 50 to 100 µs): a part that waited there arrives that late at the next barrier, and a
 * shorter spin would give up on it, sending the other part to sleep in turn, barrier after
 * barrier (measured: 195 of 200 barriers in a row took the backend's path with a 50 µs floor).
 */
const MIN_SPIN_MS = 0.25;
/** One arrival in the word: the count lives above the two give-up bits. */
const COUNT_STEP = 4;
/** The give-up bits (bit 0: even barriers, bit 1: odd ones). */
const GIVE_UP_BITS = 3;

/**
 * Float64 values allocated past the user's values of a shared array for its barrier word: enough
 * to put the word at the start of its own 64-byte cache line (so the parts' spinning does not
 * share a line with values they write). {@link nodeBarrierWord} finds it.
 */
export const NODE_BARRIER_VALUES = 16;

/** The barrier word of a shared memory whose first `length` values are the user's. */
export function nodeBarrierWord(memory: Float64Array, length: number): Int32Array {
  const end = memory.byteOffset + 8 * length;
  const line = Math.ceil(end / 64) * 64;
  return new Int32Array(memory.buffer, line, 1);
}

/** What {@link SpinWait} returns: the count reached, or the give-up bit set by this call. */
const SPIN_REACHED = 1;
const SPIN_GAVE_UP = 2;

let cores: number | undefined;

/**
 * The node's cores: all of them, not the affinity mask of this process (an MPI rank bound to one
 * core shares the node with the other ranks on the others).
 */
function nodeCores(): number {
  cores ??= Math.max(1, cpus().length);
  return cores;
}

/** The spinning barrier of one part in front of `fallback` (the backend's barrier). */
export class NodeBarrier {
  private readonly word: Int32Array | undefined;
  private readonly spinWait: SpinWait | undefined;
  private readonly step: number;
  private readonly clearsBits: boolean;
  private readonly spins: boolean;
  /** The adaptive budget of the JavaScript poll (the native one always polls MAX_SPIN_MS). */
  private spinMs = MAX_SPIN_MS;
  private readonly fallback: () => void;
  private count = 0;
  private parity = 0;

  /**
   * @param word the shared word, zero at the start, or `undefined` to always take `fallback` (when
   * the sharers are not every part, or several parts share one thread, as on Sequential).
   * @param parties parts arriving at the word (each one call per barrier).
   * @param clearsBits whether this part clears the give-up bits (exactly one part does).
   * @param fallback the backend's barrier, collective over the same parts.
   * @param spinWait the native wait (yields the core between polls), or `undefined` to spin in
   * JavaScript.
   */
  constructor(word: Int32Array | undefined, parties: number, clearsBits: boolean, fallback: () => void, spinWait?: SpinWait) {
    this.word = word;
    this.spinWait = spinWait;
    this.step = COUNT_STEP * parties;
    this.clearsBits = clearsBits;
    // Spinning while parts outnumber cores would take the core of the part being waited for.
    this.spins = parties <= nodeCores();
    this.fallback = fallback;
  }

  /** Returns when every part has arrived (see the module comment). */
  arrive(): void {
    const word = this.word;
    if (word === undefined) {
      this.fallback();
      return;
    }
    const bit = 1 << this.parity;
    this.parity ^= 1;
    const target = (this.count = (this.count + this.step) | 0);
    const seen = (Atomics.add(word, 0, COUNT_STEP) + COUNT_STEP) | 0;
    if ((seen & bit) === 0) {
      if (reached(seen, target)) {
        // Last to arrive: the others were on time, so spinning (in JavaScript) may pay again.
        this.spinMs = Math.max(this.spinMs, MIN_SPIN_MS);
        return;
      }
      const { spinWait } = this;
      if (spinWait !== undefined) {
        if (spinWait(word, 0, target, bit, this.spins ? MAX_SPIN_MS : 0) === SPIN_REACHED) return;
      } else {
        const outcome = spinInScript(word, target, bit, this.spins ? this.spinMs : 0);
        if (outcome === SPIN_REACHED) {
          this.spinMs = Math.min(Math.max(2 * this.spinMs, MIN_SPIN_MS), MAX_SPIN_MS);
          return;
        }
        if (outcome === SPIN_GAVE_UP) this.spinMs = this.spinMs > MIN_SPIN_MS ? this.spinMs / 2 : 0;
      }
    }
    this.fallback();
    if (this.clearsBits) Atomics.and(word, 0, ~bit);
  }
}

/** {@link SpinWait} in JavaScript, without yielding: for the SharedArrayBuffer of Threads. */
function spinInScript(word: Int32Array, target: number, bit: number, spinMs: number): number {
  const until = performance.now() + spinMs;
  for (let i = 1; ; i++) {
    const seen = Atomics.load(word, 0);
    if ((seen & bit) !== 0) return 0;
    if (reached(seen, target)) return SPIN_REACHED;
    if ((i & 63) === 0 && performance.now() > until && Atomics.compareExchange(word, 0, seen, seen | bit) === seen) return SPIN_GAVE_UP;
  }
}

/** Whether the count in `word` has reached `target` (both modulo 2^32, never 2^31 apart). */
function reached(word: number, target: number): boolean {
  return (((word & ~GIVE_UP_BITS) - target) | 0) >= 0;
}
