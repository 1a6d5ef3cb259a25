/**
 * The AMG set-up's kernels: a level's diagonal, Gershgorin bound and bandwidth, strength of
 * connection and aggregation of a part's own rows, the coarse solver's dense LU and its solves (dense-lu.ts), and two one-part kernels: the smoothed
 * prolongator straight from the aggregates (no tentative prolongator matrix, no general product
 * A·P0) and the Galerkin coarse matrix R·A·P without the intermediate A·P (the set-up's largest
 * matrix). The JavaScript loops, the hand-written description of their native exports
 * (`aggregateRows`, `smoothedProlongator`, `rapRows`, `rapOfP`, `levelDiagonal`, `prolongatorGhostBlock`, `markUsedColumns`,
 * `renumberColumns`, `placeExtras`, `ghostAggregateColumns`, `aggregateWeights`, `packAggregateRows`,
 * `scatterTriplets`, `lastNonzeros`, `placePairs`, `denseLuFactor` and `denseLuSolve` of the
 * sparse-product addon `native/spgemm`; loops in `native/spgemm/src/setup.h` and `dense-lu.h`,
 * same order, same bits), its loader, and the choice between them.
 *
 * The one-part kernels serve a hierarchy whose matrices have no ghost entries on any part; the
 * several-part path (ghosted-prolongator.ts, distributed-galerkin.ts) serves the others (level.ts
 * chooses).
 *
 * @module
 */
import { chooseKernels } from '../../kernels/choose-kernels.js';
import type { KernelKind } from '../../kernels/kernel-set.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../../native-addon.js';
import { aggregate, passOrder, strongConnections } from './aggregation.js';
import { denseLuFactor, denseLuSolve } from './dense-lu.js';

/**
 * The addon's exports for the set-up. The addon checks every index it follows (types, lengths,
 * row pointers, column ids, aggregate ids): a wrong type throws a `TypeError`, anything else a
 * `RangeError` naming the kernel and the argument. The JavaScript twins trust their arguments
 * (the library builds them).
 */
export interface SetupBinding {
  /**
   * Strength of connection and greedy aggregation of an `nRows × nRows` block (a part's own-own
   * block): the results of `strongConnections`, `passOrder` and `aggregate` (aggregation.ts),
   * whose loops it runs in the same order. `gRowPtr` and `gColIdx` are the part's ghost block's
   * pattern and `ghostOwner` each ghost's part (where the passes start); `diagonal` holds a_ii
   * per row; `root` (nRows), `strong` (one byte per entry), `joined` and `order` (nRows each) are
   * scratch; `aggregateOf` (nRows) receives each row's aggregate (−1: none). Returns the number of
   * aggregates.
   */
  aggregateRows(
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    gRowPtr: Int32Array, gColIdx: Int32Array, ghostOwner: Int32Array, diagonal: Float64Array, theta: number,
    root: Float64Array, strong: Uint8Array, joined: Int32Array, order: Int32Array, aggregateOf: Int32Array,
  ): number;
  /**
   * P = (I − ω D⁻¹A)·P0 for an `nRows × nRows` block A, P0 having one entry per aggregated row k,
   * 1/sqrt(size of k's aggregate), in column `aggregateOf[k]` (−1: none). Row i adds a_ik·p0_k
   * over A's entries in stored order (as the product A·P0 does: the same bits), columns
   * ascending; each value is scaled by −ω/a_ii (`inverse[i]`) and P0's entry added in the column
   * of i's aggregate. `size`, `marker`, `accumulator` (nAggregates each) are scratch; `pRowPtr`
   * (nRows + 1), `pColIdx` and `pValues` (room for A's entries) are written.
   */
  smoothedProlongator(
    nRows: number, aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    aggregateOf: Int32Array, nAggregates: number, inverse: Float64Array, omega: number,
    size: Float64Array, marker: Int32Array, accumulator: Float64Array,
    pRowPtr: Int32Array, pColIdx: Int32Array, pValues: Float64Array,
  ): void;
  /**
   * Rows `firstRow..` of C = R·A·P (R: nRows × nFine, A: nFine × nFine, P: nFine × nCoarse, one
   * block each). Row r is the sparse row z = (R·A)_r (r_ri·a_ik added over R's entries, then A's,
   * in stored order; its columns listed in order of first sight), then z·P (z_k·p_kc over that
   * list, then P's entries), columns ascending. Scratch: the fine marker, accumulator and list
   * (nFine each), the coarse ones (nCoarse each); the markers hold −1 or a row below `firstRow`,
   * the accumulators zeros (both are left so). `cRowPtr[firstRow]` must be set; `cColIdx` and
   * `cValues` have room for the entries. Returns `nRows`, or the first row that did not fit
   * (C is written up to it: continue from there with more room).
   */
  rapRows(
    firstRow: number, nRows: number, nFine: number, nCoarse: number,
    rRowPtr: Int32Array, rColIdx: Int32Array, rValues: Float64Array,
    aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    pRowPtr: Int32Array, pColIdx: Int32Array, pValues: Float64Array,
    fineMarker: Int32Array, fineAccumulator: Float64Array, fineList: Int32Array,
    coarseMarker: Int32Array, coarseAccumulator: Float64Array, coarseList: Int32Array,
    cRowPtr: Int32Array, cColIdx: Int32Array, cValues: Float64Array,
  ): number;
  /**
   * Rows `firstRow..` of C = Pᵀ·A·P (A: nFine × nFine, P: nFine × nCoarse): `rapRows` with
   * R = Pᵀ (R's row c: the fine rows of P's column c ascending, with P's values), the same rows
   * and bits, without R as an argument. The addon forms R a block of coarse rows at a time in
   * memory it reuses, so R is never written whole (at n = 128 about 90 MB of fresh memory);
   * the JavaScript twin transposes P whole. Scratch, outputs and the return as `rapRows`'.
   */
  rapOfP(
    firstRow: number, nFine: number, nCoarse: number,
    aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    pRowPtr: Int32Array, pColIdx: Int32Array, pValues: Float64Array,
    fineMarker: Int32Array, fineAccumulator: Float64Array, fineList: Int32Array,
    coarseMarker: Int32Array, coarseAccumulator: Float64Array, coarseList: Int32Array,
    cRowPtr: Int32Array, cColIdx: Int32Array, cValues: Float64Array,
  ): number;
  /**
   * The coarse solver's dense LU with partial pivoting (loops in `native/spgemm/src/dense-lu.h`,
   * twins in dense-lu.ts): factors the `n × n` row-major `lu` in place, L below the diagonal
   * (unit diagonal, not stored) and U on and above it; `pivot[k]` receives the row swapped with
   * row k at step k. `last[i]` holds row i's last nonzero column (−1: none) and is kept up to date
   * through the swaps and the fill; an update of a row stops at the pivot row's last nonzero (the
   * columns after it hold exact zeros in the pivot row). `rows` and `multipliers` (n each) are
   * scratch. Returns the step whose pivot is at most `tiny` in magnitude (the factorisation stops
   * there), else −1. The addon also checks `last` (−1..n−1).
   */
  denseLuFactor(
    n: number, lu: Float64Array, last: Int32Array, pivot: Int32Array, rows: Int32Array, multipliers: Float64Array, tiny: number,
  ): number;
  /** x ← A⁻¹ x with `denseLuFactor`'s factors (the swaps in order, then L, then U); the addon checks `pivot` (0..n−1). */
  denseLuSolve(n: number, lu: Float64Array, pivot: Int32Array, x: Float64Array): void;
  /**
   * A level's diagonal data in one pass over a part's own rows (`oo`: the `nRows × nRows` own
   * block, whose columns ascend per row; of the ghost block `og` only the row pointers and values
   * are read). Per row i: d = a_ii (0 when the row has no entry in column i), `diagonal[i]` = d,
   * `inverse[i]` = 1/d; `out[0]` receives Gershgorin's bound max_i (Σ_j |a_ij|, own entries then
   * ghost ones in stored order)·|1/d| and `out[1]` the own block's bandwidth max_i max(i − first
   * column, last column − i). Returns the first row whose d is zero or not finite (`out[0]` is then
   * meaningless), else −1.
   */
  levelDiagonal(
    nRows: number, ooRowPtr: Int32Array, ooColIdx: Int32Array, ooValues: Float64Array, ogRowPtr: Int32Array, ogValues: Float64Array,
    diagonal: Float64Array, inverse: Float64Array, out: Float64Array,
  ): number;
  /**
   * The ghost block of a several-part smoothed prolongator (ghosted-prolongator.ts): row i of
   * the `nRows`-row ghost block `og` of A sums a_ig·p0_g (`ghostP0[g]`) over its entries in stored
   * order per ghost aggregate `ghostColumn[g]` (−1: none; below `nCols`), its columns ascending
   * (each inserted in order when first met), then scales each sum by −omega·`inverse[i]`.
   * `marker` (nCols; −1 on entry) and `accumulator` (nCols; zeros) are scratch left so; `pRowPtr`
   * (nRows + 1), `pColIdx` and `pValues` (room for og's entries) are written. Returns the
   * entries written.
   */
  prolongatorGhostBlock(
    nRows: number, ogRowPtr: Int32Array, ogColIdx: Int32Array, ogValues: Float64Array, ghostColumn: Int32Array, ghostP0: Float64Array,
    nCols: number, inverse: Float64Array, omega: number, marker: Int32Array, accumulator: Float64Array,
    pRowPtr: Int32Array, pColIdx: Int32Array, pValues: Float64Array,
  ): number;
  /** Sets `mark[c] = 0` for the columns c of the first `nnz` entries of `colIdx` (the addon checks them below mark's length). */
  markUsedColumns(nnz: number, colIdx: Int32Array, mark: Int32Array): void;
  /**
   * Renumbers an `nRows`-row block's columns in place (`colIdx[e] = finalOf[colIdx[e]]`) and sorts,
   * moving the values along, each row whose new columns do not ascend (a row's columns are
   * distinct, so the result is the ascending order). The addon checks the row pointers and that
   * the columns index `finalOf`.
   */
  renumberColumns(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, finalOf: Int32Array): void;
  /**
   * Places one received message's extra terms by own row (distributed-galerkin.ts' `ownRows`):
   * for k = 0..nRows−1, the next `counts[k]` entries of `ranks` and `values` (message order) go to
   * row `rows[k]` from `fill[rows[k]]` on, which is advanced: column `columnOf[ranks[e]]`, value
   * `values[e]`. `counts` and `ranks` are whole numbers held as float64 (the message's). The addon
   * checks the rows against fill's length, the counts, their sum against ranks' and values'
   * lengths, the ranks against columnOf's length, and each row's place against extraCol's and
   * extraValue's lengths (it throws at the first row that does not fit, with the rows before it
   * placed).
   */
  placeExtras(
    nRows: number, rows: Int32Array, counts: Float64Array, ranks: Float64Array, values: Float64Array, columnOf: Int32Array,
    fill: Int32Array, extraCol: Int32Array, extraValue: Float64Array,
  ): void;
  /**
   * A several-part prolongator's ghost columns (ghosted-prolongator.ts): the distinct aggregate
   * ids `aggregateGid[g] ≥ 0` (−1: none) of the `nGhost` ghosts that some of the ghost block's
   * first `nnz` entries (`ogColIdx`) reach, ascending, into `gids[0..count)`, with the first
   * (smallest) such ghost of each in `firstGhost`; per ghost g, `ghostColumn[g]` receives the
   * column of `aggregateGid[g]` (−1: none, or no reached ghost names it). `order` (nGhost) is
   * scratch; all arrays have at least nGhost items. Returns the count. The addon checks the
   * lengths and the entries' ids (below nGhost); it sorts where the twin keeps Maps, with the same
   * results.
   */
  ghostAggregateColumns(
    nGhost: number, aggregateGid: Float64Array, nnz: number, ogColIdx: Int32Array, order: Int32Array, gids: Float64Array,
    firstGhost: Int32Array, ghostColumn: Int32Array,
  ): number;
  /**
   * P0's value per aggregate: `weight[a]` = 1/sqrt(the number of the `nRows` rows whose
   * `aggregateOf` is a), a = 0..nAggregates−1 (−1: a row in none). The addon checks the lengths and
   * every `aggregateOf` (−1..nAggregates−1).
   */
  aggregateWeights(nRows: number, aggregateOf: Int32Array, nAggregates: number, weight: Float64Array): void;
  /**
   * One message of a several-part prolongator's aggregates (ghosted-prolongator.ts): per row
   * `rows[k]`, k < nRows, `out[2k]` = firstGid + its aggregate and `out[2k + 1]` = its weight, or −1
   * and 0 for a row in no aggregate. The addon checks the lengths, the rows (below aggregateOf's
   * length) and their aggregates (−1..weight's length − 1).
   */
  packAggregateRows(nRows: number, rows: Int32Array, aggregateOf: Int32Array, weight: Float64Array, firstGid: number, out: Float64Array): void;
  /**
   * The coarse solver's dense matrix (coarse-solver.ts): `triplets` holds count global rows, then
   * count global columns, then count values; each value is added, in order, into the row-major
   * `n × n` `lu` at the local ids `localOf[row]`, `localOf[col]`. Returns max(`largest`, every
   * |entry| after its addition) (NaN once one is NaN, as Math.max). The addon checks the lengths
   * and that every row and column is a whole id below localOf's length whose local id is below n.
   */
  scatterTriplets(n: number, localOf: Int32Array, triplets: Float64Array, lu: Float64Array, largest: number): number;
  /** Per row i of the row-major `n × n` `lu`, `last[i]` = its last column holding a nonzero (−1: none); the addon checks the lengths. */
  lastNonzeros(n: number, lu: Float64Array, last: Int32Array): void;
  /**
   * A received message of pairs placed by ghost (ghosted-prolongator.ts): for k < nItems, ghost
   * g = `lids[k]` − `offset` gets `first[g]` = `message[2k]` and `second[g]` = `message[2k + 1]`.
   * The addon checks the lengths and every g (below first's and second's lengths).
   */
  placePairs(nItems: number, lids: Int32Array, offset: number, message: Float64Array, first: Float64Array, second: Float64Array): void;
}

/** The set-up kernels and which implementation runs them. */
export interface SetupKernels extends SetupBinding {
  readonly kind: KernelKind;
}

/** Sorts ids[start..end) ascending (as `sort_row` in spgemm.h: the order does not change sums). */
function sortRow(ids: Int32Array, start: number, end: number): void {
  if (end - start > 48) {
    ids.subarray(start, end).sort();
    return;
  }
  for (let a = start + 1; a < end; a++) {
    const v = ids[a];
    let b = a;
    while (b > start && ids[b - 1] > v) {
      ids[b] = ids[b - 1];
      b--;
    }
    ids[b] = v;
  }
}

/**
 * The JavaScript loops: `native/spgemm/src/setup.h` in the same order (so the same bits), and, for
 * the aggregation, aggregation.ts itself.
 */
export const jsSetupKernels: SetupKernels = {
  kind: 'js',
  denseLuFactor,
  denseLuSolve,
  markUsedColumns(nnz, colIdx, mark) {
    for (let e = 0; e < nnz; e++) mark[colIdx[e]] = 0;
  },
  ghostAggregateColumns(nGhost, aggregateGid, nnz, ogColIdx, _order, gids, firstGhost, ghostColumn) {
    const reached = new Uint8Array(nGhost);
    for (let e = 0; e < nnz; e++) reached[ogColIdx[e]] = 1;
    const byGid = new Map<number, number>();
    for (let g = 0; g < nGhost; g++) {
      if (reached[g] === 1 && aggregateGid[g] >= 0 && !byGid.has(aggregateGid[g])) byGid.set(aggregateGid[g], g);
    }
    const sorted = Float64Array.from(byGid.keys()).sort();
    const column = new Map<number, number>();
    for (let c = 0; c < sorted.length; c++) {
      gids[c] = sorted[c];
      firstGhost[c] = byGid.get(sorted[c])!;
      column.set(sorted[c], c);
    }
    for (let g = 0; g < nGhost; g++) ghostColumn[g] = aggregateGid[g] >= 0 ? (column.get(aggregateGid[g]) ?? -1) : -1;
    return sorted.length;
  },
  aggregateWeights(nRows, aggregateOf, nAggregates, weight) {
    weight.fill(0, 0, nAggregates);
    for (let i = 0; i < nRows; i++) if (aggregateOf[i] >= 0) weight[aggregateOf[i]] += 1;
    for (let a = 0; a < nAggregates; a++) weight[a] = 1 / Math.sqrt(weight[a]);
  },
  packAggregateRows(nRows, rows, aggregateOf, weight, firstGid, out) {
    for (let k = 0; k < nRows; k++) {
      const a = aggregateOf[rows[k]];
      out[2 * k] = a >= 0 ? firstGid + a : -1;
      out[2 * k + 1] = a >= 0 ? weight[a] : 0;
    }
  },
  scatterTriplets(n, localOf, triplets, lu, largest) {
    const count = triplets.length / 3;
    for (let k = 0; k < count; k++) {
      const at = localOf[triplets[k]] * n + localOf[triplets[count + k]];
      lu[at] += triplets[2 * count + k];
      largest = Math.max(largest, Math.abs(lu[at]));
    }
    return largest;
  },
  lastNonzeros(n, lu, last) {
    last.fill(-1, 0, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (lu[i * n + j] !== 0) last[i] = j;
  },
  placePairs(nItems, lids, offset, message, first, second) {
    for (let k = 0; k < nItems; k++) {
      const g = lids[k] - offset;
      first[g] = message[2 * k];
      second[g] = message[2 * k + 1];
    }
  },
  placeExtras(nRows, rows, counts, ranks, values, columnOf, fill, extraCol, extraValue) {
    let e = 0;
    for (let k = 0; k < nRows; k++) {
      const c = rows[k];
      for (let t = 0; t < counts[k]; t++, e++) {
        extraCol[fill[c]] = columnOf[ranks[e]];
        extraValue[fill[c]++] = values[e];
      }
    }
  },
  renumberColumns(nRows, rowPtr, colIdx, values, finalOf) {
    for (let i = 0; i < nRows; i++) {
      let ascending = true;
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        colIdx[e] = finalOf[colIdx[e]];
        if (e > rowPtr[i] && colIdx[e] < colIdx[e - 1]) ascending = false;
      }
      if (ascending) continue;
      // Insertion sort of the row's pairs (short rows).
      for (let a = rowPtr[i] + 1; a < rowPtr[i + 1]; a++) {
        const id = colIdx[a];
        const value = values[a];
        let b = a;
        while (b > rowPtr[i] && colIdx[b - 1] > id) {
          colIdx[b] = colIdx[b - 1];
          values[b] = values[b - 1];
          b--;
        }
        colIdx[b] = id;
        values[b] = value;
      }
    }
  },
  prolongatorGhostBlock(nRows, aPtr, aCol, aValues, ghostColumn, ghostP0, _nCols, inverse, omega, marker, accumulator, rowPtr, colIdx, values) {
    let next = 0;
    rowPtr[0] = 0;
    for (let i = 0; i < nRows; i++) {
      const start = next;
      for (let e = aPtr[i]; e < aPtr[i + 1]; e++) {
        const c = ghostColumn[aCol[e]];
        if (c < 0) continue;
        if (marker[c] !== i) {
          marker[c] = i;
          // Insertion in ascending order (a row reaches few ghost aggregates).
          let k = next++;
          while (k > start && colIdx[k - 1] > c) {
            colIdx[k] = colIdx[k - 1];
            k--;
          }
          colIdx[k] = c;
        }
        accumulator[c] += aValues[e] * ghostP0[aCol[e]];
      }
      const scale = -omega * inverse[i];
      for (let k = start; k < next; k++) {
        values[k] = scale * accumulator[colIdx[k]];
        accumulator[colIdx[k]] = 0;
      }
      rowPtr[i + 1] = next;
    }
    return next;
  },
  levelDiagonal(nRows, ooPtr, ooCol, ooValues, ogPtr, ogValues, diagonal, inverse, out) {
    let bad = -1;
    let bound = 0;
    let bandwidth = 0;
    for (let i = 0; i < nRows; i++) {
      const start = ooPtr[i];
      const end = ooPtr[i + 1];
      if (end > start) bandwidth = Math.max(bandwidth, i - ooCol[start], ooCol[end - 1] - i);
      let sum = 0;
      let d = 0;
      let found = false;
      for (let e = start; e < end; e++) {
        // The first entry at or past the diagonal's column is a_ii, or a_ii is zero.
        if (!found && ooCol[e] >= i) {
          found = true;
          if (ooCol[e] === i) d = ooValues[e];
        }
        sum += Math.abs(ooValues[e]);
      }
      for (let e = ogPtr[i]; e < ogPtr[i + 1]; e++) sum += Math.abs(ogValues[e]);
      if (bad < 0 && (d === 0 || !Number.isFinite(d))) bad = i;
      diagonal[i] = d;
      inverse[i] = 1 / d;
      const scaled = sum * Math.abs(inverse[i]);
      if (scaled > bound) bound = scaled;
    }
    out[0] = bound;
    out[1] = bandwidth;
    return bad;
  },
  // aggregation.ts's own functions: the reference the addon's loops follow.
  aggregateRows(nRows, aRowPtr, aColIdx, aValues, gRowPtr, gColIdx, ghostOwner, diagonal, theta, _root, _strong, _joined, _order, aggregateOf) {
    const block = { nRows, nCols: nRows, rowPtr: aRowPtr, colIdx: aColIdx, values: aValues };
    const strong = strongConnections(block, diagonal, theta);
    const ghost = { nRows, nCols: ghostOwner.length, rowPtr: gRowPtr, colIdx: gColIdx, values: new Float64Array(0) };
    const order = passOrder(block, ghost, ghostOwner);
    const found = aggregate(block, strong, order);
    aggregateOf.set(found.aggregateOf);
    largeArrays.recycle(strong);
    largeArrays.recycle(order);
    largeArrays.recycle(found.aggregateOf);
    return found.count;
  },
  smoothedProlongator(nRows, aRowPtr, aColIdx, aValues, aggregateOf, nAggregates, inverse, omega, size, marker, accumulator, pRowPtr, pColIdx, pValues) {
    size.fill(0, 0, nAggregates);
    for (let i = 0; i < nRows; i++) if (aggregateOf[i] >= 0) size[aggregateOf[i]] += 1;
    for (let a = 0; a < nAggregates; a++) size[a] = 1 / Math.sqrt(size[a]);
    marker.fill(-1, 0, nAggregates);
    accumulator.fill(0, 0, nAggregates);
    let next = 0;
    pRowPtr[0] = 0;
    for (let i = 0; i < nRows; i++) {
      const start = next;
      let ascending = true;
      let last = -1;
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const j = aggregateOf[aColIdx[e]];
        if (j < 0) continue;
        if (marker[j] !== i) {
          marker[j] = i;
          pColIdx[next++] = j;
          ascending = ascending && j > last;
          last = j;
        }
        accumulator[j] += aValues[e] * size[j];
      }
      if (!ascending) sortRow(pColIdx, start, next);
      const scale = -omega * inverse[i];
      const own = aggregateOf[i];
      for (let e = start; e < next; e++) {
        const j = pColIdx[e];
        let v = scale * accumulator[j];
        accumulator[j] = 0;
        if (j === own) v += size[j];
        pValues[e] = v;
      }
      pRowPtr[i + 1] = next;
    }
  },
  rapRows(firstRow, nRows, _nFine, _nCoarse, rRowPtr, rColIdx, rValues, aRowPtr, aColIdx, aValues, pRowPtr, pColIdx, pValues, fineMarker, fineAcc, fineList, coarseMarker, coarseAcc, coarseList, cRowPtr, cColIdx, cValues) {
    const room = Math.min(cColIdx.length, cValues.length);
    for (let row = firstRow; row < nRows; row++) {
      let nFine = 0;
      for (let e = rRowPtr[row]; e < rRowPtr[row + 1]; e++) {
        const i = rColIdx[e];
        const ri = rValues[e];
        for (let f = aRowPtr[i]; f < aRowPtr[i + 1]; f++) {
          const k = aColIdx[f];
          if (fineMarker[k] !== row) {
            fineMarker[k] = row;
            fineList[nFine++] = k;
          }
          fineAcc[k] += ri * aValues[f];
        }
      }
      let nCoarse = 0;
      let ascending = true;
      let last = -1;
      for (let t = 0; t < nFine; t++) {
        const k = fineList[t];
        const z = fineAcc[k];
        fineAcc[k] = 0;
        for (let f = pRowPtr[k]; f < pRowPtr[k + 1]; f++) {
          const c = pColIdx[f];
          if (coarseMarker[c] !== row) {
            coarseMarker[c] = row;
            coarseList[nCoarse++] = c;
            ascending = ascending && c > last;
            last = c;
          }
          coarseAcc[c] += z * pValues[f];
        }
      }
      const start = cRowPtr[row];
      if (start + nCoarse > room) {
        for (let t = 0; t < nFine; t++) fineMarker[fineList[t]] = -1;
        for (let t = 0; t < nCoarse; t++) {
          coarseMarker[coarseList[t]] = -1;
          coarseAcc[coarseList[t]] = 0;
        }
        return row;
      }
      if (!ascending) sortRow(coarseList, 0, nCoarse);
      for (let t = 0; t < nCoarse; t++) {
        const c = coarseList[t];
        cColIdx[start + t] = c;
        cValues[start + t] = coarseAcc[c];
        coarseAcc[c] = 0;
      }
      cRowPtr[row + 1] = start + nCoarse;
    }
    return nRows;
  },
  rapOfP(firstRow, nFine, nCoarse, aRowPtr, aColIdx, aValues, pRowPtr, pColIdx, pValues, ...rest) {
    // R = Pᵀ by a counting sort over P's rows ascending: within each row of R, fine rows ascend.
    const nnz = pRowPtr[nFine];
    const rRowPtr = new Int32Array(nCoarse + 1);
    for (let e = 0; e < nnz; e++) rRowPtr[pColIdx[e] + 1]++;
    for (let c = 0; c < nCoarse; c++) rRowPtr[c + 1] += rRowPtr[c];
    const next = rRowPtr.slice(0, nCoarse);
    const rColIdx = new Int32Array(nnz);
    const rValues = new Float64Array(nnz);
    for (let i = 0; i < nFine; i++) {
      for (let e = pRowPtr[i]; e < pRowPtr[i + 1]; e++) {
        const at = next[pColIdx[e]]++;
        rColIdx[at] = i;
        rValues[at] = pValues[e];
      }
    }
    return jsSetupKernels.rapRows(
      firstRow, nCoarse, nFine, nCoarse, rRowPtr, rColIdx, rValues, aRowPtr, aColIdx, aValues, pRowPtr, pColIdx, pValues, ...rest,
    );
  },
};

/** What to do when the native set-up kernels are unavailable. */
export const SETUP_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/**
 * Loads the addon from the first of `paths` that works (`load`: Node's `require` unless a test
 * injects one).
 * @throws BackendUnavailableError listing why each path could not be used, and {@link SETUP_FIXES}.
 * @example `const binding = loadSetupBinding();`
 */
export function loadSetupBinding(
  paths: readonly string[] = addonPaths('spgemm', 'pa_spgemm.node'),
  load: (path: string) => unknown = requireNative,
): SetupBinding {
  return loadAddon<SetupBinding>({
    paths,
    load,
    required: ['aggregateRows', 'smoothedProlongator', 'rapRows', 'rapOfP', 'denseLuFactor', 'denseLuSolve', 'levelDiagonal', 'prolongatorGhostBlock', 'markUsedColumns',
      'renumberColumns', 'placeExtras', 'ghostAggregateColumns', 'aggregateWeights', 'packAggregateRows',
      'scatterTriplets', 'lastNonzeros', 'placePairs'],
    what: 'sparse-product addon (AMG set-up kernels)',
    summary: 'The native AMG set-up kernels are unavailable',
    fixes: SETUP_FIXES,
  });
}

/** The addon's functions as they are (they check their own arguments). */
export function nativeSetupKernels(binding: SetupBinding): SetupKernels {
  return {
    kind: 'native',
    aggregateRows: (...args) => binding.aggregateRows(...args),
    smoothedProlongator: (...args) => binding.smoothedProlongator(...args),
    rapRows: (...args) => binding.rapRows(...args),
    rapOfP: (...args) => binding.rapOfP(...args),
    denseLuFactor: (...args) => binding.denseLuFactor(...args),
    denseLuSolve: (...args) => binding.denseLuSolve(...args),
    levelDiagonal: (...args) => binding.levelDiagonal(...args),
    prolongatorGhostBlock: (...args) => binding.prolongatorGhostBlock(...args),
    markUsedColumns: (...args) => binding.markUsedColumns(...args),
    renumberColumns: (...args) => binding.renumberColumns(...args),
    placeExtras: (...args) => binding.placeExtras(...args),
    ghostAggregateColumns: (...args) => binding.ghostAggregateColumns(...args),
    aggregateWeights: (...args) => binding.aggregateWeights(...args),
    packAggregateRows: (...args) => binding.packAggregateRows(...args),
    scatterTriplets: (...args) => binding.scatterTriplets(...args),
    lastNonzeros: (...args) => binding.lastNonzeros(...args),
    placePairs: (...args) => binding.placePairs(...args),
  };
}

/**
 * The kernels the environment asks for (`PA_KERNELS`, `PA_REQUIRE_NATIVE`), as the library's
 * other kernels choose theirs.
 * @throws InvalidArgumentError for another `PA_KERNELS`; BackendUnavailableError when the addon
 * is required and cannot be loaded.
 */
export function selectSetupKernels(
  env: { readonly PA_KERNELS?: string; readonly PA_REQUIRE_NATIVE?: string },
  load: () => SetupBinding = () => loadSetupBinding(),
): SetupKernels {
  return chooseKernels(env, { native: () => nativeSetupKernels(load()), js: jsSetupKernels });
}

let selected: SetupKernels | undefined;

/** The kernels of this process, chosen from `process.env` on first use. */
export function setupKernels(): SetupKernels {
  selected ??= selectSetupKernels(process.env);
  return selected;
}
