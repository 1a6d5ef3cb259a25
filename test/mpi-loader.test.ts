/** The diagnosing loader of the MPI addon: every failure listed, with the fixes, word for word. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError, MpiError } from '../src/errors.js';
import { loadMpiBinding, mpiAddonPaths } from '../src/backends/mpi/load-binding.js';
import { timeoutError } from '../src/backends/mpi/timeout.js';
import { fakeBinding } from './fixtures/mpi/fake-binding.js';

const madeDirs: string[] = [];
afterAll(() => madeDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Two files that exist (their content does not matter: the injected `load` decides). */
function existingFiles(): [string, string] {
  const dir = mkdtempSync(join(tmpdir(), 'pa-mpi-loader-'));
  madeDirs.push(dir);
  const broken = join(dir, 'broken.node');
  const other = join(dir, 'other.node');
  writeFileSync(broken, '');
  writeFileSync(other, '');
  return [broken, other];
}

describe('loadMpiBinding', () => {
  it('looks for the release build, then the debug build, under native/mpi', () => {
    const [release, debug] = mpiAddonPaths();
    expect(release.endsWith(join('native', 'mpi', 'build', 'Release', 'pa_mpi.node'))).toBe(true);
    expect(debug.endsWith(join('native', 'mpi', 'build', 'Debug', 'pa_mpi.node'))).toBe(true);
    expect(mpiAddonPaths()).toHaveLength(2);
  });

  it('lists every reason and the fixes when nothing loads', () => {
    const [broken, other] = existingFiles();
    const missing = '/nonexistent/build/Release/pa_mpi.node';
    const { allreduce: _a, createExchange: _c, ...incomplete } = fakeBinding(0, 1);
    const load = (path: string): unknown => {
      if (path === broken) throw new Error('libmpi.so.40: cannot open shared object file: No such file or directory\nRequire stack: ...');
      return incomplete;
    };
    let caught: unknown;
    try {
      loadMpiBinding([missing, broken, other], load);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BackendUnavailableError);
    const error = caught as BackendUnavailableError;
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toBe(
      [
        'The MPI backend is unavailable:',
        '  - /nonexistent/build/Release/pa_mpi.node: not built (no such file)',
        `  - ${broken}: failed to load: libmpi.so.40: cannot open shared object file: No such file or directory`,
        `  - ${other}: not the MPI addon (missing allreduce, createExchange)`,
        'To fix this:',
        '  1. install Open MPI: apt-get install -y openmpi-bin libopenmpi-dev',
        '  2. build the addon: npm run build:native',
        '  3. launch the program under mpirun: mpirun --oversubscribe -n <np> node driver.js',
      ].join('\n'),
    );
    expect(error.reasons).toHaveLength(3);
    expect(error.fixes).toHaveLength(3);
  });

  it('returns the first addon that loads, made to throw the library error classes (and timeouts as CollectiveTimeoutError)', () => {
    const [broken, good] = existingFiles();
    const fake = fakeBinding(0, 1);
    const registered: unknown[] = [];
    fake.setErrorClasses = (classes) => void registered.push(classes);
    const load = (path: string): unknown => {
      if (path === broken) throw new Error('invalid ELF header');
      return fake;
    };
    expect(loadMpiBinding([broken, good], load)).toBe(fake);
    expect(registered).toEqual([{ MpiError, InvalidArgumentError, timeoutError }]);
  });
});
