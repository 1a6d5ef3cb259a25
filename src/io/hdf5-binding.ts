/**
 * The HDF5 addon (native/hdf5) as seen from JavaScript, and its loader. The library handles the
 * file's metadata; the data bytes of contiguous datasets are moved by the parts themselves.
 *
 * @module
 */
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';

/** What `datasetInfo` tells about a dataset. */
export interface Hdf5DatasetInfo {
  /** Its shape. */
  readonly dims: number[];
  /** Where its bytes start in the file when it is contiguous little-endian float64; -1 otherwise. */
  readonly offset: number;
  /** Whether its element type is a number type (integer or float) the library can convert. */
  readonly numeric: boolean;
}

/** The functions of the HDF5 addon (each throws an Error carrying HDF5's message stack). */
export interface Hdf5Binding {
  /**
   * Creates (or, with `truncate` false, adds to an existing file, replacing a dataset of that
   * name) a contiguous little-endian float64 dataset of shape `dims` with its storage allocated
   * and int64 attributes; returns the byte offset of its data.
   */
  createDataset(path: string, name: string, dims: number[], attributes: Record<string, number[]>, truncate: boolean): number;
  datasetInfo(path: string, name: string): Hdf5DatasetInfo;
  /**
   * Rows `first .. first + count - 1` (every other index whole) converted to float64 by the
   * library, read straight into `into` (returned) when given: it must hold exactly those values.
   */
  readRows(path: string, name: string, first: number, count: number, into?: Float64Array): Float64Array;
  /** An attribute of the dataset as numbers, or undefined when it has none of that name. */
  readAttribute(path: string, name: string, attribute: string): number[] | undefined;
}

let loaded: Hdf5Binding | undefined;

/**
 * The HDF5 addon, loaded once per thread.
 * @throws BackendUnavailableError naming every path tried and the fixes when it is not built.
 */
export function hdf5Binding(): Hdf5Binding {
  loaded ??= loadAddon<Hdf5Binding>({
    paths: addonPaths('hdf5', 'pa_hdf5.node'),
    load: requireNative,
    required: ['createDataset', 'datasetInfo', 'readRows', 'readAttribute'],
    what: 'HDF5 addon',
    summary: 'HDF5 support is unavailable',
    fixes: ['install the HDF5 library and headers (apt-get install -y libhdf5-dev pkg-config)', `then run \`${BUILD_ADDONS_COMMAND}\``],
  });
  return loaded;
}
