/**
 * Driving engines interactively with cluster() (IPython parallel's engines), as one would from
 * the Node.js REPL:
 *   1. scatter 'Hello World!' to two engines, upper-case the piece of one engine, gather:
 *      'HELLO World!';
 *   2. on MPI engines (ranks of mpirun -n 2 started by the cluster call): build a PVector and a
 *      matrix, inspect them, solve with CG, pull the iteration count and gather the solution,
 *      each step a separate call, the objects staying on the engines in between.
 *
 * Run: node dist/examples/interactive.js [--backend threads|mpi] (default mpi; threads runs the
 * same steps on worker-thread engines). This file is also the driver module: the engines import
 * it and run its exports (`upper`, `build`, `inspect`, `solve`). In a REPL the same calls read
 * (import the namespace: the REPL already has a global `cluster`, Node's own module):
 *   > const pa = await import('partitioned-arrays');
 *   > const c = await pa.cluster({ backend: 'mpi', np: 2 });
 *   > await c.scatter('a', 'Hello World!');
 *   > await c.runExport('./dist/examples/interactive.js', 'upper', 'a');
 *   > await c.gather('a');   // 'HELLO World!'
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import {
  cg,
  cluster,
  engineState,
  laplacianFdm,
  mul,
  norm,
  pfill,
  psparse,
  type PData,
  type PSparseMatrix,
  type PVector,
} from '../src/index.js';

/** Upper-cases the string stored under `name`, on part 0's engine only. */
export function upper(ranks: PData<number>, name: string): void {
  const state = engineState();
  if (ranks.localItems[0] === 0) state[name] = (state[name] as string).toUpperCase();
}

/** Builds the 1-D Laplacian of n points and b = 1 on the engines; keeps them in the engine state. */
export async function build(ranks: PData<number>, n: number): Promise<void> {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n], [ranks.np]);
  const state = engineState();
  state.A = await psparse(I, J, V, rows, cols);
  state.b = pfill(1, rows);
}

/** What each part holds: its own rows, ghost count and non-zeros; ‖b‖ (collective). */
export function inspect(ranks: PData<number>): { part: number; ownRows: number; nnzGlobal: number; normB: number } {
  const { A, b } = engineState() as { A: PSparseMatrix; b: PVector };
  const ownRows = b.ownValues().localItems[0].length;
  return { part: ranks.localItems[0], ownRows, nnzGlobal: A.nnz, normB: norm(b) };
}

/** Solves A x = b with CG (tolerance pushed as `rtol`), keeps x and its own values. */
export function solve(): { iterations: number; reason: string; relativeResidual: number } {
  const state = engineState() as { A: PSparseMatrix; b: PVector; rtol: number; x?: PVector; xOwn?: Float64Array };
  const { x, iterations, reason } = cg(state.A, state.b, { rtol: state.rtol });
  state.x = x;
  state.xOwn = Float64Array.from(x.ownValues().localItems[0]);
  const r = mul(state.A, x);
  const residual = r.ownValues().localItems[0].map((value, i) => value - state.b.ownValues().localItems[0][i]);
  const check = pfill(0, state.A.rows);
  check.ownValues().localItems[0].set(residual);
  return { iterations, reason, relativeResidual: norm(check) / norm(state.b) };
}

async function main(backend: 'threads' | 'mpi'): Promise<void> {
  const here = import.meta.url;
  const c = await cluster({ backend, np: 2 });
  try {
    await c.scatter('a', 'Hello World!');
    console.log('pieces on the engines:', JSON.stringify(await c.pull('a')));
    await c.runExport(here, 'upper', 'a');
    console.log('gathered:', await c.gather('a'));

    const n = 100;
    await c.runExport(here, 'build', n);
    for (const part of await c.runExport(here, 'inspect')) console.log('inspect:', JSON.stringify(part));
    await c.push({ rtol: 1e-10 });
    const [result] = await c.runExport<{ iterations: number; reason: string; relativeResidual: number }>(here, 'solve');
    console.log(`solve: ${result.reason} in ${result.iterations} iterations, ‖b - A x‖/‖b‖ = ${result.relativeResidual.toExponential(2)}`);
    const x = await c.gather<Float64Array>('xOwn');
    // -u'' = 1 with this stencil (2, -1, -1, zero boundary) has the solution x_i = (i + 1)(n - i) / 2.
    const error = x.reduce((worst, value, i) => Math.max(worst, Math.abs(value - ((i + 1) * (n - i)) / 2)), 0);
    console.log(`x has ${x.length} values; x[0] = ${x[0]}, x[${n / 2}] = ${x[n / 2]}; max |x_i - (i+1)(n-i)/2| = ${error.toExponential(2)}`);
  } finally {
    await c.close();
  }
}

if (isMainThread && process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const flag = process.argv.indexOf('--backend');
  const backend = flag < 0 ? 'mpi' : process.argv[flag + 1];
  if (backend !== 'threads' && backend !== 'mpi') {
    console.error(`interactive: --backend must be threads or mpi, got ${String(backend)}`);
    process.exitCode = 2;
  } else {
    await main(backend);
  }
}
