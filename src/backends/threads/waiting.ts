/**
 * How a worker blocks: spin briefly (only while parts ≤ cores), then sleep on its doorbell with
 * `Atomics.wait`, waking to abort, to a timeout, or when the awaited parts can no longer arrive.
 *
 * @module
 */
// The module's binding, not the global: `globalThis.performance` is a lazy accessor, a getter
// call on every read, which V8 compiles on its own during the first solve of a run.
import { performance } from 'node:perf_hooks';
import { CollectiveTimeoutError, WorkerError } from '../../errors.js';
import { kindName, partList } from '../collectives.js';
import type { SharedState } from './shared-state.js';

/**
 * Longest spin before sleeping, in milliseconds. Short enough that a part spinning while the
 * part it waits for was preempted (by V8's compile threads, say, on a machine with as many cores
 * as parts) hands its core back soon.
 */
const MAX_SPIN_MS = 0.25;
/**
 * Shortest spin: in the order of the time a part takes to wake from `Atomics.wait` in a virtual
 * machine (50 to 100 µs). A part woken from a sleep arrives that late at the next wait of the
 * others, so with a shorter floor their spins run out in turn and every wait of a solver loop
 * ends in a sleep (measured, Poisson n=30 on 2 parts: with a 10 µs floor and a 50 µs ceiling
 * about half of the 226 waits of each part slept; interleaved runs, 8 each, load 2.5-4.4: solve
 * median 23.6 ms, min 19.7, against 18.4 and 13.2 with these bounds).
 */
const MIN_SPIN_MS = 0.05;
/** Longest single sleep, in milliseconds: a safety net, since every state change rings the bell. */
const SLEEP_SLICE_MS = 250;

/**
 * Something a part waits for: a collective, a channel round, the start signal. Implementations
 * are long-lived objects, so waiting allocates nothing on the fast path.
 */
export interface WaitSite {
  /** The {@link Kind} code of what is awaited (names it in errors). */
  readonly kind: number;
  /** Whether the wait is over. May make progress as a side effect (e.g. deferred channel pushes). */
  ready(): boolean;
  /**
   * Whether part `q`'s contribution is still missing. Allocation-free: a part that sleeps asks
   * it of every part each time it wakes without the site being ready.
   */
  awaits(q: number): boolean;
  /**
   * Why part `q` can never contribute any more (`'returned from main'`, `'waits in barrier'`), or
   * `undefined` while it still may.
   */
  stuck(q: number): string | undefined;
}

/** Blocks one part (`me`) until a {@link WaitSite} is ready; see the module comment. */
export class Waiter {
  private readonly state: SharedState;
  private readonly me: number;
  private readonly spin: boolean;
  private readonly timeoutMs: number;
  /**
   * Current spin budget, adapted like an adaptive mutex: halved when a spin ends in sleep (the
   * other parts are slow or share our core), doubled when it succeeds.
   */
  private spinMs = MAX_SPIN_MS;

  /**
   * @param spin whether to spin before sleeping (callers pass false when parts outnumber cores).
   * @param timeoutMs how long a part waits before it reports the missing parts.
   */
  constructor(state: SharedState, me: number, spin: boolean, timeoutMs: number) {
    this.state = state;
    this.me = me;
    this.spin = spin;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Returns once `site.ready()`.
   * @throws WorkerError naming the failed part when the run was aborted.
   * @throws CollectiveTimeoutError when the missing parts cannot arrive, or did not within the
   * collective timeout.
   */
  wait(site: WaitSite): void {
    if (site.ready()) return;
    if (this.spin && this.spinUntilReady(site)) return;
    this.sleep(site);
  }

  /**
   * Spins on this part's doorbell for the current spin budget, re-checking `site` each time the
   * bell rings; returns whether `site` became ready. The budget adapts like an adaptive mutex's.
   */
  private spinUntilReady(site: WaitSite): boolean {
    const { state, me } = this;
    const until = performance.now() + this.spinMs;
    state.setSpinning(me, true);
    let ready = false;
    for (;;) {
      const seen = state.doorbell(me);
      if (site.ready()) {
        ready = true;
        break;
      }
      if (!state.spinOnBell(me, seen, until)) break;
    }
    state.setSpinning(me, false);
    this.spinMs = ready ? Math.min(2 * this.spinMs, MAX_SPIN_MS) : Math.max(this.spinMs / 2, MIN_SPIN_MS);
    return ready;
  }

  private sleep(site: WaitSite): void {
    const { state, me } = this;
    const deadline = performance.now() + this.timeoutMs;
    try {
      for (;;) {
        this.checkAbort(site);
        const seen = state.doorbell(me);
        state.setSleeping(me, site.kind);
        if (site.ready()) return;
        this.checkStuck(site);
        const left = deadline - performance.now();
        if (left <= 0) throw this.timeout(site, this.missing(site));
        state.sleep(me, seen, Math.min(left, SLEEP_SLICE_MS));
      }
    } finally {
      state.setSleeping(me, 0);
    }
  }

  private checkAbort(site: WaitSite): void {
    const failed = this.state.abortedBy();
    if (failed < 0) return;
    throw new WorkerError(
      failed,
      new Error(`the run was aborted (part ${this.me} stopped waiting in ${kindName(site.kind)})`),
    );
  }

  /**
   * Throws when a missing part is stuck; its state is read before re-checking that it is missing.
   * Allocation-free unless some part is stuck (this runs on every sleep, which on a loaded machine
   * is most waits).
   */
  private checkStuck(site: WaitSite): void {
    const { np } = this.state;
    let q = 0;
    while (q < np && !(site.awaits(q) && site.stuck(q) !== undefined)) q++;
    if (q === np) return;
    const reasons = new Map<number, string>();
    for (const p of this.missing(site)) {
      const reason = site.stuck(p);
      if (reason !== undefined) reasons.set(p, reason);
    }
    if (reasons.size === 0) return;
    const still = this.missing(site);
    const never = [...reasons.keys()].filter((q) => still.includes(q));
    if (never.length === 0) return;
    const why = never.map((q) => `part ${q} ${reasons.get(q) as string}`).join('; ');
    throw new CollectiveTimeoutError(
      kindName(site.kind),
      never,
      `${kindName(site.kind)} cannot complete: ${partList(never)} will never arrive (${why})`,
      { partId: this.me },
    );
  }

  /** The parts `site` still awaits, ascending (slow path: errors only). */
  private missing(site: WaitSite): number[] {
    const out: number[] = [];
    for (let q = 0; q < this.state.np; q++) if (site.awaits(q)) out.push(q);
    return out;
  }

  private timeout(site: WaitSite, missing: number[]): CollectiveTimeoutError {
    return new CollectiveTimeoutError(
      kindName(site.kind),
      missing,
      `${kindName(site.kind)}: ${partList(missing)} did not arrive within ${this.timeoutMs} ms (${this.describe(missing)})`,
      { partId: this.me },
    );
  }

  private describe(parts: readonly number[]): string {
    return parts
      .map((q) => {
        if (this.state.isDone(q)) return `part ${q} returned from main`;
        const kind = this.state.waitingIn(q);
        return kind === 0 ? `part ${q} is running` : `part ${q} waits in ${kindName(kind)}`;
      })
      .join('; ');
  }
}
