/**
 * The meeting point of the central collectives (barrier, gather, scatter, multicast,
 * allgatherFloat64, exchange, createChannel): every part enters collective number `seq` and
 * waits until all parts entered the same one.
 *
 * Buffers written for a collective (outboxes, float64 slots) are double-buffered by the parity of
 * `seq`: a part may write the buffers of parity `(seq + 1) & 1` as soon as it left collective
 * `seq`, because every reader of collective `seq - 1` (same parity) has entered `seq`, which it
 * does only after it finished reading. So one rendezvous per collective suffices.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import { Kind, kindName, type KindCode } from '../collectives.js';
import type { SharedState } from './shared-state.js';
import type { WaitSite, Waiter } from './waiting.js';

/** `root` value of collectives without a root part. */
export const NO_ROOT = -2;
/** `root` value of collectives whose destination is every part. */
export const ALL_PARTS = -1;

/** A collective word packs the kind (low byte) and the root part + 2 (above). */
function collectiveWord(kind: KindCode, root: number): number {
  return kind | ((root + 2) << 8);
}

function rootName(word: number): string {
  const root = (word >> 8) - 2;
  return root === ALL_PARTS ? "'all'" : `part ${root}`;
}

/** The central collectives of one part (`me`); see the module comment. */
export class Rendezvous implements WaitSite {
  kind: number = Kind.barrier;
  private readonly state: SharedState;
  private readonly waiter: Waiter;
  private readonly me: number;
  private seq = 0;
  private word = 0;

  constructor(state: SharedState, waiter: Waiter, me: number) {
    this.state = state;
    this.waiter = waiter;
    this.me = me;
  }

  /** Number of collectives this part has entered. */
  get entered(): number {
    return this.seq;
  }

  /** Parity of the next collective: which double-buffered slots it may write before entering. */
  get nextParity(): number {
    return (this.seq + 1) & 1;
  }

  /**
   * Enters the next collective and blocks until every part entered it.
   * @throws InvalidArgumentError when the parts disagree on the root (e.g. gather destinations).
   * @throws WorkerError or CollectiveTimeoutError from the {@link Waiter}.
   */
  meet(kind: KindCode, root: number): void {
    const seq = ++this.seq;
    this.kind = kind;
    this.word = collectiveWord(kind, root);
    this.state.enter(this.me, seq, this.word);
    this.waiter.wait(this);
    if (root === NO_ROOT) return;
    const parity = seq & 1;
    for (let q = 0; q < this.state.np; q++) {
      const other = this.state.collectiveWord(q, parity);
      if (other !== this.word) {
        throw new InvalidArgumentError(
          `${kindName(kind)}: the parts disagree on the root: ${rootName(this.word)} here, ${rootName(other)} on part ${q}`,
          { partId: this.me },
        );
      }
    }
  }

  ready(): boolean {
    const { state, seq } = this;
    const parity = seq & 1;
    const kind = this.word & 0xff;
    for (let q = 0; q < state.np; q++) {
      if (state.arrived(q) < seq || (state.collectiveWord(q, parity) & 0xff) !== kind) return false;
    }
    return true;
  }

  awaits(q: number): boolean {
    return !this.hasArrived(q);
  }

  /**
   * A part that returned, or that entered a different collective with the same number: it waits
   * there, or it already threw there (seeing this part elsewhere) and entered its next
   * collective, which writes the other parity's word, so the one read here still tells.
   */
  stuck(q: number): string | undefined {
    if (this.state.isDone(q)) return 'returned from main';
    const arrived = this.state.arrived(q);
    if (arrived === this.seq || arrived === this.seq + 1) {
      return `waits in ${kindName(this.state.collectiveWord(q, this.seq & 1) & 0xff)}`;
    }
    return undefined;
  }

  private hasArrived(q: number): boolean {
    const { state, seq } = this;
    return state.arrived(q) >= seq && (state.collectiveWord(q, seq & 1) & 0xff) === (this.word & 0xff);
  }
}
