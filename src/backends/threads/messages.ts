/**
 * Every message of a Threads run, named and typed. `postMessage` carries start-up, results,
 * failures and channel set-up only; data moves through shared memory.
 *
 * @module
 */
import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from '../../workers/error-transport.js';

/** The shared buffers of a run, created by the supervisor and handed to every worker. */
export interface SharedBuffers {
  readonly control: SharedArrayBuffer;
  readonly scalars: SharedArrayBuffer;
  /** `2 * np` initial outboxes: part p's outbox of parity k is `outboxes[2 * p + k]`. */
  readonly outboxes: readonly SharedArrayBuffer[];
}

/** What a `ThreadsBackend` is built from (in a worker, from its `workerData`). */
export interface ThreadsBackendInit {
  readonly partId: number;
  readonly np: number;
  readonly buffers: SharedBuffers;
  /** `ports[q]` talks to part q's worker; `null` at `partId`. */
  readonly ports: readonly (MessagePort | null)[];
  /** How long a part waits in a collective before it reports the missing parts, in ms. */
  readonly collectiveTimeoutMs: number;
  /** Whether waits spin briefly before sleeping (only sensible while parts ≤ cores). */
  readonly spin: boolean;
  /** `performance.timeOrigin + performance.now()` of the supervisor at start: origin of `wtime`. */
  readonly originMs: number;
}


/** What the supervisor hands each worker as `workerData`: its backend and what to run. */
export interface WorkerInit extends ThreadsBackendInit {
  /** URL of the driver module the worker imports. */
  readonly driverUrl: string;
  /** Name of the driver's export to run (`'default'` for the default export). */
  readonly exportName: string;
  /** The CPU the worker binds its thread to before it imports the driver; −1: not bound. */
  readonly cpu: number;
}

/** The worker imported the driver and found a function to run; it now waits for the start. */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly partId: number;
}

/**
 * The driver cannot run: the module is not JavaScript Node.js can load, lacks the export, or the
 * export is not a function. `error` is the InvalidArgumentError saying so; the run rejects with it.
 */
export interface BadDriverMessage {
  readonly type: 'bad-driver';
  readonly partId: number;
  readonly error: SerializedError;
}

/** `main` returned (or resolved to) `value`, structured-cloned to the supervisor. */
export interface ResultMessage {
  readonly type: 'result';
  readonly partId: number;
  readonly value: unknown;
}

/** The part failed: importing the driver threw, `main` threw, or its result cannot be sent. */
export interface FailedMessage {
  readonly type: 'failed';
  readonly partId: number;
  readonly error: SerializedError;
}

/** Messages from a worker to the supervisor. */
export type WorkerMessage = ReadyMessage | BadDriverMessage | ResultMessage | FailedMessage;

/**
 * Between two workers: part `from` replaced its outbox of `parity` by the larger `buffer`;
 * `generation` counts its replacements (see mailbox.ts).
 */
export interface OutboxMessage {
  readonly type: 'outbox';
  readonly from: number;
  readonly parity: number;
  readonly generation: number;
  readonly buffer: SharedArrayBuffer;
}

/**
 * Channel set-up, between two workers: part `from` receives values from the addressee and gives
 * it the shared memory they go into, with its receive plan.
 */
export interface ChannelInboxMessage {
  readonly type: 'channel-inbox';
  /** Sequence number of the channel (the same on every part: creation is collective). */
  readonly channelId: number;
  readonly from: number;
  /** The inbox's control words (a view of a SharedArrayBuffer: the clone shares the memory). */
  readonly words: Int32Array;
  /** The receive buffer the values go into (a view of a SharedArrayBuffer, maybe a vector's ghosts). */
  readonly values: Float64Array;
  /** Where a sender leaves a round's values before the receiver started it (see channel.ts). */
  readonly staging: Float64Array;
  readonly rcv: Int32Array;
  readonly rcvPtrs: Int32Array;
}

/**
 * Window set-up, between two workers: part `from` exposes `values` (shared memory) in window
 * `windowId`; `lock` (shared) serializes the accumulates into it.
 */
export interface WindowMessage {
  readonly type: 'window';
  /** Sequence number of the window (the same on every part: creation is collective). */
  readonly windowId: number;
  readonly from: number;
  readonly values: Float64Array;
  readonly lock: Int32Array;
}

/** Shared-memory set-up: part 0 hands every other part the memory of `windowId`. */
export interface SharedMemoryMessage {
  readonly type: 'shared-memory';
  readonly windowId: number;
  readonly from: number;
  readonly values: Float64Array;
}

/** Messages between two workers (over their direct port). */
export type PeerMessage = OutboxMessage | ChannelInboxMessage | WindowMessage | SharedMemoryMessage;

