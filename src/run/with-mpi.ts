/**
 * `withMpi(main)`: the entry point of a driver launched by `mpirun -n np node driver.js`.
 *
 * @module
 */
import { writeSync } from 'node:fs';
import { inspect } from 'node:util';
import { BackendUnavailableError, InvalidArgumentError } from '../errors.js';
import { expectFunction } from '../argument-checks.js';
import { PData } from '../pdata/pdata.js';
import type { MpiBinding } from '../backends/mpi/binding.js';
import { loadMpiBinding } from '../backends/mpi/load-binding.js';
import { MpiBackend } from '../backends/mpi/mpi-backend.js';
import { collectiveTimeoutMs } from '../backends/collectives.js';
import { pinOpenBlasToOneThread } from '../dense/openblas-threads.js';
import { BUILD_ADDONS_COMMAND } from '../native-addon.js';

/**
 * Options of {@link withMpi}.
 * @group Running a program on a backend
 */
export interface WithMpiOptions {
  /** Number of parts the program expects; checked against the launcher and MPI (default: any). */
  np?: number;
  /** The addon to use (default: {@link loadMpiBinding}); tests inject a fake. */
  binding?: MpiBinding;
  /**
   * How long a part waits in a collective (or a channel round) before it throws
   * {@link CollectiveTimeoutError} and the job is aborted, in ms. Default: the environment
   * variable `PA_COLLECTIVE_TIMEOUT_MS`, else 60000 (as {@link withThreads}).
   */
  collectiveTimeoutMs?: number;
}

/**
 * How long a rank whose `dispose` failed (it returned from `main` while other ranks wait in a
 * collective) waits before it aborts the job itself: those ranks learn it at the same moment and
 * abort with the diagnosis that matters ("part q returned from main"); this leaves them the time
 * to print it first.
 */
const DISPOSE_FAILURE_GRACE_MS = 1000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Environment variables through which launchers announce the number of ranks. */
const LAUNCHER_SIZE_VARIABLES = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE'] as const;

/** The number of ranks the launcher started, when this process was started by one. */
function launcherSize(): { size: number; variable: string } | undefined {
  for (const variable of LAUNCHER_SIZE_VARIABLES) {
    const value = process.env[variable];
    if (value !== undefined && /^\d+$/.test(value)) return { size: Number(value), variable };
  }
  return undefined;
}

/** Checks what can be checked before MPI starts: the expected np against the launcher. */
function checkLaunch(np: number | undefined): void {
  if (np === undefined) return;
  if (!Number.isInteger(np) || np < 1) {
    throw new InvalidArgumentError(`withMpi: np must be an integer >= 1, got ${String(np)}`);
  }
  const launcher = launcherSize();
  const fix = `launch the program under mpirun: mpirun --oversubscribe -n ${np} node driver.js`;
  if (launcher === undefined && np > 1) {
    throw new BackendUnavailableError(
      `The MPI backend cannot run ${np} parts in this process`,
      [`this process was not launched by mpirun (neither ${LAUNCHER_SIZE_VARIABLES.join(' nor ')} is set), so MPI would run it as a single rank`],
      [fix],
    );
  }
  if (launcher !== undefined && launcher.size !== np) {
    throw new BackendUnavailableError(
      `The MPI backend cannot run ${np} parts in this job`,
      [`the launcher started ${launcher.size} ranks (${launcher.variable}=${launcher.size}), one per part is needed`],
      [fix],
    );
  }
}

/** Writes `[rank r] <line>` for every line of the error's stack (and causes) to stderr, synchronously. */
function report(rank: number, error: unknown): void {
  const text = error instanceof Error ? inspect(error, { depth: 4 }) : `uncaught value: ${inspect(error)}`;
  writeSync(2, `${text.split('\n').map((line) => `[rank ${rank}] ${line}`).join('\n')}\n`);
}

/**
 * Runs a driver in a process started by `mpirun -n np node driver.js`: initializes MPI
 * (`MPI_THREAD_FUNNELED`: only this thread calls MPI), checks that the number of ranks MPI
 * reports is the number the launcher started (and `opts.np` when given), runs `main(ranks)` with
 * this rank's part (`ranks.localItems` is `[rank]`), then finalizes MPI exactly once and resolves
 * to what `main` returned on this rank.
 *
 * On an uncaught error or rejection anywhere (in `main` or in a stray callback), or if the process
 * exits before `main` finished (a `process.exit()` call, or a promise that never settles), the rank
 * prints `[rank r] <stack>` to stderr and calls `MPI_Abort`, so the whole job ends with a non-zero
 * status instead of hanging in a collective. The same happens when ranks disagree on a collective
 * (a typed error on every rank at once), when a wait passes the collective timeout
 * ({@link CollectiveTimeoutError} naming the missing parts), and when `main` returns on a rank while
 * others wait in a collective (on those ranks: "part q returned from main").
 *
 * @throws BackendUnavailableError (as a rejection, before any MPI call) when the addon cannot be
 * loaded, or `opts.np` disagrees with the launcher (for example `np > 1` without mpirun);
 * InvalidArgumentError (before any MPI call) when `main` is not a function, `opts.np` is not an
 * integer ≥ 1, or the collective timeout is not a positive number of milliseconds.
 * @example
 * ```ts
 * // driver.ts, run with: mpirun --oversubscribe -n 4 node dist/driver.js
 * await withMpi((ranks) => {
 *   const rows = uniformPartition(ranks, 100);
 *   console.log(norm(pfill(1, rows))); // 10 on every rank
 * });
 * ```
 * @group Running a program on a backend
 */
export async function withMpi<R>(
  main: (ranks: PData<number>) => R,
  opts: WithMpiOptions = {},
): Promise<Awaited<R>> {
  expectFunction(main, 'withMpi: main');
  pinOpenBlasToOneThread();
  checkLaunch(opts.np);
  const timeoutMs = collectiveTimeoutMs(opts.collectiveTimeoutMs);
  const binding = opts.binding ?? loadMpiBinding();
  const { rank, size } = binding.init('funneled');
  let finished = false;
  const fail = (error: unknown): never => {
    report(rank, error);
    return binding.abort(1);
  };
  const onExit = (): void => {
    if (!finished) fail(new Error('the process is exiting before the driver finished (process.exit() called, or a promise that never settles)'));
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.on('exit', onExit);
  try {
    const launcher = launcherSize();
    if (launcher !== undefined && launcher.size !== size) {
      fail(new BackendUnavailableError(
        'MPI and its launcher disagree',
        [`MPI reports ${size} ranks but the launcher started ${launcher.size} (${launcher.variable}=${launcher.size}): mpirun does not belong to the MPI library the addon was built against`],
        [`launch with the mpirun of the MPI the addon was built with (Open MPI: apt-get install -y openmpi-bin libopenmpi-dev), then ${BUILD_ADDONS_COMMAND}`],
      ));
    }
    if (opts.np !== undefined && size !== opts.np) {
      fail(new BackendUnavailableError(`The MPI backend cannot run ${opts.np} parts on ${size} ranks`, [`MPI reports ${size} ranks`], [
        `launch the program under mpirun: mpirun --oversubscribe -n ${opts.np} node driver.js`,
      ]));
    }
    const backend = new MpiBackend(binding, { collectiveTimeoutMs: timeoutMs });
    let result: Awaited<R>;
    try {
      result = await main(new PData(backend, [rank]));
    } catch (error) {
      return fail(error);
    }
    finished = true;
    try {
      backend.dispose();
    } catch (error) {
      report(rank, error);
      sleepSync(DISPOSE_FAILURE_GRACE_MS);
      return binding.abort(1);
    }
    return result;
  } finally {
    finished = true;
    process.off('uncaughtException', fail);
    process.off('unhandledRejection', fail);
    process.off('exit', onExit);
  }
}
