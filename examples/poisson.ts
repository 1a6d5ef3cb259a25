/**
 * 3-D Poisson example: the 7-point finite-difference Laplacian on an n×n×n grid of interior
 * unknowns, b = 1, solved with CG + Jacobi to a relative residual of 1e-8 (the problem of the
 * PETSc and SciPy reference programs). Prints progress every 25 iterations, the result, and a
 * timing table.
 *
 *   node dist/examples/poisson.js [--n 50] [--np 2] [--backend sequential|threads]
 *   mpirun -n 2 node dist/examples/poisson.js --backend mpi [--n 50]
 *
 * The module's default export is the driver `poisson(ranks)`, so the same code runs on every
 * backend: worker threads import this module and run it; under mpirun every rank runs it.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
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
  withMpi,
  withSequential,
  withThreads,
  InvalidArgumentError,
  type PData,
} from '../src/index.js';
import { parseCommand, parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';

const BACKENDS = ['sequential', 'threads', 'mpi'] as const;
const PROGRESS_EVERY = 25;

/** The command line, read with the package's one parser (the same words and exit codes as the CLI). */
const command = {
  program: 'poisson',
  usage: [
    'node dist/examples/poisson.js [--n 50] [--np 2] [--backend sequential|threads]',
    'mpirun -n NP node dist/examples/poisson.js --backend mpi [--n 50]',
  ],
  summary: '3-D Poisson with CG + Jacobi',
  flags: {
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 50 },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    backend: { kind: 'choice', choices: BACKENDS, help: 'where the parts live', default: 'sequential' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** `x` in scientific notation with a two-digit exponent, like C's `%.<digits>e` (`3.535534e+02`). */
function sci(x: number, digits: number): string {
  const [mantissa, exponent] = x.toExponential(digits).split('e');
  return `${mantissa}e${exponent[0]}${exponent.slice(1).padStart(2, '0')}`;
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
  const { n } = parseCommand(command, process.argv.slice(2)).flags;
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
  const result = cg(A, b, {
    rtol: 1e-8,
    preconditioner: 'jacobi',
    onIteration: ({ iteration, residual }) => {
      if (iteration === 0) r0 = residual;
      if (iteration % PROGRESS_EVERY === 0) {
        print(
          `iteration ${String(iteration).padStart(5)}  residual ${sci(residual, 6)}  ` +
            `relative ${sci(residual / r0, 3)}`,
        );
      }
    },
  });
  timer.toc('solve');

  const residual = mul(A, result.x);
  axpy(-1, b, residual);
  const trueRelative = norm(residual) / norm(b);
  timer.toc('check');

  const last = result.residuals[result.iterations];
  print(
    `iteration ${String(result.iterations).padStart(5)}  residual ${sci(last, 6)}  ` +
      `relative ${sci(last / r0, 3)}`,
  );
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

async function run(): Promise<void> {
  const options = parseCommandOrExit(command, process.argv.slice(2)).flags;
  if (options.backend === 'sequential') await withSequential(options.np, poisson);
  else if (options.backend === 'threads') {
    await withThreads(options.np, import.meta.url, { argv: process.argv.slice(2) });
  } else await withMpi(poisson);
}

/** True when this file is the program being run (not a module imported by a worker or a test). */
function isEntryPoint(): boolean {
  if (!isMainThread || process.argv[1] === undefined) return false;
  return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) {
  try {
    await run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`poisson: ${message}`);
    process.exitCode = 1;
  }
}
