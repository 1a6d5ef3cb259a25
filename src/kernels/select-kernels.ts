/**
 * Chooses the process's {@link KernelSet} once, when this module is first imported: the native
 * addon when it is built, else the JavaScript twin (same bits either way). The choice is visible
 * as {@link kernelKind} (backends report it as `backend.kernels`, and `PTimer` reports print it).
 *
 * Environment:
 * - `PA_KERNELS=js`: the JavaScript kernels, without trying the addon.
 * - `PA_KERNELS=native`: the addon; if it cannot be loaded, importing the library throws.
 * - unset (or empty): the addon if it loads, else JavaScript; but with `PA_REQUIRE_NATIVE=1` (or
 *   `true`; this repository's CI sets it) a missing addon throws, so CI never silently measures or
 *   tests the fallback. `CI=true` alone does not: a downstream project's CI may have no compiler.
 *
 * @module
 */
import { isMainThread } from 'node:worker_threads';
import type { KernelKind } from './kernel-set.js';
import { chooseKernels } from './choose-kernels.js';
import { jsKernels } from './js-kernels.js';
import type { KernelSet } from './kernel-set.js';
import { loadKernelsBinding, nativeKernelSet } from './native-kernels.js';

/** The environment variables {@link selectKernels} reads. */
export interface KernelsEnvironment {
  readonly PA_KERNELS?: string;
  readonly PA_REQUIRE_NATIVE?: string;
}

/**
 * The kernel set that `env` asks for. `loadNative` builds the native set (by default from the
 * built addon) and throws BackendUnavailableError when it cannot. `onFallback` is called
 * with the loader's reasons when the JavaScript kernels are used because the addon did not load
 * (not when they were asked for).
 *
 * @throws InvalidArgumentError when `PA_KERNELS` is not `'js'`, `'native'` or empty;
 * BackendUnavailableError when the addon cannot be loaded and `PA_KERNELS=native` or `PA_REQUIRE_NATIVE` is set:
 * its summary says which (`"The native kernels are unavailable and PA_KERNELS=native requires
 * them"`, `"... and PA_REQUIRE_NATIVE=1 requires them (set PA_KERNELS=js to test the JavaScript kernels)"`), its
 * reasons and fixes are the loader's.
 * @example
 * ```ts
 * selectKernels({ PA_KERNELS: 'js' }).kind; // 'js'
 * ```
 */
export function selectKernels(
  env: KernelsEnvironment,
  loadNative: () => KernelSet = () => nativeKernelSet(loadKernelsBinding()),
  onFallback: (reasons: readonly string[]) => void = () => {},
): KernelSet {
  return chooseKernels(env, {
    native: loadNative,
    js: jsKernels,
    unavailable: (requirement) =>
      requirement === 'PA_KERNELS=native'
        ? 'The native kernels are unavailable and PA_KERNELS=native requires them'
        : `The native kernels are unavailable and ${requirement} requires them (set PA_KERNELS=js to test the JavaScript kernels)`,
    onFallback,
  });
}

/** The environment variables {@link fallbackNotice} reads. */
export interface NoticeEnvironment {
  readonly PA_QUIET?: string;
  /** The rank Open MPI gives a process it launched. */
  readonly OMPI_COMM_WORLD_RANK?: string;
  /** The rank MPICH (and Slurm's PMI) give a process they launched. */
  readonly PMI_RANK?: string;
}

/**
 * The line a process prints on stderr when {@link selectKernels} fell back to the JavaScript
 * kernels without being asked to (`reasons` are the loader's), or `undefined` when it stays
 * silent: with `PA_QUIET=1`, in a worker thread (the main thread of a Threads run speaks for its
 * workers), and on an MPI rank other than 0 (the ranks of a job share one installation).
 * `PA_KERNELS=js` never reaches it: that choice is explicit.
 *
 * @example
 * ```ts
 * fallbackNotice({}, ['pa_kernels.node: not built (no such file)'], true);
 * // 'partitioned-arrays: native kernels unavailable (pa_kernels.node: not built (no such file)); ...'
 * ```
 */
export function fallbackNotice(env: NoticeEnvironment, reasons: readonly string[], mainThread: boolean): string | undefined {
  if (env.PA_QUIET === '1' || env.PA_QUIET === 'true' || !mainThread) return undefined;
  const rank = env.OMPI_COMM_WORLD_RANK ?? env.PMI_RANK;
  if (rank !== undefined && rank !== '0') return undefined;
  return (
    `partitioned-arrays: native kernels unavailable (${reasons.join('; ')}); using JavaScript kernels (3-5x slower). ` +
    'Run `npx partitioned-arrays doctor`. (PA_KERNELS=js or PA_QUIET=1 silences this.)\n'
  );
}

/**
 * The kernels every distributed operation of this process uses, chosen from `process.env` when
 * the library is imported (see the module notes).
 *
 * @example
 * ```ts
 * kernels.axpy(n, alpha, xOwn, yOwn);
 * ```
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export const kernels: KernelSet = selectKernels(process.env, undefined, (reasons) => {
  const notice = fallbackNotice(process.env, reasons, isMainThread);
  if (notice !== undefined) process.stderr.write(notice);
});

/**
 * Which implementation {@link kernels} is: `'native'` or `'js'`.
 * @group Kernels (the hot loops behind PVector, PSparseMatrix and CG)
 */
export const kernelKind: KernelKind = kernels.kind;
