/**
 * Structured collectives with large items on Threads: outboxes are replaced by larger ones while
 * channel set-up shares the peer ports (see fixtures/threads/mailbox.ts); results match Sequential.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withSequential } from '../src/index.js';
import { withThreads } from '../src/run/with-threads.js';
import bigItems from './fixtures/threads/mailbox.js';

const driver = fileURLToPath(new URL('../dist/test/fixtures/threads/mailbox.js', import.meta.url));

/** Items checked by part p over the 3 rounds: np gathered items on part 0, one multicast, one exchange item if np > 1. */
function expected(p: number, np: number): number {
  return 3 * ((p === 0 ? np : 0) + 1 + (np > 1 ? 1 : 0));
}

describe('large structured items', () => {
  for (const np of [1, 2, 4]) {
    it(`threads np=${np}`, async () => {
      expect(await withThreads<number>(np, driver)).toEqual(Array.from({ length: np }, (_, p) => expected(p, np)));
    }, 30_000);
  }

  it('sequential np=3 gives the same counts', async () => {
    expect(await withSequential(3, bigItems)).toBe(expected(0, 3) + expected(1, 3) + expected(2, 3));
  });
});
