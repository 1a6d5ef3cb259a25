/**
 * Parallel IO round trips on every backend: each case writes or reads Matrix Market, PETSc binary,
 * flat binary and HDF5 files and checks every value. `PA_IO_DIR` (set by test/io.test.ts) holds
 * the files a 2-part run wrote, read here on every part count.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, gather, getAny, parray, type PData } from '../../src/index.js';
import { readBinary } from '../../src/io/flat-binary.js';
import { readHdf5, writeHdf5 } from '../../src/io/hdf5.js';
import { readMatrixMarket } from '../../src/io/matrix-market.js';
import { writeVtk } from '../../src/io/vtk.js';
import { onParts } from './case.js';
import { boxRows, checkSamples, GRID, sampleVector, vectorValue, writeSamples } from './io-data.js';

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
  checkVtk(ranks, dir);
}

/** The VTK pieces of the sample vector: one per part, sharing their boundary nodes, and the header. */
function checkVtk(ranks: PData<number>, dir: string): void {
  const u = sampleVector(boxRows(ranks));
  writeVtk(join(dir, 'sample.pvtr'), { nodesPerDir: GRID, partsPerDir: [ranks.np, 1] }, { u, twice: u });
  const header = readFileSync(join(dir, 'sample.pvtr'), 'utf8');
  assert.match(header, /WholeExtent="0 4 0 3 0 0"/);
  const sources = [...header.matchAll(/<Piece Extent="(\d+) (\d+) 0 3 0 0" Source="(sample_\d+\.vtr)"\/>/g)];
  assert.equal(sources.length, ranks.np, 'one piece per part');
  let covered = 0;
  for (const [, lo, hi, source] of sources) {
    assert.equal(Number(lo), covered === 0 ? 0 : covered - 1, 'pieces share their boundary nodes');
    covered = Number(hi) + 1;
    const piece = readFileSync(join(dir, source), 'utf8');
    const values = /Name="u" format="ascii">([^<]*)</.exec(piece)?.[1].split(' ').map(Number) ?? [];
    const expected: number[] = [];
    for (let j = 0; j <= 3; j++) for (let i = Number(lo); i <= Number(hi); i++) expected.push(vectorValue(i + 5 * j));
    assert.deepEqual(values, expected, source);
  }
  assert.equal(covered, 5);
}

/** Reads the files a Sequential run on 2 parts wrote (another part count, another run). */
export function readsFilesWrittenByTwoParts(ranks: PData<number>): void {
  checkSamples(ranks, join(ioDir(), 'written-by-2'));
}

/**
 * A bad line only the last part parses, and a truncated binary file: every part throws the same
 * FileFormatError (none is left waiting in a collective).
 */
export const malformedFileFailsOnEveryPart = onParts([2], (ranks: PData<number>): void => {
  const dir = join(ioDir(), `malformed-${ranks.backend.kind}`);
  const entries = Array.from({ length: 40 }, (_, k) => (k === 38 ? '3 9 1' : `${(k % 10) + 1} ${Math.floor(k / 10) + 1} ${k}`));
  ranks.forEach((p) => {
    if (p !== 0) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad.mtx'), `%%MatrixMarket matrix coordinate real general\n10 4 40\n${entries.join('\n')}\n`);
    writeFileSync(join(dir, 'short.f64'), new Uint8Array(8 * 5 - 1));
    writeFileSync(join(dir, 'short.f64.json'), JSON.stringify({ dtype: 'float64', byteOrder: 'little', shape: [5] }));
  });
  getAny(gather(ranks, { destination: 'all' })); // the files exist before anyone reads
  assert.throws(
    () => readMatrixMarket(join(dir, 'bad.mtx'), ranks),
    (e: unknown) => e instanceof FileFormatError && e.line === 41 && /column id 9 is out of range 1..4/.test(e.message),
  );
  assert.throws(
    () => readBinary(join(dir, 'short.f64'), ranks),
    (e: unknown) => e instanceof FileFormatError && e.offset === 39 && /truncated/.test(e.message),
  );
});

/** A 2-D PArray (default grid) through HDF5: written, read back on row blocks and on another grid. */
export function parrayThroughHdf5(ranks: PData<number>): void {
  const dir = join(ioDir(), `parray-${ranks.backend.kind}-${ranks.np}`);
  mkdirSync(dir, { recursive: true });
  const value = (i: number, j: number): number => 10 * i + j + 0.25;
  const a = parray(ranks, [6, 4], { init: ([i, j]) => value(i, j) });
  writeHdf5(join(dir, 'a.h5'), 'a', a);
  const expected = Float64Array.from({ length: 24 }, (_, f) => value(f % 6, Math.floor(f / 6)));
  for (const grid of [[ranks.np, 1], [1, ranks.np]]) {
    const back = readHdf5(join(dir, 'a.h5'), 'a', ranks, { grid });
    assert.deepEqual(back.shape, [6, 4]);
    assert.deepEqual(back.grid, grid);
    assert.deepEqual(back.getBlock([[0, 6], [0, 4]]), expected, `grid [${grid}]`);
  }
}
