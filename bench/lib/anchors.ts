/**
 * Running the reference programs of `../shared/anchors` (and our own benchmark programs) as child
 * processes: where the anchors are, the environment they need, compiling the C ones, and reading
 * the one `RESULT {json}` line every program prints.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where Debian's python3-petsc4py installs the petsc4py module (not on the default path). */
const PETSC4PY_PATH = '/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib/python3/dist-packages';

/**
 * The repository root: the nearest directory above this module holding a `package.json` (the
 * same from `bench/lib` and from `dist/bench/lib`).
 *
 * @throws Error when no ancestor holds a `package.json`.
 * @example
 * ```ts
 * join(repositoryRoot(), 'dist', 'bench', 'poisson.js'); // the compiled benchmark driver
 * ```
 */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/**
 * The default anchors directory: `../shared/anchors` relative to the repository root.
 *
 * @example
 * ```ts
 * const anchorsDir = args.anchors ?? defaultAnchorsDir();
 * ```
 */
export function defaultAnchorsDir(): string {
  return resolve(repositoryRoot(), '..', 'shared', 'anchors');
}

/**
 * The environment every timed child process gets (ours and the anchors alike, so they compete on
 * equal terms), as `anchors/README.md` prescribes: one BLAS/OpenMP thread per process,
 * `OMP_PROC_BIND` removed (when set, Debian's PETSc pins every unbound rank to CPU 0), petsc4py
 * on `PYTHONPATH`, and Open MPI allowed to run as root.
 *
 * @example
 * ```ts
 * spawnSync('mpirun', args, { env: benchEnvironment() });
 * ```
 */
export function benchEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  delete env.OMP_PROC_BIND;
  if (existsSync(PETSC4PY_PATH) && !(env.PYTHONPATH ?? '').split(':').includes(PETSC4PY_PATH)) {
    env.PYTHONPATH = env.PYTHONPATH ? `${PETSC4PY_PATH}:${env.PYTHONPATH}` : PETSC4PY_PATH;
  }
  if (process.getuid?.() === 0) {
    env.OMPI_ALLOW_RUN_AS_ROOT = '1';
    env.OMPI_ALLOW_RUN_AS_ROOT_CONFIRM = '1';
  }
  return env;
}

/** The result of running a command once. */
export interface CommandRun {
  readonly stdout: string;
  /** Why it failed (exit status and the end of stderr), or undefined when it exited with 0. */
  readonly failure?: string;
  /** Wall-clock seconds from spawn to exit. */
  readonly wallSeconds: number;
}

/**
 * Runs a command to its end with {@link benchEnvironment} (or `env`), killed after
 * `timeoutSeconds`. Never throws: a failure to start, a timeout or a non-zero exit is `failure`.
 *
 * @example
 * ```ts
 * const run = runCommand('gcc', ['--version'], 60);
 * if (run.failure !== undefined) console.log(`no gcc: ${run.failure}`);
 * ```
 */
export function runCommand(file: string, args: readonly string[], timeoutSeconds: number, env = benchEnvironment()): CommandRun {
  const t0 = process.hrtime.bigint();
  const run = spawnSync(file, args, { encoding: 'utf8', env, timeout: timeoutSeconds * 1e3, maxBuffer: 64 << 20 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) * 1e-9;
  const stdout = run.stdout ?? '';
  if (run.error !== undefined) return { stdout, wallSeconds, failure: run.error.message };
  if (run.status !== 0) {
    const tail = (run.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { stdout, wallSeconds, failure: `exit ${run.status ?? run.signal}: ${tail}` };
  }
  return { stdout, wallSeconds };
}

/** A program compiled from an anchor's C source into its own temporary directory. */
export interface CompiledAnchor {
  /** Path of the executable. */
  readonly binary: string;
  /** Deletes the executable and its directory (binaries are never kept). */
  remove(): void;
}

/**
 * Compiles `anchors/<file>` with `gcc -O3 -fopenmp` (as `anchors/README.md` does) into a fresh
 * temporary directory. Returns the program, or why it cannot be built (the caller prints it and
 * goes on without that anchor).
 *
 * @example
 * ```ts
 * const spmv = compileAnchor('../shared/anchors', 'spmv.c');
 * if ('reason' in spmv) console.log(`C SpMV skipped: ${spmv.reason}`);
 * ```
 */
export function compileAnchor(anchorsDir: string, file: string): CompiledAnchor | { reason: string } {
  const source = join(anchorsDir, file);
  if (!existsSync(source)) return { reason: `${source} not found (pass --anchors <dir>)` };
  const dir = mkdtempSync(join(tmpdir(), 'pa-bench-'));
  const binary = join(dir, file.replace(/\.c$/, ''));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  const gcc = spawnSync('gcc', ['-O3', '-fopenmp', '-o', binary, source], { encoding: 'utf8' });
  if (gcc.status !== 0) {
    remove();
    return { reason: `gcc -O3 -fopenmp ${file} failed: ${gcc.error?.message ?? gcc.stderr.trim()}` };
  }
  return { binary, remove };
}

/**
 * The JSON of the last line of `stdout` that starts with `RESULT ` (the anchors' and our
 * benchmarks' machine-readable output), unchecked: the caller validates the fields it reads.
 *
 * @throws Error naming `program` when there is no such line or its JSON does not parse.
 * @example
 * ```ts
 * parseResultLine('solve: 1 s\nRESULT {"solve_s": 1}\n', 'petsc'); // { solve_s: 1 }
 * ```
 */
export function parseResultLine(stdout: string, program: string): Record<string, unknown> {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`${program} printed no RESULT line`);
  try {
    const value: unknown = JSON.parse(line.slice('RESULT '.length));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${program} printed an unreadable RESULT line (${error instanceof Error ? error.message : String(error)})`);
  }
}
