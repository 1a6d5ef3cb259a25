/**
 * What every backend's {@link Window} and {@link SharedMemory} share: the argument checks of the
 * one-sided calls (written once, so the same misuse gives the same typed error, word for word, on
 * Sequential, Threads and MPI), the freed state, the refusal of collectives inside per-part code,
 * and the list of live windows a backend frees when it is disposed. Each backend supplies only
 * the data movement (a {@link WindowTransport} or {@link SharedTransport}).
 *
 * @module
 */
import { DimensionMismatchError, IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import { describeValue } from '../argument-checks.js';
import { checkArrayFits } from '../kernels/large-arrays.js';
import type { SharedMemory, Window } from './backend.js';
import { checkNotInPartCode } from './part-scope.js';
import { checkLocalItems, checkPartId } from './seam-checks.js';

/**
 * The data movement of one backend's window. Arguments arrive checked: `origin` is the index of
 * the origin in `localParts`, runs lie inside the target's memory, the data length is their sum.
 */
export interface WindowTransport {
  get(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array): void;
  put(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void;
  accumulate(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void;
  /** The collective fence (called outside per-part code, window alive). */
  fence(): void;
  /** The collective free. */
  free(): void;
  /** Releases the memory at dispose time, when every part is in `dispose` (collective where it must be). */
  release(): void;
}

/** The synchronisation of one backend's shared memory (see {@link WindowTransport}). */
export interface SharedTransport {
  barrier(): void;
  free(): void;
  release(): void;
}

/** Something a backend must release when it is disposed. */
export interface Releasable {
  /** Releases without further checks; does nothing when already freed. */
  releaseAtDispose(): void;
}

/**
 * The live windows and shared memories of a backend, in creation order (the order every part
 * releases them in at dispose, which matters where releasing is collective).
 */
export class LiveResources {
  private readonly live = new Set<Releasable>();

  add(resource: Releasable): void {
    this.live.add(resource);
  }

  delete(resource: Releasable): void {
    this.live.delete(resource);
  }

  /** Releases every live resource, oldest first. */
  releaseAll(): void {
    const all = [...this.live];
    this.live.clear();
    for (const resource of all) resource.releaseAtDispose();
  }
}

/**
 * The parts a backend holds, as window checks need them: `self` is this process's part on SPMD
 * backends (Threads, MPI), named by errors about the whole call, and `undefined` on Sequential.
 */
export interface PartsHeld {
  readonly np: number;
  readonly localParts: readonly number[];
  readonly self: number | undefined;
}

/**
 * Checks a length of {@link Backend.createWindow} or {@link Backend.createSharedMemory}.
 * @throws InvalidArgumentError `"<what>: length must be a non-negative safe integer, got <v>"`, or
 * when the memory cannot fit in this process.
 */
export function checkExposedLength(length: unknown, what: string, partId: number | undefined): asserts length is number {
  if (!Number.isSafeInteger(length) || (length as number) < 0) {
    throw new InvalidArgumentError(`${what}: length must be a non-negative safe integer, got ${describeValue(length)}`, { partId });
  }
  checkArrayFits(length as number, Float64Array.BYTES_PER_ELEMENT, what, partId);
}

/**
 * Checks the lengths of {@link Backend.createWindow}: one per local part, each a non-negative safe
 * integer. Call after {@link checkNotInPartCode}.
 */
export function checkWindowLengths(lengths: unknown, held: PartsHeld): asserts lengths is readonly number[] {
  checkLocalItems(lengths, held.localParts.length, 'createWindow', held.self);
  (lengths as unknown[]).forEach((length, i) => checkExposedLength(length, 'createWindow', held.localParts[i]));
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return (
    (typeof value === 'object' && value !== null && typeof (value as { length?: unknown }).length === 'number') ||
    ArrayBuffer.isView(value)
  );
}

/**
 * Checks the arguments of a one-sided call and returns the origin's index in `localParts`.
 * @throws as documented on {@link Window.get}; every error names the origin part (or, when the
 * origin itself is wrong, this process's part on SPMD backends).
 */
export function checkOneSided(
  op: string,
  held: PartsHeld,
  lengths: readonly number[],
  origin: unknown,
  target: unknown,
  starts: unknown,
  counts: unknown,
  data: unknown,
  dataName: 'out' | 'values',
): number {
  const { np, localParts } = held;
  const index = Number.isInteger(origin) ? localParts.indexOf(origin as number) : -1;
  if (index < 0) {
    throw new InvalidArgumentError(
      `${op}: origin must be a part held by this process (${localParts.length === 1 ? localParts[0] : `0..${np - 1}`}), got ${describeValue(origin)}`,
      { partId: held.self },
    );
  }
  const partId = origin as number;
  checkPartId(np, target, `${op} target`, partId);
  if (!isArrayLike(starts) || !isArrayLike(counts)) {
    throw new InvalidArgumentError(`${op}: starts and counts must be arrays of numbers`, { partId });
  }
  if (starts.length !== counts.length) {
    throw new DimensionMismatchError(`${op}: starts has ${starts.length} entries but counts has ${counts.length}`, { partId });
  }
  if (!(data instanceof Float64Array)) {
    throw new InvalidArgumentError(`${op}: ${dataName} must be a Float64Array, got ${describeValue(data)}`, { partId });
  }
  const length = lengths[target];
  let total = 0;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k];
    const count = counts[k];
    if (!Number.isSafeInteger(start) || (start as number) < 0) {
      throw new InvalidArgumentError(`${op}: starts[${k}] must be a non-negative integer, got ${describeValue(start)}`, { partId });
    }
    if (!Number.isSafeInteger(count) || (count as number) < 0) {
      throw new InvalidArgumentError(`${op}: counts[${k}] must be a non-negative integer, got ${describeValue(count)}`, { partId });
    }
    const end = (start as number) + (count as number);
    if (end > length) {
      throw new IndexOutOfRangeError(
        `${op}: run ${k} [${start as number}, ${end}) leaves the memory of part ${target}, of length ${length}`,
        { partId },
      );
    }
    total += count as number;
  }
  if (data.length !== total) {
    throw new DimensionMismatchError(`${op}: ${dataName} has length ${data.length} but the runs hold ${total} values`, {
      partId,
    });
  }
  return index;
}

/**
 * A {@link Window} over a backend's {@link WindowTransport}: checks every call, then delegates.
 * Registered with the backend's {@link LiveResources} until freed.
 */
export class CheckedWindow implements Window, Releasable {
  readonly local: readonly Float64Array[];
  readonly lengths: readonly number[];
  private readonly held: PartsHeld;
  private readonly transport: WindowTransport;
  private readonly resources: LiveResources;
  private freed = false;

  constructor(
    held: PartsHeld,
    local: readonly Float64Array[],
    lengths: readonly number[],
    transport: WindowTransport,
    resources: LiveResources,
  ) {
    this.held = held;
    this.local = Object.freeze([...local]);
    this.lengths = Object.freeze([...lengths]);
    this.transport = transport;
    this.resources = resources;
    resources.add(this);
  }

  get(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array): void {
    const i = this.check('Window.get', origin, target, starts, counts, out, 'out');
    this.transport.get(i, target, starts, counts, out);
  }

  put(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
    const i = this.check('Window.put', origin, target, starts, counts, values, 'values');
    this.transport.put(i, target, starts, counts, values);
  }

  accumulate(origin: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
    const i = this.check('Window.accumulate', origin, target, starts, counts, values, 'values');
    this.transport.accumulate(i, target, starts, counts, values);
  }

  fence(): void {
    checkNotInPartCode('Window.fence');
    this.checkAlive('Window.fence');
    this.transport.fence();
  }

  free(): void {
    checkNotInPartCode('Window.free');
    this.checkAlive('Window.free');
    this.freed = true;
    this.resources.delete(this);
    this.transport.free();
  }

  releaseAtDispose(): void {
    if (this.freed) return;
    this.freed = true;
    this.transport.release();
  }

  private check(
    op: string,
    origin: number,
    target: number,
    starts: ArrayLike<number>,
    counts: ArrayLike<number>,
    data: Float64Array,
    dataName: 'out' | 'values',
  ): number {
    this.checkAlive(op, this.held.localParts.includes(origin) ? origin : this.held.self);
    return checkOneSided(op, this.held, this.lengths, origin, target, starts, counts, data, dataName);
  }

  private checkAlive(op: string, partId = this.held.self): void {
    if (this.freed) {
      throw new InvalidArgumentError(`${op}: the window was freed`, { partId });
    }
  }
}

/** A {@link SharedMemory} over a backend's {@link SharedTransport}; see {@link CheckedWindow}. */
export class CheckedSharedMemory implements SharedMemory, Releasable {
  readonly arrays: readonly Float64Array[];
  readonly sharers: readonly (readonly number[])[];
  private readonly held: PartsHeld;
  private readonly transport: SharedTransport;
  private readonly resources: LiveResources;
  private freed = false;

  constructor(
    held: PartsHeld,
    arrays: readonly Float64Array[],
    sharers: readonly (readonly number[])[],
    transport: SharedTransport,
    resources: LiveResources,
  ) {
    this.held = held;
    this.arrays = Object.freeze([...arrays]);
    this.sharers = Object.freeze(sharers.map((list) => Object.freeze([...list])));
    this.transport = transport;
    this.resources = resources;
    resources.add(this);
  }

  barrier(): void {
    checkNotInPartCode('SharedMemory.barrier');
    this.checkAlive('SharedMemory.barrier');
    this.transport.barrier();
  }

  free(): void {
    checkNotInPartCode('SharedMemory.free');
    this.checkAlive('SharedMemory.free');
    this.freed = true;
    this.resources.delete(this);
    this.transport.free();
  }

  releaseAtDispose(): void {
    if (this.freed) return;
    this.freed = true;
    this.transport.release();
  }

  private checkAlive(op: string): void {
    if (this.freed) {
      throw new InvalidArgumentError(`${op}: the shared memory was freed`, { partId: this.held.self });
    }
  }
}
