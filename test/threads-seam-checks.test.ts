/**
 * The Threads backend checks its collectives with the seam checks every backend shares: a
 * collective inside per-part code, one item per local part, part ids, the scatter source, the
 * sides of an exchange, channel plans and items that cannot cross parts give the same typed
 * errors, word for word, as on the other backends (fixtures/threads/seam-misuse.ts).
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { withThreads } from '../src/run/with-threads.js';

const driver = fileURLToPath(new URL('../dist/test/fixtures/threads/seam-misuse.js', import.meta.url));

type Outcome = [string, string, number | undefined, string];

function expectedOutcomes(p: number, np: number): Outcome[] {
  const inPart = (collective: string): Outcome => [
    `${collective} in part code`,
    'INVALID_ARGUMENT',
    p,
    `${collective} is collective: every part must call it, but it was called inside code that runs for part ${p} alone ` +
      `(map, forEach, pmap or mapMain); call it outside, on the whole PData (part ${p})`,
  ];
  const invalid = (name: string, message: string, partId = p): Outcome => [name, 'INVALID_ARGUMENT', partId, `${message} (part ${partId})`];
  const uncopyable =
    'gather: an item cannot be copied to another part (() => me could not be cloned.); items that cross parts must be ' +
    'structured data: numbers, strings, plain objects, arrays, typed arrays';
  return [
    ...['gather', 'scatter', 'multicast', 'allgatherFloat64', 'exchange', 'createChannel', 'barrier'].map(inPart),
    invalid('gather of two items', 'gather: expected one item per local part (1), got 2'),
    invalid('gather to a bad part', `gather destination must be a part id in 0..${np - 1}, got ${np}`),
    invalid('gather of a function', uncopyable),
    invalid('scatter from a bad part', `scatter source must be a part id in 0..${np - 1}, got -1`),
    invalid(
      'scatter of a short array',
      `scatter: the source part must hold an array of ${np} items (one per part), got 1 items`,
    ),
    invalid('multicast from a bad part', `multicast source must be a part id in 0..${np - 1}, got 1.5`),
    invalid('exchange with fewer targets', 'exchange: 2 items to send but 1 send targets'),
    invalid('exchange to a bad part', `exchange send target 0 must be a part id in 0..${np - 1}, got ${np}`),
    invalid('exchange from a bad part', `exchange receive source 0 must be a part id in 0..${np - 1}, got -1`),
    invalid('channel plan of plain arrays', 'channel plan: snd and sndPtrs must be Int32Arrays'),
    invalid('channel plan with a bad part', `channel plan: rcv lists ${np}, not a part id in 0..${np - 1}`),
  ];
}

it.each([2, 3])('np=%i: every misuse of a collective is the shared typed error, and the parts stay in step', async (np) => {
  const results = await withThreads<{ outcomes: Outcome[]; total: number }>(np, driver);
  results.forEach(({ outcomes, total }, p) => {
    expect(outcomes).toEqual(expectedOutcomes(p, np));
    expect(total).toBe((np * (np - 1)) / 2);
  });
});
