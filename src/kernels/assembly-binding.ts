/**
 * The hand-written TypeScript description of psparse's assembly loops in the kernels addon
 * (`native/kernels/src/assembly.h`), and their loader.
 *
 * @module
 */
import { loadAddon, requireNative } from '../native-addon.js';
import type { AssemblyKernels } from './assembly-kernel-set.js';
import { KERNELS_FIXES, kernelsAddonPaths } from './native-kernels.js';

/**
 * The assembly functions the addon exports: the methods of {@link AssemblyKernels} (same
 * arguments and results), except that `addSlots` takes Float64Array values only.
 */
export type AssemblyBinding = Omit<AssemblyKernels, 'kind'>;

const ASSEMBLY_BINDING_FUNCTIONS: readonly (keyof AssemblyBinding)[] = [
  'assemblyCheck', 'assemblyClassify', 'assemblyCollect', 'assemblyGhostCodes', 'csrPattern', 'csrFill', 'csrOrderedPattern', 'csrOrderedFill', 'addSlots', 'csrCompact',
  'csrInverseDiagonal', 'stencilTriplets',
];

/**
 * Loads the assembly functions of the kernels addon.
 * @throws BackendUnavailableError `"The native assembly kernels are unavailable"` with the
 * reasons per path (an addon built before they existed lacks them) and the kernels' fixes.
 * @example `nativeAssemblyKernels(loadAssemblyBinding())`
 */
export function loadAssemblyBinding(
  paths: readonly string[] = kernelsAddonPaths(),
  load: (path: string) => unknown = requireNative,
): AssemblyBinding {
  return loadAddon<AssemblyBinding>({
    paths,
    load,
    required: ASSEMBLY_BINDING_FUNCTIONS,
    what: 'kernels addon',
    summary: 'The native assembly kernels are unavailable',
    fixes: KERNELS_FIXES,
  });
}
