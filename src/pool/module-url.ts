/**
 * Where a task or driver module is: a path (resolved against the current directory) or a URL.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';

/**
 * The URL of the module `specifier` names: a `URL`, a string with a scheme (`file:`, `data:`),
 * or a path resolved against the current directory.
 * @throws InvalidArgumentError when `specifier` is neither, or names a file that does not exist.
 */
export function moduleUrl(specifier: unknown, what: string): string {
  let url: URL;
  if (specifier instanceof URL) {
    url = specifier;
  } else if (typeof specifier === 'string' && specifier.length > 0) {
    url = /^[a-z][a-z0-9+.-]+:/i.test(specifier) ? new URL(specifier) : pathToFileURL(resolve(specifier));
  } else {
    throw new InvalidArgumentError(`${what} must be a path or URL of a JavaScript module, got ${describeValue(specifier)}`);
  }
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
    throw new InvalidArgumentError(
      `${what}: ${fileURLToPath(url)} does not exist (a TypeScript module must be compiled first: workers load JavaScript)`,
    );
  }
  return url.href;
}
