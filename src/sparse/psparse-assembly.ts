/**
 * The per-part steps of psparse's symbolic and numeric phases: which triplets stay, which are
 * sent and where, the CSR pattern of the own rows, and the *slot* each triplet's value is added to.
 * A slot is an index into the concatenation of a part's `ownOwn.values` and `ownGhost.values`.
 * The loops over triplets run in {@link assemblyKernels} (native, or their JavaScript twins):
 * no JavaScript object or Map per triplet. Internal to `psparse.ts` and `psparse-matrix.ts`.
 *
 * @module
 */
import type { Backend } from '../backends/backend.js';
import { assemblyKernels } from '../kernels/assembly-kernels.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import type { ExchangeGraph } from '../pdata/exchange.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import { ownBoxOf } from '../partitions/own-lookup.js';
import type { PData } from '../pdata/pdata.js';

/** Slot (or code) of a triplet that is ignored (negative row or column id). */
export const IGNORED = -1;
/** Code of an id this part does not own; the slot of a triplet sent to the owner of its row. */
const NOT_OWN = -2;

/**
 * Fields of a triplet message of the symbolic phase, each as long as the number of triplets, in
 * this order: row ids, column ids, values. Ids travel as float64 (they may exceed 2^31).
 */
const TRIPLET_FIELDS = 3;

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
  /** Who sends triplets to whom (from the emitting parts to the owners of their rows). */
  readonly graph: ExchangeGraph;
  /** Per part, where each triplet's value goes. */
  readonly parts: PData<PartAssembly>;
}

/** A part's checked triplets, as Float64Arrays, with the row and column code of each. */
export interface CodedTriplets {
  readonly I: Float64Array;
  readonly J: Float64Array;
  /** The values as given (only finite numbers where the triplet is kept). */
  readonly V: ArrayLike<number>;
  /** Own local row id, −1 (ignored) or −2 (row owned elsewhere). */
  readonly rowCode: Int32Array;
  /** Own local column id, −1 (ignored) or −2 (column owned elsewhere). */
  readonly colCode: Int32Array;
  /** The triplets whose row is owned elsewhere, in input order. */
  readonly offIndex: Int32Array;
  /** Their row ids. */
  readonly offRowIds: Float64Array;
  /** How many column codes are −2. */
  readonly offColumns: number;
}

/**
 * Writes the code of each `ids[k]` (k < m) into `out` (see {@link CodedTriplets}); returns the
 * number of ids owned elsewhere. `I`, `J` decide which triplets are ignored.
 */
export function classify(
  ids: Float64Array,
  I: Float64Array,
  J: Float64Array,
  m: number,
  own: LocalIndices,
  out: Int32Array,
): number {
  const box = ownBoxOf(own.own, own.n);
  if (box !== undefined) return assemblyKernels.assemblyClassify(m, ids, I, J, box, out);
  // Own ids listed explicitly (or described otherwise): their own lookup.
  let off = 0;
  for (let k = 0; k < m; k++) {
    if (I[k] < 0 || J[k] < 0) {
      out[k] = IGNORED;
      continue;
    }
    const index = own.own.indexOf(ids[k]);
    out[k] = index >= 0 ? index : NOT_OWN;
    if (index < 0) off++;
  }
  return off;
}

/**
 * A zero-filled Int32Array of `length` in the memory `backend` gives vectors (a SharedArrayBuffer
 * on Threads). psparse's scratch arrays live there and are recycled ({@link LargeArrays.recycle})
 * once dead, so the vectors allocated next (a CG solver's) reuse their written pages whichever
 * backend runs.
 */
function scratchInt32(backend: Backend, length: number): Int32Array {
  const words = backend.allocateFloat64(Math.ceil(length / 2));
  return new Int32Array(words.buffer, words.byteOffset, length);
}

/** Codes the checked triplets of a part (see {@link CodedTriplets}); `backend` gives the code arrays' memory. */
export function codeTriplets(
  I: Float64Array,
  J: Float64Array,
  V: ArrayLike<number>,
  rowIds: LocalIndices,
  colIds: LocalIndices,
  backend: Backend,
): CodedTriplets {
  const m = I.length;
  // Fresh memory costs most in its first touch; on huge pages that costs a fraction.
  const rowCode = scratchInt32(backend, m);
  const colCode = scratchInt32(backend, m);
  const nOff = classify(I, I, J, m, rowIds, rowCode);
  const offColumns = classify(J, I, J, m, colIds, colCode);
  const offIndex = new Int32Array(nOff);
  const offRowIds = new Float64Array(nOff);
  if (nOff > 0) {
    for (let k = 0, at = 0; k < m; k++) {
      if (rowCode[k] !== NOT_OWN) continue;
      offIndex[at] = k;
      offRowIds[at++] = I[k];
    }
  }
  return { I, J, V, rowCode, colCode, offIndex, offRowIds, offColumns };
}

/** A part's triplets to send, grouped by the owner of their rows. */
export interface SendPlan {
  /** Parts this part sends triplets to, ascending. */
  readonly destinations: Int32Array;
  /** Input triplets sent, grouped by destination, each group in input order. */
  readonly sendIndex: Int32Array;
  /** `destinations.length + 1` offsets into `sendIndex`. */
  readonly sendPtrs: Int32Array;
}

/** Groups the triplets of other parts' rows (`offIndex`, with `owners` of their rows) by destination. */
export function planSends(offIndex: Int32Array, owners: Int32Array, np: number): SendPlan {
  const counts = new Int32Array(np);
  for (let t = 0; t < owners.length; t++) counts[owners[t]]++;
  let nDest = 0;
  for (let q = 0; q < np; q++) if (counts[q] > 0) nDest++;
  const destinations = new Int32Array(nDest);
  const sendPtrs = new Int32Array(nDest + 1);
  const next = new Int32Array(np);
  for (let q = 0, d = 0; q < np; q++) {
    if (counts[q] === 0) continue;
    destinations[d] = q;
    next[q] = sendPtrs[d];
    sendPtrs[d + 1] = sendPtrs[d] + counts[q];
    d++;
  }
  const sendIndex = new Int32Array(owners.length);
  for (let t = 0; t < owners.length; t++) sendIndex[next[owners[t]]++] = offIndex[t];
  return { destinations, sendIndex, sendPtrs };
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

/** The symbolic phase's messages: the sent triplets. */
export function packTriplets(plan: SendPlan, t: CodedTriplets): Float64Array[] {
  return pack(plan, [t.I, t.J, t.V]);
}

/** The numeric phase's messages: the values of the sent triplets. */
export function packValues(part: PartAssembly, V: ArrayLike<number>): Float64Array[] {
  return pack(part, [V]);
}

/** One received triplet message as its three fields. */
function fieldsOf(message: Float64Array): { I: Float64Array; J: Float64Array; V: Float64Array } {
  const count = message.length / TRIPLET_FIELDS;
  return { I: message.subarray(0, count), J: message.subarray(count, 2 * count), V: message.subarray(2 * count) };
}

/** The values field of each triplet message. */
export function valuesOfTriplets(messages: readonly Float64Array[]): Float64Array[] {
  return messages.map((message) => fieldsOf(message).V);
}

/**
 * The contributions a part assembles, by index: its input triplets first, then the received ones,
 * grouped by sender in `graph.rcv` order, with their row and column codes, and the ascending
 * global ids of the columns they reference that this part does not own (its ghost columns).
 */
export interface Contributions {
  readonly rowCode: Int32Array;
  readonly colCode: Int32Array;
  /** The column ids of each segment: the input triplets' J, then each message's. */
  readonly segments: readonly Float64Array[];
  /** `graph.rcv.length + 1` offsets of the received groups, counted from the first received one. */
  readonly receivePtrs: Int32Array;
  /** Ghost column ids, ascending, unique. */
  readonly ghosts: Float64Array;
}

/**
 * Codes the received triplets, joins them to the part's own and finds the ghost columns. When
 * triplets were received, the codes of `t` are copied into new arrays and `t`'s are recycled:
 * `t.rowCode` and `t.colCode` must not be used afterwards.
 */
export function contributions(
  t: CodedTriplets,
  received: readonly Float64Array[],
  rowIds: LocalIndices,
  colIds: LocalIndices,
  backend: Backend,
): Contributions {
  const m = t.I.length;
  const receivePtrs = new Int32Array(received.length + 1);
  received.forEach((message, r) => (receivePtrs[r + 1] = receivePtrs[r] + message.length / TRIPLET_FIELDS));
  const total = m + receivePtrs[received.length];
  let rowCode = t.rowCode;
  let colCode = t.colCode;
  let offColumns = t.offColumns;
  if (received.length > 0) {
    rowCode = scratchInt32(backend, total);
    colCode = scratchInt32(backend, total);
    rowCode.set(t.rowCode);
    colCode.set(t.colCode);
    largeArrays.recycle(t.rowCode);
    largeArrays.recycle(t.colCode);
    received.forEach((message, r) => {
      const { I, J } = fieldsOf(message);
      const at = m + receivePtrs[r];
      const count = I.length;
      classify(I, I, J, count, rowIds, rowCode.subarray(at, at + count));
      offColumns += classify(J, I, J, count, colIds, colCode.subarray(at, at + count));
    });
  }
  const segments = [t.J, ...received.map((message) => fieldsOf(message).J)];
  const starts = [0, ...Array.from(receivePtrs.subarray(0, received.length), (p) => m + p)];
  let ghosts = new Float64Array(offColumns);
  let n = 0;
  // Without a column owned elsewhere (one part, or a part whose rows reach no other) there is no
  // ghost to collect: a pass over every contribution less.
  if (offColumns > 0) segments.forEach((J, s) => {
    const at = starts[s];
    const count = J.length;
    n += assemblyKernels.assemblyCollect(
      count, J, rowCode.subarray(at, at + count), colCode.subarray(at, at + count), ghosts.subarray(n),
    );
  });
  ghosts = ghosts.subarray(0, n).sort();
  let unique = 0;
  for (let k = 0; k < n; k++) if (k === 0 || ghosts[k] !== ghosts[k - 1]) ghosts[unique++] = ghosts[k];
  return { rowCode, colCode, segments, receivePtrs, ghosts: ghosts.slice(0, unique) };
}

/**
 * Builds a part's two CSR blocks (values zero) and the slot of every contribution. `colIds` are
 * the final column indices: their ghosts are `c.ghosts`. The slots overwrite `c.rowCode`, and
 * `c.colCode` is recycled: it must not be used afterwards.
 */
export function buildPart(
  c: Contributions,
  plan: SendPlan,
  rowIds: LocalIndices,
  colIds: LocalIndices,
  rcv: Int32Array,
  backend: Backend,
): { part: PartAssembly; ownOwn: CsrMatrix; ownGhost: CsrMatrix } {
  const { rowCode, colCode, segments } = c;
  const total = rowCode.length;
  const nRows = rowIds.nOwn;
  const nOwnCols = colIds.nOwn;
  let at = 0;
  // A kept contribution with a column owned elsewhere made that column a ghost: no ghosts, no such codes.
  for (const J of c.ghosts.length > 0 ? segments : []) {
    const count = J.length;
    assemblyKernels.assemblyGhostCodes(
      count, J, rowCode.subarray(at, at + count), colCode.subarray(at, at + count), c.ghosts, nOwnCols,
    );
    at += count;
  }
  const ooPtr = largeArrays.int32(nRows + 1);
  const ogPtr = largeArrays.int32(nRows + 1);
  // The slots overwrite the row codes (the fills read a contribution's row code only to write its
  // slot): one array of a contribution's size less.
  const slot = rowCode;
  // A stencil's triplets come row by row, columns ascending: then the pattern needs neither the
  // permutation (an array of a contribution's size, first written here) nor the sort of each row.
  if (assemblyKernels.csrOrderedPattern(nRows, nOwnCols, rowCode, colCode, ooPtr, ogPtr)) {
    const ooCol = largeArrays.int32(ooPtr[nRows]);
    const ogCol = largeArrays.int32(ogPtr[nRows]);
    assemblyKernels.csrOrderedFill(nOwnCols, rowCode, colCode, ooCol, ogCol, slot);
    largeArrays.recycle(colCode);
    return partOf(c, plan, rcv, slot, colIds, { nRows, nOwnCols, ooPtr, ogPtr, ooCol, ogCol });
  }
  const perm = scratchInt32(backend, total);
  const rowStart = new Int32Array(nRows + 1);
  assemblyKernels.csrPattern(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooPtr, ogPtr);
  const ooCol = largeArrays.int32(ooPtr[nRows]);
  const ogCol = largeArrays.int32(ogPtr[nRows]);
  assemblyKernels.csrFill(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooCol, ogCol, slot);
  // Dead from here: their written pages serve the arrays allocated next (a solver's vectors).
  largeArrays.recycle(perm);
  largeArrays.recycle(colCode);
  return partOf(c, plan, rcv, slot, colIds, { nRows, nOwnCols, ooPtr, ogPtr, ooCol, ogCol });
}

/** The pattern of a part's two blocks, as the CSR builds of {@link buildPart} leave it. */
interface BlockPattern {
  readonly nRows: number;
  readonly nOwnCols: number;
  readonly ooPtr: Int32Array;
  readonly ogPtr: Int32Array;
  readonly ooCol: Int32Array;
  readonly ogCol: Int32Array;
}

/** A part's assembly record and its two blocks (values zero) from its slots and block pattern. */
function partOf(
  c: Contributions,
  plan: SendPlan,
  rcv: Int32Array,
  slot: Int32Array,
  colIds: LocalIndices,
  { nRows, nOwnCols, ooPtr, ogPtr, ooCol, ogCol }: BlockPattern,
): { part: PartAssembly; ownOwn: CsrMatrix; ownGhost: CsrMatrix } {
  const m = c.segments[0].length;
  return {
    part: {
      localSlot: slot.subarray(0, m),
      sendIndex: plan.sendIndex,
      sendPtrs: plan.sendPtrs,
      receiveSlot: slot.subarray(m),
      receivePtrs: c.receivePtrs,
      receiveOrder: Int32Array.from(rcv.keys()).sort((a, b) => rcv[a] - rcv[b]),
    },
    ownOwn: { nRows, nCols: nOwnCols, rowPtr: ooPtr, colIdx: ooCol, values: largeArrays.float64(ooCol.length) },
    ownGhost: { nRows, nCols: colIds.nGhost, rowPtr: ogPtr, colIdx: ogCol, values: largeArrays.float64(ogCol.length) },
  };
}

/**
 * Numeric phase, first half: zero the block values (unless `fresh`: just allocated, so zero and
 * better first touched by the adds), then add this part's triplets in input order.
 */
export function addLocal(part: PartAssembly, oo: Float64Array, og: Float64Array, V: ArrayLike<number>, fresh = false): void {
  if (!fresh) {
    oo.fill(0);
    og.fill(0);
  }
  assemblyKernels.addSlots(part.localSlot.length, part.localSlot, 0, V, oo, og);
}

/** Numeric phase, second half: add received values by ascending sender, each in the sender's order. */
export function addReceived(part: PartAssembly, oo: Float64Array, og: Float64Array, received: readonly Float64Array[]): void {
  for (const k of part.receiveOrder) {
    assemblyKernels.addSlots(received[k].length, part.receiveSlot, part.receivePtrs[k], received[k], oo, og);
  }
}
