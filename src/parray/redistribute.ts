/**
 * Moving values between layouts: {@link redistribute} and {@link slice} of PArrays,
 * {@link repartition} of PVectors, and the conversions {@link toPVector} / {@link fromPVector}.
 *
 * @module
 */
import { checkOptions, expectInstance } from '../argument-checks.js';
import { DimensionMismatchError, InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { findOwner } from '../partitions/find-owner.js';
import { OwnRange } from '../partitions/own-ids.js';
import { variablePartition } from '../partitions/partitions.js';
import { PRange } from '../partitions/prange.js';
import { exchange, exchangeGraph } from '../pdata/exchange.js';
import { pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { consistent, pzeros, PVector } from '../vectors/pvector.js';
import { checkRanges, type BlockRanges } from './block-plan.js';
import type { Distribution } from './distribution.js';
import { makeLayout, type Layout } from './layout.js';
import { createPArray, PArray } from './parray.js';
import { pullable, pullBox } from './pull.js';
import { route } from './route.js';

/**
 * Options of {@link redistribute}: the new grid and distribution (each defaults to the array's
 * own).
 * @group Dense distributed arrays (PArray)
 */
export interface RedistributeOptions {
  /** Parts per dimension (product = np). */
  readonly grid?: readonly number[];
  /** One distribution for every dimension, or one per dimension. */
  readonly dist?: Distribution | readonly Distribution[];
}

/**
 * The same values under another grid and/or distribution, as a new PArray (collective). Every
 * part works out by arithmetic what it receives (and sends); exactly the elements that change
 * part move, the others are copied locally. When the first dimension is contiguous ('block' or
 * `{ sizes }`) in both layouts, each part reads its new elements one-sided straight from the
 * owners' memory into its own (one copy per element, no buffers); otherwise one exchange moves
 * them. `a` is left as it is.
 * @throws InvalidArgumentError (before any communication) when `a` is not a PArray or the grid
 * or distribution is malformed (see {@link parray}).
 * @example `const byColumns = redistribute(byRows, { grid: [1, ranks.np] });`
 * @group Dense distributed arrays (PArray)
 */
export function redistribute(a: PArray, options?: RedistributeOptions): PArray {
  expectInstance(a, PArray, 'redistribute: a');
  const { grid, dist } = checkOptions(options, ['grid', 'dist'], 'redistribute');
  const layout = makeLayout(a.np, a.shape, grid ?? a.grid, dist ?? a.dist, 'redistribute');
  const b = createPArray(a.localValues(), layout);
  moveBox(a, layout, b, layout.shape.map(() => 0));
  return b;
}

/**
 * Copies the box `[lo, lo + b.shape)` of `a` into `b` (collective), then fences b: by one-sided
 * reads of the destination parts when the layouts allow it (see pull.ts; a is fenced first so
 * that its owners' direct writes are seen), else by one exchange.
 */
function moveBox(a: PArray, layout: Layout, b: PArray, lo: readonly number[]): void {
  if (pullable(a.layout, layout)) {
    a.sync();
    pullBox(a.layout, a.localValues(), (o, t, s, c, out) => a.readRuns(o, t, s, c, out), layout, b.localValues(), lo);
  } else {
    route(a.layout, a.localValues(), layout, b.localValues(), lo);
  }
  b.sync();
}

/**
 * A copy of the global block `ranges` (`[start, end)` per dimension) as a new block-distributed
 * PArray of the block's shape over the default grid (collective).
 * @throws InvalidArgumentError when `a` is not a PArray or a range is malformed or empty;
 * IndexOutOfRangeError when a range leaves the array (before any communication).
 * @example `const inner = slice(a, [[1, 9], [1, 9]]); // inner.shape: [8, 8]`
 * @group Dense distributed arrays (PArray)
 */
export function slice(a: PArray, ranges: BlockRanges): PArray {
  expectInstance(a, PArray, 'slice: a');
  const shape = checkRanges(a.layout, ranges, 'slice');
  const layout = makeLayout(a.np, shape, undefined, 'block', 'slice');
  const b = createPArray(a.localValues(), layout);
  moveBox(a, layout, b, ranges.map((r) => r[0]));
  return b;
}

/**
 * A PVector without ghosts holding the values of a 1-D PArray whose distribution is contiguous
 * (`'block'` or `{ sizes }`): part p's own ids are exactly the indices it owns in `a`, so the
 * values are copied locally (collective: the PRange is built with one gather).
 * @throws InvalidArgumentError when `a` is not a 1-D PArray with a contiguous distribution.
 * @example `const v = toPVector(parray(ranks, [10], { fill: 1 })); // sum(v) = 10`
 * @group Dense distributed arrays (PArray)
 */
export function toPVector(a: PArray): PVector {
  expectInstance(a, PArray, 'toPVector: a');
  if (a.shape.length !== 1 || !a.layout.dims[0].contiguous) {
    throw new InvalidArgumentError(
      `toPVector: needs a 1-D array with a contiguous distribution ('block' or { sizes }), got shape [${a.shape.join(', ')}] with ${JSON.stringify(a.dist)}`,
    );
  }
  const ranks = a.localValues().map((_, p) => p);
  const rows = variablePartition(ranks, a.localShape.map((s) => s[0]), a.shape[0]);
  const values = a.localValues().map((local) => {
    const copy = a.backend.allocateFloat64(local.length);
    copy.set(local);
    return copy;
  });
  return new PVector(rows, values);
}

/**
 * A 1-D PArray holding the own values of a PVector whose parts own contiguous ranges in part
 * order (block and variable partitions): distribution `{ sizes }` with the parts' own counts
 * (collective).
 * @throws InvalidArgumentError when `v` is not a PVector or its own ids are not contiguous
 * ranges in part order (ghosts are ignored).
 * @example `const a = fromPVector(pfill(1, uniformPartition(ranks, 10))); // a.dist: [{ sizes: [...] }]`
 * @group Dense distributed arrays (PArray)
 */
export function fromPVector(v: PVector): PArray {
  expectInstance(v, PVector, 'fromPVector: v');
  const firsts = getAny(gather(v.rows.partition.map((ids) => (ids.own instanceof OwnRange ? ids.own.first : -1)), { destination: 'all' }));
  const sizes = getAny(gather(v.rows.partition.map((ids) => ids.nOwn), { destination: 'all' }));
  let at = 0;
  firsts.forEach((first, p) => {
    if (sizes[p] > 0 && first !== at) {
      throw new InvalidArgumentError(`fromPVector: the parts' own ids must be contiguous ranges in part order; part ${p}'s do not start at ${at}`);
    }
    at += sizes[p];
  });
  const layout = makeLayout(v.rows.np, [v.rows.n], [v.rows.np], { sizes }, 'fromPVector');
  const a = createPArray(v.values, layout);
  const own = v.ownValues().localItems;
  a.localValues().localItems.forEach((local, i) => local.set(own[i]));
  a.sync();
  return a;
}

/**
 * The vector `v` moved onto another PRange of the same size (PartitionedArrays' `repartition`,
 * collective): each own value goes to the part owning its id in `rows` (one exchange after the
 * owner lookup), then the ghosts of the result are made consistent.
 * @throws InvalidArgumentError when `v` is not a PVector or `rows` not a PRange;
 * PartitionMismatchError when they belong to different runs; DimensionMismatchError when the
 * sizes differ.
 * @example `const w = repartition(v, uniformPartition(ranks, v.rows.n));`
 * @group Dense distributed arrays (PArray)
 */
export function repartition(v: PVector, rows: PRange): PVector {
  expectInstance(v, PVector, 'repartition: v');
  expectInstance(rows, PRange, 'repartition: rows');
  if (rows.backend !== v.rows.backend) throw new PartitionMismatchError('repartition: the vector and the range belong to different runs');
  if (rows.n !== v.rows.n) throw new DimensionMismatchError(`repartition: the vector has ${v.rows.n} ids, the range ${rows.n}`);
  const ownIds = v.rows.partition.map((ids) => ids.ownToGlobal);
  const owners = findOwner(rows, ownIds);
  const result = pzeros(rows);
  const ids = ownIds.localItems;
  const own = v.ownValues().localItems;
  const targets = owners.map((o, p) => {
    const i = owners.partIds.indexOf(p);
    // Per destination, (global id, value) pairs interleaved.
    const byPart = new Map<number, number[]>();
    for (let k = 0; k < o.length; k++) {
      let list = byPart.get(o[k]);
      if (list === undefined) byPart.set(o[k], (list = []));
      list.push(ids[i][k], own[i][k]);
    }
    return byPart;
  });
  const place = (pairs: ArrayLike<number>, i: number): void => {
    const newIds = rows.partition.localItems[i];
    const local = result.values.localItems[i];
    for (let k = 0; k < pairs.length; k += 2) local[newIds.globalToLocal(pairs[k])] = pairs[k + 1];
  };
  targets.localItems.forEach((byPart, i) => {
    const self = byPart.get(targets.partIds[i]);
    if (self !== undefined) place(self, i);
  });
  const snd = targets.map((byPart, p) => [...byPart.keys()].filter((q) => q !== p).sort((x, y) => x - y));
  const graph = exchangeGraph(snd);
  const send = pmap((byPart: Map<number, number[]>, list: number[]) => list.map((q) => Float64Array.from(byPart.get(q)!)), targets, snd);
  exchange(send, graph).wait().localItems.forEach((items, i) => items.forEach((pairs) => place(pairs, i)));
  consistent(result).wait();
  return result;
}
