/**
 * One-sided latency: a `Window.get` of 10 float64 from another part (Threads and MPI, 2 parts),
 * beside mpi4py doing the same (`bench/anchors/rma_latency.py`: `Win.Allocate`, then
 * lock/get/unlock per get, and `Lock_all` + get + flush per get, the protocol our MPI backend
 * uses). Measured like `anchors/mpi_latency.py`: every part gets from the next part at once, each
 * get timed individually after a warm-up, per-part median, then the max over parts. A
 * `Window.accumulate` of the same 10 values is timed the same way, for reference.
 *
 * Every repetition runs the three programs once each, alternating, each in its own process, so
 * load from other work hits them alike; the 1-minute load average is printed with every sample.
 * The table gives the median over repetitions and the ratio to mpi4py.
 *
 *   node dist/bench/rma.js [--reps 3] [--iters 20000]
 *   node dist/bench/rma.js --child threads|mpi [--iters 20000]   (one run; mpi under mpirun -n 2)
 *
 * @module
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable, withMpi, withThreads, type PData } from '../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { parseResultLine, repositoryRoot, runCommand } from './lib/anchors.js';
import { runAsProgram } from './lib/program.js';
import { median } from './lib/stats.js';
import { timeLoop } from './lib/time-loop.js';

/** Values per get, their offset in the target's memory, and the memory each part exposes. */
const COUNT = 10;
const OFFSET = 100;
const LENGTH = 1024;
/** How the child tells its worker threads the number of timed gets (workers inherit the environment). */
const ITERS_VARIABLE = 'PA_BENCH_RMA_ITERS';

const command = {
  program: 'bench/rma',
  usage: ['node dist/bench/rma.js [--reps 3] [--iters 20000]', 'node dist/bench/rma.js --child threads|mpi [--iters 20000]'],
  summary: 'latency of a one-sided get of 10 float64 (Threads, MPI) beside mpi4py',
  flags: {
    reps: { kind: 'positive-integer', help: 'repetitions (each runs every program once)', default: 3 },
    iters: { kind: 'positive-integer', help: 'timed gets per part', default: 20000 },
    child: { kind: 'choice', choices: ['threads', 'mpi'], help: 'run one backend in this process and print its RESULT line' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** Seconds: median per part, the max of those over parts, and the mean of the loop. */
interface Timing {
  median_max_over_ranks: number;
  mean_max_over_ranks: number;
  iters: number;
}

/** Times `op` like the anchor: warm-up calls, a barrier, then `iters` calls timed one by one. */
function timed(ranks: PData<number>, iters: number, op: () => void): Timing {
  const t = timeLoop(ranks, iters, Math.max(100, iters / 10), op);
  return { median_max_over_ranks: t.median_max_over_ranks, mean_max_over_ranks: t.mean_max_over_ranks, iters };
}

/**
 * The measurement, run by every part (Threads worker or MPI rank): each part gets 10 values from
 * the next part's window, checks them, then accumulates 10 values into it.
 * @throws Error when a get returns wrong values.
 */
export function rmaLatency(ranks: PData<number>): Record<string, unknown> {
  const { backend } = ranks;
  const iters = Number(process.env[ITERS_VARIABLE] ?? 20000);
  const me = ranks.partIds[0];
  const target = (me + 1) % ranks.np;
  const win = backend.createWindow([LENGTH]);
  win.local[0].forEach((_, i, local) => (local[i] = 10_000 * me + i));
  win.fence();
  const starts = Float64Array.of(OFFSET);
  const counts = Float64Array.of(COUNT);
  const out = new Float64Array(COUNT);
  const get = timed(ranks, iters, () => win.get(me, target, starts, counts, out));
  if (out[0] !== 10_000 * target + OFFSET || out[COUNT - 1] !== 10_000 * target + OFFSET + COUNT - 1) {
    throw new Error(`part ${me} got ${out[0]}..${out[COUNT - 1]} from part ${target}`);
  }
  const ones = new Float64Array(COUNT).fill(1);
  const accumulate = timed(ranks, iters, () => win.accumulate(me, target, starts, counts, ones));
  win.free();
  return { code: `pa_rma_${backend.kind}`, np: ranks.np, count: COUNT, get, accumulate };
}

/** One backend's run in this process (threads) or this rank (mpi): prints its RESULT line. */
async function child(kind: 'threads' | 'mpi', iters: number): Promise<void> {
  process.env[ITERS_VARIABLE] = String(iters);
  if (kind === 'threads') {
    const [result] = await withThreads<Record<string, unknown>>(2, new URL(import.meta.url), { exportName: 'rmaLatency' });
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }
  const result = await withMpi((ranks) => {
    const mine = rmaLatency(ranks);
    return ranks.partIds[0] === 0 ? mine : undefined;
  });
  if (result !== undefined) console.log(`RESULT ${JSON.stringify(result)}`);
}

/** `median_max_over_ranks` of `field` in a RESULT, in µs. */
function micros(result: Record<string, unknown>, field: string): number {
  const timing = result[field] as Timing | undefined;
  if (typeof timing?.median_max_over_ranks !== 'number') throw new Error(`no ${field} timing in ${JSON.stringify(result)}`);
  return timing.median_max_over_ranks * 1e6;
}

async function run(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  if (flags.child !== undefined) return child(flags.child as 'threads' | 'mpi', flags.iters);
  const root = repositoryRoot();
  const self = join(root, 'dist', 'bench', 'rma.js');
  const anchor = join(root, 'bench', 'anchors', 'rma_latency.py');
  const iters = String(flags.iters);
  const programs: Record<string, [string, string[]]> = {
    threads: [process.execPath, [self, '--child', 'threads', '--iters', iters]],
    mpi: ['mpirun', ['--oversubscribe', '-n', '2', process.execPath, self, '--child', 'mpi', '--iters', iters]],
    mpi4py: ['mpirun', ['--oversubscribe', '-n', '2', '/usr/bin/python3', anchor, '--iters', iters]],
  };
  const samples: Record<string, number[]> = {};
  const add = (name: string, value: number): void => {
    (samples[name] ??= []).push(value);
  };
  for (let rep = 0; rep < flags.reps; rep++) {
    for (const [name, [file, args]] of Object.entries(programs)) {
      const load = loadavg()[0].toFixed(2);
      const done = runCommand(file, args, 300);
      if (done.failure !== undefined) throw new Error(`${name} failed: ${done.failure}`);
      const result = parseResultLine(done.stdout, name);
      if (name === 'mpi4py') {
        add('mpi4py lock/get/unlock', micros(result, 'lock_get_unlock'));
        add('mpi4py lock_all, get+flush', micros(result, 'lockall_get_flush'));
      } else {
        add(`${name} get`, micros(result, 'get'));
        add(`${name} accumulate`, micros(result, 'accumulate'));
      }
      console.log(`rep ${rep + 1} ${name}: load ${load}, ${JSON.stringify(result)}`);
    }
  }
  const anchorGet = median(samples['mpi4py lock_all, get+flush']);
  const anchorLocked = median(samples['mpi4py lock/get/unlock']);
  const rows = Object.entries(samples).map(([name, values]) => {
    const us = median(values);
    return [name, us.toFixed(2), (us / anchorGet).toFixed(2), (us / anchorLocked).toFixed(2), values.map((v) => v.toFixed(2)).join(' ')];
  });
  console.log(`\nget of ${COUNT} float64 from the other part, 2 parts, ${flags.iters} gets per part, medians over ${flags.reps} reps`);
  console.log(
    formatTable(['program', 'median µs (max over parts)', '÷ mpi4py get+flush', '÷ mpi4py lock/get/unlock', 'per rep µs'], rows),
  );
  console.log(`load average now: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

await runAsProgram(import.meta.url, 'bench/rma', run);
