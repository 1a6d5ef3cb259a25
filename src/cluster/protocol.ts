/**
 * Every message between a cluster (the REPL's side) and its engines, named and typed. The same
 * requests travel over `postMessage` to thread engines and over a local socket to MPI engines.
 *
 * @module
 */
import type { ThreadsBackendInit } from '../backends/threads/messages.js';
import type { SerializedError } from '../workers/error-transport.js';

/** Run `main(ranks, ...args)`, the export `exportName` of the module at `moduleUrl`. */
export interface RunRequest {
  readonly type: 'run';
  readonly id: number;
  readonly moduleUrl: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

/** Store each value of `values` on the engine under its key. */
export interface PushRequest {
  readonly type: 'push';
  readonly id: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/** Send back the value stored under `name` (`pull` and `gather`). */
export interface PullRequest {
  readonly type: 'pull';
  readonly id: number;
  readonly name: string;
}

/** Store `value`, this engine's piece of a scattered array, under `name`. */
export interface ScatterRequest {
  readonly type: 'scatter';
  readonly id: number;
  readonly name: string;
  readonly value: unknown;
}

/**
 * Thread engines only: replace the communicator (after a run that had to be aborted) by a new
 * one made of these buffers and ports; the engine's stored values stay.
 */
export interface ResetRequest {
  readonly type: 'reset';
  readonly id: number;
  readonly comm: ThreadsBackendInit;
}

/** Finish: MPI engines finalize MPI and exit; thread engines dispose their backend. */
export interface CloseRequest {
  readonly type: 'close';
  readonly id: number;
}

/** Cluster → engine. */
export type EngineRequest = RunRequest | PushRequest | PullRequest | ScatterRequest | ResetRequest | CloseRequest;

/** Engine → cluster: the answer to request `id` from part `part`. */
export type EngineResponse =
  | { readonly type: 'ok'; readonly id: number; readonly part: number; readonly value: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly part: number; readonly error: SerializedError };

/** MPI engine → cluster, first message on its socket. */
export interface HelloMessage {
  readonly type: 'hello';
  readonly part: number;
  readonly np: number;
  readonly pid: number;
}
