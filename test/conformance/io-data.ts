/**
 * Shared data of the IO conformance cases (test/conformance/io.ts) and the test that writes the
 * files read on other part counts (test/io.test.ts): a non-symmetric matrix and a vector with
 * special values on a 5×4 grid, written in every format, and the checks of what is read back.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { centralize, gather, getAny, pmap, pvector, type PData, type PRange, type PVector } from '../../src/index.js';
import { laplacianFdm } from '../../src/gallery/laplacian-fdm.js';
import { uniformPartition } from '../../src/partitions/partitions.js';
import { PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import { psparse } from '../../src/sparse/psparse.js';
import { readBinary, writeBinary } from '../../src/io/flat-binary.js';
import { readHdf5, writeHdf5 } from '../../src/io/hdf5.js';
import { readMatrixMarket, writeMatrixMarket } from '../../src/io/matrix-market.js';
import { readPetscBinary, writePetscBinary } from '../../src/io/petsc-binary.js';

/** The grid: 5 × 4 nodes, 20 rows. */
export const GRID = [5, 4];

/** Entry (i, j) of the non-symmetric sample matrix, from the Laplacian's value there. */
const sampleValue = (i: number, j: number, laplacian: number): number => laplacian + (i - j) / 8 + 1 / 3;

/** Entry g of the sample vector: irrational values, a NaN, a tiny and a huge number. */
export function vectorValue(g: number): number {
  if (g === 3) return NaN;
  if (g === 4) return 1e-300;
  if (g === 7) return -1.7976931348623157e308;
  return 10 * Math.sin(g) + g / 3;
}

/** The 5×4 Laplacian (symmetric) or the sample matrix, rows split along `partsPerDir`. */
export function sampleMatrix(ranks: PData<number>, partsPerDir: number[], symmetric: boolean): PSparseMatrix {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, GRID, partsPerDir);
  const W = symmetric ? V : pmap((i: Float64Array, j: Float64Array, v: Float64Array) => v.map((x, k) => sampleValue(i[k], j[k], x)), I, J, V);
  return psparse(I, J, W, rows, cols).wait();
}

/** The sample vector on `rows` (ghosts included). */
export function sampleVector(rows: PRange): PVector {
  return pvector(rows, (ids) => Array.from(ids.localToGlobal, vectorValue));
}

/** Rows of the grid split along the first direction: each part's own rows are not contiguous. */
export function boxRows(ranks: PData<number>): PRange {
  return uniformPartition(ranks, [ranks.np, 1], GRID);
}

/** Writes the samples in every format into `dir` (collective). */
export function writeSamples(ranks: PData<number>, dir: string): void {
  const parts = [ranks.np, 1];
  const A = sampleMatrix(ranks, parts, false);
  const L = sampleMatrix(ranks, parts, true);
  const v = sampleVector(A.rows);
  writeMatrixMarket(join(dir, 'A.mtx'), A, { comment: ' the sample matrix' });
  writeMatrixMarket(join(dir, 'L.mtx'), L, { symmetry: 'symmetric' });
  writeMatrixMarket(join(dir, 'v.mtx'), v);
  writePetscBinary(join(dir, 'A.petsc'), A);
  writePetscBinary(join(dir, 'v.petsc'), v);
  writeBinary(join(dir, 'v.f64'), v);
  writeHdf5(join(dir, 'v.h5'), 'fields/v', v);
  writeHdf5(join(dir, 'v.h5'), 'again', v, { mode: 'a' });
}

function sameCsr(actual: PSparseMatrix, expected: PSparseMatrix, what: string): void {
  const a = centralize(actual);
  const e = centralize(expected);
  assert.deepEqual(Array.from(a.rowPtr), Array.from(e.rowPtr), `${what}: row pointers`);
  assert.deepEqual(Array.from(a.colIdx), Array.from(e.colIdx), `${what}: column ids`);
  assert.deepEqual(Array.from(a.values), Array.from(e.values), `${what}: values`);
}

/** Checks that `v` holds the sample vector on `rows`, ghosts included. */
export function checkSampleVector(v: PVector, rows: PRange, what: string): void {
  assert.equal(v.rows, rows, `${what}: read onto the requested rows`);
  const wrong = pmap(
    (ids, values: Float64Array) => ids.localToGlobal.filter((g, lid) => !Object.is(values[lid], vectorValue(g))).length,
    rows.partition,
    v.values,
  );
  assert.deepEqual(getAny(gather(wrong, { destination: 'all' })), new Array(rows.np).fill(0), `${what}: wrong entries per part`);
}

/** Reads every sample in `dir` with the default rows and onto `boxRows`, and checks them (collective). */
export function checkSamples(ranks: PData<number>, dir: string): void {
  const parts = [ranks.np, 1];
  const A = sampleMatrix(ranks, parts, false);
  const L = sampleMatrix(ranks, parts, true);
  for (const rows of [undefined, boxRows(ranks)]) {
    const how = rows === undefined ? 'default rows' : 'box rows';
    for (const [file, expected] of [['A.mtx', A], ['L.mtx', L], ['A.petsc', A]] as const) {
      const read = file.endsWith('.mtx') ? readMatrixMarket(join(dir, file), ranks, { rows }) : readPetscBinary(join(dir, file), ranks, { rows });
      assert.ok(read instanceof PSparseMatrix, `${file} is a matrix`);
      if (rows !== undefined) assert.equal(read.rows, rows, `${file}: read onto the requested rows`);
      sameCsr(read, expected, `${file} (${how})`);
    }
    const target = rows ?? uniformPartition(ranks, 20);
    const vectors: [string, () => PVector][] = [
      ['v.mtx', () => readMatrixMarket(join(dir, 'v.mtx'), ranks, { rows: target }) as PVector],
      ['v.petsc', () => readPetscBinary(join(dir, 'v.petsc'), ranks, { rows: target }) as PVector],
      ['v.f64', () => readBinary(join(dir, 'v.f64'), ranks, { rows: target })],
      ['v.h5 fields/v', () => readHdf5(join(dir, 'v.h5'), 'fields/v', ranks, { rows: target })],
      ['v.h5 again', () => readHdf5(join(dir, 'v.h5'), 'again', ranks, { rows: target })],
    ];
    for (const [what, read] of vectors) checkSampleVector(read(), target, `${what} (${how})`);
  }
  const defaults = readBinary(join(dir, 'v.f64'), ranks);
  assert.equal(defaults.rows.n, 20);
  assert.deepEqual(
    readdirSync(dir).filter((f) => f.includes('.partial')),
    [],
    'no temporary file is left behind',
  );
}
