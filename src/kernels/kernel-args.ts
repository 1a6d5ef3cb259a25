/**
 * The O(1) argument checks every `KernelSet` runs before touching memory, shared by the
 * JavaScript and the native sets so that both reject the same calls with the same message.
 *
 * @module
 */
import { InvalidArgumentError } from '../errors.js';

/** Largest count a kernel accepts: CSR offsets and column ids are 32-bit. */
const MAX_COUNT = 0x7fffffff;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return value.constructor?.name ?? 'object';
}

/**
 * Checks that `n` is an integer in `0 .. 2^31-1`.
 * @throws InvalidArgumentError `"<kernel>: <name> must be an integer in 0 .. 2^31-1, got <n>"`.
 */
export function checkCount(kernel: string, name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_COUNT) {
    throw new InvalidArgumentError(`${kernel}: ${name} must be an integer in 0 .. 2^31-1, got ${String(n)}`);
  }
}

/**
 * Checks that a scalar argument is a number (NaN and infinities are numbers: they propagate).
 * @throws InvalidArgumentError `"<kernel>: <name> must be a number, got <type>"`.
 */
export function checkScalar(kernel: string, name: string, value: number): void {
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(`${kernel}: ${name} must be a number, got ${describe(value)}`);
  }
}

/**
 * Checks that `a` is a Float64Array with at least `n` elements.
 * @throws InvalidArgumentError `"<kernel>: <name> must be a Float64Array, got <type>"` or
 * `"<kernel>: <name> has length <len>, needs at least <n>"`.
 */
export function checkVector(kernel: string, name: string, a: Float64Array, n: number): void {
  if (!(a instanceof Float64Array)) {
    throw new InvalidArgumentError(`${kernel}: ${name} must be a Float64Array, got ${describe(a)}`);
  }
  if (a.length < n) throw new InvalidArgumentError(`${kernel}: ${name} has length ${a.length}, needs at least ${n}`);
}

function checkIds(kernel: string, name: string, a: Int32Array): void {
  if (!(a instanceof Int32Array)) {
    throw new InvalidArgumentError(`${kernel}: ${name} must be an Int32Array, got ${describe(a)}`);
  }
}

/**
 * Checks the CSR arguments of an SpMV: `nRows` a count, `rowPtr` an Int32Array of at least
 * `nRows + 1` offsets, and `rowPtr[nRows]` entries present in `colIdx` (Int32Array) and `values`
 * (Float64Array). The offsets in between and the column ids are a precondition (not checked).
 * @throws InvalidArgumentError naming the kernel and the argument.
 */
export function checkCsr(kernel: string, nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array): void {
  checkCount(kernel, 'nRows', nRows);
  checkIds(kernel, 'rowPtr', rowPtr);
  checkIds(kernel, 'colIdx', colIdx);
  if (rowPtr.length < nRows + 1) {
    throw new InvalidArgumentError(`${kernel}: rowPtr has length ${rowPtr.length}, needs at least nRows + 1 = ${nRows + 1}`);
  }
  checkVector(kernel, 'values', values, 0);
  const nnz = rowPtr[nRows];
  if (nnz < 0 || nnz > colIdx.length || nnz > values.length) {
    throw new InvalidArgumentError(
      `${kernel}: rowPtr[nRows] = ${nnz} must be in 0 .. min(colIdx.length, values.length) = ` +
        `${Math.min(colIdx.length, values.length)}`,
    );
  }
}

/**
 * Checks the compact-block arguments of {@link KernelSet.spmvDotCompact}: four counts with
 * `rowBegin <= rowEnd` and `entryBegin <= entryEnd`, `lengths` a Uint8Array of at least `rowEnd`
 * elements, `offsets` an Int16Array and `values` a Float64Array of at least `entryEnd`. That the
 * row lengths add up to `entryEnd - entryBegin` and the offsets index x is a precondition.
 * @throws InvalidArgumentError naming the kernel and the argument.
 */
export function checkCompactRows(
  kernel: string, rowBegin: number, rowEnd: number, entryBegin: number, entryEnd: number,
  lengths: Uint8Array, offsets: Int16Array, values: Float64Array,
): void {
  checkCount(kernel, 'rowBegin', rowBegin);
  checkCount(kernel, 'rowEnd', rowEnd);
  checkCount(kernel, 'entryBegin', entryBegin);
  checkCount(kernel, 'entryEnd', entryEnd);
  if (rowBegin > rowEnd) throw new InvalidArgumentError(`${kernel}: rowBegin must not exceed rowEnd, got ${rowBegin} > ${rowEnd}`);
  if (entryBegin > entryEnd) {
    throw new InvalidArgumentError(`${kernel}: entryBegin must not exceed entryEnd, got ${entryBegin} > ${entryEnd}`);
  }
  checkTyped(kernel, 'lengths', lengths, Uint8Array, rowEnd);
  checkTyped(kernel, 'offsets', offsets, Int16Array, entryEnd);
  checkVector(kernel, 'values', values, entryEnd);
}

function checkTyped(
  kernel: string, name: string, a: ArrayBufferView, kind: Uint8ArrayConstructor | Int16ArrayConstructor, n: number,
): void {
  if (!(a instanceof kind)) throw new InvalidArgumentError(`${kernel}: ${name} must be ${kind === Uint8Array ? 'a Uint8Array' : 'an Int16Array'}, got ${describe(a)}`);
  if (a.length < n) throw new InvalidArgumentError(`${kernel}: ${name} has length ${a.length}, needs at least ${n}`);
}
