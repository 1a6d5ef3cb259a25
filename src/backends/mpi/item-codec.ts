/**
 * How {@link MpiBackend} lays items out in its message buffers. A plain typed array (the items
 * of the AMG set-up's exchanges and gathers: matrix rows, ids, values) is written as an 8-byte
 * header and its raw bytes straight into the buffer that MPI sends, and read back as a view of the
 * buffer MPI received into: one copy on each side. Any other item goes through `v8.serialize`
 * ({@link encodeItem}), as before. Measured on 2 ranks at n = 100, `amg(A)`'s exchanges moved
 * 4.7 MB of Float64Array per rank with about four page faults per 4 KiB page (the serializer's
 * growing buffer, the concatenation, the receive buffer and the deserializer's copy of a
 * misaligned array).
 *
 * Every message takes a multiple of 8 bytes, so that in a buffer of several messages each one
 * starts 8-aligned and a typed array read back can be a view at any element size. A serialized
 * message is padded with zeros, which the deserializer ignores (it reads one value); serialized
 * data starts with the version tag 0xFF, a raw one with {@link RAW_TAG}.
 *
 * What arrives is what `v8.deserialize` would give: a typed array of the same type and contents,
 * owning nothing else (properties other than its elements do not cross, as with the serializer),
 * and the same errors for items that cannot be copied.
 *
 * @module
 */
import { deserialize } from 'node:v8';
import { encodeItem } from '../seam-checks.js';

/** First byte of a raw typed array (v8's serialized data starts with 0xFF). */
const RAW_TAG = 1;
const HEADER_BYTES = 8;
/** Offset, in a raw header, of the index of the type in {@link RAW_TYPES}. */
const TYPE_AT = 1;
/** Offset of the number of padding bytes after the elements (0..7). */
const PAD_AT = 2;

type RawArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type RawConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => RawArray;

const RAW_TYPES: readonly RawConstructor[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];
const RAW_PROTOTYPES: readonly object[] = RAW_TYPES.map((type) => type.prototype as object);

/** The index of `item`'s type in {@link RAW_TYPES}, or -1 for anything else (subclasses included). */
function rawType(item: unknown): number {
  if (typeof item !== 'object' || item === null || !ArrayBuffer.isView(item)) return -1;
  return RAW_PROTOTYPES.indexOf(Object.getPrototypeOf(item) as object);
}

function padded(bytes: number): number {
  return (bytes + 7) & ~7;
}

/**
 * The items of one collective, measured for a message buffer: `lengths[k]` is the bytes item `k`
 * takes (a multiple of 8), `serialized[k]` its v8 serialization when it is not a plain typed array.
 */
export interface MeasuredItems {
  readonly items: readonly unknown[];
  readonly lengths: Int32Array;
  readonly serialized: readonly (Uint8Array | undefined)[];
}

/**
 * Measures `items` (serializing those that are not plain typed arrays).
 * @throws InvalidArgumentError (with `partId`) as {@link encodeItem}, for an item that cannot be
 * copied to another part.
 */
export function measureItems(items: readonly unknown[], collective: string, partId: number): MeasuredItems {
  const lengths = new Int32Array(items.length);
  const serialized = items.map((item, k) => {
    if (rawType(item) >= 0) {
      lengths[k] = HEADER_BYTES + padded((item as RawArray).byteLength);
      return undefined;
    }
    const bytes = encodeItem(item, collective, partId);
    lengths[k] = padded(bytes.length);
    return bytes;
  });
  return { items, lengths, serialized };
}

/** Writes item `k` of `measured` at `out[at]`, in its `lengths[k]` bytes. */
function writeItem(measured: MeasuredItems, k: number, out: Uint8Array, at: number): void {
  const end = at + measured.lengths[k];
  const bytes = measured.serialized[k];
  if (bytes !== undefined) {
    out.set(bytes, at);
    out.fill(0, at + bytes.length, end);
    return;
  }
  const item = measured.items[k] as RawArray;
  const data = new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
  out.fill(0, at, at + HEADER_BYTES);
  out[at] = RAW_TAG;
  out[at + TYPE_AT] = rawType(item);
  out[at + PAD_AT] = padded(data.length) - data.length;
  out.set(data, at + HEADER_BYTES);
  out.fill(0, at + HEADER_BYTES + data.length, end);
}

/**
 * Writes every item at `ptrs[k]` of `out` (`ptrs` as offsets of {@link MeasuredItems.lengths});
 * `out` is the caller's, the items are only read.
 * @example
 * ```ts
 * const measured = measureItems([Float64Array.of(1, 2), { a: 1 }], 'exchange', rank);
 * const ptrs = [0, measured.lengths[0]];
 * const out = new Uint8Array(measured.lengths[0] + measured.lengths[1]);
 * writeItems(measured, out, ptrs);
 * readItem(out, 0, ptrs[1]); // Float64Array [1, 2], a view of out's buffer
 * ```
 */
export function writeItems(measured: MeasuredItems, out: Uint8Array, ptrs: ArrayLike<number>): void {
  for (let k = 0; k < measured.items.length; k++) writeItem(measured, k, out, ptrs[k]);
}

/**
 * The item in `bytes[start..end)` (written by {@link writeItem}, `start` 8-aligned in its
 * buffer): a typed array is a view of `bytes`' buffer, which the caller then owns.
 */
export function readItem(bytes: Uint8Array, start: number, end: number): unknown {
  if (bytes[start] !== RAW_TAG) return deserialize(bytes.subarray(start, end));
  const type = RAW_TYPES[bytes[start + TYPE_AT]];
  const byteLength = end - start - HEADER_BYTES - bytes[start + PAD_AT];
  const elementSize = (type as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return new type(bytes.buffer, bytes.byteOffset + start + HEADER_BYTES, byteLength / elementSize);
}
