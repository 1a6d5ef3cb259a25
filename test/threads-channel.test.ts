/**
 * The Threads backend's halo channels under load: 1000 rounds of two channels in flight around a
 * ring with an allreduce in between, every value checked in every round (see
 * fixtures/threads/ring.ts), on threads and, as a reference, on Sequential; and rounds of one
 * channel with nothing in between, the parts jittered (fixtures/threads/channel-race.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withSequential } from '../src/index.js';
import { withThreads } from '../src/run/with-threads.js';
import ringThousandRounds from './fixtures/threads/channel-ring.js';

const ringDriver = fileURLToPath(new URL('../dist/test/fixtures/threads/channel-ring.js', import.meta.url));
const raceDriver = fileURLToPath(new URL('../dist/test/fixtures/threads/channel-race.js', import.meta.url));

/** Values part p receives in one round of one channel: 3 + left from the left, 5 + right from the right. */
function perRound(p: number, np: number): number {
  return 3 + ((p + np - 1) % np) + 5 + ((p + 1) % np);
}

describe('channel ring, 1000 rounds', () => {
  for (const np of [1, 2, 4]) {
    it(`threads np=${np}: every part checked every value of every round`, async () => {
      const checked = await withThreads<number>(np, ringDriver);
      expect(checked).toEqual(Array.from({ length: np }, (_, p) => 2 * 1000 * perRound(p, np)));
    }, 30_000);
  }

  it('sequential np=3 runs the same driver', async () => {
    const checked = await withSequential(3, ringThousandRounds);
    expect(checked).toBe(2 * 1000 * (perRound(0, 3) + perRound(1, 3) + perRound(2, 3)));
  });
});

describe('channel rounds with no collective in between, parts jittered', () => {
  // Two parts on two cores run ahead of each other most often (this caught a receiver that took
  // the next round's staged values for the current one in most runs).
  it('threads np=2: staged and direct deliveries in any order keep every value of every round', async () => {
    const checked = await withThreads<number>(2, raceDriver);
    // Part p receives 2 + left values from its left neighbour and 4 from its right one, every round.
    expect(checked).toEqual([0, 1].map((p) => 20_000 * (2 + ((p + 1) % 2) + 4)));
  }, 30_000);
});
