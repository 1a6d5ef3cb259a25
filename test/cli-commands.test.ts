/**
 * The `partitioned-arrays` command's conventions (--help, --version, exit codes), `doctor` and
 * `build`, in child processes; `build` and a doctor without native parts run in a copy of the
 * compiled package in a temporary folder (no addons built there, a stand-in build script).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mpiUnavailableReason } from './runners/mpi.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/src/run/cli.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment without the switches that would change what the command finds. */
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !['PA_KERNELS', 'PA_BLAS', 'PA_HUGE_PAGES', 'PA_QUIET', 'PA_REQUIRE_NATIVE'].includes(key)),
);

function run(file: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 60_000, env: cleanEnv });
  return { status, stdout, stderr };
}

describe('partitioned-arrays --help, --version and usage errors', () => {
  it('--help and -h print the commands to stdout and exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const { status, stdout, stderr } = run(cli, flag);
      expect(status).toBe(0);
      expect(stderr).toBe('');
      expect(stdout.split('\n').slice(0, 4)).toEqual([
        'usage: partitioned-arrays run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]',
        '       partitioned-arrays doctor [--strict]',
        '       partitioned-arrays build',
        '       partitioned-arrays --help | --version',
      ]);
      expect(stdout).toMatch(/^ {2}doctor {3}what is available/m);
    }
  });

  it('run --help, doctor --help and build --help print their options and exit 0', () => {
    const runHelp = run(cli, 'run', '--help');
    expect(runHelp.status).toBe(0);
    expect(runHelp.stderr).toBe('');
    expect(runHelp.stdout).toMatch(/^ {2}--backend sequential\|threads\|mpi {2}where the parts live$/m);
    expect(runHelp.stdout).toMatch(/^ {2}--np N {28}number of parts/m);
    expect(runHelp.stdout).toMatch(/^ {2}--export NAME {21}the driver's export to run \(its default export if not given\)$/m);
    expect(run(cli, 'doctor', '--help').stdout).toMatch(/^ {2}--strict {4}exit 1 when something is missing$/m);
    expect(run(cli, 'build', '-h').stdout.split('\n')[0]).toBe('usage: partitioned-arrays build');
  });

  it("--version prints package.json's version and exits 0", () => {
    expect(run(cli, '--version')).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('usage errors exit 2 with the message and the usage on stderr, nothing on stdout', () => {
    const mainUsage =
      'usage: partitioned-arrays run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]\n' +
      '       partitioned-arrays doctor [--strict]\n' +
      '       partitioned-arrays build\n' +
      '       partitioned-arrays --help | --version\n';
    expect(run(cli)).toEqual({ status: 2, stdout: '', stderr: `partitioned-arrays: a command is missing (run, doctor or build)\n${mainUsage}` });
    expect(run(cli, 'frob')).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: unknown command 'frob' (choose one of run, doctor, build)\n${mainUsage}`,
    });
    expect(run(cli, '--verbose', 'run')).toEqual({ status: 2, stdout: '', stderr: `partitioned-arrays: unknown option --verbose\n${mainUsage}` });
    expect(run(cli, 'doctor', '--fix')).toEqual({
      status: 2,
      stdout: '',
      stderr: 'partitioned-arrays: unknown option --fix\nusage: partitioned-arrays doctor [--strict]\n',
    });
    expect(run(cli, 'doctor', 'now')).toEqual({
      status: 2,
      stdout: '',
      stderr: "partitioned-arrays: unexpected argument 'now'\nusage: partitioned-arrays doctor [--strict]\n",
    });
    expect(run(cli, 'doctor', '--strict=yes')).toEqual({
      status: 2,
      stdout: '',
      stderr: 'partitioned-arrays: option --strict takes no value\nusage: partitioned-arrays doctor [--strict]\n',
    });
  });
});

describe('partitioned-arrays doctor', () => {
  it('reports every item on one line each, in order, and exits 0 (native parts built here)', () => {
    const { status, stdout, stderr } = run(cli, 'doctor', '--strict');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(':')[0])).toEqual(['kernels', 'mpi addon', 'mpirun', 'openblas', 'huge pages', 'cores', 'node']);
    expect(lines[0]).toBe(`kernels: native (${join(root, 'native/kernels/build/Release/pa_kernels.node')})`);
    expect(lines[3]).toBe(`openblas: loaded (${join(root, 'native/blas/build/Release/pa_blas.node')})`);
    expect(lines[4]).toMatch(/^huge pages: (on \(2 MiB pages for large arrays\)|off: .+; fix: .+)$/);
    expect(lines[5]).toBe(
      `cores: ${availableParallelism()} (os.availableParallelism()): Threads and MPI runs suit --np ${availableParallelism()}; ` +
        'more parts than cores work, but waiting parts sleep instead of spinning (slower collectives)',
    );
    expect(lines[6]).toBe(`node: ${process.version}`);
  });

  it.runIf(mpiUnavailableReason() === undefined)('finds the MPI addon and names the MPI implementation from mpirun --version', () => {
    const lines = run(cli, 'doctor').stdout.split('\n');
    expect(lines[1]).toBe(`mpi addon: built (${join(root, 'native/mpi/build/Release/pa_mpi.node')})`);
    const mpirunVersion = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).stdout;
    const openMpi = /\(Open MPI\) (\S+)/.exec(mpirunVersion);
    expect(openMpi).not.toBeNull();
    expect(lines[2]).toMatch(new RegExp(`^mpirun: Open MPI ${openMpi![1].replace(/\./g, '\\.')}(;|$)`));
  });
});

describe('in an installed copy without native builds (node_modules/partitioned-arrays of a project)', () => {
  let project: string;
  let pkg: string;
  let pkgCli: string;
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'pa-cli-'));
    pkg = join(project, 'node_modules/partitioned-arrays');
    cpSync(join(root, 'dist/src'), join(pkg, 'dist/src'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'partitioned-arrays', version: '9.8.7', type: 'module' }));
    mkdirSync(join(pkg, 'scripts'));
    writeFileSync(
      join(pkg, 'scripts/build-native.mjs'),
      "console.log(`partitioned-arrays: built kernels (stand-in) in ${process.cwd()}`);\nconsole.error('a warning');\n",
    );
    pkgCli = join(pkg, 'dist/src/run/cli.js');
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("--version reads that package's package.json", () => {
    expect(run(pkgCli, '--version').stdout).toBe('9.8.7\n');
  });

  it("build runs the package's scripts/build-native.mjs from the package root, its output passed on, exit 0", () => {
    expect(run(pkgCli, 'build')).toEqual({
      status: 0,
      stdout: `partitioned-arrays: built kernels (stand-in) in ${pkg}\n`,
      stderr: 'a warning\n',
    });
  });

  it("build exits with the script's failure status", () => {
    const script = join(pkg, 'scripts/build-native.mjs');
    const saved = readFileSync(script, 'utf8');
    writeFileSync(script, "console.log('partitioned-arrays: the build of kernels failed'); process.exit(1);\n");
    try {
      expect(run(pkgCli, 'build')).toEqual({ status: 1, stdout: 'partitioned-arrays: the build of kernels failed\n', stderr: '' });
    } finally {
      writeFileSync(script, saved);
    }
  });

  it('doctor says the kernels are JavaScript, why (every path tried) and the fixes; --strict exits 1', () => {
    const kernelsDir = join(pkg, 'native/kernels/build');
    const expected =
      `kernels: JavaScript, 3-5x slower: ${kernelsDir}/Release/pa_kernels.node: not built (no such file); ` +
      `${kernelsDir}/Debug/pa_kernels.node: not built (no such file); fix: `;
    const plain = run(pkgCli, 'doctor');
    expect(plain.status).toBe(0);
    expect(plain.stderr).toBe('');
    const lines = plain.stdout.split('\n');
    expect(lines[0].startsWith(expected)).toBe(true);
    expect(lines[0].slice(expected.length)).toBe(
      'install a C++ compiler: apt-get install -y g++; build the addon: npx partitioned-arrays build; or use the JavaScript kernels on purpose: PA_KERNELS=js',
    );
    expect(lines[2]).toMatch(/^mpirun: (Open MPI|MPICH|not found on PATH; fix: install Open MPI \(apt-get install -y openmpi-bin libopenmpi-dev\), then npx partitioned-arrays build)/);
    expect(lines[1]).toMatch(/^mpi addon: unavailable, so no MPI backend: .*pa_mpi\.node: not built \(no such file\); .*fix: install Open MPI/);
    expect(lines[3]).toMatch(/^openblas: JavaScript BLAS instead: .*pa_blas\.node: not built \(no such file\); .*fix: install OpenBLAS/);
    expect(lines[4]).toBe(
      'huge pages: off: the JavaScript kernels are in use (the page functions are in the kernels addon); fix: build the native kernels (see kernels)',
    );
    const strict = run(pkgCli, 'doctor', '--strict');
    expect(strict.status).toBe(1);
    expect(strict.stdout).toBe(plain.stdout);
  });

  it('a missing build script is a one-line error, exit 1', () => {
    rmSync(join(pkg, 'scripts'), { recursive: true });
    const { status, stdout, stderr } = run(pkgCli, 'build');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toBe('partitioned-arrays: Cannot build the native addons: the package has no build script:');
    expect(stderr).toContain('reinstall the package');
  });
});
