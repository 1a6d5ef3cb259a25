/**
 * The native solver kernels: the hand-written description of the `pa_ilu` addon (`native/ilu`,
 * built to `native/ilu/build/Release/pa_ilu.node`: the ILU(0) factorisation and solves, and the
 * Gram–Schmidt loops of GMRES), its loader, and the choice between it and the JavaScript loops,
 * made at the first use in the process.
 *
 * @module
 */
import { chooseKernels } from '../kernels/choose-kernels.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';
import { ilu0Checks, jsIlu0Kernels, type Ilu0KernelSet } from './ilu0-kernels.js';
import { bicgstabChecks, gramSchmidtChecks, jsBicgstab, jsGramSchmidt, type BicgstabKernels, type GramSchmidtKernels } from './krylov-kernels.js';

/**
 * What the addon exports: the loops of {@link Ilu0KernelSet} (`native/ilu/src/ilu0.h`) and of
 * {@link GramSchmidtKernels} (`gram-schmidt.h`; at most 1024 basis vectors per call), with the
 * same arguments, order and bits. The addon checks types, lengths, the row pointers and column
 * ids of the factorisation and the diagonal positions of the solve, throwing `TypeError` or
 * `RangeError`; the column ids of the solve are a precondition (they come from a checked matrix).
 */
export interface Ilu0Binding extends GramSchmidtKernels {
  ilu0Factor(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array, lu: Float64Array, diag: Int32Array, work: Int32Array): number;
  ilu0Solve(nRows: number, rowPtr: Int32Array, colIdx: Int32Array, lu: Float64Array, diag: Int32Array, r: Float64Array, z: Float64Array): void;
  /** Checks that the row counts stay within the offsets and values as it goes (RangeError). */
  ilu0SolveCompact: Ilu0KernelSet['solveCompact'];
  bicgDirection: BicgstabKernels['direction'];
  bicgHalf: BicgstabKernels['half'];
  bicgStabilizer: BicgstabKernels['stabilizer'];
  bicgFull: BicgstabKernels['full'];
}

/** The functions a loaded module must export to be taken for the ILU addon. */
export const ILU0_BINDING_FUNCTIONS: readonly (keyof Ilu0Binding)[] = [
  'ilu0Factor', 'ilu0Solve', 'ilu0SolveCompact', 'basisDots', 'basisUpdate', 'basisUpdateDots', 'bicgDirection', 'bicgHalf', 'bicgStabilizer', 'bicgFull',
];

/** The largest basis the addon's Gram–Schmidt loops take in one call (`kMaxCount`). */
const NATIVE_MAX_BASIS = 1024;

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
    solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z) {
      ilu0Checks.solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z);
      if (nRows + lOffsets.length + uOffsets.length < minWork) {
        return jsIlu0Kernels.solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z);
      }
      binding.ilu0SolveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z);
    },
  };
}

/**
 * The {@link GramSchmidtKernels} running `binding`'s loops after {@link gramSchmidtChecks} (the
 * JavaScript loops below `minWork` elements or above the addon's 1024 basis vectors).
 */
export function nativeGramSchmidt(binding: Ilu0Binding, minWork: number = ILU0_NATIVE_MIN_WORK): GramSchmidtKernels {
  const small = (n: number, count: number): boolean => n * count < minWork || count > NATIVE_MAX_BASIS;
  return {
    basisDots(n, count, basis, stride, w, out) {
      gramSchmidtChecks.basisDots(n, count, basis, stride, w, out);
      if (small(n, count)) return jsGramSchmidt.basisDots(n, count, basis, stride, w, out);
      binding.basisDots(n, count, basis, stride, w, out);
    },
    basisUpdate(n, count, basis, stride, coefficients, w) {
      gramSchmidtChecks.basisUpdate(n, count, basis, stride, coefficients, w);
      if (small(n, count)) return jsGramSchmidt.basisUpdate(n, count, basis, stride, coefficients, w);
      return binding.basisUpdate(n, count, basis, stride, coefficients, w);
    },
    basisUpdateDots(n, count, basis, stride, coefficients, w, out) {
      gramSchmidtChecks.basisUpdateDots(n, count, basis, stride, coefficients, w, out);
      if (small(n, count)) return jsGramSchmidt.basisUpdateDots(n, count, basis, stride, coefficients, w, out);
      return binding.basisUpdateDots(n, count, basis, stride, coefficients, w, out);
    },
  };
}

/**
 * The {@link BicgstabKernels} running `binding`'s loops after {@link bicgstabChecks} (the
 * JavaScript loops below `minWork` values).
 */
export function nativeBicgstab(binding: Ilu0Binding, minWork: number = ILU0_NATIVE_MIN_WORK): BicgstabKernels {
  return {
    direction(n, r, v, p, scalars) {
      bicgstabChecks.direction(n, r, v, p, scalars);
      if (n < minWork) return jsBicgstab.direction(n, r, v, p, scalars);
      binding.bicgDirection(n, r, v, p, scalars);
    },
    half(n, r, v, s, scalars, out, at) {
      bicgstabChecks.half(n, r, v, s, scalars, out, at);
      if (n < minWork) return jsBicgstab.half(n, r, v, s, scalars, out, at);
      binding.bicgHalf(n, r, v, s, scalars, out, at);
    },
    stabilizer(n, t, s, out, at) {
      bicgstabChecks.stabilizer(n, t, s, out, at);
      if (n < minWork) return jsBicgstab.stabilizer(n, t, s, out, at);
      binding.bicgStabilizer(n, t, s, out, at);
    },
    full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at) {
      bicgstabChecks.full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at);
      if (n < minWork) return jsBicgstab.full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at);
      binding.bicgFull(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at);
    },
  };
}

/** The kernels of the solvers beyond the SpMV kernels: ILU(0), GMRES's Gram–Schmidt, BiCGStab's updates. */
export interface SolverKernels {
  /** `'native'` (the `pa_ilu` addon) or `'js'`: the same bits. */
  readonly kind: 'native' | 'js';
  readonly ilu0: Ilu0KernelSet;
  readonly gramSchmidt: GramSchmidtKernels;
  readonly bicgstab: BicgstabKernels;
}

/** The checked JavaScript kernels: what the library uses when the addon is not. */
const checkedJsKernels: SolverKernels = {
  kind: 'js',
  // Parameters written out, not `...args`: these run inside solver iterations, and a rest array
  // is an allocation per call wherever V8 does not inline the wrapper.
  ilu0: {
    kind: 'js',
    factor(nRows, rowPtr, colIdx, values, lu, diag, work) {
      ilu0Checks.factor(nRows, rowPtr, colIdx, values, lu, diag, work);
      return jsIlu0Kernels.factor(nRows, rowPtr, colIdx, values, lu, diag, work);
    },
    solve(nRows, rowPtr, colIdx, lu, diag, r, z) {
      ilu0Checks.solve(nRows, rowPtr, colIdx, lu, diag, r, z);
      jsIlu0Kernels.solve(nRows, rowPtr, colIdx, lu, diag, r, z);
    },
    solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z) {
      ilu0Checks.solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z);
      jsIlu0Kernels.solveCompact(nRows, lower, upper, lOffsets, lValues, uOffsets, uValues, scale, r, z);
    },
  },
  gramSchmidt: {
    basisDots(n, count, basis, stride, w, out) {
      gramSchmidtChecks.basisDots(n, count, basis, stride, w, out);
      jsGramSchmidt.basisDots(n, count, basis, stride, w, out);
    },
    basisUpdate(n, count, basis, stride, coefficients, w) {
      gramSchmidtChecks.basisUpdate(n, count, basis, stride, coefficients, w);
      return jsGramSchmidt.basisUpdate(n, count, basis, stride, coefficients, w);
    },
    basisUpdateDots(n, count, basis, stride, coefficients, w, out) {
      gramSchmidtChecks.basisUpdateDots(n, count, basis, stride, coefficients, w, out);
      return jsGramSchmidt.basisUpdateDots(n, count, basis, stride, coefficients, w, out);
    },
  },
  bicgstab: {
    direction(n, r, v, p, scalars) {
      bicgstabChecks.direction(n, r, v, p, scalars);
      jsBicgstab.direction(n, r, v, p, scalars);
    },
    half(n, r, v, s, scalars, out, at) {
      bicgstabChecks.half(n, r, v, s, scalars, out, at);
      jsBicgstab.half(n, r, v, s, scalars, out, at);
    },
    stabilizer(n, t, s, out, at) {
      bicgstabChecks.stabilizer(n, t, s, out, at);
      jsBicgstab.stabilizer(n, t, s, out, at);
    },
    full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at) {
      bicgstabChecks.full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at);
      jsBicgstab.full(n, pHat, sHat, s, t, r, rHat, x, scalars, out, at);
    },
  },
};

/** The environment variables {@link selectSolverKernels} reads (those of the SpMV kernels). */
export interface SolverKernelsEnvironment {
  readonly PA_KERNELS?: string;
  readonly PA_REQUIRE_NATIVE?: string;
}

/** The native {@link SolverKernels} of a loaded binding. */
export function nativeSolverKernels(binding: Ilu0Binding): SolverKernels {
  return { kind: 'native', ilu0: nativeIlu0Kernels(binding), gramSchmidt: nativeGramSchmidt(binding), bicgstab: nativeBicgstab(binding) };
}

/**
 * The solver kernels `env` asks for, with the rules of the SpMV kernels: `PA_KERNELS=js` the
 * JavaScript loops; `PA_KERNELS=native` or `PA_REQUIRE_NATIVE=1` the addon or an error; unset
 * the addon when it loads, else JavaScript (same bits).
 * @throws InvalidArgumentError for another `PA_KERNELS`; BackendUnavailableError when the addon is
 * required and cannot be loaded.
 */
export function selectSolverKernels(
  env: SolverKernelsEnvironment,
  loadNative: () => SolverKernels = () => nativeSolverKernels(loadIlu0Binding()),
): SolverKernels {
  return chooseKernels(env, {
    native: loadNative,
    js: checkedJsKernels,
    unavailable: (requirement) => `The native ILU(0) kernels are unavailable and ${requirement} requires them`,
  });
}

let chosen: SolverKernels | undefined;

/** The process's solver kernels, chosen from `process.env` at the first call. */
export function solverKernels(): SolverKernels {
  chosen ??= selectSolverKernels(process.env);
  return chosen;
}
