/**
 * 3-D Poisson example: the 7-point finite-difference Laplacian on an n×n×n grid of interior
 * unknowns, b = 1, solved with CG + Jacobi to a relative residual of 1e-8 (the problem of the
 * PETSc and SciPy reference programs). Shows the solve's progress (a bar on a terminal, a line
 * every 25 iterations otherwise), the result, and a timing table. `--pc` picks another
 * preconditioner (`amg`: smoothed aggregation); `--vtk DIR` writes the solution for ParaView
 * (`DIR/poisson.pvtr` and one piece per part).
 *
 *   node dist/examples/poisson.js [--n 50] [--np 2] [--backend sequential|threads] [--pc amg] [--vtk out]
 *   mpirun -n 2 node dist/examples/poisson.js --backend mpi [--n 50]
 *
 * The module's default export is the driver `poisson(ranks)`, so the same code runs on every
 * backend: worker threads import this module and run it; under mpirun every rank runs it.
 *
 * @module
 */
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import {
  PTimer,
  axpy,
  cg,
  laplacianFdm,
  mul,
  norm,
  pfill,
  psparse,
  sum,
  writeVtk,
  formatScientific,
  InvalidArgumentError,
  type PData,
} from '../src/index.js';
import { parseCommand, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runExample } from './lib/run-example.js';

const BACKENDS = ['sequential', 'threads', 'mpi'] as const;
const PRECONDITIONERS = ['jacobi', 'ssor', 'ilu0', 'amg'] as const;
const PROGRESS_EVERY = 25;

/** The command line, read with the package's one parser (the same words and exit codes as the CLI). */
const command = {
  program: 'poisson',
  usage: [
    'node dist/examples/poisson.js [--n 50] [--np 2] [--backend sequential|threads] [--pc jacobi|ssor|ilu0|amg] [--vtk DIR]',
    'mpirun -n NP node dist/examples/poisson.js --backend mpi [--n 50]',
  ],
  summary: '3-D Poisson with CG (Jacobi, SSOR, block-Jacobi ILU(0) or AMG preconditioning)',
  flags: {
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 50 },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    backend: { kind: 'choice', choices: BACKENDS, help: 'where the parts live', default: 'sequential' },
    pc: { kind: 'choice', choices: PRECONDITIONERS, help: 'preconditioner of CG', default: 'jacobi' },
    vtk: { kind: 'string', valueName: 'DIR', help: 'write the solution for ParaView into DIR (poisson.pvtr)' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const sci = formatScientific;
const RTOL = 1e-8;

/** The plain progress line (`iteration    25  residual 1.234567e+01  relative 1.234e-02`). */
function progressLine(iteration: number, residual: number, r0: number): string {
  return `iteration ${String(iteration).padStart(5)}  residual ${sci(residual, 6)}  relative ${sci(residual / r0, 3)}`;
}

/** How the solve's progress is shown, by the part that prints. */
export interface ProgressDisplay {
  /** `'bar'` on a terminal, `'lines'` otherwise. */
  readonly kind: 'bar' | 'lines';
  /** After iteration k (0: the initial residual r0). */
  iteration(k: number, residual: number, r0: number): void;
  /** After the last iteration: ends the bar and prints the final progress line. */
  finish(k: number, residual: number, r0: number): void;
}

/** Where the progress goes: whether it is a terminal, the stream the bar draws on, the line printer. */
export interface ProgressTarget {
  readonly isTTY: boolean | undefined;
  readonly stream: NodeJS.WritableStream;
  readonly print: (line: string) => void;
}

/**
 * A progress bar (cli-progress) when the stream is a terminal, else a plain line every
 * PROGRESS_EVERY iterations (what a log file or a pipe wants). The bar measures the decrease of
 * the residual on a log scale: 100% is the relative residual RTOL.
 */
export function chooseProgress({ isTTY, stream, print }: ProgressTarget): ProgressDisplay {
  if (isTTY !== true) {
    return {
      kind: 'lines',
      iteration: (k, residual, r0) => {
        if (k % PROGRESS_EVERY === 0) print(progressLine(k, residual, r0));
      },
      finish: (k, residual, r0) => print(progressLine(k, residual, r0)),
    };
  }
  const bar = new SingleBar({
    stream,
    format: 'CG [{bar}] {percentage}% | iteration {iteration} | relative residual {relative}',
    hideCursor: true,
    clearOnComplete: true,
  });
  const percent = (residual: number, r0: number): number =>
    Math.max(0, Math.min(100, Math.round((100 * Math.log(residual / r0)) / Math.log(RTOL))));
  return {
    kind: 'bar',
    iteration: (k, residual, r0) => {
      const payload = { iteration: k, relative: sci(residual / r0, 3) };
      if (k === 0) bar.start(100, 0, payload);
      else bar.update(percent(residual, r0), payload);
    },
    finish: (k, residual, r0) => {
      bar.update(percent(residual, r0), { iteration: k, relative: sci(residual / r0, 3) });
      bar.stop();
      print(progressLine(k, residual, r0));
    },
  };
}

/** Parts per direction (x, y, z) with product np: prime factors go to the least split direction, z first. */
function partsPerDirection(np: number): number[] {
  const parts = [1, 1, 1];
  let rest = np;
  for (let f = 2; rest > 1; f++) {
    while (rest % f === 0) {
      let d = 2;
      for (let e = 2; e >= 0; e--) if (parts[e] < parts[d]) d = e;
      parts[d] *= f;
      rest /= f;
    }
  }
  return parts;
}

/**
 * The driver: reads `--n` from the command line (every part sees the same arguments), assembles
 * the matrix, solves, and prints from part 0.
 */
export default function poisson(ranks: PData<number>): void {
  const { n, pc, vtk } = parseCommand(command, process.argv.slice(2)).flags;
  const isMain = ranks.partIds.includes(0);
  const print = (line: string): void => {
    if (isMain) console.log(line);
  };
  const parts = partsPerDirection(ranks.np);
  if (parts.some((p) => p > n)) {
    throw new InvalidArgumentError(`--np ${ranks.np} splits a direction into ${Math.max(...parts)} parts, more than n = ${n}`);
  }
  const backend = ranks.backend;
  print(
    `3-D Poisson, n = ${n} (${n ** 3} unknowns), ${ranks.np} part${ranks.np === 1 ? '' : 's'} ` +
      `[${parts.join(' x ')}], backend ${backend.kind}, kernels ${backend.kernels}`,
  );

  const timer = new PTimer(ranks);
  timer.tic({ barrier: true });
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], parts);
  const A = psparse(I, J, V, rows, cols).wait();
  timer.toc('assembly');
  print(`matrix: ${A.nnz} nonzeros`);

  const b = pfill(1, A.rows);
  let r0 = 1;
  // Only the printing part shows progress: a bar when its standard output is a terminal. A
  // worker thread's is a pipe; Open MPI gives its ranks a pseudo-terminal even when mpirun's own
  // output goes to a file, so under MPI the lines are printed.
  const isTTY = backend.kind !== 'mpi' && process.stdout.isTTY;
  const progress = isMain ? chooseProgress({ isTTY, stream: process.stdout, print }) : null;
  const result = cg(A, b, {
    rtol: RTOL,
    preconditioner: pc,
    onIteration: ({ iteration, residual }) => {
      if (iteration === 0) r0 = residual;
      progress?.iteration(iteration, residual, r0);
    },
  });
  timer.toc('solve');

  const residual = mul(A, result.x);
  axpy(-1, b, residual);
  const trueRelative = norm(residual) / norm(b);
  timer.toc('check');
  if (vtk !== undefined) {
    // The unknowns are the grid's nodes, split in the same boxes as the matrix's rows.
    writeVtk(join(vtk, 'poisson'), { nodesPerDir: [n, n, n], partsPerDir: parts }, { u: result.x });
    timer.toc('vtk');
  }

  progress?.finish(result.iterations, result.residuals[result.iterations], r0);
  if (vtk !== undefined) print(`solution written to ${join(vtk, 'poisson.pvtr')} (open it in ParaView)`);
  print(`${result.reason} after ${result.iterations} iterations`);
  print(`‖x‖₂ = ${sci(norm(result.x), 10)}  Σx = ${sci(sum(result.x), 10)}`);
  print(`true relative residual ‖b − A x‖₂/‖b‖₂ = ${sci(trueRelative, 3)}`);
  const solve = timer.statistics().solve;
  const report = timer.report();
  print('');
  print(report);
  if (result.iterations > 0) {
    print(`solve per iteration: ${((solve.max / result.iterations) * 1e3).toFixed(3)} ms (max over parts)`);
  }
}

await runExample(import.meta.url, command, poisson);
