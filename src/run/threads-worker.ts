/**
 * Bootstrap of one worker of a Threads run: imports the driver module, says READY, waits for the
 * start signal, runs `main(ranks)` with its one part and posts the result or the failure.
 * A failure is posted first, then marked in the shared abort word, so the supervisor always
 * receives the message of the part that won the abort.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidArgumentError, PartFailedError, WorkerError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { loadDriver } from '../backends/threads/driver-module.js';
import { serializeError } from '../workers/error-transport.js';
import type { WorkerInit, WorkerMessage } from '../backends/threads/messages.js';
import { Kind } from '../backends/collectives.js';
import { SharedState } from '../backends/threads/shared-state.js';
import { ThreadsBackend } from '../backends/threads/threads-backend.js';
import { Waiter, type WaitSite } from '../backends/threads/waiting.js';
import { pinOpenBlasToOneThread } from '../dense/openblas-threads.js';
import { loadCpuBinding } from '../backends/threads/cpu-binding.js';

type Driver = (ranks: PData<number>) => unknown;

const init = workerData as WorkerInit;
const me = init.partId;
const state = new SharedState(init.buffers, init.np);

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

/** The error to report: a PartFailedError of this part only wraps the driver's own error. */
function originalError(error: unknown): unknown {
  if (error instanceof PartFailedError && !(error instanceof WorkerError) && error.partId === me) {
    return error.cause ?? error;
  }
  return error;
}

function fail(error: unknown): void {
  post({ type: 'failed', partId: me, error: serializeError(originalError(error)) });
  state.abort(me);
}

/** The driver function, or `undefined` when the driver cannot run (the supervisor is told why). */
async function driverFunction(): Promise<Driver | undefined> {
  const { main, problem } = await loadDriver(init.driverUrl, init.exportName);
  if (problem === undefined) return main as Driver;
  post({ type: 'bad-driver', partId: me, error: serializeError(problem) });
  state.abort(me);
  return undefined;
}

/** Blocks until the supervisor starts the run; false when it was aborted instead. */
function waitForStart(): boolean {
  const site: WaitSite = { kind: Kind.start, ready: () => state.started(), awaits: () => false, stuck: () => undefined };
  try {
    new Waiter(state, me, false, Infinity).wait(site);
    return true;
  } catch (error) {
    if (error instanceof WorkerError) return false;
    throw error;
  }
}

function postResult(value: unknown): void {
  if (value instanceof PData) {
    throw new InvalidArgumentError(
      'main returned a PData, which cannot leave its worker: return plain data (e.g. getAny(x), or gather to part 0)',
      { partId: me },
    );
  }
  try {
    post({ type: 'result', partId: me, value });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`main returned a value that cannot be sent to the main thread (${reason})`, {
      partId: me,
    });
  }
}

async function run(): Promise<void> {
  pinOpenBlasToOneThread();
  let main: Driver | undefined;
  try {
    if (init.cpu >= 0) loadCpuBinding().bindThisThread(init.cpu);
    main = await driverFunction();
  } catch (error) {
    fail(error);
    return;
  }
  if (main === undefined) return;
  post({ type: 'ready', partId: me });
  if (!waitForStart()) return;
  const backend = new ThreadsBackend(init);
  try {
    const value = await main(new PData(backend, [me]));
    state.markDone(me);
    postResult(value);
  } catch (error) {
    fail(error);
  } finally {
    state.markDone(me);
    backend.dispose();
  }
}

await run();
