/**
 * The engines of a `backend: 'threads'` cluster: one worker thread per part, each holding a
 * ThreadsBackend over shared memory made here, as withThreads' supervisor does.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import { withoutRefusedOptions, workerExecArgv } from '../backends/threads/exec-argv.js';
import type { ThreadsBackendInit } from '../backends/threads/messages.js';
import { allocateSharedBuffers, SharedState } from '../backends/threads/shared-state.js';
import { pairwisePorts } from '../backends/threads/supervisor.js';
import { InvalidArgumentError } from '../errors.js';
import type { EngineLink, LinkEvents } from './engine-link.js';
import type { EngineRequest } from './protocol.js';
import { ownBuffer } from './split.js';
import type { ThreadEngineInit } from './threads-engine.js';

/** How often a failed run checks whether the parts that did not answer all sleep in a collective, ms. */
const STUCK_POLL_MS = 10;

/** The compiled engine bootstrap (from the TypeScript sources, its twin in `dist/`). */
function engineScript(): URL {
  const here = import.meta.url;
  const script = here.endsWith('.ts') ? new URL('../../dist/src/cluster/threads-engine.js', here) : new URL('./threads-engine.js', here);
  if (!existsSync(fileURLToPath(script))) {
    throw new InvalidArgumentError(`the compiled engine ${fileURLToPath(script)} is missing: build first (npm run build)`);
  }
  return script;
}

/** One communicator: what each part's ThreadsBackend is built from, and the shared control block. */
interface Communicator {
  readonly state: SharedState;
  readonly inits: ThreadsBackendInit[];
}

function communicator(np: number, collectiveTimeoutMs: number): Communicator {
  const buffers = allocateSharedBuffers(np);
  const ports = pairwisePorts(np);
  const originMs = performance.timeOrigin + performance.now();
  const spin = np <= availableParallelism();
  return {
    state: new SharedState(buffers, np),
    inits: ports.map((row, partId) => ({ partId, np, buffers, ports: row, collectiveTimeoutMs, spin, originMs })),
  };
}

function transferred(init: ThreadsBackendInit): MessagePort[] {
  return init.ports.filter((port): port is MessagePort => port !== null);
}

/** See the module comment. */
export class ThreadsLink implements EngineLink {
  readonly np: number;
  private readonly collectiveTimeoutMs: number;
  private readonly workers: Worker[] = [];
  private comm: Communicator;
  private closing = false;
  private execArgv = workerExecArgv(process.execArgv);

  constructor(np: number, collectiveTimeoutMs: number, events: LinkEvents) {
    this.np = np;
    this.collectiveTimeoutMs = collectiveTimeoutMs;
    this.comm = communicator(np, collectiveTimeoutMs);
    const script = engineScript();
    for (let part = 0; part < np; part++) {
      const init = this.comm.inits[part];
      const workerData: ThreadEngineInit = { part, comm: init };
      const worker = this.newWorker(script, workerData, transferred(init));
      let death: Error | undefined;
      worker.on('message', events.response);
      worker.on('error', (error) => {
        death ??= error;
      });
      worker.on('exit', (code) => {
        if (this.closing) return;
        this.comm.state.abort(part);
        events.died(part, death ?? new Error(`the engine's worker exited with code ${code} (process.exit or a crash)`));
      });
      this.workers.push(worker);
    }
  }

  /**
   * Starts one engine with this process's Node.js options less those about its own entry point
   * (`-e`, `--input-type`, ...); options Node refuses in an explicit list (V8 and whole-process
   * ones, which the worker has anyway) are dropped and it retries, as withThreads does.
   */
  private newWorker(script: URL, workerData: ThreadEngineInit, transferList: MessagePort[]): Worker {
    for (;;) {
      try {
        return new Worker(script, { workerData, transferList, execArgv: this.execArgv });
      } catch (error) {
        const fewer = this.execArgv === undefined ? undefined : withoutRefusedOptions(this.execArgv, error);
        if (fewer === undefined) throw error;
        this.execArgv = fewer;
      }
    }
  }

  /** A scatter piece (the call's own copy) is moved to its engine, not copied again. */
  post(part: number, request: EngineRequest): void {
    const transfer = request.type === 'reset' ? transferred(request.comm) : request.type === 'scatter' ? ownBuffer(request.value) : [];
    this.workers[part].postMessage(request, transfer);
  }

  /** Aborts the communicator once every part that did not answer sleeps in a collective. */
  watchFailure(failed: number, waiting: () => readonly number[]): () => void {
    const { state } = this.comm;
    const timer = setInterval(() => {
      const parts = waiting();
      if (parts.length > 0 && parts.every((q) => state.waitingIn(q) !== 0)) state.abort(failed);
    }, STUCK_POLL_MS);
    return () => clearInterval(timer);
  }

  /** A fresh communicator when the last one was aborted (its abort word cannot be cleared). */
  recovery(id: number): EngineRequest[] | undefined {
    if (this.comm.state.abortedBy() < 0) return undefined;
    this.comm = communicator(this.np, this.collectiveTimeoutMs);
    return this.comm.inits.map((comm) => ({ type: 'reset', id, comm }));
  }

  async close(): Promise<void> {
    this.closing = true;
    this.comm.state.abort(0);
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
