/**
 * The machine's limits, measured once per round beside the solves so that GB/s can be read in
 * context: our SpMV against the C SpMV anchor (by running `bench/spmv.ts`, which runs both,
 * interleaved), and STREAM on 1 and 2 threads.
 *
 * @module
 */
import { join } from 'node:path';
import { benchEnvironment, parseResultLine, runCommand } from './anchors.js';

/** Grid size of the SpMV context measurement (1M rows, far bigger than the L3 cache). */
const SPMV_N = 100;

/** One round of `bench/spmv.ts`: median seconds of one SpMV per kernel (`'native spmv'`, `'C spmv.c'`, ...). */
export interface SpmvSample {
  /** Bytes one SpMV moves in the traffic model: 12 per stored entry + 24 per row. */
  readonly bytes_model: number;
  readonly seconds: Record<string, number>;
}

/** One run of the STREAM anchor: best GB/s of triad and of the read-only sum (the SpMV-like kernel). */
export interface StreamSample {
  readonly threads: number;
  readonly triad_gbs: number;
  readonly read_gbs: number;
}

/**
 * Runs `dist/bench/spmv.js` for one round of 20 SpMVs per kernel at n = {@link SPMV_N}.
 *
 * @throws Error when the program fails or its `RESULT` line lacks the kernels.
 * @example
 * ```ts
 * const { bytes_model, seconds } = runSpmv(root, anchorsDir, 600);
 * bytes_model / seconds['native spmv'] / 1e9; // GB/s of our native SpMV
 * ```
 */
export function runSpmv(root: string, anchorsDir: string, timeoutSeconds: number): SpmvSample {
  const program = join(root, 'dist', 'bench', 'spmv.js');
  const args = [program, '--n', String(SPMV_N), '--rounds', '1', '--reps', '20', '--anchors', anchorsDir];
  const run = runCommand(process.execPath, args, timeoutSeconds);
  if (run.failure !== undefined) throw new Error(`bench/spmv failed: ${run.failure}`);
  const result = parseResultLine(run.stdout, 'bench/spmv');
  const kernels = result.kernels as Record<string, { median_s?: unknown }> | undefined;
  if (typeof result.bytes_model !== 'number' || typeof kernels !== 'object' || kernels === null) {
    throw new Error('bench/spmv: RESULT lacks bytes_model or kernels');
  }
  const seconds: Record<string, number> = {};
  for (const [name, kernel] of Object.entries(kernels)) {
    if (typeof kernel.median_s === 'number') seconds[name] = kernel.median_s;
  }
  return { bytes_model: result.bytes_model, seconds };
}

/**
 * Runs the compiled STREAM anchor on `threads` OpenMP threads.
 *
 * @throws Error when it fails, reports invalid results, or its `RESULT` line lacks the figures.
 * @example
 * ```ts
 * const stream = compileAnchor(anchorsDir, 'stream.c');
 * if ('binary' in stream) runStream(stream.binary, 2, 600).triad_gbs;
 * ```
 */
export function runStream(binary: string, threads: number, timeoutSeconds: number): StreamSample {
  const run = runCommand(binary, [], timeoutSeconds, { ...benchEnvironment(), OMP_NUM_THREADS: String(threads) });
  if (run.failure !== undefined) throw new Error(`stream failed: ${run.failure}`);
  const result = parseResultLine(run.stdout, 'stream');
  const { valid, triad_best_gbs: triad, read_best_gbs: read } = result;
  if (valid !== true || typeof triad !== 'number' || typeof read !== 'number') {
    throw new Error(`stream: invalid result ${JSON.stringify(result)}`);
  }
  return { threads, triad_gbs: triad, read_gbs: read };
}
