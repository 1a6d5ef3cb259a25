/**
 * HDF5 datasets (what h5py, PyTables, Julia's HDF5.jl and ParaView read) through Debian's serial
 * libhdf5 in a small native addon (native/hdf5): PVectors here, PArrays in `hdf5-parray.ts`.
 *
 * Why this engine: the serial library is what Debian ships with h5py, it needs no MPI (so the
 * Sequential and Threads backends work too) and it is thread-safe as built. Only metadata goes
 * through it, on part 0: it creates a contiguous float64 dataset whose storage is allocated at
 * creation (no fill pass) and returns where the data starts; every part then writes its own rows'
 * bytes there with positioned writes, the same as a flat binary file, so the bandwidth is the
 * file system's. Reading a contiguous little-endian float64 dataset (h5py's default layout) is
 * the same in reverse; any other dataset (chunked, compressed, another number type) is read by
 * each part through the library's hyperslab selection. Parallel HDF5 over MPI-IO would need
 * Debian's `libhdf5-openmpi` build, which cannot be loaded next to the serial one that h5py
 * uses, and would serve the MPI backend only; `h5wasm` keeps the file in WebAssembly memory and
 * cannot write bytes into a shared file from several processes.
 *
 * @module
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { FileFormatError, InvalidArgumentError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { gather, getAny, multicast } from '../pdata/primitives.js';
import { PVector } from '../vectors/pvector.js';
import { PArray } from '../parray/parray.js';
import type { RedistributeOptions } from '../parray/redistribute.js';
import type { Distribution } from '../parray/distribution.js';
import { readHdf5Array, writeHdf5Array } from './hdf5-parray.js';
import { expectFileSize, fileSize, writeAt } from './byte-io.js';
import { together, writeFileCollectively } from './collective.js';
import { littleEndianBytes, readFloat64LittleEndian } from './flat-binary.js';
import { hdf5Binding, type Hdf5DatasetInfo } from './hdf5-binding.js';
import { readPlan, readTargets, vectorBlocks, vectorFromTargets, type VectorBlock } from './layout.js';
import { checkPath, withFile, type ReadOptions } from './read-options.js';
import { readUniformVector } from './uniform-read.js';

/** Attribute holding the first row of each written part's block, then the row count (np + 1 numbers). */
export const HDF5_PARTITION_ATTRIBUTE = 'partition_row_starts';

/**
 * Options of {@link writeHdf5}.
 * @group Parallel IO and interop
 */
export interface Hdf5WriteOptions {
  /**
   * `'w'` (default) creates the file, replacing any file at `path`, through a temporary file
   * renamed when every part is done; `'a'` adds the dataset to an existing file (created if
   * missing), replacing a dataset of the same name, in place.
   */
  mode?: 'w' | 'a';
}

function checkName(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.endsWith('/')) {
    throw new InvalidArgumentError(`${what}: name must be a dataset path such as 'u' or 'results/u', got ${describeValue(name)}`);
  }
}

/**
 * Writes the own values of a distributed vector as one global HDF5 dataset `name` (shape `[n]`,
 * little-endian float64, contiguous), with the attribute `partition_row_starts` (the first row of
 * each part's block in file order, then n). h5py reads it: `h5py.File(path)['u'][:]`. A
 * {@link PArray} of any shape is written as a dataset of that shape in C order (h5py shows the
 * same shape and `a[i, j]` at the same place), cut among the parts along its first dimension
 * (the array is redistributed to row blocks first).
 * Collective: part 0 creates the file's metadata through libhdf5, every part writes its own rows'
 * bytes at their offset; nothing is gathered.
 *
 * @param name the dataset's path in the file; intermediate groups are created.
 * @throws InvalidArgumentError when `path` or `name` is not a non-empty string, `v` is not a
 * PVector or a PArray, or the options are not the documented ones; BackendUnavailableError when the HDF5 addon
 * is not built; PartFailedError when the file cannot be written (with mode `'w'` nothing is left
 * at `path`).
 * @example
 * ```ts
 * writeHdf5('out.h5', 'u', u);                      // h5py.File('out.h5')['u'][:]
 * writeHdf5('out.h5', 'b', b, { mode: 'a' });       // a second dataset in the same file
 * writeHdf5('T.h5', 'T', parray(ranks, [64, 64, 8])); // h5py: shape (64, 64, 8)
 * ```
 * @group Parallel IO and interop
 */
export function writeHdf5(path: string, name: string, v: PVector | PArray, opts?: Hdf5WriteOptions): void {
  checkPath(path, 'writeHdf5');
  checkName(name, 'writeHdf5');
  if (!(v instanceof PVector) && !(v instanceof PArray)) {
    throw new InvalidArgumentError(`writeHdf5: v must be a PVector or a PArray, got ${describeValue(v)}`);
  }
  const mode = checkOptions(opts, ['mode'], 'writeHdf5').mode ?? 'w';
  if (mode !== 'w' && mode !== 'a') throw new InvalidArgumentError(`writeHdf5: mode must be 'w' or 'a', got ${describeValue(mode)}`);
  if (v instanceof PArray) {
    writeHdf5Array(path, name, v, mode === 'w');
    return;
  }
  const binding = hdf5Binding();
  const n = v.rows.n;
  const blocks = vectorBlocks(v);
  const lengths = getAny(gather(blocks.map((b) => b.values.length), { destination: 'all' }));
  const starts = [0];
  for (const length of lengths) starts.push(starts[starts.length - 1] + length);
  const attributes = { [HDF5_PARTITION_ATTRIBUTE]: starts };
  const writeBlock = (fd: number, block: VectorBlock, base: number): void => writeAt(fd, littleEndianBytes(block.values), base + 8 * block.first);
  if (mode === 'w') {
    writeFileCollectively(
      blocks,
      path,
      (temporary) => binding.createDataset(temporary, name, [n], attributes, true),
      (fd, block, _p, base) => writeBlock(fd, block, base),
    );
    return;
  }
  const bases = together(blocks, (_, p) => (p === 0 ? binding.createDataset(path, name, [n], attributes, false) : 0));
  const base = getAny(multicast(bases, { source: 0 }));
  together(blocks, (block) => {
    const fd = openSync(path, 'r+');
    try {
      writeBlock(fd, block, base);
    } finally {
      closeSync(fd);
    }
  });
}

/** What the library says about the dataset, its problems as FileFormatErrors (the file's size is not checked). */
function datasetOf(path: string, name: string): Hdf5DatasetInfo {
  if (!existsSync(path)) throw new InvalidArgumentError(`readHdf5: cannot open ${path}: no such file`);
  let info;
  try {
    info = hdf5Binding().datasetInfo(path, name);
  } catch (error) {
    // the addon throws plain Errors carrying HDF5's messages: not HDF5, damaged, no such dataset
    throw new FileFormatError((error as Error).message, { path });
  }
  if (!info.numeric) throw new FileFormatError(`dataset ${name} does not hold numbers`, { path });
  if (info.dims.length === 0) throw new FileFormatError(`dataset ${name} is a scalar, not an array`, { path });
  return info;
}

/** Checks that a file of `size` bytes holds the whole of the dataset's bytes (those read by offset). */
function checkDataEnds(path: string, name: string, info: Hdf5DatasetInfo, size: number): void {
  const end = info.offset + 8 * info.dims.reduce((a, b) => a * b, 1);
  if (size < end) expectFileSize(path, size, end, `dataset ${name} (${(end - info.offset) / 8} float64 values at offset ${info.offset})`);
}

/** {@link datasetOf}, and the file's size checked when the dataset is read by offset. */
function inspect(path: string, name: string): { dims: number[]; offset: number } {
  const info = datasetOf(path, name);
  if (info.offset >= 0) withFile(path, 'readHdf5', (fd) => checkDataEnds(path, name, info, fileSize(fd)));
  return { dims: info.dims, offset: info.offset };
}

/** A one-dimensional dataset read onto the uniform partition: one read step per part (see uniform-read.ts). */
function readUniformHdf5(path: string, name: string, ranks: PData<number>): PVector {
  return readUniformVector(ranks, (block) => {
    const info = datasetOf(path, name);
    if (info.dims.length !== 1) throw notOneDimensional(name, info.dims);
    if (info.offset < 0) {
      const { span, into } = block(info.dims[0]);
      hdf5Binding().readRows(path, name, span.first, span.count, into);
      return;
    }
    withFile(path, 'readHdf5', (fd) => {
      checkDataEnds(path, name, info, fileSize(fd));
      const { span, into } = block(info.dims[0]);
      readFloat64LittleEndian(fd, path, info.offset + 8 * span.first, into, `dataset ${name}`);
    });
  });
}

/** The error for a dataset of several dimensions read as a vector. */
function notOneDimensional(name: string, dims: readonly number[]): InvalidArgumentError {
  return new InvalidArgumentError(`readHdf5: dataset ${name} has shape [${dims.join(', ')}]: give grid or dist to read it as a PArray`);
}

/**
 * Reads a one-dimensional HDF5 dataset (written by {@link writeHdf5}, h5py, or any HDF5 tool; any
 * number type, contiguous or chunked and compressed) as a distributed vector on `rows` (default:
 * the uniform 1-D partition); with `grid` and/or `dist` (as {@link parray}'s options), a dataset
 * of any shape as a {@link PArray} of that shape (h5py's `a[i, j]` is the PArray's element
 * `[i, j]`), read in row blocks and redistributed. Collective: every part asks the library for the dataset's shape and
 * layout, then reads its own rows (by positioned reads of a contiguous little-endian float64
 * dataset, through the library's hyperslab selection otherwise). Any part count reads a file
 * written by any other.
 *
 * @throws InvalidArgumentError when an argument is malformed or the file does not exist;
 * BackendUnavailableError when the HDF5 addon is not built; DimensionMismatchError when `rows.n`
 * is not the dataset's length; InvalidArgumentError when a dataset of several dimensions is read
 * without `grid`/`dist`, or `rows` is given with them; FileFormatError (on every part, naming the
 * file) when the file is not HDF5 or is damaged, has no dataset `name`, the dataset is not
 * numeric or is a scalar, or the file ends before the dataset's data (offset where it ends).
 * @example
 * ```ts
 * const u = readHdf5('out.h5', 'u', ranks);
 * const T = readHdf5('T.h5', 'T', ranks, { grid: [1, 1, ranks.np] });   // a PArray
 * ```
 * @group Parallel IO and interop
 */
export function readHdf5(path: string, name: string, ranks: PData<number>, opts: RedistributeOptions & { grid: readonly number[] }): PArray;
export function readHdf5(path: string, name: string, ranks: PData<number>, opts: RedistributeOptions & { dist: Distribution | readonly Distribution[] }): PArray;
export function readHdf5(path: string, name: string, ranks: PData<number>, opts?: Pick<ReadOptions, 'rows'>): PVector;
export function readHdf5(
  path: string,
  name: string,
  ranks: PData<number>,
  opts?: Pick<ReadOptions, 'rows'> & RedistributeOptions,
): PVector | PArray {
  checkPath(path, 'readHdf5');
  checkName(name, 'readHdf5');
  expectInstance(ranks, PData, 'readHdf5: ranks');
  const options = checkOptions(opts, ['rows', 'grid', 'dist'], 'readHdf5');
  if (options.rows !== undefined && (options.grid !== undefined || options.dist !== undefined)) {
    throw new InvalidArgumentError('readHdf5: give rows (a PVector) or grid/dist (a PArray), not both');
  }
  const array = options.grid !== undefined || options.dist !== undefined;
  if (!array && options.rows === undefined) return readUniformHdf5(path, name, ranks);
  const { dims, offset } = together(ranks, () => inspect(path, name)).localItems[0];
  if (array) return readHdf5Array(path, name, ranks, dims, offset, { grid: options.grid, dist: options.dist });
  if (dims.length !== 1) throw notOneDimensional(name, dims);
  const plan = readPlan(ranks, dims[0], options.rows, 'readHdf5');
  const targets = readTargets(plan);
  together(targets, ({ span, into }) => {
    if (offset >= 0) withFile(path, 'readHdf5', (fd) => readFloat64LittleEndian(fd, path, offset + 8 * span.first, into, `dataset ${name}`));
    else hdf5Binding().readRows(path, name, span.first, span.count, into);
  });
  return vectorFromTargets(plan, targets);
}
