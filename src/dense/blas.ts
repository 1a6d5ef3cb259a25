/**
 * Dense level-1/2 BLAS on typed arrays (`ddot`, `daxpy`, `dgemv`): OpenBLAS through the `pa_blas`
 * addon (`native/blas`, linked against Debian's `libopenblas-dev`) when it is built, else the
 * JavaScript fallback, behind one checked {@link DenseBlas} interface. {@link blas} is the process's
 * choice, made at its first use (not at import, so that `OPENBLAS_NUM_THREADS` can be set first).
 *
 * Determinism: OpenBLAS sums in another order than the fallback (blocked, vectorized, with fused
 * multiply-adds), so its results may differ from the fallback's in the last bits. For a given
 * machine and thread count they are reproducible, but they are not the same on every machine.
 * That is why CG and the sparse kernels never use it (they promise the same bits on every backend
 * and kernel choice): it is for dense blocks, whose determinism contract is per machine.
 *
 * Environment, read at the first use of {@link blas}:
 * - `PA_BLAS=js`: the JavaScript fallback, without trying the addon (bits independent of the
 *   machine's BLAS).
 * - `PA_BLAS=openblas`: the addon; if it cannot be loaded, the first use throws.
 * - unset (or empty): the addon if it loads, else JavaScript; with `PA_REQUIRE_NATIVE=1` (or
 *   `true`; this repository's CI sets it) a missing addon throws, so CI never silently tests the
 *   fallback. `CI=true` alone does not: a downstream project's CI may have no compiler.
 * - `OPENBLAS_NUM_THREADS`: applied to OpenBLAS when the addon loads (see `pinOpenBlasToOneThread`).
 *
 * @module
 */
import { BUILD_ADDONS_COMMAND, addonPaths, loadAddon, requireNative } from '../native-addon.js';
import { BackendUnavailableError, DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { checkCount, checkScalar, checkVector } from '../kernels/kernel-args.js';
import { describeValue, expectFunction } from '../argument-checks.js';

/**
 * Storage order of a dense matrix: `'row'` (A(i,j) at `i*lda + j`) or `'col'` (at `i + j*lda`).
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export type BlasLayout = 'row' | 'col';
/**
 * `op(A)` of `dgemv`: `'n'` is A, `'t'` is Aᵀ.
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export type BlasTranspose = 'n' | 't';
/**
 * Which implementation a {@link DenseBlas} is.
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export type BlasKind = 'openblas' | 'js';

/**
 * Dense BLAS routines with the reference BLAS's arguments and meaning (CBLAS order, 0-based
 * arrays). A vector of `n` elements at stride `inc` holds its element `i` at `i*inc` when
 * `inc > 0` and at `(n-1-i)*|inc|` when `inc < 0` (BLAS's convention); `inc = 0` is rejected.
 *
 * Every call checks, before reading or writing anything: counts are integers in `0 .. 2^31-1`,
 * strides non-zero integers, scalars numbers, arrays Float64Arrays long enough for the elements
 * they span, `lda` at least the stored row length, and the array written does not overlap in
 * memory one that is read. A violation throws `InvalidArgumentError` with the exact reason (for
 * example `"ddot: x has length 3, needs at least 1 + (n-1)*|incx| = 4"`). The caller owns every
 * array; nothing is kept or allocated.
 *
 * @example
 * ```ts
 * const A = Float64Array.of(1, 2, 3, 4, 5, 6); // 2×3, row-major
 * const y = new Float64Array(2);
 * blas.dgemv('row', 'n', 2, 3, 1, A, 3, Float64Array.of(1, 1, 1), 1, 0, y, 1); // y = [6, 15]
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export interface DenseBlas {
  /** `'openblas'` (the addon) or `'js'` (the fallback). */
  readonly kind: BlasKind;
  /** Returns `Σ x_i y_i` over `n` elements (0 when `n = 0`). */
  ddot(n: number, x: Float64Array, incx: number, y: Float64Array, incy: number): number;
  /** `y ← alpha x + y` over `n` elements; when `alpha = 0`, y is left untouched (as in BLAS). */
  daxpy(n: number, alpha: number, x: Float64Array, incx: number, y: Float64Array, incy: number): void;
  /**
   * `y ← alpha op(A) x + beta y` with A an `m×n` matrix stored in `layout` with leading dimension
   * `lda`; x has `n` elements (`m` when transposed), y has `m` (`n`). As in BLAS: with `beta = 0`
   * the old y is not read (NaN there does not propagate); with `alpha = 0`, A and x are not read;
   * when `m = 0` or `n = 0`, y is left untouched even if `beta ≠ 1`.
   */
  dgemv(
    layout: BlasLayout, trans: BlasTranspose, m: number, n: number, alpha: number, A: Float64Array, lda: number,
    x: Float64Array, incx: number, beta: number, y: Float64Array, incy: number,
  ): void;
}

/**
 * The hand-written TypeScript description of the `pa_blas` addon (built to
 * `native/blas/build/Release/pa_blas.node`): the routines of {@link DenseBlas} calling CBLAS, and
 * OpenBLAS's thread count, which is one setting for the whole process (every worker thread).
 * The addon repeats every check that keeps memory safe and throws `TypeError` (a wrong type) or
 * `RangeError` (a bad value) with the same reason; it does not check overlap (BLAS leaves it
 * undefined). Use it through {@link openBlas}.
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export interface BlasBinding extends Omit<DenseBlas, 'kind'> {
  /**
   * `y ← alpha A x + beta y` for a column-major `m×n` A (leading dimension `lda ≥ max(1, m)`) and
   * unit-stride x (`n` elements) and y (`m`), by the addon's own kernel (not OpenBLAS; see
   * {@link openBlas}) on `path`: `'auto'` (the widest this CPU has), `'avx512'`, `'avx2'` or
   * `'scalar'`, which all give the same bits (a path the CPU lacks is a RangeError).
   */
  gemvColumns(
    m: number, n: number, alpha: number, A: Float64Array, lda: number, x: Float64Array, beta: number, y: Float64Array,
    path: GemvColumnsPath,
  ): void;
  /** The path `'auto'` takes on this CPU. */
  gemvColumnsPath(): Exclude<GemvColumnsPath, 'auto'>;
  /** Sets OpenBLAS's thread count (`openblas_set_num_threads`); `k` an integer ≥ 1. */
  setNumThreads(k: number): void;
  /** The thread count OpenBLAS uses now (`openblas_get_num_threads`). */
  getNumThreads(): number;
}

/**
 * The code paths of the addon's column-major matrix-vector kernel ({@link BlasBinding.gemvColumns}).
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export type GemvColumnsPath = 'auto' | 'avx512' | 'avx2' | 'scalar';

/** The functions a loaded module must export to be taken for the BLAS addon. */
const BLAS_BINDING_FUNCTIONS: readonly (keyof BlasBinding)[] = [
  'ddot', 'daxpy', 'dgemv', 'gemvColumns', 'gemvColumnsPath', 'setNumThreads', 'getNumThreads',
];

/** What to do when OpenBLAS is unavailable, in the order a user would do it. */
export const BLAS_FIXES: readonly string[] = [
  'install OpenBLAS: apt-get install -y libopenblas-dev',
  `build the addon: ${BUILD_ADDONS_COMMAND}`,
  'or use the JavaScript BLAS on purpose: PA_BLAS=js',
];

const MAX_INT = 0x7fffffff;

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || typeof value !== 'object') return String(value);
  return value.constructor?.name ?? 'object';
}

function checkInc(routine: string, name: string, inc: number): void {
  if (!Number.isInteger(inc) || inc === 0 || Math.abs(inc) > MAX_INT) {
    throw new InvalidArgumentError(`${routine}: ${name} must be a non-zero integer in -(2^31-1) .. 2^31-1, got ${String(inc)}`);
  }
}

/** Elements spanned by `count` elements at stride `inc`. */
function span(count: number, inc: number): number {
  return count === 0 ? 0 : 1 + (count - 1) * Math.abs(inc);
}

/** Checks that `a` is a Float64Array of at least `needed` elements, computed by `formula`. */
function checkLength(routine: string, name: string, a: Float64Array, needed: number, formula: string): void {
  checkVector(routine, name, a, 0);
  if (a.length < needed) {
    throw new InvalidArgumentError(`${routine}: ${name} has length ${a.length}, needs at least ${formula} = ${needed}`);
  }
}

/** The formula of a strided vector's span, as messages write it (built only for a message). */
const spanFormula = (count: string, inc: string): string => `1 + (${count}-1)*|${inc}|`;

/** Throws when the memory of the `wSpan` elements written overlaps that of the `rSpan` read. */
function checkNoOverlap(routine: string, wName: string, w: Float64Array, wSpan: number, rName: string, r: Float64Array, rSpan: number): void {
  if (wSpan === 0 || rSpan === 0 || w.buffer !== r.buffer) return;
  if (w.byteOffset < r.byteOffset + 8 * rSpan && r.byteOffset < w.byteOffset + 8 * wSpan) {
    throw new InvalidArgumentError(`${routine}: ${wName} overlaps ${rName} in memory (${wName} is written while ${rName} is read)`);
  }
}

/** The checks of ddot and daxpy (after daxpy's alpha): n, the strides, then x and y. */
function checkLevel1(routine: string, n: number, x: Float64Array, incx: number, y: Float64Array, incy: number): void {
  checkCount(routine, 'n', n);
  checkInc(routine, 'incx', incx);
  checkInc(routine, 'incy', incy);
  const spanX = span(n, incx);
  const spanY = span(n, incy);
  if (!(x instanceof Float64Array) || x.length < spanX) checkLength(routine, 'x', x, spanX, spanFormula('n', 'incx'));
  if (!(y instanceof Float64Array) || y.length < spanY) checkLength(routine, 'y', y, spanY, spanFormula('n', 'incy'));
}

function checkDaxpy(n: number, alpha: number, x: Float64Array, incx: number, y: Float64Array, incy: number): void {
  checkScalar('daxpy', 'alpha', alpha);
  checkLevel1('daxpy', n, x, incx, y, incy);
  checkNoOverlap('daxpy', 'y', y, span(n, incy), 'x', x, span(n, incx));
}

function checkDgemv(
  layout: BlasLayout, trans: BlasTranspose, m: number, n: number, alpha: number, A: Float64Array, lda: number,
  x: Float64Array, incx: number, beta: number, y: Float64Array, incy: number,
): void {
  if (layout !== 'row' && layout !== 'col') {
    throw new InvalidArgumentError(`dgemv: layout must be 'row' or 'col', got ${describe(layout)}`);
  }
  if (trans !== 'n' && trans !== 't') throw new InvalidArgumentError(`dgemv: trans must be 'n' or 't', got ${describe(trans)}`);
  checkCount('dgemv', 'm', m);
  checkCount('dgemv', 'n', n);
  checkScalar('dgemv', 'alpha', alpha);
  checkScalar('dgemv', 'beta', beta);
  const rowMajor = layout === 'row';
  const rows = rowMajor ? m : n;
  const cols = rowMajor ? n : m;
  const minLda = Math.max(1, cols);
  if (!Number.isInteger(lda) || lda < minLda || lda > MAX_INT) {
    throw new InvalidArgumentError(
      `dgemv: lda must be an integer in ${minLda} .. 2^31-1 (max(1, ${rowMajor ? 'n' : 'm'}) for a ` +
        `${rowMajor ? 'row' : 'column'}-major A), got ${String(lda)}`,
    );
  }
  checkInc('dgemv', 'incx', incx);
  checkInc('dgemv', 'incy', incy);
  const t = trans === 't';
  const spanA = rows === 0 || cols === 0 ? 0 : (rows - 1) * lda + cols;
  const spanX = span(t ? m : n, incx);
  const spanY = span(t ? n : m, incy);
  if (!(A instanceof Float64Array) || A.length < spanA) checkLength('dgemv', 'A', A, spanA, rowMajor ? '(m-1)*lda + n' : '(n-1)*lda + m');
  if (!(x instanceof Float64Array) || x.length < spanX) checkLength('dgemv', 'x', x, spanX, spanFormula(t ? 'm' : 'n', 'incx'));
  if (!(y instanceof Float64Array) || y.length < spanY) checkLength('dgemv', 'y', y, spanY, spanFormula(t ? 'n' : 'm', 'incy'));
  checkNoOverlap('dgemv', 'y', y, spanY, 'A', A, spanA);
  checkNoOverlap('dgemv', 'y', y, spanY, 'x', x, spanX);
}

/** Index of element 0 of a strided vector of `count` elements. */
function first(count: number, inc: number): number {
  return inc < 0 ? (1 - count) * inc : 0;
}

/**
 * The JavaScript {@link DenseBlas}: plain loops in the reference BLAS's order (one accumulator,
 * left to right; `dgemv` by dot products along stored rows or by axpys of stored rows, whichever
 * reads A contiguously). Its bits do not depend on the machine. Stateless.
 *
 * @example
 * ```ts
 * jsBlas.ddot(3, Float64Array.of(1, 2, 3), 1, Float64Array.of(1, 1, 1), 1); // 6
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export const jsBlas: DenseBlas = {
  kind: 'js',

  ddot(n, x, incx, y, incy) {
    checkLevel1('ddot', n, x, incx, y, incy);
    let s = 0;
    for (let i = 0, ix = first(n, incx), iy = first(n, incy); i < n; i++, ix += incx, iy += incy) s += x[ix] * y[iy];
    return s;
  },

  daxpy(n, alpha, x, incx, y, incy) {
    checkDaxpy(n, alpha, x, incx, y, incy);
    if (alpha === 0) return;
    for (let i = 0, ix = first(n, incx), iy = first(n, incy); i < n; i++, ix += incx, iy += incy) y[iy] += alpha * x[ix];
  },

  dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy) {
    checkDgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
    if (m === 0 || n === 0 || (alpha === 0 && beta === 1)) return;
    const transposed = trans === 't';
    const lenX = transposed ? m : n;
    const lenY = transposed ? n : m;
    const x0 = first(lenX, incx);
    const y0 = first(lenY, incy);
    if (beta !== 1) {
      for (let i = 0, iy = y0; i < lenY; i++, iy += incy) y[iy] = beta === 0 ? 0 : beta * y[iy];
    }
    if (alpha === 0) return;
    const rowMajor = layout === 'row';
    const rows = rowMajor ? m : n;
    const cols = rowMajor ? n : m;
    if (rowMajor !== transposed) {
      // y[r] += alpha Σ_c A[r*lda + c] x[c]: y runs along the stored rows, x along a row.
      for (let r = 0, iy = y0; r < rows; r++, iy += incy) {
        let s = 0;
        for (let c = 0, k = r * lda, ix = x0; c < cols; c++, k++, ix += incx) s += A[k] * x[ix];
        y[iy] += alpha * s;
      }
    } else {
      // y += (alpha x[r]) A[r*lda .. r*lda + cols): x runs along the stored rows, y along a row.
      for (let r = 0, ix = x0; r < rows; r++, ix += incx) {
        const t = alpha * x[ix];
        for (let c = 0, k = r * lda, iy = y0; c < cols; c++, k++, iy += incy) y[iy] += t * A[k];
      }
    }
  },
};

/**
 * Below this much work (elements read: `2n` for ddot and daxpy, `m·n + m + n` for dgemv) the
 * OpenBLAS set runs {@link jsBlas} instead: a call into OpenBLAS costs a fixed ~0.2 µs (ddot,
 * daxpy) to ~0.7 µs (dgemv), measured here (bench/blas.ts and smaller sizes: JS is faster up to
 * n ≈ 100 for ddot/daxpy and 12×12 for dgemv). The results of such calls are the fallback's bits,
 * deterministically for a given size.
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export const OPENBLAS_MIN_WORK = 256;

/**
 * The {@link DenseBlas} running OpenBLAS through `binding`, after the same checks as
 * {@link jsBlas} (so both reject the same calls with the same messages), and running
 * {@link jsBlas} for calls with less work than `minWork` (0 sends every call to OpenBLAS).
 * Its results may differ from {@link jsBlas}'s in the last bits (another summation order), which
 * is why CG never uses it (see the module notes).
 *
 * One exception to OpenBLAS: `dgemv` of a column-major A without transpose (or, the same memory,
 * a row-major A transposed) with unit strides runs the addon's own kernel
 * ({@link BlasBinding.gemvColumns}: 16 columns per pass, AVX-512 where the CPU has it, fused
 * multiply-adds in a fixed order, so the same bits on every CPU). Debian's OpenBLAS 0.3.21 runs its
 * Haswell `dgemv_n` there, which streamed a 4000×8000 block at about half the kernel's rate on
 * this project's AVX-512 machine (~12 ms against ~6.3 ms, one core; the dense PArray product is
 * that call).
 *
 * @example
 * ```ts
 * const openblas = openBlas(loadBlasBinding());
 * openblas.kind; // 'openblas'
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export function openBlas(binding: BlasBinding, minWork: number = OPENBLAS_MIN_WORK): DenseBlas {
  return {
    kind: 'openblas',
    ddot(n, x, incx, y, incy) {
      if (2 * n < minWork) return jsBlas.ddot(n, x, incx, y, incy);
      checkLevel1('ddot', n, x, incx, y, incy);
      return binding.ddot(n, x, incx, y, incy);
    },
    daxpy(n, alpha, x, incx, y, incy) {
      if (2 * n < minWork) return jsBlas.daxpy(n, alpha, x, incx, y, incy);
      checkDaxpy(n, alpha, x, incx, y, incy);
      binding.daxpy(n, alpha, x, incx, y, incy);
    },
    dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy) {
      if (m * n + m + n < minWork) return jsBlas.dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
      checkDgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
      if (incx !== 1 || incy !== 1 || (layout === 'col') === (trans === 't')) {
        binding.dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy);
      } else if (m !== 0 && n !== 0) {
        // A column-major A (or the transpose of a row-major one, the same memory): the addon's kernel.
        if (layout === 'col') binding.gemvColumns(m, n, alpha, A, lda, x, beta, y, 'auto');
        else binding.gemvColumns(n, m, alpha, A, lda, x, beta, y, 'auto');
      }
    },
  };
}

/** Where `npm run build:native` puts the addon (release first, then a debug build). */
export function blasAddonPaths(): string[] {
  return addonPaths('blas', 'pa_blas.node');
}

const loadedBindings = new Set<BlasBinding>();

/** Every addon instance loaded so far in this thread (OpenBLAS behind them is one per process). */
export function loadedBlasBindings(): readonly BlasBinding[] {
  return [...loadedBindings];
}

/**
 * Loads the BLAS addon from the first of `paths` that works (`load` is how a path is loaded:
 * Node's `require` by default; tests inject one), then applies `process.env.OPENBLAS_NUM_THREADS`
 * when it is a positive integer: OpenBLAS reads the C environment only, and in a worker thread
 * `process.env` is a copy that never reaches it.
 *
 * @throws BackendUnavailableError `"OpenBLAS is unavailable"`, listing per path why it could not
 * be used (not built; failed to load, with the loader's first line, e.g. a missing
 * `libopenblas.so.0`; not the BLAS addon), followed by the fixes to try, in order
 * (install OpenBLAS, build the addon, or choose the JavaScript BLAS with `PA_BLAS=js`).
 * @example
 * ```ts
 * const binding = loadBlasBinding();
 * binding.getNumThreads(); // 1 under OPENBLAS_NUM_THREADS=1
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export function loadBlasBinding(
  paths: readonly string[] = blasAddonPaths(),
  load: (path: string) => unknown = requireNative,
): BlasBinding {
  const binding = loadAddon<BlasBinding>({
    paths,
    load,
    required: BLAS_BINDING_FUNCTIONS,
    what: 'BLAS addon',
    summary: 'OpenBLAS is unavailable',
    fixes: BLAS_FIXES,
  });
  const threads = process.env.OPENBLAS_NUM_THREADS ?? '';
  if (/^[1-9][0-9]{0,8}$/.test(threads)) binding.setNumThreads(Number(threads));
  loadedBindings.add(binding);
  return binding;
}

/**
 * The environment variables {@link selectBlas} reads.
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export interface BlasEnvironment {
  /** `'js'` or `'openblas'` to choose the BLAS; empty or unset: OpenBLAS when it loads, else JavaScript. */
  readonly PA_BLAS?: string;
  /** `1` or `true`: a missing OpenBLAS is an error instead of a fallback to JavaScript (this repository's CI sets it). */
  readonly PA_REQUIRE_NATIVE?: string;
}

/**
 * The {@link DenseBlas} that `env` asks for (see the module notes). `loadOpenBlas` builds the
 * OpenBLAS set (by default from the built addon) and throws BackendUnavailableError when it cannot.
 *
 * @throws InvalidArgumentError when `env` is not an object, `loadOpenBlas` not a function, or
 * `PA_BLAS` is not `'js'`, `'openblas'` or empty;
 * BackendUnavailableError when the addon cannot be loaded and `PA_BLAS=openblas` (`"OpenBLAS is
 * unavailable and PA_BLAS=openblas requires it"`) or PA_REQUIRE_NATIVE is set (`"OpenBLAS is
 * unavailable and PA_REQUIRE_NATIVE=1 requires it (set PA_BLAS=js to use the JavaScript BLAS)"`), with the loader's reasons and fixes.
 * @example
 * ```ts
 * selectBlas({ PA_BLAS: 'js' }).kind; // 'js'
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export function selectBlas(env: BlasEnvironment, loadOpenBlas: () => DenseBlas = () => openBlas(loadBlasBinding())): DenseBlas {
  if (typeof env !== 'object' || env === null) {
    throw new InvalidArgumentError(`selectBlas: env must be an object of environment variables (e.g. process.env), got ${describeValue(env)}`);
  }
  expectFunction(loadOpenBlas, 'selectBlas: loadOpenBlas');
  const choice = env.PA_BLAS ?? '';
  if (choice === 'js') return jsBlas;
  if (choice !== '' && choice !== 'openblas') {
    throw new InvalidArgumentError(`PA_BLAS must be 'js', 'openblas' or unset, got '${choice}'`);
  }
  try {
    return loadOpenBlas();
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    if (choice === 'openblas') {
      throw new BackendUnavailableError('OpenBLAS is unavailable and PA_BLAS=openblas requires it', error.reasons, error.fixes);
    }
    if (env.PA_REQUIRE_NATIVE === '1' || env.PA_REQUIRE_NATIVE === 'true') {
      throw new BackendUnavailableError(
        `OpenBLAS is unavailable and PA_REQUIRE_NATIVE=${env.PA_REQUIRE_NATIVE} requires it (set PA_BLAS=js to use the JavaScript BLAS)`,
        error.reasons,
        error.fixes,
      );
    }
    return jsBlas;
  }
}

let chosen: DenseBlas | undefined;
const chosenBlas = (): DenseBlas => (chosen ??= selectBlas(process.env));

/**
 * The process's {@link DenseBlas}, chosen from `process.env` at its first use (reading `kind` or
 * calling a routine), then fixed. The choice throws, at that first use, in the cases listed by
 * {@link selectBlas}.
 *
 * @example
 * ```ts
 * blas.kind; // 'openblas' when the addon is built, else 'js'
 * const d = blas.ddot(n, x, 1, y, 1);
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export const blas: DenseBlas = {
  get kind() {
    return chosenBlas().kind;
  },
  ddot: (n, x, incx, y, incy) => chosenBlas().ddot(n, x, incx, y, incy),
  daxpy: (n, alpha, x, incx, y, incy) => chosenBlas().daxpy(n, alpha, x, incx, y, incy),
  dgemv: (layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy) =>
    chosenBlas().dgemv(layout, trans, m, n, alpha, A, lda, x, incx, beta, y, incy),
};

/**
 * `y ← A x` for a dense row-major `m×n` matrix `A` (`m = y.length`, `n = x.length`), with
 * `impl`'s `dgemv` ({@link blas} by default). The old values of y are ignored (y is zeroed when
 * `n = 0`). The caller owns the arrays; y must not overlap A or x.
 *
 * @throws InvalidArgumentError when an argument is not a Float64Array, or y overlaps A or x;
 * DimensionMismatchError `"denseMatVec: A has length 5, expected y.length × x.length = 2 × 3 = 6"`.
 * @example
 * ```ts
 * const y = new Float64Array(2);
 * denseMatVec(Float64Array.of(1, 2, 3, 4, 5, 6), Float64Array.of(1, 0, -1), y); // y = [-2, -2]
 * ```
 * @group Dense level-1/2 BLAS (OpenBLAS when built, else JavaScript)
 */
export function denseMatVec(A: Float64Array, x: Float64Array, y: Float64Array, impl: DenseBlas = blas): void {
  checkVector('denseMatVec', 'A', A, 0);
  checkVector('denseMatVec', 'x', x, 0);
  checkVector('denseMatVec', 'y', y, 0);
  const m = y.length;
  const n = x.length;
  if (A.length !== m * n) {
    throw new DimensionMismatchError(`denseMatVec: A has length ${A.length}, expected y.length × x.length = ${m} × ${n} = ${m * n}`);
  }
  if (n === 0) y.fill(0);
  else impl.dgemv('row', 'n', m, n, 1, A, n, x, 1, 0, y, 1);
}
