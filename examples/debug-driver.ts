/**
 * A driver written once, `export default function main(ranks)`, to debug in the REPL on the
 * Sequential backend and then run unchanged on worker threads and under mpirun (see
 * docs/guide-debugging.md). It solves the 1-D Laplacian with 8 interior points and b = 1 (the
 * exact solution is x_i = (i + 1)(8 − i)/2), gathers x to part 0 and prints it from there.
 *
 *   npx partitioned-arrays run --backend sequential --np 2 dist/examples/debug-driver.js
 *   npx partitioned-arrays run --backend threads --np 2 dist/examples/debug-driver.js
 *   mpirun -n 2 node dist/src/run/cli.js run --backend mpi dist/examples/debug-driver.js
 *
 * @module
 */
import { cg, gather, laplacianFdm, pfill, psparse, type PData } from '../src/index.js';

const N = 8;

/**
 * Assembles and solves; every part runs it. Returns the matrix, the CG result and x gathered to
 * part 0 (an empty array on the other parts), so that a REPL session on the Sequential backend can
 * look at every part's data: `await withSequential(2, solve)`.
 */
export function solve(ranks: PData<number>) {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [N], [ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  const result = cg(A, pfill(1, A.rows), { rtol: 1e-12, preconditioner: 'jacobi' });
  const gathered = gather(result.x.ownValues(), { destination: 0 });
  return { A, result, gathered };
}

/**
 * The driver: solves and prints from part 0. It returns nothing, because on Threads a worker sends
 * `main`'s value to the main thread, and a matrix or a vector cannot be sent.
 */
export default function main(ranks: PData<number>): void {
  const { result, gathered } = solve(ranks);
  gathered.forEach((pieces, partId) => {
    if (partId !== 0) return;
    const x = pieces.flatMap((piece) => Array.from(piece, (v) => v.toFixed(6)));
    console.log(`${ranks.backend.kind}, ${ranks.np} parts: ${result.reason} after ${result.iterations} iterations`);
    console.log(`x = [${x.join(', ')}]`);
  });
}
