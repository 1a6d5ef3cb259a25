/**
 * The JavaScript {@link AssemblyKernels}: the fallback when the addon is not built and the
 * reference the native loops (`native/kernels/src/assembly.h`) must match, loop for loop.
 *
 * @module
 */
import type { AssemblyKernels } from './assembly-kernel-set.js';

/** Rows of more entries than this are sorted with `TypedArray.sort` instead of by insertion. */
const INSERTION_SORT_MAX = 32;

function validId(g: number, n: number): boolean {
  if (g !== g) return false;
  if (g >= 0 && !Number.isInteger(g)) return false;
  return !(g >= n);
}

/** The own local id of g in the box spec, or −1. */
function boxIndex(box: Float64Array, g: number): number {
  const nd = box[0];
  if (nd === 1) return g >= box[4] && g < box[7] ? g - box[4] : -1;
  let rest = g;
  let index = 0;
  let stride = 1;
  for (let d = 0; d < nd; d++) {
    const dim = box[1 + d];
    const c = rest % dim;
    rest = (rest - c) / dim;
    const lo = box[4 + d];
    const hi = box[7 + d];
    if (c < lo || c >= hi) return -1;
    index += (c - lo) * stride;
    stride *= hi - lo;
  }
  return rest === 0 ? index : -1;
}

function fail(kernel: string, what: string): never {
  throw new RangeError(`${kernel}: ${what}`);
}

/**
 * The assembly loops in JavaScript. Stateless.
 * @example `jsAssemblyKernels.assemblyCheck(1, Float64Array.of(0), Float64Array.of(0), Float64Array.of(NaN), 1, 1) // 0`
 */
export const jsAssemblyKernels: AssemblyKernels = {
  kind: 'js',

  assemblyCheck(m, I, J, V, nRows, nCols) {
    for (let k = 0; k < m; k++) {
      const i = I[k];
      const j = J[k];
      if (!validId(i, nRows) || !validId(j, nCols)) return k;
      if (!(i < 0 || j < 0) && !Number.isFinite(V[k])) return k;
    }
    return -1;
  },

  assemblyClassify(m, ids, I, J, box, out) {
    if (!(box[0] >= 1 && box[0] <= 3)) fail('assemblyClassify', 'box[0] must be 1, 2 or 3 directions');
    let off = 0;
    let last = -1;
    let lastCode = -2;
    for (let k = 0; k < m; k++) {
      if (I[k] < 0 || J[k] < 0) {
        out[k] = -1;
        continue;
      }
      const g = ids[k];
      if (g !== last) {
        const index = boxIndex(box, g);
        lastCode = index < 0 ? -2 : index;
        last = g;
      }
      out[k] = lastCode;
      if (lastCode === -2) off++;
    }
    return off;
  },

  assemblyCollect(m, ids, rowCode, colCode, out) {
    let n = 0;
    for (let k = 0; k < m; k++) {
      if (rowCode[k] >= 0 && colCode[k] === -2) {
        if (n === out.length) fail('assemblyCollect', 'out is too short for the ids');
        out[n++] = ids[k];
      }
    }
    return n;
  },

  assemblyGhostCodes(m, ids, rowCode, colCode, ghosts, nOwnCols) {
    const nGhosts = ghosts.length;
    for (let k = 0; k < m; k++) {
      if (rowCode[k] < 0 || colCode[k] !== -2) continue;
      const g = ids[k];
      let lo = 0;
      let hi = nGhosts;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ghosts[mid] < g) lo = mid + 1;
        else hi = mid;
      }
      if (lo === nGhosts || ghosts[lo] !== g) fail('assemblyGhostCodes', 'ids hold a column that is not in ghosts');
      colCode[k] = nOwnCols + lo;
    }
  },

  csrPattern(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooPtr, ogPtr) {
    const total = rowCode.length;
    rowStart.fill(0, 0, nRows + 1);
    for (let c = 0; c < total; c++) {
      const r = rowCode[c];
      if (r < 0 || colCode[c] < 0) continue;
      if (r >= nRows) fail('csrPattern', 'rowCode holds a row id >= nRows');
      rowStart[r + 1]++;
    }
    for (let r = 0; r < nRows; r++) rowStart[r + 1] += rowStart[r];
    for (let c = 0; c < total; c++) {
      const r = rowCode[c];
      if (r < 0 || colCode[c] < 0) continue;
      perm[rowStart[r]++] = c;
    }
    for (let r = nRows; r > 0; r--) rowStart[r] = rowStart[r - 1];
    rowStart[0] = 0;
    ooPtr[0] = 0;
    ogPtr[0] = 0;
    const byColumn = (a: number, b: number): number => colCode[a] - colCode[b];
    for (let r = 0; r < nRows; r++) {
      const first = rowStart[r];
      const last = rowStart[r + 1];
      if (last - first > INSERTION_SORT_MAX) {
        perm.subarray(first, last).sort(byColumn);
      } else {
        for (let p = first + 1; p < last; p++) {
          const c = perm[p];
          const key = colCode[c];
          let q = p;
          while (q > first && colCode[perm[q - 1]] > key) {
            perm[q] = perm[q - 1];
            q--;
          }
          perm[q] = c;
        }
      }
      let oo = 0;
      let og = 0;
      let previous = -1;
      for (let p = first; p < last; p++) {
        const col = colCode[perm[p]];
        if (col === previous) continue;
        previous = col;
        if (col < nOwnCols) oo++;
        else og++;
      }
      ooPtr[r + 1] = ooPtr[r] + oo;
      ogPtr[r + 1] = ogPtr[r] + og;
    }
  },

  csrFill(nRows, nOwnCols, rowCode, colCode, perm, rowStart, ooCol, ogCol, slot) {
    const total = rowCode.length;
    const nOO = ooCol.length;
    const nOG = ogCol.length;
    for (let c = 0; c < total; c++) slot[c] = rowCode[c] < 0 ? rowCode[c] : -1;
    let oo = 0;
    let og = 0;
    for (let r = 0; r < nRows; r++) {
      let previous = -1;
      let entry = -1;
      const end = rowStart[r + 1];
      for (let j = rowStart[r]; j < end; j++) {
        const c = perm[j];
        const col = colCode[c];
        if (col !== previous) {
          previous = col;
          if (col < nOwnCols) {
            if (oo >= nOO) fail('csrFill', 'perm does not match the block sizes (call csrPattern first)');
            ooCol[oo] = col;
            entry = oo++;
          } else {
            if (og >= nOG) fail('csrFill', 'perm does not match the block sizes (call csrPattern first)');
            ogCol[og] = col - nOwnCols;
            entry = nOO + og++;
          }
        }
        slot[c] = entry;
      }
    }
  },

  csrOrderedPattern(nRows, nOwnCols, rowCode, colCode, ooPtr, ogPtr) {
    const total = rowCode.length;
    ooPtr.fill(0, 0, nRows + 1);
    ogPtr.fill(0, 0, nRows + 1);
    let row = -1;
    let lastOwn = -1;
    let lastGhost = -1;
    for (let c = 0; c < total; c++) {
      const r = rowCode[c];
      const col = colCode[c];
      if (r < 0 || col < 0) continue;
      if (r >= nRows) fail('csrOrderedPattern', 'rowCode holds a row id >= nRows');
      if (r !== row) {
        if (r < row) return false;
        row = r;
        lastOwn = -1;
        lastGhost = -1;
      }
      if (col < nOwnCols) {
        if (col < lastOwn) return false;
        if (col !== lastOwn) ooPtr[r + 1]++;
        lastOwn = col;
      } else {
        if (col < lastGhost) return false;
        if (col !== lastGhost) ogPtr[r + 1]++;
        lastGhost = col;
      }
    }
    for (let r = 0; r < nRows; r++) {
      ooPtr[r + 1] += ooPtr[r];
      ogPtr[r + 1] += ogPtr[r];
    }
    return true;
  },

  csrOrderedFill(nOwnCols, rowCode, colCode, ooCol, ogCol, slot) {
    const total = rowCode.length;
    const nOO = ooCol.length;
    const nOG = ogCol.length;
    let oo = 0;
    let og = 0;
    let row = -1;
    let lastOwn = -1;
    let lastGhost = -1;
    for (let c = 0; c < total; c++) {
      const r = rowCode[c];
      const col = colCode[c];
      if (r < 0 || col < 0) {
        slot[c] = r < 0 ? r : -1;
        continue;
      }
      if (r !== row) {
        row = r;
        lastOwn = -1;
        lastGhost = -1;
      }
      if (col < nOwnCols) {
        if (col !== lastOwn) {
          if (oo >= nOO) fail('csrOrderedFill', 'rowCode does not match the block sizes (call csrOrderedPattern first)');
          ooCol[oo++] = col;
          lastOwn = col;
        }
        slot[c] = oo - 1;
      } else {
        if (col !== lastGhost) {
          if (og >= nOG) fail('csrOrderedFill', 'rowCode does not match the block sizes (call csrOrderedPattern first)');
          ogCol[og++] = col - nOwnCols;
          lastGhost = col;
        }
        slot[c] = nOO + og - 1;
      }
    }
  },

  addSlots(m, slots, from, values, oo, og) {
    const nOO = oo.length;
    const nOG = og.length;
    for (let t = 0; t < m; t++) {
      const s = slots[from + t];
      if (s < 0) continue;
      if (s < nOO) oo[s] += values[t];
      else if (s - nOO < nOG) og[s - nOO] += values[t];
      else fail('addSlots', 'slots hold an entry past both blocks');
    }
  },

  csrCompact(nRows, rowPtr, colIdx, lengths, offsets, maxLength, maxOffset) {
    for (let i = 0; i < nRows; i++) {
      const begin = rowPtr[i];
      const end = rowPtr[i + 1];
      if (end - begin > maxLength) return 2 * i;
      lengths[i] = end - begin;
      for (let k = begin; k < end; k++) {
        const offset = colIdx[k] - i;
        if (offset > maxOffset || offset < -maxOffset) return 2 * i + 1;
        offsets[k] = offset;
      }
    }
    return -1;
  },

  csrInverseDiagonal(nRows, rowPtr, colIdx, values, out) {
    for (let i = 0; i < nRows; i++) {
      let k = rowPtr[i];
      const end = rowPtr[i + 1];
      while (k < end && colIdx[k] < i) k++;
      if (k === end || colIdx[k] !== i) return i;
      const diagonal = values[k];
      if (diagonal === 0 || !Number.isFinite(diagonal)) return i;
      out[i] = 1 / diagonal;
    }
    return -1;
  },

  stencilTriplets(grid, box, I, J, V) {
    if (!(box[0] >= 1 && box[0] <= 3)) fail('stencilTriplets', 'box[0] must be 1, 2 or 3 directions');
    const write = I.length > 0;
    let k = 0;
    // The own ids in local order: a range, or the box walked with direction 0 fastest.
    const nd = box[0];
    const [lo0, lo1, lo2] = [box[4], nd > 1 ? box[5] : 0, nd > 2 ? box[6] : 0];
    const [hi0, hi1, hi2] = [box[7], nd > 1 ? box[8] : 1, nd > 2 ? box[9] : 1];
    const [d0, d1] = [nd > 1 ? box[1] : 0, nd > 1 ? box[2] : 0];
    for (let c2 = lo2; c2 < hi2; c2++) {
      for (let c1 = lo1; c1 < hi1; c1++) {
        const base = nd === 1 ? 0 : d0 * (c1 + d1 * c2);
        for (let c0 = lo0; c0 < hi0; c0++) k = stencilRow(grid, base + c0, k, write, I, J, V);
      }
    }
    return k;
  },
};

/** One row of {@link AssemblyKernels.stencilTriplets}: returns the next triplet index. */
function stencilRow(grid: Float64Array, gid: number, k: number, write: boolean, I: Float64Array, J: Float64Array, V: Float64Array): number {
  const [n0, n1, n2] = [grid[1], grid[2], grid[3]];
  const c0 = gid % n0;
  const rest = (gid - c0) / n0;
  const c1 = rest % n1;
  const c2 = (rest - c1) / n1;
  if (!write) {
    return k + 1 + (c0 > 0 ? 1 : 0) + (c0 < n0 - 1 ? 1 : 0) + (c1 > 0 ? 1 : 0) + (c1 < n1 - 1 ? 1 : 0) +
      (c2 > 0 ? 1 : 0) + (c2 < n2 - 1 ? 1 : 0);
  }
  const first = k;
  if (c2 > 0) J[k++] = gid - n0 * n1;
  if (c1 > 0) J[k++] = gid - n0;
  if (c0 > 0) J[k++] = gid - 1;
  const diag = k;
  J[k++] = gid;
  if (c0 < n0 - 1) J[k++] = gid + 1;
  if (c1 < n1 - 1) J[k++] = gid + n0;
  if (c2 < n2 - 1) J[k++] = gid + n0 * n1;
  for (let e = first; e < k; e++) {
    I[e] = gid;
    V[e] = -1;
  }
  V[diag] = 2 * grid[0];
  return k;
}
