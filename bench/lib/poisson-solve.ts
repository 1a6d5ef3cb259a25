/**
 * The timed 3-D Poisson solve every benchmark of ours runs: the problem of `../shared/anchors`
 * (7-point Laplacian on n³ interior unknowns, b = 1, x0 = 0, CG + Jacobi, rtol 1e-8), split into z
 * slabs (`[1, 1, np]` parts per direction) like PETSc's default contiguous row blocks.
 *
 * @module
 */
import {
  CgSolver,
  PTimer,
  laplacianFdm,
  pfill,
  psparse,
  type BackendKind,
  type CgReason,
  type KernelKind,
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
  timer.tic({ barrier: true });
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  timer.toc('assembly');
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
  return {
    backend: kind,
    kernels,
    np,
    n,
    assemblySeconds: stats.assembly.max,
    setupSeconds: stats.setup.max,
    solveSeconds: stats.solve.max,
    iterations,
    reason,
  };
}
