/**
 * `PData<T>`: one item per part. The unit of distributed programming: every distributed object
 * (partitions, vectors, matrices) is a PData of per-part pieces plus collective operations.
 *
 * @module
 */
import { describeValue, expectFunction, expectInstance } from '../argument-checks.js';
import type { Backend } from '../backends/backend.js';
import { inPartCode } from '../backends/part-scope.js';
import { InvalidArgumentError, PartFailedError, PartitionMismatchError, PartitionedArraysError } from '../errors.js';

/**
 * One item per part. On the Sequential backend a PData holds every part's item; on the Threads and
 * MPI backends it holds only the item of this process's part. Code written with `map`, `pmap` and
 * the collectives is correct on all of them.
 *
 * Errors thrown by a mapped function that are not {@link PartitionedArraysError}s are rethrown as
 * {@link PartFailedError} naming the part; the original error is its `cause`. A mapped function
 * runs for one part alone, so a collective called inside it throws InvalidArgumentError naming the
 * collective and the part (on a distributed run the other parts would never join it).
 *
 * @example
 * ```ts
 * await withSequential(4, (ranks) => {
 *   const squares = ranks.map((p) => p * p);
 *   console.log(squares.localItems); // [0, 1, 4, 9] on Sequential; [p*p] on threads/MPI
 * });
 * ```
 * @group PData: one item per part, and the collectives
 */
export class PData<T> {
  /** The backend this PData's parts live on. */
  readonly backend: Backend;
  private readonly items: readonly T[];

  /**
   * Wraps the items of the local parts (aligned with `backend.localParts`). Library code builds
   * PData through `map`; user code starts from `ranks`.
   * @throws InvalidArgumentError when `items` is not an array; PartitionMismatchError when it does
   * not have one entry per local part.
   */
  constructor(backend: Backend, items: readonly T[]) {
    if (typeof backend !== 'object' || backend === null || !Array.isArray(backend.localParts)) {
      throw new InvalidArgumentError(`PData: backend must be a Backend, got ${describeValue(backend)}`);
    }
    if (!Array.isArray(items)) {
      throw new InvalidArgumentError(`PData: items must be an array (one item per local part), got ${describeValue(items)}`);
    }
    if (items.length !== backend.localParts.length) {
      throw new PartitionMismatchError(
        `PData needs one item per local part (${backend.localParts.length}), got ${items.length}`,
      );
    }
    this.backend = backend;
    this.items = items;
  }

  /** Total number of parts of the run. */
  get np(): number {
    return this.backend.np;
  }

  /** Ids of the parts whose items this process holds (ascending). */
  get partIds(): readonly number[] {
    return this.backend.localParts;
  }

  /**
   * The items held by this process, aligned with {@link PData.partIds}: every part's item on the
   * Sequential backend, the one local item otherwise. For inspection and debugging.
   */
  get localItems(): readonly T[] {
    return this.items;
  }

  /**
   * Applies `f` to each local item with its part id; returns the results as a new PData.
   * @throws InvalidArgumentError when `f` is not a function, or when `f` calls a collective.
   */
  map<U>(f: (item: T, partId: number) => U): PData<U> {
    expectFunction(f, 'map: f');
    const parts = this.backend.localParts;
    const out = new Array<U>(parts.length);
    for (let i = 0; i < parts.length; i++) out[i] = runPart(parts[i], () => f(this.items[i], parts[i]));
    return new PData(this.backend, out);
  }

  /**
   * Calls `f` on each local item with its part id.
   * @throws InvalidArgumentError when `f` is not a function, or when `f` calls a collective.
   */
  forEach(f: (item: T, partId: number) => void): void {
    expectFunction(f, 'forEach: f');
    const parts = this.backend.localParts;
    for (let i = 0; i < parts.length; i++) runPart(parts[i], () => f(this.items[i], parts[i]));
  }
}

/**
 * Runs one part's piece of code as that part's own code (a collective called inside it throws, see
 * `inPartCode`), naming the part in any foreign error it throws.
 */
export function runPart<R>(partId: number, f: () => R): R {
  try {
    return inPartCode(partId, f);
  } catch (error) {
    if (error instanceof PartitionedArraysError) throw error;
    throw new PartFailedError(partId, error);
  }
}

/** The item types of a tuple of PData, in order: the types of `pmap`'s per-part arguments. */
type Items<A extends readonly PData<unknown>[]> = { [K in keyof A]: A[K] extends PData<infer T> ? T : never };

/**
 * Zips several PData part by part: `pmap(f, a, b)` gives, on part p, `f(a_p, b_p, p)`.
 *
 * @throws InvalidArgumentError when `f` is not a function, an argument after it is not a PData, or
 * `f` calls a collective; PartitionMismatchError when the PData belong to different runs.
 * @example
 * ```ts
 * const sums = pmap((x, y) => x + y, a, b);
 * ```
 * @group PData: one item per part, and the collectives
 */
export function pmap<A extends readonly PData<unknown>[], U>(
  f: (...args: [...Items<A>, number]) => U,
  ...data: A
): PData<U> {
  expectFunction(f, 'pmap: f');
  if (data.length === 0) throw new PartitionMismatchError('pmap needs at least one PData');
  data.forEach((d, k) => expectInstance(d, PData, `pmap: argument ${k + 2}`));
  const backend = sameBackend(data);
  const parts = backend.localParts;
  const out = new Array<U>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const args = data.map((d) => d.localItems[i]) as unknown as Items<A>;
    out[i] = runPart(parts[i], () => f(...args, parts[i]));
  }
  return new PData(backend, out);
}

/**
 * The common backend of several PData.
 * @throws PartitionMismatchError when they belong to different runs.
 */
export function sameBackend(data: readonly PData<unknown>[]): Backend {
  const backend = data[0].backend;
  for (const d of data) {
    if (d.backend !== backend) {
      throw new PartitionMismatchError('PData of different runs (different ranks) cannot be combined');
    }
  }
  return backend;
}
