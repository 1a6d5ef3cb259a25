/**
 * The native ILU(0) kernels: the hand-written description of the `pa_ilu` addon
 * (`native/ilu`, built to `native/ilu/build/Release/pa_ilu.node`), its loader, and the choice
 * between it and the JavaScript loops, made at the first ILU(0) set-up of the process.
 *
 * @module
 */
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';
import { ilu0Checks, jsIlu0Kernels, type Ilu0KernelSet } from './ilu0-kernels.js';

/**
 * What the addon exports: the loops of {@link Ilu0KernelSet} (same arguments, same order, same
 * bits; `native/ilu/src/ilu0.h`). The addon checks types, lengths, the row pointers and column
 * ids of the factorisation and the diagonal positions of the solve, throwing `TypeError` or
 * `RangeError`; the column ids of the solve are a precondition (they come from a checked matrix).
 */
export interface Ilu0Binding {
  ilu0Factor(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, lu: Float64Array, diag: Int32Array, work: Int32Array): number;
  ilu0Solve(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, lu: Float64Array, diag: Int32Array, r: Float64Array, z: Float64Array): void;
}

/** The functions a loaded module must export to be taken for the ILU addon. */
export const ILU0_BINDING_FUNCTIONS: readonly (keyof Ilu0Binding)[] = ['ilu0Factor', 'ilu0Solve'];

/** What to do when the native ILU(0) kernels are unavailable. */
export const ILU0_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/**
 * Below this many rows + entries a block is factored and solved by the JavaScript loops (same
 * bits): a native call's fixed cost is not repaid.
 */
export const ILU0_NATIVE_MIN_WORK = 256;

/**
 * Loads the addon from the first of `paths` that works (`load`: Node's `require` unless a test
 * injects one).
 * @throws BackendUnavailableError listing why each path could not be used, and {@link ILU0_FIXES}.
 */
export function loadIlu0Binding(
  paths: readonly string[] = addonPaths('ilu', 'pa_ilu.node'),
  load: (path: string) => unknown = requireNative,
): Ilu0Binding {
  return loadAddon<Ilu0Binding>({
    paths,
    load,
    required: ILU0_BINDING_FUNCTIONS,
    what: 'ILU addon',
    summary: 'The native ILU(0) kernels are unavailable',
    fixes: ILU0_FIXES,
  });
}

/**
 * The {@link Ilu0KernelSet} running `binding`'s loops after {@link ilu0Checks} (the JavaScript
 * loops below `minWork` rows + entries; 0 sends every call to the addon).
 */
export function nativeIlu0Kernels(binding: Ilu0Binding, minWork: number = ILU0_NATIVE_MIN_WORK): Ilu0KernelSet {
  const small = (nRows: number, rowPtr: Int32Array): boolean => rowPtr instanceof Int32Array && nRows + rowPtr[nRows] < minWork;
  return {
    kind: 'native',
    factor(nRows, rowPtr, colIdx, values, lu, diag, work) {
      ilu0Checks.factor(nRows, rowPtr, colIdx, values, lu, diag, work);
      if (small(nRows, rowPtr)) return jsIlu0Kernels.factor(nRows, rowPtr, colIdx, values, lu, diag, work);
      return binding.ilu0Factor(nRows, rowPtr, colIdx, values, lu, diag, work);
    },
    solve(nRows, rowPtr, colIdx, lu, diag, r, z) {
      ilu0Checks.solve(nRows, rowPtr, colIdx, lu, diag, r, z);
      if (small(nRows, rowPtr)) return jsIlu0Kernels.solve(nRows, rowPtr, colIdx, lu, diag, r, z);
      binding.ilu0Solve(nRows, rowPtr, colIdx, lu, diag, r, z);
    },
  };
}

/** The checked JavaScript set: what the library uses when the addon is not. */
const checkedJsIlu0Kernels: Ilu0KernelSet = {
  kind: 'js',
  factor(...args) {
    ilu0Checks.factor(...args);
    return jsIlu0Kernels.factor(...args);
  },
  solve(...args) {
    ilu0Checks.solve(...args);
    jsIlu0Kernels.solve(...args);
  },
};

/** The environment variables {@link selectIlu0Kernels} reads (those of the SpMV kernels). */
export interface Ilu0KernelsEnvironment {
  readonly PA_KERNELS?: string;
  readonly PA_REQUIRE_NATIVE?: string;
}

/**
 * The ILU(0) kernels `env` asks for, with the rules of the SpMV kernels: `PA_KERNELS=js` the
 * JavaScript loops; `PA_KERNELS=native` or `PA_REQUIRE_NATIVE=1` the addon or an error; unset
 * the addon when it loads, else JavaScript (same bits).
 * @throws InvalidArgumentError for another `PA_KERNELS`; BackendUnavailableError when the addon is
 * required and cannot be loaded.
 */
export function selectIlu0Kernels(env: Ilu0KernelsEnvironment, loadNative: () => Ilu0KernelSet = () => nativeIlu0Kernels(loadIlu0Binding())): Ilu0KernelSet {
  const choice = env.PA_KERNELS ?? '';
  if (choice === 'js') return checkedJsIlu0Kernels;
  if (choice !== '' && choice !== 'native') {
    throw new InvalidArgumentError(`PA_KERNELS must be 'js', 'native' or unset, got '${choice}'`);
  }
  try {
    return loadNative();
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    const required = env.PA_REQUIRE_NATIVE === '1' || env.PA_REQUIRE_NATIVE === 'true';
    if (choice === 'native' || required) {
      const why = choice === 'native' ? 'PA_KERNELS=native' : `PA_REQUIRE_NATIVE=${env.PA_REQUIRE_NATIVE}`;
      throw new BackendUnavailableError(`The native ILU(0) kernels are unavailable and ${why} requires them`, error.reasons, error.fixes);
    }
    return checkedJsIlu0Kernels;
  }
}

let chosen: Ilu0KernelSet | undefined;

/** The process's ILU(0) kernels, chosen from `process.env` at the first call. */
export function ilu0Kernels(): Ilu0KernelSet {
  chosen ??= selectIlu0Kernels(process.env);
  return chosen;
}
