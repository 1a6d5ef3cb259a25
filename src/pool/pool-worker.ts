/**
 * Bootstrap of one worker of a {@link workerPool}: imports task modules on first use (then from
 * its cache), claims each chunk it is sent (unless another worker did), runs its items one after
 * the other and posts the results, or the first item that threw. Asynchronous task functions are
 * awaited; synchronous ones pay no promise.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { serializeError } from '../workers/error-transport.js';
import { REPLY_AFTER_MS, RUNNING_CHUNK, RUNNING_ITEM, type ChunkMessage, type PoolWorkerInit, type WorkerReply } from './messages.js';

type Task = (item: unknown, index: number) => unknown;

const port = parentPort;
if (port === null) throw new Error('pool-worker.js runs inside a worker of workerPool, not as a program');

const { running, token } = workerData as PoolWorkerInit;
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

/** Replies not posted yet, and since when they gather (see REPLY_AFTER_MS). */
let replies: WorkerReply[] = [];
let gatheringSince = 0;

function reply(message: WorkerReply): void {
  replies.push(message);
}

function flush(): void {
  const batch = replies;
  replies = [];
  gatheringSince = performance.now();
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
  if (Atomics.compareExchange(message.task.claims, message.claim, 0, token) !== 0) {
    reply({ type: 'skipped', chunk });
    return;
  }
  let fn: Task;
  try {
    fn = await taskFunction(message.task.moduleUrl, message.task.exportName);
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

/**
 * Batches run one at a time, in arrival order: the pool keeps the next chunk queued here, so that
 * a worker goes on without waiting for the main thread.
 */
const queued: ChunkMessage[][] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  for (let batch = queued.shift(); batch !== undefined; batch = queued.shift()) {
    gatheringSince = performance.now();
    for (let k = 0; k < batch.length; k++) {
      await runChunk(batch[k]);
      const failed = replies.length > 0 && replies[replies.length - 1].type === 'failed';
      if (k === batch.length - 1 || failed || (batch[k].task.eager && performance.now() - gatheringSince >= REPLY_AFTER_MS)) flush();
    }
  }
  draining = false;
}

port.on('message', (batch: ChunkMessage[]) => {
  queued.push(batch);
  if (!draining) void drain();
});
