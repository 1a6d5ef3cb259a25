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
import { InvalidArgumentError } from '../errors.js';
import { Supervisor, type RunConfig } from '../backends/threads/supervisor.js';

/** Options of {@link withThreads}. */
export interface ThreadsOptions {
  /** The driver module's export to run. Default: its default export. */
  exportName?: string;
  /**
   * How long a part waits in a collective (or a channel round, or at start-up) for parts that do
   * not arrive before it fails with a `CollectiveTimeoutError`, in ms. Default: the environment
   * variable `PA_COLLECTIVE_TIMEOUT_MS`, else 60000.
   */
  collectiveTimeoutMs?: number;
  /**
   * Whether waiting parts spin for a few tens of µs before sleeping (lower latency). Default true;
   * ignored (no spinning) when `np` exceeds `os.availableParallelism()`.
   */
  spin?: boolean;
  /** Extra arguments appended to `process.argv` in every worker (the CLI's driver arguments). */
  argv?: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 60_000;

function driverUrl(driverModule: string | URL): string {
  let url: URL;
  if (driverModule instanceof URL) {
    url = driverModule;
  } else if (typeof driverModule === 'string' && driverModule.length > 0) {
    url = /^[a-z][a-z0-9+.-]+:/i.test(driverModule) ? new URL(driverModule) : pathToFileURL(resolve(driverModule));
  } else {
    throw new InvalidArgumentError(`driverModule must be a path or URL of a JavaScript module, got ${JSON.stringify(driverModule)}`);
  }
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    throw new InvalidArgumentError(`driver module not found: ${fileURLToPath(url)}`);
  }
  return url.href;
}

function collectiveTimeoutMs(option: number | undefined): number {
  const raw = process.env.PA_COLLECTIVE_TIMEOUT_MS;
  if (option === undefined && raw !== undefined && raw !== '') {
    const fromEnv = Number(raw);
    if (!(fromEnv > 0 && Number.isFinite(fromEnv))) {
      throw new InvalidArgumentError(`PA_COLLECTIVE_TIMEOUT_MS must be a positive number of milliseconds, got '${raw}'`);
    }
    return fromEnv;
  }
  const ms = option ?? DEFAULT_TIMEOUT_MS;
  if (!(ms > 0 && Number.isFinite(ms))) {
    throw new InvalidArgumentError(`collectiveTimeoutMs must be a positive number of milliseconds, got ${String(ms)}`);
  }
  return ms;
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

function resolveConfig(np: number, driverModule: string | URL, opts: ThreadsOptions): RunConfig {
  if (!Number.isInteger(np) || np < 1) {
    throw new InvalidArgumentError(`np must be an integer >= 1, got ${String(np)}`);
  }
  const exportName = opts.exportName ?? 'default';
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new InvalidArgumentError(`exportName must be a non-empty string, got ${JSON.stringify(exportName)}`);
  }
  return {
    np,
    workerScript: workerScript(),
    driverUrl: driverUrl(driverModule),
    exportName,
    collectiveTimeoutMs: collectiveTimeoutMs(opts.collectiveTimeoutMs),
    spin: (opts.spin ?? true) && np <= availableParallelism(),
    argv: opts.argv ?? [],
  };
}

/**
 * Runs a driver on `np` worker threads. Each worker imports `driverModule` (a path, resolved
 * against the current directory, or a URL of a JavaScript module: compile TypeScript drivers
 * first) and calls its default export (or `opts.exportName`) as `main(ranks)`, where `ranks`
 * holds that worker's one part id. Resolves to the values the parts' `main` returned (awaited),
 * in part order, once every worker has exited.
 *
 * `main` must return plain data (numbers, strings, arrays, plain objects, typed arrays): its
 * value is structured-cloned to this thread; a PData cannot leave its worker (return `getAny(x)`
 * or gather to part 0 first).
 *
 * Never hangs: when a part throws, calls `process.exit`, or its worker dies, every other part
 * stops, all workers are terminated and the call rejects.
 *
 * @throws InvalidArgumentError (as a rejection) when `np` is not an integer ≥ 1, the driver module
 * does not exist, lacks the export, or the export is not a function, or an option is invalid.
 * @throws WorkerError (as a rejection) naming the first part that failed, with its original error
 * (and stack) as `cause`; a collective some part never reached gives a cause of type
 * `CollectiveTimeoutError` naming the collective and the missing parts.
 * @example
 * ```ts
 * // driver.js: export default (ranks) => getAny(reduction((a, b) => a + b, ranks, { init: 0, destination: 'all' }));
 * const sums = await withThreads(4, './dist/driver.js'); // [6, 6, 6, 6]
 * ```
 */
export async function withThreads<R = unknown>(
  np: number,
  driverModule: string | URL,
  opts: ThreadsOptions = {},
): Promise<R[]> {
  const config = resolveConfig(np, driverModule, opts);
  return (await new Supervisor(config).run()) as R[];
}
