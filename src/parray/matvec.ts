/**
 * Dense matrix-vector products `y = A x` of PArrays with one dense BLAS call per part (MPIArrays'
 * benchmark): each part multiplies its block of A (stored first index fastest, so column-major: one `dgemv`)
 * by the entries of x its columns need, and the partial results of the parts sharing rows are
 * added at y's owners. A by rows (grid [np, 1]): the parts receive the x they lack (an allgather
 * of x) and own their rows of y outright; A by columns (grid [1, np]): x is already local and
 * the partial y's are reduced; 2-D blocks: both.
 *
 * @module
 */
import { expectInstance } from '../argument-checks.js';
import type { Channel, ChannelPlan } from '../backends/backend.js';
import { blas } from '../dense/blas.js';
import { DimensionMismatchError, InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import type { DimLayout } from './distribution.js';
import { makeLayout } from './layout.js';
import { createPArray, PArray } from './parray.js';

/** One local part's share of a product plan. */
interface PartPlan {
  /** A's local rows and columns. */
  readonly mr: number;
  readonly nc: number;
  /** x entries the part gathers, in A's local column order. */
  readonly xLocal: Float64Array;
  /** Per neighbour sent to: x local offsets packed in the x channel's send buffer. */
  readonly xSendOffsets: Int32Array;
  /** Per entry of the x channel's receive buffer, its position in `xLocal`. */
  readonly xRecvPositions: Int32Array;
  /** Positions in `xLocal` and x local offsets of the entries the part owns itself. */
  readonly xSelfPositions: Int32Array;
  readonly xSelfOffsets: Int32Array;
  /** The partial y over A's local rows. */
  readonly yPartial: Float64Array;
  /** Positions in `yPartial` packed in the y channel's send buffer, in send order. */
  readonly ySendPositions: Int32Array;
  /**
   * Contributions to the own y entries, in ascending source part order: for each source (this
   * part included), y local offsets and where the values are (`-1`: own partial, else the y
   * channel's receive buffer segment) .
   */
  readonly ySources: readonly { part: number; yOffsets: Int32Array; from: Int32Array; self: boolean }[];
  /** Whether the partial is exactly this part's y (A by rows, aligned with y): no reduction. */
  readonly direct: boolean;
}

interface ProductPlan {
  readonly parts: readonly PartPlan[];
  readonly xChannel: Channel;
  readonly yChannel: Channel | undefined;
}

const plans = new WeakMap<PArray, { x: PArray; y: PArray; plan: ProductPlan }[]>();

function indicesOf(dim: DimLayout, c: number): Float64Array {
  const out = new Float64Array(dim.count(c));
  for (let l = 0; l < out.length; l++) out[l] = dim.global(c, l);
  return out;
}

function channelPlan(snd: number[], sndCounts: number[], rcv: number[], rcvCounts: number[]): ChannelPlan {
  const ptrs = (counts: number[]): Int32Array => {
    const out = new Int32Array(counts.length + 1);
    counts.forEach((n, k) => (out[k + 1] = out[k] + n));
    return out;
  };
  return { snd: Int32Array.from(snd), sndPtrs: ptrs(sndCounts), rcv: Int32Array.from(rcv), rcvPtrs: ptrs(rcvCounts) };
}

/** Builds the communication plan of `y = A x` (collective: creates the channels). */
function buildPlan(A: PArray, x: PArray, y: PArray): ProductPlan {
  const la = A.layout;
  const xd = x.layout.dims[0];
  const yd = y.layout.dims[0];
  const np = la.np;
  const rowsOf = (p: number): Float64Array => indicesOf(la.dims[0], la.coords(p)[0]);
  const colsOf = (p: number): Float64Array => indicesOf(la.dims[1], la.coords(p)[1]);
  const byRows = la.grid[1] === 1 && la.dims[0].p === yd.p && JSON.stringify(la.dims[0].dist) === JSON.stringify(yd.dist);
  const backend = A.backend;
  const parts: PartPlan[] = [];
  const xPlans: ChannelPlan[] = [];
  const yPlans: ChannelPlan[] = [];
  for (const p of backend.localParts) {
    const rows = rowsOf(p);
    const cols = colsOf(p);
    // x: what p receives (its columns, grouped by x's owner) and sends (its x entries others' columns need).
    const recvFrom = new Map<number, number[]>();
    const selfPositions: number[] = [];
    const selfOffsets: number[] = [];
    cols.forEach((g, k) => {
      const owner = xd.owner(g);
      if (owner === p) {
        selfPositions.push(k);
        selfOffsets.push(xd.local(g));
      } else {
        let list = recvFrom.get(owner);
        if (list === undefined) recvFrom.set(owner, (list = []));
        list.push(k);
      }
    });
    const xRcv = [...recvFrom.keys()].sort((a, b) => a - b);
    const xSnd: number[] = [];
    const xSndCounts: number[] = [];
    const xSendOffsets: number[] = [];
    for (let q = 0; q < np; q++) {
      if (q === p) continue;
      let count = 0;
      for (const g of colsOf(q)) {
        if (xd.owner(g) === p) {
          xSendOffsets.push(xd.local(g));
          count++;
        }
      }
      if (count > 0) {
        xSnd.push(q);
        xSndCounts.push(count);
      }
    }
    xPlans.push(channelPlan(xSnd, xSndCounts, xRcv, xRcv.map((q) => recvFrom.get(q)!.length)));
    // y: partial rows go to y's owners; own y entries are summed over the sources in part order.
    const sendTo = new Map<number, number[]>();
    rows.forEach((g, k) => {
      const owner = yd.owner(g);
      let list = sendTo.get(owner);
      if (list === undefined) sendTo.set(owner, (list = []));
      list.push(k);
    });
    const ySnd = [...sendTo.keys()].filter((q) => q !== p).sort((a, b) => a - b);
    const sources: PartPlan['ySources'][number][] = [];
    const yRcv: number[] = [];
    const yRcvCounts: number[] = [];
    let at = 0;
    for (let s = 0; s < np; s++) {
      const yOffsets: number[] = [];
      const from: number[] = [];
      rowsOf(s).forEach((g, k) => {
        if (yd.owner(g) !== p) return;
        yOffsets.push(yd.local(g));
        from.push(s === p ? k : at++);
      });
      if (yOffsets.length === 0) continue;
      sources.push({ part: s, yOffsets: Int32Array.from(yOffsets), from: Int32Array.from(from), self: s === p });
      if (s !== p) {
        yRcv.push(s);
        yRcvCounts.push(yOffsets.length);
      }
    }
    yPlans.push(channelPlan(ySnd, ySnd.map((q) => sendTo.get(q)!.length), yRcv, yRcvCounts));
    parts.push({
      mr: rows.length,
      nc: cols.length,
      xLocal: new Float64Array(cols.length),
      xSendOffsets: Int32Array.from(xSendOffsets),
      xRecvPositions: Int32Array.from(xRcv.flatMap((q) => recvFrom.get(q)!)),
      xSelfPositions: Int32Array.from(selfPositions),
      xSelfOffsets: Int32Array.from(selfOffsets),
      yPartial: new Float64Array(rows.length),
      ySendPositions: Int32Array.from(ySnd.flatMap((q) => sendTo.get(q)!)),
      ySources: sources,
      direct: byRows,
    });
  }
  return {
    parts,
    xChannel: backend.createChannel(xPlans),
    yChannel: byRows ? undefined : backend.createChannel(yPlans),
  };
}

function checkOperands(y: PArray, A: PArray, x: PArray, what: string): void {
  expectInstance(y, PArray, `${what}: y`);
  expectInstance(A, PArray, `${what}: A`);
  expectInstance(x, PArray, `${what}: x`);
  if (A.backend !== x.backend || A.backend !== y.backend) throw new PartitionMismatchError(`${what}: y, A and x belong to different runs`);
  if (A.shape.length !== 2) throw new DimensionMismatchError(`${what}: A must have 2 dimensions, got shape [${A.shape.join(', ')}]`);
  if (x.shape.length !== 1 || x.shape[0] !== A.shape[1]) {
    throw new DimensionMismatchError(`${what}: x must have shape [${A.shape[1]}] (A's columns), got [${x.shape.join(', ')}]`);
  }
  if (y.shape.length !== 1 || y.shape[0] !== A.shape[0]) {
    throw new DimensionMismatchError(`${what}: y must have shape [${A.shape[0]}] (A's rows), got [${y.shape.join(', ')}]`);
  }
  if (y === x) throw new InvalidArgumentError(`${what}: y must not be x`);
}

/**
 * `y ← A x` (collective) for a 2-D PArray A in any grid and distribution (rows [np, 1], columns
 * [1, np] or 2-D blocks) and 1-D PArrays x (length A's columns) and y (length A's rows). Each part
 * runs one `dgemv` (the BLAS addon's column-major kernel when built, see `openBlas`) on its
 * block of A with the entries of x it needs (received through a reusable channel), and y's owners
 * add the partial results of the parts sharing their rows in ascending part order. The plan and channels are built at the first
 * call for a given (A, x, y) and reused. The values of y are overwritten; x and A are read only.
 * @throws InvalidArgumentError when an argument is not a PArray or y is x;
 * DimensionMismatchError when the shapes do not fit; PartitionMismatchError when they belong to
 * different runs (all before any communication).
 * @example `matvecInto(y, A, x);`
 * @group Dense distributed arrays (PArray)
 */
export function matvecInto(y: PArray, A: PArray, x: PArray): void {
  checkOperands(y, A, x, 'matvecInto');
  let cached = plans.get(A);
  if (cached === undefined) plans.set(A, (cached = []));
  let entry = cached.find((c) => c.x === x && c.y === y);
  if (entry === undefined) {
    entry = { x, y, plan: buildPlan(A, x, y) };
    cached.push(entry);
  }
  const { parts, xChannel, yChannel } = entry.plan;
  const xs = x.localValues().localItems;
  const ys = y.localValues().localItems;
  const as = A.localValues().localItems;
  parts.forEach((part, i) => {
    const send = xChannel.send[i];
    const xl = xs[i];
    for (let k = 0; k < part.xSendOffsets.length; k++) send[k] = xl[part.xSendOffsets[k]];
    for (let k = 0; k < part.xSelfPositions.length; k++) part.xLocal[part.xSelfPositions[k]] = xl[part.xSelfOffsets[k]];
  });
  xChannel.start();
  xChannel.wait();
  parts.forEach((part, i) => {
    const recv = xChannel.recv[i];
    for (let k = 0; k < part.xRecvPositions.length; k++) part.xLocal[part.xRecvPositions[k]] = recv[k];
    const out = part.direct ? ys[i] : part.yPartial;
    if (part.mr === 0) return;
    if (part.nc === 0) out.fill(0);
    else blas.dgemv('col', 'n', part.mr, part.nc, 1, as[i], part.mr, part.xLocal, 1, 0, out, 1);
  });
  if (yChannel !== undefined) reduceY(parts, yChannel, ys);
  // The owners wrote y directly: fence so that one-sided reads of y see it.
  y.sync();
}

/** Adds the partial y's into their owners' entries, in ascending source part order. */
function reduceY(parts: readonly PartPlan[], yChannel: Channel, ys: readonly Float64Array[]): void {
  parts.forEach((part, i) => {
    const send = yChannel.send[i];
    for (let k = 0; k < part.ySendPositions.length; k++) send[k] = part.yPartial[part.ySendPositions[k]];
  });
  yChannel.start();
  yChannel.wait();
  parts.forEach((part, i) => {
    const yl = ys[i];
    const recv = yChannel.recv[i];
    yl.fill(0);
    for (const source of part.ySources) {
      const values = source.self ? part.yPartial : recv;
      for (let k = 0; k < source.yOffsets.length; k++) yl[source.yOffsets[k]] += values[source.from[k]];
    }
  });
}

/**
 * `A x` as a new 1-D block-distributed PArray of length A's rows (collective); see
 * {@link matvecInto}.
 * @throws as {@link matvecInto}.
 * @example
 * ```ts
 * const A = parray(ranks, [n, n], { grid: [ranks.np, 1], init: ([i, j]) => 1 / (1 + Math.abs(i - j)) });
 * const x = parray(ranks, [n], { init: ([j]) => 1 + (j % 7) });
 * const y = matvec(A, x);
 * ```
 * @group Dense distributed arrays (PArray)
 */
export function matvec(A: PArray, x: PArray): PArray {
  expectInstance(A, PArray, 'matvec: A');
  if (A.shape.length !== 2) throw new DimensionMismatchError(`matvec: A must have 2 dimensions, got shape [${A.shape.join(', ')}]`);
  // x is checked before the (collective) creation of y.
  expectInstance(x, PArray, 'matvec: x');
  if (A.backend !== x.backend) throw new PartitionMismatchError('matvec: A and x belong to different runs');
  if (x.shape.length !== 1 || x.shape[0] !== A.shape[1]) {
    throw new DimensionMismatchError(`matvec: x must have shape [${A.shape[1]}] (A's columns), got [${x.shape.join(', ')}]`);
  }
  const y = createPArray(A.localValues(), makeLayout(A.np, [A.shape[0]], [A.np], 'block', 'matvec'));
  matvecInto(y, A, x);
  return y;
}
