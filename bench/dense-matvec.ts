/**
 * Dense matrix-vector product y = A x with PArrays, beside `anchors/dense_matvec.py` (numpy on one
 * rank, mpi4py + numpy on two), the problem of the MPIArrays.jl README: n = 8000,
 * A[i, j] = 1/(1 + |i − j|), x[j] = 1 + j mod 7, whose sum(y) = 5.1617333061e+05 checks the result.
 * A by rows (grid [np, 1]) and by columns (grid [1, np]), best of `--reps` products, each timed as
 * the anchor does (barrier, product, max over parts). Also: the latency of a one-sided `getBlock`
 * of 4 values from another part while that part waits in a barrier, and the bandwidth of
 * `redistribute` from row blocks to column blocks (8·n² bytes of array per second) beside STREAM.
 *
 * Run (after `npx tsc`): `node dist/bench/dense-matvec.js [--n 8000] [--rounds 2]` runs, per round
 * and interleaved: the anchor on 1 rank, ours on Sequential 1 part, the anchor under
 * `mpirun -n 2`, ours on Threads 2 parts and under `mpirun -n 2`, then STREAM (1 thread, 2 threads).
 * It prints a table with the ratios (anchor time / our time, ≥ 1 means faster than the anchor) and
 * one line `RESULT {json}`. With `--child`, it is one of those runs (`--backend`, `--np`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gather, getAny, reduction, withMpi, withSequential, withThreads, type PData } from '../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { formatTable } from '../src/format/table.js';
import { matvecInto } from '../src/parray/matvec.js';
import { parray, type PArray } from '../src/parray/parray.js';
import { redistribute } from '../src/parray/redistribute.js';
import { sum } from '../src/parray/sum-norm.js';
import { compileAnchor, defaultAnchorsDir, parseResultLine, repositoryRoot, runCommand } from './lib/anchors.js';
import { runStream } from './lib/context.js';
import { runAsProgram } from './lib/program.js';
import { median } from './lib/stats.js';

const command = {
  program: 'bench/dense-matvec',
  usage: ['node dist/bench/dense-matvec.js [--n 8000] [--reps 20] [--rounds 2] [--anchors DIR]'],
  summary: 'dense y = A x with PArrays (rows, columns) beside numpy/mpi4py; getBlock latency; redistribute GB/s',
  flags: {
    n: { kind: 'positive-integer', help: 'matrix size', default: 8000 },
    reps: { kind: 'positive-integer', help: 'timed products per layout (best taken)', default: 20 },
    rounds: { kind: 'positive-integer', help: 'interleaved rounds of every system', default: 2 },
    anchors: { kind: 'string', help: 'the anchors directory', valueName: 'DIR' },
    child: { kind: 'boolean', help: 'run one system (internal: --backend, --np)' },
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'the backend of a --child run', default: 'sequential' },
    np: { kind: 'positive-integer', help: 'parts of a --child run', default: 1 },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const { flags: args } = parseCommandOrExit(command, process.argv.slice(2));

/** Debian's python3, which has numpy and mpi4py (a python3 earlier on PATH may lack them). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** The expected sum(y) for n = 8000 (printed by the anchor). */
const SUM_8000 = 5.1617333061e5;

/** Best (minimum) over `reps` of the time of `op`, each the maximum over parts, as the anchor. */
function bestTime(ranks: PData<number>, reps: number, op: () => void): number {
  op();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    ranks.backend.barrier();
    const t0 = ranks.backend.wtime();
    op();
    const dt = ranks.backend.wtime() - t0;
    best = Math.min(best, getAny(reduction(Math.max, ranks.map(() => dt), { destination: 'all', init: 0 })));
  }
  return best;
}

/** A with A[i, j] = 1/(1 + |i − j|) on `grid`, filled from the local indices (no per-element callback). */
function matrix(ranks: PData<number>, n: number, grid: number[]): PArray {
  const A = parray(ranks, [n, n], { grid });
  const ids = A.localIndices().localItems;
  A.localValues().localItems.forEach((v, k) => {
    const [rows, cols] = ids[k];
    const mr = rows.length;
    for (let j = 0; j < cols.length; j++) for (let i = 0; i < mr; i++) v[i + mr * j] = 1 / (1 + Math.abs(rows[i] - cols[j]));
  });
  A.sync();
  return A;
}

/** One system's measurements (the driver every part runs). */
export default function driver(ranks: PData<number>): Record<string, number> | undefined {
  const n = args.n;
  const np = ranks.np;
  const x = parray(ranks, [n], { init: ([j]) => 1 + (j % 7) });
  const y = parray(ranks, [n]);
  const byRows = matrix(ranks, n, [np, 1]);
  const rowsS = bestTime(ranks, args.reps, () => matvecInto(y, byRows, x));
  const sumRows = sum(y);
  // Redistribute rows → columns (a new array each time; the last one is kept for the products).
  let byCols: PArray | undefined;
  const redistributeS = bestTime(ranks, 3, () => {
    byCols?.free();
    byCols = redistribute(byRows, { grid: [1, np] });
  });
  byRows.free();
  const colsS = bestTime(ranks, args.reps, () => matvecInto(y, byCols!, x));
  const sumCols = sum(y);
  // getBlock of 4 values of part 0's memory from the last part (part 0 itself when alone), while
  // the others wait in a barrier.
  const reader = np - 1;
  const samples = new Float64Array(2000);
  ranks.forEach((p) => {
    if (p !== reader) return;
    for (let k = 0; k < 100; k++) x.getBlock([[0, 4]], { part: p });
    for (let k = 0; k < samples.length; k++) {
      const t0 = ranks.backend.wtime();
      x.getBlock([[0, 4]], { part: p });
      samples[k] = ranks.backend.wtime() - t0;
    }
  });
  ranks.backend.barrier();
  const latency = getAny(gather(ranks.map((p) => (p === reader ? median(samples) : 0)), { destination: 'all' }))[reader];
  const bytes = 8 * n * n;
  const result = {
    n,
    np,
    rows_s: rowsS,
    cols_s: colsS,
    rows_GBs: bytes / rowsS / 1e9,
    cols_GBs: bytes / colsS / 1e9,
    sum_y: sumRows,
    sum_y_cols: sumCols,
    getblock_us: latency * 1e6,
    redistribute_s: redistributeS,
    redistribute_GBs: bytes / redistributeS / 1e9,
  };
  byCols!.free();
  return ranks.partIds.includes(0) ? result : undefined;
}

interface Sample {
  readonly system: string;
  readonly result: Record<string, number>;
}

function runSystem(system: string, file: string, argv: string[]): Sample {
  const run = runCommand(file, argv, 1800);
  if (run.failure !== undefined) throw new Error(`${system} failed: ${run.failure}`);
  return { system, result: parseResultLine(run.stdout, system) as Record<string, number> };
}

async function orchestrate(): Promise<void> {
  const root = repositoryRoot();
  const anchors = args.anchors ?? defaultAnchorsDir();
  const self = join(root, 'dist', 'bench', 'dense-matvec.js');
  const anchor = join(anchors, 'dense_matvec.py');
  const common = ['--n', String(args.n), '--reps', String(args.reps)];
  const ours = (backend: string, np: number): string[] => [self, '--child', '--backend', backend, '--np', String(np), ...common];
  const samples: Sample[] = [];
  for (let round = 0; round < args.rounds; round++) {
    samples.push(runSystem('numpy 1 rank', PYTHON, [anchor, ...common]));
    samples.push(runSystem('ours sequential 1', process.execPath, ours('sequential', 1)));
    samples.push(runSystem('mpi4py 2 ranks', 'mpirun', ['--oversubscribe', '-n', '2', PYTHON, anchor, ...common]));
    samples.push(runSystem('ours threads 2', process.execPath, ours('threads', 2)));
    samples.push(runSystem('ours mpi 2', 'mpirun', ['--oversubscribe', '-n', '2', process.execPath, ...ours('mpi', 2)]));
  }
  const stream = compileAnchor(anchors, 'stream.c');
  const streams = 'binary' in stream ? [runStream(stream.binary, 1, 600), runStream(stream.binary, 2, 600)] : [];
  if ('binary' in stream) stream.remove();
  else console.log(`STREAM skipped: ${stream.reason}`);
  const best = (system: string, key: string): number => Math.min(...samples.filter((s) => s.system === system).map((s) => s.result[key]));
  const ratio = (anchorSystem: string, system: string, key: string): string => (best(anchorSystem, key) / best(system, key)).toFixed(3);
  const pairs = [
    ['numpy 1 rank', 'ours sequential 1'],
    ['mpi4py 2 ranks', 'ours threads 2'],
    ['mpi4py 2 ranks', 'ours mpi 2'],
  ];
  const rows = pairs.map(([a, o]) => [
    o,
    (best(o, 'rows_s') * 1e3).toFixed(2),
    (best(a, 'rows_s') * 1e3).toFixed(2),
    ratio(a, o, 'rows_s'),
    (best(o, 'cols_s') * 1e3).toFixed(2),
    (best(a, 'cols_s') * 1e3).toFixed(2),
    ratio(a, o, 'cols_s'),
    samples.find((s) => s.system === o)!.result.sum_y.toExponential(10),
  ]);
  console.log(`dense y = A x, n = ${args.n}, best of ${args.reps} products × ${args.rounds} interleaved rounds`);
  console.log(formatTable(['system', 'rows ms', 'anchor ms', 'ratio', 'cols ms', 'anchor ms', 'ratio', 'sum(y)'], rows));
  const others = ['ours sequential 1', 'ours threads 2', 'ours mpi 2'].map((o) => [
    o,
    median(samples.filter((s) => s.system === o).map((s) => s.result.getblock_us)).toFixed(2),
    best(o, 'redistribute_s').toFixed(3),
    (8 * args.n * args.n / best(o, 'redistribute_s') / 1e9).toFixed(2),
  ]);
  console.log(formatTable(['system', 'getBlock µs (4 values)', 'redistribute s', 'redistribute GB/s'], others));
  for (const s of streams) console.log(`STREAM ${s.threads} thread(s): triad ${s.triad_gbs.toFixed(2)} GB/s, read ${s.read_gbs.toFixed(2)} GB/s`);
  const sums = samples.flatMap((s) => [s.result.sum_y, s.result.sum_y_cols]);
  if (args.n === 8000) {
    const bad = sums.filter((v) => Math.abs(v - SUM_8000) > 1e-10 * SUM_8000 + 0.005);
    console.log(bad.length === 0 ? `sum(y) = ${SUM_8000.toExponential(10)} in every run` : `WRONG sum(y): ${bad.join(', ')}`);
    if (bad.length > 0) process.exitCode = 1;
  }
  console.log(`RESULT ${JSON.stringify({ n: args.n, samples, stream: streams })}`);
}

async function child(): Promise<void> {
  const print = (result: Record<string, number> | undefined): void => {
    if (result !== undefined) console.log(`RESULT ${JSON.stringify(result)}`);
  };
  if (args.backend === 'sequential') print(await withSequential(args.np, driver));
  else if (args.backend === 'threads') print((await withThreads(args.np, import.meta.url, { argv: process.argv.slice(2) }))[0] as Record<string, number>);
  else print(await withMpi(driver));
}

await runAsProgram(import.meta.url, 'bench/dense-matvec', () => (args.child ? child() : orchestrate()));
