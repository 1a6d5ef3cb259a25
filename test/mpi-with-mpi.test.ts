/**
 * withMpi with a fake addon: launch checks before any MPI call, the run's life cycle (finalize
 * once, handlers removed) and MPI_Abort on a failing driver.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';
import { withMpi } from '../src/run/with-mpi.js';
import { FakeAbort, fakeBinding } from './fixtures/mpi/fake-binding.js';
import { Kind } from '../src/backends/collectives.js';
import { ALL_PARTS } from '../src/backends/mpi/header.js';

const launcherVariables = ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE'] as const;
let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(launcherVariables.map((v) => [v, process.env[v]]));
  for (const v of launcherVariables) delete process.env[v];
});

afterEach(() => {
  for (const v of launcherVariables) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

function listenerCounts(): number[] {
  return (['uncaughtException', 'unhandledRejection', 'exit'] as const).map((e) => process.listenerCount(e));
}

describe('withMpi with a fake addon', () => {
  it('refuses np > 1 outside mpirun before touching MPI', async () => {
    const binding = fakeBinding(0, 1);
    const run = withMpi(() => 1, { np: 4, binding });
    await expect(run).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(run).rejects.toThrow(
      [
        'The MPI backend cannot run 4 parts in this process:',
        '  - this process was not launched by mpirun (neither OMPI_COMM_WORLD_SIZE nor PMI_SIZE is set), so MPI would run it as a single rank',
        'To fix this:',
        '  1. launch the program under mpirun: mpirun --oversubscribe -n 4 node driver.js',
      ].join('\n'),
    );
    expect(binding.calls).toEqual([]);
  });

  it('refuses an np the launcher did not start, before touching MPI', async () => {
    process.env.OMPI_COMM_WORLD_SIZE = '3';
    const binding = fakeBinding(0, 3);
    await expect(withMpi(() => 1, { np: 2, binding })).rejects.toThrow(
      'the launcher started 3 ranks (OMPI_COMM_WORLD_SIZE=3), one per part is needed',
    );
    expect(binding.calls).toEqual([]);
  });

  it('refuses a main that is not a function, before touching MPI', async () => {
    const binding = fakeBinding(0, 1);
    await expect(withMpi('driver.js' as unknown as () => number, { binding })).rejects.toThrow(
      new InvalidArgumentError('withMpi: main must be a function, got "driver.js"'),
    );
    expect(binding.calls).toEqual([]);
  });

  it('refuses an np that is not a positive integer', async () => {
    await expect(withMpi(() => 1, { np: 0, binding: fakeBinding(0, 1) })).rejects.toThrow(
      new InvalidArgumentError('withMpi: np must be an integer >= 1, got 0'),
    );
  });

  it('runs main with this rank as the one part, then finalizes once', async () => {
    process.env.PMI_SIZE = '3';
    const binding = fakeBinding(2, 3);
    const before = listenerCounts();
    const result = await withMpi(
      async (ranks) => {
        expect(ranks.localItems).toEqual([2]);
        expect(ranks.np).toBe(3);
        expect(listenerCounts()).toEqual(before.map((n) => n + 1));
        return 'done on 2';
      },
      { np: 3, binding },
    );
    expect(result).toBe('done on 2');
    expect(binding.calls).toEqual(['init', 'meet', 'finalize']);
    expect(listenerCounts()).toEqual(before);
  });

  it('aborts the job (code 1) when main throws, without finalizing', async () => {
    const binding = fakeBinding(0, 1);
    const before = listenerCounts();
    const run = withMpi(() => {
      throw new Error('driver bug (expected in this test)');
    }, { binding });
    await expect(run).rejects.toEqual(new FakeAbort(1));
    expect(binding.calls).toEqual(['init', 'abort']);
    expect(listenerCounts()).toEqual(before);
  });

  it('aborts (without finalizing) when main returned while another rank waits in a collective', async () => {
    const binding = fakeBinding(1, 2);
    binding.peerHeaders = { 0: [Kind.gather, ALL_PARTS] };
    await expect(withMpi(() => 'returned early', { binding })).rejects.toEqual(new FakeAbort(1));
    expect(binding.calls).toEqual(['init', 'meet', 'abort']);
  });

  it('refuses a collective timeout that is not a positive number of milliseconds, before touching MPI', async () => {
    const binding = fakeBinding(0, 1);
    await expect(withMpi(() => 1, { binding, collectiveTimeoutMs: -5 })).rejects.toThrow(
      new InvalidArgumentError('collectiveTimeoutMs must be a positive number of milliseconds, got -5'),
    );
    expect(binding.calls).toEqual([]);
  });

  it('aborts when MPI reports another size than the launcher started', async () => {
    process.env.OMPI_COMM_WORLD_SIZE = '4';
    const binding = fakeBinding(0, 1);
    let ran = false;
    await expect(withMpi(() => (ran = true), { binding })).rejects.toEqual(new FakeAbort(1));
    expect(ran).toBe(false);
    expect(binding.calls).toEqual(['init', 'abort']);
  });
});
