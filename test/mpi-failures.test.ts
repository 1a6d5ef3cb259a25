/**
 * Failure behaviour of real MPI jobs (compiled fixtures in test/fixtures/mpi, run by mpirun):
 * a failing rank ends the whole job quickly with its stack, an early exit never hangs, bad input
 * throws typed errors without crashing, and np > 1 outside mpirun is a clear error.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mpiUnavailableReason, root, runUnderMpirun } from './runners/mpi.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/** The compiled fixture, checked to exist and be newer than its source. */
function fixture(name: string): string {
  const source = join(root, 'test', 'fixtures', 'mpi', `${name}.ts`);
  const compiled = join(root, 'dist', 'test', 'fixtures', 'mpi', `${name}.js`);
  expect(existsSync(compiled), `${compiled} is missing: compile first (npx tsc -p tsconfig.json)`).toBe(true);
  expect(statSync(compiled).mtimeMs, `${compiled} is older than its source: recompile`).toBeGreaterThanOrEqual(
    statSync(source).mtimeMs,
  );
  return compiled;
}

function unavailable(): void {
  const reason = mpiUnavailableReason();
  if (reason !== undefined) throw new Error(`the MPI backend is unavailable: ${reason}`);
}

const leftOut = ci ? undefined : mpiUnavailableReason();
if (leftOut !== undefined) console.log(`MPI failure tests left out: ${leftOut}`);
else describe('MPI jobs that fail', () => {
  it('a rank that throws ends the job non-zero within 10 s, with its stack', async () => {
    unavailable();
    const job = await runUnderMpirun(3, [fixture('rank-throws')], 20_000);
    expect(job.timedOut).toBe(false);
    expect(job.code).not.toBe(0);
    expect(job.seconds).toBeLessThan(10);
    expect(job.stderr).toContain('[rank 1] Error: deliberate failure on part 1');
    expect(job.stderr).toMatch(/\[rank 1\] {5}at explodeOnPartOne \(.*rank-throws\.js/);
    expect(job.stderr).not.toContain('[rank 0]');
    expect(job.stderr).not.toContain('[rank 2]');
  });

  it('an uncaught exception outside the driver ends the job the same way', async () => {
    unavailable();
    const job = await runUnderMpirun(3, [fixture('rank-uncaught')], 20_000);
    expect(job.timedOut).toBe(false);
    expect(job.code).not.toBe(0);
    expect(job.seconds).toBeLessThan(10);
    expect(job.stderr).toContain('[rank 1] Error: deliberate uncaught exception on part 1');
    expect(job.stderr).toContain('throwFromTimer');
  });

  it('a rank that exits early ends the job non-zero instead of hanging', async () => {
    unavailable();
    const job = await runUnderMpirun(3, [fixture('rank-exits-early')], 20_000);
    expect(job.timedOut).toBe(false);
    expect(job.code).not.toBe(0);
    expect(job.seconds).toBeLessThan(10);
    expect(job.stderr).toContain('[rank 1] Error: the process is exiting before the driver finished');
  });

  it('bad input to the real addon throws typed errors and the ranks carry on', async () => {
    unavailable();
    const job = await runUnderMpirun(2, [fixture('bad-input')], 30_000);
    expect(job.stderr).toBe('');
    expect(job.code).toBe(0);
    expect(job.stdout).toContain('bad-input ok on rank 0');
    expect(job.stdout).toContain('bad-input ok on rank 1');
  });

  it('a hung job is killed at the timeout, leaving no rank behind', async () => {
    unavailable();
    const job = await runUnderMpirun(2, [fixture('hang')], 3_000);
    expect(job.timedOut).toBe(true);
    const pids = [...job.stdout.matchAll(/^pid (\d+)$/gm)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const pid of pids) expect(() => process.kill(pid, 0), `rank process ${pid} survived`).toThrow();
  });

  it('a driver expecting 4 parts refuses 2 ranks', async () => {
    unavailable();
    const job = await runUnderMpirun(2, [fixture('expects-four-parts')], 20_000);
    expect(job.code).not.toBe(0);
    expect(job.stderr).toContain('BackendUnavailableError: The MPI backend cannot run 4 parts in this job:');
    expect(job.stderr).toContain('the launcher started 2 ranks (OMPI_COMM_WORLD_SIZE=2), one per part is needed');
  });
});

describe('outside mpirun', () => {
  it('a driver expecting 4 parts fails with a clear BackendUnavailableError', () => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('OMPI_') && !name.startsWith('PMI')),
    );
    const run = spawnSync(process.execPath, [fixture('expects-four-parts')], { cwd: root, env, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      [
        'BackendUnavailableError: The MPI backend cannot run 4 parts in this process:',
        '  - this process was not launched by mpirun (neither OMPI_COMM_WORLD_SIZE nor PMI_SIZE is set), so MPI would run it as a single rank',
        'To fix this:',
        '  1. launch the program under mpirun: mpirun --oversubscribe -n 4 node driver.js',
      ].join('\n'),
    );
  });
});
