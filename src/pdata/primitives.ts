/**
 * Collective primitives over {@link PData}: gather, scatter, multicast, reduction, scan. Every part
 * must call a collective, in the same order. Reductions and scans fold the items in part order
 * (never in arrival order), so results are identical on every backend.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
import { PData, runPart } from './pdata.js';

/** The part that receives (or, for `'all'`, the parts that receive) a collective's result. */
export type Destination = number | 'all';

function checkDestination(np: number, destination: Destination, what: string): void {
  if (destination === 'all') return;
  if (!Number.isInteger(destination) || destination < 0 || destination >= np) {
    throw new InvalidArgumentError(
      `${what} must be 'all' or a part id in 0..${np - 1}, got ${String(destination)}`,
    );
  }
}

/**
 * One local item: the first one held by this process (part 0's on Sequential, the own one
 * otherwise). Useful for values that are the same on every part, such as reduction results.
 */
export function getAny<T>(a: PData<T>): T {
  return a.localItems[0];
}

/**
 * Applies `f` on part `main` only; the other parts get `undefined`.
 * @throws InvalidArgumentError when `main` is not a part id.
 */
export function mapMain<T, U>(
  a: PData<T>,
  f: (item: T, partId: number) => U,
  opts: { main?: number } = {},
): PData<U | undefined> {
  const main = opts.main ?? 0;
  checkDestination(a.np, main, 'mapMain main');
  return a.map((item, p) => (p === main ? f(item, p) : undefined));
}

/**
 * Collects every part's item, in part order: the destination gets the array of all `np` items,
 * the other parts `[]`. With `destination: 'all'` every part gets the array.
 *
 * @example
 * ```ts
 * gather(ranks.map((p) => 10 * (p + 1)), { destination: 1 }); // part 1: [10, 20, 30, 40]; others: []
 * ```
 */
export function gather<T>(a: PData<T>, opts: { destination?: Destination } = {}): PData<T[]> {
  const destination = opts.destination ?? 0;
  checkDestination(a.np, destination, 'gather destination');
  return new PData(a.backend, a.backend.gather(a.localItems, destination));
}

/**
 * Part `source` holds an array of `np` items; part `i` receives item `i`.
 * @throws InvalidArgumentError (with the source's part id) when the source item is not an array of
 * `np` items.
 */
export function scatter<T>(a: PData<readonly T[]>, opts: { source?: number } = {}): PData<T> {
  const source = opts.source ?? 0;
  checkDestination(a.np, source, 'scatter source');
  a.forEach((item, p) => {
    if (p === source && (!Array.isArray(item) || item.length !== a.np)) {
      throw new InvalidArgumentError(
        `scatter: the source part must hold an array of ${a.np} items (one per part), got ${Array.isArray(item) ? `${item.length} items` : typeof item}`,
        { partId: p },
      );
    }
  });
  return new PData(a.backend, a.backend.scatter(a.localItems, source));
}

/** Every part receives a copy of part `source`'s item (a broadcast). */
export function multicast<T>(a: PData<T>, opts: { source?: number } = {}): PData<T> {
  const source = opts.source ?? 0;
  checkDestination(a.np, source, 'multicast source');
  return new PData(a.backend, a.backend.multicast(a.localItems, source));
}

/**
 * Reduces the items with `op`, folding in part order from `init`:
 * `op(...op(op(init, a_0), a_1)..., a_{np-1})`. The destination (or every part with `'all'`) gets
 * the result, the others `init`.
 *
 * @example
 * ```ts
 * const total = reduction((x, y) => x + y, counts, { destination: 'all', init: 0 });
 * ```
 */
export function reduction<T>(
  op: (acc: T, item: T) => T,
  a: PData<T>,
  opts: { destination?: Destination; init: T },
): PData<T> {
  const destination = opts.destination ?? 0;
  return gather(a, { destination }).map((all, p) =>
    destination === 'all' || destination === p ? all.reduce(op, opts.init) : opts.init,
  );
}

/**
 * Prefix reduction in part order. Inclusive: part i gets `op(init, a_0, ..., a_i)`; exclusive:
 * part 0 gets `init` and part i gets `op(init, a_0, ..., a_{i-1})`.
 *
 * @example
 * ```ts
 * // a = [3, 6, 0, 3]
 * scan(add, a, { type: 'inclusive', init: 0 }); // [3, 9, 9, 12]
 * scan(add, a, { type: 'exclusive', init: 1 }); // [1, 4, 10, 10]
 * ```
 */
export function scan<T>(
  op: (acc: T, item: T) => T,
  a: PData<T>,
  opts: { type: 'inclusive' | 'exclusive'; init: T },
): PData<T> {
  if (opts.type !== 'inclusive' && opts.type !== 'exclusive') {
    throw new InvalidArgumentError(`scan type must be 'inclusive' or 'exclusive', got ${String(opts.type)}`);
  }
  const prefixes = gather(a, { destination: 0 }).map((all, p) => {
    if (p !== 0) return [];
    return runPart(p, () => {
      const out: T[] = [];
      let acc = opts.init;
      for (const item of all) {
        if (opts.type === 'exclusive') out.push(acc);
        acc = op(acc, item);
        if (opts.type === 'inclusive') out.push(acc);
      }
      return out;
    });
  });
  return scatter(prefixes, { source: 0 });
}
