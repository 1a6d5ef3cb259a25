/**
 * What a benchmark result must say about where and on what code it was measured.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** The machine, at the time of the call. */
export interface MachineInfo {
  readonly cpu_model: string;
  /** Logical CPUs this process may use. */
  readonly nproc: number;
  readonly node: string;
  readonly platform: string;
  readonly total_memory_gib: number;
  /** 1, 5 and 15 minute load averages. */
  readonly loadavg: readonly number[];
}

/** The revision of the code that was measured. */
export interface Revision {
  /** `git rev-parse HEAD`, or null outside a git work tree. */
  readonly commit: string | null;
  /** Whether the work tree had uncommitted changes (so the commit alone does not say what ran). */
  readonly dirty: boolean | null;
}

/**
 * The machine now (call at the start and at the end of a run: the load average changes).
 *
 * @example
 * ```ts
 * machineInfo().loadavg[0]; // 1-minute load average, e.g. 2.54 on a shared 2-core machine
 * ```
 */
export function machineInfo(): MachineInfo {
  return {
    cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
    nproc: availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    total_memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * The git revision of the work tree at `root` (read-only git commands).
 *
 * @example
 * ```ts
 * revision(repositoryRoot()); // { commit: 'a2d3c33e…', dirty: false }
 * ```
 */
export function revision(root: string): Revision {
  const git = (args: string[]): string | null => {
    const run = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
    return run.status === 0 ? run.stdout.trim() : null;
  };
  const commit = git(['rev-parse', 'HEAD']);
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status.length > 0 };
}

/**
 * A fingerprint of the compiled code the benchmark runs: the number of `.js` files under `dist/`
 * and `.node` addons under `native/`, and the newest modification time among them. Compare the
 * fingerprints taken at the start and at the end of a run: when they differ, someone rebuilt
 * during the run (the work tree is shared) and the samples mix two builds.
 *
 * @example
 * ```ts
 * const before = buildFingerprint(root);
 * // ... run the benchmark ...
 * if (buildFingerprint(root) !== before) console.warn('rebuilt during the run');
 * ```
 */
export function buildFingerprint(root: string): string {
  let count = 0;
  let newest = 0;
  const visit = (dir: string, suffix: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!entry.endsWith(suffix) || entry.split('/').includes('node_modules')) continue;
      count++;
      newest = Math.max(newest, statSync(join(dir, entry)).mtimeMs);
    }
  };
  visit(join(root, 'dist'), '.js');
  visit(join(root, 'native'), '.node');
  return `${count} files, newest ${new Date(newest).toISOString()}`;
}
