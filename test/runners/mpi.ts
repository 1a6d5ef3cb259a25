/**
 * The MPI runner: each (case, np) is one `mpirun --oversubscribe -n np` job running
 * `dist/test/runners/mpi-main.js` (so `tsc` must have compiled the tests: `npm test` does). The
 * job passes when it exits 0; a hang is killed after a timeout and fails the test.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mpiAddonPaths } from '../../src/backends/mpi/load-binding.js';
import type { BackendRunner } from './runner.js';

/** Wall-clock bound of one conformance job (below vitest's 60 s so this message wins). */
const RUN_TIMEOUT_MS = 50_000;

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The repository root (holding package.json, dist/ and native/). */
export const root = packageRoot();

/** Why MPI jobs cannot run on this machine, or undefined when they can. */
export function mpiUnavailableReason(): string | undefined {
  if (spawnSync('mpirun', ['--version']).error !== undefined) {
    return 'mpirun was not found on PATH (install it: apt-get install -y openmpi-bin libopenmpi-dev)';
  }
  if (!mpiAddonPaths().some((path) => existsSync(path))) {
    return 'the MPI addon is not built (run: npm run build:native)';
  }
  return undefined;
}

/** How an mpirun job ended. */
export interface MpirunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly seconds: number;
}

/** Every descendant of `pid` (Linux /proc; empty elsewhere). */
function descendants(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number): void => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter((c) => c !== '').map(Number)) {
        found.push(child);
        visit(child);
      }
    }
  };
  visit(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Runs `mpirun --oversubscribe -n np node <args>` from the repository root, with `env` added to the
 * environment (the ranks inherit it). After `timeoutMs` the
 * job is ended and `timedOut` is set: SIGTERM to mpirun's process group (mpirun then kills its
 * ranks), SIGKILL 3 s later; Open MPI puts each rank in its own process group, so the ranks are
 * recorded when the timeout fires and any survivor is killed before the promise settles.
 */
export function runUnderMpirun(
  np: number,
  args: readonly string[],
  timeoutMs: number,
  env: Readonly<Record<string, string>> = {},
): Promise<MpirunResult> {
  const started = performance.now();
  const child = spawn('mpirun', ['--oversubscribe', '-n', String(np), process.execPath, ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  let ranks: number[] = [];
  const killAll = (): void => {
    if (child.pid !== undefined) kill(-child.pid, 'SIGKILL');
    for (const pid of ranks) kill(pid, 'SIGKILL');
  };
  let hardKill: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid === undefined) return;
    ranks = descendants(child.pid);
    kill(-child.pid, 'SIGTERM');
    hardKill = setTimeout(killAll, 3000);
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', async (code, signal) => {
      clearTimeout(timer);
      clearTimeout(hardKill);
      if (timedOut) {
        killAll();
        for (let i = 0; i < 50 && ranks.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
      }
      resolve({ code, signal, stdout, stderr, timedOut, seconds: (performance.now() - started) / 1000 });
    });
  });
}

function tail(text: string, chars = 6000): string {
  return text.length <= chars ? text : `...${text.slice(-chars)}`;
}

/** Fails when the compiled test is missing or older than its source (a stale dist would be run). */
function checkCompiled(moduleName: string): string {
  const source = join(root, 'test', 'conformance', `${moduleName}.ts`);
  const compiled = join(root, 'dist', 'test', 'conformance', `${moduleName}.js`);
  const main = join(root, 'dist', 'test', 'runners', 'mpi-main.js');
  for (const file of [compiled, main]) {
    if (!existsSync(file)) throw new Error(`${file} does not exist: compile the tests first (npx tsc -p tsconfig.json; npm test does)`);
  }
  if (existsSync(source) && statSync(source).mtimeMs > statSync(compiled).mtimeMs) {
    throw new Error(`${compiled} is older than ${source}: recompile (npx tsc -p tsconfig.json; npm test does)`);
  }
  return main;
}

/**
 * Runs a conformance case as `mpirun --oversubscribe -n np` job (np = 1, 2, 4); fails with the job's
 * stderr when it exits non-zero, is killed at the timeout, or MPI is unavailable.
 */
export const mpiRunner: BackendRunner = {
  name: 'mpi',
  partCounts: [1, 2, 4],
  async run(np, moduleName, _cases, exportName) {
    const unavailable = mpiUnavailableReason();
    if (unavailable !== undefined) throw new Error(`the MPI backend is unavailable: ${unavailable}`);
    const main = checkCompiled(moduleName);
    const job = await runUnderMpirun(np, [main, moduleName, exportName, String(np)], RUN_TIMEOUT_MS);
    const command = `mpirun --oversubscribe -n ${np} node ${main} ${moduleName} ${exportName} ${np}`;
    if (job.timedOut) {
      throw new Error(`${command} did not finish within ${RUN_TIMEOUT_MS / 1000} s (killed)\nstderr:\n${tail(job.stderr)}\nstdout:\n${tail(job.stdout)}`);
    }
    if (job.code !== 0) {
      throw new Error(`${command} exited with ${job.code ?? job.signal}\nstderr:\n${tail(job.stderr)}\nstdout:\n${tail(job.stdout)}`);
    }
  },
};

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';
const skipReason = ci ? undefined : mpiUnavailableReason();
if (skipReason !== undefined) console.log(`MPI conformance runs left out: ${skipReason}`);

/** `[mpiRunner]` when MPI jobs can run or PA_REQUIRE_NATIVE=1 (then unavailability fails); else `[]`, said once. */
export const mpiRunners: readonly BackendRunner[] = skipReason === undefined ? [mpiRunner] : [];
