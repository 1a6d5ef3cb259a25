/**
 * Where a CG iteration's time goes: the Poisson CG + Jacobi of `bench/poisson.ts`, run for a fixed
 * number of iterations with every pass of `cg` timed on its own, against the bytes it moves.
 *
 * The loop is `cg`'s (the same kernels on the same row ranges as `SpmvDotPlan`, the same
 * reductions), unrolled here so each step can be timed with `performance.now()` (about 30 ns a
 * call, a few hundred per iteration of several milliseconds). Per step it prints the median over
 * iterations of the slowest part's time, the bytes the part moves in that step under the traffic
 * model (a matrix entry 12 B, a row pointer 4 B, a vector element 8 B per read or write), and the
 * resulting GB/s per part; beside the median, each step's shortest time over the iterations (the
 * slowest part's), which a busy machine inflates far less. The timed loop allocates nothing, as
 * `cg`'s does not. It also reports how often two parts shared a processor (sampled once per
 * iteration, outside the timed steps): Threads workers left unbound (`PA_THREADS_BIND=none`) may
 * share one, and so may MPI ranks under `mpirun --bind-to none`.
 *
 *   node dist/bench/cg-profile.js --backend threads --np 2 [--n 100] [--iterations 100] [--csr | --compact]
 *   mpirun --oversubscribe -n 2 node dist/bench/cg-profile.js --backend mpi [--n 100]
 *
 * The own-own block is multiplied as `CgSolver` does by default with Jacobi: in compact form on
 * blocks of at least `COMPACT_MIN_ENTRIES` entries, on its CSR arrays below (so at n = 30 the
 * profile times the kernel the solver runs); `--csr` or `--compact` force one form.
 *
 * @module
 */
import {
  PTimer,
  gather,
  getAny,
  jacobi,
  laplacianFdm,
  pfill,
  psparse,
  pzeros,
  reduction,
  withMpi,
  withSequential,
  withThreads,
  type PData,
} from '../src/index.js';
import { compactCsr } from '../src/kernels/compact-csr.js';
import { entryRowSpan } from '../src/kernels/csr.js';
import { kernels } from '../src/kernels/select-kernels.js';
import { partialsBuffer, sumPartials, sumPartialsInto } from '../src/vectors/vector-ops.js';
import { JacobiPreconditioner } from '../src/solvers/preconditioners.js';
import { COMPACT_MIN_ENTRIES } from '../src/solvers/cg-options.js';
import { InvalidArgumentError } from '../src/errors.js';
import { formatTable } from '../src/format/table.js';
import { parseCommand, parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runAsProgram } from './lib/program.js';
import { median } from './lib/stats.js';
import { CpuProbe } from './lib/current-cpu.js';

const STEPS = [
  'q = A p, own columns (+ p·q outside the ghost rows)',
  'wait for the ghost values of p',
  'q += A p, ghost columns, on the ghost rows (+ p·q)',
  'allreduce p·q',
  'r −= αq, r·D⁻¹r, r·r',
  'allreduce r·r and r·z (one collective)',
  'x += αp, p = D⁻¹r + βp',
] as const;

/**
 * One row of the report: a step's median seconds (slowest part), its fastest time (the slowest
 * part's minimum over iterations) and its bytes on that part.
 */
export interface ProfileStep {
  readonly step: string;
  readonly seconds: number;
  /**
   * The step's shortest time over the iterations (the largest of the parts' minima): the pass's
   * speed when nothing else took the core, which other processes on a busy machine hardly move,
   * while they inflate the median.
   */
  readonly min_seconds: number;
  readonly bytes: number;
}

/** What a run reports. */
export interface ProfileResult {
  readonly code: 'pa_cg_profile';
  readonly backend: string;
  readonly kernels: string;
  readonly np: number;
  readonly n: number;
  readonly iterations: number;
  /** How the own-own block was multiplied: `compact` when every part used its compact form, else `csr`. */
  readonly indices: 'compact' | 'csr';
  /** Median seconds of a whole iteration (slowest part), timed separately from the steps. */
  readonly iteration_s: number;
  /**
   * Fraction of the iterations at whose end two parts were on the same processor (sampled once
   * per iteration on each part, outside the timed steps; 0 with one part, null off Linux). Unbound
   * workers (`PA_THREADS_BIND=none`; bound by default from two parts on) can end up on one core:
   * they take turns, and every pass of those iterations takes up to twice as long.
   */
  readonly shared_cpu_fraction: number | null;
  /** Most times one part changed processor between two iterations (null off Linux). */
  readonly migrations: number | null;
  readonly steps: ProfileStep[];
}

/** The command line, read with the package's one parser; every part sees the same one. */
const command = {
  program: 'bench/cg-profile',
  usage: [
    'node dist/bench/cg-profile.js [--backend sequential|threads] [--np N] [--n 100] [--iterations 100] [--csr | --compact]',
    'mpirun -n N node dist/bench/cg-profile.js --backend mpi [--n 100] [--iterations 100] [--csr | --compact]',
  ],
  summary: 'Times each step of a CG iteration (sequential only with --np 1)',
  flags: {
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'where the parts live', default: 'sequential' },
    np: { kind: 'positive-integer', help: 'number of parts', default: 1 },
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 100 },
    iterations: { kind: 'positive-integer', help: 'iterations timed', default: 100 },
    csr: { kind: 'boolean', help: 'multiply the own-own block as CSR whatever its size' },
    compact: { kind: 'boolean', help: 'multiply the own-own block in compact form whatever its size (where it fits)' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/**
 * The driver: builds the problem and runs the instrumented loop. Collective; every part returns
 * the same result.
 */
export default function main(ranks: PData<number>): ProfileResult {
  const { n, iterations, csr, compact: forceCompact } = parseCommand(command, process.argv.slice(2)).flags;
  if (csr && forceCompact) throw new InvalidArgumentError('cg-profile: --csr and --compact exclude each other');
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  const backend = A.rows.backend;
  if (backend.localParts.length !== 1) throw new Error('cg-profile times one part per process or worker (use threads or mpi)');
  const b = pfill(1, A.rows);
  const x = pzeros(A.cols);
  const p = pzeros(A.cols);
  const r = pzeros(A.rows);
  const q = pzeros(A.rows);
  r.ownValues().localItems[0].set(b.ownValues().localItems[0]);
  const preconditioner = jacobi(A);
  if (!(preconditioner instanceof JacobiPreconditioner)) throw new Error('jacobi() did not return a JacobiPreconditioner');
  const dinv = preconditioner.inverseDiagonal.localItems[0];
  const oo = A.ownOwn.localItems[0];
  const og = A.ownGhost.localItems[0];
  const nRows = oo.nRows;
  const { first, end } = entryRowSpan(og);
  const useCompact = forceCompact || (!csr && oo.colIdx.length >= COMPACT_MIN_ENTRIES);
  const form = useCompact ? compactCsr(oo) : null;
  const compact = form !== null && 'lengths' in form ? form : null;
  const nMiddle = end - first;
  const nTail = nRows - end;
  const [pl, ql, xl, rl] = [p, q, x, r].map((v) => v.values.localItems[0]);
  const pGhost = p.ghostValues().localItems[0];
  const views = {
    tailRowPtr: oo.rowPtr.subarray(end),
    middleRowPtr: oo.rowPtr.subarray(first),
    ghostRowPtr: og.rowPtr.subarray(first),
    pTail: pl.subarray(end),
    qTail: ql.subarray(end),
    pMiddle: pl.subarray(first),
    qMiddle: ql.subarray(first),
  };
  const partials = partialsBuffer(backend);
  const pairPartials = partialsBuffer(backend, 2);
  const pair = new Float64Array(2);
  const sums = new Float64Array(2);
  const times = Array.from(STEPS, () => new Float64Array(iterations));
  const whole = new Float64Array(iterations);
  // Written in place: an array per iteration would make the loop collect garbage, and on Threads
  // a collection's unmapping flushes the other workers' TLBs (an IPI to their cores).
  const stamps = new Float64Array(STEPS.length + 1);
  const probe = CpuProbe.open();
  const cpus = new Int32Array(iterations).fill(-1);

  let rz = 0;
  for (let i = 0; i < nRows; i++) rz += rl[i] * (dinv[i] * rl[i]);
  partials[0] = rz;
  rz = sumPartials(backend);
  kernels.cgDirectionJacobi(nRows, 0, rl, dinv, pl);
  const timer = new PTimer(ranks);
  timer.tic({ barrier: true });
  for (let k = 0; k < iterations; k++) {
    stamps[0] = performance.now();
    p.startConsistent();
    let d = 0;
    if (compact !== null) {
      const { lengths, offsets, values, rowPtr } = compact;
      if (first > 0) d = kernels.spmvDotCompact(0, first, 0, rowPtr[first], lengths, offsets, values, pl, ql, pl, d);
      if (nTail > 0) d = kernels.spmvDotCompact(end, nRows, rowPtr[end], rowPtr[nRows], lengths, offsets, values, pl, ql, pl, d);
      if (nMiddle > 0) kernels.spmvDotCompact(first, end, rowPtr[first], rowPtr[end], lengths, offsets, values, pl, ql, pl, 0);
    } else {
      if (first > 0) d = kernels.spmvDot(first, oo.rowPtr, oo.colIdx, oo.values, pl, ql, pl, d);
      if (nTail > 0) d = kernels.spmvDot(nTail, views.tailRowPtr, oo.colIdx, oo.values, pl, views.qTail, views.pTail, d);
      if (nMiddle > 0) kernels.spmv(nMiddle, views.middleRowPtr, oo.colIdx, oo.values, pl, views.qMiddle);
    }
    stamps[1] = performance.now();
    p.finishConsistent();
    stamps[2] = performance.now();
    if (nMiddle > 0) d = kernels.spmvAddDot(nMiddle, views.ghostRowPtr, og.colIdx, og.values, pGhost, views.qMiddle, views.pMiddle, d);
    stamps[3] = performance.now();
    partials[0] = d;
    const pq = sumPartials(backend);
    stamps[4] = performance.now();
    const alpha = rz / pq;
    kernels.cgResidualJacobi(nRows, alpha, ql, rl, dinv, pair);
    stamps[5] = performance.now();
    pairPartials[0] = pair[1];
    pairPartials[1] = pair[0];
    sumPartialsInto(backend, sums);
    const rzNext = sums[1];
    stamps[6] = performance.now();
    kernels.cgStepJacobi(nRows, alpha, rzNext / rz, rl, dinv, pl, xl);
    rz = rzNext;
    stamps[7] = performance.now();
    for (let s = 0; s < STEPS.length; s++) times[s][k] = (stamps[s + 1] - stamps[s]) / 1e3;
    whole[k] = (stamps[STEPS.length] - stamps[0]) / 1e3;
    if (probe !== null) cpus[k] = probe.read();
  }
  timer.toc('loop');
  probe?.close();

  const nnzOwn = oo.rowPtr[nRows];
  const nnzGhostRows = og.rowPtr[end] - og.rowPtr[first];
  const vector = 8 * nRows;
  const bytes = [
    // matrix (compact: 8 B value + 2 B offset per entry, 1 B length per row), p read, q written
    (compact !== null ? 10 * nnzOwn + nRows : 12 * nnzOwn + 4 * nRows) + 2 * vector,
    0,
    12 * nnzGhostRows + 4 * nMiddle + 8 * (og.nCols + 3 * nMiddle), // ghost block, p ghosts, q read+write, p
    0,
    4 * vector, // q, r, dinv read; r written
    0,
    6 * vector, // r, dinv, p, x read; p, x written
  ];
  const local = {
    medians: times.map((t) => median(Array.from(t))),
    minima: times.map((t) => t.reduce((least, v) => Math.min(least, v), Infinity)),
    whole: median(Array.from(whole)),
    bytes,
    cpus: probe === null ? null : Array.from(cpus),
  };
  const all = getAny(gather(ranks.map(() => local), { destination: 'all' }));
  const slowest = (pick: (entry: typeof local) => number): number => Math.max(...all.map(pick));
  return {
    code: 'pa_cg_profile',
    backend: backend.kind,
    kernels: backend.kernels,
    np: backend.np,
    n,
    iterations,
    indices: getAny(reduction((a, b) => a && b, ranks.map(() => compact !== null), { destination: 'all', init: true }))
      ? 'compact'
      : 'csr',
    iteration_s: slowest((e) => e.whole),
    ...placement(all.map((e) => e.cpus), iterations),
    steps: STEPS.map((step, s) => ({
      step,
      seconds: slowest((e) => e.medians[s]),
      min_seconds: slowest((e) => e.minima[s]),
      bytes: slowest((e) => e.bytes[s]),
    })),
  };
}

/**
 * How the parts were placed on processors, from each part's processor at the end of every
 * iteration (`null` for a part that could not tell): see {@link ProfileResult.shared_cpu_fraction}.
 */
function placement(
  cpus: readonly (readonly number[] | null)[],
  iterations: number,
): Pick<ProfileResult, 'shared_cpu_fraction' | 'migrations'> {
  const known = cpus.filter((c): c is readonly number[] => c !== null);
  if (known.length < cpus.length) return { shared_cpu_fraction: null, migrations: null };
  let shared = 0;
  for (let k = 0; k < iterations; k++) {
    const seen = new Set<number>();
    for (const c of known) seen.add(c[k]);
    if (seen.size < known.length) shared++;
  }
  let migrations = 0;
  for (const c of known) {
    let moves = 0;
    for (let k = 1; k < iterations; k++) if (c[k] !== c[k - 1]) moves++;
    migrations = Math.max(migrations, moves);
  }
  return { shared_cpu_fraction: shared / iterations, migrations };
}

function print(result: ProfileResult): void {
  console.log(
    `CG iteration profile, Poisson n=${result.n}, backend ${result.backend}, kernels ${result.kernels}, ` +
      `${result.indices} own-own indices, np=${result.np}, ` +
      `${result.iterations} iterations (medians; the slowest part; bytes per part)`,
  );
  const rows = result.steps.map((s) => [
    s.step,
    (s.seconds * 1e3).toFixed(3),
    (s.min_seconds * 1e3).toFixed(3),
    s.bytes > 0 ? (s.bytes / 1e6).toFixed(1) : '',
    s.bytes > 0 ? (s.bytes / s.seconds / 1e9).toFixed(1) : '',
  ]);
  const stepSum = result.steps.reduce((t, s) => t + s.seconds, 0);
  const minSum = result.steps.reduce((t, s) => t + s.min_seconds, 0);
  const byteSum = result.steps.reduce((t, s) => t + s.bytes, 0);
  rows.push([
    'sum of the steps',
    (stepSum * 1e3).toFixed(3),
    (minSum * 1e3).toFixed(3),
    (byteSum / 1e6).toFixed(1),
    (byteSum / stepSum / 1e9).toFixed(1),
  ]);
  rows.push(['whole iteration', (result.iteration_s * 1e3).toFixed(3), '', '', '']);
  console.log(formatTable(['step', 'ms', 'min ms', 'MB', 'GB/s'], rows));
  if (result.shared_cpu_fraction !== null && result.np > 1) {
    console.log(
      `iterations ending with two parts on one processor: ${(100 * result.shared_cpu_fraction).toFixed(1)} %; ` +
        `most processor changes of a part: ${result.migrations}`,
    );
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
}

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  const { backend, np } = parseCommandOrExit(command, argv).flags;
  if (backend === 'threads') print((await withThreads<ProfileResult>(np, import.meta.url, { argv }))[0]);
  else if (backend === 'mpi') {
    await withMpi((ranks) => {
      const result = main(ranks);
      if (ranks.partIds[0] === 0) print(result);
    });
  } else if (backend === 'sequential' && np === 1) print(await withSequential(1, main));
  else throw new Error(`--backend must be threads, mpi, or sequential with --np 1; got ${backend} --np ${np}`);
}

await runAsProgram(import.meta.url, 'bench/cg-profile', run);
