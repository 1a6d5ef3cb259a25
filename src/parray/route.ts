/**
 * Moving the elements of a global box from one layout to another (redistribution, slicing, axis
 * reductions): every part computes, by arithmetic and without communication, what it sends to
 * and receives from every other part; then one float64 channel moves exactly the elements that
 * change part (the ones that stay are copied locally meanwhile).
 *
 * @module
 */
import type { ChannelPlan } from '../backends/backend.js';
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
export function destinationGroups(src: Layout, dst: Layout, lo: readonly number[], p: number): Groups {
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
export function partners(groups: Groups, other: Layout): { part: number; lists: Float64Array[] }[] {
  const keys = groups.map((g) => [...g.keys()]);
  const out: { part: number; lists: Float64Array[] }[] = [];
  forEachIndex(keys.map((k) => k.length), (pick) => {
    const coords = pick.map((k, d) => keys[d][k]);
    out.push({ part: other.part(coords), lists: coords.map((c, d) => Float64Array.from(groups[d].get(c)!)) });
  });
  return out.sort((a, b) => a.part - b.part);
}

/**
 * Calls `run(srcBase, dstBase)` for every combination of the lists of dimensions 1.. (first of
 * them fastest), with the flat local offsets of that combination on both sides (`dst` may be
 * `undefined` when only one side is walked); the caller loops over dimension 0.
 */
export function forEachRunBase(
  src: readonly Float64Array[],
  srcStrides: readonly number[],
  dst: readonly Float64Array[] | undefined,
  dstStrides: readonly number[],
  run: (srcBase: number, dstBase: number) => void,
): void {
  const nd = src.length;
  const index = new Array<number>(nd).fill(0);
  for (let d = 1; d < nd; d++) if (src[d].length === 0) return;
  for (;;) {
    let srcBase = 0;
    let dstBase = 0;
    for (let d = 1; d < nd; d++) {
      srcBase += src[d][index[d]] * srcStrides[d];
      if (dst !== undefined) dstBase += dst[d][index[d]] * dstStrides[d];
    }
    run(srcBase, dstBase);
    let d = 1;
    while (d < nd && ++index[d] === src[d].length) index[d++] = 0;
    if (d === nd) return;
  }
}

/** Whether a list of local indices is consecutive (then a run is one block copy). */
function consecutive(list: Float64Array): boolean {
  for (let j = 1; j < list.length; j++) if (list[j] !== list[0] + j) return false;
  return true;
}

/**
 * Copies the elements of `from` at the product of `srcLists` to the elements of `to` at the
 * product of `dstLists` (the same number of elements per dimension), in order. A missing side
 * is a flat buffer read or written in order.
 */
function copyBox(
  from: Float64Array,
  srcLists: readonly Float64Array[] | undefined,
  srcStrides: readonly number[],
  to: Float64Array,
  dstLists: readonly Float64Array[] | undefined,
  dstStrides: readonly number[],
): void {
  const walk = (srcLists ?? dstLists)!;
  const n0 = walk[0].length;
  // A flat side is the list 0..n0-1 with the run's running offset as base.
  const s0 = srcLists?.[0];
  const d0 = dstLists?.[0];
  const sRun = s0 === undefined || consecutive(s0);
  const dRun = d0 === undefined || consecutive(d0);
  let k = 0;
  forEachRunBase(walk, srcLists === undefined ? dstStrides : srcStrides, srcLists === undefined ? undefined : dstLists, dstStrides, (a, b) => {
    const srcBase = s0 === undefined ? k : a + (sRun ? s0[0] : 0);
    const dstBase = d0 === undefined ? k : (srcLists === undefined ? a : b) + (dRun ? d0[0] : 0);
    if (sRun && dRun) to.set(from.subarray(srcBase, srcBase + n0), dstBase);
    else {
      for (let j = 0; j < n0; j++) {
        to[dstBase + (d0 === undefined || dRun ? j : d0[j])] = from[srcBase + (s0 === undefined || sRun ? j : s0[j])];
      }
    }
    k += n0;
  });
}

const product = (lists: readonly Float64Array[]): number => lists.reduce((a, l) => a * l.length, 1);

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
  const ids = srcValues.partIds;
  // Who sends how much to whom (the staying share aside), in ascending partner order.
  const channelPlans = plans.localItems.map((plan, i) => {
    const sends = plan.sends.filter((s) => s.part !== ids[i]);
    const receives = plan.receives.filter((r) => r.part !== ids[i]);
    return {
      snd: Int32Array.from(sends.map((s) => s.part)),
      sndPtrs: pointers(sends.map((s) => product(s.lists))),
      rcv: Int32Array.from(receives.map((r) => r.part)),
      rcvPtrs: pointers(receives.map((r) => product(r.lists))),
    };
  });
  const total = dst.shape.reduce((x, y) => x * y, 1);
  // Every part takes the same branch: the choice depends on the global size only.
  const move = total >= CHANNEL_THRESHOLD ? moveByChannel : moveByExchange;
  move(srcValues, channelPlans, plans.localItems, (i) => {
    // The share that stays on its part is copied directly, while the others move.
    const plan = plans.localItems[i];
    const send = plan.sends.find((s) => s.part === ids[i]);
    const receive = plan.receives.find((r) => r.part === ids[i]);
    if (send === undefined || receive === undefined) return;
    copyBox(srcLocal[i], send.lists, plan.srcStrides, dstLocal[i], receive.lists, plan.dstStrides);
  }, dstLocal);
}

/**
 * Below this many elements in the box, the moving shares go through one `exchange` of typed
 * arrays; at and above it, through a float64 channel, which copies no structured data but costs
 * more to set up (its plans are agreed on collectively).
 */
const CHANNEL_THRESHOLD = 1 << 16;

interface PartRoute {
  readonly sends: readonly { part: number; lists: Float64Array[] }[];
  readonly receives: readonly { part: number; lists: Float64Array[] }[];
  readonly srcStrides: readonly number[];
  readonly dstStrides: readonly number[];
}

type Mover = (
  srcValues: PData<Float64Array>,
  channelPlans: readonly ChannelPlan[],
  routes: readonly PartRoute[],
  copyStaying: (i: number) => void,
  dstLocal: readonly Float64Array[],
) => void;

/** The moving shares of local part `i`, without its own. */
const moving = <T extends { part: number }>(list: readonly T[], self: number): T[] => list.filter((x) => x.part !== self);

const moveByChannel: Mover = (srcValues, channelPlans, routes, copyStaying, dstLocal) => {
  const ids = srcValues.partIds;
  const srcLocal = srcValues.localItems;
  const channel = srcValues.backend.createChannel(channelPlans);
  routes.forEach((route, i) => {
    const ptrs = channelPlans[i].sndPtrs;
    moving(route.sends, ids[i]).forEach((s, k) => {
      copyBox(srcLocal[i], s.lists, route.srcStrides, channel.send[i].subarray(ptrs[k], ptrs[k + 1]), undefined, []);
    });
  });
  channel.start();
  routes.forEach((_, i) => copyStaying(i));
  channel.wait();
  routes.forEach((route, i) => {
    const ptrs = channelPlans[i].rcvPtrs;
    moving(route.receives, ids[i]).forEach((r, k) => {
      copyBox(channel.recv[i].subarray(ptrs[k], ptrs[k + 1]), undefined, [], dstLocal[i], r.lists, route.dstStrides);
    });
  });
};

const moveByExchange: Mover = (srcValues, channelPlans, routes, copyStaying, dstLocal) => {
  const ids = srcValues.partIds;
  const srcLocal = srcValues.localItems;
  const packed = srcValues.map((_, p) => {
    const i = ids.indexOf(p);
    return moving(routes[i].sends, p).map((s) => {
      const buffer = new Float64Array(product(s.lists));
      copyBox(srcLocal[i], s.lists, routes[i].srcStrides, buffer, undefined, []);
      return buffer;
    });
  });
  const graph = new ExchangeGraph(
    srcValues.map((_, p) => channelPlans[ids.indexOf(p)].snd),
    srcValues.map((_, p) => channelPlans[ids.indexOf(p)].rcv),
  );
  const pending = exchange(packed, graph);
  routes.forEach((_, i) => copyStaying(i));
  pending.wait().localItems.forEach((items, i) => {
    moving(routes[i].receives, ids[i]).forEach((r, k) => copyBox(items[k], undefined, [], dstLocal[i], r.lists, routes[i].dstStrides));
  });
};

/** CSR-like offsets of consecutive segments of the given lengths. */
function pointers(counts: readonly number[]): Int32Array {
  const out = new Int32Array(counts.length + 1);
  counts.forEach((n, k) => (out[k + 1] = out[k] + n));
  return out;
}
