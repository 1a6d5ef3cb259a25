/**
 * Benchmark driver: the Poisson CG solve of `../shared/anchors` (3-D, n³ unknowns, Jacobi,
 * rtol 1e-8) on one backend, assembly and solve timed separately (max over parts), printed as one
 * `RESULT {json}` line in the style of the anchors, so `bench/run.ts` parses ours and PETSc's alike:
 *
 *   node dist/bench/poisson.js --backend sequential|threads [--np 2] [--n 100]
 *   mpirun --oversubscribe -n 2 node dist/bench/poisson.js --backend mpi [--n 100]
 *
 * The default export is the driver `main(ranks)`: worker threads import this module and run it, and
 * under mpirun every rank runs it, exactly as in `examples/poisson.ts`.
 *
 * @module
 */
import { InvalidArgumentError, PTimer, getAny, laplacianFem, psparse, reduction, withMpi, withSequential, withThreads, type PData } from '../src/index.js';
import { timePoissonSolve } from './lib/poisson-solve.js';
import { parseCommand, parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runAsProgram } from './lib/program.js';

const BACKENDS = ['sequential', 'threads', 'mpi'] as const;

/** What one run reports (snake case, as the anchors' `RESULT` lines); times are max over parts. */
export interface PoissonBenchResult {
  readonly code: 'pa_poisson';
  readonly backend: string;
  readonly kernels: string;
  readonly np: number;
  readonly n: number;
  /** Seconds of `laplacianFdm` + `psparse`. */
  readonly assembly_s: number;
  /** Seconds of `laplacianFdm` (partition and COO triplets). */
  readonly coo_s: number;
  /** Seconds of `psparse(...).wait()`. */
  readonly psparse_s: number;
  /** Seconds of `psparseRefill(A, V).wait()` (not part of the job). */
  readonly refill_s: number;
  /** The whole job: `coo_s + psparse_s + setup_s + solve_s`. */
  readonly job_s: number;
  /** Bytes of the matrix (both blocks, all parts). */
  readonly matrix_bytes: number;
  /** Bytes of the COO triplets (all parts). */
  readonly coo_bytes: number;
  /** Peak resident memory after psparse above the resident memory before the triplets (all processes). */
  readonly assembly_peak_bytes: number;
  /** Seconds of `new CgSolver(A, ...)` (PETSc's KSPSetUp: the Jacobi diagonal, work vectors). */
  readonly setup_s: number;
  /** Seconds of `solver.solve(b, { x })` (PETSc's KSPSolve). */
  readonly solve_s: number;
  readonly iterations: number;
  /** `solve_s / iterations` in milliseconds. */
  readonly ms_per_iteration: number;
  readonly reason: string;
}

/** The command line, read with the package's one parser; every part sees the same one (workers get it through `withThreads`'s argv). */
const command = {
  program: 'bench/poisson',
  usage: [
    'node dist/bench/poisson.js --backend sequential|threads [--np 2] [--n 100] [--bind auto|none|core]',
    'mpirun --oversubscribe -n 2 node dist/bench/poisson.js --backend mpi [--n 100]',
  ],
  summary: 'One timed Poisson CG solve (assembly, set-up, solve), printed as a RESULT line',
  flags: {
    backend: { kind: 'choice', choices: BACKENDS, help: 'where the parts live', default: 'sequential' },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 1 },
    n: { kind: 'positive-integer', help: 'interior grid points per direction (with --fem: cells per direction)', default: 100 },
    fem: { kind: 'boolean', help: 'time the 2-D finite-element assembly (laplacianFem, n x n cells) instead of the solve' },
    bind: { kind: 'choice', choices: ['auto', 'none', 'core'], help: "threads only: where the workers run (withThreads' bindTo; default PA_THREADS_BIND, else auto: bound from 2 parts up to the CPUs)" },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/**
 * The driver: reads `--n` from the command line, assembles and solves once, and returns the
 * timings (the same on every part). Collective.
 *
 * @throws InvalidArgumentError when the command line is invalid; whatever `timePoissonSolve` throws.
 * @example
 * ```ts
 * const [result] = await withThreads<PoissonBenchResult>(2, 'dist/bench/poisson.js', { argv: ['--n', '50'] });
 * result.iterations; // 124
 * ```
 */
export default function main(ranks: PData<number>): PoissonBenchResult | FemBenchResult {
  const { n, fem } = parseCommand(command, process.argv.slice(2)).flags;
  if (fem) return timeFem(ranks, n);
  const t = timePoissonSolve(ranks, n);
  return {
    code: 'pa_poisson',
    backend: t.backend,
    kernels: t.kernels,
    np: t.np,
    n: t.n,
    assembly_s: t.assemblySeconds,
    coo_s: t.cooSeconds,
    psparse_s: t.psparseSeconds,
    refill_s: t.refillSeconds,
    job_s: t.cooSeconds + t.psparseSeconds + t.setupSeconds + t.solveSeconds,
    matrix_bytes: t.matrixBytes,
    coo_bytes: t.cooBytes,
    assembly_peak_bytes: t.assemblyPeakBytes,
    setup_s: t.setupSeconds,
    solve_s: t.solveSeconds,
    iterations: t.iterations,
    ms_per_iteration: t.iterations > 0 ? (t.solveSeconds / t.iterations) * 1e3 : Number.NaN,
    reason: t.reason,
  };
}

/** What a `--fem` run reports: the finite-element assembly on n × n cells ((n-1)² unknowns). */
export interface FemBenchResult {
  readonly code: 'pa_fem';
  readonly backend: string;
  readonly kernels: string;
  readonly np: number;
  readonly n: number;
  readonly unknowns: number;
  /** Triplets over all parts (4 × 4 per interior cell, fewer at the boundary). */
  readonly triplets: number;
  /** Seconds of `laplacianFem`, max over parts. */
  readonly coo_s: number;
  /** Seconds of `psparse(...).wait()`, max over parts. */
  readonly psparse_s: number;
  /** `triplets / psparse_s`. */
  readonly triplets_per_s: number;
}

/** The FEM assembly of `laplacianFem` on n × n cells, in strips of `[1, np]` parts (rows owned by neighbours at each strip's edge). */
function timeFem(ranks: PData<number>, n: number): FemBenchResult {
  const timer = new PTimer(ranks);
  timer.tic({ barrier: true });
  const { I, J, V, rows, cols } = laplacianFem(ranks, [n, n], [1, ranks.np]);
  timer.toc('coo');
  timer.tic({ barrier: true });
  psparse(I, J, V, rows, cols).wait();
  timer.toc('psparse');
  const stats = timer.statistics();
  const triplets = getAny(reduction((a, b) => a + b, I.map((Ip) => Ip.length), { destination: 'all', init: 0 }));
  const { kind, kernels, np } = ranks.backend;
  return {
    code: 'pa_fem', backend: kind, kernels, np, n, unknowns: rows.n, triplets,
    coo_s: stats.coo.max, psparse_s: stats.psparse.max, triplets_per_s: triplets / stats.psparse.max,
  };
}

function printFem(result: FemBenchResult): void {
  console.log(
    `partitioned-arrays FEM assembly ${result.n}x${result.n} cells (${result.unknowns} unknowns, ${result.triplets} triplets): ` +
      `backend ${result.backend}, np=${result.np}: laplacianFem ${result.coo_s.toFixed(4)} s, psparse ${result.psparse_s.toFixed(4)} s, ` +
      `${(result.triplets_per_s / 1e6).toFixed(1)} M triplets/s`,
  );
  console.log(`RESULT ${JSON.stringify(result)}`);
}

function print(result: PoissonBenchResult | FemBenchResult): void {
  if (result.code === 'pa_fem') {
    printFem(result);
    return;
  }
  console.log(
    `partitioned-arrays Poisson n=${result.n}: backend ${result.backend}, kernels ${result.kernels}, np=${result.np}: ` +
      `assembly ${result.assembly_s.toFixed(4)} s, setup ${result.setup_s.toFixed(4)} s, solve ${result.solve_s.toFixed(4)} s, ` +
      `${result.iterations} iterations ` +
      `(${result.ms_per_iteration.toFixed(3)} ms/iteration), ${result.reason}`,
  );
  console.log(`RESULT ${JSON.stringify(result)}`);
}

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  const { backend, np, bind } = parseCommandOrExit(command, argv).flags;
  if (bind !== undefined && backend !== 'threads') throw new InvalidArgumentError(`--bind is for --backend threads, not ${backend}`);
  if (backend === 'sequential') print(await withSequential(np, main));
  else if (backend === 'threads') print((await withThreads<PoissonBenchResult | FemBenchResult>(np, import.meta.url, { argv, bindTo: bind }))[0]);
  else {
    await withMpi((ranks) => {
      const result = main(ranks);
      if (ranks.partIds[0] === 0) print(result);
    });
  }
}

await runAsProgram(import.meta.url, 'bench/poisson', run);
