/**
 * Bootstrap of one worker of a {@link workerPool}: imports task modules on first use (then from
 * its cache), runs each chunk's items one after the other and posts the results, or the first
 * item that threw. Asynchronous task functions are awaited; synchronous ones pay no promise.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { serializeError } from '../workers/error-transport.js';
import { RUNNING_CHUNK, RUNNING_ITEM, type ChunkMessage, type PoolWorkerInit, type WorkerReply } from './messages.js';

type Task = (item: unknown, index: number) => unknown;

const port = parentPort;
if (port === null) throw new Error('pool-worker.js runs inside a worker of workerPool, not as a program');

const { running } = workerData as PoolWorkerInit;
const tasks = new Map<string, Task>();

async function taskFunction(moduleUrl: string, exportName: string): Promise<Task> {
  const key = `${exportName}\n${moduleUrl}`;
  const known = tasks.get(key);
  if (known !== undefined) return known;
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  const fn = module[exportName];
  if (typeof fn !== 'function') {
    const what = exportName === 'default' ? 'a default export' : `an export named '${exportName}'`;
    throw new InvalidArgumentError(`the task module ${moduleUrl} has no function as ${what} (it is ${typeof fn})`);
  }
  tasks.set(key, fn as Task);
  return fn as Task;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Replies of the batch being run, posted together when it ends (one message back per message in). */
let replies: WorkerReply[] = [];

function reply(message: WorkerReply): void {
  replies.push(message);
}

function flush(): void {
  const batch = replies;
  replies = [];
  try {
    port?.postMessage(batch);
  } catch (error) {
    // A result cannot be cloned: say so for every chunk of the batch that carried results.
    const reason = error instanceof Error ? error.message : String(error);
    const problem = serializeError(new InvalidArgumentError(`a task returned a value that cannot be sent to the main thread (${reason})`));
    port?.postMessage(batch.map((r): WorkerReply => (r.type === 'done' ? { type: 'failed', chunk: r.chunk, offset: 0, error: problem } : r)));
  }
}

async function runChunk(message: ChunkMessage): Promise<void> {
  const t0 = performance.now();
  const { chunk, items, start } = message;
  let fn: Task;
  try {
    fn = await taskFunction(message.moduleUrl, message.exportName);
  } catch (error) {
    reply({ type: 'failed', chunk, offset: 0, error: serializeError(error) });
    return;
  }
  const values = new Array<unknown>(items.length);
  Atomics.store(running, RUNNING_CHUNK, chunk);
  for (let k = 0; k < items.length; k++) {
    Atomics.store(running, RUNNING_ITEM, start + k);
    try {
      const value = fn(items[k], start + k);
      values[k] = isThenable(value) ? await value : value;
    } catch (error) {
      reply({ type: 'failed', chunk, offset: k, error: serializeError(error) });
      return;
    }
  }
  reply({ type: 'done', chunk, values, ms: performance.now() - t0 });
}

/** Batches run one at a time, in arrival order (the pool keeps a few queued here to hide latency). */
const queued: ChunkMessage[][] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) {
    for (const message of batch) await runChunk(message);
    flush();
  }
  draining = false;
}

port.on('message', (batch: ChunkMessage[]) => {
  queued.push(batch);
  if (!draining) void drain();
});
