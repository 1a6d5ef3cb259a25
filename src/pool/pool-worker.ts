/**
 * Bootstrap of one worker of a {@link workerPool}: imports task modules on first use (then from
 * its cache), runs each chunk's items one after the other and posts the results, or the first
 * item that threw. Asynchronous task functions are awaited; synchronous ones pay no promise.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { InvalidArgumentError } from '../errors.js';
import { serializeTaskError } from './error-transport.js';
import type { ChunkMessage, WorkerReply } from './messages.js';

type Task = (item: unknown, index: number) => unknown;

const port = parentPort;
if (port === null) throw new Error('pool-worker.js runs inside a worker of workerPool, not as a program');

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

function reply(message: WorkerReply): void {
  port?.postMessage(message);
}

async function runChunk(message: ChunkMessage): Promise<void> {
  const t0 = performance.now();
  const { chunk, items, start } = message;
  let fn: Task;
  try {
    fn = await taskFunction(message.moduleUrl, message.exportName);
  } catch (error) {
    reply({ type: 'failed', chunk, offset: 0, error: serializeTaskError(error) });
    return;
  }
  const values = new Array<unknown>(items.length);
  for (let k = 0; k < items.length; k++) {
    try {
      const value = fn(items[k], start + k);
      values[k] = isThenable(value) ? await value : value;
    } catch (error) {
      reply({ type: 'failed', chunk, offset: k, error: serializeTaskError(error) });
      return;
    }
  }
  try {
    reply({ type: 'done', chunk, values, ms: performance.now() - t0 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const problem = new InvalidArgumentError(`a task returned a value that cannot be sent to the main thread (${reason})`);
    reply({ type: 'failed', chunk, offset: 0, error: serializeTaskError(problem) });
  }
}

/** Chunks run one at a time, in arrival order (the pool keeps a few queued here to hide latency). */
const queued: ChunkMessage[] = [];
let draining = false;

async function drain(): Promise<void> {
  draining = true;
  for (let next = queued.shift(); next !== undefined; next = queued.shift()) await runChunk(next);
  draining = false;
}

port.on('message', (message: ChunkMessage) => {
  queued.push(message);
  if (!draining) void drain();
});
