/** The `pa run --backend mpi` command launched by mpirun (the deployment path of the README). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mpiUnavailableReason, runUnderMpirun } from './runners/mpi.js';

const cli = fileURLToPath(new URL('../dist/src/run/cli.js', import.meta.url));
const hello = fileURLToPath(new URL('../dist/test/fixtures/threads/hello.js', import.meta.url));
const unavailable = mpiUnavailableReason();

describe('pa run --backend mpi', () => {
  it('is available (with PA_REQUIRE_NATIVE=1 a missing MPI is a failure, not a skip)', () => {
    if (process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true') expect(unavailable).toBeUndefined();
    else if (unavailable !== undefined) console.log(`MPI CLI tests not run: ${unavailable}`);
  });

  it.runIf(unavailable === undefined)('runs the driver on every rank with its arguments', async () => {
    const job = await runUnderMpirun(3, [cli, 'run', '--backend', 'mpi', hello, 'x'], 60_000);
    expect(job.stderr).toBe('');
    expect(job.code).toBe(0);
    expect(job.stdout.trim().split('\n').sort()).toEqual([0, 1, 2].map((p) => `hello from part ${p} of 3 with args ["x"]`));
  });

  it.runIf(unavailable === undefined)('fails fast when --np disagrees with mpirun', async () => {
    const job = await runUnderMpirun(2, [cli, 'run', '--backend', 'mpi', '--np', '3', hello], 60_000);
    expect(job.code).not.toBe(0);
    expect(job.stderr).toContain('3');
  });
});
