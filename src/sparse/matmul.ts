/**
 * `matmul(A, B)`: the product of two distributed sparse matrices, and its plan (the symbolic work
 * kept so that new values of A and B give new values of the product without redoing it).
 *
 * Each part computes its own rows of C = A·B. Row i of C needs the rows of B for the columns of
 * row i of A; those of ghost columns are owned elsewhere, so every owner sends the rows of B its
 * neighbours ghost in A.cols (along A.cols' ghost plan: ids and owners of their columns once, the
 * values at every refresh). The local product runs on one CSR matrix per operand over local ids
 * (row-wise Gustavson, native when built), and the row's sums follow A's entries in stored order
 * (own block, then ghost block), then B's, so C has the same bits on every backend for a given
 * partition.
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
import { pmap } from '../pdata/pdata.js';
import { compactGhostColumns, GhostColumns, mergeBlocks, mergeValues, type MutableCsr } from './matmul-local.js';
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
  /** A's own rows over A.cols local ids (A's own block itself when it has no ghost entries). */
  readonly a: CsrMatrix;
  /** B's rows for every local id of A.cols: own rows, then the received ghost rows. */
  readonly b: MutableCsr;
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
  const structures = exchange(pmap(packStructure, plan.parts, B.cols.partition, B.ownOwn, B.ownGhost), graph);
  const values = exchange(pmap(packValues, plan.parts, B.ownOwn, B.ownGhost), graph);
  const parts = pmap(
    buildPart,
    plan.parts,
    A.cols.partition,
    B.cols.partition,
    A.ownOwn,
    A.ownGhost,
    B.ownOwn,
    B.ownGhost,
    structures.wait(),
    values.wait(),
  );
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

/** The own rows of B each holder ghosts, by holder: lengths, then column gids, then owners. */
function packStructure(
  plan: PartGhostPlan,
  colIds: LocalIndices,
  oo: CsrMatrix,
  og: CsrMatrix,
  partId: number,
): Float64Array[] {
  return Array.from(plan.holders, (_, h) => {
    const rows = plan.holderLids.subarray(plan.holderPtrs[h], plan.holderPtrs[h + 1]);
    let count = 0;
    for (const r of rows) count += oo.rowPtr[r + 1] - oo.rowPtr[r] + og.rowPtr[r + 1] - og.rowPtr[r];
    const out = new Float64Array(rows.length + 2 * count);
    let g = rows.length;
    let o = rows.length + count;
    rows.forEach((r, k) => {
      out[k] = oo.rowPtr[r + 1] - oo.rowPtr[r] + og.rowPtr[r + 1] - og.rowPtr[r];
      for (let e = oo.rowPtr[r]; e < oo.rowPtr[r + 1]; e++) {
        out[g++] = colIds.own.at(oo.colIdx[e]);
        out[o++] = partId;
      }
      for (let e = og.rowPtr[r]; e < og.rowPtr[r + 1]; e++) {
        out[g++] = colIds.ghostToGlobal[og.colIdx[e]];
        out[o++] = colIds.ghostToOwner[og.colIdx[e]];
      }
    });
    return out;
  });
}

/** The values of the rows {@link packStructure} describes, in the same order. */
function packValues(plan: PartGhostPlan, oo: CsrMatrix, og: CsrMatrix): Float64Array[] {
  return Array.from(plan.holders, (_, h) => {
    const rows = plan.holderLids.subarray(plan.holderPtrs[h], plan.holderPtrs[h + 1]);
    let count = 0;
    for (const r of rows) count += oo.rowPtr[r + 1] - oo.rowPtr[r] + og.rowPtr[r + 1] - og.rowPtr[r];
    const out = new Float64Array(count);
    let k = 0;
    for (const r of rows) {
      for (let e = oo.rowPtr[r]; e < oo.rowPtr[r + 1]; e++) out[k++] = oo.values[e];
      for (let e = og.rowPtr[r]; e < og.rowPtr[r + 1]; e++) out[k++] = og.values[e];
    }
    return out;
  });
}

function buildPart(
  plan: PartGhostPlan,
  aColIds: LocalIndices,
  bColIds: LocalIndices,
  aOo: CsrMatrix,
  aOg: CsrMatrix,
  bOo: CsrMatrix,
  bOg: CsrMatrix,
  structures: Float64Array[],
  received: Float64Array[],
  partId: number,
): PartProduct {
  const a = mergeBlocks(aOo, aOg);
  const nOwn = bColIds.nOwn;
  const ghosts = new GhostColumns();
  for (let k = 0; k < bColIds.nGhost; k++) ghosts.add(bColIds.ghostToGlobal[k], bColIds.ghostToOwner[k]);
  // Received rows: their lengths by ghost index of A.cols, their columns as own ids or candidates.
  const nRowsB = aColIds.nLocal;
  const rowLength = largeArrays.int32(nRowsB);
  // The blocks' arrays as locals in the loops: a property load per entry is a lookup when
  // the blocks come in several object shapes.
  const { rowPtr: ooPtr, colIdx: ooCol } = bOo;
  const { rowPtr: ogPtr, colIdx: ogCol } = bOg;
  for (let r = 0; r < bOo.nRows; r++) rowLength[r] = ooPtr[r + 1] - ooPtr[r] + ogPtr[r + 1] - ogPtr[r];
  const receivedRows = new Int32Array(plan.ghostLids.length);
  const receivedCols: Int32Array[] = [];
  let next = 0;
  structures.forEach((message, i) => {
    const lids = plan.ghostLids.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]);
    const count = (message.length - lids.length) / 2;
    const cols = new Int32Array(count);
    for (let e = 0; e < count; e++) {
      const gid = message[lids.length + e];
      const owner = message[lids.length + count + e];
      // Candidates are numbered after the own columns; ranked once all are known.
      cols[e] = owner === partId ? bColIds.globalToOwn(gid) : -1 - ghosts.add(gid, owner);
    }
    receivedCols.push(cols);
    lids.forEach((lid, k) => {
      rowLength[lid] = message[k];
      receivedRows[next++] = lid - aColIds.nOwn;
    });
  });
  const rank = ghosts.rank();
  const sortedGids = new Float64Array(rank.length);
  const sortedOwners = new Int32Array(rank.length);
  rank.forEach((r, c) => {
    sortedGids[r] = ghosts.gids[c];
    sortedOwners[r] = ghosts.owners[c];
  });
  const nColsExt = nOwn + rank.length;
  const shared = bOg.rowPtr[bOg.nRows] === 0 && receivedRows.length === 0;
  let b: MutableCsr;
  if (shared) {
    b = bOo;
  } else {
    const rowPtr = largeArrays.int32(nRowsB + 1);
    for (let r = 0; r < nRowsB; r++) rowPtr[r + 1] = rowPtr[r] + rowLength[r];
    const colIdx = largeArrays.int32(rowPtr[nRowsB]);
    for (let r = 0; r < bOo.nRows; r++) {
      let k = rowPtr[r];
      for (let e = ooPtr[r]; e < ooPtr[r + 1]; e++) colIdx[k++] = ooCol[e];
      for (let e = ogPtr[r]; e < ogPtr[r + 1]; e++) colIdx[k++] = nOwn + rank[ogCol[e]];
    }
    next = 0;
    receivedCols.forEach((cols) => {
      let e = 0;
      const lids = plan.ghostLids.subarray(plan.ownerPtrs[next], plan.ownerPtrs[next + 1]);
      next++;
      for (const lid of lids) {
        for (let k = rowPtr[lid]; k < rowPtr[lid + 1]; k++, e++) {
          const c = cols[e];
          colIdx[k] = c >= 0 ? c : nOwn + rank[-1 - c];
        }
      }
    });
    b = { nRows: nRowsB, nCols: nColsExt, rowPtr, colIdx, values: largeArrays.float64(rowPtr[nRowsB]) };
  }
  largeArrays.recycle(rowLength);
  if (b !== bOo) fillReceivedRows(b, bOo, bOg, received, receivedRows, plan.ownerPtrs);
  const { oo, og: written, accumulator } = localProduct(a, b, nOwn, nColsExt);
  const { og, candidates, colIds } = compactGhostColumns(written, sortedGids, sortedOwners, bColIds);
  return { a, b, receivedRows, receivedPtrs: plan.ownerPtrs, nOwn, accumulator, oo, og, candidates, colIds };
}

/**
 * C = a·b on one part, in one pass, as its own block (columns below `nOwn`) and its ghost block
 * (columns `nOwn..nCols-1`, as candidates `j - nOwn`), with the accumulator its refreshes reuse.
 * Each block's arrays are sized by its product terms (pairs a_ik·b_kj: an upper bound on its
 * entries, so no counting pass) and the blocks are views of their first entries: the rest is
 * address space only, never written and so never faulted in. These are the largest arrays of a
 * set-up, written once: on huge pages where the system offers them (fewer page faults).
 */
function localProduct(a: CsrMatrix, b: CsrMatrix, nOwn: number, nCols: number): { oo: MutableCsr; og: MutableCsr; accumulator: Float64Array } {
  const nRows = a.nRows;
  const bPtr = b.rowPtr;
  const bCol = b.colIdx;
  // Per row of b, its entries in own columns (all of them when b has no ghost columns).
  let ownLength: Int32Array | undefined;
  if (b.nCols > nOwn) {
    ownLength = largeArrays.int32(b.nRows);
    for (let r = 0; r < b.nRows; r++) {
      let count = 0;
      for (let f = bPtr[r]; f < bPtr[r + 1]; f++) if (bCol[f] < nOwn) count++;
      ownLength[r] = count;
    }
  }
  let ownTerms = 0;
  let ghostTerms = 0;
  const aCol = a.colIdx;
  const aEntries = a.rowPtr[nRows];
  for (let e = 0; e < aEntries; e++) {
    const k = aCol[e];
    const length = bPtr[k + 1] - bPtr[k];
    const own = ownLength === undefined ? length : ownLength[k];
    ownTerms += own;
    ghostTerms += length - own;
  }
  const ownRoom = Math.min(ownTerms, nRows * nOwn);
  const ghostRoom = Math.min(ghostTerms, nRows * (nCols - nOwn));
  const ooPtr = largeArrays.int32(nRows + 1);
  const ooCol = largeArrays.int32(ownRoom);
  const ooValues = largeArrays.float64(ownRoom);
  const ogPtr = largeArrays.int32(nRows + 1);
  const ogCol = largeArrays.int32(ghostRoom);
  const ogValues = largeArrays.float64(ghostRoom);
  const accumulator = largeArrays.float64(nCols);
  const marker = largeArrays.int32(nCols);
  spgemmKernels().spgemmRows(
    nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, nOwn,
    ooPtr, ooCol, ooValues, ogPtr, ogCol, ogValues, marker, accumulator,
  );
  // Written and dead: their pages serve the next large arrays warm.
  largeArrays.recycle(marker);
  if (ownLength !== undefined) largeArrays.recycle(ownLength);
  const [ownNnz, ghostNnz] = [ooPtr[nRows], ogPtr[nRows]];
  return {
    oo: { nRows, nCols: nOwn, rowPtr: ooPtr, colIdx: ooCol.subarray(0, ownNnz), values: ooValues.subarray(0, ownNnz) },
    og: { nRows, nCols: nCols - nOwn, rowPtr: ogPtr, colIdx: ogCol.subarray(0, ghostNnz), values: ogValues.subarray(0, ghostNnz) },
    accumulator,
  };
}

/** B's values over A.cols' local rows: its own rows' two blocks, then the received rows. */
function fillReceivedRows(
  b: MutableCsr,
  bOo: CsrMatrix,
  bOg: CsrMatrix,
  received: Float64Array[],
  receivedRows: Int32Array,
  receivedPtrs: Int32Array,
): void {
  const { values, rowPtr } = b;
  const { rowPtr: ooPtr, values: ooValues } = bOo;
  const { rowPtr: ogPtr, values: ogValues } = bOg;
  let k = 0;
  for (let r = 0; r < bOo.nRows; r++) {
    for (let e = ooPtr[r]; e < ooPtr[r + 1]; e++) values[k++] = ooValues[e];
    for (let e = ogPtr[r]; e < ogPtr[r + 1]; e++) values[k++] = ogValues[e];
  }
  received.forEach((message, i) => {
    let e = 0;
    for (let row = receivedPtrs[i]; row < receivedPtrs[i + 1]; row++) {
      const lid = bOo.nRows + receivedRows[row];
      for (let k2 = rowPtr[lid]; k2 < rowPtr[lid + 1]; k2++) values[k2] = message[e++];
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
  const { a, b, oo, og } = part;
  mergeValues(aOo, aOg, a);
  if (b !== bOo) fillReceivedRows(b, bOo, bOg, received, part.receivedRows, part.receivedPtrs);
  spgemmKernels().spgemmValues(
    oo.nRows, a.rowPtr, a.colIdx, b.rowPtr, b.colIdx, a.values, b.values, part.nOwn,
    oo.rowPtr, oo.colIdx, oo.values, og.rowPtr, part.candidates, og.values, part.accumulator,
  );
}
