/**
 * The JavaScript loops of the coarse solver's dense LU with partial pivoting and of the solve with
 * its factors: the twins of `native/spgemm/src/dense-lu.h` (same order, same bits), described and
 * chosen with the other set-up kernels in setup-kernels.ts (`denseLuFactor`, `denseLuSolve`).
 *
 * The factorisation runs once per set-up, on part 0 alone while the other parts wait for it. In
 * JavaScript most of it ran before the optimising compiler had the loop (measured: 38-50 ms for
 * the 503-row coarse matrix of n = 100 on its first calls in a process, against 5.5 ms native),
 * hence the native loop by default.
 *
 * @module
 */

/** The factorisation of `SetupBinding.denseLuFactor` (setup-kernels.ts), in JavaScript. */
export function denseLuFactor(
  n: number, lu: Float64Array, last: Int32Array, pivot: Int32Array, rows: Int32Array, multipliers: Float64Array, tiny: number,
): number {
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[best * n + k])) best = i;
    pivot[k] = best;
    if (!(Math.abs(lu[best * n + k]) > tiny)) return k;
    if (best !== k) {
      for (let j = 0; j < n; j++) {
        const t = lu[k * n + j];
        lu[k * n + j] = lu[best * n + j];
        lu[best * n + j] = t;
      }
      const t = last[k];
      last[k] = last[best];
      last[best] = t;
    }
    const inv = 1 / lu[k * n + k];
    let count = 0;
    for (let i = k + 1; i < n; i++) {
      const l = lu[i * n + k] * inv;
      if (l === 0) continue;
      lu[i * n + k] = l;
      rows[count] = i;
      multipliers[count++] = l;
      last[i] = Math.max(last[i], last[k]);
    }
    const pivotRow = k * n;
    const end = last[k] + 1;
    for (let r = 0; r < count; r++) {
      const row = rows[r] * n;
      const l = multipliers[r];
      for (let j = k + 1; j < end; j++) lu[row + j] -= l * lu[pivotRow + j];
    }
  }
  return -1;
}

/** The solve of `SetupBinding.denseLuSolve` (setup-kernels.ts), in JavaScript. */
export function denseLuSolve(n: number, lu: Float64Array, pivot: Int32Array, x: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = pivot[k];
    if (p !== k) {
      const t = x[k];
      x[k] = x[p];
      x[p] = t;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let j = 0; j < i; j++) s -= lu[i * n + j] * x[j];
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j] * x[j];
    x[i] = s / lu[i * n + i];
  }
}
