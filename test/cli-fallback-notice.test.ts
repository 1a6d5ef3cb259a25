/**
 * The notice of a fallback to the JavaScript kernels: the function that decides it (injected
 * environment, thread and loader), and whole runs in a copy of the compiled package that has no
 * addon built (once per process whatever the part count, silenced by PA_QUIET=1 or PA_KERNELS=js,
 * absent when the native kernels load).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError } from '../src/errors.js';
import { jsKernels } from '../src/kernels/js-kernels.js';
import { fallbackNotice, selectKernels } from '../src/kernels/select-kernels.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const reasons = ['/p/Release/pa_kernels.node: not built (no such file)', '/p/Debug/pa_kernels.node: not built (no such file)'];
const notice =
  'partitioned-arrays: native kernels unavailable (/p/Release/pa_kernels.node: not built (no such file); ' +
  '/p/Debug/pa_kernels.node: not built (no such file)); using JavaScript kernels (3-5x slower). ' +
  'Run `npx partitioned-arrays doctor`. (PA_KERNELS=js or PA_QUIET=1 silences this.)\n';

describe('fallbackNotice', () => {
  it('gives the reasons, the cost and the command to run, in the main thread', () => {
    expect(fallbackNotice({}, reasons, true)).toBe(notice);
    expect(fallbackNotice({ OMPI_COMM_WORLD_RANK: '0' }, reasons, true)).toBe(notice);
  });

  it('is silent with PA_QUIET, in a worker thread, and on MPI ranks other than 0', () => {
    expect(fallbackNotice({ PA_QUIET: '1' }, reasons, true)).toBeUndefined();
    expect(fallbackNotice({ PA_QUIET: 'true' }, reasons, true)).toBeUndefined();
    expect(fallbackNotice({}, reasons, false)).toBeUndefined();
    expect(fallbackNotice({ OMPI_COMM_WORLD_RANK: '1' }, reasons, true)).toBeUndefined();
    expect(fallbackNotice({ PMI_RANK: '3' }, reasons, true)).toBeUndefined();
  });

  it('selectKernels reports a fallback (with the loader reasons) only when the addon failed to load', () => {
    const calls: (readonly string[])[] = [];
    const missing = (): never => {
      throw new BackendUnavailableError('The native kernels are unavailable', reasons, []);
    };
    expect(selectKernels({}, missing, (r) => calls.push(r))).toBe(jsKernels);
    expect(calls).toEqual([reasons]);
    expect(selectKernels({ PA_KERNELS: 'js' }, missing, (r) => calls.push(r))).toBe(jsKernels);
    const native = { ...jsKernels, kind: 'native' as const };
    expect(selectKernels({}, () => native, (r) => calls.push(r))).toBe(native);
    expect(calls).toHaveLength(1);
  });
});

describe('a run without the native kernels', () => {
  let pkg: string;
  let driver: string;
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !['PA_KERNELS', 'PA_QUIET', 'PA_REQUIRE_NATIVE', 'CI'].includes(key)),
    ),
    ...extra,
  });
  function run(cli: string, extra: Record<string, string>, np = '3'): { status: number | null; stdout: string; stderr: string } {
    const { status, stdout, stderr } = spawnSync(process.execPath, [cli, 'run', '--backend', 'threads', '--np', np, driver], {
      encoding: 'utf8',
      timeout: 60_000,
      env: env(extra),
    });
    return { status, stdout, stderr };
  }

  beforeAll(() => {
    pkg = mkdtempSync(join(tmpdir(), 'pa-notice-'));
    cpSync(join(root, 'dist/src'), join(pkg, 'dist/src'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'partitioned-arrays', version: '0.0.0', type: 'module' }));
    // Every part uses the kernels (the workers choose theirs too) and reports which it got.
    driver = join(pkg, 'driver.js');
    writeFileSync(
      driver,
      "import { kernelKind } from './dist/src/kernels/select-kernels.js';\n" +
        "export default (ranks) => ranks.forEach((p) => console.log(`part ${p}: ${kernelKind}`));\n",
    );
  });
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));

  it('says so once on stderr for a Threads run of 3 parts (the main thread speaks, workers stay silent)', () => {
    const dir = join(pkg, 'native/kernels/build');
    const { status, stdout, stderr } = run(join(pkg, 'dist/src/run/cli.js'), {});
    expect(status).toBe(0);
    expect(stdout.trim().split('\n').sort()).toEqual(['part 0: js', 'part 1: js', 'part 2: js']);
    expect(stderr).toBe(
      `partitioned-arrays: native kernels unavailable (${dir}/Release/pa_kernels.node: not built (no such file); ` +
        `${dir}/Debug/pa_kernels.node: not built (no such file)); using JavaScript kernels (3-5x slower). ` +
        'Run `npx partitioned-arrays doctor`. (PA_KERNELS=js or PA_QUIET=1 silences this.)\n',
    );
  });

  it('says so once when a program imports the library directly', () => {
    const { status, stderr } = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(join(pkg, 'dist/src/index.js'))});`], {
      encoding: 'utf8',
      env: env({}),
    });
    expect(status).toBe(0);
    expect(stderr.match(/native kernels unavailable/g)).toHaveLength(1);
  });

  it('is silent with PA_QUIET=1 and with PA_KERNELS=js', () => {
    const silencers: Record<string, string>[] = [{ PA_QUIET: '1' }, { PA_KERNELS: 'js' }];
    for (const extra of silencers) {
      const { status, stdout, stderr } = run(join(pkg, 'dist/src/run/cli.js'), extra, '2');
      expect(status).toBe(0);
      expect(stdout.trim().split('\n').sort()).toEqual(['part 0: js', 'part 1: js']);
      expect(stderr).toBe('');
    }
  });

  it('prints nothing when the native kernels load (the repository build)', () => {
    const repoDriver = join(root, 'dist/test/fixtures/threads/hello.js');
    const { status, stderr } = spawnSync(process.execPath, [join(root, 'dist/src/run/cli.js'), 'run', '--backend', 'threads', '--np', '2', repoDriver], {
      encoding: 'utf8',
      timeout: 60_000,
      env: env({}),
    });
    expect(status).toBe(0);
    expect(stderr).toBe('');
  });
});
