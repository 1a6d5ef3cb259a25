/**
 * Part storage and receive arrays given to channels (`Backend.allocateFloat64`,
 * `ChannelOptions.recv`): what each backend allocates, that a given array is the one the channel
 * delivers into, and bad input (typed errors with the part id, before any communication). The
 * parallel behaviour is in conformance/halo.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  LocalIndices,
  OwnRange,
  PRange,
  PVector,
  SequentialBackend,
  ThreadsBackend,
  consistent,
  pfill,
  pvector,
  withSequential,
  type ChannelPlan,
  type MpiBuffer,
} from '../src/index.js';
import { MpiBackend } from '../src/backends/mpi/mpi-backend.js';
import { allocateSharedBuffers } from '../src/backends/threads/shared-state.js';
import { fakeBinding } from './fixtures/mpi/fake-binding.js';

function expectInvalid(f: () => unknown, message: string, partId: number | undefined): void {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  expect(caught).toMatchObject({ code: 'INVALID_ARGUMENT', partId, message });
}

function plan(snd: number[], sndPtrs: number[], rcv: number[], rcvPtrs: number[]): ChannelPlan {
  return { snd: Int32Array.from(snd), sndPtrs: Int32Array.from(sndPtrs), rcv: Int32Array.from(rcv), rcvPtrs: Int32Array.from(rcvPtrs) };
}

/** The one-part Threads backend of a run with np = 1, built in this thread (no worker needed). */
function threadsBackendAlone(): ThreadsBackend {
  return new ThreadsBackend({
    partId: 0,
    np: 1,
    buffers: allocateSharedBuffers(1),
    ports: [null],
    collectiveTimeoutMs: 5000,
    spin: false,
    originMs: performance.timeOrigin + performance.now(),
  });
}

/** Two parts: part 0 sends 2 values to part 1 and 1 value to itself; part 1 sends 3 to part 0. */
const twoPartPlans = [plan([1, 0], [0, 2, 3], [0, 1], [0, 1, 4]), plan([0], [0, 3], [0], [0, 2])];

describe('allocateFloat64', () => {
  it('gives zeroed plain arrays on Sequential and shared memory on Threads', () => {
    const sequential = new SequentialBackend(2).allocateFloat64(5);
    expect(sequential).toEqual(new Float64Array(5));
    expect(sequential.buffer).toBeInstanceOf(ArrayBuffer);
    const threads = threadsBackendAlone();
    const shared = threads.allocateFloat64(5);
    expect(shared).toEqual(new Float64Array(5));
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(threads.allocateFloat64(0).length).toBe(0);
    threads.dispose();
  });

  it('rejects lengths that are not non-negative safe integers', () => {
    const message = (got: string) => `allocateFloat64: length must be a non-negative safe integer, got ${got}`;
    const sequential = new SequentialBackend(1);
    expectInvalid(() => sequential.allocateFloat64(-1), message('-1'), undefined);
    expectInvalid(() => sequential.allocateFloat64(2.5), `${message('2.5')}`, undefined);
    const threads = threadsBackendAlone();
    expectInvalid(() => threads.allocateFloat64(Number.NaN), `${message('NaN')} (part 0)`, 0);
    threads.dispose();
    const mpi = new MpiBackend(fakeBinding(1, 2, true));
    expectInvalid(() => mpi.allocateFloat64(-3), `${message('-3')} (part 1)`, 1);
  });
});

describe('createChannel with receive arrays', () => {
  it('Sequential: a given array is the part\'s recv and receives the values; others get their own', () => {
    const backend = new SequentialBackend(2);
    const storage = backend.allocateFloat64(6).fill(-1);
    const given = storage.subarray(1, 5);
    const channel = backend.createChannel(twoPartPlans, { recv: [given, undefined] });
    expect(channel.recv[0]).toBe(given);
    expect(channel.recv[1]).toHaveLength(2);
    channel.send[0].set([10, 11, 12]);
    channel.send[1].set([20, 21, 22]);
    channel.start();
    channel.wait();
    // Part 0 receives its own third value, then part 1's three; part 1 receives part 0's first two.
    expect(Array.from(storage)).toEqual([-1, 12, 20, 21, 22, -1]);
    expect(Array.from(channel.recv[1])).toEqual([10, 11]);
  });

  it('Threads: accepts shared memory and delivers into it, rejects a plain array', () => {
    const backend = threadsBackendAlone();
    const self = plan([0], [0, 3], [0], [0, 3]);
    const storage = backend.allocateFloat64(5);
    const given = storage.subarray(2);
    const channel = backend.createChannel([self], { recv: [given] });
    expect(channel.recv[0]).toBe(given);
    channel.send[0].set([1.5, 2.5, 3.5]);
    channel.start();
    channel.wait();
    expect(Array.from(storage)).toEqual([0, 0, 1.5, 2.5, 3.5]);
    expectInvalid(
      () => backend.createChannel([self], { recv: [new Float64Array(3)] }),
      'createChannel: options.recv arrays must live in a SharedArrayBuffer on this backend (allocate them with backend.allocateFloat64) (part 0)',
      0,
    );
    backend.dispose();
  });

  it('MPI: the given array is the buffer MPI_Irecv writes into', () => {
    const binding = fakeBinding(1, 2, true);
    const received: MpiBuffer[] = [];
    binding.createExchange = (_snd, _sndPtrs, _send, _rcv, _rcvPtrs, recv) => {
      received.push(recv);
      return { start: () => undefined, wait: () => undefined, active: false };
    };
    const backend = new MpiBackend(binding);
    const given = backend.allocateFloat64(4).subarray(1);
    const channel = backend.createChannel([plan([0], [0, 2], [0], [0, 3])], { recv: [given] });
    expect(received).toEqual([given]);
    expect(received[0]).toBe(given);
    expect(channel.recv[0]).toBe(given);
  });

  it('rejects a receive array of the wrong length or kind, naming the part, before any communication', () => {
    const backend = new SequentialBackend(2);
    expectInvalid(
      () => backend.createChannel(twoPartPlans, { recv: [undefined, new Float64Array(3)] }),
      "createChannel: options.recv must give a Float64Array of the plan's receive length 2, got length 3 (part 1)",
      1,
    );
    expectInvalid(
      () => backend.createChannel(twoPartPlans, { recv: [new Int32Array(4) as unknown as Float64Array, undefined] }),
      "createChannel: options.recv must give a Float64Array of the plan's receive length 4, got Int32Array (part 0)",
      0,
    );
    expectInvalid(
      () => backend.createChannel(twoPartPlans, { recv: [new Float64Array(4)] }),
      'createChannel: options.recv must have one entry per local part (2), got 1',
      undefined,
    );
    const binding = fakeBinding(1, 2, true);
    const mpi = new MpiBackend(binding);
    expectInvalid(
      () => mpi.createChannel([plan([0], [0, 2], [0], [0, 3])], { recv: [new Float64Array(2)] }),
      "createChannel: options.recv must give a Float64Array of the plan's receive length 3, got length 2 (part 1)",
      1,
    );
    expect(binding.calls).toEqual([]);
  });
});

describe('PVector storage', () => {
  it('pvector copies the given values into backend storage and consistent fills ghosts in place', async () => {
    const result = await withSequential(2, async (ranks) => {
      const n = 6;
      // Part 0 owns 0..2 and ghosts 3, 4 (owner 1); part 1 owns 3..5 and ghosts 2 (owner 0).
      const rows = new PRange(
        n,
        ranks.map((p) =>
          p === 0 ? new LocalIndices(0, n, new OwnRange(0, 3), [3, 4], [1, 1]) : new LocalIndices(1, n, new OwnRange(3, 3), [2], [0]),
        ),
      );
      const given = [Float64Array.of(0, 1, 2, -1, -1), Float64Array.of(3, 4, 5, -1)];
      const v = pvector(rows, (ids) => given[ids.partId]);
      await consistent(v);
      return { v, given };
    });
    const { v, given } = result;
    expect(v.values.localItems[0]).not.toBe(given[0]);
    expect(Array.from(given[0])).toEqual([0, 1, 2, -1, -1]);
    expect(v.zeroCopyGhosts.localItems).toEqual([true, true]);
    expect(v.values.localItems.map((local) => Array.from(local))).toEqual([
      [0, 1, 2, 3, 4],
      [3, 4, 5, 2],
    ]);
  });

  it('decides per part: a wrapped plain array next to backend storage keeps the copy', async () => {
    const result = await withSequential(2, async (ranks) => {
      const n = 6;
      const rows = new PRange(
        n,
        ranks.map((p) =>
          p === 0 ? new LocalIndices(0, n, new OwnRange(0, 3), [3, 4], [1, 1]) : new LocalIndices(1, n, new OwnRange(3, 3), [2], [0]),
        ),
      );
      const storage = pfill(0, rows).values;
      const v = new PVector(rows, ranks.map((p) => (p === 0 ? Float64Array.of(0, 1, 2, -1, -1) : storage.localItems[1])));
      v.ownValues().localItems[1].set([3, 4, 5]);
      await consistent(v);
      return { zeroCopy: v.zeroCopyGhosts.localItems, local: v.values.localItems.map((l) => Array.from(l)) };
    });
    expect(result.zeroCopy).toEqual([false, true]);
    expect(result.local).toEqual([
      [0, 1, 2, 3, 4],
      [3, 4, 5, 2],
    ]);
  });

  it('parts whose ghosts are not grouped by owner keep the copy; the others go in place', async () => {
    const flags = await withSequential(3, async (ranks) => {
      const n = 9;
      // Part 0 ghosts 6 (owner 2), 3 (owner 1), 7 (owner 2); parts 1 and 2 ghost 0 (owner 0).
      const rows = new PRange(
        n,
        ranks.map((p) =>
          p === 0
            ? new LocalIndices(0, n, new OwnRange(0, 3), [6, 3, 7], [2, 1, 2])
            : new LocalIndices(p, n, new OwnRange(3 * p, 3), [0], [0]),
        ),
      );
      const v = pfill(5, rows);
      v.ownValues().localItems.forEach((own, p) => own.set([10 * p, 10 * p + 1, 10 * p + 2]));
      await consistent(v);
      return { zeroCopy: v.zeroCopyGhosts.localItems, ghosts: v.ghostValues().localItems.map((g) => Array.from(g)) };
    });
    expect(flags.zeroCopy).toEqual([false, true, true]);
    expect(flags.ghosts).toEqual([[20, 10, 21], [0], [0]]);
  });
});
