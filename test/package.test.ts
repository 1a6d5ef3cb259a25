/**
 * The npm tarball is the product: it is packed from a copy of the working tree without `dist/`
 * (as a fresh clone, so `prepack` must build), installed into fresh projects in a temporary folder,
 * and checked there as a downstream user would meet it:
 * - its file list: every native source and binding.gyp, the license, and no test, benchmark,
 *   example or build output; every source map points at a shipped TypeScript source;
 * - installed with a toolchain: the native kernels load, the MPI backend runs a driver under
 *   `mpirun -n 2`, and a consumer's TypeScript compiles against the package's types;
 * - installed with a PATH holding no compiler and no MPI, with CI=true: the install succeeds and
 *   says why each addon is unavailable, and Sequential and Threads run on the JavaScript kernels.
 * The install must not need the registry: its one dependency (node-addon-api) is in npm's cache
 * after `npm ci`.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// Every addon of the repository (a directory of native/ holding a binding.gyp), so a new one that
// package.json's files does not list fails here.
const NATIVE_ADDONS = readdirSync(join(repo, 'native'))
  .filter((name) => existsSync(join(repo, 'native', name, 'binding.gyp')))
  .map((name) => `native/${name}`);
// Headers shared by the addons (native/common: no binding.gyp, so not an addon), which they include.
const NATIVE_COMMON = filesUnder('native/common');

/** The environment of a downstream project: none of npm's per-script variables, none of ours. */
function consumerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') || key === 'INIT_CWD' || key.startsWith('PA_') || key === 'CI') continue;
    env[key] = value;
  }
  return { ...env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1', ...extra };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout: number): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} in ${cwd} exited with ${result.status ?? result.signal ?? result.error?.message}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** Every file under `dir` (relative to the repository, '/'-separated). */
function filesUnder(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(repo, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

// The driver every install runs: a 4×4 Poisson problem on 2 parts, CG with Jacobi.
const SOLVE = `import { cg, laplacianFdm, norm, pfill, psparse } from 'partitioned-arrays';
export default function main(ranks) {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [4, 4], [1, 2]);
  const A = psparse(I, J, V, rows, cols).wait();
  const result = cg(A, pfill(1, A.rows), { preconditioner: 'jacobi' });
  return { kernels: ranks.backend.kernels, iterations: result.iterations, reason: result.reason, nnz: A.nnz, norm: norm(result.x) };
}
`;
const SEQUENTIAL = `import { kernelKind, withSequential } from 'partitioned-arrays';
import main from './solve.mjs';
console.log(JSON.stringify({ kernelKind, ...(await withSequential(2, main)) }));
`;
const THREADS = `import { kernelKind, withThreads } from 'partitioned-arrays';
console.log(JSON.stringify({ kernelKind, parts: await withThreads(2, new URL('./solve.mjs', import.meta.url)) }));
`;
const MPI = `import { withMpi } from 'partitioned-arrays';
import main from './solve.mjs';
await withMpi((ranks) => { console.log(JSON.stringify(main(ranks))); });
`;
const CONSUMER_TS = `import { cg, kernelKind, laplacianFdm, pfill, psparse, withSequential, type KernelKind, type PData } from 'partitioned-arrays';
const kind: KernelKind = kernelKind;
// @ts-expect-error: the types are the package's (kernelKind is 'native' | 'js'), not any.
const wrong: 'fast' = kernelKind;
const iterations: number = await withSequential(2, (ranks: PData<number>) => {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [4, 4], [1, 2]);
  return cg(psparse(I, J, V, rows, cols).wait(), pfill(1, rows), { preconditioner: 'jacobi' }).iterations;
});
console.log(kind, wrong, iterations);
`;

interface Solved {
  readonly kernels: string;
  readonly iterations: number;
  readonly reason: string;
  readonly nnz: number;
  readonly norm: number;
}

/** A fresh project in `dir` holding the drivers, with the tarball installed by npm. */
function installInto(dir: string, tarball: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  for (const [file, text] of Object.entries({ 'solve.mjs': SOLVE, 'sequential.mjs': SEQUENTIAL, 'threads.mjs': THREADS, 'mpi.mjs': MPI })) {
    writeFileSync(join(dir, file), text);
  }
  return run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], dir, env, 240_000);
}

let work = '';
let tarball = '';
let packed: string[] = [];
let reference: Solved;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pa-package-'));
  // A fresh clone: the tracked and untracked (not ignored) files, so no dist/ and no addon builds.
  const tree = join(work, 'tree');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repo, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  for (const file of files) cpSync(join(repo, file), join(tree, file), { recursive: false, errorOnExist: false });
  symlinkSync(join(repo, 'node_modules'), join(tree, 'node_modules'));
  const out = run('npm', ['pack', '--json', '--pack-destination', work], tree, consumerEnv({}), 120_000);
  const [info] = JSON.parse(out.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, info.filename);
  packed = info.files.map((f) => f.path);
  // The same driver in the repository itself (partitioned-arrays resolving to this checkout's dist/).
  const inRepo = join(work, 'in-repo');
  mkdirSync(join(inRepo, 'node_modules'), { recursive: true });
  symlinkSync(repo, join(inRepo, 'node_modules', 'partitioned-arrays'));
  writeFileSync(join(inRepo, 'solve.mjs'), SOLVE);
  writeFileSync(join(inRepo, 'sequential.mjs'), SEQUENTIAL);
  reference = JSON.parse(run(process.execPath, ['sequential.mjs'], inRepo, consumerEnv({}), 60_000).stdout) as Solved;
}, 180_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the npm tarball', () => {
  it('finds the eight addons of the repository', () => {
    expect([...NATIVE_ADDONS].sort()).toEqual(['native/banded', 'native/blas', 'native/hdf5', 'native/ilu', 'native/kernels', 'native/mpi', 'native/spgemm', 'native/textio']);
  });

  it('ships every native source and binding.gyp, the build script, license and changelog, and no test, bench, example or build output', () => {
    const expected = [
      ...NATIVE_ADDONS.flatMap((dir) => [`${dir}/binding.gyp`, ...filesUnder(`${dir}/src`)]),
      ...NATIVE_COMMON,
      'scripts/build-native.mjs',
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
      'package.json',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/run/cli.js',
      'dist/src/run/threads-worker.js',
    ];
    expect(expected.filter((file) => !packed.includes(file))).toEqual([]);
    const stray = packed.filter((file) => /^(test|bench|examples|docs|dist\/(test|bench|examples))\/|\/build\/|node_modules\/|\.node$|\.tgz$/.test(file));
    expect(stray).toEqual([]);
    // Nothing outside the compiled library, its sources, the addons' sources and the top-level files.
    const other = packed.filter(
      (file) => !/^(dist\/src\/.+\.(js|d\.ts|js\.map)|src\/.+\.ts|native\/[^/]+\/(binding\.gyp|src\/.+)|native\/common\/.+|scripts\/build-native\.mjs|LICENSE|CHANGELOG\.md|README\.md|package\.json)$/.test(file),
    );
    expect(other).toEqual([]);
    expect(packed.filter((file) => file.startsWith('native/')).length).toBe(
      NATIVE_ADDONS.reduce((count, dir) => count + 1 + filesUnder(`${dir}/src`).length, NATIVE_COMMON.length),
    );
  });

  it('ships the TypeScript source of every compiled module, so each source map points at a shipped file', () => {
    const maps = packed.filter((file) => file.endsWith('.js.map'));
    const modules = packed.filter((file) => file.startsWith('dist/src/') && file.endsWith('.js'));
    expect(maps.length).toBe(modules.length);
    const tree = join(work, 'tree');
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(tree, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const shipped = posix.normalize(posix.join(posix.dirname(map), source));
        if (!packed.includes(shipped)) missing.push(`${map} -> ${shipped}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('installed with a toolchain: the native kernels load, a driver runs under mpirun -n 2, and a consumer compiles against the types', () => {
    const dir = join(work, 'native-consumer');
    const install = installInto(dir, tarball, consumerEnv({ CI: 'true', PA_REQUIRE_NATIVE: '1' }));
    for (const addon of NATIVE_ADDONS) expect(install.stdout).toContain(`partitioned-arrays: built ${addon} (`);

    const sequential = JSON.parse(run(process.execPath, ['sequential.mjs'], dir, consumerEnv({}), 60_000).stdout) as Solved & { kernelKind: string };
    expect(sequential).toEqual({ kernelKind: 'native', kernels: 'native', iterations: 3, reason: 'converged-rtol', nnz: 64, norm: reference.norm });

    const mpi = run('mpirun', ['--oversubscribe', '-n', '2', process.execPath, 'mpi.mjs'], dir, consumerEnv({}), 90_000);
    const ranks = mpi.stdout.trim().split('\n').map((line) => JSON.parse(line) as Solved);
    expect(ranks).toEqual([0, 1].map(() => ({ kernels: 'native', iterations: 3, reason: 'converged-rtol', nnz: 64, norm: reference.norm })));

    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true,
          typeRoots: [join(repo, 'node_modules', '@types')], types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir, consumerEnv({}), 60_000);
  }, 300_000);

  it('installed with no compiler and no MPI on PATH and CI=true: succeeds, says why with a fix the project can run, and runs on the JavaScript kernels', () => {
    // A PATH holding only node, npm, npx and sh (npm runs the install script with sh).
    const bin = join(work, 'bare-bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
    for (const tool of ['npm', 'npx']) {
      symlinkSync(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', `${tool}-cli.js`), join(bin, tool));
    }
    const bare = consumerEnv({ PATH: bin, CI: 'true' });

    const dir = join(work, 'bare-consumer');
    const install = installInto(dir, tarball, bare);
    const fix = 'run `npx partitioned-arrays build` in your project.';
    expect(install.stdout).toContain(
      'partitioned-arrays: the native kernels (SpMV, dot, axpy, fused CG updates) is unavailable (no C++ compiler (g++ or c++) was found on PATH); ' +
        `to enable it, install a C++ compiler (apt-get install -y g++), then ${fix}`,
    );
    expect(install.stdout).toContain(
      'partitioned-arrays: the MPI backend is unavailable (mpicc was not found on PATH); ' +
        `to enable it, install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev), then ${fix}`,
    );
    expect(install.stdout).toContain('partitioned-arrays: the OpenBLAS dense routines (ddot, daxpy, dgemv) is unavailable (no C++ compiler (g++ or c++) was found on PATH)');
    // The fix runs there, and says the same without failing.
    const rebuilt = run(join(bin, 'npx'), ['--offline', 'partitioned-arrays', 'build'], dir, bare, 60_000);
    expect(rebuilt.stdout).toContain(`partitioned-arrays: the MPI backend is unavailable (mpicc was not found on PATH); to enable it, install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev), then ${fix}`);

    const js = { kernels: 'js', iterations: 3, reason: 'converged-rtol', nnz: 64, norm: reference.norm };
    const sequential = JSON.parse(run(process.execPath, ['sequential.mjs'], dir, bare, 60_000).stdout) as unknown;
    expect(sequential).toEqual({ kernelKind: 'js', ...js });
    const threads = JSON.parse(run(process.execPath, ['threads.mjs'], dir, bare, 60_000).stdout) as unknown;
    expect(threads).toEqual({ kernelKind: 'js', parts: [js, js] });
  }, 180_000);
});
