/**
 * `partitioned-arrays build`: builds the native addons of the installed package, in place, by
 * running the package's own `scripts/build-native.mjs` from the package root (what `npm install`
 * ran, and what a downstream project cannot reach as an npm script).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError } from '../errors.js';

/**
 * The root of the package this file belongs to: three levels above the compiled
 * `dist/src/run/build-addons.js`.
 *
 * @example `join(packageRootOfCli(), 'scripts', 'build-native.mjs')`
 */
export function packageRootOfCli(): string {
  return dirname(dirname(dirname(dirname(fileURLToPath(import.meta.url)))));
}

/**
 * Runs `<root>/scripts/build-native.mjs` with this Node in `root`, its output going to this
 * process's stdout and stderr, and returns its exit status (0 when it built what it could; the
 * script says per addon what it built or why not).
 *
 * @throws BackendUnavailableError when the package has no build script (a broken installation).
 * @example
 * ```ts
 * process.exitCode = buildAddons(packageRootOfCli());
 * ```
 */
export function buildAddons(root: string): number {
  const script = join(root, 'scripts', 'build-native.mjs');
  if (!existsSync(script)) {
    throw new BackendUnavailableError(
      'Cannot build the native addons: the package has no build script',
      [`${script}: no such file`],
      ['reinstall the package: npm install partitioned-arrays'],
    );
  }
  const result = spawnSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
  if (result.error !== undefined) throw result.error;
  return result.status ?? 1;
}
