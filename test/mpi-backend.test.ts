/**
 * MpiBackend's argument checks and plan-consistency check, with a fake addon: bad input must throw
 * InvalidArgumentError (with the part id) before any communication.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ChannelPlan } from '../src/index.js';
import { MpiBackend } from '../src/backends/mpi/mpi-backend.js';
import { checkPlansAgree } from '../src/backends/mpi/graph-check.js';
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

  it('checks collective arguments before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    expectInvalid(() => backend.gather([1, 2], 0), 'expected one item per local part (1 on the MPI backend), got 2 (part 1)', 1);
    expectInvalid(() => backend.gather([1], 2), 'gather destination must be a part id in 0..1, got 2');
    expectInvalid(() => backend.scatter([[1, 2, 3]], 1), 'scatter: the source part must hold 2 items (one per part), got 3 (part 1)', 1);
    expectInvalid(() => backend.scatter([[1, 2]], 0.5), 'scatter source must be a part id in 0..1, got 0.5');
    expectInvalid(() => backend.multicast([1], -1), 'multicast source must be a part id in 0..1, got -1');
    expectInvalid(
      () => backend.allgatherFloat64(new Float64Array(1), new Float64Array(3)),
      'allgatherFloat64: out has length 3, expected 1 × 2 = 2 (part 1)',
      1,
    );
    expect(binding.calls).toEqual([]);
  });

  it('checks exchange arguments before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    expectInvalid(() => backend.exchange([[7]], [[0, 0]], [[0]]), 'exchange: 1 items to send but 2 send targets (part 1)', 1);
    expectInvalid(() => backend.exchange([[7]], [[5]], [[0]]), 'exchange send target must be a part id in 0..1, got 5 (part 1)', 1);
    expectInvalid(() => backend.exchange([[7]], [[0]], [[-1]]), 'exchange receive source must be a part id in 0..1, got -1 (part 1)', 1);
    expect(binding.calls).toEqual([]);
  });

  it('throws on every rank when the plans disagree, before moving data', () => {
    const { binding, backend } = backendOnRankOne();
    binding.allreduceResult = 3;
    expectInvalid(
      () => backend.exchange([[7]], [[0]], [[0]]),
      "inconsistent exchange graph: the parts' send lists and receive lists do not match, so a message would never be received or a receive never matched",
    );
    expectInvalid(
      () => backend.createChannel([plan([0], [0, 2], [0], [0, 2])]),
      "inconsistent channel plan: the parts' send lists and receive lists (or the lengths of their messages) do not match, so a message would never be received or a receive never matched",
    );
    expect(binding.calls).toEqual(['allreduce', 'allreduce']);
  });

  it('checks channel plans before communicating', () => {
    const { binding, backend } = backendOnRankOne();
    expectInvalid(() => backend.createChannel([plan([0], [0], [], [0])]), 'channel plan send: 2 offsets starting at 0 expected, got 1 starting at 0 (part 1)', 1);
    expectInvalid(() => backend.createChannel([plan([0], [1, 2], [], [0])]), 'channel plan send: 2 offsets starting at 0 expected, got 2 starting at 1 (part 1)', 1);
    expectInvalid(() => backend.createChannel([plan([], [0], [0, 0], [0, 2, 1])]), 'channel plan receive: offsets must be non-decreasing (entry 2) (part 1)', 1);
    expectInvalid(() => backend.createChannel([plan([2], [0, 1], [], [0])]), 'channel plan send part must be a part id in 0..1, got 2 (part 1)', 1);
    expect(binding.calls).toEqual([]);
  });

  it('finalizes MPI once on dispose', () => {
    const { binding, backend } = backendOnRankOne();
    backend.dispose();
    backend.dispose();
    expect(binding.calls).toEqual(['finalize']);
    expect(binding.isFinalized()).toBe(true);
  });
});

describe('checkPlansAgree', () => {
  /** The per-rank contributions of a 3-rank plan, and whether they sum to zero. */
  function contributions(plans: { snd: number[]; rcv: number[]; sndLen?: number[]; rcvLen?: number[] }[]): boolean {
    const sums = new Float64Array(2);
    plans.forEach((p, rank) => {
      const binding = fakeBinding(rank, plans.length, true);
      checkPlansAgree(binding, rank, 'plan', p.snd, p.rcv, p.sndLen, p.rcvLen);
      const [local] = binding.allreduceInputs;
      sums[0] += local[0];
      sums[1] += local[1];
    });
    return sums[0] === 0 && sums[1] === 0;
  }

  it('sums to zero exactly when every message is expected by its receiver', () => {
    // 0 → 1, 0 → 2, 2 → 1 (with lengths 3, 1, 4)
    const agree = [
      { snd: [1, 2], rcv: [], sndLen: [3, 1], rcvLen: [] },
      { snd: [], rcv: [0, 2], sndLen: [], rcvLen: [3, 4] },
      { snd: [1], rcv: [0], sndLen: [4], rcvLen: [1] },
    ];
    expect(contributions(agree)).toBe(true);
    expect(contributions(agree.map(({ snd, rcv }) => ({ snd, rcv })))).toBe(true);
    const wrongLength = agree.map((p, r) => (r === 1 ? { ...p, rcvLen: [3, 5] } : p));
    expect(contributions(wrongLength)).toBe(false);
    const wrongSource = agree.map((p, r) => (r === 1 ? { ...p, rcv: [0, 0] } : p));
    expect(contributions(wrongSource)).toBe(false);
    const missingReceive = agree.map((p, r) => (r === 2 ? { snd: [1], rcv: [], sndLen: [4], rcvLen: [] } : p));
    expect(contributions(missingReceive)).toBe(false);
  });
});
