/**
 * Chooses the process's banded block-banded kernel at its first use, from the same environment as
 * the other kernels: `PA_KERNELS=js` the JavaScript loop; `PA_KERNELS=native` the addon or an
 * error; unset, the addon when it loads, else the JavaScript loop (same bits either way), except
 * that `PA_REQUIRE_NATIVE=1` (or `true`; this repository's CI sets it) makes a missing addon an
 * error.
 *
 * @module
 */
import { chooseKernels } from '../kernels/choose-kernels.js';
import { jsBandedKernel, type BandedKernel } from './banded-kernel.js';
import { loadBandedBinding, nativeBandedKernel } from './banded-binding.js';

/** The environment variables {@link selectBandedKernel} reads. */
export interface BandedKernelEnvironment {
  readonly PA_KERNELS?: string;
  readonly PA_REQUIRE_NATIVE?: string;
}

/**
 * The kernel `env` asks for; `loadNative` builds the native one and throws
 * BackendUnavailableError when it cannot.
 * @throws InvalidArgumentError when `PA_KERNELS` is not `'js'`, `'native'` or empty;
 * BackendUnavailableError when the addon cannot be loaded and `PA_KERNELS=native` or
 * `PA_REQUIRE_NATIVE` asks for it.
 * @example `selectBandedKernel({ PA_KERNELS: 'js' }).kind // 'js'`
 */
export function selectBandedKernel(
  env: BandedKernelEnvironment,
  loadNative: () => BandedKernel = () => nativeBandedKernel(loadBandedBinding()),
): BandedKernel {
  return chooseKernels(env, {
    native: loadNative,
    js: jsBandedKernel,
    unavailable: (requirement) => `The native banded block-banded kernel is unavailable and ${requirement} requires it`,
  });
}

let chosen: BandedKernel | undefined;

/** The process's kernel, chosen from `process.env` at the first call. */
export function bandedKernel(): BandedKernel {
  chosen ??= selectBandedKernel(process.env);
  return chosen;
}
