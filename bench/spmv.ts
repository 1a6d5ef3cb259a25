/**
 * SpMV benchmark: the CSR SpMV of the 3-D Poisson matrix (n³ rows, 7-point, the matrix and
 * ordering of `../shared/anchors/spmv.c`) with the JavaScript and the native kernels, and the
 * anchor C program itself, interleaved in the same run: `rounds` rounds of (JS, native, C), each
 * giving a median over `reps` timed SpMVs after 3 warm-ups (as spmv.c does); the figure is the
 * median of the round medians. Also times the fused native `spmvDot` (q = A p and p·q in one pass)
 * against `spmv` followed by `dot`, the CG step it replaces, and `spmvDotCompact`, the same pass
 * on the compact indices CgSolver multiplies with (`compact-csr.ts`: 10 instead of 12 bytes per
 * entry, 1 instead of 4 per row; its GB/s is the same model's, so it reads as the throughput of
 * the same work).
 *
 * GB/s use the anchors' traffic model of an SpMV, 12 bytes per stored entry + 24 bytes per row, for
 * every row (the spmvDot rows also read p once more, 8 bytes per row, not counted).
 *
 * Run: `tsc -p tsconfig.json && node dist/bench/spmv.js [--n 100] [--rounds 3] [--reps 20]
 * [--anchors ../shared/anchors]`. Prints a table, the ratios to C, and one `RESULT {json}` line.
 */
import { spawnSync } from 'node:child_process';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { compactCsr } from '../src/kernels/compact-csr.js';
import { jsKernels } from '../src/kernels/js-kernels.js';
import { largeArrays } from '../src/kernels/large-arrays.js';
import type { KernelSet } from '../src/kernels/kernel-set.js';
import { loadKernelsBinding, nativeKernelSet } from '../src/kernels/native-kernels.js';
import { benchEnvironment, compileAnchor, defaultAnchorsDir, parseResultLine } from './lib/anchors.js';
import { median } from './lib/stats.js';
import { formatTable } from '../src/format/table.js';

const WARMUPS = 3;

interface PoissonCsr {
  readonly nRows: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/**
 * The 7-point Laplacian on n³ interior nodes, g = i + n j + n² k, built exactly as spmv.c does, in
 * the memory the library gives its matrices and vectors ({@link largeArrays}: on huge pages where
 * available, see the `PTimer` header or `largeArrays.hugePages`).
 */
function poissonCsr(n: number): PoissonCsr {
  const nRows = n * n * n;
  const nn = n * n;
  const rowPtr = largeArrays.int32(nRows + 1);
  const colIdx = largeArrays.int32(7 * nRows - 6 * nn);
  const values = largeArrays.float64(colIdx.length);
  let p = 0;
  const put = (col: number, value: number): void => {
    colIdx[p] = col;
    values[p++] = value;
  };
  for (let g = 0; g < nRows; g++) {
    const i = g % n;
    const j = Math.floor(g / n) % n;
    const k = Math.floor(g / nn);
    if (k > 0) put(g - nn, -1);
    if (j > 0) put(g - n, -1);
    if (i > 0) put(g - 1, -1);
    put(g, 6);
    if (i < n - 1) put(g + 1, -1);
    if (j < n - 1) put(g + n, -1);
    if (k < n - 1) put(g + nn, -1);
    rowPtr[g + 1] = p;
  }
  if (p !== colIdx.length) throw new Error(`poissonCsr: ${p} entries, expected ${colIdx.length}`);
  return { nRows, rowPtr, colIdx, values };
}

/** Median seconds of `reps` timed calls of `op` after the warm-ups. */
function timeMedian(reps: number, op: () => void): number {
  for (let w = 0; w < WARMUPS; w++) op();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    op();
    times.push(Number(process.hrtime.bigint() - t0) * 1e-9);
  }
  return median(times);
}

/** One run of the anchor: its median seconds (from its RESULT line). */
function runAnchor(binary: string, n: number): number {
  const run = spawnSync(binary, [String(n)], { encoding: 'utf8', env: benchEnvironment() });
  if (run.status !== 0) throw new Error(`anchor spmv failed: ${run.stderr.trim()}`);
  const result = parseResultLine(run.stdout, 'anchor spmv');
  if (result.check_ok !== true || typeof result.median_s !== 'number') throw new Error('anchor spmv: check failed');
  return result.median_s;
}

const command = {
  program: 'bench/spmv',
  usage: ['node dist/bench/spmv.js [--n 100] [--rounds 3] [--reps 20] [--anchors ../shared/anchors]'],
  summary: 'CSR SpMV of the 3-D Poisson matrix: JavaScript, native and the C anchor',
  flags: {
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 100 },
    rounds: { kind: 'positive-integer', help: 'rounds of (JS, native, C)', default: 3 },
    reps: { kind: 'positive-integer', help: 'timed SpMVs per round', default: 20 },
    anchors: { kind: 'string', valueName: 'DIR', help: 'the anchors directory (spmv.c)', default: defaultAnchorsDir() },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

function main(): void {
  const { flags: args } = parseCommandOrExit(command, process.argv.slice(2));
  const { n, rounds, reps } = args;
  const A = poissonCsr(n);
  const nnz = A.rowPtr[A.nRows];
  const bytes = 12 * nnz + 24 * A.nRows;
  const x = largeArrays.float64(A.nRows).fill(1);
  const y = largeArrays.float64(A.nRows);

  let native: KernelSet | undefined;
  try {
    native = nativeKernelSet(loadKernelsBinding());
  } catch (error) {
    console.log(`native kernels unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const anchor = compileAnchor(args.anchors, 'spmv.c');
  if ('reason' in anchor) console.log(`C anchor unavailable: ${anchor.reason}`);

  const spmvWith = (k: KernelSet) => () => k.spmv(A.nRows, A.rowPtr, A.colIdx, A.values, x, y);
  const compact = compactCsr({ ...A, nCols: A.nRows });
  if (!('lengths' in compact)) throw new Error(`the Poisson matrix does not fit the compact form: ${compact.reason}`);
  const samples: Record<string, number[]> = {};
  const record = (name: string, seconds: number): void => {
    (samples[name] ??= []).push(seconds);
  };
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    record('js spmv', timeMedian(reps, spmvWith(jsKernels)));
    if (native !== undefined) {
      const k = native;
      record('native spmv', timeMedian(reps, spmvWith(k)));
      record('native spmvDot (fused)', timeMedian(reps, () => (sink += k.spmvDot(A.nRows, A.rowPtr, A.colIdx, A.values, x, y, x, 0))));
      record('native spmv + dot', timeMedian(reps, () => {
        k.spmv(A.nRows, A.rowPtr, A.colIdx, A.values, x, y);
        sink += k.dot(A.nRows, x, y);
      }));
      const { lengths, offsets, values } = compact;
      record('native spmvDotCompact (CG)', timeMedian(reps, () => {
        sink += k.spmvDotCompact(0, A.nRows, 0, nnz, lengths, offsets, values, x, y, x, 0);
      }));
    }
    if ('binary' in anchor) record('C spmv.c', runAnchor(anchor.binary, n));
  }
  if ('binary' in anchor) anchor.remove();
  let check = 0;
  for (let i = 0; i < A.nRows; i++) check += y[i];
  if (check !== 6 * n * n || !Number.isFinite(sink)) throw new Error(`check failed: sum(y) = ${check}, expected ${6 * n * n}`);

  const c = samples['C spmv.c'] === undefined ? undefined : median(samples['C spmv.c']);
  console.log(`CSR SpMV, 3-D Poisson n=${n}: ${A.nRows} rows, ${nnz} entries, model ${(bytes / 1e6).toFixed(1)} MB; ` +
    `${rounds} interleaved rounds x ${reps} reps, medians; huge pages ${largeArrays.hugePages.enabled ? 'on' : 'off'}`);
  const rows: string[][] = [];
  const result: Record<string, { median_s: number; gbs: number; ratio_to_c: number | null }> = {};
  for (const [name, times] of Object.entries(samples)) {
    const t = median(times);
    const ratio = c === undefined ? null : c / t;
    result[name] = { median_s: t, gbs: bytes / t / 1e9, ratio_to_c: ratio };
    rows.push([
      name,
      (t * 1e3).toFixed(3),
      (bytes / t / 1e9).toFixed(2),
      ratio === null ? '-' : ratio.toFixed(3),
      times.map((s) => (s * 1e3).toFixed(2)).join(' '),
    ]);
  }
  console.log(formatTable(['kernel', 'ms', 'GB/s', 'throughput / C', 'rounds (ms)'], rows));
  console.log(`RESULT ${JSON.stringify({ code: 'pa_spmv', n, rows: A.nRows, nnz, bytes_model: bytes, rounds, reps, kernels: result })}`);
}

main();
