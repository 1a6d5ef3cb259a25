/**
 * Moving the elements of a global box from one layout to another (redistribution, slicing, axis
 * reductions): every part computes, by arithmetic and without communication, what it sends to
 * and receives from every other part; then one exchange moves exactly the elements that change
 * part (the ones that stay are copied locally).
 *
 * @module
 */
import { ExchangeGraph, exchange } from '../pdata/exchange.js';
import type { PData } from '../pdata/pdata.js';
import { forEachIndex, strides } from './block-plan.js';
import type { Layout } from './layout.js';

/** Per dimension, local indices grouped by the other layout's coordinate (ascending). */
type Groups = Map<number, number[]>[];

/**
 * On the source side, part `p`'s local indices per dimension whose global index lies in the box,
 * grouped by the destination coordinate that owns `g - lo`.
 */
function sourceGroups(src: Layout, dst: Layout, lo: readonly number[], p: number): Groups {
  const c = src.coords(p);
  return src.dims.map((dim, d) => {
    const groups = new Map<number, number[]>();
    const first = dim.countBefore(c[d], lo[d]);
    const last = dim.countBefore(c[d], lo[d] + dst.shape[d]);
    for (let l = first; l < last; l++) {
      const q = dst.dims[d].owner(dim.global(c[d], l) - lo[d]);
      let list = groups.get(q);
      if (list === undefined) groups.set(q, (list = []));
      list.push(l);
    }
    return groups;
  });
}

/** On the destination side, part `p`'s local indices per dimension grouped by their source coordinate. */
function destinationGroups(src: Layout, dst: Layout, lo: readonly number[], p: number): Groups {
  const c = dst.coords(p);
  return dst.dims.map((dim, d) => {
    const groups = new Map<number, number[]>();
    for (let l = 0; l < dim.count(c[d]); l++) {
      const q = src.dims[d].owner(dim.global(c[d], l) + lo[d]);
      let list = groups.get(q);
      if (list === undefined) groups.set(q, (list = []));
      list.push(l);
    }
    return groups;
  });
}

/** The other side's parts with a non-empty share, ascending, with the local index lists per dimension. */
function partners(groups: Groups, other: Layout): { part: number; lists: number[][] }[] {
  const keys = groups.map((g) => [...g.keys()]);
  const out: { part: number; lists: number[][] }[] = [];
  forEachIndex(keys.map((k) => k.length), (pick) => {
    const coords = pick.map((k, d) => keys[d][k]);
    out.push({ part: other.part(coords), lists: coords.map((c, d) => groups[d].get(c)!) });
  });
  return out.sort((a, b) => a.part - b.part);
}

/**
 * Visits the product of `lists` (first dimension fastest): `f(k, offset)` for the k-th element and
 * its flat local offset. The innermost dimension is a plain loop.
 */
function forEachOffset(lists: readonly number[][], localStrides: readonly number[], f: (k: number, offset: number) => void): void {
  const first = lists[0];
  let k = 0;
  forEachIndex(lists.slice(1).map((l) => l.length), (rest) => {
    let base = 0;
    for (let d = 1; d < lists.length; d++) base += lists[d][rest[d - 1]] * localStrides[d];
    for (let j = 0; j < first.length; j++) f(k++, base + first[j]);
  });
}

const product = (lists: readonly number[][]): number => lists.reduce((a, l) => a * l.length, 1);

/**
 * Copies the box `[lo, lo + dst.shape)` of an array laid out by `src` (per part `srcValues`) into
 * `dstValues` laid out by `dst` (destination index t holds source index t + lo). Collective: one
 * exchange of the moving elements. Both layouts have the same number of dimensions and parts.
 */
export function route(
  src: Layout,
  srcValues: PData<Float64Array>,
  dst: Layout,
  dstValues: PData<Float64Array>,
  lo: readonly number[],
): void {
  const plans = srcValues.map((_, p) => ({
    sends: partners(sourceGroups(src, dst, lo, p), dst),
    receives: partners(destinationGroups(src, dst, lo, p), src),
    srcStrides: strides(src.localShape(p)),
    dstStrides: strides(dst.localShape(p)),
  }));
  const srcLocal = srcValues.localItems;
  const dstLocal = dstValues.localItems;
  const packed = plans.map((plan, p) => {
    const i = srcValues.partIds.indexOf(p);
    const from = srcLocal[i];
    return plan.sends.filter((s) => s.part !== p).map((s) => {
      const buffer = new Float64Array(product(s.lists));
      forEachOffset(s.lists, plan.srcStrides, (k, o) => (buffer[k] = from[o]));
      return buffer;
    });
  });
  // The share that stays on its part is copied directly, through a buffer of its own.
  plans.localItems.forEach((plan, i) => {
    const p = srcValues.partIds[i];
    const send = plan.sends.find((s) => s.part === p);
    const receive = plan.receives.find((r) => r.part === p);
    if (send === undefined || receive === undefined) return;
    const buffer = new Float64Array(product(send.lists));
    forEachOffset(send.lists, plan.srcStrides, (k, o) => (buffer[k] = srcLocal[i][o]));
    forEachOffset(receive.lists, plan.dstStrides, (k, o) => (dstLocal[i][o] = buffer[k]));
  });
  const graph = new ExchangeGraph(
    plans.map((plan, p) => Int32Array.from(plan.sends.filter((s) => s.part !== p).map((s) => s.part))),
    plans.map((plan, p) => Int32Array.from(plan.receives.filter((r) => r.part !== p).map((r) => r.part))),
  );
  const received = exchange(packed, graph).wait();
  received.localItems.forEach((items, i) => {
    const p = received.partIds[i];
    const plan = plans.localItems[i];
    const to = dstLocal[i];
    plan.receives.filter((r) => r.part !== p).forEach((r, k) => {
      const buffer = items[k];
      forEachOffset(r.lists, plan.dstStrides, (j, o) => (to[o] = buffer[j]));
    });
  });
}
