/**
 * The diagnosing loader of the MPI addon: tries every place a build may be, collects every
 * failure, and when nothing loads throws one {@link BackendUnavailableError} that lists each
 * reason and the fixes (install Open MPI, rebuild, launch under mpirun).
 *
 * @module
 */
import { InvalidArgumentError, MpiError } from '../../errors.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../../native-addon.js';
import type { MpiBinding } from './binding.js';
import { timeoutError } from './timeout.js';

/** The functions a loaded module must export to be taken for the MPI addon. */
const REQUIRED_FUNCTIONS: readonly (keyof MpiBinding)[] = [
  'setErrorClasses', 'init', 'finalize', 'abort', 'isInitialized', 'isFinalized', 'rank', 'size',
  'wtime', 'setCollectiveTimeout', 'barrier', 'bcast', 'gather', 'allgather', 'scatter', 'gatherv',
  'allgatherv', 'scatterv', 'allreduce', 'meet', 'alltoall', 'alltoallv', 'createExchange',
];

/** What to do when the MPI backend is unavailable, in the order a user would do it. */
const MPI_FIXES: readonly string[] = [
  'install Open MPI: apt-get install -y openmpi-bin libopenmpi-dev',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'launch the program under mpirun: mpirun --oversubscribe -n <np> node driver.js',
];

/** Where `npm run build:native` puts the addon (release first, then a debug build). */
export function mpiAddonPaths(): string[] {
  return addonPaths('mpi', 'pa_mpi.node');
}

/**
 * Loads the MPI addon from the first of `paths` that works and makes it throw the library's
 * error classes (and turn a timed-out wait into a {@link CollectiveTimeoutError}). `load` is how a path is loaded (Node's `require` by default; tests inject one).
 *
 * @throws BackendUnavailableError listing, per path, why it could not be used (not built, failed
 * to load with the loader's message, or not the MPI addon), followed by the fixes.
 * @example
 * ```ts
 * const binding = loadMpiBinding();
 * const { rank, size } = binding.init('funneled');
 * ```
 * @group Running a program on a backend
 */
export function loadMpiBinding(
  paths: readonly string[] = mpiAddonPaths(),
  load: (path: string) => unknown = requireNative,
): MpiBinding {
  const binding = loadAddon<MpiBinding>({
    paths,
    load,
    required: REQUIRED_FUNCTIONS,
    what: 'MPI addon',
    summary: 'The MPI backend is unavailable',
    fixes: MPI_FIXES,
  });
  binding.setErrorClasses({ MpiError, InvalidArgumentError, timeoutError });
  return binding;
}
