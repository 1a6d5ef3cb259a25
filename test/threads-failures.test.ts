/**
 * Failures in a Threads run: the run rejects within seconds with a WorkerError naming the first
 * failing part and its original error, and every worker is gone (withThreads settles only after
 * every worker exited; threads-exit.test.ts checks that the process then exits by itself).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CollectiveTimeoutError, InvalidArgumentError, WorkerError } from '../src/errors.js';
import { withThreads, type ThreadsOptions } from '../src/run/with-threads.js';

const failures = fileURLToPath(new URL('../dist/test/fixtures/threads/failures.js', import.meta.url));
const importFailure = fileURLToPath(new URL('../dist/test/fixtures/threads/import-failure.js', import.meta.url));

/** Runs `exportName` of the failures fixture and returns the rejection (failing if it resolves). */
async function failureOf(np: number, exportName: string, opts: ThreadsOptions = {}): Promise<unknown> {
  const started = performance.now();
  const error = await withThreads(np, failures, { exportName, ...opts }).then(
    (results) => new Error(`expected a failure, got ${JSON.stringify(results)}`),
    (e: unknown) => e,
  );
  expect(performance.now() - started).toBeLessThan(10_000);
  return error;
}

function expectWorkerError(error: unknown, partId: number, cause: { name: string; message: string }): Error {
  expect(error).toBeInstanceOf(WorkerError);
  const e = error as WorkerError;
  expect(e.code).toBe('WORKER_FAILED');
  expect(e.partId).toBe(partId);
  expect(e.message).toBe(`part ${partId} failed: ${cause.name}: ${cause.message}`);
  expect(e.cause).toBeInstanceOf(Error);
  const original = e.cause as Error;
  expect(original.name).toBe(cause.name);
  expect(original.message).toBe(cause.message);
  return original;
}

describe('a failing part fails the whole Threads run', () => {
  it('throw before any collective (np=4)', async () => {
    const cause = expectWorkerError(await failureOf(4, 'throwBeforeCollective'), 1, {
      name: 'Error',
      message: 'part 1 fails before any collective',
    });
    expect(cause.stack).toContain('fixtures/threads/failures.js');
  });

  it('throw in the middle of channel rounds and allreduces (np=2 and 4)', async () => {
    for (const np of [2, 4]) {
      const cause = expectWorkerError(await failureOf(np, 'throwInRound50'), np - 1, {
        name: 'RangeError',
        message: `part ${np - 1} fails in round 50`,
      });
      expect(cause).toBeInstanceOf(RangeError);
    }
  });

  it('throw in the middle of a CG solve (np=4)', async () => {
    expectWorkerError(await failureOf(4, 'throwInCgSolve'), 1, {
      name: 'Error',
      message: 'part 1 fails in CG iteration 5',
    });
  });

  it('process.exit(3) in a part (np=3)', async () => {
    expectWorkerError(await failureOf(3, 'exitThree'), 1, {
      name: 'Error',
      message: 'the worker exited with code 3 before main returned (process.exit or a crash)',
    });
  });

  it('async main rejecting after an await (np=2)', async () => {
    expectWorkerError(await failureOf(2, 'rejectAfterAwait'), 0, {
      name: 'TypeError',
      message: 'part 0 fails after an await',
    });
  });

  it('uncaught exception in a timer callback (np=2)', async () => {
    expectWorkerError(await failureOf(2, 'throwFromTimer'), 1, {
      name: 'Error',
      message: 'part 1 fails in a timer callback',
    });
  });

  it('top-level error in the driver module', async () => {
    const error = await withThreads(2, importFailure).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    const e = error as WorkerError;
    expect([0, 1]).toContain(e.partId);
    expect(e.message).toBe(`part ${e.partId} failed: Error: the driver module failed at its top level`);
    expect((e.cause as Error).stack).toContain('import-failure.js');
  });

  it('main returning a PData', async () => {
    const error = await failureOf(2, 'returnsPData');
    expect(error).toBeInstanceOf(WorkerError);
    const cause = (error as WorkerError).cause;
    expect(cause).toBeInstanceOf(InvalidArgumentError);
    expect((cause as InvalidArgumentError).message).toMatch(
      /^main returned a PData, which cannot leave its worker: return plain data \(e\.g\. getAny\(x\), or gather to part 0\) \(part [01]\)$/,
    );
  });
});

describe('mismatched collectives are reported, never hang', () => {
  it('a part busy elsewhere while the others reduce: timeout naming gather and the part', async () => {
    const error = await failureOf(2, 'skipReductionAndSleep', { collectiveTimeoutMs: 1500 });
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).partId).toBe(0);
    const cause = (error as WorkerError).cause as CollectiveTimeoutError;
    expect(cause).toBeInstanceOf(CollectiveTimeoutError);
    expect(cause.code).toBe('COLLECTIVE_TIMEOUT');
    expect(cause.collective).toBe('gather');
    expect(cause.missingParts).toEqual([1]);
    expect(cause.partId).toBe(0);
    expect(cause.message).toBe('gather: part 1 did not arrive within 1500 ms (part 1 is running) (part 0)');
  });

  it('the timeout comes from PA_COLLECTIVE_TIMEOUT_MS when no option is given', async () => {
    const saved = process.env.PA_COLLECTIVE_TIMEOUT_MS;
    process.env.PA_COLLECTIVE_TIMEOUT_MS = '1500';
    try {
      const error = await failureOf(3, 'skipReductionAndSleep');
      const cause = (error as WorkerError).cause as CollectiveTimeoutError;
      expect([0, 2]).toContain((error as WorkerError).partId);
      expect(cause.missingParts).toEqual([1]);
      expect(cause.message).toBe(
        `gather: part 1 did not arrive within 1500 ms (part 1 is running) (part ${(error as WorkerError).partId})`,
      );
    } finally {
      if (saved === undefined) delete process.env.PA_COLLECTIVE_TIMEOUT_MS;
      else process.env.PA_COLLECTIVE_TIMEOUT_MS = saved;
    }
  });

  it('a part that returned without the reduction is reported at once, without waiting for the timeout', async () => {
    const started = performance.now();
    const error = await failureOf(4, 'skipReductionAndReturn');
    expect(performance.now() - started).toBeLessThan(5_000);
    const cause = (error as WorkerError).cause as CollectiveTimeoutError;
    expect(cause).toBeInstanceOf(CollectiveTimeoutError);
    expect(cause.collective).toBe('gather');
    expect(cause.missingParts).toEqual([1]);
    expect(cause.message).toBe(
      `gather cannot complete: part 1 will never arrive (part 1 returned from main) (part ${cause.partId})`,
    );
  });

  it('a barrier against a reduction is reported at once', async () => {
    const error = await failureOf(2, 'barrierAgainstReduction');
    const cause = (error as WorkerError).cause as CollectiveTimeoutError;
    expect(cause).toBeInstanceOf(CollectiveTimeoutError);
    const [waitedIn, other] = cause.partId === 0 ? ['gather', 'barrier'] : ['barrier', 'gather'];
    expect(cause.collective).toBe(waitedIn);
    expect(cause.missingParts).toEqual([1 - (cause.partId as number)]);
    expect(cause.message).toBe(
      `${waitedIn} cannot complete: part ${1 - (cause.partId as number)} will never arrive (part ${1 - (cause.partId as number)} waits in ${other}) (part ${cause.partId})`,
    );
  });
});
