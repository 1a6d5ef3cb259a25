/**
 * The blog experiment with shared arrays (docs/guide-shared-arrays.md): a banded block-banded
 * matrix of N × N blocks of n × n (l, u = 1, 2 block bandwidths, lambda, mu = 2, 1 inside the
 * blocks) stored in a shared array, filled by every part of the node together, then multiplied by
 * a shared vector: serially (the first part does every row) and in parallel (the block rows split
 * between the parts). For each N it prints both times, the speedup, and whether both products
 * have the same bits; part 0 ends with one `RESULT {json}` line.
 *
 *   node dist/examples/block-banded.js [--backend threads] [--np 2] [--sizes 1,3,10,50,100,150,200,300,500]
 *   mpirun -n 2 node dist/examples/block-banded.js --backend mpi
 *   node dist/examples/block-banded.js --plot docs/block-banded.svg   (runs both of the above, then draws)
 *
 * @module
 */
import { realpathSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  mulInto,
  populate,
  sharedArray,
  sharedBarrier,
  uniformBandedBlockBanded,
  type PData,
} from '../src/index.js';
import { parseCommand, parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runExample } from './lib/run-example.js';

const BLOG_SIZES = [1, 3, 10, 50, 100, 150, 200, 300, 500];

const command = {
  program: 'block-banded',
  usage: [
    'node dist/examples/block-banded.js [--backend sequential|threads] [--np 2] [--sizes N,N,...] [--n 500] [--reps 20]',
    'mpirun -n NP node dist/examples/block-banded.js --backend mpi [--sizes N,N,...]',
    'node dist/examples/block-banded.js --plot FILE [--sizes N,N,...]   (Threads and MPI on 2 parts, then the plot)',
  ],
  summary: 'serial against parallel matvec of a banded block-banded matrix in a shared array, as the matrix grows',
  flags: {
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'where the parts live', default: 'threads' },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    sizes: { kind: 'positive-integer-list', help: 'numbers of blocks N per direction', default: BLOG_SIZES },
    n: { kind: 'positive-integer', help: 'rows (and columns) per block', default: 500 },
    reps: { kind: 'positive-integer', help: 'timed products per size (the best is reported)', default: 20 },
    plot: { kind: 'string', valueName: 'FILE', help: 'run Threads and MPI on 2 parts and write the Vega-Lite SVG plot to FILE' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** One size's measurements. */
interface SizeResult {
  readonly N: number;
  readonly rows: number;
  readonly serial_s: number;
  readonly parallel_s: number;
  readonly same_bits: boolean;
}

/**
 * Best seconds of `reps` products, each started together on every part (after a barrier): the
 * minimum, as BenchmarkTools' `@btime` reports, because the machine is shared and a median would
 * plot other people's work.
 */
function timeProducts(reps: number, sync: () => void, product: () => void): number {
  product(); // warm-up: first touch of y, the kernel compiled
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    sync();
    const t0 = performance.now();
    product();
    times.push((performance.now() - t0) / 1e3);
  }
  return Math.min(...times);
}

/** The driver: every part runs it; part 0 prints. */
export default function blockBanded(ranks: PData<number>): void {
  const { sizes, n, reps } = parseCommand(command, process.argv.slice(2)).flags;
  const results: SizeResult[] = [];
  const say = (line: string): void => ranks.forEach((p) => (p === 0 ? console.log(line) : undefined));
  say(`banded block-banded matvec on ${ranks.backend.kind}, ${ranks.np} parts: blocks of ${n}, l,u = 1,2, lambda,mu = 2,1`);
  say('     N       rows   serial ms  parallel ms  speedup  same bits');
  for (const N of sizes) {
    const A = uniformBandedBlockBanded(ranks, N, { n });
    populate(A, (i, j) => (i === j ? 4 : 1 / (1 + i + j)));
    const x = sharedArray(ranks, A.nCols);
    const y = sharedArray(ranks, A.nRows);
    const ySerial = sharedArray(ranks, A.nRows);
    // Each part writes its share of x; the barrier inside mulInto orders it before the products.
    x.values.forEach((v, p) => {
      for (let j = p; j < v.length; j += ranks.np) v[j] = Math.cos(j);
    });
    const sync = (): void => sharedBarrier(A);
    const serial = timeProducts(reps, sync, () => mulInto(ySerial, A, x, { serial: true }));
    const parallel = timeProducts(reps, sync, () => mulInto(y, A, x));
    const [a, b] = [y.values.localItems[0], ySerial.values.localItems[0]];
    const sameBits = a.every((v, i) => Object.is(v, b[i]));
    results.push({ N, rows: A.nRows, serial_s: serial, parallel_s: parallel, same_bits: sameBits });
    say(
      `${String(N).padStart(6)} ${String(A.nRows).padStart(10)} ${(serial * 1e3).toFixed(3).padStart(11)} ` +
        `${(parallel * 1e3).toFixed(3).padStart(12)} ${(serial / parallel).toFixed(2).padStart(8)}  ${sameBits ? 'yes' : 'NO'}`,
    );
    if (!sameBits) throw new Error(`N=${N}: the parallel product differs from the serial one`);
  }
  say(`RESULT ${JSON.stringify({ code: 'block_banded', backend: ranks.backend.kind, np: ranks.np, n, results })}`);
}

/** The last `RESULT {json}` line of `stdout`. */
function resultOf(stdout: string, what: string): { backend: string; np: number; results: SizeResult[] } {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`${what} printed no RESULT line`);
  return JSON.parse(line.slice('RESULT '.length)) as { backend: string; np: number; results: SizeResult[] };
}

/** Time against rows, log-log, one line per (backend, serial or parallel). */
function plotSpec(runs: readonly { backend: string; np: number; results: SizeResult[] }[], subtitle: string): TopLevelSpec {
  const label = (backend: string): string => (backend === 'mpi' ? 'MPI' : 'Threads');
  const values = runs.flatMap((run) =>
    run.results.flatMap((r) => [
      { rows: r.rows, ms: r.serial_s * 1e3, series: `${label(run.backend)}, serial` },
      { rows: r.rows, ms: r.parallel_s * 1e3, series: `${label(run.backend)}, ${run.np} parts` },
    ]),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Banded block-banded matvec (blocks of 500, l,u = 1,2, λ,μ = 2,1): serial vs parallel', subtitle },
    width: 520,
    height: 340,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rows', type: 'quantitative', scale: { type: 'log' }, title: 'rows (N blocks × 500)' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'best time of one y = A x (ms)' },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: { field: 'series', type: 'nominal', legend: null },
    },
  };
}

/** Runs the sweep on Threads and on MPI (2 parts each) in child processes, then writes the plot. */
async function plotBothBackends(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  const self = fileURLToPath(import.meta.url);
  const common = ['--np', '2', '--sizes', flags.sizes.join(','), '--n', String(flags.n), '--reps', String(flags.reps)];
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
  const threads = execFileSync(process.execPath, [self, '--backend', 'threads', ...common], { encoding: 'utf8', env });
  process.stdout.write(threads);
  const mpi = execFileSync('mpirun', ['--oversubscribe', '-n', '2', process.execPath, self, '--backend', 'mpi', ...common], { encoding: 'utf8', env });
  process.stdout.write(mpi);
  const runs = [resultOf(threads, 'the Threads run'), resultOf(mpi, 'the MPI run')];
  const subtitle = `measured ${new Date().toISOString().slice(0, 10)} on a 2-core machine shared with other work (${load.replace(/^.*load/, 'load')})`;
  const view = new View(parse(compile(plotSpec(runs, subtitle)).spec), { renderer: 'none' });
  try {
    writeFileSync(flags.plot!, await view.toSVG());
  } finally {
    view.finalize();
  }
  console.log(`wrote ${flags.plot}`);
}

const isProgram = isMainThread && process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (isProgram && process.argv.includes('--plot')) {
  try {
    await plotBothBackends();
  } catch (error) {
    console.error(`${command.program}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
} else {
  await runExample(import.meta.url, command, blockBanded);
}
