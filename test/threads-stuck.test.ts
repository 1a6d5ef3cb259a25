/**
 * A part that never reaches the collective the others wait in, because it loops forever or is
 * blocked in native code: the run rejects within the collective timeout (plus start-up and a
 * small margin) naming the collective and the part, and the stuck worker is terminated, or, when
 * it cannot be (native code), left behind with a warning instead of holding the run.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { CollectiveTimeoutError, WorkerError } from '../src/errors.js';
import { withThreads } from '../src/run/with-threads.js';

const stuck = fileURLToPath(new URL('../dist/test/fixtures/threads/stuck.js', import.meta.url));
const hello = fileURLToPath(new URL('../dist/test/fixtures/threads/hello.js', import.meta.url));
const blockedCheck = fileURLToPath(new URL('../dist/test/fixtures/threads/blocked-check.js', import.meta.url));

/** Threads of this process (Linux): a worker that was not stopped is still one of them. */
function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

it('a part in `for (;;) {}`: the run rejects within the timeout and no worker thread is left', async () => {
  // A first run starts what a process starts once (libuv's thread pool), so the count compares.
  await withThreads(2, hello);
  const threadsBefore = threadCount();
  const started = performance.now();
  const error = await withThreads(3, stuck, { exportName: 'loopForever', collectiveTimeoutMs: 2000 }).then(
    (results) => new Error(`expected a failure, got ${JSON.stringify(results)}`),
    (e: unknown) => e,
  );
  const elapsed = performance.now() - started;
  expect(error).toBeInstanceOf(WorkerError);
  const partId = (error as WorkerError).partId as number;
  expect([0, 2]).toContain(partId);
  const cause = (error as WorkerError).cause as CollectiveTimeoutError;
  expect(cause).toBeInstanceOf(CollectiveTimeoutError);
  expect(cause.collective).toBe('gather');
  expect(cause.missingParts).toEqual([1]);
  expect(cause.message).toBe(`gather: part 1 did not arrive within 2000 ms (part 1 is running) (part ${partId})`);
  expect(elapsed).toBeGreaterThanOrEqual(2000);
  expect(elapsed).toBeLessThan(2000 + 6000);
  expect(threadCount()).toBe(threadsBefore);
}, 30_000);

it('a part blocked in native code: the run still rejects within the timeout, with a warning naming the part', async () => {
  // The child's part 1 sleeps 30 s; the test stops the child once it printed how its run ended.
  const child = spawn(process.execPath, [blockedCheck, '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Both lines are written before the child's run settles; they may arrive in either order.
  const settled = new Promise<void>((resolve) => {
    const check = (): void => {
      if (stdout.includes('\n') && stderr.includes('PA_WORKER_NOT_STOPPED')) resolve();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    child.on('exit', () => resolve());
  });
  await settled;
  const line = stdout.split('\n')[0];
  child.kill('SIGKILL');
  const match = /^rejected after (\d+) ms: (.*)$/.exec(line);
  expect(match, line).not.toBeNull();
  const [, ms, message] = match as RegExpExecArray;
  expect(Number(ms)).toBeGreaterThanOrEqual(1000);
  expect(Number(ms)).toBeLessThan(1000 + 6000);
  expect(message).toBe('part 0 failed: CollectiveTimeoutError: gather: part 1 did not arrive within 1000 ms (part 1 is running) (part 0)');
  expect(stderr).toContain(
    '[PA_WORKER_NOT_STOPPED] Warning: the worker of part 1 did not stop within 1000 ms of being terminated (blocked in native code?): ' +
      'the Threads run settled without waiting for it to end',
  );
}, 40_000);

it('a start-up slower than a short collective timeout is not a failure (start-up gets at least 10 s)', async () => {
  const slowStart = fileURLToPath(new URL('../dist/test/fixtures/threads/slow-start.js', import.meta.url));
  expect(await withThreads(2, slowStart, { collectiveTimeoutMs: 300 })).toEqual([1, 1]);
}, 30_000);
