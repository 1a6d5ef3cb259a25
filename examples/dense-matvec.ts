/**
 * The dense matrix-vector benchmark of MPIArrays.jl with PArrays (docs/guide-parray.md):
 * y = A x with A[i, j] = 1/(1 + |i − j|) and x[j] = 1 + j mod 7, A distributed by rows
 * (grid [np, 1]), by columns ([1, np]) and in 2-D blocks (the default grid). Each layout's best
 * time over `--reps` products is printed, and the three results are checked against each other.
 *
 *   node dist/examples/dense-matvec.js [--n 2000] [--np 2] [--backend sequential|threads]
 *   mpirun -n 2 node dist/examples/dense-matvec.js --backend mpi [--n 2000]
 *   node dist/examples/dense-matvec.js --sweep [--out results]   # 1-2 parts, Threads and MPI, plot
 *
 * With `--sweep` it runs itself on Threads and under mpirun with 1 and 2 parts and draws the
 * times as a Vega-Lite bar chart in `<out>/dense-matvec.svg`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { InvalidArgumentError, getAny, reduction, type PData } from '../src/index.js';
import { parseCommand, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { defaultGrid } from '../src/parray/layout.js';
import { matvecInto } from '../src/parray/matvec.js';
import { parray, type PArray } from '../src/parray/parray.js';
import { sum } from '../src/parray/sum-norm.js';
import { runExample } from './lib/run-example.js';

const command = {
  program: 'dense-matvec',
  usage: [
    'node dist/examples/dense-matvec.js [--n 2000] [--np 2] [--backend sequential|threads] [--reps 10]',
    'mpirun -n NP node dist/examples/dense-matvec.js --backend mpi [--n 2000]',
    'node dist/examples/dense-matvec.js --sweep [--out results]',
  ],
  summary: 'dense y = A x with A by rows, by columns and in 2-D blocks (the MPIArrays benchmark)',
  flags: {
    n: { kind: 'positive-integer', help: 'matrix size', default: 2000 },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'where the parts live', default: 'sequential' },
    reps: { kind: 'positive-integer', help: 'products timed per layout (the best is printed)', default: 10 },
    sweep: { kind: 'boolean', help: 'run Threads and MPI with 1 and 2 parts and plot the times' },
    out: { kind: 'string', help: 'directory of the --sweep plot', default: 'results' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** One layout's figures. */
interface Timing {
  readonly layout: string;
  readonly grid: readonly number[];
  readonly seconds: number;
  readonly sumY: number;
}

/** A with A[i, j] = 1/(1 + |i − j|), written straight into each part's local values. */
function matrix(ranks: PData<number>, n: number, grid: readonly number[]): PArray {
  const A = parray(ranks, [n, n], { grid });
  const ids = A.localIndices().localItems;
  A.localValues().localItems.forEach((v, k) => {
    const [rows, cols] = ids[k];
    for (let j = 0; j < cols.length; j++) {
      for (let i = 0; i < rows.length; i++) v[i + rows.length * j] = 1 / (1 + Math.abs(rows[i] - cols[j]));
    }
  });
  A.sync();
  return A;
}

/** The driver: every layout in turn; part 0 prints the table and one `RESULT` line. */
export default function denseMatvec(ranks: PData<number>): Timing[] {
  const { n, reps } = parseCommand(command, process.argv.slice(2)).flags;
  const np = ranks.np;
  const x = parray(ranks, [n], { init: ([j]) => 1 + (j % 7) });
  const y = parray(ranks, [n]);
  const layouts: [string, readonly number[]][] = [
    ['rows', [np, 1]],
    ['columns', [1, np]],
    ['2-D blocks', defaultGrid(np, 2)],
  ];
  const timings: Timing[] = [];
  let reference: Float64Array | undefined;
  for (const [layout, grid] of layouts) {
    const A = matrix(ranks, n, grid);
    let best = Infinity;
    for (let r = 0; r <= reps; r++) {
      ranks.backend.barrier();
      const t0 = ranks.backend.wtime();
      matvecInto(y, A, x);
      const dt = getAny(reduction(Math.max, ranks.map(() => ranks.backend.wtime() - t0), { destination: 'all', init: 0 }));
      if (r > 0) best = Math.min(best, dt); // the first product builds the plan
    }
    const all = y.getBlock([[0, n]]);
    reference ??= all;
    const worst = all.reduce((m, v, i) => Math.max(m, Math.abs(v - reference![i]) / Math.abs(reference![i])), 0);
    if (worst > 1e-12) throw new Error(`${layout}: y differs from the row layout's by ${worst} (relative)`);
    timings.push({ layout, grid, seconds: best, sumY: sum(y) });
    A.free();
  }
  if (ranks.partIds.includes(0)) {
    console.log(`y = A x, n = ${n}, ${ranks.backend.kind}, ${np} part(s), best of ${reps}`);
    for (const t of timings) {
      console.log(`  ${t.layout.padEnd(11)} grid [${t.grid.join(', ')}]: ${(t.seconds * 1e3).toFixed(2)} ms, sum(y) = ${t.sumY.toExponential(10)}`);
    }
    console.log(`RESULT ${JSON.stringify({ backend: ranks.backend.kind, np, n, timings })}`);
  }
  return timings;
}

/** Runs one configuration as a child process and reads its RESULT line. */
function runChild(backend: string, np: number, n: number, reps: number): { backend: string; np: number; timings: Timing[] } {
  const self = fileURLToPath(import.meta.url);
  const argv = [self, '--backend', backend, '--np', String(np), '--n', String(n), '--reps', String(reps)];
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  const run = backend === 'mpi'
    ? spawnSync('mpirun', ['--oversubscribe', '-n', String(np), process.execPath, ...argv], { encoding: 'utf8', env })
    : spawnSync(process.execPath, argv, { encoding: 'utf8', env });
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (run.status !== 0 || line === undefined) throw new Error(`${backend} np=${np} failed: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  process.stdout.write((run.stdout ?? '').split('\n').filter((l) => !l.startsWith('RESULT ')).join('\n'));
  return JSON.parse(line.slice('RESULT '.length)) as { backend: string; np: number; timings: Timing[] };
}

/** Grouped bars: per layout, one bar per backend and part count. */
function plotSpec(rows: { layout: string; system: string; ms: number }[], n: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Dense y = A x, n = ${n}: best time per product`, subtitle: 'A by rows, by columns and in 2-D blocks; one dgemv per part (the BLAS addon)' },
    data: { values: rows },
    mark: 'bar',
    width: { step: 22 },
    height: 260,
    encoding: {
      x: { field: 'layout', type: 'nominal', title: 'layout of A', sort: ['rows', 'columns', '2-D blocks'], axis: { labelAngle: 0 } },
      xOffset: { field: 'system', type: 'nominal' },
      y: { field: 'ms', type: 'quantitative', title: 'milliseconds per product' },
      color: { field: 'system', type: 'nominal', title: 'backend, parts' },
    },
  };
}

async function sweep(): Promise<void> {
  const { n, reps, out } = parseCommand(command, process.argv.slice(2)).flags;
  const runs = [
    runChild('threads', 1, n, reps),
    runChild('threads', 2, n, reps),
    runChild('mpi', 1, n, reps),
    runChild('mpi', 2, n, reps),
  ];
  const rows = runs.flatMap((r) => r.timings.map((t) => ({ layout: t.layout, system: `${r.backend}, np=${r.np}`, ms: t.seconds * 1e3 })));
  const view = new View(parse(compile(plotSpec(rows, n)).spec), { renderer: 'none' });
  try {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'dense-matvec.svg'), await view.toSVG());
  } finally {
    view.finalize();
  }
  console.log(`wrote ${join(out, 'dense-matvec.svg')}`);
}

const sweepRequested = process.argv.includes('--sweep');
await runExample(import.meta.url, command, (ranks) => {
  if (!sweepRequested) return denseMatvec(ranks);
  // The sweep starts its own runs: it is one program, not a driver of parts.
  if (ranks.backend.kind !== 'sequential') throw new InvalidArgumentError('--sweep starts the Threads and MPI runs itself: give no --backend');
  return sweep();
});
