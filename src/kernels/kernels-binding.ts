/**
 * The hand-written TypeScript description of the kernels addon (`native/kernels`, built to
 * `native/kernels/build/Release/pa_kernels.node`). The library never calls it directly: it goes
 * through `nativeKernelSet` (native-kernels.ts), which validates arguments with the library's
 * error classes.
 *
 * @module
 */
import type { KernelSet } from './kernel-set.js';

/**
 * The functions the addon exports: the methods of {@link KernelSet} (same arguments, same loops,
 * same bits; see `native/kernels/src/kernels.h`), without `kind`.
 *
 * The addon checks argument types and array lengths itself, so that no call can make it write
 * outside the arrays it is given: a wrong type throws a `TypeError`, a bad count or a short array
 * a `RangeError`, with messages such as `"dot: x has length 3, needs at least 4"`. Column ids are
 * not checked (the CSR precondition of {@link KernelSet}). Each call runs to completion on the
 * calling thread and keeps no reference to its arguments.
 *
 * @example
 * ```ts
 * const binding = loadKernelsBinding();
 * binding.axpy(3, 2, Float64Array.of(1, 1, 1), y); // y += 2
 * ```
 */
export type KernelsBinding = Omit<KernelSet, 'kind'>;

/** The functions a loaded module must export to be taken for the kernels addon. */
export const KERNELS_BINDING_FUNCTIONS: readonly (keyof KernelsBinding)[] = [
  'spmv', 'spmvAdd', 'spmvDot', 'spmvAddDot', 'spmvDotCompact', 'dot', 'sum', 'axpy', 'axpby', 'scale', 'cgUpdate', 'cgResidualJacobi',
  'cgDirectionJacobi', 'cgStepJacobi',
];
