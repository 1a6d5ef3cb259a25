/**
 * What every reader and writer of `src/io` checks first and how it opens its file.
 *
 * @module
 */
import { closeSync, openSync } from 'node:fs';
import { describeValue } from '../argument-checks.js';
import { InvalidArgumentError } from '../errors.js';
import type { PRange } from '../partitions/prange.js';

/**
 * Options of the readers ({@link readMatrixMarket}, {@link readPetscBinary}, {@link readBinary},
 * {@link readHdf5}).
 * @group Parallel IO and interop
 */
export interface ReadOptions {
  /**
   * The row range to read onto (its `n` must be the file's row count); default: the uniform 1-D
   * partition of the rows over the parts of `ranks`.
   */
  rows?: PRange;
  /**
   * Matrices only: the column range (its `n` must be the file's column count); default `rows`
   * for a square matrix, the uniform 1-D partition otherwise.
   */
  cols?: PRange;
}

/** Checks the `path` argument of a reader or writer. */
export function checkPath(path: unknown, what: string): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidArgumentError(`${what}: path must be a non-empty string, got ${describeValue(path)}`);
  }
}

/** Runs `f` with `path` open for reading. @throws InvalidArgumentError when it cannot be opened. */
export function withFile<T>(path: string, what: string, f: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new InvalidArgumentError(`${what}: cannot open ${path}: ${(error as Error).message}`);
  }
  try {
    return f(fd);
  } finally {
    closeSync(fd);
  }
}
