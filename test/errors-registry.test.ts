/**
 * The registry of error classes (errors.ts) lists every class of the PartitionedArraysError family
 * the package exports, under its own name, so that the Threads backend revives each of them.
 */
import { describe, expect, it } from 'vitest';
import * as errorsModule from '../src/errors.js';
import * as pkg from '../src/index.js';
import { ERROR_CLASSES, PartitionedArraysError } from '../src/errors.js';

function errorClassesIn(module: Record<string, unknown>): Set<unknown> {
  return new Set(
    Object.values(module).filter(
      (value) =>
        typeof value === 'function' &&
        (value === PartitionedArraysError || value.prototype instanceof PartitionedArraysError),
    ),
  );
}

describe('ERROR_CLASSES', () => {
  it('holds every PartitionedArraysError class exported by the package and by errors.ts, nothing else', () => {
    const registered = new Set(Object.values(ERROR_CLASSES));
    expect(registered).toEqual(errorClassesIn(pkg));
    expect(registered).toEqual(errorClassesIn(errorsModule));
    expect(registered.size).toBe(Object.keys(ERROR_CLASSES).length);
  });

  it('keys each class by its name and is frozen', () => {
    for (const [name, Class] of Object.entries(ERROR_CLASSES)) expect(Class.name).toBe(name);
    expect(Object.isFrozen(ERROR_CLASSES)).toBe(true);
  });
});
