/**
 * `partitioned-arrays doctor`: what this installation can use and, for what it cannot, why and
 * how to fix it. Every check goes through the library's own loaders (the same diagnosis a run
 * gets), one line per item.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BackendUnavailableError } from '../errors.js';
import { kernelsAddonPaths, loadKernelsBinding } from '../kernels/native-kernels.js';
import { loadMpiBinding, mpiAddonPaths } from '../backends/mpi/load-binding.js';
import { blasAddonPaths, loadBlasBinding } from '../dense/blas.js';
import { BUILD_ADDONS_COMMAND } from '../native-addon.js';

/** One line of the report: an item, whether it is usable, and the text after `item: `. */
export interface DoctorItem {
  readonly item: string;
  readonly ok: boolean;
  readonly text: string;
}

/** `reasons; fix: a; or b` from a loader's error (any other error: its message). */
function unavailable(error: unknown): string {
  if (error instanceof BackendUnavailableError) {
    const fixes = error.fixes;
    return `${error.reasons.join('; ')}; fix: ${fixes.join('; ')}`;
  }
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** The first of `paths` that exists (the one the loader took). */
function builtPath(paths: readonly string[]): string {
  return paths.find((path) => existsSync(path)) ?? paths[0];
}

function kernelsItem(): DoctorItem {
  if (process.env.PA_KERNELS === 'js') {
    return { item: 'kernels', ok: true, text: 'JavaScript, chosen by PA_KERNELS=js (unset it to use the native kernels)' };
  }
  try {
    loadKernelsBinding();
    return { item: 'kernels', ok: true, text: `native (${builtPath(kernelsAddonPaths())})` };
  } catch (error) {
    return { item: 'kernels', ok: false, text: `JavaScript, 3-5x slower: ${unavailable(error)}` };
  }
}

function mpiAddonItem(): DoctorItem {
  try {
    loadMpiBinding();
    return { item: 'mpi addon', ok: true, text: `built (${builtPath(mpiAddonPaths())})` };
  } catch (error) {
    return { item: 'mpi addon', ok: false, text: `unavailable, so no MPI backend: ${unavailable(error)}` };
  }
}

/**
 * The MPI implementation named by `mpirun --version`'s output: `Open MPI 4.1.2`, `MPICH 4.0`,
 * `Intel MPI ...`, else its first line.
 *
 * @example `mpiImplementation('mpirun (Open MPI) 4.1.2\n')` → `'Open MPI 4.1.2'`
 */
export function mpiImplementation(versionOutput: string): string {
  const openMpi = /Open MPI\)?\s*([0-9][^\s]*)/.exec(versionOutput);
  if (openMpi !== null) return `Open MPI ${openMpi[1]}`;
  if (/HYDRA|MPICH/.test(versionOutput)) {
    const version = /Version:\s*(\S+)/.exec(versionOutput);
    return version === null ? 'MPICH' : `MPICH ${version[1]}`;
  }
  if (/Intel\(R\) MPI/.test(versionOutput)) return `Intel MPI (${versionOutput.split('\n')[0].trim()})`;
  return versionOutput.split('\n')[0].trim();
}

function mpirunItem(): DoctorItem {
  const fix = `fix: install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev), then ${BUILD_ADDONS_COMMAND}`;
  const result = spawnSync('mpirun', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) {
    const why = (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found on PATH' : result.error.message;
    return { item: 'mpirun', ok: false, text: `${why}; ${fix}` };
  }
  const implementation = mpiImplementation(`${result.stdout}${result.stderr}`);
  const note = implementation.startsWith('MPICH')
    ? ' (supported; Open MPI is recommended: MPICH was 1000x slower here with more ranks than cores)'
    : '';
  const rootNote =
    process.getuid?.() === 0 && implementation.startsWith('Open MPI')
      ? '; as root set OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1'
      : '';
  return { item: 'mpirun', ok: true, text: `${implementation}${note}${rootNote}` };
}

function blasItem(): DoctorItem {
  if (process.env.PA_BLAS === 'js') {
    return { item: 'openblas', ok: true, text: 'JavaScript BLAS, chosen by PA_BLAS=js (unset it to use OpenBLAS)' };
  }
  try {
    loadBlasBinding();
    return { item: 'openblas', ok: true, text: `loaded (${builtPath(blasAddonPaths())})` };
  } catch (error) {
    return { item: 'openblas', ok: false, text: `JavaScript BLAS instead: ${unavailable(error)}` };
  }
}

/** Huge pages as the library decides them, for the kernels this report found. */
async function hugePagesItem(nativeKernels: boolean): Promise<DoctorItem> {
  try {
    const { selectLargeArrays } = await import('../kernels/large-arrays.js');
    const status = selectLargeArrays(process.env, nativeKernels ? 'native' : 'js').hugePages;
    if (status.enabled) return { item: 'huge pages', ok: true, text: `on (${status.pageBytes / 2 ** 20} MiB pages for large arrays)` };
    const fix = status.reason === 'PA_HUGE_PAGES=0'
      ? 'unset PA_HUGE_PAGES to use them'
      : status.reason.includes('disabled')
        ? 'as root: echo madvise > /sys/kernel/mm/transparent_hugepage/enabled'
        : status.reason.includes('JavaScript kernels')
          ? 'build the native kernels (see kernels)'
          : 'none needed: plain arrays work, a few percent slower on large problems';
    return { item: 'huge pages', ok: true, text: `off: ${status.reason}; fix: ${fix}` };
  } catch (error) {
    return { item: 'huge pages', ok: false, text: unavailable(error) };
  }
}

function coresItem(): DoctorItem {
  const cores = availableParallelism();
  return {
    item: 'cores',
    ok: true,
    text: `${cores} (os.availableParallelism()): Threads and MPI runs suit --np ${cores}; more parts than cores work, but waiting parts sleep instead of spinning (slower collectives)`,
  };
}

function nodeItem(): DoctorItem {
  const major = Number(process.versions.node.split('.')[0]);
  return major >= 20
    ? { item: 'node', ok: true, text: `${process.version}` }
    : { item: 'node', ok: false, text: `${process.version}; fix: install Node.js 20 or newer` };
}

/**
 * Checks this installation: native kernels, MPI addon, mpirun and its implementation, OpenBLAS,
 * huge pages, cores and Node, in that order. Never throws: a failed check is a line saying why.
 *
 * @example
 * ```ts
 * for (const { item, text } of await doctor()) console.log(`${item}: ${text}`);
 * ```
 */
export async function doctor(): Promise<DoctorItem[]> {
  const kernels = kernelsItem();
  return [
    kernels,
    mpiAddonItem(),
    mpirunItem(),
    blasItem(),
    await hugePagesItem(kernels.ok && kernels.text.startsWith('native')),
    coresItem(),
    nodeItem(),
  ];
}
