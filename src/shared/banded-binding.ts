/**
 * The hand-written TypeScript description of the `pa_banded` addon (`native/banded`, built to
 * `native/banded/build/Release/pa_banded.node`), and its loader. The library calls it through the
 * {@link BandedKernel} that `select-banded-kernel.ts` chooses.
 *
 * @module
 */
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';
import type { BandedKernel, MulBlockRows, MulClaimedChunks, SpinWait } from './banded-kernel.js';

/**
 * The functions the addon exports. `mulBlockRows` has the arguments, the loop order and the bits
 * of the JavaScript one (see `native/banded/src/banded.h`). The addon checks everything that
 * decides which memory is touched (types, lengths, and the layout's prefix sums against the
 * bandwidths over the block rows asked for) and throws a `TypeError` (wrong type) or a
 * `RangeError` (bad value) such as `"mulBlockRows: y has length 3, needs at least 4"`; it keeps
 * no reference to its arguments.
 *
 * @example
 * ```ts
 * loadBandedBinding().mulBlockRows(0, nBlockRows, l, u, lambda, mu, rowStart, colStart, blockStart, data, x, y);
 * ```
 */
export interface BandedBinding {
  readonly mulBlockRows: MulBlockRows;
  /**
   * The same product over chunks of block rows claimed through shared counters (see
   * {@link MulClaimedChunks}), with the same checks, plus `cuts` (non-decreasing, at least one
   * entry), `rangeStart` (non-decreasing from 0 to `cuts.length - 1`), `self` (below the number of
   * ranges) and `counters` (a Float64Array reaching the last range's counter); errors name
   * `mulClaimedChunks`.
   */
  readonly mulClaimedChunks: MulClaimedChunks;
  /**
   * The barrier's wait (see {@link SpinWait}); checks `word` (an Int32Array reaching `index`),
   * `target` (an int32), `bit` (1 or 2) and `spinMs` (0 to 60 000); errors name `spinWait`.
   */
  readonly spinWait: SpinWait;
}

/** The functions a loaded module must export to be taken for the banded addon. */
export const BANDED_BINDING_FUNCTIONS: readonly (keyof BandedBinding)[] = ['mulBlockRows', 'mulClaimedChunks', 'spinWait'];

/** What to do when the banded kernel addon is unavailable, in the order a user would do it. */
export const BANDED_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/** Where `npm run build:native` puts the addon (release first, then a debug build). */
export function bandedAddonPaths(): string[] {
  return addonPaths('banded', 'pa_banded.node');
}

/**
 * Loads the banded addon from the first of `paths` that works (`load` is injected by tests).
 * @throws BackendUnavailableError `"The native banded block-banded kernel is unavailable"`, with
 * one reason per path and {@link BANDED_FIXES}.
 */
export function loadBandedBinding(
  paths: readonly string[] = bandedAddonPaths(),
  load: (path: string) => unknown = requireNative,
): BandedBinding {
  return loadAddon<BandedBinding>({
    paths,
    load,
    required: BANDED_BINDING_FUNCTIONS,
    what: 'banded addon',
    summary: 'The native banded block-banded kernel is unavailable',
    fixes: BANDED_FIXES,
  });
}

/** The {@link BandedKernel} calling `binding`. */
export function nativeBandedKernel(binding: BandedBinding): BandedKernel {
  return { kind: 'native', mulBlockRows: binding.mulBlockRows, mulClaimedChunks: binding.mulClaimedChunks, spinWait: binding.spinWait };
}
