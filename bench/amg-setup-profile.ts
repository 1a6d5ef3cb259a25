/**
 * Where the AMG set-up's time goes on each part, told apart as work and as waiting for a core:
 * the Poisson problem of `bench/amg.ts` (n³), `amg(A)` with each level's coarsening and each
 * set-up kernel call (aggregation, prolongator, Galerkin product, …) measured from outside (their
 * methods wrapped). Per level and kernel it prints wall milliseconds, the main thread's CPU time,
 * the main thread's run-queue wait (time it was runnable but another thread held its core) and the
 * process's minor page faults (first writes of memory), read from Linux's
 * `/proc/thread-self/schedstat` and `/proc/self/stat`; and for the whole set-up the CPU time of the
 * process's other threads (V8's compiler and collector helpers, MPI's). The scheduler brings a
 * running thread's counters up to date only now and then (at its ticks, a few ms), so the CPU
 * time and wait of a call shorter than that are noise; a level's or the set-up's sums are not.
 *
 * Why: a rank's wall time is its work plus its waits for a core plus its faults. Bound to one
 * core each (Open MPI's default for two ranks), the ranks of a two-rank job on a two-core machine
 * cannot move away from any other runnable thread, their own helper threads included, while one
 * unbound process takes whichever core is free; a wall-clock profile (`--cpu-prof` samples) then
 * charges the waits to the function that ran before them. The figures here say which it is.
 *
 *   node dist/bench/amg-setup-profile.js [--n 100] [--np 1]
 *   mpirun --oversubscribe -n 2 node dist/bench/amg-setup-profile.js --backend mpi [--n 100]
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { laplacianFdm, psparse, withMpi, withSequential, type PData } from '../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { amg } from '../src/solvers/amg/amg.js';
import { AmgLevel } from '../src/solvers/amg/level.js';
import { setupKernels } from '../src/solvers/amg/setup-kernels.js';
import { spgemmKernels } from '../src/sparse/matmul-kernels.js';
import { DEFAULT_PRIME_MEGABYTES, primeMemory } from './lib/prime-memory.js';
import { runAsProgram } from './lib/program.js';

const command = {
  program: 'bench/amg-setup-profile',
  usage: ['node dist/bench/amg-setup-profile.js [--n 100] [--backend sequential|mpi] [--np 1] [--prime-mb 2048]'],
  summary: 'per-level, per-kernel wall time, CPU time, run-queue wait and page faults of the AMG set-up, on every part',
  flags: {
    n: { kind: 'positive-integer', help: 'grid size (n³ unknowns)', default: 100 },
    backend: { kind: 'choice', choices: ['sequential', 'mpi'], help: 'backend', default: 'sequential' },
    np: { kind: 'positive-integer', help: 'parts of a sequential run', default: 1 },
    'prime-mb': {
      kind: 'non-negative-integer', valueName: 'MIB', default: DEFAULT_PRIME_MEGABYTES,
      help: 'memory written and freed by a short process before the run (rank 0 only; see bench/lib/prime-memory.ts)',
    },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** Wall ms, the main thread's CPU ms and run-queue wait ms, the process's minor faults. */
type Sample = readonly [wall: number, cpu: number, wait: number, faults: number];

/** Whether the kernel exposes the main thread's scheduler counters (Linux). */
const linux = (() => {
  try {
    readFileSync('/proc/thread-self/schedstat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/** The counters now (zeros but the wall time off Linux). */
function sample(): Sample {
  const wall = performance.now();
  if (!linux) return [wall, 0, 0, 0];
  const [cpuNs, waitNs] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces): the 8th is minflt.
  const faults = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  return [wall, cpuNs / 1e6, waitNs / 1e6, faults];
}

/** Accumulated differences per label, with the call count. */
const totals = new Map<string, { sum: number[]; calls: number }>();
let enabled = false;
/** The level being coarsened (kernel calls are charged to it), or undefined between levels. */
let level: number | undefined;

function add(label: string, from: Sample, to: Sample): void {
  if (!enabled) return;
  const t = totals.get(label) ?? { sum: [0, 0, 0, 0], calls: 0 };
  for (let k = 0; k < 4; k++) t.sum[k] += to[k] - from[k];
  t.calls++;
  totals.set(label, t);
}

/** Replaces every function of `kernels` by one that charges its calls to the current level. */
function wrapKernels(kernels: object): void {
  const table = kernels as Record<string, unknown>;
  for (const name of Object.keys(table)) {
    const original = table[name];
    if (typeof original !== 'function') continue;
    table[name] = (...args: unknown[]): unknown => {
      const from = sample();
      const result: unknown = original(...args);
      add(`L${level === undefined ? '-' : String(level)} ${name}`, from, sample());
      return result;
    };
  }
}

function wrapCoarsen(): void {
  const proto = AmgLevel.prototype as unknown as { coarsen: (this: AmgLevel, ...args: unknown[]) => unknown };
  const original = proto.coarsen;
  proto.coarsen = function (this: AmgLevel, ...args: unknown[]): unknown {
    level = this.index;
    const from = sample();
    try {
      return original.apply(this, args);
    } finally {
      add(`L${String(this.index)} (coarsen, whole)`, from, sample());
      level = undefined;
    }
  };
}

function format(label: string, sum: readonly number[], calls: number): string {
  const [wall, cpu, wait, faults] = sum;
  return `  ${label.padEnd(34)} ${wall.toFixed(1).padStart(8)} ms wall ${cpu.toFixed(1).padStart(8)} ms CPU ` +
    `${wait.toFixed(1).padStart(8)} ms waiting ${String(faults).padStart(7)} faults ${String(calls).padStart(4)} calls`;
}

function run(ranks: PData<number>, n: number): void {
  const problem = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  wrapKernels(setupKernels());
  wrapKernels(spgemmKernels());
  wrapCoarsen();
  enabled = true;
  const cpu0 = process.cpuUsage();
  const from = sample();
  const M = amg(A);
  const to = sample();
  const cpu = process.cpuUsage(cpu0);
  enabled = false;
  const processCpu = (cpu.user + cpu.system) / 1e3;
  const whole = to.map((x, k) => x - from[k]);
  const lines = [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, t]) => format(label, t.sum, t.calls));
  console.log([
    `part ${ranks.localItems.join(',')} of ${String(ranks.np)}: n = ${String(n)}, levels ${M.levels.map((l) => l.rows).join('/')}` +
      (linux ? '' : ' (no /proc: CPU, waits and faults read 0)'),
    format('set-up (amg, whole)', whole, 1),
    `  other threads' CPU during the set-up ${(processCpu - whole[1]).toFixed(1)} ms (process ${processCpu.toFixed(1)} ms)`,
    ...lines,
  ].join('\n'));
}

async function main(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  const rank = process.env.OMPI_COMM_WORLD_RANK;
  if (rank === undefined || rank === '0') primeMemory(flags['prime-mb']);
  if (flags.backend === 'mpi') await withMpi((ranks) => run(ranks, flags.n));
  else await withSequential(flags.np, (ranks) => run(ranks, flags.n));
}

await runAsProgram(import.meta.url, 'bench/amg-setup-profile', main);
