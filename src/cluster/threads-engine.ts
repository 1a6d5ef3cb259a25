/**
 * Bootstrap of one thread engine of a cluster: holds a ThreadsBackend for its part for the
 * cluster's life and answers requests one at a time (a run blocks the thread in collectives, so
 * requests queue in the port meanwhile). Says it is up with the answer to request 0.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadsBackendInit } from '../backends/threads/messages.js';
import { ThreadsBackend } from '../backends/threads/threads-backend.js';
import { pinOpenBlasToOneThread } from '../dense/openblas-threads.js';
import { InvalidArgumentError } from '../errors.js';
import { EngineCore } from './engine-core.js';
import type { EngineRequest, EngineResponse } from './protocol.js';
import { transferableCopy } from './split.js';

/** What the cluster hands each thread engine. */
export interface ThreadEngineInit {
  readonly part: number;
  readonly comm: ThreadsBackendInit;
}

const port = parentPort;
if (port === null) throw new Error('threads-engine.js runs inside a worker of a cluster, not as a program');
const init = workerData as ThreadEngineInit;

pinOpenBlasToOneThread();
const core = new EngineCore(init.part);
let backend = new ThreadsBackend(init.comm);
core.attach(backend);

function reply(response: EngineResponse): void {
  try {
    // A typed array (gather's pieces) goes as a copy made here and moved, not cloned twice.
    const copy = response.type === 'ok' ? transferableCopy(response.value) : undefined;
    if (copy === undefined) port?.postMessage(response);
    else port?.postMessage({ ...response, value: copy }, [copy.buffer as ArrayBuffer]);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const problem = new InvalidArgumentError(`the engine's answer cannot be sent to the main thread (${reason})`, { partId: init.part });
    port?.postMessage(core.failure(response.id, problem));
  }
}

async function answer(request: EngineRequest): Promise<void> {
  if (request.type === 'reset') {
    backend.dispose();
    backend = new ThreadsBackend(request.comm);
    core.attach(backend);
    reply({ type: 'ok', id: request.id, part: init.part, value: undefined });
    return;
  }
  reply(await core.handle(request));
}

const queued: EngineRequest[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  for (let next = queued.shift(); next !== undefined; next = queued.shift()) await answer(next);
  draining = false;
}

port.on('message', (request: EngineRequest) => {
  queued.push(request);
  if (!draining) void drain();
});
reply({ type: 'ok', id: 0, part: init.part, value: 'ready' });
