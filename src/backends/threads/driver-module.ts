/**
 * Loading a driver module, the program a run executes as `main(ranks)`: in each worker of a
 * Threads run, and in the process itself for the `pa` command's other backends, so that a driver
 * that cannot run gives the same typed error, word for word, whatever the backend.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../../errors.js';

/** The error for a driver module that does not exist, `path` being its absolute file path. */
export function driverNotFound(path: string): InvalidArgumentError {
  return new InvalidArgumentError(`driver module not found: ${path}`);
}

function notJavaScript(path: string, cause: unknown): InvalidArgumentError {
  const ext = extname(path);
  return new InvalidArgumentError(
    `driver module ${path} cannot be loaded: the driver must be JavaScript, and Node.js does not know the extension '${ext}'; ` +
      `compile it (for example with tsc) and give the .js file, or start node with a loader for '${ext}' files (for example node --import tsx)`,
    { cause },
  );
}

/** What {@link loadDriver} found: the driver function, or why the module cannot be run. */
export type LoadedDriver =
  | { readonly main: (ranks: never) => unknown; readonly problem?: undefined }
  | { readonly main?: undefined; readonly problem: InvalidArgumentError };

/**
 * Imports the driver module at `url` and finds its export `exportName` (`'default'` for the
 * default export), the driver function. The problem, when there is one, is an
 * InvalidArgumentError saying that the module does not exist, is not JavaScript that Node.js (or
 * a loader given to node) can load, lacks the export, or that the export is not a function.
 * @throws whatever importing the module threw otherwise (its top level threw, one of its imports
 * is missing), as it is.
 * @example
 * ```ts
 * const { main, problem } = await loadDriver(pathToFileURL('dist/driver.js').href, 'default');
 * if (problem) throw problem;
 * ```
 */
export async function loadDriver(url: string, exportName: string): Promise<LoadedDriver> {
  const path = url.startsWith('file:') ? fileURLToPath(url) : undefined;
  if (path !== undefined && !existsSync(path)) return { problem: driverNotFound(path) };
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    // Only when the driver itself is the file of unknown type, not one of its imports.
    if (path !== undefined && code === 'ERR_UNKNOWN_FILE_EXTENSION' && (error as Error).message.includes(path)) {
      return { problem: notJavaScript(path, error) };
    }
    throw error;
  }
  const main = module[exportName];
  if (typeof main === 'function') return { main: main as (ranks: never) => unknown };
  const what = exportName === 'default' ? 'default export' : `export '${exportName}'`;
  if (!(exportName in module)) {
    const names = Object.keys(module);
    const list = names.length === 0 ? 'nothing' : names.join(', ');
    return { problem: new InvalidArgumentError(`driver module ${url} has no ${what} (its exports: ${list})`) };
  }
  return {
    problem: new InvalidArgumentError(
      `driver module ${url}: its ${what} must be the driver function main(ranks), but it is a ${typeof main}`,
    ),
  };
}
