#!/usr/bin/env node
/**
 * The `partitioned-arrays` command (alias `pa`):
 *
 * ```sh
 * partitioned-arrays run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]
 * partitioned-arrays doctor [--strict]   # what this installation can use, and the fixes
 * partitioned-arrays build               # builds the native addons of the installed package
 * partitioned-arrays --help | --version
 * ```
 *
 * `run`: the driver module's default export (or `--export NAME`) is `main(ranks)`; the arguments
 * after the driver are its own, untouched, visible as `process.argv.slice(2)` on every backend.
 * The command prints nothing but what the driver prints.
 *
 * Exit status: 0 on success (and after `--help`, `--version`); 2 for a usage error (unknown
 * command or option, missing driver argument, bad backend, a number that is not one), with the
 * message and the usage on stderr; 1 when the driver cannot run or fails (the error, with the
 * failing part and its stack, on stderr; a driver that cannot be loaded is the same one-line
 * message on every backend), when `build` fails, or for `doctor --strict` when something is missing.
 *
 * The run modules are imported only by `run`, so `doctor`, `build` and `--help` work even where
 * importing the library would fail.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, PartFailedError, PartitionedArraysError } from '../errors.js';
import { loadDriver } from '../backends/threads/driver-module.js';
import type { PData } from '../pdata/pdata.js';
import { helpText, parseCommand, usageLines, type CommandSpec, type FlagSpecs, type ParsedCommand } from './cli-args.js';
import { buildAddons, packageRootOfCli } from './build-addons.js';
import { doctor } from './doctor.js';

const PROGRAM = 'partitioned-arrays';
const BACKENDS = ['sequential', 'threads', 'mpi'] as const;
const BIND_CHOICES = ['auto', 'none', 'core'] as const;

const runCommand = {
  program: PROGRAM,
  usage: [`${PROGRAM} run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]`],
  summary:
    'Runs main(ranks), the default export of driver.js (a JavaScript module), on the backend; the arguments after the driver are its own.',
  flags: {
    backend: { kind: 'choice', choices: BACKENDS, help: 'where the parts live' },
    np: { kind: 'positive-integer', help: 'number of parts (required for sequential and threads; under mpirun, the job size)' },
    export: { kind: 'string', valueName: 'NAME', help: "the driver's export to run (its default export if not given)" },
    bind: {
      kind: 'choice',
      choices: BIND_CHOICES,
      help: "threads only: bind each worker to a core (core), never (none), or from 2 parts up to the CPUs (auto); default PA_THREADS_BIND, else auto",
    },
  },
  positionals: 'rest',
  notes: [
    'examples:',
    `  ${PROGRAM} run --backend threads --np 4 driver.js --size 100`,
    `  mpirun -n 4 npx ${PROGRAM} run --backend mpi driver.js`,
  ],
} as const satisfies CommandSpec<FlagSpecs>;

const doctorCommand = {
  program: PROGRAM,
  usage: [`${PROGRAM} doctor [--strict]`],
  summary: 'Reports what this installation can use (native kernels, MPI, OpenBLAS, huge pages, cores, Node) and how to fix what it cannot.',
  flags: { strict: { kind: 'boolean', help: 'exit 1 when something is missing' } },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const buildCommand = {
  program: PROGRAM,
  usage: [`${PROGRAM} build`],
  summary: "Builds the package's native addons (kernels, OpenBLAS binding, MPI) where it is installed, printing what it built and why not.",
  flags: {},
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const mainCommand = {
  program: PROGRAM,
  usage: [
    ...runCommand.usage,
    `${PROGRAM} doctor [--strict]`,
    `${PROGRAM} build`,
    `${PROGRAM} --help | --version`,
  ],
  summary: 'Partitioned (distributed) linear algebra: run a driver on a backend, diagnose or build the native parts. `pa` is an alias.',
  flags: { version: { kind: 'boolean', help: 'print the version and exit' } },
  positionals: 'rest',
  notes: [
    'commands:',
    '  run      run a driver module on a backend (run --help for its options)',
    '  doctor   what is available (native kernels, MPI, OpenBLAS, huge pages, cores) and the fixes',
    '  build    build the native addons of this installation',
  ],
} as const satisfies CommandSpec<FlagSpecs>;

/** A usage error: exit status 2, the message and the command's usage on stderr. */
class UsageFailure extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/** {@link parseCommand}, with its errors as a {@link UsageFailure} of `command`. */
function parse<S extends FlagSpecs>(command: CommandSpec<S>, argv: readonly string[]): ParsedCommand<S> {
  try {
    return parseCommand(command, argv);
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw new UsageFailure(error.message, usageLines(command));
    throw error;
  }
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

async function run(argv: readonly string[]): Promise<number> {
  const { flags, help, rest } = parse(runCommand, argv);
  const exportName = flags.export ?? 'default';
  if (help) {
    process.stdout.write(helpText(runCommand));
    return 0;
  }
  const usage = usageLines(runCommand);
  if (flags.backend === undefined) throw new UsageFailure('--backend is required', usage);
  if (rest.length === 0) throw new UsageFailure('the driver module is missing', usage);
  if (flags.np === undefined && flags.backend !== 'mpi') {
    throw new UsageFailure(`--np N is required with --backend ${flags.backend}`, usage);
  }
  if (flags.bind !== undefined && flags.backend !== 'threads') {
    throw new UsageFailure(`--bind is for --backend threads, not ${flags.backend} (under mpirun, use its --bind-to)`, usage);
  }
  const driver = resolve(rest[0]);
  const args = rest.slice(1);
  // Chosen here, in the main thread, so a fallback to the JavaScript kernels is told once for the
  // whole run (worker threads stay silent).
  await import('../kernels/select-kernels.js');
  switch (flags.backend) {
    case 'sequential': {
      const { withSequential } = await import('./with-sequential.js');
      const main = await importDriver(driver, exportName);
      process.argv = [process.argv[0], driver, ...args];
      await withSequential(flags.np as number, main);
      return 0;
    }
    case 'threads': {
      const { withThreads } = await import('./with-threads.js');
      await withThreads(flags.np as number, driver, { exportName, argv: args, bindTo: flags.bind });
      return 0;
    }
    default: {
      const { withMpi } = await import('./with-mpi.js');
      const main = await importDriver(driver, exportName);
      process.argv = [process.argv[0], driver, ...args];
      await withMpi(main, { np: flags.np });
      return 0;
    }
  }
}

async function runDoctor(argv: readonly string[]): Promise<number> {
  const { flags, help } = parse(doctorCommand, argv);
  if (help) {
    process.stdout.write(helpText(doctorCommand));
    return 0;
  }
  // The kernels line already says it when they are JavaScript.
  process.env.PA_QUIET = '1';
  const items = await doctor();
  process.stdout.write(items.map(({ item, text }) => `${item}: ${text}\n`).join(''));
  return flags.strict && items.some(({ ok }) => !ok) ? 1 : 0;
}

function runBuild(argv: readonly string[]): number {
  if (parse(buildCommand, argv).help) {
    process.stdout.write(helpText(buildCommand));
    return 0;
  }
  return buildAddons(packageRootOfCli());
}

async function main(argv: readonly string[]): Promise<number> {
  const { flags, help, rest } = parse(mainCommand, argv);
  if (flags.version) {
    const manifest = JSON.parse(readFileSync(join(packageRootOfCli(), 'package.json'), 'utf8')) as { version: string };
    process.stdout.write(`${manifest.version}\n`);
    return 0;
  }
  if (help || rest.length === 0) {
    if (!help) throw new UsageFailure('a command is missing (run, doctor or build)', usageLines(mainCommand));
    process.stdout.write(helpText(mainCommand));
    return 0;
  }
  const [command, ...args] = rest;
  switch (command) {
    case 'run':
      return run(args);
    case 'doctor':
      return runDoctor(args);
    case 'build':
      return runBuild(args);
    default:
      throw new UsageFailure(`unknown command '${command}' (choose one of run, doctor, build)`, usageLines(mainCommand));
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
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageFailure) {
    process.stderr.write(`${PROGRAM}: ${error.message}\n${error.usage}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`${PROGRAM}: ${describe(error)}\n`);
    process.exitCode = 1;
  }
}
