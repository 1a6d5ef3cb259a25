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

/** A module's URL, and its file's path for a `file:` URL. */
interface Location {
  readonly href: string;
  readonly path: string | undefined;
}

/**
 * Locations of string specifiers already seen, by current directory and specifier: turning a path
 * into a URL and back takes about 100 µs, as long as the round trip of a small map or an empty
 * cluster run.
 */
const known = new Map<string, Location>();
/** Entries {@link known} holds at most (it starts again empty beyond). */
const KNOWN_LIMIT = 256;

function locate(url: URL): Location {
  return { href: url.href, path: url.protocol === 'file:' ? fileURLToPath(url) : undefined };
}

function stringLocation(specifier: string): Location {
  const key = `${process.cwd()}\n${specifier}`;
  let location = known.get(key);
  if (location === undefined) {
    location = locate(/^[a-z][a-z0-9+.-]+:/i.test(specifier) ? new URL(specifier) : pathToFileURL(resolve(specifier)));
    if (known.size >= KNOWN_LIMIT) known.clear();
    known.set(key, location);
  }
  return location;
}

/**
 * The URL of the module `specifier` names: a `URL`, a string with a scheme (`file:`, `data:`),
 * or a path resolved against the current directory.
 * @throws InvalidArgumentError when `specifier` is neither, or names a file that does not exist
 * (checked at every call).
 */
export function moduleUrl(specifier: unknown, what: string): string {
  let location: Location;
  if (specifier instanceof URL) {
    location = locate(specifier);
  } else if (typeof specifier === 'string' && specifier.length > 0) {
    location = stringLocation(specifier);
  } else {
    throw new InvalidArgumentError(`${what} must be a path or URL of a JavaScript module, got ${describeValue(specifier)}`);
  }
  if (location.path !== undefined && !existsSync(location.path)) {
    throw new InvalidArgumentError(
      `${what}: ${location.path} does not exist (a TypeScript module must be compiled first: workers load JavaScript)`,
    );
  }
  return location.href;
}
