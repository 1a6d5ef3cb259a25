/**
 * How much memory to prime before a timed process: what that program at that size is expected to
 * hold at its peak, with a margin, rather than one large amount for every process.
 *
 * Why: the priming process's memory goes back to the free lists when it exits, and this virtual
 * machine's balloon device reports free memory to the host about 2 s after it is freed, in bursts
 * that take a core away from the guest for about 45 ms in each 100 ms (both cores busy is when it
 * shows). The timed process reuses what it needs before then; only the rest is reported, while the
 * timed process runs. Measured with two C STREAM-triad loops on 64 MiB arrays (192 MiB each) for
 * 6 s right after priming, twice each: 2 GiB primed, 316–397 ms of passes slower than twice the
 * median on each loop; 400 MiB primed, 70–95 ms. The same bursts showed in our two-part CG
 * iterations (about 43 ms every 100 ms, 1.8–2.5 s after the priming) and not in one-part runs.
 *
 * The peaks below are the largest maximum resident set (`/usr/bin/time -f %M`, summed over the
 * ranks) at n = 128 (2 097 152 unknowns), on 1 and 2 parts, measured on 2026-12-07, divided by the
 * unknowns; each process also holds a fixed runtime (Node or Python with PETSc).
 *
 * @module
 */

/** The programs the benchmarks prime for, by what they hold. */
export type PrimedProgram = 'ours-cg' | 'petsc-jacobi' | 'scipy-cg' | 'ours-amg' | 'petsc-hypre' | 'ours-fem';

/**
 * Peak MiB per million unknowns, all processes together:
 * ours-cg: Threads 1/2 parts 816/837 MB, MPI 1/2 ranks 805/880 MB; petsc-jacobi: 705/779 MB;
 * scipy-cg: 424 MB; ours-amg: 1180 (1 part) / 1368 MB (2 ranks); petsc-hypre: 1576/1717 MB;
 * ours-fem (`laplacianFem` + `psparse`, 1 M unknowns, 16 M triplets): 782 / 902 MB.
 */
const PEAK_MB_PER_MILLION: Record<PrimedProgram, number> = {
  'ours-cg': 420,
  'petsc-jacobi': 372,
  'scipy-cg': 203,
  'ours-amg': 653,
  'petsc-hypre': 819,
  'ours-fem': 902,
};

/**
 * The default most MiB primed before one timed process: above the largest expected need here
 * (PETSc with hypre at n = 128 on 2 ranks: 2371 MiB).
 */
export const PRIME_CAP_MEGABYTES = 3072;

/** A process's runtime before it holds any problem data (Node or Python with PETSc), MiB. */
const RUNTIME_MB = 64;

/**
 * MiB to prime before `program` runs on `unknowns` unknowns with `np` processes: 1.25 times its
 * expected peak plus 64 MiB, at most `capMegabytes` (0: no priming).
 *
 * @throws Error for a negative or non-integer cap or unknowns, or a part count below 1.
 * @example
 * ```ts
 * primeMemory(primeMegabytesFor('petsc-jacobi', 100 ** 3, 2, 3072)); // 689
 * ```
 */
export function primeMegabytesFor(program: PrimedProgram, unknowns: number, np: number, capMegabytes: number): number {
  if (!Number.isInteger(capMegabytes) || capMegabytes < 0) throw new Error(`prime cap must be a non-negative integer, got ${capMegabytes}`);
  if (!Number.isInteger(unknowns) || unknowns < 0) throw new Error(`unknowns must be a non-negative integer, got ${unknowns}`);
  if (!Number.isInteger(np) || np < 1) throw new Error(`np must be a positive integer, got ${np}`);
  if (capMegabytes === 0) return 0;
  const peak = (PEAK_MB_PER_MILLION[program] * unknowns) / 1e6 + RUNTIME_MB * np;
  return Math.min(capMegabytes, Math.ceil(1.25 * peak) + 64);
}
