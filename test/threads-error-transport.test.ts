/**
 * Every class of the error registry thrown in a worker arrives in the main thread as an instance
 * of the same class, with its code, message, fields and cause (fixtures/threads/throw-error.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES, WorkerError } from '../src/errors.js';
import { withThreads } from '../src/run/with-threads.js';
import { sampleError } from './fixtures/threads/throw-error.js';

const driver = fileURLToPath(new URL('../dist/test/fixtures/threads/throw-error.js', import.meta.url));

/** The own properties an error carries across, `stack` and `cause` aside (checked apart). */
function fields(error: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key !== 'stack' && key !== 'cause') out[key] = Reflect.get(error, key);
  }
  return out;
}

describe('errors thrown in a worker keep their class, code, message and fields', () => {
  it.each(Object.entries(ERROR_CLASSES))('%s', async (name, Class) => {
    const error = await withThreads(2, driver, { argv: [name] }).then(
      (results) => new Error(`expected a failure, got ${JSON.stringify(results)}`),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).partId).toBe(1);
    const arrived = (error as WorkerError).cause as Error;
    const expected = sampleError(name, 1);
    expect(arrived).toBeInstanceOf(Class);
    expect(Object.getPrototypeOf(arrived)).toBe(Class.prototype);
    expect(arrived.name).toBe(name);
    expect(fields(arrived)).toEqual(fields(expected));
    expect(Object.keys(fields(arrived)).sort()).toEqual(Object.keys(fields(expected)).sort());
    expect(arrived.stack).toContain('fixtures/threads/throw-error.js');
    if (expected.cause === undefined) {
      expect(arrived.cause).toBeUndefined();
    } else {
      const cause = expected.cause as Error;
      expect(arrived.cause).toBeInstanceOf(cause.constructor as typeof Error);
      expect((arrived.cause as Error).message).toBe(cause.message);
    }
    expect((error as WorkerError).message).toBe(`part 1 failed: ${name}: ${expected.message}`);
  });
});
