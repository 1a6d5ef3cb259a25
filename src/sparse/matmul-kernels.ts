/**
 * The local kernels of the sparse products: row-wise (Gustavson) C = A·B of CSR matrices as own and
 * ghost blocks (columns with values in one pass; values alone again for new values), in JavaScript and through the native addon, and the choice
 * between them.
 *
 * @module
 */
import { chooseKernels } from '../kernels/choose-kernels.js';
import type { KernelKind } from '../kernels/kernel-set.js';
import { loadSpgemmBinding, type SpgemmBinding } from './matmul-binding.js';

/**
 * The passes of a local product, with the binding's arguments and meaning (see
 * {@link SpgemmBinding}), and which implementation runs them.
 */
export interface SpgemmKernels extends SpgemmBinding {
  readonly kind: KernelKind;
}

/** Sorts ids[start..end) ascending: insertion sort for the short rows of sparse products. */
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

/** The error of a product row that does not fit in its blocks' room (as the addon words it). */
function noRoom(row: number, ownRoom: number, ghostRoom: number): RangeError {
  return new RangeError(`spgemmRows: row ${row} does not fit in its blocks (room for ${ownRoom} own and ${ghostRoom} ghost entries)`);
}

/**
 * The JavaScript kernels: the loops of `native/spgemm/src/spgemm.h` in the same order (so the
 * same bits). They trust their arguments (the library builds them); the native set checks them.
 * A row's terms are visited as in the addon's `for_each_term`: A's own entries (B1's row, then
 * B2's), then A's ghost entries (B2's rows past B1's).
 */
export const jsSpgemmKernels: SpgemmKernels = {
  kind: 'js',
  spgemmTerms(nRows, aRowPtr, aColIdx, _aValues, gRowPtr, gColIdx, _gValues, b1RowPtr, b1ColIdx, _b1Values, b2RowPtr, b2ColIdx, _b2Values, nOwn, _nColsB, terms) {
    const nRowsB1 = b1RowPtr.length - 1;
    const nRowsB2 = b2RowPtr.length - 1;
    const length = new Int32Array(nRowsB2);
    const ownLength = new Int32Array(nRowsB2);
    for (let k = 0; k < nRowsB2; k++) {
      let own = 0;
      let all = b2RowPtr[k + 1] - b2RowPtr[k];
      for (let f = b2RowPtr[k]; f < b2RowPtr[k + 1]; f++) if (b2ColIdx[f] < nOwn) own++;
      if (k < nRowsB1) {
        all += b1RowPtr[k + 1] - b1RowPtr[k];
        for (let f = b1RowPtr[k]; f < b1RowPtr[k + 1]; f++) if (b1ColIdx[f] < nOwn) own++;
      }
      length[k] = all;
      ownLength[k] = own;
    }
    let all = 0;
    let own = 0;
    for (let e = 0; e < aRowPtr[nRows]; e++) {
      all += length[aColIdx[e]];
      own += ownLength[aColIdx[e]];
    }
    for (let e = 0; e < gRowPtr[nRows]; e++) {
      all += length[nRowsB1 + gColIdx[e]];
      own += ownLength[nRowsB1 + gColIdx[e]];
    }
    terms[0] = own;
    terms[1] = all - own;
  },
  spgemmRows(nRows, aRowPtr, aColIdx, aValues, gRowPtr, gColIdx, gValues, b1RowPtr, b1ColIdx, b1Values, b2RowPtr, b2ColIdx, b2Values, nOwn, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, marker, accumulator) {
    const ownRoom = Math.min(ooColIdx.length, ooValues.length, 0x7fffffff);
    const ghostRoom = Math.min(ogColIdx.length, ogValues.length, 0x7fffffff);
    const nRowsB1 = b1RowPtr.length - 1;
    marker.fill(-1);
    accumulator.fill(0);
    let ownNext = 0;
    let ghostNext = 0;
    ooRowPtr[0] = 0;
    ogRowPtr[0] = 0;
    let i = 0;
    let ownLast = -1;
    let ghostLast = -1;
    let ascending = true;
    const visit = (j: number, term: number): void => {
      if (marker[j] !== i) {
        marker[j] = i;
        if (j < nOwn) {
          if (ownNext === ownRoom) throw noRoom(i, ownRoom, ghostRoom);
          ooColIdx[ownNext++] = j;
          ascending = ascending && j > ownLast;
          ownLast = j;
        } else {
          if (ghostNext === ghostRoom) throw noRoom(i, ownRoom, ghostRoom);
          ogColIdx[ghostNext++] = j - nOwn;
          ascending = ascending && j > ghostLast;
          ghostLast = j;
        }
      }
      accumulator[j] += term;
    };
    for (; i < nRows; i++) {
      const ownStart = ownNext;
      const ghostStart = ghostNext;
      ownLast = -1;
      ghostLast = -1;
      ascending = true;
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const k = aColIdx[e];
        const a = aValues[e];
        for (let f = b1RowPtr[k]; f < b1RowPtr[k + 1]; f++) visit(b1ColIdx[f], a * b1Values[f]);
        for (let f = b2RowPtr[k]; f < b2RowPtr[k + 1]; f++) visit(b2ColIdx[f], a * b2Values[f]);
      }
      for (let e = gRowPtr[i]; e < gRowPtr[i + 1]; e++) {
        const k = nRowsB1 + gColIdx[e];
        const a = gValues[e];
        for (let f = b2RowPtr[k]; f < b2RowPtr[k + 1]; f++) visit(b2ColIdx[f], a * b2Values[f]);
      }
      if (!ascending) {
        sortRow(ooColIdx, ownStart, ownNext);
        sortRow(ogColIdx, ghostStart, ghostNext);
      }
      for (let e = ownStart; e < ownNext; e++) {
        ooValues[e] = accumulator[ooColIdx[e]];
        accumulator[ooColIdx[e]] = 0;
      }
      for (let e = ghostStart; e < ghostNext; e++) {
        ogValues[e] = accumulator[nOwn + ogColIdx[e]];
        accumulator[nOwn + ogColIdx[e]] = 0;
      }
      ooRowPtr[i + 1] = ownNext;
      ogRowPtr[i + 1] = ghostNext;
    }
  },
  spgemmValues(nRows, aRowPtr, aColIdx, aValues, gRowPtr, gColIdx, gValues, b1RowPtr, b1ColIdx, b1Values, b2RowPtr, b2ColIdx, b2Values, nOwn, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, accumulator) {
    const nRowsB1 = b1RowPtr.length - 1;
    accumulator.fill(0);
    for (let i = 0; i < nRows; i++) {
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const k = aColIdx[e];
        const a = aValues[e];
        for (let f = b1RowPtr[k]; f < b1RowPtr[k + 1]; f++) accumulator[b1ColIdx[f]] += a * b1Values[f];
        for (let f = b2RowPtr[k]; f < b2RowPtr[k + 1]; f++) accumulator[b2ColIdx[f]] += a * b2Values[f];
      }
      for (let e = gRowPtr[i]; e < gRowPtr[i + 1]; e++) {
        const k = nRowsB1 + gColIdx[e];
        const a = gValues[e];
        for (let f = b2RowPtr[k]; f < b2RowPtr[k + 1]; f++) accumulator[b2ColIdx[f]] += a * b2Values[f];
      }
      for (let e = ooRowPtr[i]; e < ooRowPtr[i + 1]; e++) {
        ooValues[e] = accumulator[ooColIdx[e]];
        accumulator[ooColIdx[e]] = 0;
      }
      for (let e = ogRowPtr[i]; e < ogRowPtr[i + 1]; e++) {
        ogValues[e] = accumulator[nOwn + ogColIdx[e]];
        accumulator[nOwn + ogColIdx[e]] = 0;
      }
    }
  },
  csrTranspose(nRows, nCols, rowPtr, colIdx, values, tRowPtr, tRows, tSource, tValues) {
    const withValues = values.length > 0 || tValues.length > 0;
    tRowPtr.fill(0, 0, nCols + 1);
    const nnz = rowPtr[nRows];
    for (let e = 0; e < nnz; e++) tRowPtr[colIdx[e] + 1]++;
    for (let c = 0; c < nCols; c++) tRowPtr[c + 1] += tRowPtr[c];
    for (let i = 0; i < nRows; i++) {
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const k = tRowPtr[colIdx[e]]++;
        tRows[k] = i;
        tSource[k] = e;
        if (withValues) tValues[k] = values[e];
      }
    }
    for (let c = nCols; c > 0; c--) tRowPtr[c] = tRowPtr[c - 1];
    tRowPtr[0] = 0;
  },
  rankRowEntries(rows, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues, nOwn, slot, entryRank, listed, values) {
    let nColumns = 0;
    let k = 0;
    for (let t = 0; t < rows.length; t++) {
      const r = rows[t];
      for (let e = ooRowPtr[r]; e < ooRowPtr[r + 1]; e++, k++) {
        const c = ooColIdx[e];
        if (slot[c] < 0) {
          slot[c] = nColumns;
          listed[nColumns++] = c;
        }
        entryRank[k] = slot[c];
        values[k] = ooValues[e];
      }
      for (let e = ogRowPtr[r]; e < ogRowPtr[r + 1]; e++, k++) {
        const c = nOwn + ogColIdx[e];
        if (slot[c] < 0) {
          slot[c] = nColumns;
          listed[nColumns++] = c;
        }
        entryRank[k] = slot[c];
        values[k] = ogValues[e];
      }
    }
    for (let j = 0; j < nColumns; j++) slot[listed[j]] = -1;
    return nColumns;
  },
  placeReceivedRows(rowOf, rowPtr, message, entriesAt, valuesAt, finalColumn, colIdx, values) {
    let e = 0;
    for (let t = 0; t < rowOf.length; t++) {
      const r = rowOf[t];
      for (let k = rowPtr[r]; k < rowPtr[r + 1]; k++, e++) {
        colIdx[k] = finalColumn[message[entriesAt + e]];
        values[k] = message[valuesAt + e];
      }
    }
  },
  galerkinRows(firstRow, nRows, nFine, nOwn, rRowPtr, rColIdx, rValues, aRowPtr, aColIdx, aValues, gRowPtr, gColIdx, gValues, p1RowPtr, p1ColIdx, p1Values, p2RowPtr, p2ColIdx, p2Values, xRowPtr, xColIdx, xValues, fineMarker, fineAcc, fineList, coarseMarker, coarseAcc, coarseList, ooRowPtr, ooColIdx, ooValues, ogRowPtr, ogColIdx, ogValues) {
    if (rRowPtr.length === 0) {
      // R = P1ᵀ, transposed whole here (the addon forms it a block of rows at a time).
      const nnz = p1RowPtr[nFine];
      [rRowPtr, rColIdx, rValues] = [new Int32Array(nRows + 1), new Int32Array(nnz), new Float64Array(nnz)];
      jsSpgemmKernels.csrTranspose(nFine, nRows, p1RowPtr, p1ColIdx, p1Values, rRowPtr, rColIdx, new Int32Array(nnz), rValues);
    }
    const ownRoom = Math.min(ooColIdx.length, ooValues.length);
    const ghostRoom = Math.min(ogColIdx.length, ogValues.length);
    for (let row = firstRow; row < nRows; row++) {
      let nListed = 0;
      const touch = (k: number, term: number): void => {
        if (fineMarker[k] !== row) {
          fineMarker[k] = row;
          fineList[nListed++] = k;
        }
        fineAcc[k] += term;
      };
      for (let e = rRowPtr[row]; e < rRowPtr[row + 1]; e++) {
        const i = rColIdx[e];
        const ri = rValues[e];
        for (let f = aRowPtr[i]; f < aRowPtr[i + 1]; f++) touch(aColIdx[f], ri * aValues[f]);
        for (let f = gRowPtr[i]; f < gRowPtr[i + 1]; f++) touch(nFine + gColIdx[f], ri * gValues[f]);
      }
      let nCoarse = 0;
      let ascending = true;
      let last = -1;
      const visit = (j: number, term: number): void => {
        if (coarseMarker[j] !== row) {
          coarseMarker[j] = row;
          coarseList[nCoarse++] = j;
          ascending = ascending && j > last;
          last = j;
        }
        coarseAcc[j] += term;
      };
      for (let t = 0; t < nListed; t++) {
        const k = fineList[t];
        const z = fineAcc[k];
        fineAcc[k] = 0;
        if (k < nFine) for (let f = p1RowPtr[k]; f < p1RowPtr[k + 1]; f++) visit(p1ColIdx[f], z * p1Values[f]);
        for (let f = p2RowPtr[k]; f < p2RowPtr[k + 1]; f++) visit(p2ColIdx[f], z * p2Values[f]);
      }
      if (xRowPtr.length > 0) for (let e = xRowPtr[row]; e < xRowPtr[row + 1]; e++) visit(xColIdx[e], xValues[e]);
      if (!ascending) sortRow(coarseList, 0, nCoarse);
      let nOwnCols = 0;
      while (nOwnCols < nCoarse && coarseList[nOwnCols] < nOwn) nOwnCols++;
      const ownStart = ooRowPtr[row];
      const ghostStart = ogRowPtr[row];
      if (ownStart + nOwnCols > ownRoom || ghostStart + nCoarse - nOwnCols > ghostRoom) {
        for (let t = 0; t < nListed; t++) fineMarker[fineList[t]] = -1;
        for (let t = 0; t < nCoarse; t++) {
          coarseMarker[coarseList[t]] = -1;
          coarseAcc[coarseList[t]] = 0;
        }
        return row;
      }
      for (let t = 0; t < nCoarse; t++) {
        const c = coarseList[t];
        if (t < nOwnCols) {
          ooColIdx[ownStart + t] = c;
          ooValues[ownStart + t] = coarseAcc[c];
        } else {
          ogColIdx[ghostStart + t - nOwnCols] = c - nOwn;
          ogValues[ghostStart + t - nOwnCols] = coarseAcc[c];
        }
        coarseAcc[c] = 0;
      }
      ooRowPtr[row + 1] = ownStart + nOwnCols;
      ogRowPtr[row + 1] = ghostStart + nCoarse - nOwnCols;
    }
    return nRows;
  },
};

/** The native kernels: the addon's functions as they are (they check their own arguments). */
export function nativeSpgemmKernels(binding: SpgemmBinding): SpgemmKernels {
  return {
    kind: 'native',
    spgemmTerms: (...args) => binding.spgemmTerms(...args),
    spgemmRows: (...args) => binding.spgemmRows(...args),
    spgemmValues: (...args) => binding.spgemmValues(...args),
    csrTranspose: (...args) => binding.csrTranspose(...args),
    galerkinRows: (...args) => binding.galerkinRows(...args),
    rankRowEntries: (...args) => binding.rankRowEntries(...args),
    placeReceivedRows: (...args) => binding.placeReceivedRows(...args),
  };
}

/**
 * The kernels the environment asks for, as the main kernels choose theirs: `PA_KERNELS=js` the
 * JavaScript ones; otherwise the native ones, falling back to JavaScript when the addon is not
 * built, unless `PA_KERNELS=native` or `PA_REQUIRE_NATIVE` requires it.
 * @throws InvalidArgumentError for another `PA_KERNELS`; BackendUnavailableError when the addon
 * is required and cannot be loaded.
 * @example `selectSpgemmKernels({ PA_KERNELS: 'js' }).kind; // 'js'`
 */
export function selectSpgemmKernels(
  env: { readonly PA_KERNELS?: string; readonly PA_REQUIRE_NATIVE?: string },
  load: () => SpgemmBinding = () => loadSpgemmBinding(),
): SpgemmKernels {
  return chooseKernels(env, { native: () => nativeSpgemmKernels(load()), js: jsSpgemmKernels });
}

let selected: SpgemmKernels | undefined;

/** The kernels of this process, chosen from `process.env` on first use. */
export function spgemmKernels(): SpgemmKernels {
  selected ??= selectSpgemmKernels(process.env);
  return selected;
}
