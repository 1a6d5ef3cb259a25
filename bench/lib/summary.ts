/**
 * From the raw samples of a benchmark run to the figures it reports: medians over rounds, and
 * ratios to PETSc taken round by round (the point of interleaving: both runs of a pair saw the same
 * machine load).
 *
 * @module
 */
import type { SpmvSample, StreamSample } from './context.js';
import { median } from './stats.js';
import type { SolveSample, SystemId } from './systems.js';

/** One run of one system at one size in one round; `sample` when it succeeded, else `error`. */
export interface SolveRecord {
  readonly round: number;
  readonly system: SystemId;
  readonly name: string;
  readonly np: number;
  readonly n: number;
  /** Wall-clock seconds of the whole process (start-up, assembly, solve, exit). */
  readonly wall_s: number;
  readonly sample?: SolveSample;
  readonly error?: string;
}

/** The context measurements of one round (each absent when it could not run). */
export interface ContextRecord {
  readonly round: number;
  readonly spmv?: SpmvSample;
  readonly stream: readonly StreamSample[];
}

/** One line of the solve table: medians over the successful rounds. */
export interface SolveRow {
  readonly system: SystemId;
  readonly name: string;
  readonly np: number;
  readonly n: number;
  /** Kernel implementation of ours (`'native'`/`'js'`), absent for the anchors. */
  readonly kernels?: string;
  /** Successful runs, and failed ones. */
  readonly samples: number;
  readonly failures: number;
  /** The distinct iteration counts seen (one value when all runs agree, as they must). */
  readonly iterations: number[];
  readonly assembly_s: number;
  /** Median set-up seconds (NaN when the system reports none). */
  readonly setup_s: number;
  readonly solve_s: number;
  readonly solve_s_min: number;
  readonly solve_s_max: number;
  /** Median solve time / iterations, in ms. */
  readonly ms_per_iteration: number;
  /**
   * Median over rounds of (this system's solve time / PETSc's at the same np and n in the same
   * round); `< 1` is faster than PETSc. Null for PETSc itself and when no round has both.
   */
  readonly ratio_to_petsc: number | null;
  /** Median whole job (see {@link SolveSample.job_s}), fastest and slowest round. */
  readonly job_s: number;
  readonly job_s_min: number;
  readonly job_s_max: number;
  /** Median per-round whole job / PETSc's whole job. */
  readonly job_ratio: number | null;
  /** Median psparse seconds (ours). */
  readonly psparse_s: number;
  /** Median per-round psparse / PETSc's assembly (numpy CSR build + insert + assemble). */
  readonly psparse_ratio: number | null;
  /** Median per-round psparseRefill / psparse (ours). */
  readonly refill_fraction: number | null;
  /** Median per-round (set-up + solve) / PETSc's (KSPSetUp + KSPSolve): the one-call cg. */
  readonly cg_ratio: number | null;
  /** Median per-round set-up / solve. */
  readonly setup_fraction: number | null;
  /** Median peak memory of the assembly, bytes (all processes). */
  readonly assembly_peak_bytes: number;
  /** Median bytes of the matrix and of the COO input (ours). */
  readonly matrix_bytes: number;
  readonly coo_bytes: number;
}

/** One kernel of the SpMV context table (n = 100, one core). */
export interface SpmvRow {
  readonly kernel: string;
  readonly seconds: number;
  /** Traffic model bytes / seconds, in GB/s. */
  readonly gbs: number;
  /** Throughput relative to the C anchor (`C time / this time`): 1 is as fast as C. */
  readonly ratio_to_c: number | null;
  /** GB/s relative to 1-thread STREAM triad, the memory bandwidth one core reaches. */
  readonly fraction_of_stream_triad: number | null;
}

/** STREAM medians over rounds, best GB/s of each run. */
export interface StreamRow {
  readonly threads: number;
  readonly triad_gbs: number;
  readonly read_gbs: number;
}

/** Everything a run reports. */
export interface Summary {
  readonly solves: SolveRow[];
  readonly spmv: SpmvRow[];
  readonly stream: StreamRow[];
}

const SYSTEM_ORDER: readonly SystemId[] = ['petsc', 'ours-threads', 'ours-mpi', 'ours-sequential', 'scipy'];

function key(system: SystemId, np: number, n: number): string {
  return `${system}/${np}/${n}`;
}

/** The median of `f` over the samples where it is defined (NaN when none). */
function medianOf(samples: readonly SolveSample[], f: (s: SolveSample) => number | undefined): number {
  return median(samples.flatMap((s) => {
    const v = f(s);
    return v === undefined || !Number.isFinite(v) ? [] : [v];
  }));
}

/** The median over rounds of `ours(sample) / reference(PETSc's sample of the round)`, or null. */
function pairedRatio(
  samples: readonly (SolveSample & { round: number })[],
  petsc: ReadonlyMap<number, SolveSample>,
  ours: (s: SolveSample) => number | undefined,
  reference: (s: SolveSample) => number | undefined,
): number | null {
  const ratios = samples.flatMap((s) => {
    const p = petsc.get(s.round);
    const a = ours(s);
    const b = p === undefined ? undefined : reference(p);
    return a === undefined || b === undefined ? [] : [a / b];
  });
  return ratios.length === 0 ? null : median(ratios);
}

const cgSeconds = (s: SolveSample): number | undefined => (s.setup_s === undefined ? undefined : s.setup_s + s.solve_s);

function solveRow(records: readonly SolveRecord[], petsc: ReadonlyMap<number, number>, petscSamples: ReadonlyMap<number, SolveSample>): SolveRow {
  const { system, name, np, n } = records[0];
  const ok = records.filter((r) => r.sample !== undefined).map((r) => ({ round: r.round, ...(r.sample as SolveSample) }));
  const solve = ok.map((s) => s.solve_s);
  const iterations = [...new Set(ok.map((s) => s.iterations))].sort((a, b) => a - b);
  const ratios = ok.flatMap((s) => {
    const reference = petsc.get(s.round);
    return reference === undefined ? [] : [s.solve_s / reference];
  });
  const kernels = [...new Set(ok.flatMap((s) => (s.kernels === undefined ? [] : [s.kernels])))].join('/');
  const solveMedian = median(solve);
  return {
    system,
    name,
    np,
    n,
    ...(kernels === '' ? {} : { kernels }),
    samples: ok.length,
    failures: records.length - ok.length,
    iterations,
    assembly_s: median(ok.map((s) => s.assembly_s)),
    setup_s: median(ok.flatMap((s) => (s.setup_s === undefined ? [] : [s.setup_s]))),
    solve_s: solveMedian,
    solve_s_min: solve.length === 0 ? Number.NaN : Math.min(...solve),
    solve_s_max: solve.length === 0 ? Number.NaN : Math.max(...solve),
    ms_per_iteration: iterations.length === 1 ? (solveMedian / iterations[0]) * 1e3 : Number.NaN,
    ratio_to_petsc: system === 'petsc' || ratios.length === 0 ? null : median(ratios),
    job_s: medianOf(ok, (s) => s.job_s),
    job_s_min: Math.min(...ok.flatMap((s) => (s.job_s === undefined ? [] : [s.job_s]))),
    job_s_max: Math.max(...ok.flatMap((s) => (s.job_s === undefined ? [] : [s.job_s]))),
    job_ratio: system === 'petsc' ? null : pairedRatio(ok, petscSamples, (s) => s.job_s, (s) => s.job_s),
    psparse_s: medianOf(ok, (s) => s.psparse_s),
    psparse_ratio: system === 'petsc' ? null : pairedRatio(ok, petscSamples, (s) => s.psparse_s, (s) => s.assembly_s),
    refill_fraction: pairedRatio(ok, new Map(ok.map((s) => [s.round, s])), (s) => s.refill_s, (s) => s.psparse_s),
    cg_ratio: system === 'petsc' ? null : pairedRatio(ok, petscSamples, cgSeconds, cgSeconds),
    setup_fraction: pairedRatio(ok, new Map(ok.map((s) => [s.round, s])), (s) => s.setup_s, (s) => s.solve_s),
    assembly_peak_bytes: medianOf(ok, (s) => s.assembly_peak_bytes),
    matrix_bytes: medianOf(ok, (s) => s.matrix_bytes),
    coo_bytes: medianOf(ok, (s) => s.coo_bytes),
  };
}

/**
 * The solve table: one row per (system, np, n) that ran, ordered by n, np, then PETSc, ours
 * (threads, MPI, sequential), SciPy.
 */
function summarizeSolves(records: readonly SolveRecord[]): SolveRow[] {
  const groups = new Map<string, SolveRecord[]>();
  for (const r of records) {
    const k = key(r.system, r.np, r.n);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [r]);
    else group.push(r);
  }
  const rows: SolveRow[] = [];
  for (const group of groups.values()) {
    const { np, n } = group[0];
    const petsc = new Map<number, number>();
    const petscSamples = new Map<number, SolveSample>();
    for (const r of groups.get(key('petsc', np, n)) ?? []) {
      if (r.sample === undefined) continue;
      petsc.set(r.round, r.sample.solve_s);
      petscSamples.set(r.round, r.sample);
    }
    rows.push(solveRow(group, petsc, petscSamples));
  }
  return rows.sort((a, b) => a.n - b.n || a.np - b.np || SYSTEM_ORDER.indexOf(a.system) - SYSTEM_ORDER.indexOf(b.system));
}

/** The STREAM table: medians over rounds per thread count. */
function summarizeStream(records: readonly ContextRecord[]): StreamRow[] {
  const threads = [...new Set(records.flatMap((r) => r.stream.map((s) => s.threads)))].sort((a, b) => a - b);
  return threads.map((t) => {
    const samples = records.flatMap((r) => r.stream.filter((s) => s.threads === t));
    return { threads: t, triad_gbs: median(samples.map((s) => s.triad_gbs)), read_gbs: median(samples.map((s) => s.read_gbs)) };
  });
}

/** The SpMV table: median seconds over rounds per kernel, GB/s, and ratios to C and STREAM. */
function summarizeSpmv(records: readonly ContextRecord[], stream: readonly StreamRow[]): SpmvRow[] {
  const samples = records.flatMap((r) => (r.spmv === undefined ? [] : [r.spmv]));
  if (samples.length === 0) return [];
  const bytes = samples[0].bytes_model;
  const kernels = [...new Set(samples.flatMap((s) => Object.keys(s.seconds)))];
  const seconds = new Map(kernels.map((k) => [k, median(samples.flatMap((s) => (k in s.seconds ? [s.seconds[k]] : [])))]));
  const c = seconds.get('C spmv.c');
  const triad = stream.find((s) => s.threads === 1)?.triad_gbs;
  return kernels.map((kernel) => {
    const t = seconds.get(kernel) as number;
    const gbs = bytes / t / 1e9;
    return {
      kernel,
      seconds: t,
      gbs,
      ratio_to_c: c === undefined ? null : c / t,
      fraction_of_stream_triad: triad === undefined ? null : gbs / triad,
    };
  });
}

/**
 * All three tables of a run.
 *
 * @example
 * ```ts
 * const { solves } = summarize(file.solves, file.context);
 * solves.find((r) => r.system === 'ours-threads' && r.np === 1 && r.n === 100)?.ratio_to_petsc; // e.g. 0.64
 * ```
 */
export function summarize(solves: readonly SolveRecord[], context: readonly ContextRecord[]): Summary {
  const stream = summarizeStream(context);
  return { solves: summarizeSolves(solves), spmv: summarizeSpmv(context, stream), stream };
}
