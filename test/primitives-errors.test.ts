import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  PartFailedError,
  PartitionMismatchError,
  exchange,
  exchangeGraph,
  gather,
  pmap,
  scatter,
  uniformPartition,
  withSequential,
  type PData,
} from '../src/index.js';

describe('running a driver: bad input', () => {
  it.each([0, -2, 1.5, Number.NaN])('rejects np = %s with a typed error', async (np) => {
    const run = withSequential(np, () => 1);
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: undefined,
      message: `np must be an integer >= 1, got ${String(np)}`,
    });
  });

  it('names the part whose code threw a foreign error, keeping it as the cause', async () => {
    const boom = new RangeError('boom');
    const run = withSequential(3, (ranks) =>
      ranks.map((p) => {
        if (p === 2) throw boom;
        return p;
      }),
    );
    await expect(run).rejects.toThrow(PartFailedError);
    await expect(run).rejects.toMatchObject({ code: 'PART_FAILED', partId: 2, message: 'part 2 failed: RangeError: boom', cause: boom });
  });
});

describe('collectives: bad input', () => {
  it('rejects a scatter whose source does not hold one item per part, naming the source', async () => {
    const run = withSequential(3, (ranks) => scatter(ranks.map((p) => (p === 1 ? [1, 2] : [])), { source: 1 }));
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: 1,
      message: 'scatter: the source part must hold an array of 3 items (one per part), got 2 items (part 1)',
    });
  });

  it('rejects a destination that is not a part', async () => {
    const run = withSequential(2, (ranks) => gather(ranks, { destination: 2 }));
    await expect(run).rejects.toThrow("gather destination must be 'all' or a part id in 0..1, got 2");
  });

  it('rejects send lists naming missing parts, the part itself, or a part twice', async () => {
    const lists: Record<string, number[][]> = {
      'lists 5, not a part id in 0..2': [[5], [], []],
      'lists the part itself': [[1], [1], []],
      'lists part 2 twice': [[2, 2], [], []],
    };
    for (const [message, snd] of Object.entries(lists)) {
      const run = withSequential(3, (ranks) => exchangeGraph(ranks.map((p) => snd[p])));
      await expect(run).rejects.toThrow(InvalidArgumentError);
      await expect(run).rejects.toThrow(message);
    }
  });

  it('rejects an exchange whose items do not match the send list, naming the part', async () => {
    const run = withSequential(2, (ranks) => {
      const graph = exchangeGraph(ranks.map((p) => [1 - p]));
      return exchange(ranks.map((p) => (p === 0 ? [1, 2] : [3])), graph);
    });
    await expect(run).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      partId: 0,
      message: 'exchange: part sends 2 items but its send list has 1 targets (part 0)',
    });
  });

  it('rejects an exchange graph whose receive lists do not match the send lists', async () => {
    const run = withSequential(2, (ranks) => {
      const graph = exchangeGraph(ranks.map((p) => (p === 0 ? [1] : [])), { rcv: ranks.map(() => []) });
      return exchange(ranks.map((p) => (p === 0 ? [1] : [])), graph).wait();
    });
    await expect(run).rejects.toThrow('inconsistent exchange graph: message 0->1 has no matching receive');
  });

  it('rejects combining data of two different runs', async () => {
    let other: PData<number> | undefined;
    await withSequential(2, (ranks) => {
      other = ranks;
    });
    const run = withSequential(2, (ranks) => pmap((a: number, b: number) => a + b, ranks, other!));
    await expect(run).rejects.toThrow(PartitionMismatchError);
    await expect(run).rejects.toThrow('PData of different runs (different ranks) cannot be combined');
  });

  it('rejects a partition built for a different number of parts', async () => {
    const run = withSequential(3, (ranks) => uniformPartition(ranks, [2, 2], [4, 4]));
    await expect(run).rejects.toThrow(PartitionMismatchError);
  });
});
