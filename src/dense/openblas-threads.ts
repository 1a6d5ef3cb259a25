/**
 * Keeps OpenBLAS from oversubscribing the cores under the Threads and MPI backends, where every
 * core already runs one part: OpenBLAS would otherwise start a thread per core in every process.
 *
 * @module
 */
import { loadedBlasBindings } from './blas.js';

/**
 * Pins OpenBLAS to one thread in this process: sets `process.env.OPENBLAS_NUM_THREADS = '1'`
 * (OpenBLAS reads it when it is loaded in this process, and the BLAS loader applies it in a worker
 * thread, whose `process.env` the C library never sees), and sets the thread count of an OpenBLAS
 * already loaded to 1. Idempotent, cheap, and it never loads the addon, so it is safe to call when
 * OpenBLAS is not installed. The Threads backend calls it in each worker and the MPI backend in
 * each rank, before the driver runs.
 *
 * Child processes started afterwards with the default environment inherit `OPENBLAS_NUM_THREADS=1`.
 *
 * @example
 * ```ts
 * pinOpenBlasToOneThread();
 * loadBlasBinding().getNumThreads(); // 1
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export function pinOpenBlasToOneThread(): void {
  process.env.OPENBLAS_NUM_THREADS = '1';
  for (const binding of loadedBlasBindings()) binding.setNumThreads(1);
}
