/**
 * Parallel IO round trips on every backend: each case writes or reads Matrix Market, PETSc binary,
 * flat binary and HDF5 files and checks every value. `PA_IO_DIR` (set by test/io.test.ts) holds
 * the files a 2-part run wrote, read here on every part count.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PData } from '../../src/index.js';
import { checkSamples, writeSamples } from './io-data.js';

function ioDir(): string {
  const dir = process.env.PA_IO_DIR;
  if (dir === undefined || dir === '') throw new Error('PA_IO_DIR is not set (test/io.test.ts sets it)');
  return dir;
}

/** Writes every format with this part count, reads it back with default and box rows. */
export function roundTripsEveryFormat(ranks: PData<number>): void {
  const dir = join(ioDir(), `round-trip-${ranks.backend.kind}-${ranks.np}`);
  mkdirSync(dir, { recursive: true });
  writeSamples(ranks, dir);
  checkSamples(ranks, dir);
}

/** Reads the files a Sequential run on 2 parts wrote (another part count, another run). */
export function readsFilesWrittenByTwoParts(ranks: PData<number>): void {
  checkSamples(ranks, join(ioDir(), 'written-by-2'));
}
