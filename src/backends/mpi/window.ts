/**
 * Windows and shared memory of the MPI backend, over the addon's {@link MpiWindow}: every
 * collective step (creation, fence, free, barrier) first meets the other ranks in the header
 * collective (deadline, and a typed error on every rank when they are elsewhere), and only then
 * enters the blocking MPI collective; one-sided calls go straight to `MPI_Get`/`MPI_Put`/
 * `MPI_Accumulate` + `MPI_Win_flush` (passive target: the target takes no part). A fence is
 * `MPI_Win_sync`, a meet, `MPI_Win_sync`: the first publishes this rank's direct writes, the
 * meet orders every rank's completed puts before every rank's later reads, the second makes the
 * puts others made into this rank's memory visible to its direct reads.
 *
 * @module
 */
import { BackendUnavailableError } from '../../errors.js';
import { BUILD_ADDONS_COMMAND } from '../../native-addon.js';
import type { SharedMemory, Window } from '../backend.js';
import { Kind, type KindCode } from '../collectives.js';
import { CheckedSharedMemory, CheckedWindow, type LiveResources, type PartsHeld, type WindowTransport } from '../window-core.js';
import type { MpiBinding, MpiWindow } from './binding.js';

/** What windows need from the backend: its rank, the live list and its header collective. */
export interface MpiWindowContext {
  readonly rank: number;
  readonly np: number;
  readonly resources: LiveResources;
  /** The backend's header collective without a root; returns every rank's size word. */
  readonly meet: (kind: KindCode, size: number) => Float64Array;
}

/**
 * The addon's `name` function, checked before any communication.
 * @throws BackendUnavailableError when the loaded build of the addon predates windows.
 */
export function windowFunction<K extends 'createWindow' | 'createSharedMemory'>(
  binding: MpiBinding,
  name: K,
): NonNullable<MpiBinding[K]> {
  const f = binding[name];
  if (typeof f !== 'function') {
    throw new BackendUnavailableError(
      `${name} is unavailable on the MPI backend`,
      [`the loaded build of the MPI addon has no ${name} (it was built before windows were added)`],
      [`rebuild the addon: ${BUILD_ADDONS_COMMAND}`],
    );
  }
  return f.bind(binding) as NonNullable<MpiBinding[K]>;
}

/** `values` as a Float64Array: itself when it is one, else a copy into `scratch` (grown as needed). */
class RunArgs {
  private scratch = [new Float64Array(8), new Float64Array(8)];

  of(values: ArrayLike<number>, slot: 0 | 1): Float64Array {
    if (values instanceof Float64Array) return values;
    let buffer = this.scratch[slot];
    if (buffer.length < values.length) buffer = this.scratch[slot] = new Float64Array(2 * values.length);
    const view = buffer.subarray(0, values.length);
    for (let k = 0; k < values.length; k++) view[k] = values[k];
    return view;
  }
}

class MpiWindowTransport implements WindowTransport {
  private readonly window: MpiWindow;
  private readonly meet: MpiWindowContext['meet'];
  private readonly args = new RunArgs();

  constructor(window: MpiWindow, meet: MpiWindowContext['meet']) {
    this.window = window;
    this.meet = meet;
  }

  get(_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, out: Float64Array): void {
    this.window.get(target, this.args.of(starts, 0), this.args.of(counts, 1), out);
  }

  put(_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
    this.window.put(target, this.args.of(starts, 0), this.args.of(counts, 1), values);
  }

  accumulate(_: number, target: number, starts: ArrayLike<number>, counts: ArrayLike<number>, values: Float64Array): void {
    this.window.accumulate(target, this.args.of(starts, 0), this.args.of(counts, 1), values);
  }

  fence(): void {
    fence(this.window, this.meet, Kind.windowFence);
  }

  free(): void {
    this.meet(Kind.windowFree, 0);
    this.window.free();
  }

  /** Every rank is in `dispose` (after its header collective): the blocking free is safe. */
  release(): void {
    this.window.free();
  }
}

function held(ctx: MpiWindowContext): PartsHeld {
  return { np: ctx.np, localParts: [ctx.rank], self: ctx.rank };
}

function fence(window: MpiWindow, meet: MpiWindowContext['meet'], kind: KindCode): void {
  window.sync();
  meet(kind, 0);
  window.sync();
}

/**
 * Creates this rank's side of a window exposing `length` values (collective). The ranks' lengths
 * travel in the header collective that precedes `MPI_Win_allocate`; a fence after it publishes
 * the zeroed memory before any rank can `get` it.
 */
export function openMpiWindow(create: NonNullable<MpiBinding['createWindow']>, length: number, ctx: MpiWindowContext): Window {
  const headers = ctx.meet(Kind.createWindow, length);
  const lengths = Float64Array.from(headers);
  const window = create(length, lengths);
  fence(window, ctx.meet, Kind.createWindow);
  const transport = new MpiWindowTransport(window, ctx.meet);
  return new CheckedWindow(held(ctx), [window.memory], Array.from(lengths), transport, ctx.resources);
}

/** Creates node-shared memory of `length` values (collective; the lengths were checked to agree). */
export function openMpiSharedMemory(
  create: NonNullable<MpiBinding['createSharedMemory']>,
  length: number,
  ctx: MpiWindowContext,
): SharedMemory {
  const shared = create(length);
  fence(shared, ctx.meet, Kind.createSharedMemory);
  const transport = {
    barrier: () => fence(shared, ctx.meet, Kind.sharedBarrier),
    free: () => {
      ctx.meet(Kind.sharedFree, 0);
      shared.free();
    },
    release: () => shared.free(),
  };
  return new CheckedSharedMemory(held(ctx), [shared.memory], [Array.from(shared.sharers)], transport, ctx.resources);
}
