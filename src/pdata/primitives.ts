/**
 * Collective primitives over {@link PData}: gather, scatter, multicast, reduction, scan. Every part
 * must call a collective, in the same order, outside per-part code (`map`, `forEach`, `pmap`,
 * `mapMain`). Reductions and scans fold the items in part order (never in arrival order), so
 * results are identical on every backend.
 *
 * @module
 */
import { checkOptions, describeValue, expectFunction, expectInstance } from '../argument-checks.js';
import { checkNotInPartCode } from '../backends/part-scope.js';
import { InvalidArgumentError } from '../errors.js';
import { PData } from './pdata.js';

/**
 * The part that receives (or, for `'all'`, the parts that receive) a collective's result.
 * @group PData: one item per part, and the collectives
 */
export type Destination = number | 'all';

function checkDestination(np: number, destination: unknown, what: string): void {
  if (destination === 'all') return;
  if (!Number.isInteger(destination) || (destination as number) < 0 || (destination as number) >= np) {
    throw new InvalidArgumentError(
      `${what} must be 'all' or a part id in 0..${np - 1}, got ${describeValue(destination)}`,
    );
  }
}

function checkPartOption(np: number, part: unknown, what: string): void {
  if (!Number.isInteger(part) || (part as number) < 0 || (part as number) >= np) {
    throw new InvalidArgumentError(`${what} must be a part id in 0..${np - 1}, got ${describeValue(part)}`);
  }
}

/** The checked `init` of a fold: required, since a fold from `undefined` silently gives NaN. */
function requiredInit<T>(opts: { init?: T }, what: string): T {
  if (opts.init === undefined) {
    throw new InvalidArgumentError(
      `${what}: the option init is required (the value the fold starts from, e.g. { init: 0 } for a sum)`,
    );
  }
  return opts.init;
}

/**
 * One local item: the first one held by this process (part 0's on Sequential, the own one
 * otherwise). Useful for values that are the same on every part, such as reduction results.
 * @throws InvalidArgumentError when `a` is not a PData.
 * @example `const total = getAny(reduction(add, counts, { destination: 'all', init: 0 }));`
 * @group PData: one item per part, and the collectives
 */
export function getAny<T>(a: PData<T>): T {
  expectInstance(a, PData, 'getAny: a');
  return a.localItems[0];
}

/**
 * Applies `f` on part `main` only (default 0); the other parts get `undefined`. With
 * `main: 'all'`, `f` runs on every part, as PartitionedArrays' `main=:all` (a plain `map`).
 * `f` runs as that part's own code: it must not call a collective.
 * @throws InvalidArgumentError when `a` is not a PData, `f` is not a function, `main` is neither
 * `'all'` nor a part id, or the options have an unknown key.
 * @example
 * ```ts
 * mapMain(gather(pieces), (all) => all.flat()); // part 0: every piece; others: undefined
 * ```
 * @group PData: one item per part, and the collectives
 */
export function mapMain<T, U>(
  a: PData<T>,
  f: (item: T, partId: number) => U,
  opts?: { main?: Destination },
): PData<U | undefined> {
  expectInstance(a, PData, 'mapMain: a');
  expectFunction(f, 'mapMain: f');
  const main = checkOptions(opts, ['main'], 'mapMain').main ?? 0;
  checkDestination(a.np, main, 'mapMain main');
  return a.map((item, p) => (main === 'all' || p === main ? f(item, p) : undefined));
}

/**
 * Collects every part's item, in part order: the destination gets the array of all `np` items,
 * the other parts `[]`. With `destination: 'all'` every part gets the array (np² items in all: the
 * Sequential backend, which holds them in one process, refuses it beyond 4096 parts).
 * Items are copied (structured data only).
 *
 * @throws InvalidArgumentError when `a` is not a PData, the destination is not `'all'` or a part
 * id, the options have an unknown key, or an item cannot be copied to another part.
 * @example
 * ```ts
 * gather(ranks.map((p) => 10 * (p + 1)), { destination: 1 }); // part 1: [10, 20, 30, 40]; others: []
 * ```
 * @group PData: one item per part, and the collectives
 */
export function gather<T>(a: PData<T>, opts?: { destination?: Destination }): PData<T[]> {
  expectInstance(a, PData, 'gather: a');
  const destination = checkOptions(opts, ['destination'], 'gather').destination ?? 0;
  checkDestination(a.np, destination, 'gather destination');
  return new PData(a.backend, a.backend.gather(a.localItems, destination));
}

/**
 * Part `source` (default 0) holds an array of `np` items; part `i` receives (a copy of) item `i`.
 * @throws InvalidArgumentError when `a` is not a PData, `source` is not a part id or the options
 * have an unknown key; (with the source's part id) when the source item is not an array of `np`
 * items.
 * @example `scatter(mapMain(ranks, () => [10, 20, 30]), { source: 0 }); // parts get 10, 20, 30`
 * @group PData: one item per part, and the collectives
 */
export function scatter<T>(a: PData<readonly T[]>, opts?: { source?: number }): PData<T> {
  expectInstance(a, PData, 'scatter: a');
  const source = checkOptions(opts, ['source'], 'scatter').source ?? 0;
  checkPartOption(a.np, source, 'scatter source');
  return new PData(a.backend, a.backend.scatter(a.localItems, source));
}

/**
 * Every part receives a copy of part `source`'s item (a broadcast; default source 0).
 * @throws InvalidArgumentError when `a` is not a PData, `source` is not a part id, the options have
 * an unknown key or the item cannot be copied.
 * @example `multicast(ranks.map((p) => \`hello from ${p}\`), { source: 1 }); // every part: 'hello from 1'`
 * @group PData: one item per part, and the collectives
 */
export function multicast<T>(a: PData<T>, opts?: { source?: number }): PData<T> {
  expectInstance(a, PData, 'multicast: a');
  const source = checkOptions(opts, ['source'], 'multicast').source ?? 0;
  checkPartOption(a.np, source, 'multicast source');
  return new PData(a.backend, a.backend.multicast(a.localItems, source));
}

/**
 * Reduces the items with `op`, folding in part order from `init`:
 * `op(...op(op(init, a_0), a_1)..., a_{np-1})`, calling `op(acc, item)` with exactly these two
 * arguments. The destination (default 0; every part with `'all'`) gets the result, the others
 * `init`. `init` is required.
 *
 * Memory and traffic: with one part per process (Threads, MPI), `'all'` is one gather to every
 * part and each part folds the `np` items it holds. In a process holding several parts
 * (Sequential), that gather would hold np² items, so the items are gathered on part 0, folded once
 * and the result is multicast: O(np), and every part gets its own copy of the result (so it must
 * be structured data, like any item that crosses parts).
 *
 * @throws InvalidArgumentError when `op` is not a function, `a` is not a PData, `init` is missing,
 * the destination is not `'all'` or a part id, or the options have an unknown key.
 * @example
 * ```ts
 * const total = reduction((x, y) => x + y, counts, { destination: 'all', init: 0 });
 * ```
 * @group PData: one item per part, and the collectives
 */
export function reduction<T>(
  op: (acc: T, item: T) => T,
  a: PData<T>,
  opts: { destination?: Destination; init: T },
): PData<T> {
  checkNotInPartCode('reduction');
  expectFunction(op, 'reduction: op');
  expectInstance(a, PData, 'reduction: a');
  const checked = checkOptions(opts, ['destination', 'init'], 'reduction');
  const init = requiredInit(checked, 'reduction');
  const destination = checked.destination ?? 0;
  checkDestination(a.np, destination, 'reduction destination');
  const fold = (all: readonly T[]): T => {
    let acc = init;
    for (let k = 0; k < all.length; k++) acc = op(acc, all[k]);
    return acc;
  };
  if (destination === 'all' && a.partIds.length === 1) return gather(a, { destination }).map(fold);
  const root = destination === 'all' ? 0 : destination;
  const folded = gather(a, { destination: root }).map((all, p) => (p === root ? fold(all) : init));
  return destination === 'all' ? multicast(folded, { source: root }) : folded;
}

/**
 * Prefix reduction in part order, calling `op(acc, item)` with exactly these two arguments.
 * Inclusive: part i gets `op(init, a_0, ..., a_i)`; exclusive: part 0 gets `init` and part i gets
 * `op(init, a_0, ..., a_{i-1})`. `type` and `init` are required. The items are gathered on part 0,
 * scanned there and scattered: O(np) memory on every backend.
 *
 * @throws InvalidArgumentError when `op` is not a function, `a` is not a PData, `type` is not
 * `'inclusive'` or `'exclusive'`, `init` is missing or the options have an unknown key.
 * @example
 * ```ts
 * // a = [3, 6, 0, 3]
 * scan(add, a, { type: 'inclusive', init: 0 }); // [3, 9, 9, 12]
 * scan(add, a, { type: 'exclusive', init: 1 }); // [1, 4, 10, 10]
 * ```
 * @group PData: one item per part, and the collectives
 */
export function scan<T>(
  op: (acc: T, item: T) => T,
  a: PData<T>,
  opts: { type: 'inclusive' | 'exclusive'; init: T },
): PData<T> {
  checkNotInPartCode('scan');
  expectFunction(op, 'scan: op');
  expectInstance(a, PData, 'scan: a');
  const checked = checkOptions(opts, ['type', 'init'], 'scan');
  const { type } = checked;
  if (type !== 'inclusive' && type !== 'exclusive') {
    throw new InvalidArgumentError(`scan type must be 'inclusive' or 'exclusive', got ${describeValue(type)}`);
  }
  const init = requiredInit(checked, 'scan');
  const prefixes = gather(a, { destination: 0 }).map((all, p) => {
    if (p !== 0) return [];
    const out: T[] = [];
    let acc = init;
    for (const item of all) {
      if (type === 'exclusive') out.push(acc);
      acc = op(acc, item);
      if (type === 'inclusive') out.push(acc);
    }
    return out;
  });
  return scatter(prefixes, { source: 0 });
}
