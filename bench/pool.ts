/**
 * Task farm and interactive cluster benchmark, beside `anchors/pool_map.py` (Python's
 * multiprocessing Pool) in the same run, rounds interleaved (anchor, then ours):
 *   - per-item overhead of a trivial map (x -> x * x) over 10 000 items on a pool of 2, chunked
 *     as Python chunks (`chunkSize: 'auto'`) and unchunked (one message per item);
 *   - the CPU-bound map (count primes below 200 000 + k by trial division, 16 items): serial and
 *     pool of 2, results checked identical;
 *   - an empty `cluster.run` round trip on thread engines and on MPI engines (np 2);
 *   - scatter and gather of 10^7 float64 values on both, in GB/s (80 MB each way), beside the
 *     rate at which this process fills 80 MB of fresh memory (page faults included), which bounds
 *     them: every piece lands in memory the receiver has just allocated.
 *
 * Run (after `npx tsc`): node dist/bench/pool.js [--rounds 3] [--anchors ../shared/anchors]
 * Prints a table and one line `RESULT {json}` (medians over rounds; our trivial maps are the
 * median of 5 per round, the anchor's one map per round). This file is also the task
 * and driver module of the measurements (its exports `square`, `countPrimes`, `empty`).
 */
import { realpathSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { cluster, formatTable, workerPool, type WorkerPool } from '../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { countPrimes } from '../examples/task-farm.js';
import { defaultAnchorsDir, parseResultLine, runCommand } from './lib/anchors.js';
import { median } from './lib/stats.js';

export { countPrimes };

/** The trivial task. */
export function square(x: number): number {
  return x * x;
}

/** The empty driver (a cluster round trip). */
export function empty(): void {}

const command = {
  program: 'bench/pool',
  usage: ['node dist/bench/pool.js [--rounds 3] [--anchors ../shared/anchors]'],
  summary: 'workerPool overhead and speed-up, cluster round trips and scatter/gather, beside Python Pool.map',
  flags: {
    rounds: { kind: 'positive-integer', help: 'interleaved rounds (anchor, then ours)', default: 3 },
    anchors: { kind: 'string', valueName: 'DIR', help: 'the anchors directory (pool_map.py)', default: defaultAnchorsDir() },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const TRIVIAL_ITEMS = 10_000;
const TRIVIAL_REPS = 5;
const CPU_ITEMS = 16;
const SCATTER_LENGTH = 1e7;
const EMPTY_RUNS = 200;

async function seconds<T>(f: () => T | Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await f();
  return [(performance.now() - t0) / 1000, value];
}

interface Ours {
  autoUsPerItem: number;
  unchunkedUsPerItem: number;
  cpuSerialS: number;
  cpuPoolS: number;
  identical: boolean;
}

async function poolRound(pool: WorkerPool, here: string): Promise<Ours> {
  const items = Array.from({ length: TRIVIAL_ITEMS }, (_, i) => i);
  await pool.map(here, items.slice(0, 100), { exportName: 'square' });
  // Median of a few maps, alternating: one map is short enough for a descheduled worker to dominate.
  const autoSamples: number[] = [];
  const unchunkedSamples: number[] = [];
  for (let rep = 0; rep < TRIVIAL_REPS; rep++) {
    autoSamples.push((await seconds(() => pool.map(here, items, { exportName: 'square', chunkSize: 'auto' })))[0]);
    unchunkedSamples.push((await seconds(() => pool.map(here, items, { exportName: 'square' })))[0]);
  }
  const [auto, unchunked] = [median(autoSamples), median(unchunkedSamples)];
  const ks = Array.from({ length: CPU_ITEMS }, (_, k) => k);
  // Both sides warm (compiled countPrimes in every worker and here) before they are timed.
  await pool.map<number>(here, ks, { exportName: 'countPrimes' });
  ks.map(countPrimes);
  const [cpuPoolS, pooled] = await seconds(() => pool.map<number>(here, ks, { exportName: 'countPrimes' }));
  const [cpuSerialS, serial] = await seconds(() => ks.map(countPrimes));
  return {
    autoUsPerItem: (auto / TRIVIAL_ITEMS) * 1e6,
    unchunkedUsPerItem: (unchunked / TRIVIAL_ITEMS) * 1e6,
    cpuSerialS,
    cpuPoolS,
    identical: pooled.every((count, k) => count === serial[k]),
  };
}

interface ClusterFigures {
  emptyRunUs: number;
  scatterGBs: number;
  gatherGBs: number;
  gatheredOk: boolean;
}

async function clusterFigures(backend: 'threads' | 'mpi', here: string): Promise<ClusterFigures> {
  const c = await cluster({ backend, np: 2 });
  try {
    for (let i = 0; i < 20; i++) await c.runExport(here, 'empty');
    const samples: number[] = [];
    for (let i = 0; i < EMPTY_RUNS; i++) samples.push((await seconds(() => c.runExport(here, 'empty')))[0]);
    const x = new Float64Array(SCATTER_LENGTH);
    for (let i = 0; i < x.length; i++) x[i] = i;
    await c.scatter('warm', x.subarray(0, 1000));
    const [scatterS] = await seconds(() => c.scatter('x', x));
    const [gatherS, back] = await seconds(() => c.gather<Float64Array>('x'));
    const bytes = SCATTER_LENGTH * 8;
    return {
      emptyRunUs: median(samples) * 1e6,
      scatterGBs: bytes / scatterS / 1e9,
      gatherGBs: bytes / gatherS / 1e9,
      gatheredOk: back.length === x.length && back[x.length - 1] === x.length - 1,
    };
  } finally {
    await c.close();
  }
}

/** GB/s of allocating and filling 10^7 float64 values (first touch), median of 3. */
function firstTouchGBs(): number {
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    new Float64Array(SCATTER_LENGTH).fill(1);
    rates.push((SCATTER_LENGTH * 8) / ((performance.now() - t0) / 1000) / 1e9);
  }
  return median(rates);
}

async function main(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  const here = import.meta.url;
  const anchor = join(flags.anchors, 'pool_map.py');
  const python: Record<string, number>[] = [];
  const ours: Ours[] = [];
  const loads: number[] = [];
  const pool = workerPool({ size: 2 });
  try {
    for (let round = 0; round < flags.rounds; round++) {
      const run = runCommand('python3', [anchor], 300);
      if (run.failure === undefined) python.push(parseResultLine(run.stdout, 'pool_map.py') as Record<string, number>);
      else console.log(`pool_map.py failed: ${run.failure}`);
      ours.push(await poolRound(pool, here));
      loads.push(loadavg()[0]);
    }
  } finally {
    await pool.close();
  }
  const touchBefore = firstTouchGBs();
  const threads = await clusterFigures('threads', here);
  const mpi = await clusterFigures('mpi', here);
  const firstTouch = median([touchBefore, firstTouchGBs()]);
  loads.push(loadavg()[0]);

  const med = (values: number[]): number => (values.length === 0 ? Number.NaN : median(values));
  const py = {
    overheadUs: med(python.map((r) => r.overhead_us_per_item)),
    cpuSerialS: med(python.map((r) => r.cpu_serial_s)),
    cpuPoolS: med(python.map((r) => r.cpu_pool2_s)),
  };
  const js = {
    autoUs: med(ours.map((r) => r.autoUsPerItem)),
    unchunkedUs: med(ours.map((r) => r.unchunkedUsPerItem)),
    cpuSerialS: med(ours.map((r) => r.cpuSerialS)),
    cpuPoolS: med(ours.map((r) => r.cpuPoolS)),
  };
  const f = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '-');
  console.log(
    formatTable(
      ['measure', 'ours', 'Python Pool(2)', 'ours / Python'],
      [
        ['trivial map, chunked (us/item)', f(js.autoUs, 3), f(py.overheadUs, 3), f(js.autoUs / py.overheadUs)],
        ['trivial map, unchunked (us/item)', f(js.unchunkedUs), '-', '-'],
        ['count primes x16 serial (s)', f(js.cpuSerialS), f(py.cpuSerialS), f(js.cpuSerialS / py.cpuSerialS)],
        ['count primes x16 pool of 2 (s)', f(js.cpuPoolS), f(py.cpuPoolS), f(js.cpuPoolS / py.cpuPoolS)],
        ['speed-up pool of 2 / serial (goal >= 1.9)', f(js.cpuSerialS / js.cpuPoolS), f(py.cpuSerialS / py.cpuPoolS), '-'],
      ],
    ),
  );
  console.log(
    formatTable(
      ['cluster (np 2)', 'empty run (us)', 'scatter 1e7 f64 (GB/s)', 'gather 1e7 f64 (GB/s)'],
      [
        ['threads', f(threads.emptyRunUs, 0), f(threads.scatterGBs), f(threads.gatherGBs)],
        ['mpi', f(mpi.emptyRunUs, 0), f(mpi.scatterGBs), f(mpi.gatherGBs)],
        ['(fill 80 MB of fresh memory here)', '-', f(firstTouch), f(firstTouch)],
      ],
    ),
  );
  const identical = ours.every((r) => r.identical);
  const speedups = ours.map((r) => r.cpuSerialS / r.cpuPoolS);
  console.log(`CPU-bound speed-up of each round (serial / pool of 2, goal >= 1.9): ${speedups.map((x) => f(x)).join(', ')}`);
  console.log(`results identical to serial: ${identical}; 1-minute load average during the runs: ${loads.map((l) => l.toFixed(2)).join(', ')} (2 cores)`);
  console.log(
    `RESULT ${JSON.stringify({
      rounds: flags.rounds,
      ours: js,
      python: py,
      cpuSpeedups: speedups,
      identical,
      cluster: { threads, mpi, firstTouchGBs: firstTouch },
      loadavg: loads,
    })}`,
  );
  if (!identical || !threads.gatheredOk || !mpi.gatheredOk) process.exitCode = 1;
}

if (isMainThread && process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  await main();
}
