/**
 * Messages over a stream socket: a 4-byte big-endian length, then the message in V8's
 * serialization (typed arrays, Maps, nested data as structured clone has them).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';

/** Writes `message` as one frame. @throws when `message` cannot be serialized (a function, a class instance's methods). */
export function writeFrame(socket: Socket, message: unknown): void {
  const body = serialize(message);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  socket.write(head);
  socket.write(body);
}

/** Cuts the bytes of a socket into messages; `push` every chunk, `onMessage` gets each message. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly onMessage: (message: unknown) => void;

  constructor(onMessage: (message: unknown) => void) {
    this.onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.joined();
      const length = head.readUInt32BE(0);
      if (this.buffered < 4 + length) return;
      const all = this.joined();
      const message = deserialize(all.subarray(4, 4 + length));
      const rest = all.subarray(4 + length);
      this.chunks = rest.length === 0 ? [] : [rest];
      this.buffered = rest.length;
      this.onMessage(message);
    }
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }
}
