/**
 * MPI backend benchmark, the counterpart of `anchors/mpi_latency.py` (mpi4py) measured the same
 * way: each call timed individually with MPI_Wtime after a warm-up, per-rank median, then the
 * max over ranks (plus the mean from the total loop time):
 *   - allreduce_1xf64: `MPI_Allreduce` of one float64 through the addon (what mpi4py times);
 *   - allgather_dot:   the backend's `allgatherFloat64` + fold in part order (what `dot` does);
 *   - barrier;
 *   - ring_8B / ring_1MiB: a channel (Irecv from the left, Isend to the right, Waitall);
 *   - cg: the Poisson CG solve of anchors/README.md (3-D, Jacobi, rtol 1e-8), assembly excluded.
 *
 * Run (after `npx tsc`), beside the anchor in the same session:
 *   mpirun --oversubscribe -n 2 node dist/bench/mpi.js [--iters 10000] [--iters-big 1000] [--cg-n 100]
 *   mpirun --oversubscribe -n 2 python3 ../shared/anchors/mpi_latency.py
 * `--cg-n 0` skips the solve. Rank 0 prints a readable block and one line `RESULT {json}`.
 */
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import type { PData } from '../src/index.js';
import { loadMpiBinding } from '../src/backends/mpi/load-binding.js';
import { withMpi } from '../src/run/with-mpi.js';
import { timePoissonSolve } from './lib/poisson-solve.js';
import { timeLoop, type LoopTiming } from './lib/time-loop.js';
import { formatTable } from '../src/format/table.js';

const command = {
  program: 'bench/mpi',
  usage: ['mpirun --oversubscribe -n 2 node dist/bench/mpi.js [--iters 10000] [--iters-big 1000] [--cg-n 100]'],
  summary: 'MPI backend latencies (allreduce, allgather dot, barrier, rings) and a CG solve',
  flags: {
    iters: { kind: 'positive-integer', help: 'timed calls of the small operations', default: 10000 },
    'iters-big': { kind: 'positive-integer', help: 'timed calls of the 1 MiB ring', default: 1000 },
    'cg-n': { kind: 'non-negative-integer', help: 'grid points per direction of the CG solve (0 skips it)', default: 100 },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

const { flags: args } = parseCommandOrExit(command, process.argv.slice(2));

/** A ring channel moving `bytes` from each part to the next. */
function ring(ranks: PData<number>, bytes: number): { op: () => void; check: () => boolean } {
  const np = ranks.np;
  const me = ranks.partIds[0];
  const count = bytes / Float64Array.BYTES_PER_ELEMENT;
  const channel = ranks.backend.createChannel([
    { snd: Int32Array.of((me + 1) % np), sndPtrs: Int32Array.of(0, count), rcv: Int32Array.of((me + np - 1) % np), rcvPtrs: Int32Array.of(0, count) },
  ]);
  channel.send[0].fill(me);
  return {
    op: () => {
      channel.start();
      channel.wait();
    },
    check: () => channel.recv[0][count - 1] === (me + np - 1) % np,
  };
}

await withMpi((ranks) => {
  const binding = loadMpiBinding();
  const iters = args.iters;
  const itersBig = args['iters-big'];
  const cgN = args['cg-n'];
  const me = ranks.partIds[0];
  const backend = ranks.backend;

  const one = Float64Array.of(me + 1);
  const sum = new Float64Array(1);
  const res: Record<string, unknown> = { code: 'mpi_latency_js', ranks: ranks.np };
  res.allreduce_1xf64 = timeLoop(ranks, iters, 1000, () => binding.allreduce(one, sum, 'sum'));
  if (sum[0] !== (ranks.np * (ranks.np + 1)) / 2) throw new Error(`allreduce gave ${sum[0]}`);
  const all = new Float64Array(ranks.np);
  let folded = 0;
  res.allgather_dot = timeLoop(ranks, iters, 1000, () => {
    backend.allgatherFloat64(one, all);
    folded = 0;
    for (let q = 0; q < all.length; q++) folded += all[q];
  });
  if (folded !== (ranks.np * (ranks.np + 1)) / 2) throw new Error(`allgather fold gave ${folded}`);
  res.barrier = timeLoop(ranks, iters, 1000, () => backend.barrier());
  const small = ring(ranks, 8);
  res.ring_8B = timeLoop(ranks, iters, 1000, small.op);
  const big = ring(ranks, 1 << 20);
  res.ring_1MiB = timeLoop(ranks, itersBig, 50, big.op);
  if (!small.check() || !big.check()) throw new Error('ring exchange delivered wrong values');
  res.ring_1MiB_GBps = (1 << 20) / (res.ring_1MiB as LoopTiming).median_max_over_ranks / 1e9;
  if (cgN > 0) {
    const { solveSeconds, iterations } = timePoissonSolve(ranks, cgN);
    res.cg = { n: cgN, seconds: solveSeconds, iterations };
  }

  if (me === 0) {
    console.log(`partitioned-arrays MPI backend  ranks=${ranks.np}`);
    const rows = ['allreduce_1xf64', 'allgather_dot', 'barrier', 'ring_8B', 'ring_1MiB'].map((key) => {
      const t = res[key] as LoopTiming;
      const us = (seconds: number): string => (seconds * 1e6).toFixed(2);
      return [key, us(t.median_max_over_ranks), us(t.median_rank0), us(t.mean_max_over_ranks), String(t.iters)];
    });
    console.log(formatTable(['operation', 'median of max over ranks µs', 'rank 0 median µs', 'mean of max µs', 'n'], rows));
    console.log(`ring_1MiB bandwidth (per rank, one direction): ${(res.ring_1MiB_GBps as number).toFixed(2)} GB/s`);
    if (res.cg !== undefined) {
      const c = res.cg as { n: number; seconds: number; iterations: number };
      console.log(`CG+Jacobi n=${c.n}: ${c.seconds.toFixed(3)} s, ${c.iterations} iterations (${((c.seconds / c.iterations) * 1e3).toFixed(2)} ms/iteration)`);
    }
    console.log(`RESULT ${JSON.stringify(res)}`);
  }
});
