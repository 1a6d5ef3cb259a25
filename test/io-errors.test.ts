/**
 * Every malformed-file case of the readers gives a FileFormatError naming the file and the line
 * (text) or byte offset (binary), and failed writes leave nothing that looks complete.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { centralize, FileFormatError, InvalidArgumentError, PartFailedError, withSequential, type PData, type PSparseMatrix, type PVector } from '../src/index.js';
import { writeFileCollectively } from '../src/io/collective.js';
import { readBinary, writeBinary } from '../src/io/flat-binary.js';
import { readHdf5, writeHdf5 } from '../src/io/hdf5.js';
import { readMatrixMarket, writeMatrixMarket } from '../src/io/matrix-market.js';
import { readPetscBinary, writePetscBinary } from '../src/io/petsc-binary.js';
import { sampleMatrix, sampleVector } from './conformance/io-data.js';

const dir = mkdtempSync(join(tmpdir(), 'pa-io-errors-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fresh file holding `text`. */
function file(text: string | Uint8Array): string {
  const path = join(dir, `f${counter++}`);
  writeFileSync(path, text);
  return path;
}

/** Runs `read` on 2 parts and returns the FileFormatError it must throw. */
async function formatError(read: (ranks: PData<number>) => unknown): Promise<FileFormatError> {
  let caught: unknown;
  await withSequential(2, (ranks) => {
    try {
      read(ranks);
    } catch (error) {
      caught = error;
    }
  });
  expect(caught).toBeInstanceOf(FileFormatError);
  return caught as FileFormatError;
}

async function mmLine(text: string, line: number, message: RegExp): Promise<void> {
  const path = file(text);
  const error = await formatError((ranks) => readMatrixMarket(path, ranks));
  expect({ path: error.path, line: error.line }).toEqual({ path, line });
  expect(error.message).toMatch(message);
  expect(error.message.startsWith(`${path}, line ${line}: `)).toBe(true);
}

describe('Matrix Market: malformed files', () => {
  const banner = '%%MatrixMarket matrix coordinate real general\n';
  it('names the line of a bad banner, size line or data line', async () => {
    await mmLine('', 1, /empty file/);
    await mmLine('%%MatrixMarket tensor coordinate real general\n2 2 1\n1 1 1\n', 1, /not a Matrix Market banner/);
    await mmLine('%%MatrixMarket matrix coordinate complex general\n', 1, /field "complex"/);
    await mmLine('%%MatrixMarket matrix coordinate pattern general\n', 1, /field "pattern"/);
    await mmLine('%%MatrixMarket matrix coordinate real hermitian\n', 1, /symmetry "hermitian"/);
    await mmLine('%%MatrixMarket matrix lines real general\n', 1, /unknown format/);
    await mmLine(`${banner}% a comment\n`, 3, /ends before the size line/);
    await mmLine(`${banner}% comment\n3 x 2\n`, 3, /size line/);
    await mmLine(`${banner}3 3 -1\n`, 2, /size line/);
    await mmLine(`${banner}2 2 5\n`, 2, /do not fit/);
    await mmLine('%%MatrixMarket matrix array real general\n2 3\n', 2, /not a vector/);
  });

  it('names the line of a bad entry, wherever it falls among the parts', async () => {
    const entries = Array.from({ length: 40 }, (_, k) => `${(k % 10) + 1} ${Math.floor(k / 10) + 1} ${k + 0.5}`);
    const withLine = (k: number, text: string): string => `${banner}10 4 40\n${entries.map((e, i) => (i === k ? text : e)).join('\n')}\n`;
    await mmLine(withLine(1, '2 1'), 4, /is not "row column value"/);
    await mmLine(withLine(35, '11 1 0.5'), 38, /row id 11 is out of range 1..10/);
    await mmLine(withLine(39, '1 0 0.5'), 42, /column id 0 is out of range 1..4/);
    await mmLine(withLine(20, '1.5 1 2'), 23, /row id "1.5" is not an integer/);
    await mmLine(withLine(30, '1 1 abc'), 33, /"abc" is not a number/);
    await mmLine(withLine(30, '1 1 0x10'), 33, /"0x10" is not a number/);
    await mmLine(withLine(2, '1 1 nan'), 5, /must be finite/);
    await mmLine(withLine(2, '1 1 -inf'), 5, /must be finite/);
    await mmLine(`${banner}10 5 41\n${entries.join('\n')}\n`, 2, /announces 41 entries but the file holds 40/);
    await mmLine(`${banner}10 4 39\n${entries.join('\n')}\n`, 2, /announces 39 entries but the file holds 40/);
    await mmLine('%%MatrixMarket matrix array real general\n3 1\n1\n2 3\n4\n', 4, /is not one value/);
    await mmLine('%%MatrixMarket matrix array integer general\n3 1\n1\n2.5\n4\n', 4, /"2.5" is not an integer/);
    await mmLine('%%MatrixMarket matrix array real general\n4 1\n1.5\n2e3\n1e\n4\n', 5, /"1e" is not a number/);
  });

  it('reads a vector whose lines are bare numbers, padded, CRLF-ended or NaN and infinities', async () => {
    const path = file('%%MatrixMarket matrix array real general\n% c\n7 1\n1.5\n  -2.25e1 \n3\r\nnan\n-inf\n\n.5\n+7.\n');
    let values: number[] = [];
    await withSequential(2, (ranks) => {
      const v = readMatrixMarket(path, ranks) as PVector;
      values = v.values.localItems.flatMap((own) => Array.from(own));
    });
    expect(values).toEqual([1.5, -22.5, 3, NaN, -Infinity, 0.5, 7]);
  });
});

/** A PETSc matrix file of the 5×4 sample written by 2 parts, as bytes. */
async function petscBytes(kind: 'matrix' | 'vector'): Promise<Buffer> {
  const path = join(dir, `petsc-${kind}`);
  await withSequential(2, (ranks) => {
    const A = sampleMatrix(ranks, [2, 1], false);
    writePetscBinary(path, kind === 'matrix' ? A : sampleVector(A.rows));
  });
  return readFileSync(path);
}

async function petscOffset(bytes: Uint8Array, offset: number, message: RegExp): Promise<void> {
  const path = file(bytes);
  const error = await formatError((ranks) => readPetscBinary(path, ranks));
  expect({ path: error.path, offset: error.offset, line: error.line }).toEqual({ path, offset, line: undefined });
  expect(error.message).toMatch(message);
}

describe('PETSc binary: malformed files', () => {
  it('names the byte offset of a bad header, size, row length, column id or value', async () => {
    const good = await petscBytes('matrix');
    const m = 20;
    const nnz = good.readInt32BE(12);
    const edit = (f: (b: Buffer) => void): Buffer => {
      const copy = Buffer.from(good);
      f(copy);
      return copy;
    };
    await petscOffset(edit((b) => b.writeInt32BE(1211217, 0)), 0, /class id 1211217/);
    await petscOffset(good.subarray(0, 6), 6, /truncated/);
    await petscOffset(good.subarray(0, good.length - 3), good.length - 3, /truncated/);
    await petscOffset(Buffer.concat([good, Buffer.alloc(5)]), good.length, /5 unexpected bytes/);
    await petscOffset(edit((b) => b.writeInt32BE(-2, 4)), 4, /negative row count/);
    await petscOffset(edit((b) => b.writeInt32BE(-1, 16 + 4 * 17)), 16 + 4 * 17, /row 17 has length -1/);
    await petscOffset(edit((b) => b.writeInt32BE(b.readInt32BE(16) + 1, 16)), 12, /add up to/);
    const colsAt = 16 + 4 * m;
    await petscOffset(edit((b) => b.writeInt32BE(20, colsAt + 4 * 70)), colsAt + 4 * 70, /column id 20 .* out of range 0..19/);
    const valuesAt = colsAt + 4 * nnz;
    await petscOffset(edit((b) => b.writeDoubleBE(NaN, valuesAt + 8 * 5)), valuesAt + 8 * 5, /is NaN \(matrix values must be finite\)/);
    const vector = await petscBytes('vector');
    await petscOffset(vector.subarray(0, vector.length - 8), vector.length - 8, /truncated/);
    const negative = Buffer.from(vector);
    negative.writeInt32BE(-1, 4);
    await petscOffset(negative, 4, /negative vector length/);
  });
});

describe('PETSc binary: rows not stored as CSR', () => {
  it('reads unsorted and repeated column ids as psparse adds them, on 1 and 2 parts', async () => {
    // 3×3, row 0: (0,2)=1 (0,0)=2 (0,2)=3; row 1: (1,1)=4; row 2: (2,2)=5 (2,0)=6
    const ints = [1211216, 3, 3, 6, 3, 1, 2, 2, 0, 2, 1, 2, 0];
    const values = [1, 2, 3, 4, 5, 6];
    const bytes = Buffer.alloc(4 * ints.length + 8 * values.length);
    ints.forEach((v, i) => bytes.writeInt32BE(v, 4 * i));
    values.forEach((v, i) => bytes.writeDoubleBE(v, 4 * ints.length + 8 * i));
    const path = file(bytes);
    for (const np of [1, 2]) {
      const rows = await withSequential(np, (ranks) => {
        const A = readPetscBinary(path, ranks) as PSparseMatrix;
        return Array.from(centralize(A).values);
      });
      expect(rows).toEqual([2, 4, 4, 6, 5]);
    }
  });
});

describe('flat binary and HDF5: malformed files', () => {
  it('checks the sidecar and the data size', async () => {
    const path = join(dir, 'v.f64');
    await withSequential(2, (ranks) => writeBinary(path, sampleVector(sampleMatrix(ranks, [2, 1], false).rows)));
    const sidecar = readFileSync(`${path}.json`, 'utf8');
    writeFileSync(`${path}.json`, '{ not json');
    expect((await formatError((ranks) => readBinary(path, ranks))).path).toBe(`${path}.json`);
    writeFileSync(`${path}.json`, sidecar.replace('float64', 'float32'));
    expect((await formatError((ranks) => readBinary(path, ranks))).message).toMatch(/dtype "float32"/);
    writeFileSync(`${path}.json`, sidecar.replace('[\n    20\n  ]', '[20, 2]'));
    expect((await formatError((ranks) => readBinary(path, ranks))).message).toMatch(/shape \[20,2\]/);
    writeFileSync(`${path}.json`, sidecar);
    truncateSync(path, 8 * 20 - 4);
    const error = await formatError((ranks) => readBinary(path, ranks));
    expect({ path: error.path, offset: error.offset }).toEqual({ path, offset: 156 });
    await withSequential(1, (ranks) => expect(() => readBinary(join(dir, 'missing.f64'), ranks)).toThrow(InvalidArgumentError));
  });

  it('rejects files that are not HDF5, damaged files and missing datasets', async () => {
    const path = join(dir, 'v.h5');
    await withSequential(2, (ranks) => writeHdf5(path, 'v', sampleVector(sampleMatrix(ranks, [2, 1], false).rows)));
    expect((await formatError((ranks) => readHdf5(path, 'w', ranks))).message).toMatch(/no dataset named w/);
    expect((await formatError((ranks) => readHdf5(file('%%MatrixMarket\n'), 'v', ranks))).path).toMatch(/f\d+$/);
    const bytes = readFileSync(path);
    const damaged = file(bytes.subarray(0, bytes.length - 100));
    expect((await formatError((ranks) => readHdf5(damaged, 'v', ranks))).path).toBe(damaged);
  });
});

describe('failed writes', () => {
  it('leave no file at the path and no temporary file', async () => {
    const target = join(dir, 'is-a-directory');
    mkdirSync(target);
    const missing = join(dir, 'no-such-dir', 'A.mtx');
    await withSequential(2, (ranks) => {
      const A = sampleMatrix(ranks, [2, 1], false);
      const v = sampleVector(A.rows);
      for (const write of [
        (p: string) => writeMatrixMarket(p, A),
        (p: string) => writePetscBinary(p, v),
        (p: string) => writeBinary(p, v),
        (p: string) => writeHdf5(p, 'v', v),
      ]) {
        expect(() => write(target)).toThrow(PartFailedError);
        expect(() => write(missing)).toThrow(PartFailedError);
      }
    });
    expect(readdirSync(target)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('the last part removes the old file before writing; a part failing while writing leaves neither file nor temporary file', async () => {
    const sub = join(dir, 'rewrite');
    mkdirSync(sub);
    const path = join(sub, 'x.bin');
    writeFileSync(path, 'old contents');
    const seen: string[][] = [];
    await withSequential(2, (ranks) => {
      expect(() =>
        writeFileCollectively(ranks, path, 16, (fd, _item, p) => {
          seen.push(readdirSync(sub).sort());
          if (p === 1) throw new Error('disk full');
          writeSync(fd, Buffer.alloc(8, 1), 0, 8, 0);
        }),
      ).toThrow(/disk full/);
    });
    // Part 0 writes beside the old file; the last part removes it just before writing its bytes.
    expect(seen.map((names) => names.map((f) => f.replace(/partial-[0-9a-f]+$/, 'partial-*')))).toEqual([
      ['.x.bin.partial-*', 'x.bin'],
      ['.x.bin.partial-*'],
    ]);
    expect(readdirSync(sub)).toEqual([]);
    await withSequential(2, (ranks) => writeFileCollectively(ranks, path, 16, (fd, _item, p) => writeSync(fd, Buffer.alloc(8, p + 1), 0, 8, 8 * p)));
    expect(Array.from(readFileSync(path))).toEqual([...new Array(8).fill(1), ...new Array(8).fill(2)]);
    expect(readdirSync(sub)).toEqual(['x.bin']);
  });
});
