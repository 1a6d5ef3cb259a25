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
 * aggregate in one z).
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
import { spgemmKernels } from '../../sparse/matmul-kernels.js';
import { GhostColumns, type MutableCsr } from '../../sparse/matmul-local.js';
import { assembledMatrix, type PSparseMatrix } from '../../sparse/psparse-matrix.js';

/** One part's sums over its own fine rows, columns numbered as its GhostedRows' b2. */
interface PartialRows {
  /** Per own aggregate (R's own block rows). */
  readonly own: MutableCsr;
  /** Per ghost column of P (its ghost index), the aggregate its owner will add these to. */
  readonly ghost: MutableCsr;
  readonly rows: GhostedRows;
}

/**
 * R·A·P for R = Pᵀ (collective; see the module comment). The result has R's rows and P's column
 * ids with exactly the ghost columns its own rows reference (ascending global id); its blocks are
 * sorted by column.
 *
 * @param R the restriction, {@link planTranspose}(P)'s result: its own block holds, per own
 * aggregate, the own fine rows ascending with P's values
 * @param A the level's matrix
 * @param P the prolongator, whose rows have the own ids of A.cols
 */
export function distributedGalerkin(R: PSparseMatrix, A: PSparseMatrix, P: PSparseMatrix): PSparseMatrix {
  const partials = pmap(partialRows, ghostedRows(A, P), R.ownOwn, A.ownOwn, A.ownGhost, P.ownOwn, P.ownGhost);
  const plan = ghostPlan(P.cols);
  // The rows of ghost aggregates go to their owners: the holders-to-owners direction.
  const graph = new ExchangeGraph(
    plan.parts.map((part) => part.owners),
    plan.parts.map((part) => part.holders),
  );
  const sent = exchange(pmap(packGhostRows, plan.parts, partials, P.cols.partition), graph);
  const built = pmap(mergeRows, plan.parts, partials, sent.wait(), P.cols.partition);
  const cols = new PRange(P.cols.n, built.map((part) => part.colIds), P.cols.ownerOf);
  // Built valid (ascending offsets, columns below each block's width): no per-entry check.
  return assembledMatrix(R.rows, cols, built.map((part) => part.oo), built.map((part) => part.og));
}

/** The part's sums for its own aggregates and for the ghost aggregates its fine rows reach. */
function partialRows(rows: GhostedRows, r: CsrMatrix, aOo: CsrMatrix, aOg: CsrMatrix, p1: CsrMatrix, pOg: CsrMatrix): PartialRows {
  const nAll = rows.b2.nRows;
  const scratch = {
    fineMarker: largeArrays.int32(nAll),
    fineAccumulator: largeArrays.float64(nAll),
    fineList: largeArrays.int32(nAll),
    coarseMarker: largeArrays.int32(rows.nCols),
    coarseAccumulator: largeArrays.float64(rows.nCols),
    coarseList: largeArrays.int32(rows.nCols),
  };
  const own = galerkinBlock(r, aOo, aOg, p1, rows.b2, scratch);
  const ghost = galerkinBlock(localTranspose(pOg), aOo, aOg, p1, rows.b2, scratch);
  for (const array of Object.values(scratch)) largeArrays.recycle(array);
  return { own, ghost, rows };
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
 * Rows (r·A)·P of one R-like block `r` (rows: coarse rows, columns: own fine rows). The entries
 * are not known before they are formed: the room starts at twice r's entries and grows, keeping
 * the rows written, when a row does not fit.
 */
function galerkinBlock(
  r: CsrMatrix,
  aOo: CsrMatrix,
  aOg: CsrMatrix,
  p1: CsrMatrix,
  b2: MutableCsr,
  s: Record<'fineMarker' | 'fineList' | 'coarseMarker' | 'coarseList', Int32Array> &
    Record<'fineAccumulator' | 'coarseAccumulator', Float64Array>,
): MutableCsr {
  const kernels = spgemmKernels();
  const nRows = r.nRows;
  s.fineMarker.fill(-1);
  s.coarseMarker.fill(-1);
  const rowPtr = largeArrays.int32(nRows + 1);
  let room = Math.max(64, 2 * r.rowPtr[nRows]);
  let colIdx = largeArrays.int32(room);
  let values = largeArrays.float64(room);
  let done = 0;
  for (;;) {
    done = kernels.galerkinRows(
      done, nRows, aOo.nRows, r.rowPtr, r.colIdx, r.values, aOo.rowPtr, aOo.colIdx, aOo.values, aOg.rowPtr, aOg.colIdx,
      aOg.values, p1.rowPtr, p1.colIdx, p1.values, b2.rowPtr, b2.colIdx, b2.values, s.fineMarker, s.fineAccumulator,
      s.fineList, s.coarseMarker, s.coarseAccumulator, s.coarseList, rowPtr, colIdx, values,
    );
    if (done === nRows) break;
    // Row `done` has at most b2.nCols entries; the rows left are guessed as dense as those done.
    const used = rowPtr[done];
    room = Math.max(2 * room, used + b2.nCols, Math.ceil(((used / Math.max(done, 1)) * nRows * 5) / 4));
    const [oldCols, oldValues] = [colIdx, values];
    colIdx = largeArrays.int32(room);
    values = largeArrays.float64(room);
    colIdx.set(oldCols.subarray(0, used));
    values.set(oldValues.subarray(0, used));
    largeArrays.recycle(oldCols);
    largeArrays.recycle(oldValues);
  }
  const nnz = rowPtr[nRows];
  return { nRows, nCols: b2.nCols, rowPtr, colIdx: colIdx.subarray(0, nnz), values: values.subarray(0, nnz) };
}

/**
 * Per owner of ghost aggregates, the rows of those it owns (in the plan's ghost order): their
 * lengths from 1 (message[0]: the entry count), then per entry its column's global id, its
 * column's owner and its value.
 */
function packGhostRows(plan: PartGhostPlan, { ghost, rows }: PartialRows, coarseIds: LocalIndices, partId: number): Float64Array[] {
  const nOwn = coarseIds.nOwn;
  const { rowPtr, colIdx, values } = ghost;
  return Array.from(plan.owners, (_, i) => {
    const lids = plan.ghostLids.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]);
    let count = 0;
    for (const lid of lids) count += rowPtr[lid - nOwn + 1] - rowPtr[lid - nOwn];
    const out = new Float64Array(1 + lids.length + 3 * count);
    out[0] = count;
    let at = 1 + lids.length;
    lids.forEach((lid, k) => {
      const g = lid - nOwn;
      out[1 + k] = rowPtr[g + 1] - rowPtr[g];
      for (let e = rowPtr[g]; e < rowPtr[g + 1]; e++, at++) {
        const x = colIdx[e];
        out[at] = x < nOwn ? coarseIds.own.at(x) : rows.sortedGids[x - nOwn];
        out[at + count] = x < nOwn ? partId : rows.sortedOwners[x - nOwn];
        out[at + 2 * count] = values[e];
      }
    });
    return out;
  });
}

/**
 * The part's coarse rows: its own sums, then, entry by entry, those received for them in the
 * order of the sending parts (ascending), as own and ghost blocks with exactly the ghost columns
 * they reference (ascending global id).
 */
function mergeRows(
  plan: PartGhostPlan,
  { own, rows }: PartialRows,
  messages: Float64Array[],
  coarseIds: LocalIndices,
  partId: number,
): { oo: MutableCsr; og: MutableCsr; colIds: LocalIndices } {
  const nOwn = coarseIds.nOwn;
  const { rowPtr, colIdx, values } = own;
  const nnz = rowPtr[own.nRows];
  // Ghost columns as candidates: those the own sums use (by their position among b2's), then the
  // received ones; numbered in ascending global id once all are known.
  const ghosts = new GhostColumns();
  const candidateOf = new Int32Array(rows.nCols - nOwn).fill(-1);
  let ownEntries = 0;
  for (let e = 0; e < nnz; e++) {
    const x = colIdx[e] - nOwn;
    if (x < 0) ownEntries++;
    else if (candidateOf[x] < 0) candidateOf[x] = ghosts.add(rows.sortedGids[x], rows.sortedOwners[x]);
  }
  // Received entries by own row, in message order (each sender names a row at most once).
  const extraPtr = new Int32Array(nOwn + 1);
  messages.forEach((message, i) => {
    for (let h = plan.holderPtrs[i], k = 1; h < plan.holderPtrs[i + 1]; h++, k++) extraPtr[plan.holderLids[h] + 1] += message[k];
  });
  for (let c = 0; c < nOwn; c++) extraPtr[c + 1] += extraPtr[c];
  const nExtra = extraPtr[nOwn];
  const extraCol = new Int32Array(nExtra);
  const extraValue = new Float64Array(nExtra);
  const fill = extraPtr.slice(0, nOwn);
  messages.forEach((message, i) => {
    const count = message[0];
    let at = 1 + plan.holderPtrs[i + 1] - plan.holderPtrs[i];
    for (let h = plan.holderPtrs[i], k = 1; h < plan.holderPtrs[i + 1]; h++, k++) {
      const c = plan.holderLids[h];
      for (let e = 0; e < message[k]; e++, at++) {
        const gid = message[at];
        const owner = message[at + count];
        // Own columns as their lid, ghost ones as −1 − candidate.
        extraCol[fill[c]] = owner === partId ? coarseIds.globalToOwn(gid) : -1 - ghosts.add(gid, owner);
        extraValue[fill[c]++] = message[at + 2 * count];
      }
    }
  });
  const rank = ghosts.rank();
  const nGhost = rank.length;
  const ghostToGlobal = new Float64Array(nGhost);
  const ghostToOwner = new Int32Array(nGhost);
  rank.forEach((r, c) => {
    ghostToGlobal[r] = ghosts.gids[c];
    ghostToOwner[r] = ghosts.owners[c];
  });
  // Column of the merged row: own lid, or nOwn + the ghost's final position.
  const finalOf = (x: number): number => (x < nOwn ? x : nOwn + rank[candidateOf[x - nOwn]]);
  const extraFinal = (x: number): number => (x >= 0 ? x : nOwn + rank[-1 - x]);
  const oo = { rowPtr: largeArrays.int32(nOwn + 1), colIdx: largeArrays.int32(ownEntries + nExtra), values: largeArrays.float64(ownEntries + nExtra) };
  const og = { rowPtr: new Int32Array(nOwn + 1), colIdx: new Int32Array(nnz - ownEntries + nExtra), values: new Float64Array(nnz - ownEntries + nExtra) };
  const marker = new Int32Array(nOwn + nGhost).fill(-1);
  const accumulator = new Float64Array(nOwn + nGhost);
  const list = new Int32Array(nOwn + nGhost);
  let nextOwn = 0;
  let nextGhost = 0;
  for (let c = 0; c < nOwn; c++) {
    if (extraPtr[c] === extraPtr[c + 1]) {
      // Only this part's sums: its columns are ascending in the final numbering too.
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) {
        const j = finalOf(colIdx[e]);
        if (j < nOwn) {
          oo.colIdx[nextOwn] = j;
          oo.values[nextOwn++] = values[e];
        } else {
          og.colIdx[nextGhost] = j - nOwn;
          og.values[nextGhost++] = values[e];
        }
      }
    } else {
      let n = 0;
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) {
        const j = finalOf(colIdx[e]);
        marker[j] = c;
        list[n++] = j;
        accumulator[j] = values[e];
      }
      let sorted = true;
      for (let e = extraPtr[c]; e < extraPtr[c + 1]; e++) {
        const j = extraFinal(extraCol[e]);
        if (marker[j] !== c) {
          marker[j] = c;
          list[n++] = j;
          accumulator[j] = 0;
          sorted = false;
        }
        accumulator[j] += extraValue[e];
      }
      const row = list.subarray(0, n);
      if (!sorted) row.sort();
      for (const j of row) {
        if (j < nOwn) {
          oo.colIdx[nextOwn] = j;
          oo.values[nextOwn++] = accumulator[j];
        } else {
          og.colIdx[nextGhost] = j - nOwn;
          og.values[nextGhost++] = accumulator[j];
        }
      }
    }
    oo.rowPtr[c + 1] = nextOwn;
    og.rowPtr[c + 1] = nextGhost;
  }
  for (const array of [rowPtr, own.colIdx, own.values]) largeArrays.recycle(array);
  return {
    oo: { nRows: nOwn, nCols: nOwn, rowPtr: oo.rowPtr, colIdx: oo.colIdx.subarray(0, nextOwn), values: oo.values.subarray(0, nextOwn) },
    og: { nRows: nOwn, nCols: nGhost, rowPtr: og.rowPtr, colIdx: og.colIdx.subarray(0, nextGhost), values: og.values.subarray(0, nextGhost) },
    colIds: new LocalIndices(partId, coarseIds.n, coarseIds.own, ghostToGlobal, ghostToOwner),
  };
}
