/**
 * The timed 3-D Poisson solve every benchmark of ours runs: the problem of `../shared/anchors`
 * (7-point Laplacian on n³ interior unknowns, b = 1, x0 = 0, CG + Jacobi, rtol 1e-8), split into z
 * slabs (`[1, 1, np]` parts per direction) like PETSc's default contiguous row blocks.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import {
  CgSolver,
  PTimer,
  getAny,
  laplacianFdm,
  pfill,
  pmap,
  psparse,
  psparseRefill,
  reduction,
  type BackendKind,
  type CgReason,
  type KernelKind,
  type CsrMatrix,
  type PData,
} from '../../src/index.js';

/** Timings of one Poisson solve; every time is the maximum over the parts, in seconds. */
export interface PoissonSolveTiming {
  /** Backend that ran the parts. */
  readonly backend: BackendKind;
  /** Kernel implementation in use. */
  readonly kernels: KernelKind;
  /** Number of parts. */
  readonly np: number;
  /** Grid points per direction (n³ unknowns). */
  readonly n: number;
  /** `laplacianFdm` plus `psparse(...).wait()`, started together on every part. */
  readonly assemblySeconds: number;
  /** `laplacianFdm` alone: the partition and the COO triplets. */
  readonly cooSeconds: number;
  /** `psparse(...).wait()` alone. */
  readonly psparseSeconds: number;
  /** `psparseRefill(A, V).wait()` with the same values (not part of the job). */
  readonly refillSeconds: number;
  /** Bytes of the assembled matrix over all parts (values, column ids, row offsets of both blocks). */
  readonly matrixBytes: number;
  /** Bytes of the COO input over all parts (I, J, V). */
  readonly cooBytes: number;
  /**
   * Peak resident memory (VmHWM) right after psparse minus the resident memory (VmRSS) before
   * the triplets were generated, in bytes: summed over MPI ranks, once for the Threads and
   * Sequential backends (one process).
   */
  readonly assemblyPeakBytes: number;
  /**
   * `new CgSolver(A, ...)`: the Jacobi diagonal, the work vectors and the SpMV row split, started
   * together on every part. The anchors time PETSc's KSPSetUp apart from KSPSolve the same way.
   */
  readonly setupSeconds: number;
  /** `solver.solve(b, { x })` alone (b and x allocated and set before), started together on every part. */
  readonly solveSeconds: number;
  /** CG iterations (124 / 249 / 319 for n = 50 / 100 / 128). */
  readonly iterations: number;
  /** Why CG stopped (`'converged-rtol'` when all is well). */
  readonly reason: CgReason;
}

/**
 * Driver piece: assembles the Poisson matrix for `n`, sets up a CG solver and solves once, each
 * phase started after a barrier (b = 1 and x = 0 are set before, as the anchors do). Collective; returns the same timings on every part.
 *
 * @throws InvalidArgumentError (from `laplacianFdm`) when `n` is not an integer ≥ 1.
 * @example
 * ```ts
 * const t = timePoissonSolve(ranks, 100);
 * console.log(t.solveSeconds / t.iterations); // seconds per CG iteration
 * ```
 */
export function timePoissonSolve(ranks: PData<number>, n: number): PoissonSolveTiming {
  const timer = new PTimer(ranks);
  const rssBefore = statusBytes('VmRSS');
  timer.tic({ barrier: true });
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  timer.toc('coo');
  timer.tic({ barrier: true });
  const A = psparse(I, J, V, rows, cols).wait();
  timer.toc('psparse');
  const peak = statusBytes('VmHWM') - rssBefore;
  timer.tic({ barrier: true });
  psparseRefill(A, V).wait();
  timer.toc('refill');
  const b = pfill(1, A.rows);
  const x = pfill(0, A.cols);
  timer.tic({ barrier: true });
  const solver = new CgSolver(A, { rtol: 1e-8, preconditioner: 'jacobi' });
  timer.toc('setup');
  timer.tic({ barrier: true });
  const { iterations, reason } = solver.solve(b, { x });
  timer.toc('solve');
  const stats = timer.statistics();
  const { kind, kernels, np } = ranks.backend;
  const total = (values: PData<number>, op: (a: number, b: number) => number = (a, c) => a + c): number =>
    getAny(reduction(op, values, { destination: 'all', init: 0 }));
  const bytesOf = (...arrays: ArrayBufferView[]): number => arrays.reduce((s, a) => s + a.byteLength, 0);
  const matrixBytes = total(
    pmap((oo: CsrMatrix, og: CsrMatrix) => bytesOf(oo.values, oo.colIdx, oo.rowPtr, og.values, og.colIdx, og.rowPtr), A.ownOwn, A.ownGhost),
  );
  const cooBytes = total(pmap((Ip: Float64Array, Jp: Float64Array, Vp: Float64Array) => bytesOf(Ip, Jp, Vp), I, J, V));
  const assemblyPeakBytes = total(ranks.map(() => peak), kind === 'mpi' ? (a, c) => a + c : Math.max);
  return {
    backend: kind,
    kernels,
    np,
    n,
    assemblySeconds: stats.coo.max + stats.psparse.max,
    cooSeconds: stats.coo.max,
    psparseSeconds: stats.psparse.max,
    refillSeconds: stats.refill.max,
    matrixBytes,
    cooBytes,
    assemblyPeakBytes,
    setupSeconds: stats.setup.max,
    solveSeconds: stats.solve.max,
    iterations,
    reason,
  };
}

/** A memory field of /proc/self/status (`VmRSS`, `VmHWM`) in bytes; NaN where there is none. */
function statusBytes(field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? Number.NaN : Number(match[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}
