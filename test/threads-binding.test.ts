/**
 * withThreads' option bindTo (and PA_THREADS_BIND): bound workers run on one CPU each, in turn
 * over the CPUs the process may use; unbound ones keep the process's set; 'auto' (the default)
 * binds 2 or more parts that fit on those CPUs and falls back to unbound when it cannot bind; bad
 * values are refused before any worker starts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError, withThreads } from '../src/index.js';
import { bindingCpus, coreOfPart, loadCpuBinding, type CpuBinding } from '../src/backends/threads/cpu-binding.js';

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

  it("with 'none' workers keep the process's CPUs", async () => {
    delete process.env.PA_THREADS_BIND;
    expect(allowed.length).toBeGreaterThan(0);
    const placements = await withThreads<Placement>(2, driver, { bindTo: 'none' });
    expect(placements.map((p) => p.allowed)).toEqual([processList(), processList()]);
  });

  it("by default ('auto') binds 2 or more parts that fit on the allowed CPUs, and leaves 1 part or more parts than CPUs unbound", async () => {
    delete process.env.PA_THREADS_BIND;
    for (const opts of [undefined, { bindTo: 'auto' as const }]) {
      for (const np of [1, 2, allowed.length + 1]) {
        const placements = await withThreads<Placement>(np, driver, opts);
        const bound = np >= 2 && np <= allowed.length;
        expect(placements.map((p) => p.allowed)).toEqual(
          placements.map((p) => (bound ? String(allowed[p.part]) : processList())),
        );
      }
    }
  });

  it('PA_THREADS_BIND=core binds unless the option says otherwise', async () => {
    process.env.PA_THREADS_BIND = 'core';
    const bound = await withThreads<Placement>(2, driver);
    expect(bound.map((p) => p.allowed)).toEqual([String(allowed[0]), String(allowed[1 % allowed.length])]);
    const free = await withThreads<Placement>(2, driver, { bindTo: 'none' });
    expect(free.map((p) => p.allowed)).toEqual([processList(), processList()]);
  });

  it('partitioned-arrays run --bind places the workers as the option does; PA_THREADS_BIND when not given', () => {
    const cli = fileURLToPath(new URL('../dist/src/run/cli.js', import.meta.url));
    const run = (env: NodeJS.ProcessEnv, ...bind: string[]): string[] => {
      const { status, stdout, stderr } = spawnSync(
        process.execPath,
        [cli, 'run', '--backend', 'threads', '--np', '2', ...bind, '--export', 'print', driver],
        { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...env } },
      );
      expect(stderr).toBe('');
      expect(status).toBe(0);
      return stdout.trim().split('\n').sort();
    };
    const boundLines = [`part 0: ${allowed[0]}`, `part 1: ${allowed[1 % allowed.length]}`];
    const freeLines = [`part 0: ${processList()}`, `part 1: ${processList()}`];
    expect(run({}, '--bind', 'core')).toEqual(boundLines);
    expect(run({ PA_THREADS_BIND: 'core' }, '--bind', 'none')).toEqual(freeLines);
    expect(run({ PA_THREADS_BIND: 'none' })).toEqual(freeLines);
    expect(run({ PA_THREADS_BIND: 'core' })).toEqual(boundLines);
  });

  it('PA_THREADS_BIND=none leaves the default run unbound', async () => {
    process.env.PA_THREADS_BIND = 'none';
    const free = await withThreads<Placement>(2, driver);
    expect(free.map((p) => p.allowed)).toEqual([processList(), processList()]);
  });
});

describe('withThreads bindTo: bad values', () => {
  it('refuses an unknown option value or environment value before any worker starts', async () => {
    delete process.env.PA_THREADS_BIND;
    await expect(withThreads(2, driver, { bindTo: 'socket' as 'core' })).rejects.toThrow(
      new InvalidArgumentError("withThreads: bindTo must be 'auto', 'none' or 'core', got \"socket\""),
    );
    process.env.PA_THREADS_BIND = 'cores';
    await expect(withThreads(2, driver)).rejects.toThrow(new InvalidArgumentError("PA_THREADS_BIND must be 'auto', 'none', 'core' or unset, got \"cores\""));
  });

  it('partitioned-arrays run refuses --bind with another backend and an unknown value, exit 2', () => {
    const cli = fileURLToPath(new URL('../dist/src/run/cli.js', import.meta.url));
    const usage = 'usage: partitioned-arrays run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]\n';
    const pa = (...args: string[]) => {
      const { status, stdout, stderr } = spawnSync(process.execPath, [cli, 'run', ...args], { encoding: 'utf8', timeout: 20_000 });
      return { status, stdout, stderr };
    };
    expect(pa('--backend', 'sequential', '--np', '2', '--bind', 'core', driver)).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: --bind is for --backend threads, not sequential (under mpirun, use its --bind-to)\n${usage}`,
    });
    expect(pa('--backend', 'threads', '--np', '2', '--bind', 'socket', driver)).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: unknown bind 'socket' (choose one of auto, none, core)\n${usage}`,
    });
  });

  it('coreOfPart takes the allowed CPUs in turn; the loader names what is missing', () => {
    expect([0, 1, 2, 3, 4].map((p) => coreOfPart(p, Int32Array.of(2, 5)))).toEqual([2, 5, 2, 5, 2]);
    expect(() => loadCpuBinding(['/x/pa_kernels.node'])).toThrow(BackendUnavailableError);
    expect(() => loadCpuBinding(['/x/pa_kernels.node'])).toThrow(
      'Binding the Threads workers to cores is unavailable:\n  - /x/pa_kernels.node: not built (no such file)',
    );
  });
});

describe('bindingCpus: the placement policy, with fake placement functions', () => {
  const twoCpus: CpuBinding = { allowedCpus: () => Int32Array.of(3, 7), bindThisThread: () => undefined };
  const missing = (): CpuBinding => {
    throw new BackendUnavailableError('Binding the Threads workers to cores is unavailable', ['no addon'], []);
  };

  it("'auto' binds from 2 parts up to the allowed CPUs, on Linux, when the functions load", () => {
    expect(bindingCpus('auto', 2, 'linux', () => twoCpus)).toEqual([3, 7]);
    expect(bindingCpus('auto', 1, 'linux', () => twoCpus)).toBeUndefined();
    expect(bindingCpus('auto', 3, 'linux', () => twoCpus)).toBeUndefined();
    expect(bindingCpus('auto', 2, 'darwin', () => twoCpus)).toBeUndefined();
    expect(bindingCpus('auto', 2, 'linux', missing)).toBeUndefined();
  });

  it("'core' binds any number of parts and throws when it cannot; 'none' never binds", () => {
    expect(bindingCpus('core', 1, 'linux', () => twoCpus)).toEqual([3, 7]);
    expect(bindingCpus('core', 5, 'linux', () => twoCpus)).toEqual([3, 7]);
    expect(() => bindingCpus('core', 2, 'linux', missing)).toThrow(BackendUnavailableError);
    expect(() => bindingCpus('core', 2, 'darwin', () => twoCpus)).toThrow(BackendUnavailableError);
    expect(() => bindingCpus('core', 2, 'darwin', () => twoCpus)).toThrow('Binding the Threads workers to cores is unavailable on darwin');
    expect(bindingCpus('none', 2, 'linux', () => twoCpus)).toBeUndefined();
  });
});
