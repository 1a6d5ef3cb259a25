/**
 * PETSc's binary format, as `MatLoad`/`VecLoad` (and petsc4py's `Mat().load` / `Vec().load`) read
 * it: big-endian 32-bit integers and float64 values. A matrix is the header (class id 1211216,
 * rows, columns, stored entries), the length of every row, the column ids of every entry in row
 * order, then its values; a vector is the header (class id 1211214, length) then its values.
 *
 * Every part writes and reads its own rows' bytes at their offsets (the offsets of its entries
 * come from one gather of the entry counts); the file holds one object (a file holding a matrix
 * followed by a vector is rejected as too long).
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { FileFormatError, InvalidArgumentError } from '../errors.js';
import { PData, pmap } from '../pdata/pdata.js';
import { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { PVector } from '../vectors/pvector.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { expectFileSize, fileSize, LITTLE_ENDIAN, readAt, readInto, writeAt } from './byte-io.js';
import { together, writeFileCollectively } from './collective.js';
import { partOffsets } from './counts.js';
import { checkPath, withFile, type ReadOptions } from './read-options.js';
import { matrixFromTriplets, matrixRows, readCols, readPlan, readTargets, vectorBlocks, vectorFromTargets, type RowSpan } from './layout.js';
import { matrixFromRows, ownColumnRuns, rowsAreCsr, type EntryScan, type RowsRead } from './matrix-rows.js';
import type { RowSource } from './row-source.js';

/** PETSc's class id of a matrix (`MAT_FILE_CLASSID`). */
export const PETSC_MAT_CLASSID = 1211216;
/** PETSc's class id of a vector (`VEC_FILE_CLASSID`). */
export const PETSC_VEC_CLASSID = 1211214;

const MAX_INT32 = 0x7fffffff;

/** Big-endian int32 bytes of a few `values` (a header; Node's native byte swap). */
function int32Bytes(values: ArrayLike<number>): Uint8Array {
  const bytes = Buffer.from(Int32Array.from(values).buffer);
  return LITTLE_ENDIAN ? bytes.swap32() : bytes;
}

/**
 * Writes `values` as big-endian float64 at `position`: swapped in place, written, and swapped back
 * (no copy of what may be a large array; the values are this part's and nothing else runs
 * meanwhile).
 */
function writeFloat64BigEndian(fd: number, values: Float64Array, position: number): void {
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) bytes.swap64();
  try {
    writeAt(fd, bytes, position);
  } finally {
    if (LITTLE_ENDIAN) bytes.swap64();
  }
}

/** The float64 values of big-endian `bytes` (swapped in place). */
function float64Of(bytes: Uint8Array): Float64Array {
  if (LITTLE_ENDIAN) Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).swap64();
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}

/** The int32 values of big-endian `bytes` (swapped in place). */
function int32Of(bytes: Uint8Array): Int32Array {
  if (LITTLE_ENDIAN) Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).swap32();
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/**
 * Writes a distributed matrix or vector in PETSc's binary format (`MatLoad`/`VecLoad`, petsc4py's
 * `Mat().load(PETSc.Viewer().createBinary(path, 'r'))`). Collective: every part writes its own
 * rows at their offsets of one file; nothing is gathered. Columns are written in ascending order
 * within each row. Written to a temporary file renamed when every part is done.
 *
 * @param path the file to create (replaced if it exists).
 * @param x a {@link PSparseMatrix} or a {@link PVector} (its own values; ghosts are not written).
 * @throws InvalidArgumentError when `x` is neither, or a size exceeds PETSc's 32-bit ids
 * (2^31-1 rows, columns or entries), before any file is touched; PartFailedError when the file
 * cannot be written (no file is left at `path`).
 * @example
 * ```ts
 * writePetscBinary('A.petsc', A);       // then in Python: PETSc.Mat().load(viewer)
 * ```
 * @group Parallel IO and interop
 */
export function writePetscBinary(path: string, x: PSparseMatrix | PVector): void {
  checkPath(path, 'writePetscBinary');
  if (x instanceof PVector) {
    const n = x.rows.n;
    if (n > MAX_INT32) throw new InvalidArgumentError(`writePetscBinary: ${n} entries exceed PETSc's 32-bit ids`);
    const blocks = vectorBlocks(x);
    writeFileCollectively(blocks, path, 8 + 8 * n, (fd, block, p) => {
      if (p === 0) writeAt(fd, int32Bytes([PETSC_VEC_CLASSID, n]), 0);
      writeFloat64BigEndian(fd, block.values, 8 + 8 * block.first);
    });
    return;
  }
  if (!(x instanceof PSparseMatrix)) {
    throw new InvalidArgumentError(`writePetscBinary: x must be a PSparseMatrix or a PVector, got ${describeValue(x)}`);
  }
  const m = x.rows.n;
  const n = x.cols.n;
  if (m > MAX_INT32 || n > MAX_INT32 || x.nnz > MAX_INT32) {
    throw new InvalidArgumentError(`writePetscBinary: a ${m}×${n} matrix with ${x.nnz} entries exceeds PETSc's 32-bit ids`);
  }
  const sources = matrixRows(x);
  const { before, total } = partOffsets(sources.map((r) => r.nnz));
  const colsAt = 16 + 4 * m;
  const valuesAt = colsAt + 4 * total;
  writeFileCollectively(
    pmap((source: RowSource, entriesBefore: number) => ({ source, entriesBefore }), sources, before),
    path,
    valuesAt + 8 * total,
    (fd, { source, entriesBefore }, p) => {
      if (p === 0) writeAt(fd, int32Bytes([PETSC_MAT_CLASSID, m, n, total]), 0);
      writeRows(fd, source, 16 + 4 * source.first, colsAt + 4 * entriesBefore, valuesAt + 8 * entriesBefore);
    },
  );
}

/** Entries encoded between two writes (their column ids and values: 768 KiB, reused for the whole matrix). */
const CHUNK_ENTRIES = 1 << 16;

/**
 * Writes a part's rows as PETSc stores them: the row lengths at `lengthsAt`, the column ids at
 * `colsAt`, the values at `valuesAt`, all big-endian. The rows are encoded into small reused
 * buffers written whenever one fills up: no copy of the part's matrix is ever made (the copy's
 * fresh memory would cost more than the writes).
 */
function writeRows(fd: number, source: RowSource, lengthsAt: number, colsAt: number, valuesAt: number): void {
  const lengths = new DataView(new ArrayBuffer(4 * CHUNK_ENTRIES));
  const colBytes = new DataView(new ArrayBuffer(4 * CHUNK_ENTRIES));
  const valueBytes = new DataView(new ArrayBuffer(8 * CHUNK_ENTRIES));
  const flush = (view: DataView, count: number, position: number): void =>
    writeAt(fd, new Uint8Array(view.buffer, 0, count), position);
  let rowCols = new Float64Array(64);
  let rowValues = new Float64Array(64);
  let inLengths = 0;
  let inEntries = 0;
  for (let i = 0; i < source.count; i++) {
    const length = source.length(i);
    if (inLengths === CHUNK_ENTRIES) {
      flush(lengths, 4 * inLengths, lengthsAt);
      lengthsAt += 4 * inLengths;
      inLengths = 0;
    }
    lengths.setInt32(4 * inLengths++, length, false);
    if (length > rowCols.length) {
      rowCols = new Float64Array(2 * length);
      rowValues = new Float64Array(2 * length);
    }
    source.row(i, rowCols, rowValues, 0);
    for (let k = 0; k < length; k++) {
      if (inEntries === CHUNK_ENTRIES) {
        flush(colBytes, 4 * inEntries, colsAt);
        flush(valueBytes, 8 * inEntries, valuesAt);
        colsAt += 4 * inEntries;
        valuesAt += 8 * inEntries;
        inEntries = 0;
      }
      colBytes.setInt32(4 * inEntries, rowCols[k], false);
      valueBytes.setFloat64(8 * inEntries++, rowValues[k], false);
    }
  }
  flush(lengths, 4 * inLengths, lengthsAt);
  flush(colBytes, 4 * inEntries, colsAt);
  flush(valueBytes, 8 * inEntries, valuesAt);
}

interface Header {
  readonly classId: number;
  readonly m: number;
  readonly n: number;
  readonly nnz: number;
  readonly size: number;
}

function readHeader(fd: number, path: string): Header {
  const size = fileSize(fd);
  const first = new DataView(readAt(fd, path, 0, 8, 'the header').buffer);
  const classId = first.getInt32(0, false);
  if (classId === PETSC_VEC_CLASSID) {
    const n = first.getInt32(4, false);
    if (n < 0) throw new FileFormatError(`negative vector length ${n}`, { path, offset: 4 });
    expectFileSize(path, size, 8 + 8 * n, `a PETSc vector of ${n} entries`);
    return { classId, m: n, n: 1, nnz: n, size };
  }
  if (classId !== PETSC_MAT_CLASSID) {
    throw new FileFormatError(
      `not a PETSc binary matrix or vector: class id ${classId} (expected ${PETSC_MAT_CLASSID} or ${PETSC_VEC_CLASSID})`,
      { path, offset: 0 },
    );
  }
  const rest = new DataView(readAt(fd, path, 8, 8, 'the matrix header').buffer);
  const m = first.getInt32(4, false);
  const n = rest.getInt32(0, false);
  const nnz = rest.getInt32(4, false);
  if (m < 0) throw new FileFormatError(`negative row count ${m}`, { path, offset: 4 });
  if (n < 0) throw new FileFormatError(`negative column count ${n}`, { path, offset: 8 });
  if (nnz < 0) throw new FileFormatError(`negative entry count ${nnz}`, { path, offset: 12 });
  expectFileSize(path, size, 16 + 4 * m + 12 * nnz, `a PETSc ${m}×${n} matrix of ${nnz} entries`);
  return { classId, m, n, nnz, size };
}

/**
 * Reads a matrix or vector written in PETSc's binary format (by {@link writePetscBinary},
 * petsc4py's `A.view(PETSc.Viewer().createBinary(path, 'w'))`, or PETSc's `MatView`/`VecView`).
 * Collective: every part reads the header and its own rows' bytes; any part count reads a file
 * written by any other. Which of the two it is comes from the file: check with `instanceof`.
 *
 * @param ranks the run's ranks.
 * @param opts `rows` (and `cols` for a matrix) to read onto, see {@link ReadOptions}.
 * @returns a {@link PSparseMatrix} on `rows` × `cols`, or a {@link PVector} on `rows` (ghosts
 * filled from their owners).
 * @throws InvalidArgumentError when an argument is malformed or the file cannot be opened;
 * DimensionMismatchError when `rows`/`cols` do not have the file's sizes; FileFormatError (on
 * every part, naming the file and byte offset) for an unknown class id, negative sizes, a file
 * shorter or longer than its header says, a negative row length or one above the column count,
 * row lengths that do not add up to the entry count, a column id out of range, or a matrix value
 * that is NaN or infinite (vectors may hold them).
 * @example
 * ```ts
 * const A = readPetscBinary('A.petsc', ranks);
 * if (!(A instanceof PSparseMatrix)) throw new Error('expected a matrix');
 * ```
 * @group Parallel IO and interop
 */
export function readPetscBinary(path: string, ranks: PData<number>, opts?: ReadOptions): PSparseMatrix | PVector {
  checkPath(path, 'readPetscBinary');
  expectInstance(ranks, PData, 'readPetscBinary: ranks');
  const options = checkOptions(opts, ['rows', 'cols'], 'readPetscBinary');
  const header = ranks.map(() => 0);
  const headers = together(header, () => withFile(path, 'readPetscBinary', (fd) => readHeader(fd, path)));
  const { classId, m, n, nnz } = headers.localItems[0];
  const plan = readPlan(ranks, m, options.rows, 'readPetscBinary');
  if (classId === PETSC_VEC_CLASSID) {
    const targets = readTargets(plan);
    together(targets, ({ span, into }) =>
      withFile(path, 'readPetscBinary', (fd) => float64Of(readInto(fd, path, 8 + 8 * span.first, new Uint8Array(into.buffer, into.byteOffset, into.byteLength), 'the values'))),
    );
    return vectorFromTargets(plan, targets);
  }
  const cols = readCols(ranks, plan.rows, n, options.cols, 'readPetscBinary');
  const lengths = together(plan.spans, (span: RowSpan) =>
    withFile(path, 'readPetscBinary', (fd) => {
      const at = 16 + 4 * span.first;
      // One slot more than the rows: the lengths become the own-own block's row offsets in place.
      const offsets = largeArrays.int32(span.count + 1);
      const out = int32Of(readInto(fd, path, at, new Uint8Array(offsets.buffer, offsets.byteOffset + 4, 4 * span.count), 'the row lengths'));
      let sum = 0;
      for (let i = 0; i < span.count; i++) {
        if (out[i] < 0 || out[i] > n) {
          throw new FileFormatError(`row ${span.first + i} has length ${out[i]} (expected 0..${n})`, { path, offset: at + 4 * i });
        }
        sum += out[i];
      }
      return { offsets, lengths: out, sum };
    }),
  );
  const { before, total } = partOffsets(lengths.map((l) => l.sum));
  if (total !== nnz) {
    throw new FileFormatError(`the row lengths add up to ${total} entries but the header says ${nnz}`, { path, offset: 12 });
  }
  const colsAt = 16 + 4 * m;
  const valuesAt = colsAt + 4 * nnz;
  const reads = together(
    pmap(
      (span: RowSpan, l: { offsets: Int32Array; lengths: Int32Array; sum: number }, entriesBefore: number, own: readonly [number, number]) => ({ span, rowOffsets: l.offsets, rowLengths: l.lengths, count: l.sum, entriesBefore, own }),
      plan.spans,
      lengths,
      before,
      ownColumnRuns(cols),
    ),
    ({ span, rowOffsets, rowLengths, count, entriesBefore, own }): RowsRead =>
      withFile(path, 'readPetscBinary', (fd) => {
        const colIds = int32Of(readAt(fd, path, colsAt + 4 * entriesBefore, 4 * count, 'the column ids'));
        const values = float64Of(readAt(fd, path, valuesAt + 8 * entriesBefore, 8 * count, 'the values'));
        const where = { path, first: span.first, n, colsAt: colsAt + 4 * entriesBefore, valuesAt: valuesAt + 8 * entriesBefore };
        return { rowOffsets, rowLengths, colIds, values, scan: scanEntries(where, rowLengths, colIds, values, own[0], own[1]) };
      }),
  );
  if (plan.direct && rowsAreCsr(cols, reads.map((r) => r.scan.ascending))) return matrixFromRows(plan.rows, cols, reads);
  const triplets = pmap((span: RowSpan, read: RowsRead) => tripletsOf(span.first, read), plan.spans, reads);
  return matrixFromTriplets(plan.rows, cols, triplets, plan.direct);
}

/** Where a part's entries are: the file, its first row, the column count, the byte offsets of its column ids and values. */
interface EntriesPlace {
  readonly path: string;
  readonly first: number;
  readonly n: number;
  readonly colsAt: number;
  readonly valuesAt: number;
}

/**
 * Checks the entries of a part's rows as read (every column id in `0..n-1`, every value finite)
 * and learns what {@link EntryScan} says about them, the own columns being
 * `ownFirst .. ownFirst + nOwn - 1`. One pass over the column ids does the work of three: in a
 * row whose ids ascend (PETSc's own files), only its first and last id need the range checks and
 * the own-column test (ghost entries sit at the row's ends), so each id costs one comparison with
 * its predecessor; rows that do not ascend are checked id by id. A second pass checks the values.
 * @throws FileFormatError at the offset of the first bad entry (in file order, column id before
 * value), found by {@link firstBadEntry}.
 */
function scanEntries(place: EntriesPlace, rowLengths: Int32Array, colIds: Int32Array, values: Float64Array, ownFirst: number, nOwn: number): EntryScan {
  const { n } = place;
  const ownEnd = ownFirst + nOwn;
  const ghostCols = new Set<number>();
  let ghostEntries = 0;
  const ghostsOf = (start: number, end: number): void => {
    for (let k = start; k < end; k++) {
      const col = colIds[k];
      if (col < ownFirst || col >= ownEnd) {
        ghostEntries++;
        ghostCols.add(col);
      }
    }
  };
  let ascending = true;
  let e = 0;
  for (let i = 0; i < rowLengths.length; i++) {
    const start = e;
    const end = e + rowLengths[i];
    if (start === end) continue;
    let previous = colIds[e++];
    let sorted = true;
    for (; e < end; e++) {
      const col = colIds[e];
      if (col <= previous) sorted = false;
      previous = col;
    }
    if (sorted) {
      const low = colIds[start];
      if (low < 0 || previous >= n) firstBadEntry(place, rowLengths, colIds, values);
      if (low < ownFirst || previous >= ownEnd) ghostsOf(start, end);
    } else {
      ascending = false;
      for (let k = start; k < end; k++) if (!(colIds[k] >= 0 && colIds[k] < n)) firstBadEntry(place, rowLengths, colIds, values);
      ghostsOf(start, end);
    }
  }
  // value - value is 0 for every finite value, NaN for NaN and the infinities.
  for (let k = 0; k < values.length; k++) if (values[k] - values[k] !== 0) firstBadEntry(place, rowLengths, colIds, values);
  return { ascending, ghostEntries, ghostCols };
}

/** Throws the error for the first bad entry of the part (one exists: {@link scanEntries} saw it). */
function firstBadEntry(place: EntriesPlace, rowLengths: Int32Array, colIds: Int32Array, values: Float64Array): never {
  const { path, first, n } = place;
  let e = 0;
  for (let i = 0; i < rowLengths.length; i++) {
    for (const end = e + rowLengths[i]; e < end; e++) {
      const col = colIds[e];
      if (!(col >= 0 && col < n)) {
        throw new FileFormatError(`column id ${col} of row ${first + i} is out of range 0..${n - 1}`, { path, offset: place.colsAt + 4 * e });
      }
      if (!Number.isFinite(values[e])) {
        throw new FileFormatError(`entry (${first + i}, ${col}) is ${values[e]} (matrix values must be finite)`, { path, offset: place.valuesAt + 8 * e });
      }
    }
  }
  throw new Error('firstBadEntry: no bad entry found');
}

/** COO triplets of rows `first ..` as read. */
function tripletsOf(first: number, { rowLengths, colIds, values }: RowsRead): { I: Float64Array; J: Float64Array; V: Float64Array } {
  const I = new Float64Array(colIds.length);
  let e = 0;
  for (let i = 0; i < rowLengths.length; i++) I.fill(first + i, e, (e += rowLengths[i]));
  return { I, J: Float64Array.from(colIds), V: values };
}
