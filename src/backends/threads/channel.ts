/**
 * The float64 halo {@link Channel} of the Threads backend: senders copy their send segments
 * straight into the receivers' shared inboxes with `TypedArray.set` and flag them with `Atomics`.
 *
 * Inbox of a part (made by {@link allocateInbox}): control words, where Int32 line 0 holds `ROUND`,
 * the round the owner is in, and line 1 + k holds the round of the last data that landed in
 * receive segment k and the round of the last data staged for it; a float64 staging buffer shaped
 * like the receive buffer; and the float64 receive buffer. Both live in shared memory: by default one
 * SharedArrayBuffer holds the words followed by the values; when the part gave its own receive
 * array (a vector's ghost region, see `ChannelOptions.recv`) the words get a small buffer of
 * their own and the values are that array, so senders write straight into the vector. Senders
 * cannot tell the two apart.
 *
 * Flow control: a sender pushes round r into a receiver only once the receiver's `ROUND` is ≥ r,
 * i.e. once it called `start()` of round r and so finished reading round r − 1. So a receive
 * buffer is written only between its owner's `start()` and the end of its `wait()`, which is what
 * makes delivering into a vector's ghosts safe. A sender that is ahead stages round r instead
 * (once the segment's round r − 1 landed, so the staging copy is free again), and the receiver
 * copies it over itself in its `wait()`: so the part that starts a round last finds its data
 * there and need not wait for the first one to wake up (a sleeping thread takes tens of µs to
 * wake, which every round of a solver loop would pay twice). Pushes that can do neither are
 * deferred to `wait()`; `start()` never blocks, so no two parts can wait for each other.
 *
 * @module
 */
import type { Channel } from '../backend.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Rendezvous } from './rendezvous.js';
import { Kind, kindName } from '../collectives.js';
import type { SharedState } from './shared-state.js';
import type { WaitSite, Waiter } from './waiting.js';

const LINE = 16;
const LINE_BYTES = 64;
const ROUND = 0;
/** Offset, in a receive segment's line, of the round of the values staged for it. */
const STAGED = 1;

/** A part's inbox: views of shared memory, posted as they are to the parts that send to it. */
export interface Inbox {
  /** Control words: `ROUND`, then one line per receive segment. */
  readonly words: Int32Array;
  /** The receive buffer (all segments, back to back). */
  readonly values: Float64Array;
  /** Where senders ahead of this part leave their values, laid out like `values`. */
  readonly staging: Float64Array;
}

/**
 * A shared inbox for `nSegments` receive segments holding `nValues` float64 values in all; the
 * values are `recv` when given (it must live in a SharedArrayBuffer and hold `nValues` values).
 * One SharedArrayBuffer holds the words, the staging buffer and (without `recv`) the values.
 */
export function allocateInbox(nSegments: number, nValues: number, recv?: Float64Array): Inbox {
  const wordBytes = (1 + nSegments) * LINE_BYTES;
  const valueBytes = nValues * Float64Array.BYTES_PER_ELEMENT;
  const buffer = new SharedArrayBuffer(wordBytes + (recv === undefined ? 2 : 1) * valueBytes);
  return {
    words: new Int32Array(buffer, 0, wordBytes / Int32Array.BYTES_PER_ELEMENT),
    staging: new Float64Array(buffer, wordBytes, nValues),
    values: recv ?? new Float64Array(buffer, wordBytes + valueBytes, nValues),
  };
}

/** One outgoing segment: where this part's send values go. */
export interface OutSegment {
  /** Receiving part. */
  readonly to: number;
  /** The receiver's inbox control words. */
  readonly words: Int32Array;
  /** The receiver's receive buffer. */
  readonly values: Float64Array;
  /** The receiver's staging buffer. */
  readonly staging: Float64Array;
  /** Index of the receiver's receive segment this one fills. */
  readonly segment: number;
  /** Offset of that segment in the receiver's receive buffer. */
  readonly offset: number;
  /** Start and end of the segment in this part's send buffer. */
  readonly from: number;
  readonly until: number;
}

/** The wiring of a channel on one part, as built collectively by `openChannel`. */
export interface ChannelWiring {
  readonly me: number;
  readonly state: SharedState;
  readonly waiter: Waiter;
  readonly rendezvous: Rendezvous;
  /** This part's inbox and the parts its receive segments come from. */
  readonly inbox: Inbox;
  readonly rcv: Int32Array;
  /** Offsets of the receive segments in the receive buffer (length `rcv.length + 1`). */
  readonly rcvPtrs: Int32Array;
  readonly sendLength: number;
  readonly out: readonly OutSegment[];
}

/** See the module comment. Created by `openChannel`; used by one part (thread). */
export class ThreadsChannel implements Channel, WaitSite {
  readonly kind = Kind.channelWait;
  readonly send: readonly Float64Array[];
  readonly recv: readonly Float64Array[];
  private readonly me: number;
  private readonly state: SharedState;
  private readonly waiter: Waiter;
  private readonly rendezvous: Rendezvous;
  private readonly words: Int32Array;
  private readonly rcv: Int32Array;
  /** Distinct parts that send to this one (woken when this part starts a round). */
  private readonly senders: readonly number[];
  private readonly out: readonly OutSegment[];
  /** `out[i]`'s values in the send buffer (views made once: a round allocates nothing). */
  private readonly sources: readonly Float64Array[];
  /** Receive segment k of the receive buffer and of the staging buffer (views made once). */
  private readonly receiveSegments: readonly Float64Array[];
  private readonly stagedSegments: readonly Float64Array[];
  private readonly deferred: Uint8Array;
  private nDeferred = 0;
  private round = 0;
  private inRound = false;

  constructor(wiring: ChannelWiring) {
    this.me = wiring.me;
    this.state = wiring.state;
    this.waiter = wiring.waiter;
    this.rendezvous = wiring.rendezvous;
    this.words = wiring.inbox.words;
    this.rcv = wiring.rcv;
    this.senders = [...new Set(wiring.rcv)].filter((q) => q !== wiring.me);
    this.out = wiring.out;
    const send = new Float64Array(wiring.sendLength);
    this.send = [send];
    this.recv = [wiring.inbox.values];
    this.sources = wiring.out.map((seg) => send.subarray(seg.from, seg.until));
    const { rcvPtrs } = wiring;
    const segment = (buffer: Float64Array, k: number): Float64Array => buffer.subarray(rcvPtrs[k], rcvPtrs[k + 1]);
    this.receiveSegments = Array.from(this.rcv, (_, k) => segment(wiring.inbox.values, k));
    this.stagedSegments = Array.from(this.rcv, (_, k) => segment(wiring.inbox.staging, k));
    this.deferred = new Uint8Array(wiring.out.length);
  }

  /**
   * Starts round r: declares this part's receive buffer free for round r, pushes the send
   * segments of every receiver that is ready for them and stages those it can for the others (the
   * rest go out in `wait()`).
   * @throws InvalidArgumentError when the previous round was not waited for.
   */
  start(): void {
    if (this.inRound) {
      throw new InvalidArgumentError('Channel.start() called again before wait()', { partId: this.me });
    }
    const r = ++this.round;
    this.inRound = true;
    Atomics.store(this.words, ROUND, r);
    const { out, deferred, senders } = this;
    for (let k = 0; k < senders.length; k++) this.state.wake(senders[k]);
    for (let i = 0; i < out.length; i++) {
      if (!this.deliver(i)) {
        deferred[i] = 1;
        this.nDeferred++;
      }
    }
  }

  /**
   * Blocks until every receive segment holds this round's values and every send segment went out.
   * @throws InvalidArgumentError without a matching `start()`; WorkerError or
   * CollectiveTimeoutError from the {@link Waiter}.
   */
  wait(): void {
    if (!this.inRound) {
      throw new InvalidArgumentError('Channel.wait() called without start()', { partId: this.me });
    }
    this.waiter.wait(this);
    this.inRound = false;
  }

  /** Whether every segment went out and every receive segment landed (copying staged ones over). */
  ready(): boolean {
    if (this.nDeferred > 0) this.pushDeferred();
    if (this.nDeferred > 0) return false;
    const { words, round } = this;
    for (let k = 0; k < this.rcv.length; k++) {
      const line = (1 + k) * LINE;
      if (Atomics.load(words, line) >= round) continue;
      // Values staged for a later round mean this round's came straight in after the load above.
      const staged = Atomics.load(words, line + STAGED);
      if (staged < round) return false;
      if (staged > round) continue;
      // One native copy through views made once: an element loop here ran interpreted in the first
      // solve of a run and made this method hot enough for V8 to compile it mid-solve, on a core
      // a part needed.
      this.receiveSegments[k].set(this.stagedSegments[k]);
      Atomics.store(words, line, round);
    }
    return true;
  }

  /** Whether a send segment to `q` is deferred or a receive segment from `q` has not landed. */
  awaits(q: number): boolean {
    const { out, deferred, rcv, words, round } = this;
    for (let i = 0; i < out.length; i++) if (deferred[i] === 1 && out[i].to === q) return true;
    for (let k = 0; k < rcv.length; k++) {
      const line = (1 + k) * LINE;
      if (rcv[k] === q && Atomics.load(words, line) < round && Atomics.load(words, line + STAGED) < round) return true;
    }
    return false;
  }

  /** A part that returned, or that waits in a central collective this part has not entered. */
  stuck(q: number): string | undefined {
    if (this.state.isDone(q)) return 'returned from main';
    const arrived = this.state.arrived(q);
    if (arrived > this.rendezvous.entered) {
      return `waits in ${kindName(this.state.collectiveWord(q, arrived & 1) & 0xff)}`;
    }
    return undefined;
  }

  private pushDeferred(): void {
    const { out, deferred, round } = this;
    for (let i = 0; i < out.length; i++) {
      if (deferred[i] === 1 && this.deliver(i)) {
        deferred[i] = 0;
        this.nDeferred--;
      }
    }
  }

  /**
   * Sends segment `i` of this round straight into the receive buffer when the receiver is in the
   * round, else into its staging buffer once the receiver has the previous round's values (so it
   * is done reading the staging buffer); returns false when neither may be written yet.
   */
  private deliver(i: number): boolean {
    const seg = this.out[i];
    const { round } = this;
    const line = (1 + seg.segment) * LINE;
    if (Atomics.load(seg.words, ROUND) >= round) {
      seg.values.set(this.sources[i], seg.offset);
      Atomics.store(seg.words, line, round);
    } else if (Atomics.load(seg.words, line) >= round - 1) {
      seg.staging.set(this.sources[i], seg.offset);
      Atomics.store(seg.words, line + STAGED, round);
    } else {
      return false;
    }
    this.state.wake(seg.to);
    return true;
  }
}
