/**
 * `sched_yield()` for a spinning part, through the kernels addon.
 *
 * Why: a part spins on its doorbell while the part it waits for may be runnable but not running,
 * because a third thread (another process, a V8 compile or GC thread) holds the other core. A
 * spin that only burns its budget keeps its core from that thread, then the part sleeps and
 * pays a wake-up (about 150 µs in a virtual machine) at every wait that follows. Yielding now and
 * then while spinning lets the scheduler run the other thread at once. Measured with one busy
 * process beside a 2-part Threads CG (Poisson n = 30, `bench/cg-profile`, 8 pairs alternating):
 * median iteration 0.40 ms without the yield, 0.26 ms with it; without the busy process the same
 * within the noise.
 *
 * @module
 */
import { kernelsAddonPaths } from '../../kernels/native-kernels.js';
import { requireNative } from '../../native-addon.js';

/** Does nothing: the fallback where the addon is missing (spinning then simply does not yield). */
function noYield(): void {}

/**
 * The addon's `yieldCpu` from the first of `paths` that loads and has it, else a no-op. `load`
 * is how a path is loaded (tests inject one). Never throws.
 * @example
 * ```ts
 * const yieldCpu = findYieldCpu();
 * yieldCpu(); // lets another runnable thread have this core
 * ```
 */
export function findYieldCpu(
  paths: readonly string[] = kernelsAddonPaths(),
  load: (path: string) => unknown = requireNative,
): () => void {
  for (const path of paths) {
    try {
      const addon = load(path) as { yieldCpu?: unknown };
      if (typeof addon.yieldCpu === 'function') return addon.yieldCpu as () => void;
    } catch {
      // Not built here: try the next path.
    }
  }
  return noYield;
}
