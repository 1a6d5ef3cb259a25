/**
 * Binding the Threads backend's workers to cores (`withThreads` option `bindTo`, or
 * `PA_THREADS_BIND`), as `mpirun` binds ranks. Each worker binds only its own JavaScript thread
 * (part p to the p-th CPU of the process's allowed list, round-robin), so V8's helper threads
 * (compilers, garbage collector) keep every core.
 *
 * Why: parts that sleep in a wait are woken by another part, and Linux may then run both on one
 * core. `bench/cg-profile --backend threads --np 2 --n 30` saw the two unbound parts end 26–74 %
 * of their iterations on one processor in two runs of four on one machine (0.36 ms per iteration
 * against 0.11 apart), and 97 % on another (0.44 ms against 0.08 bound); bound, they never shared
 * one. So by default (`'auto'`) a run of 2 or more parts that fit on the allowed CPUs is bound,
 * as Open MPI binds 2 ranks to cores by default; a single part (nothing to share a core with) and
 * more parts than CPUs (a bound worker cannot leave a core another keeps busy: an earlier session
 * measured bound workers 1.7–2× slower under a load average of 6.5–9) are not.
 *
 * @module
 */
import { BackendUnavailableError } from '../../errors.js';
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

/**
 * Where `withThreads` runs its workers (its option `bindTo`, or `PA_THREADS_BIND`): `'core'` binds
 * each to one CPU, `'none'` leaves them to the operating system, `'auto'` binds 2 or more parts
 * that fit on the allowed CPUs when it can.
 * @example `await withThreads(2, 'driver.js', { bindTo: 'none' });`
 * @group Running a program on a backend
 */
export type BindTo = 'auto' | 'none' | 'core';

/**
 * The CPUs to bind the workers of an `np`-part run to (part p to `coreOfPart(p, cpus)`), or
 * undefined when they stay unbound.
 * - `'none'`: unbound.
 * - `'core'`: bound; throws when binding is impossible.
 * - `'auto'`: bound when 2 ≤ np ≤ the number of allowed CPUs on Linux with the placement
 *   functions loadable; otherwise unbound, silently (a package copy without the kernels addon
 *   still runs).
 * @param load the placement functions' loader (tests inject a fake).
 * @throws BackendUnavailableError for `'core'` off Linux or when `load` fails.
 * @example `bindingCpus('auto', 2); // [0, 1] on a 2-core Linux machine with the kernels addon`
 */
export function bindingCpus(
  bindTo: BindTo,
  np: number,
  platform: NodeJS.Platform = process.platform,
  load: () => CpuBinding = loadCpuBinding,
): readonly number[] | undefined {
  if (bindTo === 'none') return undefined;
  if (bindTo === 'auto') {
    if (np < 2 || platform !== 'linux') return undefined;
    let allowed: number[];
    try {
      allowed = Array.from(load().allowedCpus());
    } catch {
      return undefined;
    }
    return np <= allowed.length ? allowed : undefined;
  }
  if (platform !== 'linux') {
    throw new BackendUnavailableError(`Binding the Threads workers to cores is unavailable on ${platform}`, ["it uses Linux's sched_setaffinity"], [
      "run with bindTo: 'none' or 'auto' (or PA_THREADS_BIND=none or auto)",
    ]);
  }
  return Array.from(load().allowedCpus());
}
