/**
 * Every message between a worker pool and its workers, named and typed. A message carries one
 * chunk: consecutive items of one map, so that small tasks pay one round trip per chunk.
 *
 * A chunk may be sent to two workers (an idle one takes over a chunk queued behind another's
 * running one): the worker that claims it first in the map's shared `claims` words runs it, the
 * other answers `skipped`.
 *
 * @module
 */
import type { SerializedError } from '../workers/error-transport.js';

/**
 * What every chunk of one map shares: one object per map, which the chunks of a message refer
 * to, so that it is serialized once per message, not once per chunk.
 */
export interface MapTask {
  /** URL of the module to import (cached by the worker). */
  readonly moduleUrl: string;
  /** The module's export to call (`'default'` for the default export). */
  readonly exportName: string;
  /**
   * One word per chunk of the map, in shared memory: 0 while nobody runs the chunk, then the
   * token of the worker that claimed it (`Atomics.compareExchange`), or -1 when the map failed
   * before anyone did (then nobody runs it).
   */
  readonly claims: Int32Array;
  /**
   * `true`: post each chunk's results as it ends (at most every {@link REPLY_AFTER_MS}), for maps
   * the pool refills from replies or that show progress; `false`: post them when the message's
   * chunks are all done (or one failed), so that the main thread does not wake up, and take a core
   * from a worker, once per chunk.
   */
  readonly eager: boolean;
}

/**
 * Pool → worker (several at once in one message, an array, when tasks are tiny): run the
 * function on `items`, the items `start..start+items.length-1` of a map. */
export interface ChunkMessage {
  /** Pool-wide sequence number of the chunk (replies name it). */
  readonly chunk: number;
  readonly task: MapTask;
  /** Index of the first item in the mapped array (the function's second argument counts from it). */
  readonly start: number;
  readonly items: readonly unknown[];
  /** This chunk's word in `task.claims`. */
  readonly claim: number;
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

/** Worker → pool: another worker claimed the chunk first, or its map failed; this one did not run it. */
export interface SkippedMessage {
  readonly type: 'skipped';
  readonly chunk: number;
}

/** Messages from a worker to the pool. */
export type WorkerReply = DoneMessage | FailedMessage | SkippedMessage;

/**
 * What the pool hands each worker: `running`, two Int32 words in shared memory where the worker
 * writes the chunk and the item it is running, so that a worker's death names its item exactly
 * even when many items were sent to it at once; `token`, what it writes in a chunk's claim word
 * (positive, different for every worker the pool ever started).
 */
export interface PoolWorkerInit {
  readonly running: Int32Array;
  readonly token: number;
}

/**
 * A worker of an eager map ({@link MapTask.eager}) posts the results it has every time a chunk
 * ends this long (ms) after its last post; every worker posts when a message's chunks are all
 * done, and at once when an item failed: one reply per chunk for slow tasks of eager maps (the
 * pool refills and reports progress as they end), one per message otherwise.
 */
export const REPLY_AFTER_MS = 1;

/** Word of {@link PoolWorkerInit.running} holding the running chunk's id. */
export const RUNNING_CHUNK = 0;
/** Word of {@link PoolWorkerInit.running} holding the running item's index in its map. */
export const RUNNING_ITEM = 1;
