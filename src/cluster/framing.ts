/**
 * Messages over a stream socket. A frame is a 4-byte big-endian length of the message in V8's
 * serialization (typed arrays, Maps, nested data as structured clone has them), a 4-byte length
 * of raw bytes, the message, then the raw bytes: the message's `value` when it is a typed array
 * of a standard type (scatter's pieces, gather's answers), sent as its bytes (no serialized copy
 * on the way out) and received straight into the memory that becomes the value (no copy on the
 * way in).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';

/** Typed arrays whose bytes travel raw, by name (a subclass such as Buffer is serialized). */
const RAW_TYPES = new Map<string, new (buffer: ArrayBuffer) => ArrayBufferView>(
  [
    Int8Array,
    Uint8Array,
    Uint8ClampedArray,
    Int16Array,
    Uint16Array,
    Int32Array,
    Uint32Array,
    Float32Array,
    Float64Array,
    BigInt64Array,
    BigUint64Array,
  ].map((type) => [type.name, type as unknown as new (buffer: ArrayBuffer) => ArrayBufferView]),
);

/**
 * The field of a frame's serialized message naming the type of the typed array its raw bytes
 * make, which becomes the message's `value` (messages are the protocol's envelopes: none has it).
 */
const RAW_TYPE = 'rawValueType';

function rawTypeOf(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const name = (value.constructor as { name?: string }).name;
  return name !== undefined && RAW_TYPES.get(name) === value.constructor ? name : undefined;
}

/**
 * Writes `message` as one frame; resolves once the socket has handed every byte to the system,
 * after which the caller may change the memory of a typed array `value` (until then the socket
 * reads it).
 * @throws when `message` cannot be serialized (a function, a class instance's methods).
 */
export function writeFrame(socket: Socket, message: unknown): Promise<void> {
  const value = (message as { value?: unknown } | null)?.value;
  const rawType = rawTypeOf(value);
  const view = rawType === undefined ? undefined : (value as ArrayBufferView);
  const header = view === undefined ? message : { ...(message as object), value: undefined, [RAW_TYPE]: rawType };
  const body = serialize(header);
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(body.length, 0);
  head.writeUInt32BE(view?.byteLength ?? 0, 4);
  socket.write(head);
  return new Promise((resolve) => {
    if (view === undefined || view.byteLength === 0) {
      socket.write(body, () => resolve());
    } else {
      socket.write(body);
      socket.write(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), () => resolve());
    }
  });
}

/**
 * Cuts the bytes of a socket into messages; `push` every chunk, `onMessage` gets each message.
 * A frame's message and raw bytes are copied once, into memory of their final size allocated
 * when the frame's lengths are known (the chunks themselves are not kept).
 */
export class FrameReader {
  private readonly onMessage: (message: unknown) => void;
  /** The 8 bytes of lengths being read. */
  private readonly lengths = Buffer.alloc(8);
  private lengthsRead = 0;
  /** The frame being read: its serialized message, then its raw bytes, and how much is in. */
  private body: Buffer | undefined;
  private raw: Uint8Array | undefined;
  private bodyRead = 0;
  private rawRead = 0;

  constructor(onMessage: (message: unknown) => void) {
    this.onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.body === undefined) {
        const n = Math.min(8 - this.lengthsRead, chunk.length - at);
        chunk.copy(this.lengths, this.lengthsRead, at, at + n);
        this.lengthsRead += n;
        at += n;
        if (this.lengthsRead < 8) return;
        this.body = Buffer.allocUnsafe(this.lengths.readUInt32BE(0));
        const rawLength = this.lengths.readUInt32BE(4);
        this.raw = rawLength === 0 ? undefined : new Uint8Array(new ArrayBuffer(rawLength));
        this.bodyRead = 0;
        this.rawRead = 0;
      }
      if (this.bodyRead < this.body.length) {
        const n = Math.min(this.body.length - this.bodyRead, chunk.length - at);
        chunk.copy(this.body, this.bodyRead, at, at + n);
        this.bodyRead += n;
        at += n;
      }
      if (this.raw !== undefined && this.bodyRead === this.body.length && this.rawRead < this.raw.length) {
        const n = Math.min(this.raw.length - this.rawRead, chunk.length - at);
        this.raw.set(chunk.subarray(at, at + n), this.rawRead);
        this.rawRead += n;
        at += n;
      }
      if (this.bodyRead === this.body.length && this.rawRead === (this.raw?.length ?? 0)) this.deliver();
    }
  }

  private deliver(): void {
    const message = deserialize(this.body as Buffer) as Record<string, unknown>;
    const raw = this.raw;
    this.body = undefined;
    this.raw = undefined;
    this.lengthsRead = 0;
    const rawType = message[RAW_TYPE];
    if (typeof rawType === 'string') {
      const Type = RAW_TYPES.get(rawType) as new (buffer: ArrayBuffer) => ArrayBufferView;
      message.value = new Type((raw?.buffer as ArrayBuffer | undefined) ?? new ArrayBuffer(0));
      delete message[RAW_TYPE];
    }
    this.onMessage(message);
  }
}
