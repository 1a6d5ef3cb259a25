/**
 * Every message between a worker pool and its workers, named and typed. A message carries one
 * chunk: consecutive items of one map, so that small tasks pay one round trip per chunk.
 *
 * @module
 */
import type { SerializedError } from '../workers/error-transport.js';

/**
 * Pool → worker (several at once in one message, an array, when tasks are tiny): run the
 * function on `items`, the items `start..start+items.length-1` of a map. */
export interface ChunkMessage {
  readonly type: 'chunk';
  /** Pool-wide sequence number of the chunk (replies name it). */
  readonly chunk: number;
  /** URL of the module to import (cached by the worker). */
  readonly moduleUrl: string;
  /** The module's export to call (`'default'` for the default export). */
  readonly exportName: string;
  /** Index of the first item in the mapped array (the function's second argument counts from it). */
  readonly start: number;
  readonly items: readonly unknown[];
}

/** Worker → pool: the chunk's results in item order, and how long the chunk ran, in ms. */
export interface DoneMessage {
  readonly type: 'done';
  readonly chunk: number;
  readonly values: unknown[];
  readonly ms: number;
}

/**
 * Worker → pool: item `offset` of the chunk threw `error` (or the module could not be used, or the
 * results could not be sent: then `offset` is that of the first item concerned).
 */
export interface FailedMessage {
  readonly type: 'failed';
  readonly chunk: number;
  readonly offset: number;
  readonly error: SerializedError;
}

/** Messages from a worker to the pool. */
export type WorkerReply = DoneMessage | FailedMessage;

/**
 * What the pool hands each worker: `running`, two Int32 words in shared memory where the worker
 * writes the chunk and the item it is running, so that a worker's death names its item exactly
 * even when many items were sent to it at once.
 */
export interface PoolWorkerInit {
  readonly running: Int32Array;
}

/** Word of {@link PoolWorkerInit.running} holding the running chunk's id. */
export const RUNNING_CHUNK = 0;
/** Word of {@link PoolWorkerInit.running} holding the running item's index in its map. */
export const RUNNING_ITEM = 1;
