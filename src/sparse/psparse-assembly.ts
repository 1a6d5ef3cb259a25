/**
 * The per-part steps of psparse's symbolic and numeric phases: which triplets stay, which are
 * sent and where, the CSR pattern of the own rows, and the *slot* each triplet's value is added to.
 * A slot is an index into the concatenation of a part's `ownOwn.values` and `ownGhost.values`.
 * Internal to `psparse.ts` and `psparse-matrix.ts`.
 *
 * @module
 */
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { compressCoo } from './coo.js';
import type { ExchangeGraph } from '../pdata/exchange.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import type { PData } from '../pdata/pdata.js';

/** Slot (or route) of a triplet that is ignored (negative row or column id). */
export const IGNORED = -1;
/** Slot (or route) of a triplet whose row is owned by another part: it is sent there. */
const SENT = -2;
/** Route of a triplet whose row this part owns. */
const KEPT = 0;

/**
 * Fields of a triplet message of the symbolic phase, each as long as the number of triplets, in
 * this order: row ids, column ids, column owners, values. Ids travel as float64 (they may exceed
 * 2^31).
 */
const TRIPLET_FIELDS = 4;

/**
 * One part's share of the symbolic phase: where every value goes.
 * @group PSparseMatrix
 */
export interface PartAssembly {
  /** Per input triplet: its slot, or -1 (ignored: a negative row or column id), or -2 (sent to the owner of its row). */
  readonly localSlot: Int32Array;
  /** Input triplets sent to other parts, grouped by destination in `graph.snd` order. */
  readonly sendIndex: Int32Array;
  /** `graph.snd.length + 1` offsets into `sendIndex`. */
  readonly sendPtrs: Int32Array;
  /** Slot of each received triplet, grouped by sender in `graph.rcv` order. */
  readonly receiveSlot: Int32Array;
  /** `graph.rcv.length + 1` offsets into `receiveSlot`. */
  readonly receivePtrs: Int32Array;
  /** Positions in `graph.rcv` by ascending sender part id: the order received values are added. */
  readonly receiveOrder: Int32Array;
}

/**
 * What `psparse` computed once and `psparseRefill` reuses.
 * @group PSparseMatrix
 */
export interface PSparseAssembly {
  /** Who sends triplets to whom (from the emitting parts to the owners of the rows). */
  readonly graph: ExchangeGraph;
  /** Per part, where each triplet's value goes. */
  readonly parts: PData<PartAssembly>;
}

/** A part's input triplets sorted into kept here, sent (by destination) or ignored. */
export interface SendPlan {
  /** Per input triplet: KEPT, SENT or {@link IGNORED}. */
  readonly route: Int32Array;
  /** Parts this part sends triplets to, ascending. */
  readonly destinations: Int32Array;
  /** Input triplets sent, grouped by destination, each group in input order. */
  readonly sendIndex: Int32Array;
  /** `destinations.length + 1` offsets into `sendIndex`. */
  readonly sendPtrs: Int32Array;
}

/** Routes each input triplet by the owner of its row (−1 for ignored triplets). */
export function planSends(rowOwners: Int32Array, partId: number): SendPlan {
  const m = rowOwners.length;
  const route = new Int32Array(m);
  const counts = new Map<number, number>();
  for (let k = 0; k < m; k++) {
    const owner = rowOwners[k];
    route[k] = owner < 0 ? IGNORED : owner === partId ? KEPT : SENT;
    if (route[k] === SENT) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  const destinations = Int32Array.from(counts.keys()).sort();
  const sendPtrs = new Int32Array(destinations.length + 1);
  const next = new Map<number, number>();
  destinations.forEach((q, d) => {
    sendPtrs[d + 1] = sendPtrs[d] + (counts.get(q) ?? 0);
    next.set(q, sendPtrs[d]);
  });
  const sendIndex = new Int32Array(sendPtrs[destinations.length]);
  for (let k = 0; k < m; k++) {
    if (route[k] !== SENT) continue;
    const at = next.get(rowOwners[k]) ?? 0;
    sendIndex[at] = k;
    next.set(rowOwners[k], at + 1);
  }
  return { route, destinations, sendIndex, sendPtrs };
}

/** One message per destination with the given per-triplet fields of the sent triplets. */
function pack(plan: SendPlan | PartAssembly, fields: readonly ArrayLike<number>[]): Float64Array[] {
  const { sendIndex, sendPtrs } = plan;
  const messages: Float64Array[] = [];
  for (let d = 0; d + 1 < sendPtrs.length; d++) {
    const first = sendPtrs[d];
    const count = sendPtrs[d + 1] - first;
    const message = new Float64Array(fields.length * count);
    fields.forEach((field, f) => {
      for (let t = 0; t < count; t++) message[f * count + t] = field[sendIndex[first + t]];
    });
    messages.push(message);
  }
  return messages;
}

/** The symbolic phase's messages: the sent triplets with the owners of their columns. */
export function packTriplets(
  plan: SendPlan,
  I: ArrayLike<number>,
  J: ArrayLike<number>,
  colOwners: Int32Array,
  V: ArrayLike<number>,
): Float64Array[] {
  return pack(plan, [I, J, colOwners, V]);
}

/** The numeric phase's messages: the values of the sent triplets. */
export function packValues(part: PartAssembly, V: ArrayLike<number>): Float64Array[] {
  return pack(part, [V]);
}

/** The values field of each triplet message. */
export function valuesOfTriplets(messages: readonly Float64Array[]): Float64Array[] {
  return messages.map((message) => message.subarray(((TRIPLET_FIELDS - 1) * message.length) / TRIPLET_FIELDS));
}

/**
 * The triplets a part assembles, by contribution index: its input triplets first (ignored or sent
 * ones with row and column −1), then the received ones, grouped by sender in `graph.rcv` order.
 */
export interface Contributions {
  readonly rowGids: Float64Array;
  readonly colGids: Float64Array;
  readonly colOwners: Int32Array;
  /** `graph.rcv.length + 1` offsets of the received groups, counted from the first received one. */
  readonly receivePtrs: Int32Array;
}

/** Lists the triplets this part assembles (see {@link Contributions}). */
export function contributions(
  plan: SendPlan,
  I: ArrayLike<number>,
  J: ArrayLike<number>,
  colOwners: Int32Array,
  received: readonly Float64Array[],
): Contributions {
  const m = I.length;
  const receivePtrs = new Int32Array(received.length + 1);
  received.forEach((message, r) => (receivePtrs[r + 1] = receivePtrs[r] + message.length / TRIPLET_FIELDS));
  const total = m + receivePtrs[received.length];
  const rowGids = new Float64Array(total).fill(-1);
  const colGids = new Float64Array(total).fill(-1);
  const owners = new Int32Array(total).fill(-1);
  for (let k = 0; k < m; k++) {
    if (plan.route[k] !== KEPT) continue;
    rowGids[k] = I[k];
    colGids[k] = J[k];
    owners[k] = colOwners[k];
  }
  received.forEach((message, r) => {
    const count = message.length / TRIPLET_FIELDS;
    const at = m + receivePtrs[r];
    rowGids.set(message.subarray(0, count), at);
    colGids.set(message.subarray(count, 2 * count), at);
    owners.set(message.subarray(2 * count, 3 * count), at);
  });
  return { rowGids, colGids, colOwners: owners, receivePtrs };
}

/**
 * Builds a part's two CSR blocks (values zero) and the slot of every contribution. `colIds` are
 * the final column indices: their ghosts include every column of `t` owned elsewhere.
 */
export function buildPart(
  t: Contributions,
  plan: SendPlan,
  rowIds: LocalIndices,
  colIds: LocalIndices,
  rcv: Int32Array,
): { part: PartAssembly; ownOwn: CsrMatrix; ownGhost: CsrMatrix } {
  const total = t.rowGids.length;
  const rowLocal = new Int32Array(total);
  const ownCol = new Int32Array(total);
  const ghostCol = new Int32Array(total);
  // Triplets usually come row by row: reuse the previous row's lookup.
  let lastRowGid = -1;
  let lastRowLocal = -1;
  for (let c = 0; c < total; c++) {
    const rowGid = t.rowGids[c];
    const kept = rowGid >= 0;
    const own = t.colOwners[c] === rowIds.partId;
    if (kept && rowGid !== lastRowGid) {
      lastRowGid = rowGid;
      lastRowLocal = rowIds.globalToOwn(rowGid);
    }
    rowLocal[c] = kept ? lastRowLocal : -1;
    ownCol[c] = kept && own ? colIds.globalToOwn(t.colGids[c]) : -1;
    ghostCol[c] = kept && !own ? colIds.globalToGhost(t.colGids[c]) : -1;
  }
  const nRows = rowIds.nOwn;
  const oo = compressCoo(nRows, colIds.nOwn, rowLocal, ownCol);
  const og = compressCoo(nRows, colIds.nGhost, rowLocal, ghostCol);
  const nOwnOwn = oo.colIdx.length;
  const slot = new Int32Array(total);
  for (let c = 0; c < total; c++) {
    slot[c] = oo.entryOf[c] >= 0 ? oo.entryOf[c] : og.entryOf[c] >= 0 ? nOwnOwn + og.entryOf[c] : IGNORED;
  }
  const m = plan.route.length;
  const localSlot = new Int32Array(m);
  for (let k = 0; k < m; k++) localSlot[k] = plan.route[k] === KEPT ? slot[k] : plan.route[k];
  return {
    part: {
      localSlot,
      sendIndex: plan.sendIndex,
      sendPtrs: plan.sendPtrs,
      receiveSlot: slot.slice(m),
      receivePtrs: t.receivePtrs,
      receiveOrder: Int32Array.from(rcv.keys()).sort((a, b) => rcv[a] - rcv[b]),
    },
    ownOwn: { nRows, nCols: colIds.nOwn, rowPtr: oo.rowPtr, colIdx: oo.colIdx, values: largeArrays.float64(nOwnOwn) },
    ownGhost: {
      nRows,
      nCols: colIds.nGhost,
      rowPtr: og.rowPtr,
      colIdx: og.colIdx,
      values: largeArrays.float64(og.colIdx.length),
    },
  };
}

function addAt(oo: Float64Array, og: Float64Array, slots: Int32Array, from: number, values: ArrayLike<number>): void {
  const nOwnOwn = oo.length;
  for (let t = 0; t < values.length; t++) {
    const s = slots[from + t];
    if (s < 0) continue;
    if (s < nOwnOwn) oo[s] += values[t];
    else og[s - nOwnOwn] += values[t];
  }
}

/** Numeric phase, first half: zero the block values, then add this part's triplets in input order. */
export function addLocal(part: PartAssembly, oo: Float64Array, og: Float64Array, V: ArrayLike<number>): void {
  oo.fill(0);
  og.fill(0);
  addAt(oo, og, part.localSlot, 0, V);
}

/** Numeric phase, second half: add received values by ascending sender, each in the sender's order. */
export function addReceived(part: PartAssembly, oo: Float64Array, og: Float64Array, received: readonly Float64Array[]): void {
  for (const k of part.receiveOrder) addAt(oo, og, part.receiveSlot, part.receivePtrs[k], received[k]);
}
