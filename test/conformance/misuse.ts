/**
 * Misuse of the collectives, written once and run on every backend: disagreeing exchange graphs
 * and channel plans, disagreeing roots, items that cannot cross parts, and collectives entered by
 * a subset of the parts (inside per-part code). Each part catches the typed error it must get and
 * checks it; then the run goes on with a collective that must still work, which shows the failed
 * call left every part in step (no part waits in a collective the others left).
 */
import assert from 'node:assert/strict';
import {
  exchange,
  exchangeGraph,
  gather,
  mapMain,
  pmap,
  reduction,
  InvalidArgumentError,
  PartitionedArraysError,
  type ChannelPlan,
  type PData,
} from '../../src/index.js';
import { inPartCode } from '../../src/backends/part-scope.js';
import { onParts } from './case.js';

const add = (a: number, b: number): number => a + b;

/** The error `f` throws on this process (every local part), checked to be a typed error. */
function caught(f: () => unknown, what = 'the call'): PartitionedArraysError {
  try {
    f();
  } catch (error) {
    assert.ok(error instanceof PartitionedArraysError, `expected a PartitionedArraysError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${what} to throw`);
}

/** The parts are still in step: a reduction to every part gives the sum of the part ids. */
function stillInStep(ranks: PData<number>): void {
  const total = reduction(add, ranks, { destination: 'all', init: 0 });
  const np = ranks.np;
  total.forEach((t) => assert.equal(t, (np * (np - 1)) / 2));
}

/** Every part sends to the next part but expects to receive from the next part too. */
export const reversedRingIsRefused = onParts([3, 4], (ranks: PData<number>) => {
  const np = ranks.np;
  const next = ranks.map((p) => [(p + 1) % np]);
  const graph = exchangeGraph(next, { rcv: next });
  const error = caught(() => exchange(ranks.map((p) => [p]), graph).wait());
  assert.ok(error instanceof InvalidArgumentError);
  assert.match(error.message, /^inconsistent exchange graph: /);
  stillInStep(ranks);
});

/** Every part sends 2 values to the next part, which expects 3. */
export function channelLengthsDisagree(ranks: PData<number>): void {
  const np = ranks.np;
  const plans = ranks.map((p) => ({
    snd: Int32Array.of((p + 1) % np),
    sndPtrs: Int32Array.of(0, 2),
    rcv: Int32Array.of((p + np - 1) % np),
    rcvPtrs: Int32Array.of(0, 3),
  }));
  const error = caught(() => ranks.backend.createChannel(plans.localItems));
  assert.ok(error instanceof InvalidArgumentError);
  assert.match(error.message, /^inconsistent channel plan: /);
  stillInStep(ranks);
}

/** A function cannot be copied to another part, on any backend. */
export function functionItemsAreRefused(ranks: PData<number>): void {
  const error = caught(() => gather(ranks.map(() => () => 1), { destination: 'all' }));
  assert.ok(error instanceof InvalidArgumentError);
  assert.match(error.message, /^gather: an item cannot be copied to another part \(/);
  assert.ok(error.partId !== undefined && error.partId >= 0 && error.partId < ranks.np);
  stillInStep(ranks);
}

const insidePartCode = (collective: string, part: number): string =>
  `${collective} is collective: every part must call it, but it was called inside code that runs for part ${part} alone ` +
  `(map, forEach, pmap or mapMain); call it outside, on the whole PData (part ${part})`;

/** `mapMain` runs its function on part 0 alone: a collective there is refused at once. */
export function collectiveInsideMapMain(ranks: PData<number>): void {
  let error: unknown;
  try {
    mapMain(ranks, () => gather(ranks, { destination: 'all' }));
  } catch (e) {
    error = e;
  }
  if (ranks.partIds.includes(0)) {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    assert.equal(error.message, insidePartCode('gather', 0));
    assert.equal(error.partId, 0);
  } else {
    assert.equal(error, undefined);
  }
  stillInStep(ranks);
}

/** A collective inside `map` or `pmap` is entered once per part by per-part code: refused. */
export function collectiveInsideMap(ranks: PData<number>): void {
  const first = ranks.partIds[0];
  const inMap = caught(() => ranks.map(() => reduction(add, ranks, { init: 0 })));
  assert.ok(inMap instanceof InvalidArgumentError);
  assert.match(inMap.message, /is collective: every part must call it, but it was called inside code that runs for part \d+ alone/);
  assert.equal(inMap.partId, first);
  const inPmap = caught(() => pmap((p: number) => ranks.backend.barrier(), ranks));
  assert.equal(inPmap.message, insidePartCode('barrier', first));
  stillInStep(ranks);
}

/**
 * Part 0 gathers to part 0, the others to every part. On Sequential one call serves every part,
 * so the parts cannot disagree (the call takes part 0's choice); on Threads and MPI every part is
 * told, at once, that the roots disagree.
 */
export const rootsDisagree = onParts([2, 3, 4], (ranks: PData<number>) => {
  const first = ranks.partIds[0];
  const destination = first === 0 ? 0 : 'all';
  if (ranks.backend.kind === 'sequential') {
    gather(ranks, { destination }).forEach((all, p) => assert.deepEqual(all, p === 0 ? ranks.localItems : []));
  } else {
    const error = caught(() => gather(ranks, { destination }));
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    const here = first === 0 ? 'part 0' : "'all'";
    const there = first === 0 ? "'all'" : 'part 0';
    assert.match(error.message, new RegExp(`^gather: the parts disagree on the root: ${here} here, ${there} on part \\d+ \\(part ${first}\\)$`));
  }
  stillInStep(ranks);
});

const EMPTY_PLAN: ChannelPlan = {
  snd: new Int32Array(0),
  sndPtrs: Int32Array.of(0),
  rcv: new Int32Array(0),
  rcvPtrs: Int32Array.of(0),
};

/**
 * Every collective of the seam misused the same way on every part, so that each call fails before
 * it communicates: the same typed error, word for word (up to the part named at its end), on every
 * backend. Items are given per local part, as the backend methods take them.
 */
export function everySeamMisuseIsTheSharedError(ranks: PData<number>): void {
  const { backend, np } = ranks;
  const parts = ranks.partIds;
  const nLocal = parts.length;
  const first = parts[0];
  const perPart = <T>(f: (p: number) => T): T[] => parts.map(f);
  const scratch = new Float64Array(np);
  const ones = new Float64Array(nLocal).fill(1);
  const emptyPlans = perPart(() => EMPTY_PLAN);
  const inPart = (collective: string, call: () => unknown): [string, () => unknown, string] => [
    `${collective} in part code`,
    () => inPartCode(first, call),
    `${collective} is collective: every part must call it, but it was called inside code that runs for part ${first} alone ` +
      '(map, forEach, pmap or mapMain); call it outside, on the whole PData',
  ];
  const misuses: [string, () => unknown, string][] = [
    inPart('gather', () => backend.gather(parts, 'all')),
    inPart('scatter', () => backend.scatter(perPart(() => []), 0)),
    inPart('multicast', () => backend.multicast(parts, 0)),
    inPart('allgatherFloat64', () => backend.allgatherFloat64(ones, scratch)),
    inPart('exchange', () => backend.exchange(perPart(() => []), perPart(() => []), perPart(() => []))),
    inPart('createChannel', () => backend.createChannel(emptyPlans)),
    inPart('barrier', () => backend.barrier()),
    ['gather of one item too many', () => backend.gather([...parts, 0], 'all'), `gather: expected one item per local part (${nLocal}), got ${nLocal + 1}`],
    ['gather to a bad part', () => backend.gather(parts, np), `gather destination must be a part id in 0..${np - 1}, got ${np}`],
    [
      'gather of functions',
      () => backend.gather(perPart((p) => () => p), 'all'),
      'gather: an item cannot be copied to another part (() => p could not be cloned.); items that cross parts must be ' +
        'structured data: numbers, strings, plain objects, arrays, typed arrays',
    ],
    ['scatter from a bad part', () => backend.scatter(perPart(() => []), -1), `scatter source must be a part id in 0..${np - 1}, got -1`],
    [
      'scatter of an array too long',
      () => backend.scatter(perPart(() => new Array<number>(np + 1).fill(1)), first),
      `scatter: the source part must hold an array of ${np} items (one per part), got ${np + 1} items`,
    ],
    ['multicast from a bad part', () => backend.multicast(parts, 1.5), `multicast source must be a part id in 0..${np - 1}, got 1.5`],
    [
      'exchange with fewer targets',
      () => backend.exchange(perPart(() => [7, 8]), perPart(() => [0]), perPart(() => [])),
      'exchange: 2 items to send but 1 send targets',
    ],
    [
      'exchange to a bad part',
      () => backend.exchange(perPart(() => [7]), perPart(() => [np]), perPart(() => [])),
      `exchange send target 0 must be a part id in 0..${np - 1}, got ${np}`,
    ],
    [
      'exchange from a bad part',
      () => backend.exchange(perPart(() => []), perPart(() => []), perPart(() => [-1])),
      `exchange receive source 0 must be a part id in 0..${np - 1}, got -1`,
    ],
    [
      'channel plan of plain arrays',
      () => backend.createChannel(perPart(() => ({ ...EMPTY_PLAN, snd: [0] as unknown as Int32Array }))),
      'channel plan: snd and sndPtrs must be Int32Arrays',
    ],
    [
      'channel plan with a bad part',
      () => backend.createChannel(perPart(() => ({ ...EMPTY_PLAN, rcv: Int32Array.of(np), rcvPtrs: Int32Array.of(0, 1) }))),
      `channel plan: rcv lists ${np}, not a part id in 0..${np - 1}`,
    ],
  ];
  for (const [name, call, message] of misuses) {
    const error = caught(call, name);
    assert.ok(error instanceof InvalidArgumentError, `${name}: expected InvalidArgumentError, got ${error.name}`);
    const where = error.partId === undefined ? '' : ` (part ${error.partId})`;
    assert.equal(error.message, `${message}${where}`, name);
    assert.ok(error.partId === undefined || parts.includes(error.partId), `${name}: part ${String(error.partId)} is not local`);
  }
  stillInStep(ranks);
}
