/**
 * Dense BLAS benchmark: OpenBLAS (through the checked `openBlas` set, as the library calls it)
 * against the JavaScript fallback, interleaved in the same run: ddot and daxpy at n = 1e3, 1e5,
 * 1e7 and dgemv on a 1000×1000 row-major matrix ('n' and 't'). Each round times every case with
 * both implementations back to back (median of `samples` samples, each a batch of calls sized to
 * last about a millisecond, after warm-up); the figure is the median of the round medians.
 *
 * OpenBLAS runs with `--threads` threads (default 1: the setting under the Threads and MPI
 * backends, one core per part). GB/s use the minimum traffic: ddot 16 B per element, daxpy 24,
 * dgemv 8 per matrix entry plus 8 per element of x and 16 per element of y.
 *
 * Run: `tsc -p tsconfig.json && node dist/bench/blas.js [--rounds 3] [--samples 7] [--threads 1]`.
 * Prints a table and one `RESULT {json}` line.
 */
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { jsBlas, loadBlasBinding, openBlas, type DenseBlas } from '../src/dense/blas.js';
import { formatTable } from '../src/format/table.js';

interface Case {
  readonly name: string;
  readonly bytes: number;
  /** One call; returns a value folded into a sink so that nothing is optimized away. */
  readonly run: (impl: DenseBlas) => number;
}

function randomArray(length: number, seed: number): Float64Array {
  const a = new Float64Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

function cases(): Case[] {
  const list: Case[] = [];
  for (const n of [1e3, 1e5, 1e7]) {
    const x = randomArray(n, 1);
    const y = randomArray(n, 2);
    list.push({ name: `ddot n=${n.toExponential(0)}`, bytes: 16 * n, run: (b) => b.ddot(n, x, 1, y, 1) });
    // alpha alternates in sign so y stays bounded however many calls run.
    let sign = 1;
    list.push({
      name: `daxpy n=${n.toExponential(0)}`,
      bytes: 24 * n,
      run: (b) => {
        sign = -sign;
        b.daxpy(n, sign * 1e-3, x, 1, y, 1);
        return y[0];
      },
    });
  }
  const m = 1000;
  const A = randomArray(m * m, 3);
  const x = randomArray(m, 4);
  const y = new Float64Array(m);
  for (const trans of ['n', 't'] as const) {
    list.push({
      name: `dgemv 1000x1000 '${trans}'`,
      bytes: 8 * m * m + 8 * m + 16 * m,
      run: (b) => {
        b.dgemv('row', trans, m, m, 1, A, m, x, 1, 0, y, 1);
        return y[m - 1];
      },
    });
  }
  return list;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

let sink = 0;

/** Calls per sample so that a sample lasts about a millisecond (at least one call). */
function batchSize(c: Case, impl: DenseBlas): number {
  const t0 = process.hrtime.bigint();
  sink += c.run(impl);
  const once = Number(process.hrtime.bigint() - t0) * 1e-9;
  return Math.max(1, Math.min(100_000, Math.round(1e-3 / Math.max(once, 1e-9))));
}

/** Median seconds per call over `samples` samples of `batch` calls, after one warm-up sample. */
function timeCase(c: Case, impl: DenseBlas, batch: number, samples: number): number {
  const times: number[] = [];
  for (let s = -1; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) sink += c.run(impl);
    if (s >= 0) times.push((Number(process.hrtime.bigint() - t0) * 1e-9) / batch);
  }
  return median(times);
}

const command = {
  program: 'bench/blas',
  usage: ['node dist/bench/blas.js [--rounds 3] [--samples 7] [--threads 1]'],
  summary: 'OpenBLAS against the JavaScript BLAS: ddot, daxpy, dgemv',
  flags: {
    rounds: { kind: 'positive-integer', help: 'rounds (the figure is the median of the round medians)', default: 3 },
    samples: { kind: 'positive-integer', help: 'samples per case and round', default: 7 },
    threads: { kind: 'positive-integer', help: 'OpenBLAS threads', default: 1 },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

function main(): void {
  const { rounds, samples, threads } = parseCommandOrExit(command, process.argv.slice(2)).flags;
  const binding = loadBlasBinding();
  binding.setNumThreads(threads);
  const impls: [string, DenseBlas][] = [['js', jsBlas], ['openblas', openBlas(binding)]];
  const list = cases();
  const batches = list.map((c) => impls.map(([, impl]) => batchSize(c, impl)));
  const seconds = list.map(() => impls.map((): number[] => []));
  for (let round = 0; round < rounds; round++) {
    list.forEach((c, i) => impls.forEach(([, impl], j) => seconds[i][j].push(timeCase(c, impl, batches[i][j], samples))));
  }
  if (!Number.isFinite(sink)) throw new Error('non-finite results');

  console.log(`Dense BLAS, OpenBLAS with ${binding.getNumThreads()} thread(s) vs JavaScript; ${rounds} interleaved rounds x ${samples} samples, medians`);
  const rows: string[][] = [];
  const result: Record<string, { js_s: number; openblas_s: number; speedup: number }> = {};
  list.forEach((c, i) => {
    const [js, ob] = seconds[i].map(median);
    result[c.name] = { js_s: js, openblas_s: ob, speedup: js / ob };
    rows.push([
      c.name,
      (js * 1e6).toFixed(2),
      (c.bytes / js / 1e9).toFixed(2),
      (ob * 1e6).toFixed(2),
      (c.bytes / ob / 1e9).toFixed(2),
      `${(js / ob).toFixed(2)}x`,
    ]);
  });
  console.log(formatTable(['case', 'js µs/call', 'GB/s', 'openblas µs/call', 'GB/s', 'speed-up'], rows));
  console.log(`RESULT ${JSON.stringify({ code: 'pa_blas', threads: binding.getNumThreads(), rounds, samples, cases: result })}`);
}

main();
