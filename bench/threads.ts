/**
 * Threads backend benchmark: allreduce and barrier latency with 2 workers (spinning and
 * sleeping), the time of a 1 MiB halo exchange round between 2 workers, and the Poisson CG
 * n = 100 (3-D, Jacobi, rtol 1e-8) solve time on 1 and 2 parts.
 *
 * Run: `npm run bench:threads` (builds, then `node dist/bench/threads.js`). This module is also
 * the driver module the workers import: the benchmark itself runs on the main thread only.
 */
import { isMainThread } from 'node:worker_threads';
import type { ChannelPlan, PData } from '../src/index.js';
import { withThreads, type ThreadsOptions } from '../src/run/with-threads.js';
import { timePoissonSolve } from './lib/poisson-solve.js';
import { formatTable } from '../src/format/table.js';

const LATENCY_REPS = 200_000;
const HALO_VALUES = (1 << 20) / Float64Array.BYTES_PER_ELEMENT;
const HALO_REPS = 400;

const BATCHES = 10;

/**
 * Seconds per call of `op`: the median over 10 batches (started together on all parts, after a
 * warm-up) of the mean time per call, so that a batch disturbed by other processes does not count.
 */
function timePerCall(ranks: PData<number>, reps: number, op: (i: number) => void): number {
  const backend = ranks.backend;
  const perBatch = reps / BATCHES;
  for (let i = 0; i < perBatch; i++) op(i);
  const means: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    backend.barrier();
    const t0 = backend.wtime();
    for (let i = 0; i < perBatch; i++) op(i);
    means.push((backend.wtime() - t0) / perBatch);
  }
  means.sort((x, y) => x - y);
  return (means[BATCHES / 2 - 1] + means[BATCHES / 2]) / 2;
}

/** Driver: µs per allreduce (allgatherFloat64 of one value + fold in part order). */
export function allreduceMicros(ranks: PData<number>): number {
  const backend = ranks.backend;
  const local = new Float64Array(1);
  const all = new Float64Array(ranks.np);
  let total = 0;
  const seconds = timePerCall(ranks, LATENCY_REPS, (i) => {
    local[0] = i;
    backend.allgatherFloat64(local, all);
    let sum = 0;
    for (let q = 0; q < all.length; q++) sum += all[q];
    total += sum;
  });
  // Using the folded sums keeps the fold from being optimized away.
  return Number.isFinite(total) ? seconds * 1e6 : Number.NaN;
}

/** Driver: µs per barrier. */
export function barrierMicros(ranks: PData<number>): number {
  return timePerCall(ranks, LATENCY_REPS, () => ranks.backend.barrier()) * 1e6;
}

/** Driver (2 parts): µs per round of a channel where each part sends 1 MiB to the other. */
export function haloMicros(ranks: PData<number>): number {
  const backend = ranks.backend;
  const plans = backend.localParts.map((p): ChannelPlan => {
    const other = Int32Array.of(1 - p);
    const ptrs = Int32Array.of(0, HALO_VALUES);
    return { snd: other, sndPtrs: ptrs, rcv: other, rcvPtrs: ptrs };
  });
  const channel = backend.createChannel(plans);
  channel.send.forEach((send, l) => send.fill(backend.localParts[l]));
  return (
    timePerCall(ranks, HALO_REPS, () => {
      channel.start();
      channel.wait();
    }) * 1e6
  );
}

/** Driver: seconds of the Poisson CG solve n = 100 (assembly not timed) and its iterations. */
export function poissonSolve(ranks: PData<number>): { seconds: number; iterations: number } {
  const { solveSeconds, iterations } = timePoissonSolve(ranks, 100);
  return { seconds: solveSeconds, iterations };
}

async function slowestPart<R>(np: number, exportName: string, opts: ThreadsOptions = {}): Promise<R[]> {
  return withThreads<R>(np, new URL(import.meta.url), { exportName, ...opts });
}

async function main(): Promise<void> {
  const rows: [string, string][] = [];
  const max = (values: number[]): number => Math.max(...values);
  for (const spin of [true, false]) {
    const how = spin ? 'spinning' : 'sleeping';
    rows.push([`allreduce, 2 workers, ${how} (µs)`, max(await slowestPart<number>(2, 'allreduceMicros', { spin })).toFixed(2)]);
    rows.push([`barrier, 2 workers, ${how} (µs)`, max(await slowestPart<number>(2, 'barrierMicros', { spin })).toFixed(2)]);
  }
  const halo = max(await slowestPart<number>(2, 'haloMicros'));
  rows.push(['1 MiB halo exchange round, 2 workers (µs)', halo.toFixed(1)]);
  rows.push(['  = per direction (GB/s)', ((1 << 20) / (halo * 1e-6) / 1e9).toFixed(2)]);
  const solves: { seconds: number; iterations: number }[] = [];
  for (const np of [1, 2]) {
    const parts = await slowestPart<{ seconds: number; iterations: number }>(np, 'poissonSolve');
    const seconds = max(parts.map((p) => p.seconds));
    solves.push({ seconds, iterations: parts[0].iterations });
    rows.push([`Poisson CG n=100, ${np} part(s): ${parts[0].iterations} iterations (s)`, seconds.toFixed(3)]);
  }
  rows.push(['  speed-up 1 → 2 parts', (solves[0].seconds / solves[1].seconds).toFixed(2)]);
  console.log(formatTable(['measurement', 'value'], rows));
}

if (isMainThread) await main();
