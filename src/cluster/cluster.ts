/**
 * `cluster({ backend, np })`: engines that keep state between calls, driven from a REPL or a
 * script (IPython parallel's engines and direct view).
 *
 * @module
 */
import { checkOptions, describeValue } from '../argument-checks.js';
import { collectiveTimeoutMs } from '../backends/collectives.js';
import { reviveError } from '../workers/error-transport.js';
import { CollectiveTimeoutError, InvalidArgumentError, PartFailedError, PartitionedArraysError, WorkerError } from '../errors.js';
import { moduleUrl } from '../pool/module-url.js';
import type { EngineLink, LinkEvents } from './engine-link.js';
import { startMpiLink } from './mpi-link.js';
import type { EngineRequest, EngineResponse } from './protocol.js';
import { joinParts, splitForParts } from './split.js';
import { ThreadsLink } from './threads-link.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';

/**
 * Options of {@link cluster}.
 * @group Task farms and interactive clusters
 */
export interface ClusterOptions {
  /** Where the engines run: worker threads of this process, or MPI ranks started by `mpirun`. */
  backend: 'threads' | 'mpi';
  /** Number of engines (parts). Threads: 1 to 256. */
  np: number;
  /**
   * How long a part waits in a collective for parts that do not arrive before it fails, in ms.
   * Default: the environment variable `PA_COLLECTIVE_TIMEOUT_MS`, else 60000.
   */
  collectiveTimeoutMs?: number;
}

const KEYS: readonly (keyof ClusterOptions)[] = ['backend', 'np', 'collectiveTimeoutMs'];
const MAX_THREAD_ENGINES = 256;

/** The call in progress: answers per part, failures in the order they came. */
interface Call {
  readonly id: number;
  readonly values: unknown[];
  readonly answered: boolean[];
  nAnswered: number;
  readonly failures: { part: number; error: unknown }[];
  stopWatching: (() => void) | undefined;
  resolve(values: unknown[]): void;
  reject(error: unknown): void;
}

function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`${what}: name must be a non-empty string, got ${describeValue(name)}`);
  }
}

/**
 * Engines started by {@link cluster}. Calls are collective (every engine takes part) and run one
 * after the other in the order they were made; each resolves to what the engines answered, in
 * part order.
 * @group Task farms and interactive clusters
 */
export class Cluster {
  /** Where the engines run. */
  readonly backend: 'threads' | 'mpi';
  /** Number of engines (parts). */
  readonly np: number;
  private link: EngineLink | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private call: Call | undefined;
  private ended: Error | undefined;
  /** The parts' errors in the last call that failed (what recovery looks at). */
  private lastFailures: unknown[] = [];
  private readonly startLink: (events: LinkEvents) => Promise<EngineLink>;

  /**
   * @internal Use {@link cluster}.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, backend: 'threads' | 'mpi', np: number, startLink: (events: LinkEvents) => Promise<EngineLink>) {
    checkFactoryKey(key, 'Cluster', 'cluster(options)');
    this.backend = backend;
    this.np = np;
    this.startLink = startLink;
  }

  /** @internal Starts the engines; resolves once every one said it is up (its answer to request 0). */
  async startEngines(): Promise<void> {
    const ready = this.ready();
    try {
      this.link = await this.startLink(this.events());
      await ready;
    } catch (error) {
      ready.catch(() => undefined);
      throw error;
    }
  }

  /** The link's events, wired to this cluster. */
  private events(): LinkEvents {
    return {
      response: (response) => this.onResponse(response),
      died: (part, error) => this.onDied(part, error),
    };
  }

  /**
   * Runs `main(ranks, ...args)` collectively on every engine: `main` is the default export (see
   * {@link Cluster.runExport} for another export) of `driverModule`, a JavaScript module
   * (path resolved against the current directory, or URL), imported once per engine (edit it, and
   * the engines keep the version they imported: start a new cluster). `ranks` is the engine's
   * part, the same PData in every run, so distributed objects kept in {@link engineState} (or in
   * the module's own variables) from one run are used by the next. `args` are structured-cloned.
   * Resolves to the values `main` returned, in part order (plain data; a PData cannot leave).
   *
   * @throws InvalidArgumentError (as a rejection) when the module does not exist or lacks the
   * function, or the cluster is closed.
   * @throws WorkerError (threads) or PartFailedError (MPI) (as a rejection) naming the first part
   * that failed, its original error (class, message, stack) as `cause`. The cluster stays usable:
   * parts left waiting in a collective for the failed one are stopped (threads: at once, with a
   * fresh communicator for the next call, distributed objects made before belong to the old one;
   * MPI: after the collective timeout, after which the MPI engines cannot communicate any more).
   * @example
   * ```ts
   * const c = await cluster({ backend: 'threads', np: 2 });
   * await c.run('./dist/driver.js', 10); // [result of part 0, result of part 1]
   * ```
   */
  run<R = unknown>(driverModule: string | URL, ...args: unknown[]): Promise<R[]> {
    return this.runExport<R>(driverModule, 'default', ...args);
  }

  /** As {@link Cluster.run}, with the driver function the module's export `exportName`. */
  runExport<R = unknown>(driverModule: string | URL, exportName: string, ...args: unknown[]): Promise<R[]> {
    return this.start('run', () => {
      const url = moduleUrl(driverModule, 'run: driverModule');
      checkName(exportName, 'run: exportName');
      return (id) => Array.from({ length: this.np }, () => ({ type: 'run', id, moduleUrl: url, exportName, args }));
    }) as Promise<R[]>;
  }

  /**
   * Stores every value of `values` on every engine under its key (a copy each), for drivers to read
   * with {@link engineState}.
   * @throws InvalidArgumentError (as a rejection) when `values` is not a plain object or holds a
   * value that cannot be structured-cloned.
   */
  async push(values: Readonly<Record<string, unknown>>): Promise<void> {
    await this.start('push', () => {
      if (typeof values !== 'object' || values === null || Array.isArray(values)) {
        throw new InvalidArgumentError(`push: values must be an object of named values, got ${describeValue(values)}`);
      }
      return (id) => Array.from({ length: this.np }, () => ({ type: 'push', id, values }));
    });
  }

  /**
   * The value stored under `name` on every engine, in part order.
   * @throws InvalidArgumentError (as a rejection, with the part id) when an engine has no such value
   * or it is a PData.
   */
  pull<T = unknown>(name: string): Promise<T[]> {
    return this.start('pull', () => {
      checkName(name, 'pull');
      return (id) => Array.from({ length: this.np }, () => ({ type: 'pull', id, name }));
    }) as Promise<T[]>;
  }

  /**
   * Cuts `array` (an array, typed array or string) into `np` contiguous pieces in part order, the
   * last `length % np` parts one item longer (as `uniformPartition`), and stores piece p under
   * `name` on engine p.
   * @throws InvalidArgumentError (as a rejection) when `array` is not an array, typed array or string.
   */
  async scatter(name: string, array: readonly unknown[] | string | ArrayBufferView): Promise<void> {
    await this.start('scatter', () => {
      checkName(name, 'scatter');
      const pieces = splitForParts(array, this.np, 'scatter: array');
      return (id) => pieces.map((value) => ({ type: 'scatter', id, name, value }));
    });
  }

  /**
   * The values stored under `name` joined in part order: strings concatenated, typed arrays of one
   * type into one, anything else into one array (arrays spread).
   * @throws InvalidArgumentError (as a rejection, with the part id) as {@link Cluster.pull}.
   */
  async gather<T = unknown>(name: string): Promise<T> {
    const pieces = await this.pull(name);
    return joinParts(pieces) as T;
  }

  /** Ends the engines (threads terminated, MPI finalized); calls still running reject. Idempotent. */
  async close(): Promise<void> {
    if (this.ended === undefined) this.ended = new InvalidArgumentError('the cluster is closed');
    const call = this.call;
    this.call = undefined;
    if (call !== undefined) this.finish(call, new InvalidArgumentError('the cluster was closed before the call finished'));
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  /** Resolves once every engine said it is up (their answer to request 0). */
  private ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.call = {
        id: 0,
        values: new Array<unknown>(this.np).fill(undefined),
        answered: new Array<boolean>(this.np).fill(false),
        nAnswered: 0,
        failures: [],
        stopWatching: undefined,
        resolve: () => resolve(),
        reject,
      };
    });
  }

  /** Checks synchronously (rejecting on a bad argument), then queues the call behind earlier ones. */
  private start(kind: string, prepare: () => (id: number) => EngineRequest[]): Promise<unknown[]> {
    let make: (id: number) => EngineRequest[];
    try {
      if (this.ended !== undefined) throw this.ended;
      make = prepare();
    } catch (error) {
      return Promise.reject(error);
    }
    const result = this.queue.then(() => this.send(kind, make));
    this.queue = result.then(
      () => this.recover(),
      () => this.recover(),
    );
    return result;
  }

  /**
   * After a call: a fresh communicator when the call left the engines' unusable (threads), or new
   * engines when nothing else helps (MPI after a collective timeout: their stored values are lost,
   * which a warning says).
   */
  private async recover(): Promise<void> {
    const failures = this.lastFailures;
    this.lastFailures = [];
    const link = this.link;
    const what = link?.recovery(this.nextId, failures);
    if (link === undefined || what === undefined) return;
    if (what !== 'restart') {
      await this.send('reset', () => what);
      return;
    }
    this.link = undefined;
    await link.close();
    process.emitWarning(
      'the MPI engines were restarted: a collective timed out, which leaves MPI operations pending that cannot be cancelled; values stored on the engines are lost',
      { code: 'PA_ENGINES_RESTARTED' },
    );
    if (this.ended === undefined) await this.startEngines();
  }

  private send(kind: string, make: (id: number) => EngineRequest[]): Promise<unknown[]> {
    if (this.ended !== undefined || this.link === undefined) return Promise.reject(this.ended);
    const link = this.link;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const call: Call = {
        id,
        values: new Array<unknown>(this.np).fill(undefined),
        answered: new Array<boolean>(this.np).fill(false),
        nAnswered: 0,
        failures: [],
        stopWatching: undefined,
        resolve,
        reject: (error) => reject(error instanceof PartFailure ? this.reported(kind, error) : error),
      };
      this.call = call;
      try {
        make(id).forEach((request, part) => link.post(part, request));
      } catch (error) {
        this.call = undefined;
        const reason = error instanceof Error ? error.message : String(error);
        reject(new InvalidArgumentError(`${kind}: the arguments cannot be sent to the engines (${reason})`));
      }
    });
  }

  /**
   * How a part's failure is reported: a run's as a WorkerError (threads) or PartFailedError (MPI)
   * naming the part, with the original as `cause`; another call's as the engine's own error
   * when it names the part (the library's typed errors do), else wrapped the same way.
   */
  private reported(kind: string, failure: PartFailure): unknown {
    const { part, error } = failure;
    if (kind !== 'run' && error instanceof PartitionedArraysError && error.partId === part) return error;
    return this.backend === 'threads' ? new WorkerError(part, error) : new PartFailedError(part, error, { rank: part });
  }

  private onResponse(response: EngineResponse): void {
    const call = this.call;
    if (call === undefined || response.id !== call.id || call.answered[response.part]) return;
    call.answered[response.part] = true;
    call.nAnswered++;
    if (response.type === 'ok') {
      call.values[response.part] = response.value;
    } else {
      call.failures.push({ part: response.part, error: reviveError(response.error) });
      if (call.failures.length === 1 && call.nAnswered < this.np && this.link !== undefined) {
        const waiting = (): number[] => call.answered.flatMap((done, p) => (done ? [] : [p]));
        call.stopWatching = this.link.watchFailure(response.part, waiting);
      }
    }
    if (call.nAnswered < this.np) return;
    this.call = undefined;
    this.lastFailures = call.failures.map((failure) => failure.error);
    const first = firstCause(call.failures);
    this.finish(call, first === undefined ? undefined : new PartFailure(first.part, first.error));
  }

  private onDied(part: number, error: Error): void {
    if (this.ended !== undefined) return;
    const death = this.backend === 'threads' ? new WorkerError(part, error) : new PartFailedError(part, error, { rank: part });
    this.ended = death;
    const call = this.call;
    this.call = undefined;
    if (call !== undefined) this.finish(call, death);
    const link = this.link;
    this.link = undefined;
    void link?.close();
  }

  private finish(call: Call, error: unknown): void {
    call.stopWatching?.();
    if (error === undefined) call.resolve(call.values);
    else call.reject(error);
  }
}

/**
 * The failure to report: the lowest part whose error is its own, not a consequence of another
 * part's (stopped by an abort, or a collective another part never joined); else the lowest part.
 */
function firstCause(failures: readonly { part: number; error: unknown }[]): { part: number; error: unknown } | undefined {
  const byPart = [...failures].sort((a, b) => a.part - b.part);
  const consequence = (error: unknown): boolean => error instanceof WorkerError || error instanceof CollectiveTimeoutError;
  return byPart.find((failure) => !consequence(failure.error)) ?? byPart[0];
}

/** A failed part's original error, before the call's kind decides how to report it. */
class PartFailure {
  constructor(
    readonly part: number,
    readonly error: unknown,
  ) {}
}

/**
 * Starts `np` engines that keep state between calls, to drive from a REPL or a script (IPython
 * parallel's engines): {@link Cluster.run} runs a driver collectively on them, {@link Cluster.push},
 * {@link Cluster.pull}, {@link Cluster.scatter} and {@link Cluster.gather} move named values, which
 * drivers read and write through {@link engineState}. With `backend: 'threads'` each engine is a
 * worker thread holding a Threads backend part; with `backend: 'mpi'` the engines are the ranks of
 * `mpirun --oversubscribe -n np node <engine>` started here, connected back over a local socket
 * (this process is not an MPI process; as root, `OMPI_ALLOW_RUN_AS_ROOT` is set for mpirun).
 * Resolves once every engine is up. If this process ends, the engines end too; if an engine dies,
 * the call in progress and every later call reject with its error. Close with {@link Cluster.close}.
 *
 * @throws InvalidArgumentError (as a rejection) when an option is missing, unknown or invalid.
 * @throws BackendUnavailableError (as a rejection) for `'mpi'` when mpirun or the MPI addon is missing.
 * @throws WorkerError or PartFailedError (as a rejection) when an engine fails to start.
 * @example
 * ```ts
 * const c = await cluster({ backend: 'mpi', np: 2 });
 * await c.scatter('a', 'Hello World!');
 * await c.run('./dist/upper.js');     // upper-cases engineState().a on part 0
 * await c.gather('a');                // 'HELLO World!'
 * await c.close();
 * ```
 * @group Task farms and interactive clusters
 */
export async function cluster(options: ClusterOptions): Promise<Cluster> {
  const opts = checkOptions(options, KEYS, 'cluster');
  if (options === undefined) throw new InvalidArgumentError("cluster: options { backend: 'threads' | 'mpi', np } are required");
  const { backend, np } = opts;
  if (backend !== 'threads' && backend !== 'mpi') {
    throw new InvalidArgumentError(`cluster: backend must be 'threads' or 'mpi', got ${describeValue(backend)}`);
  }
  const most = backend === 'threads' ? MAX_THREAD_ENGINES : Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(np) || np < 1 || np > most) {
    const range = backend === 'threads' ? `in 1..${MAX_THREAD_ENGINES}` : '>= 1';
    throw new InvalidArgumentError(`cluster: np must be an integer ${range}, got ${describeValue(np)}`);
  }
  const timeoutMs = collectiveTimeoutMs(opts.collectiveTimeoutMs);
  const startLink = async (events: LinkEvents): Promise<EngineLink> =>
    backend === 'threads' ? new ThreadsLink(np, timeoutMs, events) : startMpiLink(np, timeoutMs, events);
  const c = new Cluster(FACTORY_KEY, backend, np, startLink);
  try {
    await c.startEngines();
  } catch (error) {
    await c.close();
    throw error;
  }
  return c;
}
