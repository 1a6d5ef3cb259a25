/**
 * MpiBackend with a fake addon: bad input must throw InvalidArgumentError (with the part id) before
 * any communication; ranks that disagree on a collective, its root or a plan must throw a typed
 * error at the first step; and the error of a timed-out wait names the missing parts.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ChannelPlan } from '../src/index.js';
import { CollectiveTimeoutError } from '../src/errors.js';
import { inPartCode } from '../src/backends/part-scope.js';
import type { MpiTimeoutReport } from '../src/backends/mpi/binding.js';
import { MpiBackend } from '../src/backends/mpi/mpi-backend.js';
import { firstDisagreement } from '../src/backends/mpi/graph-check.js';
import { Kind } from '../src/backends/collectives.js';
import { ALL_PARTS, NO_ROOT } from '../src/backends/mpi/header.js';
import { timeoutError } from '../src/backends/mpi/timeout.js';
import { fakeBinding } from './fixtures/mpi/fake-binding.js';
import { kernelKind } from '../src/kernels/select-kernels.js';

function expectInvalid(f: () => unknown, message: string, partId?: number): void {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  const error = caught as InvalidArgumentError;
  expect(error.code).toBe('INVALID_ARGUMENT');
  expect(error.partId).toBe(partId);
  expect(error.message).toBe(message);
}

function expectTimeout(f: () => unknown, collective: string, missingParts: number[], message: string): void {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  if (message === '') {
    expect(caught).toBeUndefined();
    return;
  }
  expect(caught).toBeInstanceOf(CollectiveTimeoutError);
  const error = caught as CollectiveTimeoutError;
  expect(error.code).toBe('COLLECTIVE_TIMEOUT');
  expect(error.collective).toBe(collective);
  expect(error.missingParts).toEqual(missingParts);
  expect(error.partId).toBe(1);
  expect(error.message).toBe(message);
}

/** Rank 1 of 2, initialized. */
function backendOnRankOne() {
  const binding = fakeBinding(1, 2, true);
  return { binding, backend: new MpiBackend(binding) };
}

function plan(snd: number[], sndPtrs: number[], rcv: number[], rcvPtrs: number[]): ChannelPlan {
  return {
    snd: Int32Array.from(snd),
    sndPtrs: Int32Array.from(sndPtrs),
    rcv: Int32Array.from(rcv),
    rcvPtrs: Int32Array.from(rcvPtrs),
  };
}

describe('MpiBackend with a fake addon', () => {
  it('holds the one part of its rank', () => {
    const { backend } = backendOnRankOne();
    expect(backend.kind).toBe('mpi');
    expect(backend.kernels).toBe(kernelKind);
    expect(backend.np).toBe(2);
    expect(backend.localParts).toEqual([1]);
  });

  it('refuses a binding that is not initialized', () => {
    expectInvalid(
      () => new MpiBackend(fakeBinding(0, 2)),
      'MpiBackend needs an initialized MPI binding (call init() first, and not after finalize())',
    );
  });

  it('checks collective arguments before communicating, with the seam\'s messages', () => {
    const { binding, backend } = backendOnRankOne();
    expectInvalid(() => backend.gather([1, 2], 0), 'gather: expected one item per local part (1), got 2 (part 1)', 1);
    expectInvalid(() => backend.gather([1], 2), 'gather destination must be a part id in 0..1, got 2 (part 1)', 1);
    expectInvalid(
      () => backend.scatter([[1, 2, 3]], 1),
      'scatter: the source part must hold an array of 2 items (one per part), got 3 items (part 1)',
      1,
    );
    expectInvalid(() => backend.scatter([[1, 2]], 0.5), 'scatter source must be a part id in 0..1, got 0.5 (part 1)', 1);
    expectInvalid(() => backend.multicast([1], -1), 'multicast source must be a part id in 0..1, got -1 (part 1)', 1);
    expectInvalid(
      () => backend.allgatherFloat64(new Float64Array(1), new Float64Array(3)),
      'allgatherFloat64: out has length 3, expected 1 × 2 = 2 (part 1)',
      1,
    );
    expect(binding.calls).toEqual([]);
  });

  it('refuses an item that cannot cross parts before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    const uncopyable = (collective: string) =>
      `${collective}: an item cannot be copied to another part (() => 1 could not be cloned.); items that cross parts must be ` +
      'structured data: numbers, strings, plain objects, arrays, typed arrays (part 1)';
    expectInvalid(() => backend.gather([() => 1], 'all'), uncopyable('gather'), 1);
    expectInvalid(() => backend.multicast([() => 1], 1), uncopyable('multicast'), 1);
    expectInvalid(() => backend.scatter([[0, () => 1]], 1), uncopyable('scatter'), 1);
    expectInvalid(() => backend.exchange([[() => 1]], [[0]], [[0]]), uncopyable('exchange'), 1);
    expect(binding.calls).toEqual([]);
  });

  it('refuses every collective inside per-part code before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    const inside = (collective: string) =>
      `${collective} is collective: every part must call it, but it was called inside code that runs for part 1 alone ` +
      '(map, forEach, pmap or mapMain); call it outside, on the whole PData (part 1)';
    const collectives: Record<string, () => unknown> = {
      gather: () => backend.gather([1], 'all'),
      scatter: () => backend.scatter([[1, 2]], 1),
      multicast: () => backend.multicast([1], 0),
      allgatherFloat64: () => backend.allgatherFloat64(new Float64Array(1), new Float64Array(2)),
      exchange: () => backend.exchange([[7]], [[0]], [[0]]),
      createChannel: () => backend.createChannel([plan([0], [0, 1], [0], [0, 1])]),
      barrier: () => backend.barrier(),
    };
    for (const [name, call] of Object.entries(collectives)) expectInvalid(() => inPartCode(1, call), inside(name), 1);
    expect(binding.calls).toEqual([]);
  });

  it('checks exchange arguments before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    expectInvalid(() => backend.exchange([[7]], [[0, 0]], [[0]]), 'exchange: 1 items to send but 2 send targets (part 1)', 1);
    expectInvalid(() => backend.exchange([[7]], [[5]], [[0]]), 'exchange send target 0 must be a part id in 0..1, got 5 (part 1)', 1);
    expectInvalid(() => backend.exchange([[7]], [[0]], [[-1]]), 'exchange receive source 0 must be a part id in 0..1, got -1 (part 1)', 1);
    expect(binding.calls).toEqual([]);
  });

  it('checks channel plans before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    expectInvalid(
      () => backend.createChannel([plan([0], [0], [], [0])]),
      'channel plan: sndPtrs must have snd.length + 1 = 2 entries starting at 0 (part 1)',
      1,
    );
    expectInvalid(() => backend.createChannel([plan([], [0], [0, 0], [0, 2, 1])]), 'channel plan: rcvPtrs decreases at 2 (part 1)', 1);
    expectInvalid(() => backend.createChannel([plan([2], [0, 1], [], [0])]), 'channel plan: snd lists 2, not a part id in 0..1 (part 1)', 1);
    expect(binding.calls).toEqual([]);
  });

  it('allgatherFloat64 is one collective, its values carried in the header', () => {
    const { binding, backend } = backendOnRankOne();
    binding.peerHeaders = { 0: [Kind.allgatherFloat64, NO_ROOT, 2, 10, 20] };
    const out = new Float64Array(4);
    backend.allgatherFloat64(Float64Array.of(1.5, 2.5), out);
    expect(Array.from(out)).toEqual([10, 20, 1.5, 2.5]);
    expect(binding.calls).toEqual(['meet']);
  });

  it('turns parts that disagree on the root into InvalidArgumentError at the header', () => {
    const { binding, backend } = backendOnRankOne();
    binding.peerHeaders = { 0: [Kind.gather, 0] };
    expectInvalid(() => backend.gather([1], 'all'), "gather: the parts disagree on the root: 'all' here, part 0 on part 0 (part 1)", 1);
    binding.peerHeaders = { 0: [Kind.multicast, 0] };
    expectInvalid(() => backend.multicast([1], 1), 'multicast: the parts disagree on the root: part 1 here, part 0 on part 0 (part 1)', 1);
    binding.peerHeaders = { 0: [Kind.allgatherFloat64, NO_ROOT, 3] };
    expectInvalid(
      () => backend.allgatherFloat64(new Float64Array(1), new Float64Array(2)),
      'allgatherFloat64: the parts disagree on the number of values: 1 here, 3 on part 0 (part 1)',
      1,
    );
    expect(binding.calls).toEqual(['meet', 'meet', 'meet']);
  });

  it('turns parts in another collective, or returned from main, into CollectiveTimeoutError at the header', () => {
    const { binding, backend } = backendOnRankOne();
    binding.peerHeaders = { 0: [Kind.finalize, NO_ROOT] };
    expectTimeout(() => backend.gather([1], 'all'), 'gather', [0], 'gather cannot complete: part 0 will never arrive (part 0 returned from main) (part 1)');
    binding.peerHeaders = { 0: [Kind.barrier, NO_ROOT] };
    expectTimeout(() => backend.barrier(), 'barrier', [], '');
    binding.peerHeaders = { 0: [Kind.gather, ALL_PARTS] };
    expectTimeout(() => backend.barrier(), 'barrier', [0], 'barrier cannot complete: part 0 will never arrive (part 0 waits in gather) (part 1)');
    expectTimeout(
      () => backend.dispose(),
      'finalize',
      [0],
      'finalize cannot complete: part 0 will never arrive (part 0 waits in gather) (part 1)',
    );
    expect(binding.isInitialized()).toBe(true);
  });

  it('throws on every rank when the exchange graph or channel plans disagree, before moving data', () => {
    const { binding, backend } = backendOnRankOne();
    binding.plansAgree = false;
    binding.countsIn = Int32Array.of(0, 0);
    expectInvalid(
      () => backend.exchange([[7]], [[0]], [[0]]),
      'inconsistent exchange graph: part 1 expects 1 item(s) from part 0, which sends it 0 (part 1)',
      1,
    );
    binding.countsIn = undefined;
    expectInvalid(
      () => backend.createChannel([plan([0], [0, 2], [0], [0, 3])]),
      'inconsistent channel plan: part 0 sends 2 values to part 1, which expects 3 (part 1)',
      1,
    );
    expect(binding.calls).toEqual(['meet', 'alltoall', 'alltoallv', 'allgather', 'meet', 'alltoall', 'alltoallv', 'allgather']);
  });

  it('alone, an exchange that sends and expects nothing makes no MPI call; one that does still meets', () => {
    const binding = fakeBinding(0, 1, true);
    const backend = new MpiBackend(binding);
    expect(backend.exchange([[]], [[]], [[]]).wait()).toEqual([[]]);
    expect(backend.discoverExchange([[]], [[]]).wait()).toEqual([[new Int32Array(0), []]]);
    expect(binding.calls).toEqual([]);
    // A message to itself is checked and sent as on several ranks (the arguments first: still none).
    expectInvalid(() => backend.exchange([[]], [[]], [[3]]), 'exchange receive source 0 must be a part id in 0..0, got 3 (part 0)', 0);
    expect(binding.calls).toEqual([]);
    // The fake moves no data: it refuses createExchange, after the collectives that learn the graph.
    expect(() => backend.discoverExchange([[7]], [[0]])).toThrow('fake binding: unexpected call to createExchange');
    expect(binding.calls).toEqual(['meet', 'alltoall', 'alltoallv', 'createExchange']);
  });

  it('checks a channel plan once: opened again on every rank, it takes the header collective alone', () => {
    const { binding, backend } = backendOnRankOne();
    const reused = plan([0], [0, 2], [0], [0, 2]);
    const open = (): void => {
      expect(() => backend.createChannel([reused])).toThrow('fake binding: unexpected call to createExchange');
    };
    binding.calls.splice(0);
    open();
    expect(binding.calls.splice(0)).toEqual(['meet', 'alltoall', 'alltoallv', 'allgather', 'createExchange']);
    open();
    expect(binding.calls.splice(0)).toEqual(['meet', 'createExchange']);
    // Rank 0 has not checked its plan (another object there): every rank checks again.
    binding.peerHeaders = { 0: [Kind.createChannel, NO_ROOT, 0] };
    open();
    expect(binding.calls.splice(0)).toEqual(['meet', 'alltoall', 'alltoallv', 'allgather', 'createExchange']);
    // A plan that fails the check is checked again next time.
    binding.peerHeaders = {};
    const bad = plan([0], [0, 2], [0], [0, 3]);
    binding.plansAgree = false;
    for (let i = 0; i < 2; i++) {
      expectInvalid(() => backend.createChannel([bad]), 'inconsistent channel plan: part 0 sends 2 values to part 1, which expects 3 (part 1)', 1);
      expect(binding.calls.splice(0)).toEqual(['meet', 'alltoall', 'alltoallv', 'allgather']);
    }
  });

  it('takes the collective timeout from its option, else PA_COLLECTIVE_TIMEOUT_MS, else 60 s', () => {
    const saved = process.env.PA_COLLECTIVE_TIMEOUT_MS;
    try {
      delete process.env.PA_COLLECTIVE_TIMEOUT_MS;
      const binding = fakeBinding(0, 1, true);
      new MpiBackend(binding);
      expect(binding.timeoutMs).toBe(60_000);
      process.env.PA_COLLECTIVE_TIMEOUT_MS = '1500';
      new MpiBackend(binding);
      expect(binding.timeoutMs).toBe(1500);
      new MpiBackend(binding, { collectiveTimeoutMs: 250 });
      expect(binding.timeoutMs).toBe(250);
      process.env.PA_COLLECTIVE_TIMEOUT_MS = 'soon';
      expectInvalid(() => new MpiBackend(binding), "PA_COLLECTIVE_TIMEOUT_MS must be a positive number of milliseconds, got 'soon'");
    } finally {
      if (saved === undefined) delete process.env.PA_COLLECTIVE_TIMEOUT_MS;
      else process.env.PA_COLLECTIVE_TIMEOUT_MS = saved;
    }
  });

  it('meets the other ranks, then finalizes MPI once, on dispose', () => {
    const { binding, backend } = backendOnRankOne();
    backend.dispose();
    backend.dispose();
    expect(binding.calls).toEqual(['meet', 'finalize']);
    expect(binding.isFinalized()).toBe(true);
  });
});

describe('timeoutError', () => {
  const report = (over: Partial<MpiTimeoutReport>): MpiTimeoutReport => ({
    operation: 'MPI_Iallgather',
    kind: Kind.gather,
    timeoutMs: 500,
    rank: 0,
    pending: null,
    states: Int32Array.of(Kind.gather, -1, Kind.gather, Kind.finalize),
    ...over,
  });

  it('names the parts that did not answer that they wait in the same collective', () => {
    const error = timeoutError(report({}));
    expect(error).toBeInstanceOf(CollectiveTimeoutError);
    expect(error.collective).toBe('gather');
    expect(error.missingParts).toEqual([1, 3]);
    expect(error.partId).toBe(0);
    expect(error.message).toBe('gather: parts 1, 3 did not arrive within 500 ms (part 1 is running; part 3 returned from main) (part 0)');
  });

  it('for an exchange, names the parts whose messages are incomplete', () => {
    const error = timeoutError(
      report({ operation: 'MPI_Testall', kind: Kind.channelWait, rank: 2, pending: Int32Array.of(0), states: Int32Array.of(Kind.barrier, -1, Kind.channelWait) }),
    );
    expect(error.collective).toBe('Channel.wait');
    expect(error.missingParts).toEqual([0]);
    expect(error.message).toBe('Channel.wait: part 0 did not arrive within 500 ms (part 0 waits in barrier) (part 2)');
  });

  it('names the MPI operation when no collective of the backend was waited in', () => {
    const error = timeoutError(report({ kind: 0, states: Int32Array.of(0, -1) }));
    expect(error.message).toBe('MPI_Iallgather: part 1 did not arrive within 500 ms (part 1 is running) (part 0)');
  });
});

describe('firstDisagreement', () => {
  it('finds what a rank receives that it does not expect, in part order', () => {
    // Reversed ring of 3: every part sends to the next but expects from the next. Part 0 receives
    // one message (from 2) and expects one from 1.
    expect(Array.from(firstDisagreement(3, Int32Array.of(0, 0, 1), Int32Array.of(5), [1]))).toEqual([1, 1, 0, 1]);
    // Part 1 receives one from 0, expects none from 0.
    expect(Array.from(firstDisagreement(3, Int32Array.of(1, 0, 0), Int32Array.of(5), [2]))).toEqual([1, 0, 1, 0]);
  });

  it('compares the lengths in the order the sender sends them', () => {
    // Part 0 sends two segments (2, then 3 values) to this part, which expects 3, then 2.
    expect(Array.from(firstDisagreement(2, Int32Array.of(2, 0), Int32Array.of(2, 3), [0, 0], [3, 2]))).toEqual([2, 0, 2, 3]);
    expect(Array.from(firstDisagreement(2, Int32Array.of(2, 0), Int32Array.of(2, 3), [0, 0], [2, 3]))).toEqual([0, 0, 0, 0]);
    expect(Array.from(firstDisagreement(2, Int32Array.of(2, 0), Int32Array.of(2, 3), [0, 0]))).toEqual([0, 0, 0, 0]);
  });
});
