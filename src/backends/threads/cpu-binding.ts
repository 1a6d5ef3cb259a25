/**
 * Binding the Threads backend's workers to cores (`withThreads` option `bindTo: 'core'`, or
 * `PA_THREADS_BIND=core`), as `mpirun --bind-to core` binds ranks. Each worker binds only its own
 * JavaScript thread (part p to the p-th CPU of the process's allowed list, round-robin), so V8's
 * helper threads (compilers, garbage collector) keep every core.
 *
 * Why: parts that sleep in a wait are woken by another part, and Linux may then run both on one
 * core. `bench/cg-profile --backend threads --np 2 --n 30` saw the two parts end 26–74 % of their
 * iterations on one processor in two runs of four, at 0.36 ms per iteration against 0.11 when
 * they stayed apart; bound, they never shared one. It is off by default: a bound worker cannot
 * leave a core another program keeps busy (an earlier session measured bound workers 1.7–2×
 * slower under a load average of 6.5–9).
 *
 * @module
 */
import { loadAddon, requireNative } from '../../native-addon.js';
import { KERNELS_FIXES, kernelsAddonPaths } from '../../kernels/native-kernels.js';

/**
 * The thread-placement functions of the kernels addon (`native/kernels/src/addon.cc`), written
 * by hand so that tests can inject a fake.
 *
 * @example
 * ```ts
 * const placement = loadCpuBinding();
 * placement.allowedCpus();    // Int32Array [0, 1]
 * placement.bindThisThread(1); // this thread now runs on CPU 1 only
 * ```
 */
export interface CpuBinding {
  /** The CPUs the calling thread may run on, ascending (`sched_getaffinity`). */
  allowedCpus(): Int32Array;
  /**
   * Binds the calling thread, and only it, to `cpu` (`sched_setaffinity`).
   * @throws RangeError when `cpu` is not an integer ≥ 0; Error with the system's reason when
   * Linux refuses (a CPU outside the process's set).
   */
  bindThisThread(cpu: number): void;
}

const CPU_BINDING_FUNCTIONS = ['allowedCpus', 'bindThisThread'] as const;

/**
 * Loads the thread-placement functions from the kernels addon (the first of `paths` that has them).
 * @throws BackendUnavailableError `"Binding the Threads workers to cores is unavailable"`, with
 * the loader's reasons and the kernels addon's fixes.
 * @example `const cpus = loadCpuBinding().allowedCpus();`
 */
export function loadCpuBinding(
  paths: readonly string[] = kernelsAddonPaths(),
  load: (path: string) => unknown = requireNative,
): CpuBinding {
  return loadAddon<CpuBinding>({
    paths,
    load,
    required: CPU_BINDING_FUNCTIONS,
    what: 'kernels addon with thread placement',
    summary: 'Binding the Threads workers to cores is unavailable',
    fixes: KERNELS_FIXES,
  });
}

/**
 * The CPU of part `partId` when workers are bound: the parts take the allowed CPUs in turn.
 * @example `coreOfPart(2, Int32Array.of(0, 1)); // 0`
 */
export function coreOfPart(partId: number, allowed: ArrayLike<number>): number {
  return allowed[partId % allowed.length];
}
