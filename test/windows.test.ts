import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError, MpiBackend, withThreads } from '../src/index.js';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/windows.js';
import { fakeBinding } from './fixtures/mpi/fake-binding.js';

conformanceSuite('windows', cases);

describe('windows [threads]', () => {
  it('runs that leave windows and shared memory alive do not grow memory', async () => {
    // Each run fills 32 MiB per part and 32 MiB of shared memory (96 MiB with 2 parts) and never
    // frees them: 6 leaking runs would hold 576 MiB.
    const driver = fileURLToPath(new URL('../dist/test/conformance/windows.js', import.meta.url));
    const run = (): Promise<number[]> => withThreads(2, driver, { exportName: 'leftAliveAtTheEnd' });
    process.env[cases.LEFT_ALIVE_VALUES] = String(1 << 22); // workers inherit the environment
    try {
      for (let i = 0; i < 2; i++) expect(await run()).toEqual([2, 2]);
      const before = process.memoryUsage().rss;
      for (let i = 0; i < 6; i++) await run();
      const grown = (process.memoryUsage().rss - before) / 2 ** 20;
      expect(grown).toBeLessThan(250);
    } finally {
      delete process.env[cases.LEFT_ALIVE_VALUES];
    }
  }, 60_000);
});

describe('windows [mpi, checks before the addon]', () => {
  it('refuses bad lengths, and says to rebuild an addon built before windows, without any MPI call', () => {
    const binding = fakeBinding(1, 2, true);
    const backend = new MpiBackend(binding);
    const calls = binding.calls.length;
    expect(() => backend.createWindow([-3])).toThrow(InvalidArgumentError);
    expect(() => backend.createWindow([-3])).toThrow('createWindow: length must be a non-negative safe integer, got -3 (part 1)');
    let caught: unknown;
    try {
      backend.createWindow([4]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BackendUnavailableError);
    expect((caught as BackendUnavailableError).reasons).toEqual([
      'the loaded build of the MPI addon has no createWindow (it was built before windows were added)',
    ]);
    expect(() => backend.createSharedMemory(4)).toThrow(/createSharedMemory is unavailable on the MPI backend/);
    expect(binding.calls.length).toBe(calls);
  });
});
