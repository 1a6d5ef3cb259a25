/**
 * `transpose(A)`: the transpose of a distributed sparse matrix, and its plan (values refreshed
 * without symbolic work).
 *
 * Row j of Aᵀ is column j of A. Each part transposes its own block locally; the entries of its
 * ghost block belong to columns owned elsewhere, so they travel to their owners along A.cols'
 * ghost plan (holders to owners): their rows and values in one message when the transpose is
 * built (each distinct row named once, entries by its rank in that list), the values alone at
 * every refresh. Every entry
 * of Aᵀ is one entry of A, so no sums are formed and the result is the same on every backend.
 *
 * @module
 */
import { expectInstance } from '../argument-checks.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { ghostPlan, type PartGhostPlan } from '../partitions/ghost-plan.js';
import { LocalIndices } from '../partitions/local-indices.js';
import { checkSameOwn, PRange } from '../partitions/prange.js';
import { exchange, ExchangeGraph } from '../pdata/exchange.js';
import { pmap } from '../pdata/pdata.js';
import { GhostColumns, type MutableCsr } from './matmul-local.js';
import type { ProductPlan } from './matmul.js';
import { spgemmKernels } from './matmul-kernels.js';
import { assembledMatrix, PSparseMatrix } from './psparse-matrix.js';

/** One part's symbolic transpose. */
interface PartTranspose {
  /** Position in `og.values` of each received value (receive order). */
  readonly receivedTarget: Int32Array;
  readonly oo: MutableCsr;
  readonly og: MutableCsr;
  readonly colIds: LocalIndices;
}

/**
 * The transpose of a distributed sparse matrix (collective). Aᵀ's rows have the own ids of
 * `A.cols` (no ghosts); its columns the own ids of `A.rows` and, as ghosts, exactly the columns
 * its own rows reference (ascending). Blocks are sorted by column; the values are A's (no
 * arithmetic), so the result is the same on every backend.
 *
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix (a `Pending`: call `.wait()` first).
 * @example
 * ```ts
 * const At = transpose(A);          // rows: A.cols's own ids; At.rows.n === A.cols.n
 * const AtA = matmul(At, A);
 * ```
 * @group PSparseMatrix
 */
export function transpose(A: PSparseMatrix): PSparseMatrix {
  return planTranspose(A).result;
}

/**
 * {@link transpose} keeping its plan: `refresh()` copies A's current values into the transpose
 * (collective). `rows`, when given, is used as the transpose's row range (it must have the own
 * ids of `A.cols`; ghosts are allowed), so that products built on it share its plans.
 * @throws as {@link transpose}; PartitionMismatchError when `rows` does not have the own ids of
 * `A.cols`.
 * @example
 * ```ts
 * const plan = planTranspose(P);
 * plan.refresh();                  // after P's values changed
 * ```
 * @group PSparseMatrix
 */
export function planTranspose(A: PSparseMatrix, rows?: PRange): ProductPlan {
  expectInstance(A, PSparseMatrix, 'transpose: A');
  if (rows !== undefined) {
    expectInstance(rows, PRange, 'transpose: rows');
    checkSameOwn(rows, A.cols, 'transpose: rows must have the own ids of A.cols');
  }
  const plan = ghostPlan(A.cols);
  // Ghost-block entries go to the owners of their columns: the holders-to-owners direction.
  const graph = new ExchangeGraph(
    plan.parts.map((part) => part.owners),
    plan.parts.map((part) => part.holders),
  );
  const byColumn = pmap((og: CsrMatrix) => transposeStructure(og), A.ownGhost);
  const messages = exchange(
    pmap(packEntries, plan.parts, byColumn, A.rows.partition, A.cols.partition, A.ownGhost),
    graph,
  );
  const parts = pmap(buildPart, plan.parts, A.rows.partition, A.cols.partition, A.ownOwn, messages.wait());
  const rowRange =
    rows ??
    (A.cols.partition.localItems.every((ids) => ids.nGhost === 0)
      ? A.cols
      : new PRange(A.cols.n, A.cols.partition.map((ids) => new LocalIndices(ids.partId, ids.n, ids.own)), A.cols.ownerOf));
  const cols = new PRange(A.rows.n, parts.map((part) => part.colIds), A.rows.ownerOf);
  // Built valid (ascending offsets, columns below each block's width): no per-entry check.
  const result = assembledMatrix(rowRange, cols, parts.map((part) => part.oo), parts.map((part) => part.og));
  return {
    result,
    refresh() {
      const fresh = exchange(pmap(packValues, plan.parts, byColumn, A.cols.partition, A.ownGhost), graph);
      pmap(fillValues, parts, A.ownOwn, fresh.wait());
    },
  };
}

/**
 * A block's entries grouped by column (counting sort, rows ascending within a column): per column
 * its entries' rows and their positions in the block (no values).
 */
function transposeStructure(block: CsrMatrix): { rowPtr: Int32Array; entries: Int32Array; rows: Int32Array } {
  const { nRows, nCols, rowPtr, colIdx } = block;
  const nnz = rowPtr[nRows];
  const colPtr = largeArrays.int32(nCols + 1);
  // Large for a prolongator: on huge pages where offered (fewer first-write page faults).
  const entries = largeArrays.int32(nnz);
  const rows = largeArrays.int32(nnz);
  const none = new Float64Array(0);
  spgemmKernels().csrTranspose(nRows, nCols, rowPtr, colIdx, none, colPtr, rows, entries, none);
  return { rowPtr: colPtr, entries, rows };
}

/**
 * The transpose of one block with its values (rows ascending within each of its rows). Where each
 * entry came from is not kept (for a prolongator, 4 bytes per entry of fresh memory to write):
 * the kernel's entry sources are scratch, handed back at once, and a refresh transposes again
 * ({@link transposeInto}).
 */
export function transposeBlock(block: CsrMatrix): MutableCsr {
  const nnz = block.rowPtr[block.nRows];
  const t = {
    nRows: block.nCols,
    nCols: block.nRows,
    rowPtr: largeArrays.int32(block.nCols + 1),
    colIdx: largeArrays.int32(nnz),
    values: largeArrays.float64(nnz),
  };
  transposeInto(block, t);
  return t;
}

/** Rewrites `t`, a {@link transposeBlock} of `block`, for `block`'s current values (the same pattern, written again). */
export function transposeInto(block: CsrMatrix, t: CsrMatrix): void {
  const source = largeArrays.int32(block.rowPtr[block.nRows]);
  spgemmKernels().csrTranspose(block.nRows, block.nCols, block.rowPtr, block.colIdx, block.values, t.rowPtr, t.colIdx, source, t.values);
  largeArrays.recycle(source);
}

/** The ghost column lids owned by `plan.owners[i]` and how many entries those columns hold. */
function ownerColumns(plan: PartGhostPlan, i: number, colPtr: Int32Array, nOwn: number): { lids: Int32Array; count: number } {
  const lids = plan.ghostLids.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]);
  let count = 0;
  for (const lid of lids) count += colPtr[lid - nOwn + 1] - colPtr[lid - nOwn];
  return { lids, count };
}

/**
 * Where each part of a {@link packEntries} message starts, for a message about `nColumns` columns:
 * the entry count of each column from 2, then the row list (global ids), the entries' ranks in
 * that list, and the values.
 */
function entriesLayout(
  message: Float64Array,
  nColumns: number,
): { nRows: number; count: number; gids: number; entries: number; values: number } {
  const nRows = message[0];
  const count = message[1];
  const gids = 2 + nColumns;
  const entries = gids + nRows;
  return { nRows, count, gids, entries, values: entries + count };
}

/**
 * Per owner of ghost columns, the entries of the ghost columns it owns with their values (see
 * {@link entriesLayout}). A row is named once per message: entries carry its rank in the
 * message's row list, built with a marker over the own rows (no global id per entry).
 */
function packEntries(
  plan: PartGhostPlan,
  byColumn: { rowPtr: Int32Array; rows: Int32Array; entries: Int32Array },
  rowIds: LocalIndices,
  colIds: LocalIndices,
  og: CsrMatrix,
): Float64Array[] {
  if (plan.owners.length === 0) return [];
  const nOwn = colIds.nOwn;
  const { rowPtr, rows, entries } = byColumn;
  // Per own row, its rank in the current message's list (−1: not listed).
  const slot = new Int32Array(rowIds.nOwn).fill(-1);
  return Array.from(plan.owners, (_, i) => {
    const { lids, count } = ownerColumns(plan, i, rowPtr, nOwn);
    const entryRank = new Int32Array(count);
    const listed = new Int32Array(count);
    let nRows = 0;
    let k = 0;
    for (const lid of lids) {
      const c = lid - nOwn;
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++, k++) {
        const row = rows[e];
        if (slot[row] < 0) {
          slot[row] = nRows;
          listed[nRows++] = row;
        }
        entryRank[k] = slot[row];
      }
    }
    const out = new Float64Array(2 + lids.length + nRows + 2 * count);
    out[0] = nRows;
    out[1] = count;
    const at = entriesLayout(out, lids.length);
    lids.forEach((lid, n) => (out[2 + n] = rowPtr[lid - nOwn + 1] - rowPtr[lid - nOwn]));
    for (let r = 0; r < nRows; r++) {
      out[at.gids + r] = rowIds.own.at(listed[r]);
      slot[listed[r]] = -1;
    }
    out.set(entryRank, at.entries);
    let v = at.values;
    for (const lid of lids) {
      const c = lid - nOwn;
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) out[v++] = og.values[entries[e]];
    }
    return out;
  });
}

/** The values of the entries {@link packEntries} sends, in the same order (a refresh's message). */
function packValues(
  plan: PartGhostPlan,
  byColumn: { rowPtr: Int32Array; entries: Int32Array },
  colIds: LocalIndices,
  og: CsrMatrix,
): Float64Array[] {
  const nOwn = colIds.nOwn;
  return Array.from(plan.owners, (_, i) => {
    const { lids, count } = ownerColumns(plan, i, byColumn.rowPtr, nOwn);
    const out = new Float64Array(count);
    let k = 0;
    for (const lid of lids) {
      const c = lid - nOwn;
      for (let e = byColumn.rowPtr[c]; e < byColumn.rowPtr[c + 1]; e++) out[k++] = og.values[byColumn.entries[e]];
    }
    return out;
  });
}

function buildPart(
  plan: PartGhostPlan,
  rowIds: LocalIndices,
  colIds: LocalIndices,
  oo: CsrMatrix,
  messages: Float64Array[],
  partId: number,
): PartTranspose {
  const nRows = colIds.nOwn;
  const own = transposeBlock(oo);
  // Received entries: row j of the transpose (an own column of A), column = a row gid of the sender.
  const ghosts = new GhostColumns();
  const ghostCount = largeArrays.int32(nRows + 1);
  const layouts = messages.map((message, h) => entriesLayout(message, plan.holderPtrs[h + 1] - plan.holderPtrs[h]));
  let total = 0;
  for (const at of layouts) total += at.count;
  const receivedRow = new Int32Array(total);
  const receivedCandidate = new Int32Array(total);
  let r = 0;
  messages.forEach((message, h) => {
    const lids = plan.holderLids.subarray(plan.holderPtrs[h], plan.holderPtrs[h + 1]);
    const at = layouts[h];
    // Each listed row of the sender becomes a ghost candidate once.
    const candidate = new Int32Array(at.nRows);
    for (let n = 0; n < at.nRows; n++) candidate[n] = ghosts.add(message[at.gids + n], plan.holders[h]);
    let e = at.entries;
    lids.forEach((j, k) => {
      for (let n = 0; n < message[2 + k]; n++, r++) {
        receivedRow[r] = j;
        receivedCandidate[r] = candidate[message[e++]];
        ghostCount[j + 1]++;
      }
    });
  });
  const { rank, sortedGids: ghostToGlobal, sortedOwners: ghostToOwner } = ghosts.sorted();
  for (let j = 0; j < nRows; j++) ghostCount[j + 1] += ghostCount[j];
  const ogPtr = ghostCount;
  const fill = ogPtr.slice(0, nRows);
  const ogCol = new Int32Array(r);
  const source = new Int32Array(r);
  for (let k = 0; k < r; k++) {
    const slot = fill[receivedRow[k]]++;
    ogCol[slot] = rank[receivedCandidate[k]];
    source[slot] = k;
  }
  // Rows come from several senders: sort each by column (short rows: insertion sort).
  for (let j = 0; j < nRows; j++) {
    for (let a = ogPtr[j] + 1; a < ogPtr[j + 1]; a++) {
      const col = ogCol[a];
      const src = source[a];
      let b = a - 1;
      while (b >= ogPtr[j] && ogCol[b] > col) {
        ogCol[b + 1] = ogCol[b];
        source[b + 1] = source[b];
        b--;
      }
      ogCol[b + 1] = col;
      source[b + 1] = src;
    }
  }
  const receivedTarget = new Int32Array(r);
  source.forEach((k, slot) => (receivedTarget[k] = slot));
  // The own block's values came with its transpose; the received ones came with the entries.
  const ogValues = new Float64Array(r);
  let k = 0;
  messages.forEach((message, h) => {
    const { values, count } = layouts[h];
    for (let e = 0; e < count; e++) ogValues[receivedTarget[k++]] = message[values + e];
  });
  return {
    receivedTarget,
    oo: own,
    og: { nRows, nCols: rank.length, rowPtr: ogPtr, colIdx: ogCol, values: ogValues },
    colIds: new LocalIndices(partId, rowIds.n, rowIds.own, ghostToGlobal, ghostToOwner),
  };
}

/** Copies A's current values into the transpose: the own block transposed again and the received ghost-block values. */
function fillValues(part: PartTranspose, oo: CsrMatrix, received: Float64Array[]): void {
  const { receivedTarget } = part;
  transposeInto(oo, part.oo);
  const ogValues = part.og.values;
  let k = 0;
  for (const message of received) {
    for (let e = 0; e < message.length; e++) ogValues[receivedTarget[k++]] = message[e];
  }
}
