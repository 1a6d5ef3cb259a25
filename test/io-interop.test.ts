/**
 * Our files in the real tools and theirs in ours: SciPy's mmread/mmwrite, petsc4py's Mat/Vec
 * load and view (with the CG solve of the n = 20 Poisson system on both sides), h5py. The Python
 * side is test/fixtures/io/interop.py, run with Debian's /usr/bin/python3 (where python3-scipy,
 * python3-h5py and python3-petsc4py live; .ci/run installs them). Never skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileFormatError,
  PSparseMatrix,
  PVector,
  centralize,
  cg,
  gather,
  getAny,
  norm,
  parray,
  PArray,
  pfill,
  psparse,
  withSequential,
  type PData,
} from '../src/index.js';
import { laplacianFdm } from '../src/gallery/laplacian-fdm.js';
import { readHdf5, writeHdf5 } from '../src/io/hdf5.js';
import { readMatrixMarket, writeMatrixMarket } from '../src/io/matrix-market.js';
import { readPetscBinary, writePetscBinary } from '../src/io/petsc-binary.js';
import { writeVtk } from '../src/io/vtk.js';
import { sampleMatrix, sampleVector } from './conformance/io-data.js';

const script = fileURLToPath(new URL('./fixtures/io/interop.py', import.meta.url));
const PETSC4PY = '/usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-real/lib/python3/dist-packages';

/** Runs one subcommand of interop.py and returns its JSON answer. */
function python(...args: string[]): Record<string, unknown> {
  const run = spawnSync('/usr/bin/python3', [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: [PETSC4PY, process.env.PYTHONPATH].filter(Boolean).join(':') },
  });
  if (run.status !== 0) throw new Error(`interop.py ${args.join(' ')} failed (${run.status ?? run.signal ?? run.error?.message}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
}

/** Python's repr() of a float as the number. */
const num = (text: string): number => (text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));
const nums = (list: unknown): number[] => (list as string[]).map(num);

/** Own values of `v` in global order (gathered; the vector's rows are the default uniform ones). */
function globalValues(v: PVector): number[] {
  return getAny(gather(v.ownValues().map((own) => Array.from(own)), { destination: 'all' })).flat();
}

interface Csr {
  shape?: number[];
  size?: number[];
  indptr: number[];
  indices: number[];
  data: string[];
}

function expectSameCsr(A: PSparseMatrix, theirs: Csr): void {
  const ours = centralize(A);
  expect(theirs.shape ?? theirs.size).toEqual([A.rows.n, A.cols.n]);
  expect(theirs.indptr).toEqual(Array.from(ours.rowPtr));
  expect(theirs.indices).toEqual(Array.from(ours.colIdx));
  expect(nums(theirs.data)).toEqual(Array.from(ours.values));
}

const dir = mkdtempSync(join(tmpdir(), 'pa-io-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Matrix Market with SciPy', () => {
  it('mmread reads our matrices and vectors, and we read what mmwrite wrote (general, symmetric, array)', async () => {
    await withSequential(3, (ranks) => {
      const A = sampleMatrix(ranks, [3, 1], false);
      const v = sampleVector(A.rows);
      writeMatrixMarket(join(dir, 'ours.mtx'), A);
      writeMatrixMarket(join(dir, 'ours-sym.mtx'), sampleMatrix(ranks, [3, 1], true), { symmetry: 'symmetric' });
      writeMatrixMarket(join(dir, 'ours-v.mtx'), v);
      const read = python('scipy-read', join(dir, 'ours.mtx')) as unknown as Csr & { kind: string };
      expect(read.kind).toBe('matrix');
      expectSameCsr(A, read);
      expectSameCsr(sampleMatrix(ranks, [3, 1], true), python('scipy-read', join(dir, 'ours-sym.mtx')) as unknown as Csr);
      const vector = python('scipy-read', join(dir, 'ours-v.mtx'));
      expect(vector.shape).toEqual([20, 1]);
      expect(nums(vector.values)).toEqual(globalValues(readMatrixMarket(join(dir, 'ours-v.mtx'), ranks) as PVector));
    });
    const written = python('scipy-write', dir) as unknown as { A: Csr; S: Csr; v: string[] };
    await withSequential(2, (ranks) => {
      const A = readMatrixMarket(join(dir, 'scipy.mtx'), ranks);
      const S = readMatrixMarket(join(dir, 'scipy-sym.mtx'), ranks);
      const v = readMatrixMarket(join(dir, 'scipy-v.mtx'), ranks);
      expect(A).toBeInstanceOf(PSparseMatrix);
      expect(S).toBeInstanceOf(PSparseMatrix);
      expect(v).toBeInstanceOf(PVector);
      expectSameCsr(A as PSparseMatrix, written.A);
      expectSameCsr(S as PSparseMatrix, written.S);
      expect(globalValues(v as PVector)).toEqual(nums(written.v));
    });
  });
});

/** The n = 20 Poisson system of the anchors (3-D, 8000 unknowns), b = 1. */
function poisson(ranks: PData<number>): { A: PSparseMatrix; b: PVector } {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [20, 20, 20], [1, 1, ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  return { A, b: pfill(1, A.rows) };
}

describe('PETSc binary with petsc4py', () => {
  it('petsc4py loads our matrix and vector and CG agrees; we load theirs and CG agrees', async () => {
    await withSequential(2, (ranks) => {
      const { A, b } = poisson(ranks);
      writePetscBinary(join(dir, 'ours-A.petsc'), A);
      writePetscBinary(join(dir, 'ours-b.petsc'), b);
      const theirs = python('petsc-solve', join(dir, 'ours-A.petsc'), join(dir, 'ours-b.petsc')) as unknown as Csr & {
        b: string[];
        iterations: number;
        norm: string;
        reason: number;
      };
      expectSameCsr(A, theirs);
      expect(nums(theirs.b)).toEqual(new Array(8000).fill(1));
      const ours = cg(A, b, { preconditioner: 'jacobi', rtol: 1e-8 });
      expect(theirs.reason).toBeGreaterThan(0);
      expect(ours.iterations).toBe(theirs.iterations);
      expect(norm(ours.x)).toBeCloseTo(num(theirs.norm), 6);
    });
    const solved = python('petsc-write', dir, '20') as { iterations: number; norm: string };
    await withSequential(3, (ranks) => {
      const A = readPetscBinary(join(dir, 'petsc-A.petsc'), ranks);
      const b = readPetscBinary(join(dir, 'petsc-b.petsc'), ranks, { rows: (A as PSparseMatrix).rows });
      expect(A).toBeInstanceOf(PSparseMatrix);
      expect(b).toBeInstanceOf(PVector);
      const expected = centralize(poisson(ranks).A);
      const read = centralize(A as PSparseMatrix);
      expect(Array.from(read.rowPtr)).toEqual(Array.from(expected.rowPtr));
      expect(Array.from(read.colIdx)).toEqual(Array.from(expected.colIdx));
      expect(Array.from(read.values)).toEqual(Array.from(expected.values));
      const ours = cg(A as PSparseMatrix, b as PVector, { preconditioner: 'jacobi', rtol: 1e-8 });
      expect(ours.iterations).toBe(solved.iterations);
      expect(norm(ours.x)).toBeCloseTo(num(solved.norm), 6);
    });
  });
});

describe('HDF5 with h5py', () => {
  it('h5py reads our dataset and its partition attribute; we read h5py datasets (contiguous, chunked gzip float32, int32)', async () => {
    const path = join(dir, 'ours.h5');
    let expected: number[] = [];
    await withSequential(3, (ranks) => {
      const v = sampleVector(sampleMatrix(ranks, [3, 1], false).rows);
      writeHdf5(path, 'results/u', v);
      expected = globalValues(readHdf5(path, 'results/u', ranks));
    });
    const read = python('h5py-read', path, 'results/u');
    expect(read.shape).toEqual([20]);
    expect(read.dtype).toBe('float64');
    expect(nums(read.values)).toEqual(expected);
    expect(nums(read.values)[3]).toBeNaN();
    expect((read.attrs as Record<string, number[]>).partition_row_starts).toEqual([0, 6, 13, 20]);

    const theirs = join(dir, 'h5py.h5');
    const written = python('h5py-write', theirs) as Record<string, string[]>;
    await withSequential(2, (ranks) => {
      expect(globalValues(readHdf5(theirs, 'x', ranks))).toEqual(nums(written.x));
      expect(globalValues(readHdf5(theirs, 'group/y', ranks))).toEqual(nums(written.y));
      expect(globalValues(readHdf5(theirs, 'z', ranks))).toEqual(nums(written.z));
      expect(() => readHdf5(theirs, 'missing', ranks)).toThrow(FileFormatError);
      // h5py's C-order arrays as PArrays of the same shape (element (i, j) = 1.5 (4 i + j)); chunked, then contiguous
      const matrix = readHdf5(theirs, 'matrix', ranks, { grid: [1, 2] });
      expect(matrix).toBeInstanceOf(PArray);
      expect(matrix.shape).toEqual([3, 4]);
      expect(Array.from(matrix.getBlock([[0, 3], [0, 4]]))).toEqual(Array.from({ length: 12 }, (_, f) => 1.5 * (4 * (f % 3) + Math.floor(f / 3))));
      expect(() => readHdf5(theirs, 'cube', ranks)).toThrow(/give grid or dist/);
      const cube = readHdf5(theirs, 'cube', ranks, { grid: [2, 1, 1] });
      expect(cube.shape).toEqual([5, 3, 4]);
      expect(cube.getBlock([[4, 5], [2, 3], [1, 4]])[1]).toBe(12 * 4 + 4 * 2 + 2 - 7);
    });
    // a PArray split along its second dimension, written by 3 parts: h5py sees its shape and C-order values
    const arrayPath = join(dir, 'parray.h5');
    await withSequential(3, (ranks) => {
      const a = parray(ranks, [4, 3, 2], { grid: [1, 3, 1], init: ([i, j, k]) => 100 * i + 10 * j + k + 0.5 });
      writeHdf5(arrayPath, 'a', a);
    });
    const array = python('h5py-read', arrayPath, 'a');
    expect(array.shape).toEqual([4, 3, 2]);
    const cOrder: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) cOrder.push(100 * i + 10 * j + k + 0.5);
    expect(nums(array.values)).toEqual(cOrder);
    await withSequential(2, (ranks) => {
      const back = readHdf5(arrayPath, 'a', ranks, { grid: [2, 1, 1] });
      expect(back.getBlock([[3, 4], [2, 3], [0, 2]])).toEqual(Float64Array.of(320.5, 321.5));
    });
  });
});

describe('VTK with Python XML', () => {
  it('the .pvtr and its pieces parse as XML with the whole extent, one piece per part and every value', async () => {
    const path = join(dir, 'not-yet-there', 'grid.pvtr'); // writeVtk creates the directory
    await withSequential(3, (ranks) => {
      const u = sampleVector(sampleMatrix(ranks, [3, 1], false).rows);
      writeVtk(path, { nodesPerDir: [5, 4], partsPerDir: [3, 1] }, { u });
    });
    const parsed = python('pvtr', path) as {
      type: string;
      wholeExtent: string;
      pointData: string[];
      pieces: { extent: string; pieceExtent: string; arrays: Record<string, number> }[];
    };
    expect(parsed.type).toBe('PRectilinearGrid');
    expect(parsed.wholeExtent).toBe('0 4 0 3 0 0');
    expect(parsed.pointData).toEqual(['u']);
    // parts own x = 0..0, 1..2, 3..4 (5 nodes over 3 parts); each piece reaches its upper neighbour's first node
    expect(parsed.pieces.map((p) => p.extent)).toEqual(['0 1 0 3 0 0', '1 3 0 3 0 0', '3 4 0 3 0 0']);
    expect(parsed.pieces.map((p) => p.pieceExtent)).toEqual(parsed.pieces.map((p) => p.extent));
    expect(parsed.pieces.map((p) => p.arrays)).toEqual([
      { u: 8, x: 2, y: 4, z: 1 },
      { u: 12, x: 3, y: 4, z: 1 },
      { u: 8, x: 2, y: 4, z: 1 },
    ]);
  });
});
