/** The guides' example programs (docs/guide-*.md), run as a reader runs them, on every backend. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mpiUnavailableReason, runUnderMpirun } from './runners/mpi.js';

const compiled = (name: string): string => fileURLToPath(new URL(`../dist/examples/${name}.js`, import.meta.url));
// Where native builds are required (this repository's CI), a missing MPI fails these tests instead of skipping them.
const hasMpi = mpiUnavailableReason() === undefined || process.env.PA_REQUIRE_NATIVE === '1';

/** Runs a compiled example with node; fails the test on a non-zero exit or any stderr. */
function runNode(args: string[]): string {
  const { status, stdout, stderr } = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
  expect(stderr).toBe('');
  expect(status).toBe(0);
  return stdout;
}

async function runMpi(np: number, args: string[]): Promise<string> {
  const job = await runUnderMpirun(np, args, 60_000);
  expect(job.stderr).toBe('');
  expect(job.code).toBe(0);
  return job.stdout;
}

describe('docs/guide-collectives.md: examples/collective-rules', () => {
  const example = compiled('collective-rules');
  const insidePartCode = (collective: string): string =>
    `InvalidArgumentError: ${collective} is collective: every part must call it, but it was called inside code that runs for part 0 alone ` +
    '(map, forEach, pmap or mapMain); call it outside, on the whole PData (part 0)';

  function check(stdout: string, backend: string): void {
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`backend ${backend}, 3 parts`);
    expect(lines[1]).toBe('1. reduction of the part ids to every part: 3');
    expect(lines[2]).toBe(`2. gather inside mapMain: ${insidePartCode('gather')}`);
    expect(lines[4]).toBe(`3. reduction inside map: ${insidePartCode('reduction')}`);
    if (backend === 'sequential') {
      expect(lines[6]).toBe("4. gather to part 0 on part 0, to 'all' elsewhere: no error (one call serves every part)");
    } else {
      expect(lines[6]).toMatch(
        /^4\. gather to part 0 on part 0, to 'all' elsewhere: InvalidArgumentError: gather: the parts disagree on the root: part 0 here, 'all' on part [12] \(part 0\)$/,
      );
    }
    for (const i of [3, 5, 7]) expect(lines[i]).toBe('   still in step: 3');
    expect(lines).toHaveLength(8);
  }

  for (const backend of ['sequential', 'threads']) {
    it(`catches every refusal on ${backend} and stays in step`, () => {
      check(runNode([example, '--backend', backend, '--np', '3']), backend);
    });
  }

  it.runIf(hasMpi)('catches every refusal under mpirun -n 3 and stays in step', async () => {
    check(await runMpi(3, [example, '--backend', 'mpi']), 'mpi');
  });
});

describe('docs/guide-debugging.md: examples/debug-driver', () => {
  const driver = compiled('debug-driver');
  const cli = fileURLToPath(new URL('../dist/src/run/cli.js', import.meta.url));
  const solution = 'x = [4.000000, 7.000000, 9.000000, 10.000000, 10.000000, 9.000000, 7.000000, 4.000000]';
  const printed: Record<string, string> = {};

  for (const backend of ['sequential', 'threads']) {
    it(`prints the solution through the CLI on ${backend}`, () => {
      const stdout = runNode([cli, 'run', '--backend', backend, '--np', '2', driver]);
      expect(stdout).toBe(`${backend}, 2 parts: converged-rtol after 4 iterations\n${solution}\n`);
      printed[backend] = stdout.replace(backend, '');
    });
  }

  it.runIf(hasMpi)('prints the same under mpirun -n 2', async () => {
    const stdout = await runMpi(2, [cli, 'run', '--backend', 'mpi', driver]);
    expect(stdout.replace('mpi', '')).toBe(printed.sequential);
    expect(printed.threads).toBe(printed.sequential);
  });

  it.runIf(hasMpi)('prints the same under mpirun with a hostfile (docs/guide-deploy.md)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-hostfile-'));
    try {
      const hosts = join(dir, 'hosts');
      writeFileSync(hosts, 'localhost slots=2\n');
      const { status, stdout, stderr } = spawnSync(
        'mpirun',
        ['--hostfile', hosts, '-n', '2', process.execPath, cli, 'run', '--backend', 'mpi', driver],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } },
      );
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout).toBe(`mpi, 2 parts: converged-rtol after 4 iterations\n${solution}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a Sequential session look at every part (the REPL steps of the guide)', async () => {
    const { withSequential } = await import('../src/index.js');
    const { solve } = await import('../examples/debug-driver.js');
    const { A, result, gathered } = await withSequential(2, solve);
    expect([result.iterations, result.reason, A.nnz]).toEqual([4, 'converged-rtol', 22]);
    expect(A.rows.partition.localItems.map((ids) => Array.from(ids.ownToGlobal))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(A.cols.partition.localItems.map((ids) => Array.from(ids.ghostToGlobal))).toEqual([[4], [3]]);
    expect(gathered.localItems[1]).toEqual([]);
    expect(gathered.localItems[0].flatMap((piece) => Array.from(piece, (v) => Number(v.toFixed(9))))).toEqual([4, 7, 9, 10, 10, 9, 7, 4]);
  });
});

describe('docs/guide-fem.md: examples/fem-poisson', () => {
  const example = compiled('fem-poisson');

  /** The error table: [N, iterations, max error, L2 error] per grid. */
  function table(stdout: string, backend: string, np: number): number[][] {
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Q1 finite elements, u = exp(x + y), backend ${backend}, ${np} parts`);
    expect(lines[1]).toBe('     N  iterations        max nodal error  ratio               L2 error  ratio');
    // The first grid has no ratio columns: [N, iterations, max, L2] or [N, iterations, max, ratio, L2, ratio].
    const rows = lines.slice(2).map((line) => line.trim().split(/\s+/).map(Number));
    expect(rows.map((row) => row.length)).toEqual([4, 6, 6]);
    expect(rows.map((row) => row[0])).toEqual([8, 16, 32]);
    return rows.map((row) => (row.length === 4 ? row : [row[0], row[1], row[2], row[4]]));
  }

  const runs: Record<string, number[][]> = {};
  const cases: [string, number][] = [
    ['sequential', 1],
    ['sequential', 3],
    ['sequential', 2],
    ['threads', 2],
  ];
  for (const [backend, np] of cases) {
    it(`is second order on ${backend} with ${np} parts`, () => {
      const rows = table(runNode([example, '--backend', backend, '--np', String(np)]), backend, np);
      for (let k = 1; k < rows.length; k++) {
        for (const column of [2, 3]) {
          const ratio = rows[k - 1][column] / rows[k][column];
          expect(ratio).toBeGreaterThan(3.5);
          expect(ratio).toBeLessThan(4.5);
        }
      }
      expect(rows[2][2]).toBeLessThan(4e-5);
      runs[`${backend} ${np}`] = rows;
    });
  }

  it.runIf(hasMpi)('gives the same digits under mpirun -n 2 as Sequential on 2 parts', async () => {
    const rows = table(await runMpi(2, [example, '--backend', 'mpi']), 'mpi', 2);
    expect(rows).toEqual(runs['sequential 2']);
  });

  it('gives the same errors on every backend and every number of parts', () => {
    // Same np: the same sums in the same order, so the same bits on every backend.
    expect(runs['threads 2']).toEqual(runs['sequential 2']);
    // Other np: the reductions add in another order. x ≈ 7 has an ulp of 9e-16, and the error at
    // N = 32 is 3.5e-5, so 1e-9 relative (3.5e-14) is the tightest bound rounding allows.
    for (const other of ['sequential 1', 'sequential 3']) {
      runs[other].forEach((row, k) => {
        expect(row[1]).toBe(runs['sequential 2'][k][1]);
        for (const column of [2, 3]) {
          expect(Math.abs(row[column] - runs['sequential 2'][k][column])).toBeLessThan(1e-9 * row[column]);
        }
      });
    }
  });
});

describe('docs/guide-results.md: examples/results-out', () => {
  const example = compiled('results-out');
  const n = 12;

  /** The reference: the same problem on one part, solved in this process. */
  async function reference(): Promise<Float64Array> {
    const { cg, laplacianFdm, pfill, psparse, withSequential } = await import('../src/index.js');
    return withSequential(1, (ranks) => {
      const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n], [1, 1]);
      const A = psparse(I, J, V, rows, cols).wait();
      return cg(A, pfill(1, A.rows), { rtol: 1e-12 }).x.ownValues().localItems[0].slice();
    });
  }

  function check(dir: string, exact: Float64Array): void {
    const csv = readFileSync(join(dir, 'solution.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('i,j,u');
    expect(csv).toHaveLength(n * n + 1);
    csv.slice(1).forEach((line, g) => {
      const [i, j, u] = line.split(',').map(Number);
      expect([i, j]).toEqual([g % n, Math.floor(g / n)]);
      expect(Math.abs(u - exact[g])).toBeLessThan(1e-8 * exact[g]);
    });
    const svg = readFileSync(join(dir, 'solution.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    const marks = /<g class="mark-rect role-mark marks"[^>]*>(.*?)<\/g>/s.exec(svg);
    expect(marks).not.toBeNull();
    expect(marks![1].match(/<path /g)).toHaveLength(n * n);
    expect(marks![1]).toContain(`aria-label="i: ${n - 1}; j: ${n - 1}; u: `);
  }

  const backends: [string, string[]][] = [
    ['sequential', ['--np', '3']],
    ['threads', ['--np', '2']],
  ];
  for (const [backend, extra] of backends) {
    it(`writes the gathered solution as CSV and an SVG heat map on ${backend}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pa-results-'));
      try {
        const stdout = runNode([example, '--backend', backend, '--n', String(n), '--out', dir, ...extra]);
        expect(stdout).toContain(`wrote ${join(dir, 'solution.csv')} (${n * n} rows) and ${join(dir, 'solution.svg')}`);
        check(dir, await reference());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it.runIf(hasMpi)('writes the same files from rank 0 under mpirun -n 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-results-'));
    try {
      const stdout = await runMpi(2, [example, '--backend', 'mpi', '--n', String(n), '--out', dir]);
      expect(stdout).toBe(`mpi, 2 parts: converged-rtol after 21 iterations\nwrote ${join(dir, 'solution.csv')} (${n * n} rows) and ${join(dir, 'solution.svg')}\n`);
      check(dir, await reference());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the guides examples read their flags with the shared parser', () => {
  for (const name of ['collective-rules', 'fem-poisson', 'results-out']) {
    it(`${name} rejects bad usage with exit status 2`, () => {
      const { status, stdout, stderr } = spawnSync(process.execPath, [compiled(name), '--backend', 'gpu'], { encoding: 'utf8' });
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`${name}: unknown backend 'gpu' (choose one of sequential, threads, mpi)\nusage: node dist/examples/${name}.js `);
    });
  }

  it('fem-poisson refuses more parts than cell rows, naming both', () => {
    const { status, stderr } = spawnSync(process.execPath, [compiled('fem-poisson'), '--n', '2', '--np', '3'], { encoding: 'utf8' });
    expect(status).toBe(1);
    expect(stderr).toBe('fem-poisson: 3 parts, more than the 2 cell rows to split\n');
  });
});
