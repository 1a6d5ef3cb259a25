/**
 * The Sequential backend's collectives: as strict as a distributed run (items that cross parts are
 * copied with the seam's rules, collectives inside per-part code are refused), O(np) memory where
 * the result allows it, and typed errors for part counts no process can hold.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  PTimer,
  SequentialBackend,
  gather,
  getAny,
  mapMain,
  multicast,
  pmap,
  reduction,
  scan,
  scatter,
  withSequential,
  type PData,
} from '../src/index.js';

async function rejection(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error('expected the run to reject');
}

describe('reduction and scan', () => {
  it('call op with exactly (acc, item): Math.max over 4 parts is 3, not NaN', async () => {
    const seen: number[] = [];
    const got = await withSequential(4, (ranks) => {
      const max = reduction(
        (...args: number[]) => {
          seen.push(args.length);
          return Math.max(...args);
        },
        ranks,
        { destination: 'all', init: 0 },
      );
      return max.localItems;
    });
    expect(got).toEqual([3, 3, 3, 3]);
    expect(seen).toEqual([2, 2, 2, 2]);
  });

  it('scan calls op with exactly (acc, item)', async () => {
    const got = await withSequential(3, (ranks) =>
      scan((...args: number[]) => Math.max(...args), ranks.map((p) => [5, 1, 7][p]), { type: 'inclusive', init: 0 }).localItems,
    );
    expect(got).toEqual([5, 5, 7]);
  });

  it('every part holding the result gets its own copy of it', async () => {
    const got = await withSequential(3, (ranks) => {
      const lists = reduction((acc: number[], item: number[]) => [...acc, ...item], ranks.map((p) => [p]), {
        destination: 'all',
        init: [],
      });
      lists.localItems[0].push(99);
      return lists.localItems;
    });
    expect(got).toEqual([[0, 1, 2, 99], [0, 1, 2], [0, 1, 2]]);
  });

  it('folds once, in part order', async () => {
    const calls = await withSequential(5, (ranks) => {
      let n = 0;
      reduction((a: number, b: number) => (n++, a + b), ranks, { destination: 'all', init: 0 });
      return n;
    });
    expect(calls).toBe(5);
  });

  it.each([
    ['reduction', (ranks: PData<number>) => reduction((a: number, b: number) => a + b, ranks, {} as { init: number })],
    ['reduction', (ranks: PData<number>) => (reduction as (...args: unknown[]) => unknown)((a: number, b: number) => a + b, ranks)],
    ['scan', (ranks: PData<number>) => scan((a: number, b: number) => a + b, ranks, { type: 'inclusive' } as { type: 'inclusive'; init: number })],
  ])('%s without init is a typed error naming init', async (name, call) => {
    const error = await rejection(withSequential(2, call));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: `${name}: the option init is required (the value the fold starts from, e.g. { init: 0 } for a sum)`,
    });
  });

  it('withSequential(30000) + a reduction to every part completes quickly with the right value', async () => {
    const started = performance.now();
    const got = await withSequential(30000, (ranks) => {
      const total = reduction((a: number, b: number) => a + b, ranks, { destination: 'all', init: 0 });
      return { first: getAny(total), last: total.localItems[29999], count: total.localItems.length };
    });
    expect(got).toEqual({ first: (30000 * 29999) / 2, last: (30000 * 29999) / 2, count: 30000 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('scan, scatter and multicast with 30000 parts', async () => {
    const got = await withSequential(30000, (ranks) => {
      const prefix = scan((a: number, b: number) => a + b, ranks.map(() => 1), { type: 'exclusive', init: 0 });
      const spread = scatter(mapMain(ranks, () => Array.from({ length: 30000 }, (_, p) => 2 * p)) as PData<number[]>, { source: 0 });
      const shared = multicast(ranks, { source: 29999 });
      return [prefix.localItems[29999], spread.localItems[29999], shared.localItems[0]];
    });
    expect(got).toEqual([29999, 59998, 29999]);
  });
});

describe('gather to every part', () => {
  it('refuses, before allocating, a gather to all whose np² items no process should hold', async () => {
    const error = await rejection(withSequential(5000, (ranks) => gather(ranks, { destination: 'all' })));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({
      message:
        "gather: to 'all' on the Sequential backend every one of the 5000 parts gets a copy of all 5000 items: 25000000 items in this process, more than the limit of 16777216; gather to one part, or use reduction or multicast",
    });
  });

  it('PTimer statistics work with more parts than gather to all allows', async () => {
    const names = await withSequential(5000, (ranks) => {
      const timer = new PTimer(ranks);
      timer.toc('phase');
      return Object.keys(timer.statistics());
    });
    expect(names).toEqual(['phase']);
  });
});

describe('part counts', () => {
  it('rejects a part count no process can hold, before any allocation', async () => {
    const started = performance.now();
    for (const np of [2 ** 20 + 1, 2 ** 31, 1e15]) {
      const error = await rejection(withSequential(np, () => 1));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({
        partId: undefined,
        message: `np must be at most 1048576 on the Sequential backend (every part lives in this process), got ${np}`,
      });
    }
    expect(() => new SequentialBackend(2 ** 40)).toThrow('np must be at most 1048576');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('mapMain', () => {
  it("with main: 'all' runs f on every part, as PartitionedArrays' main=:all", async () => {
    const got = await withSequential(3, (ranks) => mapMain(ranks, (p) => 10 * p, { main: 'all' }).localItems);
    expect(got).toEqual([0, 10, 20]);
  });

  it('with another main runs f on that part only', async () => {
    const got = await withSequential(3, (ranks) => mapMain(ranks, (p) => 10 * p, { main: 2 }).localItems);
    expect(got).toEqual([undefined, undefined, 20]);
  });
});

describe('what crosses parts', () => {
  const fn = (): number => 1;
  it.each([
    ['gather', (ranks: PData<number>) => gather(ranks.map((p) => (p === 1 ? fn : p)), { destination: 0 }), 1],
    ['gather', (ranks: PData<number>) => gather(ranks.map((p) => ({ f: p === 0 ? fn : 1 })), { destination: 'all' }), 0],
    ['multicast', (ranks: PData<number>) => multicast(ranks.map(() => fn), { source: 1 }), 1],
    ['scatter', (ranks: PData<number>) => scatter(ranks.map(() => [fn, fn]), { source: 0 }), 0],
    ['gather', (ranks: PData<number>) => gather(ranks.map(() => Symbol('s'))), 0],
  ])('%s refuses an item that cannot be copied, as Threads and MPI do', async (collective, call, partId) => {
    const error = await rejection(withSequential(2, call as (ranks: PData<number>) => unknown));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(
      new RegExp(`^${collective}: an item cannot be copied to another part \\(.+\\); items that cross parts must be structured data: numbers, strings, plain objects, arrays, typed arrays \\(part ${partId}\\)$`),
    );
    expect(error).toMatchObject({ partId });
  });
});

describe('a collective inside per-part code', () => {
  const message = (collective: string, part: number): string =>
    `${collective} is collective: every part must call it, but it was called inside code that runs for part ${part} alone (map, forEach, pmap or mapMain); call it outside, on the whole PData (part ${part})`;

  it.each([
    ['gather', 'mapMain', (ranks: PData<number>) => mapMain(ranks, () => gather(ranks)), 0],
    ['gather', 'map', (ranks: PData<number>) => ranks.map(() => gather(ranks)), 0],
    ['scatter', 'forEach', (ranks: PData<number>) => ranks.forEach((p) => p === 1 && scatter(ranks.map(() => [1, 2]))), 1],
    ['multicast', 'pmap', (ranks: PData<number>) => pmap((p: number) => p === 1 && multicast(ranks), ranks), 1],
    ['reduction', 'map', (ranks: PData<number>) => ranks.map(() => reduction((a: number, b: number) => a + b, ranks, { init: 0 })), 0],
    ['barrier', 'mapMain', (ranks: PData<number>) => mapMain(ranks, () => ranks.backend.barrier(), { main: 1 }), 1],
    ['allgatherFloat64', 'map', (ranks: PData<number>) => ranks.map(() => ranks.backend.allgatherFloat64(new Float64Array(2), new Float64Array(2))), 0],
    ['exchange', 'map', (ranks: PData<number>) => ranks.map(() => ranks.backend.exchange([[], []], [[], []], [[], []])), 0],
    [
      'createChannel',
      'map',
      (ranks: PData<number>) => {
        const empty = { snd: new Int32Array(0), sndPtrs: new Int32Array(1), rcv: new Int32Array(0), rcvPtrs: new Int32Array(1) };
        return ranks.map(() => ranks.backend.createChannel([empty, empty]));
      },
      0,
    ],
  ])('%s inside %s is refused, naming the collective and the part', async (collective, _where, call, part) => {
    const error = await rejection(withSequential(2, call as (ranks: PData<number>) => unknown));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ partId: part, message: message(collective, part) });
  });

  it('the same collectives outside per-part code still work', async () => {
    const got = await withSequential(2, (ranks) => {
      ranks.backend.barrier();
      return getAny(gather(ranks, { destination: 'all' }));
    });
    expect(got).toEqual([0, 1]);
  });
});
