/**
 * Halo exchanges that fill a vector's ghosts in place: `PVector.zeroCopyGhosts` says which parts
 * receive straight into their ghost region, and the ghost values must be right either way, round
 * after round, with values that change every round. Also the channel option behind it
 * (`ChannelOptions.recv`) at the backend level.
 */
import assert from 'node:assert/strict';
import {
  LocalIndices,
  OwnRange,
  PRange,
  PVector,
  consistent,
  pfill,
  pzeros,
  type Backend,
  type PData,
} from '../../src/index.js';
import { onParts } from './case.js';
import { ringPlan } from '../fixtures/ring-plan.js';

const ROUNDS = 100;
const BLOCK = 8;

/** Part p owns `BLOCK` ids starting at `BLOCK * p`. */
const firstOf = (p: number): number => BLOCK * p;
const ownerOf = (g: number): number => Math.floor(g / BLOCK);

/** Blocks of BLOCK ids; each part ghosts the ids listed by `ghostsOf(p, np)`, in that local order. */
function blockRange(ranks: PData<number>, ghostsOf: (p: number, np: number) => number[]): PRange {
  const n = BLOCK * ranks.np;
  return new PRange(
    n,
    ranks.map((p) => {
      const ghosts = ghostsOf(p, ranks.np);
      return new LocalIndices(p, n, new OwnRange(firstOf(p), BLOCK), ghosts, ghosts.map(ownerOf));
    }),
  );
}

/** Two ids on each side of the block, ascending (so grouped by owner); periodic. */
function neighbourGhosts(p: number, np: number): number[] {
  if (np === 1) return [];
  const n = BLOCK * np;
  const lo = firstOf(p);
  const ids = [lo - 2, lo - 1, lo + BLOCK, lo + BLOCK + 1].map((g) => (g + n) % n);
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Part 0 ghosts ids of parts 2, 1, 2 in that local order (not grouped by owner); the others ghost part 0's first id. */
function interleavedGhosts(p: number): number[] {
  if (p === 0) return [firstOf(2), firstOf(1) + 3, firstOf(2) + 5];
  return [0];
}

const valueOf = (round: number, g: number): number => round * 10000 + g + 0.25;

/** Runs ROUNDS ghost updates with own values changing every round; checks every local value. */
function checkRounds(v: PVector): void {
  const ids = v.rows.partition.localItems;
  for (let round = 1; round <= ROUNDS; round++) {
    v.values.localItems.forEach((local, i) => {
      for (let lid = 0; lid < ids[i].nOwn; lid++) local[lid] = valueOf(round, ids[i].ownToGlobal[lid]);
    });
    consistent(v).wait();
    v.values.localItems.forEach((local, i) => {
      ids[i].localToGlobal.forEach((g, lid) =>
        assert.equal(local[lid], valueOf(round, g), `round ${round}, part ${ids[i].partId}, local id ${lid}`),
      );
    });
  }
}

function assertSharedOnThreads(backend: Backend, arrays: readonly Float64Array[]): void {
  if (backend.kind !== 'threads') return;
  for (const local of arrays) assert.ok(local.buffer instanceof SharedArrayBuffer, 'local values live in shared memory');
}

export function ghostsGroupedByOwnerAreFilledInPlace(ranks: PData<number>): void {
  const rows = blockRange(ranks, neighbourGhosts);
  const v = pzeros(rows);
  assert.deepEqual(v.zeroCopyGhosts.localItems, ranks.localItems.map(() => true));
  assertSharedOnThreads(ranks.backend, v.values.localItems);
  checkRounds(v);
}

export const ghostsOutOfOwnerOrderAreCopied = onParts([3, 4], (ranks: PData<number>): void => {
  const rows = blockRange(ranks, interleavedGhosts);
  const v = pfill(-1, rows);
  assert.deepEqual(v.zeroCopyGhosts.localItems, ranks.localItems.map((p) => p !== 0));
  assertSharedOnThreads(ranks.backend, v.values.localItems);
  checkRounds(v);
});

export function wrappedArraysAreCopiedUnlessBackendStorage(ranks: PData<number>): void {
  const rows = blockRange(ranks, neighbourGhosts);
  const wrapped = new PVector(
    rows,
    rows.partition.map((ids) => new Float64Array(ids.nLocal)),
  );
  assert.deepEqual(wrapped.zeroCopyGhosts.localItems, ranks.localItems.map(() => false));
  checkRounds(wrapped);
  const rewrapped = new PVector(rows, pzeros(rows).values);
  assert.deepEqual(rewrapped.zeroCopyGhosts.localItems, ranks.localItems.map(() => true));
  checkRounds(rewrapped);
}

const SENTINEL = -7.5;

/**
 * Even parts give the channel a view into backend storage (with a sentinel on each side) as their
 * receive array; odd parts let it allocate one. 100 rounds, every value and sentinel checked.
 */
export function channelDeliversIntoGivenArrays(ranks: PData<number>): void {
  const backend = ranks.backend;
  const np = backend.np;
  const plans = backend.localParts.map((p) => ringPlan(p, np, 3));
  const storage = plans.map((plan) => backend.allocateFloat64(plan.rcvPtrs[2] + 2).fill(SENTINEL));
  assertSharedOnThreads(backend, storage);
  const given = backend.localParts.map((p, l) =>
    p % 2 === 0 ? storage[l].subarray(1, storage[l].length - 1) : undefined,
  );
  const channel = backend.createChannel(plans, { recv: given });
  backend.localParts.forEach((p, l) => {
    if (given[l] !== undefined) assert.equal(channel.recv[l], given[l], `part ${p} receives into the given array`);
    else assert.notEqual(channel.recv[l].buffer, storage[l].buffer);
  });
  for (let round = 1; round <= ROUNDS; round++) {
    backend.localParts.forEach((p, l) => {
      const send = channel.send[l];
      for (let k = 0; k < send.length; k++) send[k] = round * 1000 + p * 100 + k;
    });
    channel.start();
    channel.wait();
    backend.localParts.forEach((p, l) => {
      const left = (p + np - 1) % np;
      const right = (p + 1) % np;
      const recv = channel.recv[l];
      const fromLeft = 2 + left;
      // Segment 0 is the left part's right-going segment (its first), segment 1 the right part's left-going one.
      for (let k = 0; k < fromLeft; k++) assert.equal(recv[k], round * 1000 + left * 100 + k, `round ${round}, part ${p}`);
      for (let k = 0; k < 3; k++) {
        assert.equal(recv[fromLeft + k], round * 1000 + right * 100 + 2 + right + k, `round ${round}, part ${p}`);
      }
      const outer = storage[l];
      assert.equal(outer[0], SENTINEL);
      assert.equal(outer[outer.length - 1], SENTINEL);
      if (given[l] !== undefined) assert.equal(outer[1], recv[0]);
    });
  }
}
