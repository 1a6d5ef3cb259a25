import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { withSequential } from '../src/index.js';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/io.js';
import { writeSamples } from './conformance/io-data.js';

// Every run (threads, MPI processes) finds the files through the environment it inherits.
const dir = mkdtempSync(join(tmpdir(), 'pa-io-'));
process.env.PA_IO_DIR = dir;

beforeAll(async () => {
  mkdirSync(join(dir, 'written-by-2'));
  await withSequential(2, (ranks) => writeSamples(ranks, join(dir, 'written-by-2')));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

conformanceSuite('io', cases);
