/**
 * withThreads' option bindTo (and PA_THREADS_BIND): bound workers run on one CPU each, in turn
 * over the CPUs the process may use; unbound ones keep the process's set; bad values are refused
 * before any worker starts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError, withThreads } from '../src/index.js';
import { coreOfPart, loadCpuBinding } from '../src/backends/threads/cpu-binding.js';

const driver = fileURLToPath(new URL('../dist/test/fixtures/threads/placement.js', import.meta.url));
type Placement = { part: number; allowed: string };

/** The CPU list of this process's main thread, as Linux prints it (`0-1`). */
function processList(): string {
  return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
}

const saved = process.env.PA_THREADS_BIND;
afterEach(() => {
  if (saved === undefined) delete process.env.PA_THREADS_BIND;
  else process.env.PA_THREADS_BIND = saved;
});

describe.runIf(process.platform === 'linux')('withThreads bindTo', () => {
  const allowed = Array.from(loadCpuBinding().allowedCpus());

  it("'core' binds part p to the p-th allowed CPU, in turn when parts outnumber CPUs", async () => {
    delete process.env.PA_THREADS_BIND;
    for (const np of [2, 3]) {
      const placements = await withThreads<Placement>(np, driver, { bindTo: 'core' });
      expect(placements.map((p) => p.part)).toEqual(Array.from({ length: np }, (_, p) => p));
      expect(placements.map((p) => p.allowed)).toEqual(placements.map((p) => String(allowed[p.part % allowed.length])));
    }
  });

  it("by default, and with 'none', workers keep the process's CPUs", async () => {
    delete process.env.PA_THREADS_BIND;
    expect(allowed.length).toBeGreaterThan(0);
    for (const opts of [undefined, { bindTo: 'none' as const }]) {
      const placements = await withThreads<Placement>(2, driver, opts);
      expect(placements.map((p) => p.allowed)).toEqual([processList(), processList()]);
    }
  });

  it('PA_THREADS_BIND=core binds unless the option says otherwise', async () => {
    process.env.PA_THREADS_BIND = 'core';
    const bound = await withThreads<Placement>(2, driver);
    expect(bound.map((p) => p.allowed)).toEqual([String(allowed[0]), String(allowed[1 % allowed.length])]);
    const free = await withThreads<Placement>(2, driver, { bindTo: 'none' });
    expect(free.map((p) => p.allowed)).toEqual([processList(), processList()]);
  });
});

describe('withThreads bindTo: bad values', () => {
  it('refuses an unknown option value or environment value before any worker starts', async () => {
    delete process.env.PA_THREADS_BIND;
    await expect(withThreads(2, driver, { bindTo: 'socket' as 'core' })).rejects.toThrow(
      new InvalidArgumentError("withThreads: bindTo must be 'none' or 'core', got \"socket\""),
    );
    process.env.PA_THREADS_BIND = 'cores';
    await expect(withThreads(2, driver)).rejects.toThrow(new InvalidArgumentError("PA_THREADS_BIND must be 'none', 'core' or unset, got \"cores\""));
  });

  it('coreOfPart takes the allowed CPUs in turn; the loader names what is missing', () => {
    expect([0, 1, 2, 3, 4].map((p) => coreOfPart(p, Int32Array.of(2, 5)))).toEqual([2, 5, 2, 5, 2]);
    expect(() => loadCpuBinding(['/x/pa_kernels.node'])).toThrow(BackendUnavailableError);
    expect(() => loadCpuBinding(['/x/pa_kernels.node'])).toThrow(
      'Binding the Threads workers to cores is unavailable:\n  - /x/pa_kernels.node: not built (no such file)',
    );
  });
});
