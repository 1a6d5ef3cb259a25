/**
 * Flat binary files: the vector's entries as raw little-endian float64 in global order (what
 * `numpy.fromfile(path, '<f8')` reads), plus a JSON sidecar `<path>.json` giving the shape and
 * the element type. Every part writes and reads its own byte ranges with positioned node:fs calls
 * on every backend (the MPI backend's MPI-IO is not used: one code path, and the same bandwidth
 * for a contiguous range per part).
 *
 * @module
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { FileFormatError, InvalidArgumentError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { PVector } from '../vectors/pvector.js';
import { expectFileSize, fileSize, LITTLE_ENDIAN, readInto, writeArrayAt, writeAt } from './byte-io.js';
import { removeTarget, together, writeFileCollectively } from './collective.js';
import { readPlan, readTargets, vectorBlocks, vectorFromTargets } from './layout.js';
import { checkPath, withFile, type ReadOptions } from './read-options.js';
import { readUniformVector } from './uniform-read.js';

/** The sidecar's `format` value. */
const SIDECAR_FORMAT = 'partitioned-arrays flat binary';

/** Little-endian bytes of `values` (a view of the array itself on little-endian machines). */
export function littleEndianBytes(values: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(8 * i, values[i], true);
  return bytes;
}

/** The float64 values of little-endian `bytes`. */
export function fromLittleEndian(bytes: Uint8Array): Float64Array {
  if (LITTLE_ENDIAN) return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float64Array.from({ length: bytes.byteLength / 8 }, (_, i) => view.getFloat64(8 * i, true));
}

/**
 * Writes the own values of a distributed vector to `path` as raw little-endian float64 in global
 * order, and the sidecar `<path>.json` (`{ "format", "dtype": "float64", "byteOrder": "little",
 * "shape": [n] }`). Collective; each part writes its own byte range (no gather). The data file is
 * written to a temporary name and renamed once every part has written; the sidecar follows.
 *
 * @throws InvalidArgumentError when `path` is not a non-empty string or `v` not a PVector;
 * PartFailedError when a file cannot be written (no data file is left at `path`).
 * @example
 * ```ts
 * writeBinary('u.f64', u);   // numpy.fromfile('u.f64', '<f8') in Python
 * ```
 * @group Parallel IO and interop
 */
export function writeBinary(path: string, v: PVector): void {
  checkPath(path, 'writeBinary');
  if (!(v instanceof PVector)) throw new InvalidArgumentError(`writeBinary: v must be a PVector, got ${describeValue(v)}`);
  const n = v.rows.n;
  const blocks = vectorBlocks(v);
  const sidecar = { format: SIDECAR_FORMAT, dtype: 'float64', byteOrder: 'little', shape: [n] };
  writeFileCollectively(
    blocks,
    path,
    8 * n,
    (fd, block) => {
      if (LITTLE_ENDIAN) writeArrayAt(fd, block.values, 8 * block.first);
      else writeAt(fd, littleEndianBytes(block.values), 8 * block.first);
    },
    () => {
      // Written whole under another name, then renamed; the old sidecar is removed first, as the
      // data file was (a rename over it costs a writeback start: 0.6 ms instead of 0.1).
      writeFileSync(`${path}.json.partial`, `${JSON.stringify(sidecar, null, 2)}\n`);
      removeTarget(`${path}.json`);
      renameSync(`${path}.json.partial`, `${path}.json`);
    },
  );
}

/** The length a sidecar gives, checked. */
function readSidecar(path: string): number {
  const sidecarPath = `${path}.json`;
  let text: string;
  try {
    text = readFileSync(sidecarPath, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`readBinary: cannot read the sidecar ${sidecarPath}: ${(error as Error).message}`);
  }
  let sidecar: unknown;
  try {
    sidecar = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError(`not JSON: ${(error as Error).message}`, { path: sidecarPath, line: 1 });
  }
  const s = sidecar as { dtype?: unknown; byteOrder?: unknown; shape?: unknown };
  if (typeof sidecar !== 'object' || sidecar === null) {
    throw new FileFormatError('the sidecar must be a JSON object', { path: sidecarPath, line: 1 });
  }
  if (s.dtype !== 'float64') throw new FileFormatError(`dtype ${JSON.stringify(s.dtype)} (only "float64" is read)`, { path: sidecarPath, line: 1 });
  if (s.byteOrder !== 'little') {
    throw new FileFormatError(`byteOrder ${JSON.stringify(s.byteOrder)} (only "little" is read)`, { path: sidecarPath, line: 1 });
  }
  if (!Array.isArray(s.shape) || s.shape.length !== 1 || !Number.isSafeInteger(s.shape[0]) || s.shape[0] < 0) {
    throw new FileFormatError(`shape ${JSON.stringify(s.shape)} is not [n] with n a non-negative integer`, { path: sidecarPath, line: 1 });
  }
  return s.shape[0] as number;
}

/**
 * Reads a flat binary vector written by {@link writeBinary} (or any raw little-endian float64
 * file given a sidecar `<path>.json` of the same form) onto `rows` (default: the uniform 1-D
 * partition). Collective: every part reads the sidecar and its own byte range; any part count
 * reads a file written by any other.
 *
 * @throws InvalidArgumentError when an argument is malformed or a file cannot be opened;
 * DimensionMismatchError when `rows.n` is not the sidecar's length; FileFormatError (on every
 * part, naming the file) when the sidecar is not JSON or gives another type, byte order or shape,
 * or the data file's size is not 8 bytes per entry (offset where it ends or the extra bytes start).
 * @example
 * ```ts
 * const u = readBinary('u.f64', ranks);
 * ```
 * @group Parallel IO and interop
 */
export function readBinary(path: string, ranks: PData<number>, opts?: Pick<ReadOptions, 'rows'>): PVector {
  checkPath(path, 'readBinary');
  expectInstance(ranks, PData, 'readBinary: ranks');
  const options = checkOptions(opts, ['rows'], 'readBinary');
  if (options.rows === undefined) {
    return readUniformVector(ranks, (block) => {
      const length = readSidecar(path);
      withFile(path, 'readBinary', (fd) => {
        expectFileSize(path, fileSize(fd), 8 * length, `${length} float64 values`);
        const { span, into } = block(length);
        readFloat64LittleEndian(fd, path, 8 * span.first, into, 'the values');
      });
    });
  }
  const n = together(ranks, () => {
    const length = readSidecar(path);
    withFile(path, 'readBinary', (fd) => expectFileSize(path, fileSize(fd), 8 * length, `${length} float64 values`));
    return length;
  }).localItems[0];
  const plan = readPlan(ranks, n, options.rows, 'readBinary');
  const targets = readTargets(plan);
  together(targets, ({ span, into }) => withFile(path, 'readBinary', (fd) => readFloat64LittleEndian(fd, path, 8 * span.first, into, 'the values')));
  return vectorFromTargets(plan, targets);
}

/** Fills `into` with the little-endian float64 values at `position` of the file. */
export function readFloat64LittleEndian(fd: number, path: string, position: number, into: Float64Array, what: string): void {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  readInto(fd, path, position, bytes, what);
  if (!LITTLE_ENDIAN) into.set(fromLittleEndian(bytes.slice()));
}
