/**
 * The residual monitor of cg (`monitor` option, `PA_MONITOR`): every k-th residual of
 * result.residuals, printed once per run (where part 0 lives), and the same bits as without it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cg, CgSolver, pfill, psparse, withSequential, type PData } from '../src/index.js';
import { laplacianFdm } from '../src/gallery/laplacian-fdm.js';
import { InvalidArgumentError } from '../src/errors.js';
import { checkMonitor, monitorLine } from '../src/solvers/monitor.js';
import { mpiUnavailableReason, runUnderMpirun } from './runners/mpi.js';

const fixture = fileURLToPath(new URL('../dist/test/fixtures/monitor/cg-monitor.js', import.meta.url));

function problem(ranks: PData<number>) {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [7, 7, 7], [1, 1, ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  return { A, b: pfill(1, A.rows) };
}

/** The lines the monitor must print for a residual history, every k-th iteration. */
function expectedLines(residuals: readonly number[], every: number): string[] {
  return residuals.flatMap((r, k) => (k % every === 0 ? [monitorLine('CG', k, r)] : []));
}

describe('cg monitor', () => {
  it('formats a line like PETSc -ksp_monitor', () => {
    expect(monitorLine('CG', 25, 0.0012345678901234)).toBe('  25 CG residual norm 1.234567890123e-03');
    expect(monitorLine('CG', 0, 12)).toBe('   0 CG residual norm 1.200000000000e+01');
  });

  it('prints every k-th residual once per run on Sequential np=2, with the bits of an unmonitored solve', async () => {
    for (const preconditioner of ['jacobi', 'none'] as const) {
      const lines: string[] = [];
      const { plain, monitored } = await withSequential(2, (ranks) => {
        const { A, b } = problem(ranks);
        const plain = cg(A, b, { preconditioner, monitor: false });
        const monitored = cg(A, b, { preconditioner, monitor: { every: 3, write: (line) => lines.push(line) } });
        return {
          plain: { residuals: plain.residuals, x: plain.x.values.localItems.map((v) => Array.from(v)) },
          monitored: { residuals: monitored.residuals, x: monitored.x.values.localItems.map((v) => Array.from(v)) },
        };
      });
      expect(plain.residuals.length).toBeGreaterThan(7);
      expect(lines).toEqual(expectedLines(monitored.residuals, 3));
      expect(monitored.residuals).toEqual(plain.residuals);
      expect(monitored.x).toEqual(plain.x);
    }
  });

  it('monitor: true and monitor: 1 print every iteration; a CgSolver monitors each solve', async () => {
    const lines: string[] = [];
    const residuals = await withSequential(2, (ranks) => {
      const { A, b } = problem(ranks);
      const solver = new CgSolver(A, { monitor: { write: (line) => lines.push(line) } });
      return [solver.solve(b).residuals, solver.solve(b).residuals];
    });
    expect(lines).toEqual([...expectedLines(residuals[0], 1), ...expectedLines(residuals[1], 1)]);
  });

  it('refuses bad monitor values and a bad PA_MONITOR, before the solve', async () => {
    const cases: [unknown, string | undefined, string][] = [
      [0, undefined, 'cg: monitor must be an integer >= 1, got 0'],
      [2.5, undefined, 'cg: monitor must be an integer >= 1, got 2.5'],
      ['5', undefined, 'cg: monitor must be true, false, an integer >= 1 or { every?, write? }, got "5"'],
      [{ every: 0 }, undefined, 'cg: monitor.every must be an integer >= 1, got 0'],
      [{ write: 1 }, undefined, 'cg: monitor.write must be a function, got 1'],
      [{ each: 2 }, undefined, "cg: unknown monitor option 'each' (accepted: every, write)"],
      [undefined, 'yes', "PA_MONITOR must be 0 (off) or a positive integer k (print every k-th iteration), got 'yes'"],
    ];
    for (const [option, environment, message] of cases) {
      expect(() => checkMonitor(option, environment, true)).toThrow(new InvalidArgumentError(message));
      expect(() => checkMonitor(option, environment, false)).toThrow(new InvalidArgumentError(message));
    }
    expect(checkMonitor(undefined, '0', true)).toBeNull();
    expect(checkMonitor(undefined, '', true)).toBeNull();
    expect(checkMonitor(false, '4', true)).toBeNull();
    expect(checkMonitor(undefined, '4', false)).toBeNull();
    expect(checkMonitor(undefined, '4', true)?.every).toBe(4);
    expect(checkMonitor(7, '4', true)?.every).toBe(7);
    await expect(
      withSequential(2, (ranks) => {
        const { A, b } = problem(ranks);
        return cg(A, b, { monitor: -1 });
      }),
    ).rejects.toThrow('cg: monitor must be an integer >= 1, got -1');
  });

  /** The monitor lines must be the program's every other residual, printed once, then its own line. */
  function checkMonitoredRun(monitored: string, quiet: string): void {
    const quietLines = quiet.trimEnd().split('\n');
    expect(quietLines).toHaveLength(1);
    const lines = monitored.trimEnd().split('\n');
    const residuals = JSON.parse(lines[lines.length - 1].replace(/^residuals /, '')) as number[];
    expect(lines[lines.length - 1]).toBe(quietLines[0]);
    expect(residuals.length).toBeGreaterThan(4);
    expect(lines.slice(0, -1)).toEqual(expectedLines(residuals, 2));
  }

  for (const backend of ['sequential', 'threads']) {
    it(`PA_MONITOR=k monitors a program that does not ask for it (${backend}, np=2), once per run`, () => {
      const run = (environment: Record<string, string>) =>
        spawnSync(process.execPath, [fixture, backend], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...environment } });
      const quiet = run({ PA_MONITOR: '0' });
      const monitored = run({ PA_MONITOR: '2' });
      for (const job of [quiet, monitored]) {
        expect(job.stderr).toBe('');
        expect(job.status).toBe(0);
      }
      checkMonitoredRun(monitored.stdout, quiet.stdout);
    });
  }

  it.runIf(mpiUnavailableReason() === undefined)('PA_MONITOR=k prints on rank 0 only under mpirun -n 2', async () => {
    const quiet = await runUnderMpirun(2, [fixture, 'mpi'], 60_000, { PA_MONITOR: '0' });
    const monitored = await runUnderMpirun(2, [fixture, 'mpi'], 60_000, { PA_MONITOR: '2' });
    for (const job of [quiet, monitored]) {
      expect(job.stderr).toBe('');
      expect(job.code).toBe(0);
    }
    checkMonitoredRun(monitored.stdout, quiet.stdout);
  });
});
