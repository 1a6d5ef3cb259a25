/**
 * 3-D convection–diffusion example: −Δu + w·∇u = 1 on an n×n×n grid of interior unknowns with
 * u = 0 on the boundary, upwind differences for the convection (`convectionDiffusion` of the
 * gallery, cell Péclet numbers `--velocity`), solved with restarted GMRES and block Jacobi ILU(0)
 * to a relative residual of 1e-8. CG cannot solve this system: the matrix is not symmetric.
 *
 *   node dist/examples/convection-diffusion.js [--n 40] [--np 2] [--backend sequential|threads] [--restart 30]
 *   mpirun -n 2 node dist/examples/convection-diffusion.js --backend mpi [--n 40]
 *
 * The default export is the driver, so the same code runs on every backend (worker threads
 * import this module; under mpirun every rank runs it).
 *
 * @module
 */
import {
  PTimer,
  axpy,
  formatScientific,
  mul,
  norm,
  pfill,
  psparse,
  InvalidArgumentError,
  type PData,
} from '../src/index.js';
import { convectionDiffusion } from '../src/gallery/convection-diffusion.js';
import { gmres } from '../src/solvers/gmres.js';
import { parseCommand, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runExample } from './lib/run-example.js';

const BACKENDS = ['sequential', 'threads', 'mpi'] as const;
const RTOL = 1e-8;

const command = {
  program: 'convection-diffusion',
  usage: [
    'node dist/examples/convection-diffusion.js [--n 40] [--np 2] [--backend sequential|threads] [--restart 30]',
    'mpirun -n NP node dist/examples/convection-diffusion.js --backend mpi [--n 40]',
  ],
  summary: '3-D convection-diffusion with GMRES + block Jacobi ILU(0)',
  flags: {
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 40 },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    backend: { kind: 'choice', choices: BACKENDS, help: 'where the parts live', default: 'sequential' },
    restart: { kind: 'positive-integer', help: 'GMRES restart length', default: 30 },
    velocity: { kind: 'string', help: 'cell Péclet numbers x,y,z (velocity × h / diffusivity)', default: '1,0.5,0.25' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** The driver: assembles, solves with GMRES + ILU(0), checks the true residual, prints from part 0. */
export default function convectionDiffusionExample(ranks: PData<number>): void {
  const { n, restart, velocity: velocityFlag } = parseCommand(command, process.argv.slice(2)).flags;
  const velocity = velocityFlag.split(',').map(Number);
  if (velocity.length !== 3 || !velocity.every(Number.isFinite)) {
    throw new InvalidArgumentError(`--velocity must be three numbers x,y,z, got '${velocityFlag}'`);
  }
  if (ranks.np > n) throw new InvalidArgumentError(`--np ${ranks.np} is more parts than n = ${n} planes`);
  const print = (line: string): void => {
    if (ranks.partIds.includes(0)) console.log(line);
  };
  print(`3-D convection-diffusion, n = ${n} (${n ** 3} unknowns), cell Péclet numbers ${velocity.join(', ')}, ${ranks.np} part(s) in z-slabs`);

  const timer = new PTimer(ranks);
  timer.tic({ barrier: true });
  const { I, J, V, rows, cols } = convectionDiffusion(ranks, [n, n, n], [1, 1, ranks.np], { velocity });
  const A = psparse(I, J, V, rows, cols).wait();
  timer.toc('assembly');

  const b = pfill(1, A.rows);
  const result = gmres(A, b, { restart, preconditioner: 'ilu0', rtol: RTOL, monitor: { every: 10, write: print } });
  timer.toc('GMRES + ILU(0)');

  const residual = mul(A, result.x);
  axpy(-1, b, residual);
  const relative = norm(residual) / norm(b);
  print(`${result.reason} after ${result.iterations} iterations (GMRES(${restart}), block Jacobi ILU(0))`);
  print(`true relative residual ‖b − A x‖₂/‖b‖₂ = ${formatScientific(relative, 3)}`);
  print('');
  print(timer.report());
}

await runExample(import.meta.url, command, convectionDiffusionExample);
