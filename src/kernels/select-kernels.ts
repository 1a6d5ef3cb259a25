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
import type { KernelKind } from './kernel-set.js';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
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
 * built addon) and throws {@link BackendUnavailableError} when it cannot.
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
): KernelSet {
  const choice = env.PA_KERNELS ?? '';
  if (choice === 'js') return jsKernels;
  if (choice !== '' && choice !== 'native') {
    throw new InvalidArgumentError(`PA_KERNELS must be 'js', 'native' or unset, got '${choice}'`);
  }
  try {
    return loadNative();
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    const required = env.PA_REQUIRE_NATIVE === '1' || env.PA_REQUIRE_NATIVE === 'true';
    if (choice === 'native') {
      throw new BackendUnavailableError(
        'The native kernels are unavailable and PA_KERNELS=native requires them', error.reasons, error.fixes,
      );
    }
    if (required) {
      throw new BackendUnavailableError(
        `The native kernels are unavailable and PA_REQUIRE_NATIVE=${env.PA_REQUIRE_NATIVE} requires them (set PA_KERNELS=js to test the JavaScript kernels)`,
        error.reasons,
        error.fixes,
      );
    }
    return jsKernels;
  }
}

/**
 * The kernels every distributed operation of this process uses, chosen from `process.env` when
 * the library is imported (see the module notes).
 *
 * @example
 * ```ts
 * kernels.axpy(n, alpha, xOwn, yOwn);
 * ```
 */
export const kernels: KernelSet = selectKernels(process.env);

/** Which implementation {@link kernels} is: `'native'` or `'js'`. */
export const kernelKind: KernelKind = kernels.kind;
