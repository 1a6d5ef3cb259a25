/**
 * The V-cycle's fused row passes: a sparse product w = (M u)_i finished at once by the vector work
 * that uses it (a residual, an added correction, a Chebyshev step), so each is one pass over the
 * matrix and the vectors; and Chebyshev's first step from a zero guess. The JavaScript loops, the
 * hand-written description of their native exports (`cycleRows`, `cyclePipeline` and `chebyshevStart` of the
 * sparse-product addon `native/spgemm`, built to
 * `native/spgemm/build/Release/pa_spgemm.node`; loops in `native/spgemm/src/cycle.h`, same order,
 * same bits), its loader, and the choice between them.
 *
 * On a level without ghost entries the passes of a smoothing and the residual (or the prolongation
 * and a smoothing) also run as one pipelined sweep ({@link CycleKernels.pipeline}): the same
 * rows computed the same way, with the level's matrix and vectors read from memory once.
 *
 * A distributed matrix has an own block (columns: u's own values) and a ghost block (columns: u's
 * ghost values). Phase 1 runs the own block while u's ghost update is in flight: a row without
 * ghost entries is finished at once, the others keep their own-block sum in `partial`; phase 2
 * adds the ghost entries of those rows and finishes them. Row i's sum adds its own-block terms,
 * then its ghost-block terms, in stored order, on every backend.
 *
 * @module
 */
import { chooseKernels } from '../../kernels/choose-kernels.js';
import { checkCsr, checkScalar, checkVector } from '../../kernels/kernel-args.js';
import type { KernelKind } from '../../kernels/kernel-set.js';
import { InvalidArgumentError } from '../../errors.js';
import type { CsrMatrix } from '../../kernels/csr.js';
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../../native-addon.js';

/**
 * What finishing row i with w = (M u)_i does; the vectors are indexed by own row:
 * - `RESIDUAL`: v0 = v1 − w (v1: the right-hand side);
 * - `ADD`: v0 += w (the prolongated correction added to the iterate);
 * - `CHEBYSHEV_FIRST`: r = v3·(v2 − w), d = r / alpha (v0 = r, v1 = d, v2 = b, v3 = D⁻¹; the
 *   first step from a nonzero guess; x += d is left to the next step);
 * - `CHEBYSHEV_STEP`: r −= v3·w, d' = alpha·d + beta·r, x += d' (v0 = r, v1 = d', v2 = x,
 *   v3 = D⁻¹, v4 = d's own values, u = d);
 * - `CHEBYSHEV_STEP_ADD_PREVIOUS`: the same, adding d to x first (the step after CHEBYSHEV_FIRST).
 */
export const CycleMode = {
  RESIDUAL: 0,
  ADD: 1,
  CHEBYSHEV_FIRST: 2,
  CHEBYSHEV_STEP: 3,
  CHEBYSHEV_STEP_ADD_PREVIOUS: 4,
} as const;
export type CycleMode = (typeof CycleMode)[keyof typeof CycleMode];

/**
 * A stage of a pipelined pass ({@link CycleKernels.pipeline}) that is not a row pass: Chebyshev's
 * start from a zero guess (v0 = r, v1 = d, v2 = x, v3 = D⁻¹, v4 = b, alpha = θ).
 */
export const PIPELINE_START = 6;

/**
 * A stage of a pipelined pass that scatters over P's rows: the restriction v0 = Pᵀ v1, v0 (P's
 * columns) zero before the pass. Each v0[c] adds p_ic·v1[i] in the order of i, as the row of
 * R = Pᵀ (columns ascending) does in an SpMV from zero: the same bits as `spmv(v0, R, v1)`.
 * P's column ids must be below its column count (as for every block of a PSparseMatrix).
 */
export const PIPELINE_RESTRICT = 7;

/**
 * The stages of a pipelined pass: per stage its mode ({@link CycleMode}: a row pass over the
 * level's matrix A, or `ADD`: over its prolongator P; or {@link PIPELINE_START} or
 * {@link PIPELINE_RESTRICT}), alpha and beta
 * at `scalars[2s]`, `scalars[2s + 1]`, and the vectors u, v0..v4 at `vectors[6s .. 6s + 5]`
 * (empty where unused; u is indexed by the matrix's columns, v0..v4 by A's rows).
 */
export interface PipelineStages {
  readonly modes: Int32Array;
  readonly scalars: Float64Array;
  readonly vectors: readonly Float64Array[];
  /**
   * Per stage, the rows it runs, `[first, last)` at `ranges[2s]`, `ranges[2s + 1]` (absent: every
   * row). On a matrix with ghost entries: rows that need no ghost value, each stage's range at least
   * `bandwidth` rows inside the range of the stage before it (a precondition, as the bandwidth is).
   */
  readonly ranges?: Int32Array;
}

/**
 * The addon's export for the cycle. Types, counts and lengths are checked (`TypeError`, `RangeError`); that the
 * column ids index `u` is a precondition, as for the library's SpMV kernels (they come from a
 * PSparseMatrix's blocks). Vectors a mode does not use may be empty.
 */
export interface CycleBinding {
  /** {@link CycleKernels.pipeline}'s loops, A's and P's arrays passed one by one. */
  cyclePipeline(
    nRows: number, bandwidth: number, aRowPtr: Int32Array, aColIdx: Int32Array, aValues: Float64Array,
    pRowPtr: Int32Array, pColIdx: Int32Array, pValues: Float64Array, pCols: number,
    modes: Int32Array, scalars: Float64Array, vectors: readonly Float64Array[], ranges?: Int32Array,
  ): void;
  /**
   * Phase 1 (`phase = 1`: the own block, `u` the local values) or phase 2 (the ghost block, `u`
   * the ghost values) of `mode`'s pass over `nRows` rows. `ghostRowPtr` is the ghost block's row
   * pointers (phase 1 defers the rows with ghost entries); `partial` (nRows) carries their sums.
   * With `from` and `to`, rows from..to − 1 only.
   */
  cycleRows(
    mode: CycleMode, phase: 1 | 2, nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array,
    u: Float64Array, ghostRowPtr: Int32Array, partial: Float64Array,
    v0: Float64Array, v1: Float64Array, v2: Float64Array, v3: Float64Array, v4: Float64Array, alpha: number, beta: number,
    from?: number, to?: number,
  ): void;
  /**
   * Chebyshev's first step from a zero guess, which needs no product: r = D⁻¹b (`inverse` holds
   * D⁻¹), d = r / theta, x = d, over the first `n` values of each array.
   */
  chebyshevStart(n: number, b: Float64Array, inverse: Float64Array, theta: number, r: Float64Array, d: Float64Array, x: Float64Array): void;
}

/** The loops and which implementation runs them. */
export interface CycleKernels {
  readonly kind: KernelKind;
  /** See {@link CycleBinding.cycleRows}. */
  cycleRows(...args: RowPassArguments): void;
  /** See {@link CycleBinding.chebyshevStart}. */
  chebyshevStart(...args: Parameters<CycleBinding['chebyshevStart']>): void;
  /**
   * The stages, each a pass over every row of A (`nRows` × `nRows`, no ghost entries) that may
   * read what the earlier stages wrote, with the bits of running them one after another. Native:
   * one sweep, stage s finishing row i once stage s − 1 finished the rows up to i + `bandwidth`
   * (the largest |column − row| of A's entries, or more), so A's rows and the vectors come from
   * memory once for all the stages; JavaScript: one stage after another.
   */
  pipeline(nRows: number, bandwidth: number, a: CsrMatrix, p: CsrMatrix, stages: PipelineStages): void;
}

/** The arguments of a row pass (the addon's `cycleRows`). */
type RowPassArguments = [
  mode: CycleMode, phase: 1 | 2, nRows: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array,
  u: Float64Array, ghostRowPtr: Int32Array, partial: Float64Array,
  v0: Float64Array, v1: Float64Array, v2: Float64Array, v3: Float64Array, v4: Float64Array, alpha: number, beta: number,
  from?: number, to?: number,
];

/** Row i finished with w, as `finish_row` in cycle.h. */
function finishRow(
  mode: CycleMode, i: number, w: number,
  v0: Float64Array, v1: Float64Array, v2: Float64Array, v3: Float64Array, v4: Float64Array, alpha: number, beta: number,
): void {
  switch (mode) {
    case CycleMode.RESIDUAL:
      v0[i] = v1[i] - w;
      return;
    case CycleMode.ADD:
      v0[i] += w;
      return;
    case CycleMode.CHEBYSHEV_FIRST: {
      const r = v3[i] * (v2[i] - w);
      v0[i] = r;
      v1[i] = r / alpha;
      return;
    }
    default: {
      const d = v4[i];
      if (mode === CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS) v2[i] += d;
      const r = v0[i] - v3[i] * w;
      v0[i] = r;
      const next = alpha * d + beta * r;
      v1[i] = next;
      v2[i] += next;
    }
  }
}

/** The JavaScript loops: `native/spgemm/src/cycle.h` in the same order (so the same bits). */
export const jsCycleKernels: CycleKernels = {
  kind: 'js',
  cycleRows(mode, phase, nRows, rowPtr, colIdx, values, u, ghostRowPtr, partial, v0, v1, v2, v3, v4, alpha, beta, from = 0, to = nRows) {
    for (let i = from; i < to; i++) {
      if (phase === 2 && rowPtr[i + 1] === rowPtr[i]) continue;
      let w = phase === 1 ? 0 : partial[i];
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) w += values[e] * u[colIdx[e]];
      if (phase === 1 && ghostRowPtr[i + 1] > ghostRowPtr[i]) partial[i] = w;
      else finishRow(mode, i, w, v0, v1, v2, v3, v4, alpha, beta);
    }
  },
  chebyshevStart(n, b, inverse, theta, r, d, x) {
    for (let i = 0; i < n; i++) {
      const ri = inverse[i] * b[i];
      r[i] = ri;
      const di = ri / theta;
      d[i] = di;
      x[i] = di;
    }
  },
  pipeline(nRows, _bandwidth, a, p, { modes, scalars, vectors, ranges }) {
    for (let s = 0; s < modes.length; s++) {
      const first = ranges === undefined ? 0 : ranges[2 * s];
      const last = ranges === undefined ? nRows : ranges[2 * s + 1];
      const k = 6 * s;
      const [u, v0, v1, v2, v3, v4] = [vectors[k], vectors[k + 1], vectors[k + 2], vectors[k + 3], vectors[k + 4], vectors[k + 5]];
      const alpha = scalars[2 * s];
      const beta = scalars[2 * s + 1];
      const mode = modes[s];
      if (mode === PIPELINE_START) {
        for (let i = first; i < last; i++) {
          const ri = v3[i] * v4[i];
          v0[i] = ri;
          const di = ri / alpha;
          v1[i] = di;
          v2[i] = di;
        }
        continue;
      }
      if (mode === PIPELINE_RESTRICT) {
        for (let i = first; i < last; i++) {
          const ri = v1[i];
          for (let e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) v0[p.colIdx[e]] += p.values[e] * ri;
        }
        continue;
      }
      const { rowPtr, colIdx, values } = mode === CycleMode.ADD ? p : a;
      for (let i = first; i < last; i++) {
        let w = 0;
        for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) w += values[e] * u[colIdx[e]];
        finishRow(mode as CycleMode, i, w, v0, v1, v2, v3, v4, alpha, beta);
      }
    }
  },
};

/** The vectors v0..v4 a stage of `mode` reads or writes (as `Uses` in cycle-addon.cc). */
function stageUses(mode: number, k: number): boolean {
  if (mode === PIPELINE_RESTRICT) return k === 1;
  if (mode === PIPELINE_START || mode >= CycleMode.CHEBYSHEV_STEP) return true;
  if (mode === CycleMode.CHEBYSHEV_FIRST) return k <= 3;
  return mode === CycleMode.RESIDUAL ? k <= 1 : k === 0;
}

/** The addon's checks of a pipeline, in JavaScript: before the JavaScript loops too, so both throw alike. */
function checkPipeline(nRows: number, bandwidth: number, a: CsrMatrix, p: CsrMatrix, { modes, scalars, vectors, ranges }: PipelineStages): void {
  const kernel = 'cyclePipeline';
  checkCsr(kernel, nRows, a.rowPtr, a.colIdx, a.values);
  checkCsr(kernel, nRows, p.rowPtr, p.colIdx, p.values);
  if (!Number.isInteger(bandwidth) || bandwidth < 0) throw new InvalidArgumentError(`${kernel}: bandwidth must be an integer ≥ 0, got ${String(bandwidth)}`);
  if (!(modes instanceof Int32Array) || modes.length < 1 || modes.length > 16) {
    throw new InvalidArgumentError(`${kernel}: modes must be an Int32Array of 1 to 16 stages`);
  }
  checkVector(kernel, 'scalars', scalars, 2 * modes.length);
  if (!Array.isArray(vectors) || vectors.length < 6 * modes.length) {
    throw new InvalidArgumentError(`${kernel}: vectors must be an array of 6 Float64Arrays per stage`);
  }
  if (ranges !== undefined) {
    if (!(ranges instanceof Int32Array) || ranges.length < 2 * modes.length) {
      throw new InvalidArgumentError(`${kernel}: ranges must be an Int32Array of 2 values per stage`);
    }
    for (let s = 0; s < modes.length; s++) {
      if (!(ranges[2 * s] >= 0 && ranges[2 * s] <= ranges[2 * s + 1] && ranges[2 * s + 1] <= nRows)) {
        throw new InvalidArgumentError(`${kernel}: ranges of stage ${s} must satisfy 0 ≤ first ≤ last ≤ nRows = ${nRows}`);
      }
    }
  }
  for (let s = 0; s < modes.length; s++) {
    const mode = modes[s];
    const restrict = mode === PIPELINE_RESTRICT;
    if (mode !== PIPELINE_START && !restrict && !(mode >= CycleMode.RESIDUAL && mode <= CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS)) {
      throw new InvalidArgumentError(`${kernel}: modes[${s}] = ${mode} is not a stage`);
    }
    const uLength = mode === PIPELINE_START || restrict ? 0 : mode === CycleMode.ADD ? p.nCols : nRows;
    checkVector(kernel, "a stage's u", vectors[6 * s], uLength);
    for (let k = 0; k < 5; k++) {
      const need = restrict && k === 0 ? p.nCols : stageUses(mode, k) ? nRows : 0;
      checkVector(kernel, "a stage's vector", vectors[6 * s + 1 + k], need);
    }
  }
}

/** The addon's checks, in JavaScript: before the JavaScript loops too, so both throw alike. */
function checkArguments(...args: RowPassArguments): void {
  const [mode, phase, nRows, rowPtr, colIdx, values, u, ghostRowPtr, partial, v0, v1, v2, v3, v4, alpha, beta, from, to] = args;
  if (!Number.isInteger(mode) || mode < 0 || mode > CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS) {
    throw new InvalidArgumentError(`cycleRows: mode must be an integer in 0 .. 4, got ${String(mode)}`);
  }
  if (phase !== 1 && phase !== 2) throw new InvalidArgumentError(`cycleRows: phase must be 1 or 2, got ${String(phase)}`);
  checkCsr('cycleRows', nRows, rowPtr, colIdx, values);
  checkVector('cycleRows', 'u', u, 0);
  checkVector('cycleRows', 'partial', partial, nRows);
  if (ghostRowPtr.length < nRows + 1) {
    throw new InvalidArgumentError(`cycleRows: ghostRowPtr has length ${ghostRowPtr.length}, needs at least nRows + 1 = ${nRows + 1}`);
  }
  checkVector('cycleRows', 'v0', v0, nRows);
  checkVector('cycleRows', 'v1', v1, mode === CycleMode.ADD ? 0 : nRows);
  checkVector('cycleRows', 'v2', v2, mode >= CycleMode.CHEBYSHEV_FIRST ? nRows : 0);
  checkVector('cycleRows', 'v3', v3, mode >= CycleMode.CHEBYSHEV_FIRST ? nRows : 0);
  checkVector('cycleRows', 'v4', v4, mode >= CycleMode.CHEBYSHEV_STEP ? nRows : 0);
  checkScalar('cycleRows', 'alpha', alpha);
  checkScalar('cycleRows', 'beta', beta);
  if (from !== undefined || to !== undefined) {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from! >= 0 && from! <= to! && to! <= nRows)) {
      throw new InvalidArgumentError(`cycleRows: from and to must be integers with 0 ≤ from ≤ to ≤ nRows = ${nRows}, got ${String(from)}, ${String(to)}`);
    }
  }
}

/** What to do when the native V-cycle passes are unavailable. */
export const CYCLE_FIXES: readonly string[] = [
  'install a C++ compiler: apt-get install -y g++',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript kernels on purpose: PA_KERNELS=js',
];

/**
 * Loads the addon from the first of `paths` that works (`load`: Node's `require` unless a test
 * injects one).
 * @throws BackendUnavailableError listing why each path could not be used, and {@link CYCLE_FIXES}.
 * @example `const binding = loadCycleBinding();`
 */
export function loadCycleBinding(
  paths: readonly string[] = addonPaths('spgemm', 'pa_spgemm.node'),
  load: (path: string) => unknown = requireNative,
): CycleBinding {
  return loadAddon<CycleBinding>({
    paths,
    load,
    required: ['cycleRows', 'cyclePipeline', 'chebyshevStart'],
    what: 'sparse-product addon (AMG cycle passes)',
    summary: 'The native AMG cycle kernels are unavailable',
    fixes: CYCLE_FIXES,
  });
}

/** Below this many rows + entries a pass runs in JavaScript (same bits): a native call's fixed cost is not repaid. */
const NATIVE_MIN_WORK = 512;

/** The addon's loops after the JavaScript checks (the JavaScript loops for small passes). */
export function nativeCycleKernels(binding: CycleBinding): CycleKernels {
  return {
    kind: 'native',
    cycleRows(...args) {
      checkArguments(...args);
      const [, , nRows, rowPtr] = args;
      if (nRows + rowPtr[nRows] < NATIVE_MIN_WORK) return jsCycleKernels.cycleRows(...args);
      binding.cycleRows(...args);
    },
    pipeline(nRows, bandwidth, a, p, stages) {
      checkPipeline(nRows, bandwidth, a, p, stages);
      if (nRows + a.rowPtr[nRows] < NATIVE_MIN_WORK) return jsCycleKernels.pipeline(nRows, bandwidth, a, p, stages);
      binding.cyclePipeline(
        nRows, bandwidth, a.rowPtr, a.colIdx, a.values, p.rowPtr, p.colIdx, p.values, p.nCols,
        stages.modes, stages.scalars, stages.vectors, stages.ranges,
      );
    },
    chebyshevStart(n, b, inverse, theta, r, d, x) {
      checkVector('chebyshevStart', 'b', b, n);
      checkVector('chebyshevStart', 'inverse', inverse, n);
      checkVector('chebyshevStart', 'r', r, n);
      checkVector('chebyshevStart', 'd', d, n);
      checkVector('chebyshevStart', 'x', x, n);
      checkScalar('chebyshevStart', 'theta', theta);
      if (n < NATIVE_MIN_WORK) return jsCycleKernels.chebyshevStart(n, b, inverse, theta, r, d, x);
      binding.chebyshevStart(n, b, inverse, theta, r, d, x);
    },
  };
}

/**
 * The kernels the environment asks for (`PA_KERNELS`, `PA_REQUIRE_NATIVE`), as the library's
 * other kernels choose theirs.
 * @throws InvalidArgumentError for another `PA_KERNELS`; BackendUnavailableError when the addon
 * is required and cannot be loaded.
 */
export function selectCycleKernels(
  env: { readonly PA_KERNELS?: string; readonly PA_REQUIRE_NATIVE?: string },
  load: () => CycleBinding = () => loadCycleBinding(),
): CycleKernels {
  return chooseKernels(env, { native: () => nativeCycleKernels(load()), js: jsCycleKernels });
}

let selected: CycleKernels | undefined;

/** The kernels of this process, chosen from `process.env` on first use. */
export function cycleKernels(): CycleKernels {
  selected ??= selectCycleKernels(process.env);
  return selected;
}
