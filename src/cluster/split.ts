/**
 * How `scatter` cuts an array into one piece per part (contiguous blocks in part order, the last
 * `n % np` parts one longer, as `uniformPartition`) and how `gather` joins the pieces.
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { blockStart } from '../partitions/uniform-partition.js';

/** What can be scattered: an array, a typed array, or a string. */
export type Splittable = readonly unknown[] | string | ArrayBufferView;

function isTypedArray(value: unknown): value is Float64Array {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Typed arrays' own `slice`, which copies (a Node.js Buffer's `slice` is a view instead). */
const copyOfRange = (Object.getPrototypeOf(Uint8Array.prototype) as Float64Array).slice;

/**
 * The `np` pieces of `value`: copies (`slice`), so a piece sent to an engine does not carry the
 * rest of the array's memory with it, and the caller may change `value` once this returns. A
 * typed array's pieces own their whole ArrayBuffer, which may therefore be transferred.
 * @throws InvalidArgumentError when `value` is not an array, a typed array or a string.
 */
export function splitForParts(value: unknown, np: number, what: string): unknown[] {
  if (!(typeof value === 'string' || Array.isArray(value) || isTypedArray(value))) {
    throw new InvalidArgumentError(`${what} must be an array, a typed array or a string, got ${describeValue(value)}`);
  }
  const n = value.length;
  const piece = (p: number): unknown => {
    const [from, to] = [blockStart(p, n, np), blockStart(p + 1, n, np)];
    return isTypedArray(value) ? copyOfRange.call(value, from, to) : value.slice(from, to);
  };
  return Array.from({ length: np }, (_, p) => piece(p));
}

/**
 * A copy of `value` that owns its ArrayBuffer when `value` is a typed array over a (not shared)
 * ArrayBuffer, to be transferred: one copy, where structured clone would make two (serialized,
 * then deserialized by the receiver). Else undefined.
 */
export function transferableCopy(value: unknown): ArrayBufferView | undefined {
  if (!isTypedArray(value) || !(value.buffer instanceof ArrayBuffer)) return undefined;
  return copyOfRange.call(value);
}

/**
 * `[value.buffer]` when `value` is a typed array that alone uses its (not shared) ArrayBuffer, as
 * a scatter piece does: the transfer list that moves it to a worker thread without a copy. Else `[]`.
 */
export function ownBuffer(value: unknown): ArrayBuffer[] {
  if (!isTypedArray(value) || !(value.buffer instanceof ArrayBuffer)) return [];
  return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? [value.buffer] : [];
}

/**
 * The pieces joined in part order: strings concatenated, typed arrays of one type into one of that
 * type, anything else into one array (array pieces spread, other values as elements).
 */
export function joinParts(pieces: readonly unknown[]): unknown {
  if (pieces.every((piece) => typeof piece === 'string')) return pieces.join('');
  const first = pieces[0];
  if (isTypedArray(first) && pieces.every((piece) => isTypedArray(piece) && piece.constructor === first.constructor)) {
    const typed = pieces as readonly Float64Array[];
    const out = new (first.constructor as Float64ArrayConstructor)(typed.reduce((sum, piece) => sum + piece.length, 0));
    let at = 0;
    for (const piece of typed) {
      out.set(piece, at);
      at += piece.length;
    }
    return out;
  }
  return pieces.flatMap((piece) => (Array.isArray(piece) ? piece : [piece]));
}
