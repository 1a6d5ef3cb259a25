/**
 * The local kernels of the sparse products: row-wise (Gustavson) C = A·B of CSR matrices (count,
 * then columns with values, or both in one pass; values alone again for new values), in JavaScript and through the native addon, and the choice
 * between them.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';
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

/**
 * The JavaScript kernels: the loops of `native/spgemm/src/spgemm.h` in the same order (so the
 * same bits). They trust their arguments (the library builds them); the native set checks them.
 */
export const jsSpgemmKernels: SpgemmKernels = {
  kind: 'js',
  spgemmCount(nRows, aRowPtr, aColIdx, bRowPtr, bColIdx, cRowPtr, marker) {
    marker.fill(-1);
    let total = 0;
    cRowPtr[0] = 0;
    for (let i = 0; i < nRows; i++) {
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const k = aColIdx[e];
        for (let f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
          const j = bColIdx[f];
          if (marker[j] !== i) {
            marker[j] = i;
            total++;
          }
        }
      }
      if (total > 0x7fffffff) throw new InvalidArgumentError('spgemmCount: the product has more than 2^31-1 entries');
      cRowPtr[i + 1] = total;
    }
    return total;
  },
  spgemmProduct(nRows, aRowPtr, aColIdx, bRowPtr, bColIdx, aValues, bValues, cRowPtr, cColIdx, cValues, marker, accumulator) {
    marker.fill(-1);
    accumulator.fill(0);
    for (let i = 0; i < nRows; i++) {
      const start = cRowPtr[i];
      const end = cRowPtr[i + 1];
      let next = start;
      let last = -1;
      let ascending = true;
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const k = aColIdx[e];
        const a = aValues[e];
        for (let f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
          const j = bColIdx[f];
          if (marker[j] !== i) {
            marker[j] = i;
            cColIdx[next++] = j;
            ascending = ascending && j > last;
            last = j;
          }
          accumulator[j] += a * bValues[f];
        }
      }
      if (!ascending) sortRow(cColIdx, start, end);
      for (let e = start; e < end; e++) {
        cValues[e] = accumulator[cColIdx[e]];
        accumulator[cColIdx[e]] = 0;
      }
    }
  },
  spgemmRows(nRows, aRowPtr, aColIdx, bRowPtr, bColIdx, aValues, bValues, cRowPtr, cColIdx, cValues, marker, accumulator) {
    const room = Math.min(cColIdx.length, cValues.length, 0x7fffffff);
    marker.fill(-1);
    accumulator.fill(0);
    let next = 0;
    cRowPtr[0] = 0;
    for (let i = 0; i < nRows; i++) {
      const start = next;
      let last = -1;
      let ascending = true;
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const k = aColIdx[e];
        const a = aValues[e];
        for (let f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) {
          const j = bColIdx[f];
          if (marker[j] !== i) {
            if (next === room) {
              throw new RangeError(
                room === 0x7fffffff
                  ? 'spgemmRows: the product has more than 2^31-1 entries'
                  : `spgemmRows: row ${i} does not fit in cColIdx and cValues (room for ${room} entries)`,
              );
            }
            marker[j] = i;
            cColIdx[next++] = j;
            ascending = ascending && j > last;
            last = j;
          }
          accumulator[j] += a * bValues[f];
        }
      }
      if (!ascending) sortRow(cColIdx, start, next);
      for (let e = start; e < next; e++) {
        cValues[e] = accumulator[cColIdx[e]];
        accumulator[cColIdx[e]] = 0;
      }
      cRowPtr[i + 1] = next;
    }
    return next;
  },
  spgemmValues(nRows, aRowPtr, aColIdx, bRowPtr, bColIdx, aValues, bValues, cRowPtr, cColIdx, cValues, accumulator) {
    accumulator.fill(0);
    for (let i = 0; i < nRows; i++) {
      for (let e = aRowPtr[i]; e < aRowPtr[i + 1]; e++) {
        const k = aColIdx[e];
        const a = aValues[e];
        for (let f = bRowPtr[k]; f < bRowPtr[k + 1]; f++) accumulator[bColIdx[f]] += a * bValues[f];
      }
      for (let e = cRowPtr[i]; e < cRowPtr[i + 1]; e++) {
        cValues[e] = accumulator[cColIdx[e]];
        accumulator[cColIdx[e]] = 0;
      }
    }
  },
  csrTranspose(nRows, nCols, rowPtr, colIdx, tRowPtr, tRows, tSource) {
    tRowPtr.fill(0, 0, nCols + 1);
    const nnz = rowPtr[nRows];
    for (let e = 0; e < nnz; e++) tRowPtr[colIdx[e] + 1]++;
    for (let c = 0; c < nCols; c++) tRowPtr[c + 1] += tRowPtr[c];
    for (let i = 0; i < nRows; i++) {
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const k = tRowPtr[colIdx[e]]++;
        tRows[k] = i;
        tSource[k] = e;
      }
    }
    for (let c = nCols; c > 0; c--) tRowPtr[c] = tRowPtr[c - 1];
    tRowPtr[0] = 0;
  },
  gatherValues(count, source, values, out) {
    for (let k = 0; k < count; k++) out[k] = values[source[k]];
  },
};

/** The native kernels: the addon's functions as they are (they check their own arguments). */
export function nativeSpgemmKernels(binding: SpgemmBinding): SpgemmKernels {
  return {
    kind: 'native',
    spgemmCount: (...args) => binding.spgemmCount(...args),
    spgemmProduct: (...args) => binding.spgemmProduct(...args),
    spgemmRows: (...args) => binding.spgemmRows(...args),
    spgemmValues: (...args) => binding.spgemmValues(...args),
    csrTranspose: (...args) => binding.csrTranspose(...args),
    gatherValues: (...args) => binding.gatherValues(...args),
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
