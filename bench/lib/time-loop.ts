/**
 * The timed loop shared by the communication benches (bench/mpi.ts, bench/rma.ts), measured like
 * the mpi4py anchors so the ratios compare the same thing.
 *
 * @module
 */
import { gather, getAny, type PData } from '../../src/index.js';
import { median } from './stats.js';

/** Seconds per call: median per part (max over parts and part 0's), and the loop's mean (max over parts). */
export interface LoopTiming {
  median_max_over_ranks: number;
  median_rank0: number;
  mean_max_over_ranks: number;
  iters: number;
}

/**
 * Times `op` like the anchors: `warm` untimed calls, a barrier, then `iters` calls timed one by
 * one. Collective: every part calls it with the same `iters` and `warm`.
 *
 * @example
 * ```ts
 * const t = timeLoop(ranks, 1000, 100, () => ranks.backend.barrier());
 * console.log(t.median_max_over_ranks * 1e6, 'us');
 * ```
 */
export function timeLoop(ranks: PData<number>, iters: number, warm: number, op: () => void): LoopTiming {
  const { backend } = ranks;
  for (let i = 0; i < warm; i++) op();
  backend.barrier();
  const samples = new Float64Array(iters);
  const start = backend.wtime();
  for (let i = 0; i < iters; i++) {
    const t0 = backend.wtime();
    op();
    samples[i] = backend.wtime() - t0;
  }
  const mean = (backend.wtime() - start) / iters;
  const medians = getAny(gather(ranks.map(() => median(samples)), { destination: 'all' }));
  const means = getAny(gather(ranks.map(() => mean), { destination: 'all' }));
  return { median_max_over_ranks: Math.max(...medians), median_rank0: medians[0], mean_max_over_ranks: Math.max(...means), iters };
}
