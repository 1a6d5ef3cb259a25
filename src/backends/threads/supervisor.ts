/**
 * The main-thread side of a Threads run: starts one worker per part, releases them together once
 * all are READY, collects results, and on the first failure aborts the run (shared abort word),
 * terminates what does not stop by itself and rejects with the first failing part's error. It
 * settles only after every worker exited, leaving no worker, port or timer behind (except a worker
 * that `terminate()` cannot stop because it is blocked in native code: the run settles 1 s after
 * terminating it, with a warning).
 *
 * @module
 */
import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { CollectiveTimeoutError, WorkerError } from '../../errors.js';
import { reviveError } from '../../workers/error-transport.js';
import { withoutRefusedOptions } from './exec-argv.js';
import type { SharedBuffers, WorkerInit, WorkerMessage } from './messages.js';
import { allocateSharedBuffers, SharedState } from './shared-state.js';
import { coreOfPart } from './cpu-binding.js';

/** How long workers get to exit by themselves once the run is over, in ms. */
const GRACE_MS = 200;
/**
 * How long a terminated worker gets to stop, in ms. `terminate()` stops JavaScript at once (even
 * `for (;;) {}`), but not a thread blocked in native code (a synchronous child process, a blocking
 * read): the run then settles without waiting for it.
 */
const TERMINATE_WAIT_MS = 1000;
/**
 * Shortest start-up deadline, in ms, whatever the collective timeout: every worker compiles the
 * library and the driver in a fresh V8 heap, which takes seconds when the machine is busy, so a
 * short collective timeout (a test's 300 ms) must not make a slow start-up fail the run.
 */
const MIN_STARTUP_MS = 10_000;
/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A validated Threads run (see `withThreads` for the meaning of each field). */
export interface RunConfig {
  readonly np: number;
  readonly workerScript: URL;
  readonly driverUrl: string;
  readonly exportName: string;
  readonly collectiveTimeoutMs: number;
  /** Effective: false when parts outnumber cores. */
  readonly spin: boolean;
  readonly argv: readonly string[];
  /** Node.js options of the workers; `undefined`: those of this process, inherited as they are. */
  readonly execArgv: readonly string[] | undefined;
  readonly resourceLimits: ResourceLimits | undefined;
  /** The process's allowed CPUs when the workers are bound to cores (`bindTo` `'core'`, or `'auto'` where it binds); else undefined. */
  readonly cpus: readonly number[] | undefined;
}

/**
 * `ports[p][q]`: part p's end of a MessageChannel to part q (`null` on the diagonal). Also used by
 * the cluster's threads engines (src/cluster/threads-link.ts), which wire parts the same way.
 * @example `const ports = pairwisePorts(2); // ports[0][1] and ports[1][0] are the two ends of one channel`
 */
export function pairwisePorts(np: number): (MessagePort | null)[][] {
  const ports = Array.from({ length: np }, () => new Array<MessagePort | null>(np).fill(null));
  for (let p = 0; p < np; p++) {
    for (let q = p + 1; q < np; q++) {
      const { port1, port2 } = new MessageChannel();
      ports[p][q] = port1;
      ports[q][p] = port2;
    }
  }
  return ports;
}

/** One run; see the module comment. */
export class Supervisor {
  private readonly config: RunConfig;
  private readonly buffers: SharedBuffers;
  private readonly state: SharedState;
  private readonly workers: (Worker | undefined)[];
  private readonly results: unknown[];
  private readonly hasResult: boolean[];
  private readonly isReady: boolean[];
  private readonly exited: boolean[];
  /** Per failed part, how to build the run's rejection (only the first failure's is used). */
  private readonly failures = new Map<number, () => unknown>();
  private nReady = 0;
  private nResults = 0;
  private nExited = 0;
  private stopping = false;
  private startupTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private settle: { resolve: (results: unknown[]) => void; reject: (error: unknown) => void } | undefined;
  /** The workers' Node.js options, less those Node refused for the first worker (exec-argv.ts). */
  private execArgv: string[] | undefined;

  constructor(config: RunConfig) {
    this.config = config;
    this.buffers = allocateSharedBuffers(config.np);
    this.state = new SharedState(this.buffers, config.np);
    this.workers = new Array<Worker | undefined>(config.np).fill(undefined);
    this.results = new Array<unknown>(config.np).fill(undefined);
    this.hasResult = new Array<boolean>(config.np).fill(false);
    this.isReady = new Array<boolean>(config.np).fill(false);
    this.exited = new Array<boolean>(config.np).fill(false);
    this.execArgv = config.execArgv === undefined ? undefined : [...config.execArgv];
  }

  /** Starts the workers; resolves to the parts' results in part order once all exited. */
  run(): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.startWorkers();
    });
  }

  private startWorkers(): void {
    const { np, collectiveTimeoutMs } = this.config;
    const ports = pairwisePorts(np);
    const originMs = performance.timeOrigin + performance.now();
    for (let p = 0; p < np; p++) {
      const init: WorkerInit = {
        partId: p,
        np,
        buffers: this.buffers,
        ports: ports[p],
        collectiveTimeoutMs,
        spin: this.config.spin,
        originMs,
        driverUrl: this.config.driverUrl,
        exportName: this.config.exportName,
        cpu: this.config.cpus === undefined ? -1 : coreOfPart(p, this.config.cpus),
      };
      try {
        const worker = this.newWorker(init, ports[p].filter((port): port is MessagePort => port !== null));
        worker.on('message', (message: WorkerMessage) => this.onMessage(p, message));
        worker.on('error', (error) => this.fail(p, () => new WorkerError(p, error)));
        worker.on('exit', (code) => this.onExit(p, code));
        this.workers[p] = worker;
      } catch (error) {
        for (let q = p; q < np; q++) this.markExited(q);
        for (const port of ports.slice(p).flat()) port?.close();
        this.fail(p, () => new WorkerError(p, error));
        return;
      }
    }
    this.startupTimer = setTimeout(() => this.startupTimedOut(), Math.min(this.startupMs(), MAX_TIMER_MS));
  }

  /**
   * Starts one worker. Node checks an explicit option list and refuses V8 and whole-process options
   * in it before any thread starts: those are dropped (the worker has them anyway) and it retries.
   */
  private newWorker(init: WorkerInit, transferList: MessagePort[]): Worker {
    for (;;) {
      try {
        return new Worker(this.config.workerScript, {
          workerData: init,
          transferList,
          argv: [...this.config.argv],
          execArgv: this.execArgv,
          resourceLimits: this.config.resourceLimits,
        });
      } catch (error) {
        const fewer = this.execArgv === undefined ? undefined : withoutRefusedOptions(this.execArgv, error);
        if (fewer === undefined) throw error;
        this.execArgv = fewer;
      }
    }
  }

  private onMessage(p: number, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready':
        this.isReady[p] = true;
        if (++this.nReady === this.config.np && !this.stopping) {
          clearTimeout(this.startupTimer);
          this.state.start();
        }
        break;
      case 'result':
        this.results[p] = message.value;
        this.hasResult[p] = true;
        if (++this.nResults === this.config.np) this.stop();
        break;
      case 'failed':
        this.fail(p, () => new WorkerError(p, reviveError(message.error)));
        break;
      case 'bad-driver':
        this.fail(p, () => reviveError(message.error));
        break;
    }
  }

  private onExit(p: number, code: number): void {
    if (!this.hasResult[p] && !this.failures.has(p)) {
      const reason = `the worker exited with code ${code} before main returned (process.exit or a crash)`;
      this.fail(p, () => new WorkerError(p, new Error(reason)));
    }
    this.markExited(p);
    this.maybeSettle();
  }

  private startupTimedOut(): void {
    const late: number[] = [];
    this.isReady.forEach((ready, p) => {
      if (!ready) late.push(p);
    });
    const first = late[0] ?? 0;
    const message = `start-up: not every worker imported the driver module within ${this.startupMs()} ms`;
    this.fail(first, () => new WorkerError(first, new CollectiveTimeoutError('start-up', late, message, { partId: first })));
  }

  /** How long the workers get to import the driver and say READY. */
  private startupMs(): number {
    return Math.max(this.config.collectiveTimeoutMs, MIN_STARTUP_MS);
  }

  /** Records part p's failure (the first one recorded per part is kept) and aborts the run. */
  private fail(p: number, error: () => unknown): void {
    if (!this.failures.has(p)) this.failures.set(p, error);
    this.state.abort(p);
    this.stop();
  }

  /** The run is over (all results, or a failure): give workers a grace period, then terminate. */
  private stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.startupTimer);
    this.graceTimer = setTimeout(() => this.terminateAll(), GRACE_MS);
    this.maybeSettle();
  }

  private terminateAll(): void {
    for (const worker of this.workers) void worker?.terminate();
    this.graceTimer = setTimeout(() => this.abandonUnstopped(), TERMINATE_WAIT_MS);
  }

  /**
   * Settles without the workers that did not stop when terminated (blocked in native code, see
   * {@link TERMINATE_WAIT_MS}): they are unref'd, so that they do not keep the process alive, and
   * a warning names their parts, since their threads run until the native call returns.
   */
  private abandonUnstopped(): void {
    const unstopped: number[] = [];
    this.workers.forEach((worker, p) => {
      if (this.exited[p]) return;
      worker?.unref();
      unstopped.push(p);
      this.markExited(p);
    });
    if (unstopped.length > 0) {
      const which = unstopped.length === 1 ? `the worker of part ${unstopped[0]}` : `the workers of parts ${unstopped.join(', ')}`;
      process.emitWarning(
        `${which} did not stop within ${TERMINATE_WAIT_MS} ms of being terminated (blocked in native code?): ` +
          'the Threads run settled without waiting for it to end',
        { code: 'PA_WORKER_NOT_STOPPED' },
      );
    }
    this.maybeSettle();
  }

  private markExited(p: number): void {
    if (this.exited[p]) return;
    this.exited[p] = true;
    this.nExited++;
  }

  private maybeSettle(): void {
    if (this.nExited < this.config.np || this.settle === undefined) return;
    clearTimeout(this.graceTimer);
    clearTimeout(this.startupTimer);
    const { resolve, reject } = this.settle;
    this.settle = undefined;
    const failed = this.state.abortedBy();
    if (failed < 0) {
      resolve(this.results);
      return;
    }
    const make = this.failures.get(failed) ?? this.failures.values().next().value;
    reject(make === undefined ? new WorkerError(failed, new Error('the run was aborted')) : make());
  }
}
