/**
 * Checks shared by every backend for part storage: the length given to
 * {@link Backend.allocateFloat64} and the receive arrays given to {@link Backend.createChannel}.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { checkArrayFits } from '../kernels/large-arrays.js';
import type { Backend, ChannelOptions, ChannelPlan } from './backend.js';

/**
 * Checks the `length` of {@link Backend.allocateFloat64} (`partId`: the caller's part on SPMD
 * backends) before anything is allocated, so that a request that cannot fit (a vector on 2^33 ids
 * over 3 parts asks for 22.9 GB per part) fails at once instead of being handed out lazily by the
 * operating system and killing the run while it is filled.
 * @throws InvalidArgumentError when it is not a non-negative safe integer, or when the array
 * cannot fit in this process (see {@link checkArrayFits}: the message gives the bytes asked for and
 * the limit).
 * @example `checkAllocationLength(length, this.rank)`
 */
export function checkAllocationLength(length: number, partId?: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new InvalidArgumentError(`allocateFloat64: length must be a non-negative safe integer, got ${String(length)}`, {
      partId,
    });
  }
  checkArrayFits(length, Float64Array.BYTES_PER_ELEMENT, 'allocateFloat64', partId);
}

function describe(value: unknown): string {
  if (value instanceof Float64Array) return `length ${value.length}`;
  if (typeof value === 'object' && value !== null) return value.constructor?.name ?? 'object';
  return typeof value;
}

/**
 * The receive array given for each local part in `options.recv` (`undefined` where the channel
 * allocates its own), checked before any communication.
 * @param partIds the backend's local parts (aligned with `plans`)
 * @param shared whether the arrays must live in a SharedArrayBuffer (Threads)
 * @throws InvalidArgumentError (with the part id) when `recv` does not have one entry per local
 * part, or an entry is not a Float64Array of the plan's receive length (or not shared memory when
 * `shared`).
 */
export function channelRecvArrays(
  plans: readonly ChannelPlan[],
  options: ChannelOptions | undefined,
  partIds: readonly number[],
  shared: boolean,
): (Float64Array | undefined)[] {
  const given = options?.recv;
  if (given === undefined) return plans.map(() => undefined);
  if (given.length !== plans.length) {
    throw new InvalidArgumentError(
      `createChannel: options.recv must have one entry per local part (${plans.length}), got ${String(given.length)}`,
      { partId: partIds.length === 1 ? partIds[0] : undefined },
    );
  }
  return plans.map((plan, i) => {
    const recv = given[i];
    if (recv === undefined) return undefined;
    const partId = partIds[i];
    const length = plan.rcvPtrs[plan.rcv.length];
    if (!(recv instanceof Float64Array) || recv.length !== length) {
      throw new InvalidArgumentError(
        `createChannel: options.recv must give a Float64Array of the plan's receive length ${length}, got ${describe(recv)}`,
        { partId },
      );
    }
    if (shared && !(recv.buffer instanceof SharedArrayBuffer)) {
      throw new InvalidArgumentError(
        'createChannel: options.recv arrays must live in a SharedArrayBuffer on this backend (allocate them with backend.allocateFloat64)',
        { partId },
      );
    }
    return recv;
  });
}
