/**
 * Bitwise identity of the Poisson CG solve between the Sequential backend (in this process) and
 * the MPI backend (mpirun), for the same number of parts: iterations, residual history and the
 * solution's bits.
 */
import { describe, expect, it } from 'vitest';
import { withSequential } from '../src/index.js';
import { solvePoissonFingerprint, type CgFingerprint } from './fixtures/mpi/poisson-cg-driver.js';
import { mpiUnavailableReason, root, runUnderMpirun } from './runners/mpi.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';
const leftOut = ci ? undefined : mpiUnavailableReason();

async function onMpi(np: number): Promise<CgFingerprint> {
  const reason = mpiUnavailableReason();
  if (reason !== undefined) throw new Error(`the MPI backend is unavailable: ${reason}`);
  const job = await runUnderMpirun(np, [`${root}/dist/test/fixtures/mpi/poisson-cg.js`], 50_000);
  expect(job.timedOut, job.stderr).toBe(false);
  expect(job.code, job.stderr).toBe(0);
  const line = job.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, `no RESULT line in:\n${job.stdout}\n${job.stderr}`).toBeDefined();
  return JSON.parse((line as string).slice('RESULT '.length)) as CgFingerprint;
}

if (leftOut !== undefined) console.log(`MPI bitwise-identity tests left out: ${leftOut}`);
else describe('Poisson CG: MPI and Sequential give the same bits', () => {
  for (const np of [1, 2, 4]) {
    it(`np=${np}`, async () => {
      const sequential = await withSequential(np, solvePoissonFingerprint);
      const mpi = await onMpi(np);
      expect(sequential).toBeDefined();
      expect(sequential?.reason).toBe('converged-rtol');
      expect(sequential?.iterations).toBeGreaterThan(10);
      expect(sequential?.x.length).toBe(14 ** 3 * 16);
      expect(mpi).toEqual(sequential);
    });
  }
});
