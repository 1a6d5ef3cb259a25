/**
 * What the Threads and MPI backends share about waiting in a collective: the codes and names of
 * what a part can wait in (so their error messages are the same word for word), and the
 * collective timeout (`PA_COLLECTIVE_TIMEOUT_MS`, or an option), after which a waiting part
 * reports the parts that did not arrive instead of hanging.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/**
 * What a part can wait in. The codes are stored in shared words (Threads) and travel in collective
 * headers (MPI); {@link kindName} gives the name used in error messages.
 */
export const Kind = {
  /** Threads: a worker waits for the supervisor's start signal. */
  start: 1,
  barrier: 2,
  gather: 3,
  scatter: 4,
  multicast: 5,
  allgatherFloat64: 6,
  exchange: 7,
  createChannel: 8,
  channelWait: 9,
  /** MPI: `dispose()`, the rank returned from `main` and waits for the others to finalize MPI. */
  finalize: 10,
  createWindow: 11,
  windowFence: 12,
  windowFree: 13,
  createSharedMemory: 14,
  sharedBarrier: 15,
  sharedFree: 16,
} as const;

/** A code of {@link Kind}. */
export type KindCode = (typeof Kind)[keyof typeof Kind];

const KIND_NAMES: Record<number, string> = {
  [Kind.start]: 'start-up',
  [Kind.barrier]: 'barrier',
  [Kind.gather]: 'gather',
  [Kind.scatter]: 'scatter',
  [Kind.multicast]: 'multicast',
  [Kind.allgatherFloat64]: 'allgatherFloat64',
  [Kind.exchange]: 'exchange',
  [Kind.createChannel]: 'createChannel',
  [Kind.channelWait]: 'Channel.wait',
  [Kind.finalize]: 'finalize',
  [Kind.createWindow]: 'createWindow',
  [Kind.windowFence]: 'Window.fence',
  [Kind.windowFree]: 'Window.free',
  [Kind.createSharedMemory]: 'createSharedMemory',
  [Kind.sharedBarrier]: 'SharedMemory.barrier',
  [Kind.sharedFree]: 'SharedMemory.free',
};

/**
 * The user-facing name of a {@link Kind} code.
 * @example `kindName(Kind.channelWait) // 'Channel.wait'`
 */
export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `collective #${kind}`;
}

/**
 * Parts as error messages name them.
 * @example `partList([1]) // 'part 1'`; `partList([1, 3]) // 'parts 1, 3'`
 */
export function partList(parts: readonly number[]): string {
  return parts.length === 1 ? `part ${parts[0]}` : `parts ${parts.join(', ')}`;
}

/** How long a part waits in a collective before it reports the missing parts, unless set otherwise. */
const DEFAULT_COLLECTIVE_TIMEOUT_MS = 60_000;

/**
 * The collective timeout in milliseconds: `option` when given, else `PA_COLLECTIVE_TIMEOUT_MS` from
 * the environment when set, else 60 000 ms.
 * @throws InvalidArgumentError when the chosen value is not a positive finite number of ms.
 * @example `collectiveTimeoutMs(undefined, { PA_COLLECTIVE_TIMEOUT_MS: '500' }) // 500`
 */
export function collectiveTimeoutMs(option: unknown, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PA_COLLECTIVE_TIMEOUT_MS;
  if (option === undefined && raw !== undefined && raw !== '') {
    const fromEnv = Number(raw);
    if (!(fromEnv > 0 && Number.isFinite(fromEnv))) {
      throw new InvalidArgumentError(`PA_COLLECTIVE_TIMEOUT_MS must be a positive number of milliseconds, got '${raw}'`);
    }
    return fromEnv;
  }
  const ms = option ?? DEFAULT_COLLECTIVE_TIMEOUT_MS;
  if (!(typeof ms === 'number' && ms > 0 && Number.isFinite(ms))) {
    throw new InvalidArgumentError(`collectiveTimeoutMs must be a positive number of milliseconds, got ${String(ms)}`);
  }
  return ms;
}
