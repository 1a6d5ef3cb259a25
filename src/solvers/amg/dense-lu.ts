/**
 * The coarsest AMG level's dense LU (partial pivoting) and the solve with its factors: the
 * JavaScript loops, the hand-written description of their native exports (`denseLuFactor` and
 * `denseLuSolve` of the sparse-product addon `native/spgemm`; loops in
 * `native/spgemm/src/dense-lu.h`, same order, same bits), its loader, and the choice between them.
 *
 * The factorisation runs once per set-up, on part 0 alone while the other parts wait for it. In
 * JavaScript most of it ran before the optimising compiler had the loop (measured: 82 ms for the
 * first 476-row factorisation in a process, 11 ms for a later one), hence the native loop.
 *
 * @module
 */
import { chooseKernels } from '../../kernels/choose-kernels.js';
import type { KernelKind } from '../../kernels/kernel-set.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../../native-addon.js';

/**
 * The addon's dense LU exports. The addon checks what it indexes (types, lengths, `last` in
 * −1..n−1, `pivot` in 0..n−1): a wrong type throws a `TypeError`, anything else a `RangeError`
 * naming the function and the argument. The JavaScript twins trust their arguments.
 */
export interface DenseLuBinding {
  /**
   * Factors the `n × n` row-major `lu` in place: L below the diagonal (unit diagonal, not
   * stored), U on and above it; `pivot[k]` receives the row swapped with row k at step k.
   * `last[i]` holds row i's last nonzero column (−1: none) and is kept up to date through the swaps
   * and the fill; an update of a row stops at the pivot row's last nonzero (the columns after it
   * hold exact zeros in the pivot row). `rows` and `multipliers` (n each) are scratch. Returns the
   * step whose pivot is at most `tiny` in magnitude (the factorisation stops there), else −1.
   */
  denseLuFactor(
    n: number, lu: Float64Array, last: Int32Array, pivot: Int32Array, rows: Int32Array, multipliers: Float64Array, tiny: number,
  ): number;
  /** x ← A⁻¹ x with `denseLuFactor`'s factors (the swaps in order, then L, then U). */
  denseLuSolve(n: number, lu: Float64Array, pivot: Int32Array, x: Float64Array): void;
}

/** The dense LU in use, and which implementation it is. */
export interface DenseLuKernels extends DenseLuBinding {
  readonly kind: KernelKind;
}

/** The JavaScript twins of the addon's loops (the reference the native ones are tested against). */
export const jsDenseLu: DenseLuKernels = {
  kind: 'js',
  denseLuFactor(n, lu, last, pivot, rows, multipliers, tiny) {
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
  },
  denseLuSolve(n, lu, pivot, x) {
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
  },
};

/** What to do when the native dense LU is unavailable. */
export const DENSE_LU_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/**
 * Loads the addon from the first of `paths` that works (`load`: Node's `require` unless a test
 * injects one).
 * @throws BackendUnavailableError listing why each path could not be used, and {@link DENSE_LU_FIXES}.
 * @example `const binding = loadDenseLuBinding();`
 */
export function loadDenseLuBinding(
  paths: readonly string[] = addonPaths('spgemm', 'pa_spgemm.node'),
  load: (path: string) => unknown = requireNative,
): DenseLuBinding {
  return loadAddon<DenseLuBinding>({
    paths,
    load,
    required: ['denseLuFactor', 'denseLuSolve'],
    what: 'sparse-product addon (AMG coarse LU)',
    summary: 'The native dense LU of the AMG coarse solver is unavailable',
    fixes: DENSE_LU_FIXES,
  });
}

/** The addon's functions as they are (they check their own arguments). */
export function nativeDenseLu(binding: DenseLuBinding): DenseLuKernels {
  return {
    kind: 'native',
    denseLuFactor: (...args) => binding.denseLuFactor(...args),
    denseLuSolve: (...args) => binding.denseLuSolve(...args),
  };
}

/**
 * The dense LU the environment asks for (`PA_KERNELS`, `PA_REQUIRE_NATIVE`), as the library's
 * other kernels choose theirs.
 * @throws InvalidArgumentError for another `PA_KERNELS`; BackendUnavailableError when the addon
 * is required and cannot be loaded.
 */
export function selectDenseLu(
  env: { readonly PA_KERNELS?: string; readonly PA_REQUIRE_NATIVE?: string },
  load: () => DenseLuBinding = () => loadDenseLuBinding(),
): DenseLuKernels {
  return chooseKernels(env, { native: () => nativeDenseLu(load()), js: jsDenseLu });
}

let selected: DenseLuKernels | undefined;

/** The dense LU of this process, chosen from `process.env` on first use. */
export function denseLu(): DenseLuKernels {
  selected ??= selectDenseLu(process.env);
  return selected;
}
