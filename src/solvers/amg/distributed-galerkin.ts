/**
 * The Galerkin coarse matrix R·A·P (R = Pᵀ) of a level whose matrix has ghost entries (several
 * parts), without forming A·P (on the 3-D Laplacian about 2.5 times A's entries) and without the
 * two general distributed products.
 *
 * Row c of R·A·P is Σ_i p_ic·A_i,:·P over the fine rows i whose P row reaches aggregate c. Each
 * part takes its own fine rows: for every coarse row c they reach (its own aggregates, the rows
 * of R's own block, and the ghost aggregates of P's ghost block, the rows of that block's local
 * transpose) it forms (R_c,own·A)·P row by row (native kernel `galerkinRows`: the fine row
 * z = Σ_i p_ic·A_i,: over the part's fine rows i ascending, then z·P), reading P's rows of A's
 * ghost columns, fetched once from their owners along A.cols' ghost plan. The rows of ghost
 * aggregates are sent to their owners (one message per neighbour, along P.cols' ghost plan), and
 * each owner adds, per entry, its own part's sum and then the received ones in ascending order of
 * the sending part. So the coarse matrix depends only on the matrix and its partition, never on
 * the backend or the kernels (native or JavaScript); its sums differ in the last bits from those
 * of the two products R·(A·P) and from the one-part path's (which sums all fine rows of an
 * aggregate in one z). The two products' sums need every row of A·P where R reads it: stored
 * (A·P written and read back, and its boundary rows sent) or formed again per coarse row (3.6
 * times the terms); this order needs neither, and its per-part rows take the other parts' sums
 * in the same kernel call, so the own block is written once, in place.
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { ghostPlan, type PartGhostPlan } from '../../partitions/ghost-plan.js';
import { LocalIndices } from '../../partitions/local-indices.js';
import { PRange } from '../../partitions/prange.js';
import { exchange, ExchangeGraph } from '../../pdata/exchange.js';
import { pmap } from '../../pdata/pdata.js';
import { ghostedRows, type GhostedRows } from '../../sparse/matmul.js';
import {
  addRowLengths,
  entriesOfRows,
  lookUpColumns,
  runningSum,
  writeListedColumns,
  writeRowLengths,
  writeShifted,
} from '../../sparse/column-passes.js';
import { spgemmKernels } from '../../sparse/matmul-kernels.js';
import { GhostColumns, type MutableCsr } from '../../sparse/matmul-local.js';
import { assembledMatrix, type PSparseMatrix } from '../../sparse/psparse-matrix.js';
import { setupKernels } from './setup-kernels.js';

/** The kernels' scratch arrays for one part: per fine column (P2's rows) and per coarse column. */
interface Scratch {
  readonly fineMarker: Int32Array;
  readonly fineAccumulator: Float64Array;
  readonly fineList: Int32Array;
  readonly coarseMarker: Int32Array;
  readonly coarseAccumulator: Float64Array;
  readonly coarseList: Int32Array;
}

/** Extra terms per row (CSR); rows without any when `rowPtr` is empty. */
interface Extra {
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

const NONE_INT = new Int32Array(0);
const NO_EXTRA: Extra = { rowPtr: NONE_INT, colIdx: NONE_INT, values: new Float64Array(0) };

/**
 * R·A·P for R = Pᵀ (collective; see the module comment). R is never formed: each part's kernel
 * transposes its own block of P (per own aggregate, the own fine rows ascending with P's values)
 * a block of rows at a time as it forms them. The result has `coarseRows` as rows and
 * P's column ids with exactly the ghost columns its own rows reference (ascending global id); its
 * blocks are sorted by column. Internal to the AMG set-up (level.ts), not exported from the
 * package; the general `rap` keeps the two products' order.
 *
 * @param A the level's matrix
 * @param P the prolongator, whose rows have the own ids of A.cols
 * @param coarseRows the coarse range (the own ids of P.cols)
 */
export function distributedGalerkin(A: PSparseMatrix, P: PSparseMatrix, coarseRows: PRange): PSparseMatrix {
  const rows = ghostedRows(A, P);
  // First the sums for ghost aggregates (the rows of P's ghost block's transpose), which their
  // owners add to theirs: sent before the part forms its own rows.
  const ghostSums = pmap(
    (fetched: GhostedRows, aOo: CsrMatrix, aOg: CsrMatrix, p1: CsrMatrix, pOg: CsrMatrix) =>
      galerkinBlocks(localTranspose(pOg), aOo, aOg, p1, fetched.b2, fetched.nCols, NO_EXTRA, fetched.nCols).oo,
    rows,
    A.ownOwn,
    A.ownGhost,
    P.ownOwn,
    P.ownGhost,
  );
  const plan = ghostPlan(P.cols);
  // The sums of ghost aggregates go to their owners: the holders-to-owners direction.
  const graph = new ExchangeGraph(
    plan.parts.map((part) => part.owners),
    plan.parts.map((part) => part.holders),
  );
  const sent = exchange(pmap(packGhostSums, plan.parts, ghostSums, rows, P.cols.partition), graph);
  const built = pmap(ownRows, plan.parts, rows, sent.wait(), A.ownOwn, A.ownGhost, P.ownOwn, P.cols.partition);
  // The fetched rows and the ghost aggregates' sums are dead now (a refresh forms them again):
  // their bytes, written already, serve the next arrays of the set-up (large-array pool).
  pmap((fetched: GhostedRows, sums: MutableCsr) => {
    for (const block of [fetched.b2, sums]) for (const array of [block.rowPtr, block.colIdx, block.values]) largeArrays.recycle(array);
  }, rows, ghostSums);
  const cols = new PRange(P.cols.n, built.map((part) => part.colIds), P.cols.ownerOf);
  // Built valid (ascending offsets, columns below each block's width): no per-entry check.
  return assembledMatrix(coarseRows, cols, built.map((part) => part.oo), built.map((part) => part.og));
}

/** P's ghost block transposed: per ghost column, the own fine rows ascending with P's values. */
function localTranspose(block: CsrMatrix): CsrMatrix {
  const { nRows, nCols, rowPtr, colIdx, values } = block;
  const nnz = rowPtr[nRows];
  const t = { rowPtr: new Int32Array(nCols + 1), colIdx: new Int32Array(nnz), values: new Float64Array(nnz) };
  spgemmKernels().csrTranspose(nRows, nCols, rowPtr, colIdx, values, t.rowPtr, t.colIdx, new Int32Array(nnz), t.values);
  return { nRows: nCols, nCols: nRows, ...t };
}

/**
 * Rows (r·A)·P (+ `extra`) of one R-like block `r` (rows: coarse rows, columns: own fine rows;
 * undefined: r = p1ᵀ, which the kernel forms itself),
 * split at column `nOwn` into an own and a ghost block (ids j − nOwn) of `nCols − nOwn` columns.
 * The entries are not known before they are formed: the room starts at twice r's entries (a
 * sixteenth of that in the ghost block) and grows, keeping the rows written, when a row does not fit.
 */
function galerkinBlocks(
  r: CsrMatrix | undefined,
  aOo: CsrMatrix,
  aOg: CsrMatrix,
  p1: CsrMatrix,
  b2: MutableCsr,
  nOwn: number,
  extra: Extra,
  nCols: number,
): { oo: MutableCsr; og: MutableCsr } {
  const kernels = spgemmKernels();
  const s: Scratch = {
    fineMarker: largeArrays.int32(b2.nRows).fill(-1),
    fineAccumulator: largeArrays.float64(b2.nRows),
    // One entry of slack: the kernel's branch-free listing writes past the list's end.
    fineList: largeArrays.int32(b2.nRows + 1),
    coarseMarker: largeArrays.int32(nCols).fill(-1),
    coarseAccumulator: largeArrays.float64(nCols),
    coarseList: largeArrays.int32(nCols),
  };
  const nRows = r?.nRows ?? p1.nCols;
  const entries = (r === undefined ? p1.rowPtr[p1.nRows] : r.rowPtr[nRows]) + extra.values.length;
  const R = r ?? { rowPtr: NONE_INT, colIdx: NONE_INT, values: NO_EXTRA.values };
  const blocks = [
    { rowPtr: largeArrays.int32(nRows + 1), room: Math.max(64, 2 * entries) },
    { rowPtr: largeArrays.int32(nRows + 1), room: nOwn === nCols ? 0 : Math.max(64, entries >> 3) },
  ].map((b) => ({ ...b, colIdx: largeArrays.int32(b.room), values: largeArrays.float64(b.room) }));
  const [own, ghost] = blocks;
  let done = 0;
  for (;;) {
    done = kernels.galerkinRows(
      done, nRows, aOo.nRows, nOwn, R.rowPtr, R.colIdx, R.values, aOo.rowPtr, aOo.colIdx, aOo.values, aOg.rowPtr,
      aOg.colIdx, aOg.values, p1.rowPtr, p1.colIdx, p1.values, b2.rowPtr, b2.colIdx, b2.values, extra.rowPtr,
      extra.colIdx, extra.values, s.fineMarker, s.fineAccumulator, s.fineList, s.coarseMarker, s.coarseAccumulator,
      s.coarseList, own.rowPtr, own.colIdx, own.values, ghost.rowPtr, ghost.colIdx, ghost.values,
    );
    if (done === nRows) break;
    // Row `done` has at most nCols entries; the rows left are guessed as dense as those done.
    for (const b of blocks) {
      const used = b.rowPtr[done];
      b.room = Math.max(2 * b.room, used + nCols, Math.ceil(((used / Math.max(done, 1)) * nRows * 5) / 4));
      const [oldCols, oldValues] = [b.colIdx, b.values];
      b.colIdx = largeArrays.int32(b.room);
      b.values = largeArrays.float64(b.room);
      b.colIdx.set(oldCols.subarray(0, used));
      b.values.set(oldValues.subarray(0, used));
      largeArrays.recycle(oldCols);
      largeArrays.recycle(oldValues);
    }
  }
  for (const array of Object.values(s)) largeArrays.recycle(array);
  const [oo, og] = blocks.map(({ rowPtr, colIdx, values }, k) => {
    const nnz = rowPtr[nRows];
    return { nRows, nCols: k === 0 ? nOwn : nCols - nOwn, rowPtr, colIdx: colIdx.subarray(0, nnz), values: values.subarray(0, nnz) };
  });
  return { oo, og };
}

/**
 * Per owner of ghost aggregates, the sums for those it owns (in the plan's ghost order), as
 * matmul.ts's fetched rows are sent: numbers 0 and 1 the message's distinct columns and entries,
 * then each row's length, the columns (global ids, then owners) in order of first sight, and per
 * entry its column's rank in that list, then its value. The pass over the entries is one kernel
 * call (rankRowEntries): a JavaScript loop would run cold, once per level, and the receiver looks
 * up each distinct column once instead of once per entry.
 */
function packGhostSums(plan: PartGhostPlan, sums: MutableCsr, rows: GhostedRows, coarseIds: LocalIndices, partId: number): Float64Array[] {
  const nOwn = coarseIds.nOwn;
  const { rowPtr, colIdx, values } = sums;
  const kernels = spgemmKernels();
  // Scratch from the large-array pool (memory the set-up wrote already where it has some), handed
  // back at the end: fresh pages cost far more to write the first time than written ones.
  const slot = largeArrays.int32(sums.nCols).fill(-1);
  const noGhostEntries = largeArrays.int32(sums.nRows + 1);
  const messages = Array.from(plan.owners, (_, i) => {
    const lids = plan.ghostLids.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]);
    const ghostRows = new Int32Array(lids.length);
    writeShifted(ghostRows, 0, lids, -nOwn);
    const count = entriesOfRows(ghostRows, rowPtr, noGhostEntries);
    const entryRank = largeArrays.int32(count);
    const listed = largeArrays.int32(count);
    const entryValues = largeArrays.float64(count);
    const nColumns = kernels.rankRowEntries(
      ghostRows, rowPtr, colIdx, values, noGhostEntries, NONE_INT, NO_EXTRA.values, sums.nCols, slot, entryRank, listed, entryValues,
    );
    const out = new Float64Array(2 + lids.length + 2 * nColumns + 2 * count);
    out[0] = nColumns;
    out[1] = count;
    const at = sumsLayout(out, lids.length);
    writeRowLengths(out, 2, ghostRows, rowPtr, noGhostEntries);
    writeListedColumns(out, at.gids, at.owners, listed, nColumns, nOwn, coarseIds.own, rows.sortedGids, rows.sortedOwners, partId);
    out.set(entryRank, at.entries);
    out.set(entryValues, at.values);
    for (const scratch of [entryRank, listed, entryValues]) largeArrays.recycle(scratch);
    return out;
  });
  largeArrays.recycle(slot);
  largeArrays.recycle(noGhostEntries);
  return messages;
}

/** Where each part of a {@link packGhostSums} message of `nRows` rows starts. */
function sumsLayout(message: Float64Array, nRows: number): { nColumns: number; gids: number; owners: number; entries: number; values: number } {
  const nColumns = message[0];
  const gids = 2 + nRows;
  return { nColumns, gids, owners: gids + nColumns, entries: gids + 2 * nColumns, values: gids + 2 * nColumns + message[1] };
}

/**
 * The part's coarse rows: its own sums and then, entry by entry, those received for them in the
 * order of the sending parts (ascending), as own and ghost blocks with exactly the ghost columns
 * they reference (ascending global id).
 */
function ownRows(
  plan: PartGhostPlan,
  rows: GhostedRows,
  messages: Float64Array[],
  aOo: CsrMatrix,
  aOg: CsrMatrix,
  p1: CsrMatrix,
  coarseIds: LocalIndices,
  partId: number,
): { oo: MutableCsr; og: MutableCsr; colIds: LocalIndices } {
  const nOwn = coarseIds.nOwn;
  // Ghost columns as candidates: b2's (in order: ascending global id), then the received ones.
  const ghosts = new GhostColumns();
  ghosts.addAll(rows.sortedGids, rows.sortedOwners);
  // Received entries by own row, in message order (each sender names a row at most once).
  // The received terms are dead once the rows are formed: pool arrays, handed back then.
  const extraPtr = largeArrays.int32(nOwn + 1);
  for (let i = 0; i < messages.length; i++) addRowLengths(extraPtr, plan.holderLids, plan.holderPtrs[i], plan.holderPtrs[i + 1], messages[i]);
  runningSum(extraPtr, 0, nOwn);
  const nExtra = extraPtr[nOwn];
  const extraCol = largeArrays.int32(nExtra);
  const extraValue = largeArrays.float64(nExtra);
  const fill = largeArrays.int32(nOwn);
  fill.set(extraPtr.subarray(0, nOwn));
  const kernels = setupKernels();
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const at = sumsLayout(message, plan.holderPtrs[i + 1] - plan.holderPtrs[i]);
    // Each distinct column looked up once, in the order the entries first name it (the order of
    // the candidates is that of a lookup per entry).
    const columnOf = lookUpColumns(message, at.gids, at.owners, at.nColumns, partId, coarseIds, ghosts, nOwn, 1);
    // The pass over the entries is one kernel call (native when built): a JavaScript loop over
    // them would run cold, once per level.
    const nRows = plan.holderPtrs[i + 1] - plan.holderPtrs[i];
    kernels.placeExtras(
      nRows,
      plan.holderLids.subarray(plan.holderPtrs[i], plan.holderPtrs[i + 1]),
      message.subarray(2, 2 + nRows),
      message.subarray(at.entries, at.values),
      message.subarray(at.values, at.values + message[1]),
      columnOf,
      fill,
      extraCol,
      extraValue,
    );
  }
  const extra = nExtra === 0 ? NO_EXTRA : { rowPtr: extraPtr, colIdx: extraCol, values: extraValue };
  const { oo, og } = galerkinBlocks(undefined, aOo, aOg, p1, rows.b2, nOwn, extra, nOwn + ghosts.gids.length);
  for (const scratch of [extraPtr, extraCol, extraValue, fill]) largeArrays.recycle(scratch);
  const { block, colIds } = compactGhostBlock(og, ghosts, coarseIds);
  return { oo, og: block, colIds };
}

/**
 * The ghost block keeping only the candidates it uses, numbered in ascending global id (its rows
 * re-sorted where received candidates, numbered last, come before others), and its LocalIndices.
 * The passes over the entries are kernel calls (setup-kernels.ts: markUsedColumns,
 * renumberColumns; native when built): JavaScript loops over them would run cold, once per level.
 */
function compactGhostBlock(og: MutableCsr, ghosts: GhostColumns, coarseIds: LocalIndices): { block: MutableCsr; colIds: LocalIndices } {
  const { nRows, rowPtr, colIdx, values } = og;
  const kernels = setupKernels();
  const finalOf = new Int32Array(ghosts.gids.length).fill(-1);
  kernels.markUsedColumns(rowPtr[nRows], colIdx, finalOf);
  // The used candidates' global ids sorted (distinct ids: a total order), then each numbered by
  // its position: plain loops and a typed-array sort (see GhostColumns).
  let nUsed = 0;
  for (let c = 0; c < finalOf.length; c++) if (finalOf[c] === 0) nUsed++;
  const ghostToGlobal = new Float64Array(nUsed);
  for (let c = 0, k = 0; c < finalOf.length; c++) if (finalOf[c] === 0) ghostToGlobal[k++] = ghosts.gids[c];
  ghostToGlobal.sort();
  const ghostToOwner = new Int32Array(nUsed);
  for (let k = 0; k < nUsed; k++) {
    const c = ghosts.candidateOf(ghostToGlobal[k]);
    ghostToOwner[k] = ghosts.owners[c];
    finalOf[c] = k;
  }
  kernels.renumberColumns(nRows, rowPtr, colIdx, values, finalOf);
  return {
    block: { ...og, nCols: nUsed },
    colIds: new LocalIndices(coarseIds.partId, coarseIds.n, coarseIds.own, ghostToGlobal, ghostToOwner),
  };
}
