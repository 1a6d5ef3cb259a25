/**
 * The diagnosing loader of the MPI addon: tries every place a build may be, collects every
 * failure, and when nothing loads throws one {@link BackendUnavailableError} that lists each
 * reason and the fixes (install Open MPI, rebuild, launch under mpirun).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError, InvalidArgumentError, MpiError } from '../../errors.js';
import type { MpiBinding } from './binding.js';

/** The functions a loaded module must export to be taken for the MPI addon. */
const REQUIRED_FUNCTIONS: readonly (keyof MpiBinding)[] = [
  'setErrorClasses', 'init', 'finalize', 'abort', 'isInitialized', 'isFinalized', 'rank', 'size',
  'wtime', 'barrier', 'bcast', 'gather', 'allgather', 'scatter', 'gatherv', 'allgatherv',
  'scatterv', 'allreduce', 'createExchange',
];

/** What to do when the MPI backend is unavailable, in the order a user would do it. */
const MPI_FIXES: readonly string[] = [
  'install Open MPI: apt-get install -y openmpi-bin libopenmpi-dev',
  'build the addon: npm run build:native',
  'launch the program under mpirun: mpirun --oversubscribe -n <np> node driver.js',
];

/** The package's root directory: the nearest ancestor of this file holding a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where `npm run build:native` puts the addon (release first, then a debug build). */
export function mpiAddonPaths(): string[] {
  const root = packageRoot();
  return ['Release', 'Debug'].map((config) => join(root, 'native', 'mpi', 'build', config, 'pa_mpi.node'));
}

const requireNative = createRequire(import.meta.url);

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}

/**
 * Loads the MPI addon from the first of `paths` that works and makes it throw the library's
 * error classes. `load` is how a path is loaded (Node's `require` by default; tests inject one).
 *
 * @throws BackendUnavailableError listing, per path, why it could not be used (not built, failed
 * to load with the loader's message, or not the MPI addon), followed by the fixes.
 * @example
 * ```ts
 * const binding = loadMpiBinding();
 * const { rank, size } = binding.init('funneled');
 * ```
 */
export function loadMpiBinding(
  paths: readonly string[] = mpiAddonPaths(),
  load: (path: string) => unknown = requireNative,
): MpiBinding {
  const reasons: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) {
      reasons.push(`${path}: not built (no such file)`);
      continue;
    }
    let loaded: unknown;
    try {
      loaded = load(path);
    } catch (error) {
      reasons.push(`${path}: failed to load: ${firstLine(error)}`);
      continue;
    }
    const missing = REQUIRED_FUNCTIONS.filter(
      (name) => typeof (loaded as Record<string, unknown> | null)?.[name] !== 'function',
    );
    if (missing.length > 0) {
      reasons.push(`${path}: not the MPI addon (missing ${missing.join(', ')})`);
      continue;
    }
    const binding = loaded as MpiBinding;
    binding.setErrorClasses({ MpiError, InvalidArgumentError });
    return binding;
  }
  if (paths.length === 0) reasons.push('no addon path to try');
  throw new BackendUnavailableError('The MPI backend is unavailable', reasons, MPI_FIXES);
}
