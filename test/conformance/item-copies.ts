/**
 * What crosses parts arrives as a copy equal to what was sent, whatever the backend lays it out
 * as: typed arrays of every element type (MPI writes them raw, with padding to 8 bytes), odd byte
 * lengths, empty arrays, views into a larger buffer, and structured items mixed with them in one
 * exchange, in every collective.
 */
import assert from 'node:assert/strict';
import { exchange, exchangeGraph, gather, multicast, pmap, scatter, type PData } from '../../src/index.js';
import { onParts } from './case.js';

/** Part `p`'s items: one of each typed array type (lengths p, p+1, ...), and structured ones. */
function itemsOf(p: number): unknown[] {
  const backing = new Float64Array(8 + p).map((_, i) => i + p / 4);
  return [
    Int8Array.from({ length: p + 1 }, (_, i) => -i - p),
    Uint8Array.from({ length: p + 3 }, (_, i) => 250 - i),
    Uint8ClampedArray.of(p, 255),
    Int16Array.from({ length: p + 1 }, (_, i) => -300 * i),
    Uint16Array.of(65535, p),
    Int32Array.from({ length: p }, (_, i) => -(2 ** 31) + i),
    Uint32Array.of(2 ** 32 - 1 - p),
    Float32Array.of(p + 0.5, -0, Number.NaN),
    Float64Array.of(Math.PI * p, -Infinity, 2 ** -1074),
    BigInt64Array.of(-(2n ** 63n) + BigInt(p)),
    BigUint64Array.of(2n ** 64n - 1n - BigInt(p)),
    new Float64Array(0),
    new Uint8Array(0),
    backing.subarray(1 + (p % 3), 5 + p),
    new Int16Array(backing.buffer, 2, 3),
    { part: p, ids: Int32Array.of(p, p + 1), name: `part ${p}` },
    [p, 'x', null],
    p,
  ];
}

function assertSame(got: unknown, sent: unknown): void {
  if (ArrayBuffer.isView(sent)) {
    assert.equal(Object.getPrototypeOf(got), Object.getPrototypeOf(sent));
    const a = got as unknown as ArrayLike<unknown>;
    const b = sent as unknown as ArrayLike<unknown>;
    assert.equal(a.length, b.length);
    for (let i = 0; i < b.length; i++) assert.ok(Object.is(a[i], b[i]), `element ${i}: ${String(a[i])} against ${String(b[i])}`);
    return;
  }
  assert.deepEqual(got, sent);
}

/** Every item, sent in one exchange to the next part: equal, and a copy. */
export const exchangeOfEveryItemKind = onParts([2, 3, 4], (ranks: PData<number>) => {
  const np = ranks.np;
  const graph = exchangeGraph(ranks.map((p) => [(p + 1) % np]));
  const oneMessage = ranks.map((p) => [itemsOf(p)]);
  const got = exchange(oneMessage, graph).wait();
  got.forEach(([items], p) => {
    itemsOf((p + np - 1) % np).forEach((sent, k) => assertSame(items[k], sent));
    (items[8] as Float64Array)[0] = -1; // a copy: the sender's own array is untouched
  });
  oneMessage.forEach(([items], p) => assert.equal((items[8] as Float64Array)[0], Math.PI * p));
});

/**
 * Two messages per part in one exchange, item kinds k and k + 1: the second starts after the
 * first whatever its length, and each typed array still reads at its own element size.
 */
export const exchangeOfTwoItemKindsAtOnce = onParts([3, 4], (ranks: PData<number>) => {
  const np = ranks.np;
  const graph = exchangeGraph(ranks.map((p) => [(p + 1) % np, (p + 2) % np]));
  const kinds = itemsOf(0).length;
  for (let k = 0; k + 1 < kinds; k++) {
    const got = exchange(ranks.map((p) => [itemsOf(p)[k], itemsOf(p)[k + 1]]), graph).wait();
    pmap((items: unknown[], rcv: Int32Array, p: number) => {
      items.forEach((item, j) => {
        const from = rcv[j];
        // `from` sent kind k to its next part and kind k + 1 to the one after.
        assertSame(item, itemsOf(from)[(from + 1) % np === p ? k : k + 1]);
      });
    }, got, graph.rcv, ranks);
  }
});

export const gatherScatterMulticastOfEveryItemKind = onParts([1, 2, 3, 4], (ranks: PData<number>) => {
  const np = ranks.np;
  const kinds = itemsOf(0).length;
  for (let k = 0; k < kinds; k++) {
    const mine = ranks.map((p) => itemsOf(p)[k]);
    gather(mine, { destination: 'all' }).forEach((all) => all.forEach((item, q) => assertSame(item, itemsOf(q)[k])));
    gather(mine, { destination: np - 1 }).forEach((all, p) => {
      assert.equal(all.length, p === np - 1 ? np : 0);
      all.forEach((item, q) => assertSame(item, itemsOf(q)[k]));
    });
    const back = scatter(gather(mine, { destination: 0 }), { source: 0 });
    back.forEach((item, p) => assertSame(item, itemsOf(p)[k]));
    multicast(mine, { source: np - 1 }).forEach((item) => assertSame(item, itemsOf(np - 1)[k]));
  }
  // The source's own multicast result is a copy too.
  const sent = ranks.map((p) => Float64Array.of(p, 1));
  multicast(sent, { source: 0 }).forEach((item) => {
    assert.deepEqual(Array.from(item), [0, 1]);
    item[1] = 7;
  });
  sent.forEach((item) => assert.equal(item[1], 1));
});
