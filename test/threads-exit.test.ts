/**
 * After failing Threads runs the process exits by itself: no worker, port or timer is left
 * behind. The runs happen in a child process (fixtures/threads/exit-check.ts), which must exit
 * with status 0 on its own.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('../dist/test/fixtures/threads/exit-check.js', import.meta.url));

it('a process that ran failing Threads runs exits by itself', () => {
  const started = performance.now();
  const child = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 25_000 });
  expect(child.signal).toBeNull();
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  expect(child.stdout.trim().split('\n')).toEqual([
    'throwInRound50: WORKER_FAILED part 3',
    'exitThree: WORKER_FAILED part 1',
    'throwFromTimer: WORKER_FAILED part 1',
    'skipReductionAndSleep: WORKER_FAILED part 0',
    'channelPlansDisagree: WORKER_FAILED part 0',
    `channel-ring: [${2 * 1000 * (3 + 1 + 5 + 1)},${2 * 1000 * (3 + 0 + 5 + 0)}]`,
  ]);
  expect(performance.now() - started).toBeLessThan(20_000);
}, 30_000);
