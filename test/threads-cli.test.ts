/** The `partitioned-arrays run` command (alias `pa`) on the sequential and threads backends, in child processes. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/src/run/cli.js', import.meta.url));
const hello = fileURLToPath(new URL('../dist/test/fixtures/threads/hello.js', import.meta.url));
const failures = fileURLToPath(new URL('../dist/test/fixtures/threads/failures.js', import.meta.url));
const tsDriver = fileURLToPath(new URL('./fixtures/threads/hello.ts', import.meta.url));

function pa(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status, stdout, stderr };
}

describe('partitioned-arrays run', () => {
  for (const backend of ['threads', 'sequential']) {
    it(`--backend ${backend} runs the driver on every part with its arguments`, () => {
      const { status, stdout, stderr } = pa('run', '--backend', backend, '--np', '3', hello, 'a', '--b');
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout.trim().split('\n').sort()).toEqual(
        [0, 1, 2].map((p) => `hello from part ${p} of 3 with args ["a","--b"]`),
      );
    });
  }

  it('--export picks a named export; a failing part exits 1 naming the part, message and stack', () => {
    const { status, stdout, stderr } = pa('run', '--backend=threads', '--np=4', '--export', 'throwBeforeCollective', failures);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.split('\n');
    expect(lines[0]).toBe('partitioned-arrays: part 1 failed: Error: part 1 fails before any collective');
    expect(lines[1]).toBe('Error: part 1 fails before any collective');
    expect(lines[2]).toContain('failures.js');
  });

  it('bad usage exits 2 with the message and the usage on stderr', () => {
    const usage = 'usage: partitioned-arrays run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]';
    expect(pa('run', hello)).toEqual({ status: 2, stdout: '', stderr: `partitioned-arrays: --backend is required\n${usage}\n` });
    expect(pa('run', '--backend', 'threads', '--np', '2')).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: the driver module is missing\n${usage}\n`,
    });
    expect(pa('run', '--backend', 'threads', hello)).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: --np N is required with --backend threads\n${usage}\n`,
    });
    expect(pa('run', '--backend', 'gpu', '--np', '2', hello)).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: unknown backend 'gpu' (choose one of sequential, threads, mpi)\n${usage}\n`,
    });
    expect(pa('run', '--bogus', 'x', hello)).toEqual({ status: 2, stdout: '', stderr: `partitioned-arrays: unknown option --bogus\n${usage}\n` });
    expect(pa('run', '--backend', 'threads', '--np')).toEqual({
      status: 2,
      stdout: '',
      stderr: `partitioned-arrays: option --np needs a value\n${usage}\n`,
    });
  });

  it('--np that is not a positive integer names the flag and the value as given, exit 2', () => {
    const usage = 'usage: partitioned-arrays run --backend sequential|threads|mpi [--np N] [--export NAME] [--bind auto|none|core] driver.js [args...]\n';
    for (const np of ['abc', '1.5', '0', '-2', '', '2x']) {
      expect(pa('run', '--backend', 'threads', `--np=${np}`, hello)).toEqual({
        status: 2,
        stdout: '',
        stderr: `partitioned-arrays: --np must be a positive integer, got '${np}'\n${usage}`,
      });
    }
    expect(pa('run', '--backend', 'sequential', '--np', 'abc', hello).stderr).toBe(
      `partitioned-arrays: --np must be a positive integer, got 'abc'\n${usage}`,
    );
  });

  it("the driver's own arguments pass through untouched, even ones named like the command's flags, and after --", () => {
    const expected = (args: string[]) => [0, 1].map((p) => `hello from part ${p} of 2 with args ${JSON.stringify(args)}`);
    const first = pa('run', '--backend', 'sequential', '--np', '2', hello, '--np', 'abc', '--help', '--bogus');
    expect(first.status).toBe(0);
    expect(first.stdout.trim().split('\n').sort()).toEqual(expected(['--np', 'abc', '--help', '--bogus']));
    const second = pa('run', '--backend', 'sequential', '--np', '2', '--', hello, '--x');
    expect(second.status).toBe(0);
    expect(second.stdout.trim().split('\n').sort()).toEqual(expected(['--x']));
  });

  for (const backend of ['sequential', 'threads', 'mpi']) {
    it(`--backend ${backend}: a missing driver is one line, status 1 (a driver failure, not a usage error)`, () => {
      expect(pa('run', '--backend', backend, '--np', '2', 'no/such/driver.js')).toEqual({
        status: 1,
        stdout: '',
        stderr: `partitioned-arrays: driver module not found: ${resolve('no/such/driver.js')}\n`,
      });
    });

    it(`--backend ${backend}: a TypeScript driver says it must be JavaScript, one line, status 1`, () => {
      expect(pa('run', '--backend', backend, '--np', '2', tsDriver)).toEqual({
        status: 1,
        stdout: '',
        stderr:
          `partitioned-arrays: driver module ${tsDriver} cannot be loaded: the driver must be JavaScript, and Node.js does not know the extension '.ts'; ` +
          "compile it (for example with tsc) and give the .js file, or start node with a loader for '.ts' files (for example node --import tsx)\n",
      });
    });
  }
});
