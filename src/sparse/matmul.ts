/**
 * `matmul(A, B)`: the product of two distributed sparse matrices, and its plan (the symbolic work
 * kept so that new values of A and B give new values of the product without redoing it).
 *
 * Each part computes its own rows of C = A·B. Row i of C needs the rows of B for the columns of
 * row i of A; those of ghost columns are owned elsewhere, so every owner sends the rows of B its
 * neighbours ghost in A.cols (along A.cols' ghost plan: the rows' structure and values in one
 * message when the product is built, the values alone at every refresh). A message names each
 * distinct column of its rows once (global id and owner) and each entry by its rank in that
 * list, so the receiver looks up a column once, not once per entry. The local product (row-wise
 * Gustavson, native when built) reads A's two blocks and B's own block where they are; only B's
 * ghost-block entries (their columns renumbered) and the received rows are copied, into one small
 * CSR matrix. Each row's sums follow A's entries
 * in stored order (own block, then ghost block), then B's (own block, then ghost block), so C has
 * the same bits on every backend for a given partition.
 *
 * @module
 */
import { expectInstance } from '../argument-checks.js';
import { DimensionMismatchError } from '../errors.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { ghostPlan, type PartGhostPlan } from '../partitions/ghost-plan.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import { checkSameOwn, PRange } from '../partitions/prange.js';
import { exchange, ExchangeGraph } from '../pdata/exchange.js';
import { pmap, type PData } from '../pdata/pdata.js';
import {
  entriesOfRows,
  finalColumns,
  lookUpColumns,
  placeRowLengths,
  rankedColumns,
  runningSum,
  writeListedColumns,
  writeRowLengths,
  writeShifted,
} from './column-passes.js';
import { compactGhostColumns, emptyCsr, GhostColumns, type MutableCsr } from './matmul-local.js';
import { spgemmKernels } from './matmul-kernels.js';
import { assembledMatrix, PSparseMatrix } from './psparse-matrix.js';

/**
 * A product whose values can be recomputed after the values of its operands changed in place
 * (same structure, e.g. after `psparseRefill`): `refresh()` is collective and gives the same bits
 * as building the product anew.
 * @group PSparseMatrix
 */
export interface ProductPlan {
  /** The product; `refresh` overwrites its values in place. */
  readonly result: PSparseMatrix;
  /** Recomputes `result`'s values from the operands' current values (collective). */
  refresh(): void;
}

/** One part's symbolic product. */
interface PartProduct {
  /**
   * The rows of B the local product reads besides B's own block: B's own rows' ghost-block
   * entries (columns as `nOwn + ` their rank among the ghost columns), then, past B's own rows,
   * the received rows by ghost index of A.cols.
   */
  readonly b2: MutableCsr;
  /** Per received row (in receive order), its ghost index in A.cols. */
  readonly receivedRows: Int32Array;
  /** Per message (owner), the offsets of its rows in `receivedRows`. */
  readonly receivedPtrs: Int32Array;
  /** B's own columns: the product's columns below it are own, the others ghost candidates (ascending gid). */
  readonly nOwn: number;
  readonly accumulator: Float64Array;
  readonly oo: MutableCsr;
  readonly og: MutableCsr;
  /** The ghost block's ids as candidates (what spgemmValues reads; og's own ids when the same). */
  readonly candidates: Int32Array;
  readonly colIds: LocalIndices;
}

/**
 * The product C = A·B of two distributed sparse matrices (collective). C has A's rows and, as
 * columns, B's column ids with exactly the ghost columns C's own rows reference (ascending); its
 * blocks are sorted by column. Ghost rows of B are fetched from their owners. Sums run in a fixed
 * order, so C has the same bits on every backend (and with native or JavaScript kernels) for a
 * given partition. Rectangular matrices and parts without rows are fine.
 *
 * @param A an `m × k` matrix
 * @param B a `k × n` matrix whose rows have the own ids of `A.cols`
 * @throws InvalidArgumentError when `A` or `B` is not a PSparseMatrix (a `Pending`: call `.wait()`
 * first); DimensionMismatchError when `A.cols.n !== B.rows.n`; PartitionMismatchError when the
 * matrices belong to different runs or `B.rows` does not have the own ids of `A.cols`. All
 * checked before any communication.
 * @example
 * ```ts
 * const A2 = matmul(A, A);                  // A squared
 * centralize(A2);                           // the whole product, for a check
 * ```
 * @group PSparseMatrix
 */
export function matmul(A: PSparseMatrix, B: PSparseMatrix): PSparseMatrix {
  return planMatmul(A, B).result;
}

/**
 * {@link matmul} keeping its plan, so that `refresh()` recomputes the values of the product after
 * the values (not the structure) of `A` or `B` changed.
 * @throws as {@link matmul}.
 * @example
 * ```ts
 * const plan = planMatmul(A, P);
 * await psparseRefill(A, newValues);
 * plan.refresh();                           // plan.result = A·P for the new values
 * ```
 * @group PSparseMatrix
 */
export function planMatmul(A: PSparseMatrix, B: PSparseMatrix): ProductPlan {
  expectInstance(A, PSparseMatrix, 'matmul: A');
  expectInstance(B, PSparseMatrix, 'matmul: B');
  if (A.cols.n !== B.rows.n) {
    throw new DimensionMismatchError(`matmul: A is ${A.rows.n}×${A.cols.n} and B is ${B.rows.n}×${B.cols.n}`);
  }
  checkSameOwn(A.cols, B.rows, 'matmul: B.rows must have the own ids of A.cols');
  const plan = ghostPlan(A.cols);
  // Owners send the rows their neighbours ghost: along the plan's owners-to-holders direction.
  const graph = new ExchangeGraph(
    plan.parts.map((part) => part.holders),
    plan.parts.map((part) => part.owners),
  );
  const parts = pmap(buildPart, ghostedRows(A, B), A.ownOwn, A.ownGhost, B.ownOwn, B.cols.partition);
  const cols = new PRange(B.cols.n, parts.map((part) => part.colIds), B.cols.ownerOf);
  // The kernels write ascending row offsets and column ids below each block's width by
  // construction: no pass over every entry to check them.
  const result = assembledMatrix(
    A.rows,
    cols,
    parts.map((part) => part.oo),
    parts.map((part) => part.og),
  );
  return {
    result,
    refresh() {
      const fresh = exchange(pmap(packValues, plan.parts, B.ownOwn, B.ownGhost), graph);
      pmap(refreshPart, parts, A.ownOwn, A.ownGhost, B.ownOwn, B.ownGhost, fresh.wait());
    },
  };
}

/**
 * Where each part of a {@link packRows} message starts, for a message of `nRows` rows: the row
 * lengths from 2, then the column list (global ids, then owners), the entries' ranks in that list,
 * and the values (entry order: each row's own-block entries, then its ghost-block entries).
 */
function rowsLayout(
  message: Float64Array,
  nRows: number,
): { nColumns: number; count: number; gids: number; owners: number; entries: number; values: number } {
  const nColumns = message[0];
  const count = message[1];
  const gids = 2 + nRows;
  const owners = gids + nColumns;
  const entries = owners + nColumns;
  return { nColumns, count, gids, owners, entries, values: entries + count };
}

/**
 * The own rows of B each holder ghosts, by holder, with their values (see {@link rowsLayout}). A
 * column is named once per message: entries carry its rank in the message's column list, which
 * the sender builds with a marker over its local columns (no global id per entry).
 */
function packRows(plan: PartGhostPlan, colIds: LocalIndices, oo: CsrMatrix, og: CsrMatrix, partId: number): Float64Array[] {
  if (plan.holders.length === 0) return [];
  const nOwn = colIds.nOwn;
  const kernels = spgemmKernels();
  const ooPtr = oo.rowPtr;
  const ogPtr = og.rowPtr;
  // Per local column (own, then ghost), its rank in the current message's list (−1: not listed;
  // the kernel leaves it so).
  const slot = new Int32Array(nOwn + colIds.nGhost).fill(-1);
  return Array.from(plan.holders, (_, h) => {
    const rows = plan.holderLids.subarray(plan.holderPtrs[h], plan.holderPtrs[h + 1]);
    const count = entriesOfRows(rows, ooPtr, ogPtr);
    const entryRank = new Int32Array(count);
    const listed = new Int32Array(count);
    const values = new Float64Array(count);
    // One kernel call: a JavaScript loop over the entries runs in the interpreter for a good part
    // of its first run (on the AMG set-up's finest level about 20 ms for 40 000 entries, natively
    // well under 1 ms), and this pass runs once per product.
    const nColumns = kernels.rankRowEntries(rows, ooPtr, oo.colIdx, oo.values, ogPtr, og.colIdx, og.values, nOwn, slot, entryRank, listed, values);
    const out = new Float64Array(2 + rows.length + 2 * nColumns + 2 * count);
    out[0] = nColumns;
    out[1] = count;
    const at = rowsLayout(out, rows.length);
    writeRowLengths(out, 2, rows, ooPtr, ogPtr);
    writeListedColumns(out, at.gids, at.owners, listed, nColumns, nOwn, colIds.own, colIds.ghostToGlobal, colIds.ghostToOwner, partId);
    out.set(entryRank, at.entries);
    out.set(values, at.values);
    return out;
  });
}

/** The values of the rows {@link packRows} sends, in the same order (a refresh's message). */
function packValues(plan: PartGhostPlan, oo: CsrMatrix, og: CsrMatrix): Float64Array[] {
  return Array.from(plan.holders, (_, h) => {
    const rows = plan.holderLids.subarray(plan.holderPtrs[h], plan.holderPtrs[h + 1]);
    let count = 0;
    for (let i = 0; i < rows.length; i++) count += oo.rowPtr[rows[i] + 1] - oo.rowPtr[rows[i]] + og.rowPtr[rows[i] + 1] - og.rowPtr[rows[i]];
    const out = new Float64Array(count);
    let k = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      for (let e = oo.rowPtr[r]; e < oo.rowPtr[r + 1]; e++) out[k++] = oo.values[e];
      for (let e = og.rowPtr[r]; e < og.rowPtr[r + 1]; e++) out[k++] = og.values[e];
    }
    return out;
  });
}

/**
 * The rows of B a part's product with A reads besides B's own block, numbered for the kernels:
 * `b2` holds B's own rows' ghost-block entries, then, past B's own rows, the rows of A's ghost
 * columns received from their owners (by ghost index of A.cols); its columns are B's own columns
 * (below `nOwn`) and, from `nOwn`, the ghost candidates in ascending global id (`sortedGids`,
 * owned by `sortedOwners`): B's ghost columns and those of the received rows.
 */
export interface GhostedRows {
  readonly b2: MutableCsr;
  /** Per received row (in receive order), its ghost index in A.cols. */
  readonly receivedRows: Int32Array;
  /** Per message (owner), the offsets of its rows in `receivedRows`. */
  readonly receivedPtrs: Int32Array;
  readonly nOwn: number;
  /** `nOwn` plus the number of ghost candidates: b2's width. */
  readonly nCols: number;
  /** Per ghost column of B (its ghost index), its candidate's position in `sortedGids`. */
  readonly ghostRank: Int32Array;
  readonly sortedGids: Float64Array;
  readonly sortedOwners: Int32Array;
}

/**
 * Per part, the rows of `B` that a product `A·B` reads besides B's own block, the rows of A's
 * ghost columns fetched from their owners in one message per neighbour (collective; see
 * {@link GhostedRows}). `B.rows` must have the own ids of `A.cols` (the caller checks). Internal
 * (the products and the AMG set-up's Galerkin product share it), not exported from the package.
 */
export function ghostedRows(A: PSparseMatrix, B: PSparseMatrix): PData<GhostedRows> {
  const plan = ghostPlan(A.cols);
  const graph = new ExchangeGraph(
    plan.parts.map((part) => part.holders),
    plan.parts.map((part) => part.owners),
  );
  const rows = exchange(pmap(packRows, plan.parts, B.cols.partition, B.ownOwn, B.ownGhost), graph);
  return pmap(receiveRows, plan.parts, A.cols.partition, B.cols.partition, B.ownOwn, B.ownGhost, rows.wait());
}

/** One part's {@link GhostedRows} from the messages {@link packRows} sent it. */
function receiveRows(
  plan: PartGhostPlan,
  aColIds: LocalIndices,
  bColIds: LocalIndices,
  bOo: CsrMatrix,
  bOg: CsrMatrix,
  messages: Float64Array[],
  partId: number,
): GhostedRows {
  const nOwn = bColIds.nOwn;
  const ghosts = new GhostColumns();
  ghosts.addAll(bColIds.ghostToGlobal, bColIds.ghostToOwner);
  // Received rows: each message's columns as own ids or candidates (looked up once per column),
  // numbered once all are known. The loops are small functions of their own (column-passes.ts).
  const receivedRows = new Int32Array(plan.ghostLids.length);
  const columnsOf: Int32Array[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const lids = plan.ghostLids.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]);
    const at = rowsLayout(message, lids.length);
    columnsOf.push(lookUpColumns(message, at.gids, at.owners, at.nColumns, partId, bColIds, ghosts, -1, -1));
    writeShifted(receivedRows, plan.ownerPtrs[i], lids, -aColIds.nOwn);
  }
  const { rank, sortedGids, sortedOwners } = ghosts.sorted();
  const nColsExt = nOwn + rank.length;
  const nRowsB1 = bOo.nRows;
  const nRowsB2 = nRowsB1 + aColIds.nGhost;
  const ogEntries = bOg.rowPtr[nRowsB1];
  let b2: MutableCsr;
  if (ogEntries === 0 && receivedRows.length === 0) {
    b2 = emptyCsr(nRowsB2, nColsExt);
  } else {
    // Row pointers: B's ghost block's, then the received rows' lengths (by ghost index).
    const rowPtr = largeArrays.int32(nRowsB2 + 1);
    rowPtr.set(bOg.rowPtr.subarray(0, nRowsB1 + 1));
    for (let i = 0; i < messages.length; i++) {
      placeRowLengths(rowPtr, nRowsB1, receivedRows, plan.ownerPtrs[i], plan.ownerPtrs[i + 1], messages[i]);
    }
    runningSum(rowPtr, nRowsB1, nRowsB2);
    const colIdx = largeArrays.int32(rowPtr[nRowsB2]);
    const values = largeArrays.float64(rowPtr[nRowsB2]);
    rankedColumns(colIdx, bOg.colIdx, ogEntries, nOwn, rank);
    values.set(bOg.values.subarray(0, ogEntries));
    // The received rows' entries: one kernel call per message (a JavaScript loop over them runs
    // in the interpreter for a good part of its first run, and this pass runs once per product).
    const kernels = spgemmKernels();
    for (let i = 0; i < messages.length; i++) {
      const message = messages[i];
      const finalColumn = finalColumns(columnsOf[i], nOwn, rank);
      const rowOf = new Int32Array(plan.ownerPtrs[i + 1] - plan.ownerPtrs[i]);
      writeShifted(rowOf, 0, receivedRows.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]), nRowsB1);
      const at = rowsLayout(message, rowOf.length);
      kernels.placeReceivedRows(rowOf, rowPtr, message, at.entries, at.values, finalColumn, colIdx, values);
    }
    b2 = { nRows: nRowsB2, nCols: nColsExt, rowPtr, colIdx, values };
  }
  const ghostRank = rank.subarray(0, bColIds.nGhost);
  return { b2, receivedRows, receivedPtrs: plan.ownerPtrs, nOwn, nCols: nColsExt, ghostRank, sortedGids, sortedOwners };
}

function buildPart(rows: GhostedRows, aOo: CsrMatrix, aOg: CsrMatrix, bOo: CsrMatrix, bColIds: LocalIndices): PartProduct {
  const { b2, receivedRows, receivedPtrs, nOwn, nCols, sortedGids, sortedOwners } = rows;
  const { oo, og: written, accumulator } = localProduct(aOo, aOg, bOo, b2, nOwn, nCols);
  const { og, candidates, colIds } = compactGhostColumns(written, sortedGids, sortedOwners, bColIds);
  return { b2, receivedRows, receivedPtrs, nOwn, accumulator, oo, og, candidates, colIds };
}

/**
 * C = A·B on one part, in one pass, as its own block (columns below `nOwn`) and its ghost block
 * (columns `nOwn..nCols-1`, as candidates `j - nOwn`), with the accumulator its refreshes reuse.
 * Each block's arrays are sized by its product terms (pairs a_ik·b_kj: an upper bound on its
 * entries, counted by the kernels) and the blocks are views of their first entries: the rest is
 * address space only, never written and so never faulted in. These are the largest arrays of a
 * set-up, written once: on huge pages where the system offers them (fewer page faults).
 */
function localProduct(
  aOo: CsrMatrix,
  aOg: CsrMatrix,
  b1: CsrMatrix,
  b2: CsrMatrix,
  nOwn: number,
  nCols: number,
): { oo: MutableCsr; og: MutableCsr; accumulator: Float64Array } {
  const nRows = aOo.nRows;
  const kernels = spgemmKernels();
  const terms = new Float64Array(2);
  kernels.spgemmTerms(
    nRows, aOo.rowPtr, aOo.colIdx, aOo.values, aOg.rowPtr, aOg.colIdx, aOg.values,
    b1.rowPtr, b1.colIdx, b1.values, b2.rowPtr, b2.colIdx, b2.values, nOwn, nCols, terms,
  );
  const ownRoom = Math.min(terms[0], nRows * nOwn);
  const ghostRoom = Math.min(terms[1], nRows * (nCols - nOwn));
  const ooPtr = largeArrays.int32(nRows + 1);
  const ooCol = largeArrays.int32(ownRoom);
  const ooValues = largeArrays.float64(ownRoom);
  const ogPtr = largeArrays.int32(nRows + 1);
  const ogCol = largeArrays.int32(ghostRoom);
  const ogValues = largeArrays.float64(ghostRoom);
  const accumulator = largeArrays.float64(nCols);
  const marker = largeArrays.int32(nCols);
  kernels.spgemmRows(
    nRows, aOo.rowPtr, aOo.colIdx, aOo.values, aOg.rowPtr, aOg.colIdx, aOg.values,
    b1.rowPtr, b1.colIdx, b1.values, b2.rowPtr, b2.colIdx, b2.values, nOwn,
    ooPtr, ooCol, ooValues, ogPtr, ogCol, ogValues, marker, accumulator,
  );
  // Written and dead: its pages serve the next large arrays warm.
  largeArrays.recycle(marker);
  const [ownNnz, ghostNnz] = [ooPtr[nRows], ogPtr[nRows]];
  return {
    oo: { nRows, nCols: nOwn, rowPtr: ooPtr, colIdx: ooCol.subarray(0, ownNnz), values: ooValues.subarray(0, ownNnz) },
    og: { nRows, nCols: nCols - nOwn, rowPtr: ogPtr, colIdx: ogCol.subarray(0, ghostNnz), values: ogValues.subarray(0, ghostNnz) },
    accumulator,
  };
}

/** B2's values: B's ghost-block values (same order), then the received rows' values. */
function fillB2Values(
  b2: MutableCsr,
  bOg: CsrMatrix,
  received: Float64Array[],
  receivedRows: Int32Array,
  receivedPtrs: Int32Array,
): void {
  const { values, rowPtr } = b2;
  const nRowsB1 = bOg.nRows;
  values.set(bOg.values.subarray(0, bOg.rowPtr[nRowsB1]));
  received.forEach((message, i) => {
    let e = 0;
    for (let row = receivedPtrs[i]; row < receivedPtrs[i + 1]; row++) {
      const r = nRowsB1 + receivedRows[row];
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++) values[k] = message[e++];
    }
  });
}

/** Recomputes one part's product values from the operands' current values. */
function refreshPart(
  part: PartProduct,
  aOo: CsrMatrix,
  aOg: CsrMatrix,
  bOo: CsrMatrix,
  bOg: CsrMatrix,
  received: Float64Array[],
): void {
  const { b2, oo, og } = part;
  if (b2.values.length > 0) fillB2Values(b2, bOg, received, part.receivedRows, part.receivedPtrs);
  spgemmKernels().spgemmValues(
    oo.nRows, aOo.rowPtr, aOo.colIdx, aOo.values, aOg.rowPtr, aOg.colIdx, aOg.values,
    bOo.rowPtr, bOo.colIdx, bOo.values, b2.rowPtr, b2.colIdx, b2.values, part.nOwn,
    oo.rowPtr, oo.colIdx, oo.values, og.rowPtr, part.candidates, og.values, part.accumulator,
  );
}
