/**
 * What a cluster needs from the engines of a backend: send a request to one engine, hear its
 * answers and its death, and what to do about failures that leave the communicator unusable.
 *
 * @module
 */
import type { EngineRequest, EngineResponse } from './protocol.js';

/** What a link tells its cluster. */
export interface LinkEvents {
  /** An engine answered a request. */
  response(response: EngineResponse): void;
  /** An engine ended by itself (a crash, `process.exit`, a killed rank): the cluster is over. */
  died(part: number, error: Error): void;
}

/** The engines of one cluster, as the cluster drives them. */
export interface EngineLink {
  readonly np: number;
  /** Sends `request` to part `part`'s engine. @throws when the request cannot be sent (not cloneable). */
  post(part: number, request: EngineRequest): void;
  /**
   * A run failed on some part while `waiting()` parts have not answered: a link that can tell
   * they will never answer (they sleep in a collective) stops them. Returns how to stop watching.
   */
  watchFailure(failed: number, waiting: () => readonly number[]): () => void;
  /**
   * After a call settled with `failures` (the parts' errors): the requests (one per part) that
   * give the engines a fresh communicator when the call left theirs unusable, `'restart'` when
   * only new engines can help, else `undefined`.
   */
  recovery(id: number, failures: readonly unknown[]): EngineRequest[] | 'restart' | undefined;
  /** Ends every engine; resolves once they are gone. */
  close(): Promise<void>;
}
