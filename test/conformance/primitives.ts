import assert from 'node:assert/strict';
import {
  exchange,
  exchangeGraph,
  gather,
  getAny,
  mapMain,
  multicast,
  pmap,
  reduction,
  scan,
  scatter,
  InvalidArgumentError,
  type PData,
} from '../../src/index.js';
import { exchangeDiscovering } from '../../src/pdata/exchange.js';
import { onParts } from './case.js';

const add = (a: number, b: number): number => a + b;

/** Each part's items as seen from that part (one per local part). */
function each<T>(a: PData<T>, check: (item: T, partId: number) => void): void {
  a.forEach(check);
}

export const gatherToOnePart = onParts([4], (ranks: PData<number>) => {
  const values = ranks.map((p) => 10 * (p + 1));
  each(gather(values, { destination: 1 }), (got, p) =>
    assert.deepEqual(got, p === 1 ? [10, 20, 30, 40] : []),
  );
});

export function gatherToAllAndScatterBack(ranks: PData<number>): void {
  const np = ranks.np;
  const expected = Array.from({ length: np }, (_, p) => 10 * (p + 1));
  const values = ranks.map((p) => 10 * (p + 1));
  each(gather(values, { destination: 'all' }), (got) => assert.deepEqual(got, expected));
  const back = scatter(gather(values, { destination: 0 }), { source: 0 });
  each(back, (got, p) => assert.equal(got, 10 * (p + 1)));
}

export function gatherTypedArraysCopies(ranks: PData<number>): void {
  const arrays = ranks.map((p) => Float64Array.from({ length: p + 1 }, (_, i) => p + i / 10));
  const gathered = gather(arrays, { destination: 'all' });
  each(gathered, (all, p) => {
    assert.equal(all.length, ranks.np);
    all.forEach((a, q) => {
      assert.ok(a instanceof Float64Array);
      assert.deepEqual(Array.from(a), Array.from({ length: q + 1 }, (_, i) => q + i / 10));
    });
    all[p][0] = -1; // a received copy: the sender's data must not change
  });
  each(arrays, (a, p) => assert.equal(a[0], p));
}

export function multicastFromLastPart(ranks: PData<number>): void {
  const source = ranks.np - 1;
  const got = multicast(ranks.map((p) => ({ from: p, data: [p, p * 2] })), { source });
  each(got, (item) => assert.deepEqual(item, { from: source, data: [source, source * 2] }));
}

export const multicastFromPartOne = onParts([2, 3, 4], (ranks: PData<number>) => {
  each(multicast(ranks.map((p) => `hello from ${p}`), { source: 1 }), (s) => assert.equal(s, 'hello from 1'));
});

export const scanWorkedExample = onParts([4], (ranks: PData<number>) => {
  const a = ranks.map((p) => [3, 6, 0, 3][p]);
  each(scan(add, a, { type: 'inclusive', init: 0 }), (got, p) => assert.equal(got, [3, 9, 9, 12][p]));
  each(scan(add, a, { type: 'exclusive', init: 1 }), (got, p) => assert.equal(got, [1, 4, 10, 10][p]));
});

export function reductionInPartOrder(ranks: PData<number>): void {
  const np = ranks.np;
  const words = ranks.map((p) => String.fromCharCode(97 + p));
  const concat = (a: string, b: string): string => a + b;
  const expected = 'x' + Array.from({ length: np }, (_, p) => String.fromCharCode(97 + p)).join('');
  each(reduction(concat, words, { destination: 'all', init: 'x' }), (got) => assert.equal(got, expected));
  const dest = np - 1;
  each(reduction(concat, words, { destination: dest, init: 'x' }), (got, p) =>
    assert.equal(got, p === dest ? expected : 'x'),
  );
  const total = reduction(add, ranks, { destination: 'all', init: 0 });
  assert.equal(getAny(total), (np * (np - 1)) / 2);
}

export function mapMainRunsOnOnePart(ranks: PData<number>): void {
  const main = ranks.np - 1;
  each(mapMain(ranks, (p) => p * 100, { main }), (got, p) => assert.equal(got, p === main ? main * 100 : undefined));
  each(pmap((a, b, p) => a + b + p, ranks, ranks.map((p) => 10 * p)), (got, p) => assert.equal(got, 12 * p));
}

export const exchangeWorkedExample = onParts([4], (ranks: PData<number>) => {
  const sendLists = [[2, 3], [0, 2], [0, 3], [1]];
  const graph = exchangeGraph(ranks.map((p) => sendLists[p]));
  const expectedRcv = [[1, 2], [3], [0, 1], [0, 2]];
  each(graph.rcv, (rcv, p) => assert.deepEqual(Array.from(rcv), expectedRcv[p]));
  const send = pmap((targets: Int32Array) => Array.from(targets, (q) => 10 * (q + 1)), graph.snd);
  const got = exchange(send, graph).wait();
  const expected = [[10, 10], [20], [30, 30], [40, 40]];
  each(got, (items, p) => assert.deepEqual(items, expected[p]));
  // The same exchange with the receive lists found on the way: the same graph and items.
  const found = exchangeDiscovering(send, ranks.map((p) => sendLists[p])).wait();
  each(found.graph.rcv, (rcv, p) => assert.deepEqual(Array.from(rcv), expectedRcv[p]));
  each(found.graph.snd, (snd, p) => assert.deepEqual(Array.from(snd), sendLists[p]));
  each(found.received, (items, p) => assert.deepEqual(items, expected[p]));
  // A part sending nothing: its receiver finds no sender.
  const ring = exchangeDiscovering(
    ranks.map((p) => (p === 3 ? [] : [Float64Array.of(p, 0.5)])),
    ranks.map((p) => (p === 3 ? [] : [p + 1])),
  ).wait();
  each(ring.graph.rcv, (rcv, p) => assert.deepEqual(Array.from(rcv), p === 0 ? [] : [p - 1]));
  each(ring.received, (items, p) => assert.deepEqual(items.map((a) => Array.from(a)), p === 0 ? [] : [[p - 1, 0.5]]));
});

export const exchangeRingOfTypedArrays = onParts([2, 3, 4], async (ranks: PData<number>) => {
  const np = ranks.np;
  const graph = exchangeGraph(ranks.map((p) => [(p + 1) % np]));
  each(graph.rcv, (rcv, p) => assert.deepEqual(Array.from(rcv), [(p + np - 1) % np]));
  const send = ranks.map((p) => [Int32Array.from({ length: p + 1 }, () => p)]);
  const got = await exchange(send, graph);
  each(got, ([item], p) => {
    const from = (p + np - 1) % np;
    assert.ok(item instanceof Int32Array);
    assert.deepEqual(Array.from(item), Array.from({ length: from + 1 }, () => from));
  });
  const reversed = exchange(got, graph.reverse()).wait();
  each(reversed, ([item], p) => assert.deepEqual(Array.from(item), Array.from({ length: p + 1 }, () => p)));
});

/** Every part contributes w values to one allgatherFloat64 (w = 1, 2, 8), and too many is refused on every part. */
export function allgatherFloat64OfSeveralValues(ranks: PData<number>): void {
  const { backend, np } = ranks;
  const nLocal = backend.localParts.length;
  for (const w of [1, 2, 8]) {
    const local = new Float64Array(w * nLocal);
    backend.localParts.forEach((p, i) => {
      for (let j = 0; j < w; j++) local[i * w + j] = 100 * p + j + 0.5;
    });
    const out = new Float64Array(w * np).fill(Number.NaN);
    backend.allgatherFloat64(local, out);
    assert.deepEqual(Array.from(out), Array.from({ length: w * np }, (_, k) => 100 * Math.floor(k / w) + (k % w) + 0.5));
  }
  assert.throws(
    () => backend.allgatherFloat64(new Float64Array(9 * nLocal), new Float64Array(9 * np)),
    (error: unknown) =>
      error instanceof InvalidArgumentError &&
      error.message.startsWith(
        `allgatherFloat64: local has ${9 * nLocal} values for ${nLocal} local part(s); each part must contribute the same number of values, 1 to 8`,
      ),
  );
  assert.throws(
    () => backend.allgatherFloat64(new Float64Array(2 * nLocal), new Float64Array(2 * np + 1)),
    (error: unknown) =>
      error instanceof InvalidArgumentError &&
      error.message.startsWith(`allgatherFloat64: out has length ${2 * np + 1}, expected 2 × ${np} = ${2 * np}`),
  );
}

/** `op` gets exactly (acc, item): Math.max over the part ids is np - 1, never NaN. */
export function reductionCallsOpWithAccAndItem(ranks: PData<number>): void {
  const max = reduction(Math.max, ranks, { destination: 'all', init: 0 });
  each(max, (got) => assert.equal(got, ranks.np - 1));
  const arities = reduction((acc: number, item: number, ...rest: unknown[]) => acc + item + rest.length * 1000, ranks, {
    destination: 'all',
    init: 0,
  });
  each(arities, (got) => assert.equal(got, (ranks.np * (ranks.np - 1)) / 2));
  each(scan(Math.max, ranks, { type: 'exclusive', init: -1 }), (got, p) => assert.equal(got, p - 1));
}

/** A fold without init is refused on every part, before any communication. */
export function reductionAndScanRequireInit(ranks: PData<number>): void {
  const message = (name: string): string =>
    `${name}: the option init is required (the value the fold starts from, e.g. { init: 0 } for a sum)`;
  const loose = reduction as (...args: unknown[]) => unknown;
  assert.throws(() => loose(add, ranks), (e: unknown) => e instanceof InvalidArgumentError && e.message === message('reduction'));
  assert.throws(
    () => scan(add, ranks, { type: 'inclusive' } as { type: 'inclusive'; init: number }),
    (e: unknown) => e instanceof InvalidArgumentError && e.message === message('scan'),
  );
  assert.equal(getAny(reduction(add, ranks, { destination: 'all', init: 0 })), (ranks.np * (ranks.np - 1)) / 2);
}

export function mapMainOnAllParts(ranks: PData<number>): void {
  each(mapMain(ranks, (p) => p + 100, { main: 'all' }), (got, p) => assert.equal(got, p + 100));
}

/** A function cannot cross parts: the same typed error on every backend (every part offers one). */
export function gatherRefusesAFunctionItem(ranks: PData<number>): void {
  const me = ranks.partIds[0];
  assert.throws(
    () => gather(ranks.map(() => () => 1), { destination: 0 }),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      e.partId === me &&
      /^gather: an item cannot be copied to another part \(.+\); items that cross parts must be structured data: numbers, strings, plain objects, arrays, typed arrays \(part \d+\)$/.test(e.message),
  );
  assert.deepEqual(getAny(gather(ranks, { destination: 'all' })), Array.from({ length: ranks.np }, (_, p) => p));
}

function inPartCodeMessage(collective: string, part: number): string {
  return `${collective} is collective: every part must call it, but it was called inside code that runs for part ${part} alone (map, forEach, pmap or mapMain); call it outside, on the whole PData (part ${part})`;
}

/** A collective called inside `map` (by every part, one at a time) is refused, naming it and the part. */
export function collectiveInsideMapIsRefused(ranks: PData<number>): void {
  const me = ranks.partIds[0];
  assert.throws(
    () => ranks.map(() => gather(ranks, { destination: 0 })),
    (e: unknown) => e instanceof InvalidArgumentError && e.partId === me && e.message === inPartCodeMessage('gather', me),
  );
  assert.equal(getAny(reduction(add, ranks, { destination: 'all', init: 0 })), (ranks.np * (ranks.np - 1)) / 2);
}

/** A collective called inside `mapMain` (part 0 alone) is refused on part 0; the run goes on. */
export function collectiveInsideMapMainIsRefused(ranks: PData<number>): void {
  let refused = 0;
  try {
    mapMain(ranks, () => getAny(reduction(add, ranks, { destination: 'all', init: 0 })));
  } catch (e) {
    assert.ok(e instanceof InvalidArgumentError && e.partId === 0 && e.message === inPartCodeMessage('reduction', 0), String(e));
    refused = 1;
  }
  assert.equal(refused, ranks.partIds.includes(0) ? 1 : 0);
  assert.equal(getAny(reduction(add, ranks, { destination: 'all', init: 0 })), (ranks.np * (ranks.np - 1)) / 2);
}
