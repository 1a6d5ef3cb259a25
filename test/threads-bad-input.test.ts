/**
 * Bad input to withThreads and misuse of the Threads backend inside a driver: typed errors with
 * precise messages, before any worker starts where possible.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, WorkerError } from '../src/errors.js';
import { MAX_THREADS_PARTS, withThreads, type ThreadsOptions } from '../src/run/with-threads.js';
import type { Runtime } from './fixtures/threads/runtime.js';

const failures = fileURLToPath(new URL('../dist/test/fixtures/threads/failures.js', import.meta.url));
const failuresUrl = pathToFileURL(failures).href;
const runtime = fileURLToPath(new URL('../dist/test/fixtures/threads/runtime.js', import.meta.url));
const tsDriver = fileURLToPath(new URL('./fixtures/threads/hello.ts', import.meta.url));
const failureExports = [
  'barrierAgainstReduction',
  'channelPlansDisagree',
  'channelWaitWithoutStart',
  'exchangeGraphsDisagree',
  'exitThree',
  'gatherRootsDisagree',
  'notAFunction',
  'rejectAfterAwait',
  'returnsPData',
  'skipReductionAndReturn',
  'skipReductionAndSleep',
  'throwBeforeCollective',
  'throwFromTimer',
  'throwInCgSolve',
  'throwInRound50',
].join(', ');

async function rejection(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    (value) => new Error(`expected a rejection, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
}

function expectInvalid(error: unknown, message: string): void {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).code).toBe('INVALID_ARGUMENT');
  expect((error as InvalidArgumentError).message).toBe(message);
}

describe('withThreads rejects bad input with InvalidArgumentError', () => {
  it.each([0, -1, 1.5, Number.NaN])('np = %s', async (np) => {
    expectInvalid(await rejection(withThreads(np, failures)), `np must be an integer >= 1, got ${String(np)}`);
  });

  it(`np above ${MAX_THREADS_PARTS}, before anything is allocated`, async () => {
    const started = performance.now();
    for (const np of [MAX_THREADS_PARTS + 1, 100_000]) {
      expectInvalid(
        await rejection(withThreads(np, failures)),
        `np must be at most 256 on the Threads backend, got ${np}: every part is a worker thread with its own V8 heap ` +
          '(about 11 MB and 0.1 s to start), and the parts are linked pairwise by np(np-1)/2 message channels; for more parts use withMpi',
      );
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('np or driverModule of the wrong type', async () => {
    expectInvalid(await rejection(withThreads('2' as unknown as number, failures)), 'np must be an integer >= 1, got "2"');
    expectInvalid(
      await rejection(withThreads(2, 42 as unknown as string)),
      'driverModule must be a path or URL of a JavaScript module, got 42',
    );
    expectInvalid(
      await rejection(withThreads(2, undefined as unknown as string)),
      'driverModule must be a path or URL of a JavaScript module, got undefined',
    );
  });

  it('options that are not an object, or hold an unknown key', async () => {
    const accepted = 'accepted: exportName, collectiveTimeoutMs, spin, argv, resourceLimits, bindTo';
    expectInvalid(
      await rejection(withThreads(2, failures, null as unknown as ThreadsOptions)),
      'withThreads: options must be an object, got null',
    );
    expectInvalid(
      await rejection(withThreads(2, failures, { exportname: 'main' } as unknown as ThreadsOptions)),
      `withThreads: unknown option 'exportname' (${accepted})`,
    );
    expectInvalid(
      await rejection(withThreads(2, failures, { stdout: true } as unknown as ThreadsOptions)),
      `withThreads: unknown option 'stdout' (${accepted})`,
    );
  });

  it('option values of the wrong type', async () => {
    expectInvalid(await rejection(withThreads(2, failures, { spin: 'yes' as unknown as boolean })), 'spin must be a boolean, got "yes"');
    expectInvalid(
      await rejection(withThreads(2, failures, { argv: 'a b' as unknown as string[] })),
      'argv must be an array of strings, got "a b"',
    );
    expectInvalid(await rejection(withThreads(2, failures, { argv: [1] as unknown as string[] })), 'argv must be an array of strings, got an array of 1');
    expectInvalid(
      await rejection(withThreads(2, failures, { resourceLimits: { maxOldGenerationSizeMB: 64 } as unknown as ThreadsOptions['resourceLimits'] })),
      "withThreads: resourceLimits: unknown option 'maxOldGenerationSizeMB' (accepted: maxOldGenerationSizeMb, maxYoungGenerationSizeMb, codeRangeSizeMb, stackSizeMb)",
    );
    expectInvalid(
      await rejection(withThreads(2, failures, { resourceLimits: { stackSizeMb: -1 } })),
      'withThreads: resourceLimits.stackSizeMb must be a positive number of MB, got -1',
    );
    expectInvalid(
      await rejection(withThreads(2, failures, { resourceLimits: null as unknown as ThreadsOptions['resourceLimits'] })),
      'withThreads: resourceLimits: options must be an object, got null',
    );
  });

  it('a TypeScript driver: the driver must be JavaScript (with the file named)', async () => {
    const error = await rejection(withThreads(2, tsDriver));
    expectInvalid(
      error,
      `driver module ${tsDriver} cannot be loaded: the driver must be JavaScript, and Node.js does not know the extension '.ts'; ` +
        "compile it (for example with tsc) and give the .js file, or start node with a loader for '.ts' files (for example node --import tsx)",
    );
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('ERR_UNKNOWN_FILE_EXTENSION');
  });

  it('a driver module that does not exist (path resolved against the current directory)', async () => {
    expectInvalid(
      await rejection(withThreads(2, 'no/such/driver.js')),
      `driver module not found: ${resolve('no/such/driver.js')}`,
    );
    expectInvalid(
      await rejection(withThreads(2, new URL('file:///no/such/driver.js'))),
      'driver module not found: /no/such/driver.js',
    );
  });

  it('a driver module without a default export', async () => {
    expectInvalid(
      await rejection(withThreads(2, failures)),
      `driver module ${failuresUrl} has no default export (its exports: ${failureExports})`,
    );
  });

  it('a driver module without the requested export', async () => {
    expectInvalid(
      await rejection(withThreads(3, failures, { exportName: 'main' })),
      `driver module ${failuresUrl} has no export 'main' (its exports: ${failureExports})`,
    );
  });

  it('an export that is not a function', async () => {
    expectInvalid(
      await rejection(withThreads(2, failures, { exportName: 'notAFunction' })),
      `driver module ${failuresUrl}: its export 'notAFunction' must be the driver function main(ranks), but it is a number`,
    );
  });

  it('invalid options and environment', async () => {
    expectInvalid(
      await rejection(withThreads(2, failures, { collectiveTimeoutMs: 0 })),
      'collectiveTimeoutMs must be a positive number of milliseconds, got 0',
    );
    expectInvalid(await rejection(withThreads(2, '')), 'driverModule must be a path or URL of a JavaScript module, got ""');
    const saved = process.env.PA_COLLECTIVE_TIMEOUT_MS;
    process.env.PA_COLLECTIVE_TIMEOUT_MS = 'soon';
    try {
      expectInvalid(
        await rejection(withThreads(2, failures)),
        "PA_COLLECTIVE_TIMEOUT_MS must be a positive number of milliseconds, got 'soon'",
      );
    } finally {
      if (saved === undefined) delete process.env.PA_COLLECTIVE_TIMEOUT_MS;
      else process.env.PA_COLLECTIVE_TIMEOUT_MS = saved;
    }
  });
});

describe('resourceLimits', () => {
  it("is given to every worker: the parts' V8 heap limit follows maxOldGenerationSizeMb", async () => {
    const reports = await withThreads<Runtime>(2, runtime, { resourceLimits: { maxOldGenerationSizeMb: 64 } });
    expect(reports.map((r) => r.total)).toEqual([1, 1]);
    for (const { heapLimitMb } of reports) {
      expect(heapLimitMb).toBeGreaterThanOrEqual(64);
      expect(heapLimitMb).toBeLessThan(150);
    }
  });
});

describe('misuse inside a driver fails the run with the part and a precise cause', () => {
  async function causeOf(exportName: string): Promise<{ partId: number | undefined; cause: InvalidArgumentError }> {
    const error = await rejection(withThreads(2, failures, { exportName }));
    expect(error).toBeInstanceOf(WorkerError);
    const cause = (error as WorkerError).cause;
    expect(cause).toBeInstanceOf(InvalidArgumentError);
    expect((cause as InvalidArgumentError).partId).toBe((error as WorkerError).partId);
    return { partId: (error as WorkerError).partId, cause: cause as InvalidArgumentError };
  }

  it('channel plans whose segment sizes disagree (found by the sender)', async () => {
    const { partId, cause } = await causeOf('channelPlansDisagree');
    expect(partId).toBe(0);
    expect(cause.message).toBe('inconsistent channel plan: part 0 sends 3 values to part 1, which expects 4 (part 0)');
  });

  it('an exchange graph whose receive list misses a sender (found by the receiver)', async () => {
    const { partId, cause } = await causeOf('exchangeGraphsDisagree');
    expect(partId).toBe(1);
    expect(cause.message).toBe('inconsistent exchange graph: part 1 expects 0 item(s) from part 0, which sends it 1 (part 1)');
  });

  it('parts gathering to different destinations', async () => {
    const { partId, cause } = await causeOf('gatherRootsDisagree');
    const other = 1 - (partId as number);
    expect(cause.message).toBe(
      `gather: the parts disagree on the root: part ${partId} here, part ${other} on part ${other} (part ${partId})`,
    );
  });

  it('Channel.wait() without start()', async () => {
    const { cause } = await causeOf('channelWaitWithoutStart');
    expect(cause.message).toMatch(/^Channel\.wait\(\) called without start\(\) \(part [01]\)$/);
  });
});
