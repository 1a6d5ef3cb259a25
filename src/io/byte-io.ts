/**
 * Positioned reads and writes of whole byte ranges (node:fs moves at most 2 GiB per call and may
 * move less than asked), and the checks every binary reader makes on what it got.
 *
 * @module
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import { FileFormatError } from '../errors.js';
import { largeArrays } from '../kernels/large-arrays.js';

/** Largest byte count handed to one read or write call. */
const CHUNK = 1 << 30;

/** Writes all of `bytes` at `position` of `fd`. */
export function writeAt(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    const count = Math.min(CHUNK, bytes.length - done);
    done += writeSync(fd, bytes, done, count, position + done);
  }
}

/** Writes the bytes of a typed array at `position` (in the machine's byte order). */
export function writeArrayAt(fd: number, array: ArrayBufferView, position: number): void {
  writeAt(fd, new Uint8Array(array.buffer, array.byteOffset, array.byteLength), position);
}

/**
 * Reads exactly `length` bytes at `position` of the file `path` open as `fd`, into memory from
 * {@link largeArrays} (huge pages for large reads: filling fresh 4 KiB pages costs more than the
 * read itself on a virtual machine), aligned for any typed array view.
 * @throws FileFormatError at the offset where the file ends when it ends before.
 */
export function readAt(fd: number, path: string, position: number, length: number, what: string): Uint8Array {
  return readInto(fd, path, position, largeArrays.uint8(length), what);
}

/**
 * Fills `bytes` from `position` of the file `path` open as `fd`; returns `bytes`.
 * @throws FileFormatError at the offset where the file ends when it ends before.
 */
export function readInto(fd: number, path: string, position: number, bytes: Uint8Array, what: string): Uint8Array {
  const length = bytes.length;
  let done = 0;
  while (done < length) {
    const got = readSync(fd, bytes, done, Math.min(CHUNK, length - done), position + done);
    if (got === 0) {
      throw new FileFormatError(`truncated: the file ends inside ${what} (${length} bytes expected from offset ${position})`, {
        path,
        offset: position + done,
      });
    }
    done += got;
  }
  return bytes;
}

/** Size of the open file in bytes. */
export function fileSize(fd: number): number {
  return fstatSync(fd).size;
}

/**
 * Checks that the file is exactly `expected` bytes long.
 * @throws FileFormatError naming the offset where the file ends (truncated) or where the
 * unexpected bytes start (too long).
 */
export function expectFileSize(path: string, actual: number, expected: number, layout: string): void {
  if (actual < expected) {
    throw new FileFormatError(`truncated: ${layout} needs ${expected} bytes, the file has ${actual}`, { path, offset: actual });
  }
  if (actual > expected) {
    throw new FileFormatError(`${actual - expected} unexpected bytes after ${layout} (${expected} bytes)`, { path, offset: expected });
  }
}

/** True when this machine stores numbers little-endian (then float64 arrays are written as they are). */
export const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
