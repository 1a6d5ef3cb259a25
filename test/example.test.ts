/** The main job (examples/poisson.ts) on every backend, as a user runs it. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mpiUnavailableReason, runUnderMpirun } from './runners/mpi.js';

const example = fileURLToPath(new URL('../dist/examples/poisson.js', import.meta.url));

function checkOutput(stdout: string, backend: string, np: number): void {
  expect(stdout).toContain(`3-D Poisson, n = 20 (8000 unknowns), ${np} parts`);
  expect(stdout).toContain(`backend ${backend}`);
  expect(stdout).toMatch(/^iteration {4}25 {2}residual \d\.\d{6}e[+-]\d\d {2}relative \d\.\d{3}e[+-]\d\d$/m);
  expect(stdout).toMatch(/^converged-rtol after \d+ iterations$/m);
  expect(stdout).toMatch(/^section {2}\| {7}max \| {7}min \| {7}avg$/m);
  expect(stdout).toMatch(/^solve {4}\| \d\.\d{3}e[+-]\d\d \|/m);
}

describe('examples/poisson', () => {
  const runs: Record<string, string> = {};
  for (const backend of ['sequential', 'threads']) {
    it(`runs on ${backend} with a progress line and a timing table`, () => {
      const { status, stdout, stderr } = spawnSync(process.execPath, [example, '--n', '20', '--np', '2', '--backend', backend], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(stderr).toBe('');
      expect(status).toBe(0);
      checkOutput(stdout, backend, 2);
      runs[backend] = stdout.split('\n').filter((line) => line.startsWith('iteration') || line.startsWith('‖x‖')).join('\n');
    });
  }

  it.runIf(mpiUnavailableReason() === undefined)('runs under mpirun with the same iterates', async () => {
    const job = await runUnderMpirun(2, [example, '--backend', 'mpi', '--n', '20'], 60_000);
    expect(job.stderr).toBe('');
    expect(job.code).toBe(0);
    checkOutput(job.stdout, 'mpi', 2);
    const iterates = job.stdout.split('\n').filter((line) => line.startsWith('iteration') || line.startsWith('‖x‖')).join('\n');
    expect(iterates).toBe(runs.sequential);
    expect(runs.threads).toBe(runs.sequential);
  });

  it('solves with --pc amg in a few iterations to the same solution and writes it with --vtk', () => {
    const out = mkdtempSync(join(tmpdir(), 'pa-poisson-vtk-'));
    try {
      const { status, stdout, stderr } = spawnSync(
        process.execPath,
        [example, '--n', '20', '--np', '2', '--backend', 'threads', '--pc', 'amg', '--vtk', out],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(stderr).toBe('');
      expect(status).toBe(0);
      const iterations = Number(/^converged-rtol after (\d+) iterations$/m.exec(stdout)?.[1]);
      expect(iterations).toBeGreaterThan(0);
      expect(iterations).toBeLessThanOrEqual(15);
      const normOf = (text: string): number => Number(/^‖x‖₂ = (\S+)/m.exec(text)?.[1]);
      const jacobi = runs.sequential.split('\n').find((line) => line.startsWith('‖x‖')) ?? '';
      expect(Math.abs(normOf(stdout) - normOf(jacobi)) / normOf(jacobi)).toBeLessThan(1e-6);
      const header = readFileSync(join(out, 'poisson.pvtr'), 'utf8');
      expect(header).toContain('WholeExtent="0 19 0 19 0 19"');
      expect(header.match(/<Piece /g)).toHaveLength(2);
      expect(existsSync(join(out, 'poisson_0.vtr')) && existsSync(join(out, 'poisson_1.vtr'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('rejects bad usage with exit status 2', () => {
    const { status, stderr } = spawnSync(process.execPath, [example, '--backend', 'gpu'], { encoding: 'utf8' });
    expect(status).toBe(2);
    expect(stderr).toContain("poisson: unknown backend 'gpu' (choose one of sequential, threads, mpi)");
  });
});
