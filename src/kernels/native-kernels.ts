/**
 * The native {@link KernelSet}: the kernels addon behind the same checks as the JavaScript set,
 * and the diagnosing loader of the addon.
 *
 * @module
 */
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';
import { kernelChecks } from './kernel-checks.js';
import type { KernelSet } from './kernel-set.js';
import { KERNELS_BINDING_FUNCTIONS, type KernelsBinding } from './kernels-binding.js';
import { jsKernels } from './js-kernels.js';

/**
 * Below this much work (vector elements; rows + stored entries for an SpMV) the native set runs
 * the JavaScript twin: a native call costs a fixed 0.15 µs (3 arrays) to 0.5 µs (9 arrays),
 * measured here, which these sizes do not repay. Both give the same bits, so the switch is
 * invisible in the results.
 */
export const NATIVE_MIN_WORK = 256;

/** What to do when the native kernels are unavailable, in the order a user would do it. */
export const KERNELS_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/** Where `npm run build:native` puts the addon (release first, then a debug build). */
export function kernelsAddonPaths(): string[] {
  return addonPaths('kernels', 'pa_kernels.node');
}

/**
 * Loads the kernels addon from the first of `paths` that works. `load` is how a path is loaded
 * (Node's `require` by default; tests inject one).
 *
 * @throws BackendUnavailableError `"The native kernels are unavailable"`, listing per path why it
 * could not be used (not built, failed to load with the loader's first line, or not the kernels
 * addon), followed by {@link KERNELS_FIXES}.
 * @example
 * ```ts
 * const kernels = nativeKernelSet(loadKernelsBinding());
 * ```
 */
export function loadKernelsBinding(
  paths: readonly string[] = kernelsAddonPaths(),
  load: (path: string) => unknown = requireNative,
): KernelsBinding {
  return loadAddon<KernelsBinding>({
    paths,
    load,
    required: KERNELS_BINDING_FUNCTIONS,
    what: 'kernels addon',
    summary: 'The native kernels are unavailable',
    fixes: KERNELS_FIXES,
  });
}

/**
 * Whether an SpMV is too small for a native call. False for arguments the checks will reject, so
 * that they reach the checked native path.
 */
function smallCsr(nRows: number, rowPtr: Int32Array, minWork: number): boolean {
  return rowPtr instanceof Int32Array && nRows + rowPtr[nRows] < minWork;
}

/**
 * The {@link KernelSet} running `binding`'s loops, after the same O(1) checks as the JavaScript
 * set (so both throw the same `InvalidArgumentError`s), and the JavaScript twin for calls with
 * less work than `minWork` (same bits; 0 sends every call to the addon).
 *
 * @example
 * ```ts
 * const native = nativeKernelSet(loadKernelsBinding());
 * native.kind; // 'native'
 * ```
 */
export function nativeKernelSet(binding: KernelsBinding, minWork: number = NATIVE_MIN_WORK): KernelSet {
  return {
    kind: 'native',

    spmv(nRows, rowPtr, colIdx, values, x, y) {
      if (smallCsr(nRows, rowPtr, minWork)) return jsKernels.spmv(nRows, rowPtr, colIdx, values, x, y);
      kernelChecks.spmv(nRows, rowPtr, colIdx, values, x, y);
      binding.spmv(nRows, rowPtr, colIdx, values, x, y);
    },

    spmvAdd(nRows, rowPtr, colIdx, values, x, y) {
      if (smallCsr(nRows, rowPtr, minWork)) return jsKernels.spmvAdd(nRows, rowPtr, colIdx, values, x, y);
      kernelChecks.spmvAdd(nRows, rowPtr, colIdx, values, x, y);
      binding.spmvAdd(nRows, rowPtr, colIdx, values, x, y);
    },

    spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
      if (smallCsr(nRows, rowPtr, minWork)) return jsKernels.spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init);
      kernelChecks.spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init);
      return binding.spmvDot(nRows, rowPtr, colIdx, values, x, y, w, init);
    },

    spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init) {
      if (smallCsr(nRows, rowPtr, minWork)) return jsKernels.spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init);
      kernelChecks.spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init);
      return binding.spmvAddDot(nRows, rowPtr, colIdx, values, x, y, w, init);
    },

    // Parameters written out (no array and spread per call: this runs every CG iteration).
    spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init) {
      if (rowEnd - rowBegin + (entryEnd - entryBegin) < minWork) {
        return jsKernels.spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init);
      }
      kernelChecks.spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init);
      return binding.spmvDotCompact(rowBegin, rowEnd, entryBegin, entryEnd, lengths, offsets, values, x, y, w, init);
    },

    dot(n, x, y) {
      if (n < minWork) return jsKernels.dot(n, x, y);
      kernelChecks.dot(n, x, y);
      return binding.dot(n, x, y);
    },

    sum(n, x) {
      if (n < minWork) return jsKernels.sum(n, x);
      kernelChecks.sum(n, x);
      return binding.sum(n, x);
    },

    axpy(n, alpha, x, y) {
      if (n < minWork) return jsKernels.axpy(n, alpha, x, y);
      kernelChecks.axpy(n, alpha, x, y);
      binding.axpy(n, alpha, x, y);
    },

    axpby(n, alpha, x, beta, y) {
      if (n < minWork) return jsKernels.axpby(n, alpha, x, beta, y);
      kernelChecks.axpby(n, alpha, x, beta, y);
      binding.axpby(n, alpha, x, beta, y);
    },

    scale(n, alpha, x) {
      if (n < minWork) return jsKernels.scale(n, alpha, x);
      kernelChecks.scale(n, alpha, x);
      binding.scale(n, alpha, x);
    },

    cgUpdate(n, alpha, p, q, x, r) {
      if (n < minWork) return jsKernels.cgUpdate(n, alpha, p, q, x, r);
      kernelChecks.cgUpdate(n, alpha, p, q, x, r);
      return binding.cgUpdate(n, alpha, p, q, x, r);
    },

    cgResidualJacobi(n, alpha, q, r, dinv, out) {
      if (n < minWork) return jsKernels.cgResidualJacobi(n, alpha, q, r, dinv, out);
      kernelChecks.cgResidualJacobi(n, alpha, q, r, dinv, out);
      binding.cgResidualJacobi(n, alpha, q, r, dinv, out);
    },

    cgDirectionJacobi(n, beta, r, dinv, p) {
      if (n < minWork) return jsKernels.cgDirectionJacobi(n, beta, r, dinv, p);
      kernelChecks.cgDirectionJacobi(n, beta, r, dinv, p);
      binding.cgDirectionJacobi(n, beta, r, dinv, p);
    },

    cgStepJacobi(n, alpha, beta, r, dinv, p, x) {
      if (n < minWork) return jsKernels.cgStepJacobi(n, alpha, beta, r, dinv, p, x);
      kernelChecks.cgStepJacobi(n, alpha, beta, r, dinv, p, x);
      binding.cgStepJacobi(n, alpha, beta, r, dinv, p, x);
    },
  };
}
