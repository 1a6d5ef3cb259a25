/**
 * Open MPI's default binding of a rank to one core: under mpirun without `--bind-to`, on a node
 * with a core to spare, init leaves the main thread on its core and gives every other thread of
 * the process (V8's collector and compiler threads, MPI's own) the launcher's CPUs; a binding
 * asked for, or a rank on every core, is kept as it is.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mpiUnavailableReason, root, runUnderMpirun } from './runners/mpi.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

interface AffinityLine {
  readonly rank: number;
  readonly releasedThreads: number;
  readonly main: string;
  readonly others: readonly string[];
  readonly launcher: string;
}

/** CPUs in a list such as `0-3,6`. */
function cpuCount(list: string): number {
  return list.split(',').reduce((n, range) => {
    const [from, to] = range.split('-').map(Number);
    return n + (to === undefined ? 1 : to - from + 1);
  }, 0);
}

async function affinityOf(np: number, env: Record<string, string> = {}): Promise<AffinityLine[]> {
  const source = join(root, 'test', 'fixtures', 'mpi', 'affinity.ts');
  const compiled = join(root, 'dist', 'test', 'fixtures', 'mpi', 'affinity.js');
  expect(existsSync(compiled), `${compiled} is missing: compile first (npx tsc -p tsconfig.json)`).toBe(true);
  expect(statSync(compiled).mtimeMs, `${compiled} is older than its source: recompile`).toBeGreaterThanOrEqual(statSync(source).mtimeMs);
  const job = await runUnderMpirun(np, [compiled], 30_000, env);
  expect(job.code, job.stderr).toBe(0);
  const lines = job.stdout.split('\n').filter((l) => l.startsWith('affinity ')).map((l) => JSON.parse(l.slice(9)) as AffinityLine);
  expect(lines).toHaveLength(np);
  return lines.sort((a, b) => a.rank - b.rank);
}

const leftOut = ci ? undefined : mpiUnavailableReason();
if (leftOut !== undefined) console.log(`MPI affinity tests left out: ${leftOut}`);
else describe('Open MPI default binding', () => {
  it('one rank: the main thread keeps its core, the other threads get the launcher CPUs', async () => {
    const [line] = await affinityOf(1);
    expect(line.others.length).toBeGreaterThan(0);
    if (cpuCount(line.launcher) > 1 && cpuCount(line.main) === 1) {
      // Bound by mpirun to one core, with another core free.
      expect(line.releasedThreads).toBe(line.others.length);
      for (const list of line.others) expect(list).toBe(line.launcher);
    } else {
      // A one-CPU launcher: nothing to release, nothing changed.
      expect(line.releasedThreads).toBe(0);
      for (const list of line.others) expect(list).toBe(line.main);
    }
  });

  it('a binding asked for (hwloc_base_binding_policy) is kept on every thread', async () => {
    const [line] = await affinityOf(1, { OMPI_MCA_hwloc_base_binding_policy: 'core' });
    expect(line.releasedThreads).toBe(0);
    expect(cpuCount(line.main)).toBe(1);
    for (const list of line.others) expect(list).toBe(line.main);
  });

  it('as many ranks as launcher CPUs: every thread keeps its rank core (more CPUs: the helpers are released)', async () => {
    const [probe] = await affinityOf(1, { OMPI_MCA_hwloc_base_binding_policy: 'core' });
    const cpus = cpuCount(probe.launcher);
    // Open MPI binds to cores by default up to two ranks (to sockets beyond).
    const np = Math.min(cpus, 2);
    for (const line of await affinityOf(np)) {
      expect(cpuCount(line.main)).toBe(1);
      if (np === cpus) {
        expect(line.releasedThreads).toBe(0);
        for (const list of line.others) expect(list).toBe(line.main);
      } else {
        expect(line.releasedThreads).toBe(line.others.length);
        for (const list of line.others) expect(list).toBe(line.launcher);
      }
    }
  });
});
