/**
 * `workerPool({ size })`: a task farm on worker threads, multiprocessing's `Pool.map` for
 * JavaScript, that never hangs when a worker dies.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { checkOptions, describeValue } from '../argument-checks.js';
import { InvalidArgumentError, TaskFailedError } from '../errors.js';
import { reviveError } from '../workers/error-transport.js';
import { poolExecArgv } from './exec-argv.js';
import { RUNNING_CHUNK, RUNNING_ITEM, type ChunkMessage, type MapTask, type PoolWorkerInit, type WorkerReply } from './messages.js';
import { moduleUrl } from './module-url.js';
import { NO_PROGRESS, progressSink, type ProgressCallback, type ProgressSink } from './progress.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';

/**
 * Most workers a pool takes: each is a thread with its own V8 heap (about 11 MB, 0.1 s to start).
 * @group Task farms and interactive clusters
 */
export const MAX_POOL_SIZE = 256;

/**
 * Options of {@link workerPool}.
 * @group Task farms and interactive clusters
 */
export interface WorkerPoolOptions {
  /** Number of worker threads, 1 to {@link MAX_POOL_SIZE}. Default: `os.availableParallelism()`. */
  size?: number;
  /**
   * Heap and stack limits of every worker, as Node's `Worker` option of the same name (in MB). A
   * task that exceeds them rejects its map with a {@link TaskFailedError}; its worker is replaced.
   */
  resourceLimits?: ResourceLimits;
}

/**
 * Options of {@link WorkerPool.map}.
 * @group Task farms and interactive clusters
 */
export interface MapOptions {
  /** The module's export that is the task function. Default: `'default'` (its default export). */
  exportName?: string;
  /**
   * Items sent to a worker per message. Default 1 (best balance; about 10 µs per item of
   * overhead). `'auto'` chooses as Python's `Pool.map` does, `ceil(n / (4 * size))`: for many
   * tiny tasks. A failing item or a dying worker is still named exactly.
   */
  chunkSize?: number | 'auto';
  /**
   * `true`: a progress bar on stderr when it is a terminal (nothing otherwise). A function: called
   * with (items done, items in all) as chunks finish.
   */
  progress?: boolean | ProgressCallback;
}

const POOL_KEYS: readonly (keyof WorkerPoolOptions)[] = ['size', 'resourceLimits'];
const MAP_KEYS: readonly (keyof MapOptions)[] = ['exportName', 'chunkSize', 'progress'];
/** A chunk that ran faster than this (ms) marks tasks as tiny: workers then get many chunks ahead. */
const FAST_CHUNK_MS = 0.5;
/** Chunks in flight per worker for tiny tasks (hides the ~40 µs message round trip). */
const FAST_WINDOW = 64;
/**
 * Chunks in flight per worker otherwise, and at the start of a map: the running one and the next,
 * queued in the worker, so that the worker never waits for the main thread between chunks (that
 * round trip is 0.1-3 ms when every core is busy, the main thread waiting for one).
 */
const SLOW_WINDOW = 2;
/** Claim word of a chunk whose map failed before a worker claimed it: no worker runs it. */
const CANCELLED = -1;
/** Most chunks sent to a worker in one message (tiny tasks: one message, one reply per batch). */
const MAX_BATCH = 32;
/**
 * A map of at most this many chunks of light items (see {@link isLight}), alone in the pool, is
 * sent whole to every worker: each claims the next chunk nobody claimed (a shared queue), so a
 * worker that starts late owns no fixed share, and no worker waits for the main thread.
 */
const ALL_AT_ONCE_CHUNKS = 64;
/** Longest string item that counts as light (copying it to every worker costs little). */
const LIGHT_STRING_LENGTH = 1024;

/** One call of `map`: where results go and how it settles. */
interface Job {
  /** The items (a copy made by the call); chunks are cut from them as they are sent. */
  readonly items: readonly unknown[];
  readonly chunkLength: number;
  /** What its chunks' messages share (the claim words of its chunks among them). */
  readonly task: MapTask;
  /** Where the next chunk to cut starts. */
  nextStart: number;
  readonly results: unknown[];
  readonly total: number;
  readonly progress: ProgressSink;
  done: number;
  settled: boolean;
  resolve(results: unknown[]): void;
  reject(error: unknown): void;
}

interface Chunk {
  readonly id: number;
  readonly job: Job;
  readonly message: ChunkMessage;
  /**
   * Workers it was sent to that have not answered yet (two when an idle worker took it over, all
   * of them when its map was sent whole).
   */
  holders: number;
}

/** A worker and the chunks it was sent and has not answered yet, oldest (the running one) first. */
interface Slot {
  worker: Worker;
  /** What the worker writes in the claim word of a chunk it runs. */
  readonly token: number;
  /** The chunk id and item index the worker runs (shared memory it writes; see PoolWorkerInit). */
  readonly running: Int32Array;
  readonly inFlight: Chunk[];
  /** Why the worker is dying (its 'error' event comes before its 'exit'). */
  death: unknown;
}

/** Who claimed the chunk: 0 (nobody yet), a worker's token, or CANCELLED. */
function claimant(chunk: Chunk): number {
  return Atomics.load(chunk.message.task.claims, chunk.message.claim);
}

/** Chunks the worker runs or will run (those another worker claimed it will only skip). */
function load(slot: Slot): number {
  let count = 0;
  for (const chunk of slot.inFlight) {
    const who = claimant(chunk);
    if (who === 0 || who === slot.token) count++;
  }
  return count;
}

/** Whether an item costs next to nothing to copy to every worker: a primitive, or a short string. */
function isLight(item: unknown): boolean {
  if (typeof item === 'string') return item.length <= LIGHT_STRING_LENGTH;
  return item === null || typeof item === 'number' || typeof item === 'boolean' || typeof item === 'bigint' || item === undefined;
}

/** The compiled worker bootstrap (from the TypeScript sources, its twin in `dist/`). */
function workerScript(): URL {
  const here = import.meta.url;
  const script = here.endsWith('.ts') ? new URL('../../dist/src/pool/pool-worker.js', here) : new URL('./pool-worker.js', here);
  if (!existsSync(fileURLToPath(script))) {
    throw new InvalidArgumentError(`the compiled pool worker ${fileURLToPath(script)} is missing: build first (npm run build)`);
  }
  return script;
}

function checkSize(size: unknown): number {
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > MAX_POOL_SIZE) {
    throw new InvalidArgumentError(`workerPool: size must be an integer in 1..${MAX_POOL_SIZE}, got ${describeValue(size)}`);
  }
  return size as number;
}

function checkLimits(option: unknown): ResourceLimits | undefined {
  if (option === undefined) return undefined;
  const keys = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'];
  const limits = checkOptions(option as ResourceLimits, keys, 'workerPool: resourceLimits');
  for (const [key, value] of Object.entries(limits)) {
    if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new InvalidArgumentError(`workerPool: resourceLimits.${key} must be a positive number of MB, got ${describeValue(value)}`);
    }
  }
  return { ...limits };
}

function chunkLength(option: unknown, n: number, size: number): number {
  if (option === undefined) return 1;
  if (option === 'auto') return Math.max(1, Math.ceil(n / (4 * size)));
  if (!Number.isInteger(option) || (option as number) < 1) {
    throw new InvalidArgumentError(`map: chunkSize must be an integer >= 1 or 'auto', got ${describeValue(option)}`);
  }
  return option as number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A pool of worker threads that map a module's function over items; made by {@link workerPool}.
 * Workers start with the pool and stay until {@link WorkerPool.close}; they do not keep the
 * process alive while no map runs.
 * @group Task farms and interactive clusters
 */
export class WorkerPool {
  /** Number of workers. */
  readonly size: number;
  private readonly script: URL;
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly slots: Slot[] = [];
  /**
   * What is left to send: chunks of dead workers to send again first, then maps with chunks
   * not cut yet, oldest first. Chunks are cut as they are sent, so that a long map does not hold
   * an object per chunk from start to end (they would outlive the young generation, and the
   * collections of the old one would take the cores from the workers of later maps).
   */
  private requeued: Chunk[] = [];
  private uncut: Job[] = [];
  private nextChunk = 0;
  private nextToken = 1;
  private window = SLOW_WINDOW;
  private readonly jobs = new Set<Job>();
  private closed = false;

  /**
   * @internal Use {@link workerPool}.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, size: number, resourceLimits: ResourceLimits | undefined) {
    checkFactoryKey(key, 'WorkerPool', 'workerPool(options)');
    this.size = size;
    this.script = workerScript();
    this.resourceLimits = resourceLimits;
    for (let i = 0; i < size; i++) this.slots.push(this.startSlot());
  }

  /**
   * Calls the task function of `moduleSpecifier` as `fn(item, index)` on every item, in the
   * workers, and resolves to the results in item order. The task module is a JavaScript module
   * (a path resolved against the current directory, or a URL; compile TypeScript first) whose
   * default export (or `opts.exportName`) is the function; it may be `async`. Items and results
   * are structured-cloned (plain data, typed arrays; no functions). Module-level state of the
   * task module lives on in each worker between items and maps.
   *
   * Scheduling: a map of at most 64 chunks of primitives (numbers, booleans, short strings), when
   * no other map runs, is sent whole to every worker, and each worker takes the next chunk nobody
   * took (so the workers finish together, to within one chunk, whichever started first), posting
   * its results once it finds none left (after every chunk when progress is shown); any other map
   * is sent a few chunks per worker at a time as they finish.
   *
   * Never hangs on a failure: the first item that throws rejects the map with a
   * {@link TaskFailedError} whose `index` is the item's and whose `cause` is the original error
   * (class, message and stack kept); a worker that dies (`process.exit`, out of memory under
   * `resourceLimits`, an uncaught error in a callback) rejects the map the same way, naming the
   * item it ran, and is replaced, so the pool stays usable. Other items of a failed map are not
   * waited for.
   *
   * @throws InvalidArgumentError (as a rejection) when the pool is closed, the module does not
   * exist, `items` is not iterable, or an option is unknown or invalid; when the module lacks the
   * function (as the cause of a TaskFailedError of item 0).
   * @throws TaskFailedError (as a rejection) when an item throws or its worker dies.
   * @example
   * ```ts
   * // square.js: export default (x) => x * x;
   * const pool = workerPool({ size: 2 });
   * await pool.map('./square.js', [1, 2, 3]); // [1, 4, 9]
   * await pool.close();
   * ```
   */
  map<R = unknown>(moduleSpecifier: string | URL, items: Iterable<unknown>, opts?: MapOptions): Promise<R[]> {
    try {
      return this.startMap(moduleSpecifier, items, opts) as Promise<R[]>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Ends every worker; maps still running reject with an InvalidArgumentError. Resolves once every
   * worker exited. Calling it again does nothing.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.jobs) this.settle(job, new InvalidArgumentError('the worker pool was closed before the map finished'));
    this.requeued = [];
    this.uncut = [];
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private startMap(moduleSpecifier: unknown, items: Iterable<unknown>, opts: MapOptions | undefined): Promise<unknown[]> {
    if (this.closed) throw new InvalidArgumentError('map: the worker pool is closed');
    const options = checkOptions(opts, MAP_KEYS, 'map');
    const url = moduleUrl(moduleSpecifier, 'map: moduleSpecifier');
    const exportName = options.exportName ?? 'default';
    if (typeof exportName !== 'string' || exportName.length === 0) {
      throw new InvalidArgumentError(`map: exportName must be a non-empty string, got ${describeValue(exportName)}`);
    }
    if (items === null || typeof (items as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function') {
      throw new InvalidArgumentError(`map: items must be an array or another iterable, got ${describeValue(items)}`);
    }
    const all = Array.isArray(items) ? items.slice() : Array.from(items);
    const length = chunkLength(options.chunkSize, all.length, this.size);
    const progress = options.progress;
    if (progress !== undefined && typeof progress !== 'boolean' && typeof progress !== 'function') {
      throw new InvalidArgumentError(`map: progress must be a boolean or a function, got ${describeValue(progress)}`);
    }
    if (all.length === 0) return Promise.resolve([]);
    const chunks = Math.ceil(all.length / length);
    const allAtOnce = this.jobs.size === 0 && this.requeued.length === 0 && chunks <= ALL_AT_ONCE_CHUNKS && all.every(isLight);
    return new Promise((resolve, reject) => {
      const claims = new Int32Array(new SharedArrayBuffer(4 * chunks));
      // Replies refill the workers of a map sent a few chunks at a time, and draw progress; a
      // map sent whole needs them only at its end unless progress is shown.
      const sink = progressSink(progress, all.length);
      const eager = !allAtOnce || sink !== NO_PROGRESS;
      const job: Job = {
        items: all,
        chunkLength: length,
        task: { moduleUrl: url, exportName, claims, eager },
        nextStart: 0,
        results: new Array<unknown>(all.length),
        total: all.length,
        progress: sink,
        done: 0,
        settled: false,
        resolve,
        reject,
      };
      this.jobs.add(job);
      // How long this map's tasks take is not known yet: few chunks per worker until a reply says.
      this.window = SLOW_WINDOW;
      if (this.jobs.size === 1) for (const slot of this.slots) slot.worker.ref();
      if (allAtOnce) {
        this.sendWhole(job);
      } else {
        this.uncut.push(job);
        this.pump();
      }
    });
  }

  private startSlot(): Slot {
    const running = new Int32Array(new SharedArrayBuffer(8)).fill(-1);
    const token = this.nextToken++;
    const workerData: PoolWorkerInit = { running, token };
    const worker = new Worker(this.script, { resourceLimits: this.resourceLimits, workerData, execArgv: poolExecArgv(process.execArgv) });
    const slot: Slot = { worker, token, running, inFlight: [], death: undefined };
    worker.on('message', (replies: WorkerReply[]) => {
      for (const reply of replies) this.onReply(slot, reply);
      this.pump();
    });
    worker.on('error', (error) => {
      slot.death ??= error;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    if (this.jobs.size === 0) worker.unref();
    return slot;
  }

  /**
   * Sends queued chunks to the least busy worker while it has room in the window, in batches of
   * at most its fair share of what is left (so that every worker gets some). Once nothing is
   * queued, a worker with room is also sent chunks that wait, unclaimed, behind another worker's
   * running chunk: whichever of the two gets to such a chunk first runs it, so that the map ends
   * with no worker idle while another still has a chunk to start. (Not for tiny tasks: there the
   * copies would cost more than the few queued chunks they could balance.)
   */
  private pump(): void {
    for (let left = this.unsent(); left > 0; left = this.unsent()) {
      let slot = this.slots[0];
      let least = load(slot);
      for (const other of this.slots) {
        const busy = load(other);
        if (busy < least) [slot, least] = [other, busy];
      }
      const room = this.window - least;
      if (room <= 0) break;
      const fairShare = Math.ceil(left / this.size);
      const batch: ChunkMessage[] = [];
      for (let k = Math.min(room, fairShare, MAX_BATCH); k > 0; k--) {
        const chunk = this.next();
        if (chunk === undefined) break;
        this.give(slot, chunk, batch);
      }
      if (batch.length > 0) slot.worker.postMessage(batch);
    }
    if (this.unsent() === 0) {
      if (this.window !== FAST_WINDOW) for (const slot of this.slots) this.share(slot);
    }
  }

  /** Number of chunks left to send (of maps not settled). */
  private unsent(): number {
    this.requeued = this.requeued.filter((chunk) => !chunk.job.settled);
    let count = this.requeued.length;
    for (const job of this.uncut) count += Math.ceil((job.total - job.nextStart) / job.chunkLength);
    return count;
  }

  /** The next chunk to send, cut from its map if need be; undefined when none is left. */
  private next(): Chunk | undefined {
    const again = this.requeued.shift();
    if (again !== undefined) return again;
    const job = this.uncut[0];
    if (job === undefined) return undefined;
    const chunk = this.cut(job);
    if (job.nextStart === job.total) this.uncut.shift();
    return chunk;
  }

  /** Sends every chunk of `job` to every worker, in item order, in one message each. */
  private sendWhole(job: Job): void {
    const chunks: Chunk[] = [];
    while (job.nextStart < job.total) chunks.push(this.cut(job));
    for (const slot of this.slots) {
      const batch: ChunkMessage[] = [];
      for (const chunk of chunks) this.give(slot, chunk, batch);
      slot.worker.postMessage(batch);
    }
  }

  /** The next chunk of `job`, from `job.nextStart` on. */
  private cut(job: Job): Chunk {
    const start = job.nextStart;
    job.nextStart = Math.min(job.total, start + job.chunkLength);
    const id = this.nextChunk++;
    const items = job.items.slice(start, job.nextStart);
    const message: ChunkMessage = { chunk: id, task: job.task, start, items, claim: start / job.chunkLength };
    return { id, job, message, holders: 0 };
  }

  private give(slot: Slot, chunk: Chunk, batch: ChunkMessage[]): void {
    slot.inFlight.push(chunk);
    chunk.holders++;
    batch.push(chunk.message);
  }

  /** Sends `thief` copies of chunks queued unclaimed in other workers, up to its room. */
  private share(thief: Slot): void {
    const batch: ChunkMessage[] = [];
    let room = Math.min(this.window - load(thief), MAX_BATCH);
    for (const victim of this.slots) {
      if (victim === thief) continue;
      // From the back: those the victim would run last.
      for (let k = victim.inFlight.length - 1; k >= 0 && room > 0; k--) {
        const chunk = victim.inFlight[k];
        if (chunk.holders > 1 || chunk.job.settled || claimant(chunk) !== 0) continue;
        this.give(thief, chunk, batch);
        room--;
      }
    }
    if (batch.length > 0) thief.worker.postMessage(batch);
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    const index = slot.inFlight.findIndex((chunk) => chunk.id === reply.chunk);
    if (index < 0) return;
    const [chunk] = slot.inFlight.splice(index, 1);
    chunk.holders--;
    const { job, message } = chunk;
    if (reply.type === 'skipped') return;
    if (reply.type === 'done') {
      this.window = reply.ms < FAST_CHUNK_MS ? FAST_WINDOW : SLOW_WINDOW;
      if (!job.settled) {
        for (let k = 0; k < reply.values.length; k++) job.results[message.start + k] = reply.values[k];
        job.done += reply.values.length;
        job.progress.update(job.done);
        if (job.done === job.total) this.settle(job, undefined);
      }
    } else if (!job.settled) {
      const item = message.start + reply.offset;
      const cause = reviveError(reply.error);
      this.settle(job, new TaskFailedError(`item ${item} failed: ${messageOf(cause)}`, item, { cause }));
    }
  }

  /**
   * A worker ended: outside close(), it died; the map of the chunk it ran (claimed) fails, or, if
   * it died between chunks, that of the next chunk it had; it is replaced and the chunks it had
   * not started go to the others.
   */
  private onExit(slot: Slot, code: number): void {
    if (this.closed) return;
    const runningId = Atomics.load(slot.running, RUNNING_CHUNK);
    const mine = slot.inFlight.filter((chunk) => claimant(chunk) === slot.token);
    const running = mine.find((chunk) => chunk.id === runningId) ?? mine[0] ?? slot.inFlight.find((chunk) => claimant(chunk) === 0);
    for (const chunk of slot.inFlight) chunk.holders--;
    const waiting = slot.inFlight.filter((chunk) => chunk !== running && claimant(chunk) === 0 && chunk.holders === 0);
    if (running !== undefined && !running.job.settled) {
      const item = running.id === runningId ? Atomics.load(slot.running, RUNNING_ITEM) : running.message.start;
      const reason =
        slot.death !== undefined
          ? `the worker running item ${item} died: ${messageOf(slot.death)}`
          : `the worker running item ${item} exited with code ${code} (process.exit or a crash)`;
      const cause = slot.death ?? new Error(`the worker exited with code ${code}`);
      this.settle(running.job, new TaskFailedError(reason, item, { cause }));
    }
    const replacement = this.startSlot();
    this.slots[this.slots.indexOf(slot)] = replacement;
    this.requeued = [...waiting.filter((chunk) => !chunk.job.settled), ...this.requeued];
    this.pump();
  }

  private settle(job: Job, error: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.progress.stop();
    // Chunks of a failed map nobody started are skipped instead of run.
    const { claims } = job.task;
    if (error !== undefined) for (let k = 0; k < claims.length; k++) Atomics.compareExchange(claims, k, 0, CANCELLED);
    this.jobs.delete(job);
    this.uncut = this.uncut.filter((other) => other !== job);
    if (this.jobs.size === 0) for (const slot of this.slots) slot.worker.unref();
    if (error === undefined) job.resolve(job.results);
    else job.reject(error);
  }
}

/**
 * Starts a pool of `size` worker threads for task farming (multiprocessing's `Pool`): see
 * {@link WorkerPool.map} for what a map does and guarantees. Close it with
 * {@link WorkerPool.close} when done.
 *
 * @throws InvalidArgumentError when the options are not an object, hold an unknown key, `size`
 * is not an integer in 1..{@link MAX_POOL_SIZE}, or a resource limit is not a positive number.
 * @example
 * ```ts
 * const pool = workerPool({ size: 2 });
 * const counts = await pool.map('./dist/count-primes.js', [0, 1, 2, 3], { progress: true });
 * await pool.close();
 * ```
 * @group Task farms and interactive clusters
 */
export function workerPool(options?: WorkerPoolOptions): WorkerPool {
  const opts = checkOptions(options, POOL_KEYS, 'workerPool');
  const size = checkSize(opts.size ?? availableParallelism());
  return new WorkerPool(FACTORY_KEY, size, checkLimits(opts.resourceLimits));
}
