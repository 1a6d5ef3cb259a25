/**
 * `withThreads`: runs a driver module on `np` worker threads, one part each, with shared memory
 * between them (the Threads backend).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { checkOptions, describeValue, isStringArray } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import { bindingCpus, type BindTo } from '../backends/threads/cpu-binding.js';
import { collectiveTimeoutMs } from '../backends/collectives.js';
import { driverNotFound } from '../backends/threads/driver-module.js';
import { workerExecArgv } from '../backends/threads/exec-argv.js';
import { Supervisor, type RunConfig } from '../backends/threads/supervisor.js';

/**
 * Most parts a Threads run takes. Each part is a worker thread with its own V8 heap: on the
 * project's 2-core machines a worker costs about 11 MB and 0.1 s to start, so 256 parts already
 * take about 3 GB and half a minute before `main` runs; and the parts are linked pairwise by
 * np(np-1)/2 message channels (about 5 KB and 80 µs each: 33 thousand channels, 185 MB and 2.7 s
 * at 256 parts, 4 times as much at 512). More parts than that is a mistake, or a job for
 * `withMpi`.
 * @group Running a program on a backend
 */
export const MAX_THREADS_PARTS = 256;

/**
 * Options of {@link withThreads}.
 * @group Running a program on a backend
 */
export interface ThreadsOptions {
  /** The driver module's export to run. Default: its default export. */
  exportName?: string;
  /**
   * How long a part waits in a collective (or a channel round) for parts that do not arrive before
   * it fails with a `CollectiveTimeoutError`, in ms; the workers get at least 10 s, and at least
   * this long, to start (import the library and the driver). Default: the environment variable
   * `PA_COLLECTIVE_TIMEOUT_MS`, else 60000.
   */
  collectiveTimeoutMs?: number;
  /**
   * Whether waiting parts spin for a few tens of µs before sleeping (lower latency). Default true;
   * ignored (no spinning) when `np` exceeds `os.availableParallelism()`.
   */
  spin?: boolean;
  /** Extra arguments appended to `process.argv` in every worker (the CLI's driver arguments). */
  argv?: readonly string[];
  /**
   * Heap and stack limits of every worker, given as they are to each `Worker` (Node's option of
   * the same name: `maxOldGenerationSizeMb`, `maxYoungGenerationSizeMb`, `codeRangeSizeMb`,
   * `stackSizeMb`). A part that exceeds them fails the run with a WorkerError. Default: Node's.
   */
  resourceLimits?: ResourceLimits;
  /**
   * Where the workers run. `'core'`: each worker binds its own thread to one CPU (part p to the
   * p-th CPU this process may use, in turn when parts outnumber them), as `mpirun --bind-to core`
   * binds ranks; V8's helper threads stay unbound. Parts then never share a core, which a job
   * whose parts wait on each other often gains from (measured up to 5× per CG iteration at n = 30
   * on 2 parts); but a bound worker cannot leave a core that another program keeps busy.
   * `'none'`: the operating system places the workers. `'auto'`: `'core'` when 2 ≤ np ≤ the
   * CPUs this process may use and the kernels addon is built (Linux), else `'none'`, as Open MPI
   * binds 2 ranks by default. Default: the environment variable `PA_THREADS_BIND` (`auto`, `none`
   * or `core`), else `'auto'`. `'core'` throws off Linux or without the kernels addon.
   */
  bindTo?: BindTo;
}

const OPTION_KEYS: readonly (keyof ThreadsOptions)[] = ['exportName', 'collectiveTimeoutMs', 'spin', 'argv', 'resourceLimits', 'bindTo'];
const RESOURCE_LIMIT_KEYS: readonly (keyof ResourceLimits)[] = [
  'maxOldGenerationSizeMb',
  'maxYoungGenerationSizeMb',
  'codeRangeSizeMb',
  'stackSizeMb',
];

function driverUrl(driverModule: unknown): string {
  let url: URL;
  if (driverModule instanceof URL) {
    url = driverModule;
  } else if (typeof driverModule === 'string' && driverModule.length > 0) {
    url = /^[a-z][a-z0-9+.-]+:/i.test(driverModule) ? new URL(driverModule) : pathToFileURL(resolve(driverModule));
  } else {
    throw new InvalidArgumentError(`driverModule must be a path or URL of a JavaScript module, got ${describeValue(driverModule)}`);
  }
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) throw driverNotFound(fileURLToPath(url));
  return url.href;
}

function checkPartCount(np: unknown): asserts np is number {
  if (!Number.isInteger(np) || (np as number) < 1) {
    throw new InvalidArgumentError(`np must be an integer >= 1, got ${describeValue(np)}`);
  }
  if ((np as number) > MAX_THREADS_PARTS) {
    throw new InvalidArgumentError(
      `np must be at most ${MAX_THREADS_PARTS} on the Threads backend, got ${String(np)}: every part is a worker thread with ` +
        `its own V8 heap (about 11 MB and 0.1 s to start), and the parts are linked pairwise by np(np-1)/2 message channels; ` +
        'for more parts use withMpi',
    );
  }
}

function resourceLimits(option: unknown): ResourceLimits | undefined {
  if (option === undefined) return undefined;
  const limits = checkOptions(option as ResourceLimits, RESOURCE_LIMIT_KEYS, 'withThreads: resourceLimits');
  for (const [key, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new InvalidArgumentError(`withThreads: resourceLimits.${key} must be a positive number of MB, got ${describeValue(value)}`);
    }
  }
  return { ...limits };
}

/**
 * The compiled worker bootstrap. From the TypeScript source (vitest, tsx) it is the twin in
 * `dist/`, because worker threads run plain JavaScript that no loader transformed.
 */
function workerScript(): URL {
  const here = import.meta.url;
  const script = here.endsWith('.ts')
    ? new URL('../../dist/src/run/threads-worker.js', here)
    : new URL('./threads-worker.js', here);
  if (!existsSync(fileURLToPath(script))) {
    throw new InvalidArgumentError(`the compiled worker script ${fileURLToPath(script)} is missing: build first (npm run build)`);
  }
  return script;
}

const BIND_VALUES: readonly BindTo[] = ['auto', 'none', 'core'];

/** The placement asked for: the option, else `PA_THREADS_BIND`, else `'auto'`. */
function bindTo(option: unknown): BindTo {
  if (option !== undefined) {
    if (!BIND_VALUES.includes(option as BindTo)) {
      throw new InvalidArgumentError(`withThreads: bindTo must be 'auto', 'none' or 'core', got ${describeValue(option)}`);
    }
    return option as BindTo;
  }
  const fromEnv = process.env.PA_THREADS_BIND ?? '';
  if (fromEnv === '') return 'auto';
  if (!BIND_VALUES.includes(fromEnv as BindTo)) {
    throw new InvalidArgumentError(`PA_THREADS_BIND must be 'auto', 'none', 'core' or unset, got ${describeValue(fromEnv)}`);
  }
  return fromEnv as BindTo;
}

/** Every check of withThreads' arguments, before anything is allocated or started. */
function resolveConfig(np: unknown, driverModule: unknown, options: ThreadsOptions | undefined): RunConfig {
  const opts = checkOptions(options, OPTION_KEYS, 'withThreads');
  checkPartCount(np);
  const exportName = opts.exportName ?? 'default';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new InvalidArgumentError(`exportName must be a non-empty string, got ${describeValue(exportName)}`);
  }
  const spin = opts.spin ?? true;
  if (typeof spin !== 'boolean') throw new InvalidArgumentError(`spin must be a boolean, got ${describeValue(spin)}`);
  const argv = opts.argv ?? [];
  if (!isStringArray(argv)) {
    throw new InvalidArgumentError(`argv must be an array of strings, got ${describeValue(argv)}`);
  }
  return {
    np,
    workerScript: workerScript(),
    driverUrl: driverUrl(driverModule),
    exportName,
    collectiveTimeoutMs: collectiveTimeoutMs(opts.collectiveTimeoutMs),
    spin: spin && np <= availableParallelism(),
    argv,
    execArgv: workerExecArgv(process.execArgv),
    resourceLimits: resourceLimits(opts.resourceLimits),
    cpus: bindingCpus(bindTo(opts.bindTo), np),
  };
}

/**
 * Runs a driver on `np` worker threads. Each worker imports `driverModule` (a path, resolved
 * against the current directory, or a URL of a JavaScript module: compile TypeScript drivers
 * first, or start node with a loader for them) and calls its default export (or
 * `opts.exportName`) as `main(ranks)`, where `ranks` holds that worker's one part id. Resolves to
 * the values the parts' `main` returned (awaited), in part order, once every worker has exited.
 *
 * `main` must return plain data (numbers, strings, arrays, plain objects, typed arrays): its
 * value is structured-cloned to this thread; a PData cannot leave its worker (return `getAny(x)`
 * or gather to part 0 first).
 *
 * The workers run with the Node.js options of this process (`process.execArgv`: `--import`
 * loaders, `--conditions`, `--expose-gc`, `--max-old-space-size`, ...) except those about how this
 * process's own program was given (`-e`/`--eval`, `-p`/`--print`, `--input-type`, `-i`, `-c`), so
 * a run also starts from `node --input-type=module -e '...'`. Options other than those of
 * {@link ThreadsOptions} are refused (`resourceLimits` is honoured: each worker gets it).
 *
 * Never hangs: when a part throws, calls `process.exit`, or its worker dies, every other part
 * stops, all workers are terminated and the call rejects. A part that never reaches a collective
 * (an endless loop) makes the others fail after the collective timeout, and its worker is
 * terminated; a worker blocked in native code (a synchronous child process, a blocking read)
 * cannot be, so the run settles 1 s after terminating it and warns (`PA_WORKER_NOT_STOPPED`).
 *
 * @param np number of parts, 1 to {@link MAX_THREADS_PARTS}.
 * @throws InvalidArgumentError (as a rejection, before any worker starts) when `np` is not an
 * integer in 1..{@link MAX_THREADS_PARTS}, `driverModule` is not a path or URL or the module does
 * not exist, the options are not an object, hold an unknown key or an invalid value, or
 * `PA_THREADS_BIND` is not `auto`, `none`, `core` or empty; (once the workers imported it) when the module
 * is not JavaScript Node.js can load (a `.ts` file without a loader), lacks the export, or the
 * export is not a function.
 * @throws BackendUnavailableError (as a rejection, before any worker starts) with `bindTo: 'core'`
 * (or `PA_THREADS_BIND=core`) when the kernels addon's placement functions cannot be loaded, or
 * the system is not Linux.
 * @throws WorkerError (as a rejection) naming the first part that failed, with its original error
 * (and stack) as `cause`; a collective some part never reached gives a cause of type
 * `CollectiveTimeoutError` naming the collective and the missing parts.
 * @example
 * ```ts
 * // driver.js: export default (ranks) => getAny(reduction((a, b) => a + b, ranks, { init: 0, destination: 'all' }));
 * const sums = await withThreads(4, './dist/driver.js'); // [6, 6, 6, 6]
 * ```
 * @group Running a program on a backend
 */
export async function withThreads<R = unknown>(
  np: number,
  driverModule: string | URL,
  opts?: ThreadsOptions,
): Promise<R[]> {
  const config = resolveConfig(np, driverModule, opts);
  return (await new Supervisor(config).run()) as R[];
}
