/**
 * The one rule every family of kernels (SpMV and vector kernels, banded, ILU(0), sparse products)
 * uses to pick its native or JavaScript implementation from the environment, so they all answer
 * `PA_KERNELS` and `PA_REQUIRE_NATIVE` alike.
 *
 * @module
 */
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';

/** The environment variables {@link chooseKernels} reads. */
export interface KernelChoiceEnvironment {
  readonly PA_KERNELS?: string;
  readonly PA_REQUIRE_NATIVE?: string;
}

/** The two implementations of one family of kernels, for {@link chooseKernels}. */
export interface KernelChoices<T> {
  /** Builds the native implementation; throws BackendUnavailableError when the addon cannot be loaded. */
  readonly native: () => T;
  /** The JavaScript implementation (same bits). */
  readonly js: T;
  /**
   * The summary of the error thrown when the addon is required but did not load, given what
   * requires it (`'PA_KERNELS=native'` or `'PA_REQUIRE_NATIVE=<value>'`); without it, the loader's
   * own error is thrown.
   */
  readonly unavailable?: (requirement: string) => string;
  /** Called with the loader's reasons when the JavaScript kernels are used because the addon did not load. */
  readonly onFallback?: (reasons: readonly string[]) => void;
}

/**
 * The implementation `env` asks for: `PA_KERNELS=js` the JavaScript one without trying the addon;
 * `PA_KERNELS=native` the native one or an error; unset (or empty) the native one when it loads,
 * else the JavaScript one, except that `PA_REQUIRE_NATIVE=1` (or `true`) makes a missing addon an
 * error.
 *
 * @throws InvalidArgumentError when `PA_KERNELS` is not `'js'`, `'native'` or empty;
 * BackendUnavailableError when the addon cannot be loaded and is required (summary from
 * `choices.unavailable`, reasons and fixes the loader's); any other error of `choices.native` as is.
 * @example
 * ```ts
 * chooseKernels({ PA_KERNELS: 'js' }, { native: loadNative, js: jsKernels }); // jsKernels
 * ```
 */
export function chooseKernels<T>(env: KernelChoiceEnvironment, choices: KernelChoices<T>): T {
  const choice = env.PA_KERNELS ?? '';
  if (choice === 'js') return choices.js;
  if (choice !== '' && choice !== 'native') {
    throw new InvalidArgumentError(`PA_KERNELS must be 'js', 'native' or unset, got '${choice}'`);
  }
  try {
    return choices.native();
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    const required = env.PA_REQUIRE_NATIVE === '1' || env.PA_REQUIRE_NATIVE === 'true';
    if (choice === 'native' || required) {
      if (choices.unavailable === undefined) throw error;
      const requirement = choice === 'native' ? 'PA_KERNELS=native' : `PA_REQUIRE_NATIVE=${env.PA_REQUIRE_NATIVE}`;
      throw new BackendUnavailableError(choices.unavailable(requirement), error.reasons, error.fixes);
    }
    choices.onFallback?.(error.reasons);
    return choices.js;
  }
}
