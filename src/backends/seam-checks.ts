/**
 * The argument checks of the {@link Backend} seam, written once and called by every backend before
 * any communication, so that the same misuse gives the same typed error, word for word, on
 * Sequential, Threads and MPI: part ids, one item per local part, the source array of a scatter,
 * the items and targets of an exchange, channel plans, and what may cross parts.
 *
 * `partId` is the caller's part on SPMD backends (Threads, MPI); on Sequential it is the part whose
 * data is wrong when one is, else `undefined`.
 *
 * @module
 */
import { deserialize, serialize } from 'node:v8';
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import type { ChannelPlan } from './backend.js';

/**
 * Checks that `part` is a part id of a run of `np` parts.
 * @throws InvalidArgumentError `"<what> must be a part id in 0..<np-1>, got <part>"`.
 * @example `checkPartId(4, 5, 'gather destination') // throws: gather destination must be a part id in 0..3, got 5`
 */
export function checkPartId(np: number, part: unknown, what: string, partId?: number): asserts part is number {
  if (!Number.isInteger(part) || (part as number) < 0 || (part as number) >= np) {
    throw new InvalidArgumentError(`${what} must be a part id in 0..${np - 1}, got ${describeValue(part)}`, { partId });
  }
}

/**
 * Checks that a backend method got one entry per local part.
 * @throws InvalidArgumentError `"<what>: expected one item per local part (<n>), got <m>"`.
 */
export function checkLocalItems(items: unknown, nLocalParts: number, what: string, partId?: number): void {
  const length = Array.isArray(items) ? items.length : undefined;
  if (length !== nLocalParts) {
    throw new InvalidArgumentError(
      `${what}: expected one item per local part (${nLocalParts}), got ${length === undefined ? describeValue(items) : length}`,
      { partId },
    );
  }
}

/**
 * Checks the item of a scatter's source part: an array of `np` items, one per part.
 * @throws InvalidArgumentError (with the source's part id) `"scatter: the source part must hold an
 * array of <np> items (one per part), got <what it holds>"`.
 */
export function checkScatterSource(all: unknown, np: number, source: number): asserts all is readonly unknown[] {
  if (!Array.isArray(all) || all.length !== np) {
    throw new InvalidArgumentError(
      `scatter: the source part must hold an array of ${np} items (one per part), got ${Array.isArray(all) ? `${all.length} items` : describeValue(all)}`,
      { partId: source },
    );
  }
}

/**
 * Checks one part's side of an exchange: an array of items, one per send target, and part ids in
 * the send and receive lists.
 * @throws InvalidArgumentError (with `partId`) when the items are not an array, their count differs
 * from the targets', or a target or source is not a part id.
 */
export function checkExchangeSide(
  np: number,
  items: unknown,
  targets: ArrayLike<number>,
  sources: ArrayLike<number>,
  partId: number,
): void {
  if (!Array.isArray(items) || items.length !== targets.length) {
    throw new InvalidArgumentError(
      `exchange: ${Array.isArray(items) ? items.length : 'no array of'} items to send but ${targets.length} send targets`,
      { partId },
    );
  }
  for (let k = 0; k < targets.length; k++) checkPartId(np, targets[k], `exchange send target ${k}`, partId);
  for (let k = 0; k < sources.length; k++) checkPartId(np, sources[k], `exchange receive source ${k}`, partId);
}

function checkSegments(np: number, parts: unknown, ptrs: unknown, what: 'snd' | 'rcv', partId: number): void {
  if (!(parts instanceof Int32Array) || !(ptrs instanceof Int32Array)) {
    throw new InvalidArgumentError(`channel plan: ${what} and ${what}Ptrs must be Int32Arrays`, { partId });
  }
  if (ptrs.length !== parts.length + 1 || ptrs[0] !== 0) {
    throw new InvalidArgumentError(
      `channel plan: ${what}Ptrs must have ${what}.length + 1 = ${parts.length + 1} entries starting at 0`,
      { partId },
    );
  }
  for (let k = 0; k < parts.length; k++) {
    if (!(parts[k] >= 0 && parts[k] < np)) {
      throw new InvalidArgumentError(`channel plan: ${what} lists ${parts[k]}, not a part id in 0..${np - 1}`, { partId });
    }
    if (ptrs[k + 1] < ptrs[k]) {
      throw new InvalidArgumentError(`channel plan: ${what}Ptrs decreases at ${k + 1}`, { partId });
    }
  }
}

/**
 * Checks the shape of one part's channel plan (not yet whether the parts' plans agree: that needs
 * communication and is each backend's own business).
 * @throws InvalidArgumentError (with `partId`) `"channel plan: ..."` when a list is not an
 * Int32Array, the offsets do not have one more entry than the list, do not start at 0 or decrease,
 * or a neighbour is not a part id.
 */
export function checkChannelPlan(np: number, plan: ChannelPlan, partId: number): void {
  if (typeof plan !== 'object' || plan === null) {
    throw new InvalidArgumentError(`channel plan: expected { snd, sndPtrs, rcv, rcvPtrs }, got ${describeValue(plan)}`, { partId });
  }
  checkSegments(np, plan.snd, plan.sndPtrs, 'snd', partId);
  checkSegments(np, plan.rcv, plan.rcvPtrs, 'rcv', partId);
}

/**
 * Serializes an item that crosses parts (`v8.serialize`, the structured clone algorithm): numbers,
 * strings, booleans, bigints, `null`/`undefined`, plain objects, arrays, Maps, Sets, Dates and typed
 * arrays. Functions, symbols, class instances' methods and other uncloneable values are refused.
 * @throws InvalidArgumentError (with `partId`) `"<collective>: an item cannot be copied to another
 * part (<reason>)"`.
 */
export function encodeItem(item: unknown, collective: string, partId: number | undefined): Uint8Array {
  try {
    return serialize(item);
  } catch (error) {
    throw uncopyable(collective, partId, error instanceof Error ? error.message : String(error));
  }
}

/**
 * A copy of an item as another part receives it, with the same rules as {@link encodeItem} (so a
 * one-process run refuses exactly what a distributed run refuses). Primitive values are returned
 * as they are: they are immutable.
 * @throws InvalidArgumentError (with `partId`) as {@link encodeItem}.
 */
export function copyItem<T>(item: T, collective: string, partId: number | undefined): T {
  switch (typeof item) {
    case 'number':
    case 'string':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return item;
    case 'function':
    case 'symbol':
      encodeItem(item, collective, partId); // throws, with the serializer's own words, as on the other backends
      return item;
    default:
      return item === null ? item : (deserialize(encodeItem(item, collective, partId)) as T);
  }
}

function uncopyable(collective: string, partId: number | undefined, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${collective}: an item cannot be copied to another part (${reason}); items that cross parts must be structured data: numbers, strings, plain objects, arrays, typed arrays`,
    { partId },
  );
}
