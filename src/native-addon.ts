/**
 * Finding and loading the package's native addons (MPI, kernels, BLAS) with one diagnosis: every
 * path tried and why it failed, then the fixes, in a BackendUnavailableError.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BackendUnavailableError, InvalidArgumentError } from './errors.js';
import { describeValue, expectFunction, isStringArray } from './argument-checks.js';

/** The package's root directory: the nearest ancestor of this file holding a package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/**
 * The command that (re)builds the addons, as the fixes of every loader spell it: in a clone of the
 * repository the package script, and in a package installed as a dependency (whose scripts cannot
 * be run from the user's project) the CLI's `build` command.
 * @example `BUILD_ADDONS_COMMAND // 'npx partitioned-arrays build' under node_modules`
 */
export const BUILD_ADDONS_COMMAND =
  basename(dirname(packageRoot())) === 'node_modules' ? 'npx partitioned-arrays build' : 'npm run build:native';

/**
 * Where `npm run build:native` puts the addon `native/<dir>/build/<config>/<file>` (release
 * first, then a debug build), as absolute paths.
 * @example `addonPaths('kernels', 'pa_kernels.node')`
 */
export function addonPaths(dir: string, file: string): string[] {
  const root = packageRoot();
  return ['Release', 'Debug'].map((config) => join(root, 'native', dir, 'build', config, file));
}

/** Node's `require`, which is how `.node` files are loaded from ESM. */
export const requireNative: (path: string) => unknown = createRequire(import.meta.url);

/** What {@link loadAddon} needs to know about one addon. */
export interface AddonSpec {
  /** Paths to try, in order. */
  readonly paths: readonly string[];
  /** How a path is loaded (tests inject a fake). */
  readonly load: (path: string) => unknown;
  /** Functions the module must export to be taken for this addon. */
  readonly required: readonly string[];
  /** Its name in reasons: `not the <what> (missing ...)`. */
  readonly what: string;
  /** The error's first line, e.g. `The MPI backend is unavailable`. */
  readonly summary: string;
  /** What the user can do, in order. */
  readonly fixes: readonly string[];
}

/**
 * Loads the first path of `spec.paths` that exists, loads, and exports every required function.
 * @throws BackendUnavailableError with `spec.summary`, one reason per path (not built; failed to
 * load, with the loader's first line; not the addon, with the missing functions) and the fixes;
 * InvalidArgumentError when `spec.paths` is not an array of strings or `spec.load` not a function
 * (a caller's `paths` and `load` arrive here unchecked).
 */
export function loadAddon<T>(spec: AddonSpec): T {
  if (!isStringArray(spec.paths)) {
    throw new InvalidArgumentError(`load the ${spec.what}: paths must be an array of file paths, got ${describeValue(spec.paths)}`);
  }
  expectFunction(spec.load, `load the ${spec.what}: load`);
  const reasons: string[] = [];
  for (const path of spec.paths) {
    if (!existsSync(path)) {
      reasons.push(`${path}: not built (no such file)`);
      continue;
    }
    let loaded: unknown;
    try {
      loaded = spec.load(path);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      reasons.push(`${path}: failed to load: ${text.split('\n')[0]}`);
      continue;
    }
    const missing = spec.required.filter(
      (name) => typeof (loaded as Record<string, unknown> | null)?.[name] !== 'function',
    );
    if (missing.length > 0) {
      reasons.push(`${path}: not the ${spec.what} (missing ${missing.join(', ')})`);
      continue;
    }
    return loaded as T;
  }
  if (spec.paths.length === 0) reasons.push('no addon path to try');
  throw new BackendUnavailableError(spec.summary, reasons, spec.fixes);
}
