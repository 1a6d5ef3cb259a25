/**
 * The Threads backend's spinning waits yield the core through the kernels addon's `yieldCpu`
 * (sched_yield), found by `findYieldCpu`, which falls back to a no-op where the addon is missing
 * or older (then spinning simply does not yield).
 */
import { describe, expect, it } from 'vitest';
import { findYieldCpu } from '../src/backends/threads/yield-cpu.js';
import { kernelsAddonPaths } from '../src/kernels/native-kernels.js';
import { requireNative } from '../src/native-addon.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

describe('findYieldCpu', () => {
  it("returns the first path's yieldCpu, skipping paths that fail to load or lack it", () => {
    const calls: string[] = [];
    const yieldCpu = (): void => void calls.push('yield');
    const modules: Record<string, unknown> = { '/b': { spmv: () => undefined }, '/c': { yieldCpu }, '/d': { yieldCpu: () => calls.push('d') } };
    const load = (path: string): unknown => {
      if (!(path in modules)) throw new Error(`cannot load ${path}`);
      return modules[path];
    };
    const found = findYieldCpu(['/a', '/b', '/c', '/d'], load);
    expect(found).toBe(yieldCpu);
    found();
    expect(calls).toEqual(['yield']);
  });

  it('is a no-op function, not a throw, when no path has it', () => {
    const found = findYieldCpu(['/a'], () => {
      throw new Error('missing');
    });
    expect(found()).toBeUndefined();
    expect(findYieldCpu([], () => ({}))()).toBeUndefined();
  });

  it('finds the built addon and its yieldCpu returns', () => {
    let built = false;
    try {
      requireNative(kernelsAddonPaths()[0]);
      built = true;
    } catch (error) {
      if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the kernels addon: ${String(error)}`);
    }
    const found = findYieldCpu();
    if (built) expect(found.name).not.toBe('noYield');
    expect(found()).toBeUndefined();
  });
});
