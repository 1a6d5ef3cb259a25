/**
 * The Poisson solvers `bench/run.ts` compares: ours on the Threads, MPI (and optionally Sequential)
 * backends, PETSc and SciPy. Each is a command line that solves the same problem and prints a
 * `RESULT {json}` line with `assembly_s`, `solve_s` and `iterations`; this module says how to run
 * each one, whether it can run here, and how to read its result.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultLine, runCommand } from './anchors.js';

/** Which program a system is. */
export type SystemId = 'petsc' | 'ours-threads' | 'ours-mpi' | 'ours-sequential' | 'scipy';

/** One solver at one part count. */
export interface SolverSystem {
  readonly id: SystemId;
  /** Human name without the part count: `'PETSc'`, `'ours threads'`. */
  readonly name: string;
  /** Number of processes, threads or parts. */
  readonly np: number;
  /** The program and its arguments for grid size `n`. */
  command(n: number): { file: string; args: string[] };
}

/** What one run of a system reports. */
export interface SolveSample {
  /** Seconds of the assembly, as the program defines it (max over ranks). */
  readonly assembly_s: number;
  /**
   * Seconds of the solver set-up, max over ranks: PETSc's KSPSetUp (`ksp_setup_s`), our
   * `new CgSolver` (`setup_s`); absent for SciPy, which has none.
   */
  readonly setup_s?: number;
  /** Seconds of the (first) CG solve, max over ranks, set-up excluded. */
  readonly solve_s: number;
  readonly iterations: number;
  /** `'native'` or `'js'` for ours; absent for the anchors. */
  readonly kernels?: string;
  /** The whole job: ours `coo_s + psparse_s + setup_s + solve_s`, PETSc's `assembly_s + ksp_setup_s + solve_s`. */
  readonly job_s?: number;
  /** Ours: seconds of `psparse` alone. */
  readonly psparse_s?: number;
  /** Ours: seconds of `psparseRefill` with the same values. */
  readonly refill_s?: number;
  /** Ours: seconds of the partition and COO generation. */
  readonly coo_s?: number;
  /** Bytes of the matrix (ours; all parts). */
  readonly matrix_bytes?: number;
  /** Bytes of the COO input (ours; all parts). */
  readonly coo_bytes?: number;
  /** Peak resident memory of the assembly above the memory before it (all processes). */
  readonly assembly_peak_bytes?: number;
}

/** The optional numeric fields of a {@link SolveSample}, read when a RESULT line has them. */
const OPTIONAL_FIELDS = ['job_s', 'psparse_s', 'refill_s', 'coo_s', 'matrix_bytes', 'coo_bytes', 'assembly_peak_bytes'] as const;

/** Where the programs are. */
export interface SystemPaths {
  /** Repository root (holds `dist/bench/poisson.js`). */
  readonly root: string;
  /** The anchors directory. */
  readonly anchorsDir: string;
}

/** The Python the anchors are written for (Debian's, where petsc4py is installed). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/**
 * Wall-clock seconds of one run at n = 100 (process start to exit) on 1 and on 2 parts: the
 * medians of a run on a quiet 2-core machine of this kind (load average about 1, the benchmark's
 * own). With the n⁴ growth of a CG solve (n³ unknowns × ~n iterations) they give the time
 * estimate printed before a run; other sessions' work on the same cores can double it. PETSc's
 * include its second solve and its 100 timed SpMVs.
 */
const REFERENCE_WALL_SECONDS_N100: Record<SystemId, readonly [number, number]> = {
  petsc: [7, 4.3],
  'ours-threads': [6.4, 4.1],
  'ours-mpi': [6.8, 4.3],
  'ours-sequential': [6.4, 6.4],
  scipy: [6.2, 6.2],
};

/**
 * Seconds a run of `system` at size `n` is expected to take (process start-up included).
 *
 * @example
 * ```ts
 * systems.reduce((t, s) => t + expectedSeconds(s, 128), 0); // one round at n = 128
 * ```
 */
export function expectedSeconds(system: SolverSystem, n: number): number {
  const startup = 0.8;
  const atN100 = REFERENCE_WALL_SECONDS_N100[system.id][system.np === 1 ? 0 : 1];
  return startup + (atN100 - startup) * (n / 100) ** 4;
}

/**
 * Whether our Threads runs of `np` parts are bound to cores: from two parts on, as `mpirun` binds
 * PETSc's two ranks in the same run (Open MPI's default) and leaves a single rank free. This is
 * also `withThreads`' default (`'auto'`) on this 2-CPU machine; the benchmark says it explicitly so
 * that a `PA_THREADS_BIND` in the caller's environment, or a missing kernels addon (which `'auto'`
 * would pass over silently), cannot change what is measured.
 * @example `bindsThreadsWorkers(2); // true`
 */
export function bindsThreadsWorkers(np: number): boolean {
  return np >= 2;
}

/**
 * `bench/poisson`'s flags for {@link bindsThreadsWorkers}.
 * @example `threadsBindArgs(2); // ['--bind', 'core']`
 */
export function threadsBindArgs(np: number): string[] {
  return bindsThreadsWorkers(np) ? ['--bind', 'core'] : [];
}

/**
 * Every system of a full run, in the order of the table: per part count, PETSc first, then ours,
 * then SciPy (1 process only). Sequential only when asked for (its time is the sum of its parts').
 *
 * @example
 * ```ts
 * const [petsc1] = allSystems({ root, anchorsDir }, [1, 2], false);
 * petsc1.command(100); // { file: 'mpirun', args: ['--oversubscribe', '-n', '1', '/usr/bin/python3', ...] }
 * ```
 */
export function allSystems(paths: SystemPaths, partCounts: readonly number[], sequential: boolean): SolverSystem[] {
  const ours = join(paths.root, 'dist', 'bench', 'poisson.js');
  // Our copy of the anchor: the same program with the job and peak-memory fields added.
  const petsc = join(paths.root, 'bench', 'anchors', 'petsc_poisson.py');
  const mpirun = (np: number, program: string[]): { file: string; args: string[] } => ({
    file: 'mpirun',
    args: ['--oversubscribe', '-n', String(np), ...program],
  });
  const systems: SolverSystem[] = [];
  for (const np of partCounts) {
    systems.push({ id: 'petsc', name: 'PETSc', np, command: (n) => mpirun(np, [PYTHON, petsc, '--n', String(n)]) });
    systems.push({
      id: 'ours-threads',
      name: 'ours threads',
      np,
      command: (n) => ({
        file: process.execPath,
        args: [ours, '--backend', 'threads', '--np', String(np), '--n', String(n), ...threadsBindArgs(np)],
      }),
    });
    systems.push({
      id: 'ours-mpi',
      name: 'ours MPI',
      np,
      command: (n) => mpirun(np, [process.execPath, ours, '--backend', 'mpi', '--n', String(n)]),
    });
    if (sequential) {
      systems.push({
        id: 'ours-sequential',
        name: 'ours sequential',
        np,
        command: (n) => ({ file: process.execPath, args: [ours, '--backend', 'sequential', '--np', String(np), '--n', String(n)] }),
      });
    }
  }
  const scipy = join(paths.anchorsDir, 'scipy_poisson.py');
  systems.push({ id: 'scipy', name: 'SciPy', np: 1, command: (n) => ({ file: PYTHON, args: [scipy, '--n', String(n)] }) });
  return systems;
}

function finiteField(result: Record<string, unknown>, key: string, program: string): number {
  const value = result[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${program}: RESULT field ${key} is ${JSON.stringify(value)}, expected a finite number`);
  }
  return value;
}

/**
 * The sample in a system's output.
 *
 * @throws Error when there is no readable `RESULT` line or a field is missing or not finite.
 * @example
 * ```ts
 * parseSolveSample('RESULT {"assembly_s": 0.5, "solve_s": 2.1, "iterations": 249}', 'PETSc').solve_s; // 2.1
 * ```
 */
export function parseSolveSample(stdout: string, program: string): SolveSample {
  const result = parseResultLine(stdout, program);
  const setupField = ['setup_s', 'ksp_setup_s'].find((field) => field in result);
  const sample: SolveSample = {
    assembly_s: finiteField(result, 'assembly_s', program),
    ...(setupField === undefined ? {} : { setup_s: finiteField(result, setupField, program) }),
    solve_s: finiteField(result, 'solve_s', program),
    iterations: finiteField(result, 'iterations', program),
  };
  const optional: Partial<Record<(typeof OPTIONAL_FIELDS)[number], number>> = {};
  for (const field of OPTIONAL_FIELDS) if (field in result) optional[field] = finiteField(result, field, program);
  const full = { ...sample, ...optional };
  return typeof result.kernels === 'string' ? { ...full, kernels: result.kernels } : full;
}

/**
 * Why each system cannot run on this machine (an entry per unavailable system id): mpirun or the
 * MPI addon missing for ours on MPI, petsc4py or mpirun for PETSc, SciPy for SciPy. Runs a tiny
 * probe of each (about a second each).
 *
 * @example
 * ```ts
 * const missing = unavailableSystems({ root, anchorsDir });
 * const runnable = allSystems({ root, anchorsDir }, [1, 2], false).filter((s) => !missing.has(s.id));
 * ```
 */
export function unavailableSystems(paths: SystemPaths): Map<SystemId, string> {
  const missing = new Map<SystemId, string>();
  const probe = (file: string, args: string[]): string | undefined => runCommand(file, args, 120).failure;
  const ours = join(paths.root, 'dist', 'bench', 'poisson.js');
  if (!existsSync(ours)) {
    const reason = `${ours} not found (build first: npx tsc -p tsconfig.json)`;
    for (const id of ['ours-threads', 'ours-mpi', 'ours-sequential'] as const) missing.set(id, reason);
  }
  const mpirun = probe('mpirun', ['--version']);
  if (mpirun !== undefined) {
    const reason = `mpirun does not run (${mpirun}): apt-get install -y openmpi-bin libopenmpi-dev`;
    missing.set('ours-mpi', missing.get('ours-mpi') ?? reason);
    missing.set('petsc', reason);
  } else if (!missing.has('ours-mpi')) {
    const mpi = probe('mpirun', ['--oversubscribe', '-n', '1', process.execPath, ours, '--backend', 'mpi', '--n', '4']);
    if (mpi !== undefined) missing.set('ours-mpi', `the MPI backend does not run (${mpi}): npm run build:native`);
  }
  if (!missing.has('petsc')) {
    const petsc = probe(PYTHON, ['-c', 'import petsc4py, mpi4py']);
    if (petsc !== undefined) missing.set('petsc', `petsc4py does not import (${petsc}): apt-get install -y python3-petsc4py python3-mpi4py`);
    else if (!existsSync(join(paths.root, 'bench', 'anchors', 'petsc_poisson.py'))) missing.set('petsc', `bench/anchors/petsc_poisson.py not in ${paths.root}`);
  }
  const scipy = probe(PYTHON, ['-c', 'import scipy']);
  if (scipy !== undefined) missing.set('scipy', `scipy does not import (${scipy}): apt-get install -y python3-scipy`);
  else if (!existsSync(join(paths.anchorsDir, 'scipy_poisson.py'))) missing.set('scipy', `scipy_poisson.py not in ${paths.anchorsDir} (pass --anchors <dir>)`);
  return missing;
}
