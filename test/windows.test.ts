import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withThreads } from '../src/index.js';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/windows.js';

conformanceSuite('windows', cases);

describe('windows [threads]', () => {
  it('runs that leave windows and shared memory alive do not grow memory', async () => {
    // Each run fills 32 MiB per part and 32 MiB of shared memory (96 MiB with 2 parts) and never
    // frees them: 6 leaking runs would hold 576 MiB.
    const driver = fileURLToPath(new URL('../dist/test/conformance/windows.js', import.meta.url));
    const run = (): Promise<number[]> => withThreads(2, driver, { exportName: 'leftAliveAtTheEnd' });
    for (let i = 0; i < 2; i++) expect(await run()).toEqual([2, 2]);
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 6; i++) await run();
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(grown).toBeLessThan(250);
  }, 60_000);
});
