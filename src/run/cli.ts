#!/usr/bin/env node
/**
 * The `pa` command: runs a driver module on a backend.
 *
 * ```sh
 * pa run --backend sequential|threads|mpi [--np N] [--export NAME] driver.js [args...]
 * ```
 *
 * The driver module's default export (or `--export NAME`) is `main(ranks)`; `args` are visible to
 * it as `process.argv.slice(2)` on every backend. The command prints nothing but what the driver
 * prints; on failure it prints the error (with the failing part and its stack) to stderr and exits
 * with status 1. A driver that cannot run (missing, not JavaScript, without the export) is the
 * same one-line message on every backend.
 *
 * The options are read by hand rather than by `util.parseArgs`: everything after the driver is the
 * driver's own (`pa run --np 2 d.js --verbose` gives `--verbose` to the driver), and parseArgs
 * cannot stop at the first positional argument.
 *
 * @module
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withSequential } from './with-sequential.js';
import { withMpi } from './with-mpi.js';
import { withThreads } from './with-threads.js';
import { InvalidArgumentError, PartFailedError, PartitionedArraysError } from '../errors.js';
import { loadDriver } from '../backends/threads/driver-module.js';
import type { PData } from '../pdata/pdata.js';

const USAGE = 'usage: pa run --backend sequential|threads|mpi [--np N] [--export NAME] driver.js [args...]';
const FLAGS = ['--backend', '--np', '--export'];

/** A parsed `pa run` command line. */
interface RunCommand {
  readonly backend: string;
  /** `undefined` when `--np` was not given (backends launched by mpirun take it from there). */
  readonly np: number | undefined;
  readonly exportName: string;
  readonly driver: string;
  readonly args: readonly string[];
}

function parseRun(argv: readonly string[]): RunCommand {
  if (argv[0] !== 'run') throw new InvalidArgumentError(USAGE);
  const options = new Map<string, string>();
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('--'); i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!FLAGS.includes(flag)) throw new InvalidArgumentError(`unknown option ${flag}\n${USAGE}`);
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new InvalidArgumentError(`option ${flag} needs a value\n${USAGE}`);
    options.set(flag, value);
  }
  const driver = argv[i];
  const backend = options.get('--backend');
  if (driver === undefined || backend === undefined) throw new InvalidArgumentError(USAGE);
  const np = options.get('--np');
  if (np !== undefined && !/^[1-9][0-9]*$/.test(np)) {
    throw new InvalidArgumentError(`--np must be a positive integer, got '${np}'`);
  }
  return {
    backend,
    np: np === undefined ? undefined : Number(np),
    exportName: options.get('--export') ?? 'default',
    driver,
    args: argv.slice(i + 1),
  };
}

function requireNp(command: RunCommand): number {
  if (command.np === undefined) {
    throw new InvalidArgumentError(`--np N is required with --backend ${command.backend}\n${USAGE}`);
  }
  return command.np;
}

/**
 * Imports the driver in this process (sequential and MPI backends) and returns its main function,
 * with the errors a Threads worker gives for a driver that cannot run.
 */
async function importDriver(path: string, exportName: string): Promise<(ranks: PData<number>) => unknown> {
  const { main, problem } = await loadDriver(pathToFileURL(path).href, exportName);
  if (problem !== undefined) throw problem;
  return main as (ranks: PData<number>) => unknown;
}

async function run(command: RunCommand): Promise<void> {
  const driver = resolve(command.driver);
  switch (command.backend) {
    case 'sequential': {
      const np = requireNp(command);
      const main = await importDriver(driver, command.exportName);
      process.argv = [process.argv[0], driver, ...command.args];
      await withSequential(np, main);
      return;
    }
    case 'threads':
      await withThreads(requireNp(command), driver, { exportName: command.exportName, argv: command.args });
      return;
    case 'mpi': {
      const main = await importDriver(driver, command.exportName);
      process.argv = [process.argv[0], driver, ...command.args];
      await withMpi(main, { np: command.np });
      return;
    }
    default:
      throw new InvalidArgumentError(`unknown backend '${command.backend}' (expected sequential, threads or mpi)\n${USAGE}`);
  }
}

/**
 * The error as the user should see it: the message, with the failing part's own stack when a part
 * failed; a library error about the command or the driver module is its message alone.
 */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof PartFailedError && error.cause instanceof Error && error.cause.stack !== undefined) {
    return `${error.message}\n${error.cause.stack}`;
  }
  return error instanceof PartitionedArraysError ? error.message : (error.stack ?? error.message);
}

try {
  await run(parseRun(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`pa: ${describe(error)}\n`);
  process.exitCode = 1;
}
