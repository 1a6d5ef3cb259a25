/**
 * Structured data between parts through shared memory: each part writes the items it sends, as
 * `v8.serialize`d letters, into its own growable outbox; after the collective's rendezvous the
 * receivers read and deserialize them in place. `postMessage` is never used on this path.
 *
 * Outbox layout (one per part and collective parity): Int32 `count`, then `count` entries of
 * (`to`, `byteOffset`, `byteLength`), then the letters' bytes, each 8-byte aligned. `to` is a
 * part id or {@link ALL_PARTS}. Only the owner writes its outbox, only between rendezvous, so
 * readers never see a letter being written. When letters do not fit, the owner replaces the
 * outbox by a larger SharedArrayBuffer (sent to every part over the peer ports) and bumps its
 * outbox generation; a reader that sees a new generation adopts the new buffers before reading.
 * (Fixed buffers replaced on demand, rather than growable ones: those reserve their maximum size
 * of address space per buffer until garbage-collected, which many runs in one process exhaust.)
 *
 * @module
 */
import v8 from 'node:v8';
import { InvalidArgumentError } from '../../errors.js';
import { ALL_PARTS } from './rendezvous.js';
import type { PeerPorts } from './peer-ports.js';
import type { SharedBuffers } from './messages.js';
import type { SharedState } from './shared-state.js';

/**
 * One serialized item (by `encodeItem` of the seam checks, so every backend refuses the same
 * items) and its recipient (a part id or {@link ALL_PARTS}).
 */
export interface Letter {
  readonly to: number;
  readonly bytes: Uint8Array;
}

const ENTRY = 3;
const typedArraySlice = Object.getPrototypeOf(Uint8Array.prototype).slice as (this: ArrayBufferView) => ArrayBufferView;
/** Node's hook for typed arrays (documented in the v8 module, missing from its typings). */
const readHostObject = (
  v8.DefaultDeserializer.prototype as unknown as { _readHostObject(this: v8.Deserializer): unknown }
)._readHostObject;

/**
 * Node's deserializer returns typed arrays that alias the input bytes; here the input is another
 * part's outbox, so every typed array is copied into memory of its own.
 */
class CopyingDeserializer extends v8.DefaultDeserializer {
  _readHostObject(): unknown {
    const view = readHostObject.call(this) as ArrayBufferView;
    if (view instanceof DataView) {
      return new DataView(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    }
    return typedArraySlice.call(view);
  }
}

function decode(bytes: Uint8Array): unknown {
  const deserializer = new CopyingDeserializer(bytes);
  deserializer.readHeader();
  return deserializer.readValue();
}

/** Largest outbox: the header holds Int32 offsets. */
const MAX_OUTBOX_BYTES = 2 ** 31 - 8;

/** The outboxes of a run as seen from part `me`. */
export class Mailbox {
  private readonly me: number;
  private readonly state: SharedState;
  private readonly peers: PeerPorts;
  private readonly headers: Int32Array[];
  private readonly bytes: Uint8Array[];
  /** Per part, the outbox generation this part's views are up to date with. */
  private readonly generations: Int32Array;

  constructor(buffers: SharedBuffers, state: SharedState, peers: PeerPorts, me: number) {
    this.me = me;
    this.state = state;
    this.peers = peers;
    this.headers = buffers.outboxes.map((sab) => new Int32Array(sab));
    this.bytes = buffers.outboxes.map((sab) => new Uint8Array(sab));
    this.generations = new Int32Array(state.np);
  }

  /**
   * Writes this part's letters for the next collective of `parity`, replacing the previous ones.
   * @throws InvalidArgumentError when they exceed 2 GiB.
   */
  post(parity: number, letters: readonly Letter[], what: string): void {
    const box = 2 * this.me + parity;
    let size = align8((1 + ENTRY * letters.length) * Int32Array.BYTES_PER_ELEMENT);
    const offsets = letters.map((letter) => {
      const offset = size;
      size = align8(size + letter.bytes.length);
      return offset;
    });
    if (size > this.bytes[box].length) this.replace(parity, size, what);
    const header = this.headers[box];
    const bytes = this.bytes[box];
    header[0] = letters.length;
    letters.forEach((letter, i) => {
      header[1 + ENTRY * i] = letter.to;
      header[2 + ENTRY * i] = offsets[i];
      header[3 + ENTRY * i] = letter.bytes.length;
      bytes.set(letter.bytes, offsets[i]);
    });
  }

  /** Number of letters part `from` posted for the collective of `parity`. */
  count(from: number, parity: number): number {
    return this.header(from, parity)[0];
  }

  /** Recipient of letter `i` of part `from` (a part id or {@link ALL_PARTS}). */
  recipient(from: number, parity: number, i: number): number {
    return this.header(from, parity)[1 + ENTRY * i];
  }

  /** A copy of the item of letter `i` of part `from`. */
  open(from: number, parity: number, i: number): unknown {
    const header = this.header(from, parity);
    const offset = header[2 + ENTRY * i];
    return decode(this.bytes[2 * from + parity].subarray(offset, offset + header[3 + ENTRY * i]));
  }

  /**
   * The first letter of part `from` addressed to `to` (or to every part), copied.
   * @throws InvalidArgumentError when there is none (the parts' collectives are out of step).
   */
  openFor(from: number, parity: number, to: number, what: string): unknown {
    for (let i = 0; i < this.count(from, parity); i++) {
      const r = this.recipient(from, parity, i);
      if (r === to || r === ALL_PARTS) return this.open(from, parity, i);
    }
    throw new InvalidArgumentError(`${what}: part ${from} sent nothing to this part`, { partId: to });
  }

  /** Part `from`'s outbox header, after adopting the outboxes it replaced since the last look. */
  private header(from: number, parity: number): Int32Array {
    if (this.state.outboxGeneration(from) !== this.generations[from]) {
      for (const message of this.peers.takeOutboxes(from)) {
        this.adopt(from, message.parity, message.buffer);
        this.generations[from] = message.generation;
      }
    }
    return this.headers[2 * from + parity];
  }

  private adopt(from: number, parity: number, buffer: SharedArrayBuffer): void {
    this.headers[2 * from + parity] = new Int32Array(buffer);
    this.bytes[2 * from + parity] = new Uint8Array(buffer);
  }

  /**
   * Replaces this part's outbox of `parity` by one of at least `size` bytes and announces it:
   * first to every part (message), then in the shared generation word, which readers check.
   */
  private replace(parity: number, size: number, what: string): void {
    if (size > MAX_OUTBOX_BYTES) {
      throw new InvalidArgumentError(
        `${what}: the items sent by this part serialize to ${size} bytes, more than a collective can carry (2 GiB); send them in pieces`,
        { partId: this.me },
      );
    }
    const { me, state } = this;
    const buffer = new SharedArrayBuffer(Math.min(Math.max(size, 2 * this.bytes[2 * me + parity].length), MAX_OUTBOX_BYTES));
    this.adopt(me, parity, buffer);
    const generation = ++this.generations[me];
    for (let q = 0; q < state.np; q++) {
      if (q !== me) this.peers.post(q, { type: 'outbox', from: me, parity, generation, buffer });
    }
    state.setOutboxGeneration(me, generation);
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
