/**
 * `PArray`: an N-dimensional dense float64 array split over a grid of parts, one distribution per
 * dimension, each part's elements first index fastest in one window of one-sided memory.
 *
 * @module
 */
import { checkOptions, describeValue, expectFunction, expectInstance } from '../argument-checks.js';
import type { Backend, Window } from '../backends/backend.js';
import { DimensionMismatchError, InvalidArgumentError } from '../errors.js';
import { PData } from '../pdata/pdata.js';
import { blockRuns, checkRanges, forEachIndex, type BlockRanges } from './block-plan.js';
import type { Distribution } from './distribution.js';
import { GhostedBlock } from './ghosted.js';
import { makeLayout, type Layout } from './layout.js';
import { checkFactoryKey, FACTORY_KEY, type FactoryKey } from '../factory-key.js';

/**
 * Options of {@link parray}: the grid of parts (one count per dimension, product = np; default as
 * `MPI_Dims_create`, see {@link defaultGrid}), the distribution (one for every dimension or one per
 * dimension; default `'block'`), and the values: `fill` (default 0) or `init`, called with each
 * owned element's global index (an array reused between calls: copy it to keep it).
 * @group Dense distributed arrays (PArray)
 */
export interface PArrayOptions {
  /** Parts per dimension (product = np). */
  readonly grid?: readonly number[];
  /** One distribution for every dimension, or one per dimension. */
  readonly dist?: Distribution | readonly Distribution[];
  /** The value of every element (default 0). */
  readonly fill?: number;
  /** The value of the element at a global index (first index fastest order of calls within a part). */
  readonly init?: (globalIndex: readonly number[]) => number;
}

/**
 * Options of the one-sided calls: which local part the call is made from (default: this
 * process's first local part; on Threads and MPI its only one). The part only matters for errors
 * and, on MPI, for which rank's RMA epoch is used.
 * @group Dense distributed arrays (PArray)
 */
export interface OneSidedOptions {
  /** The calling part (a part held by this process). */
  readonly part?: number;
}

/**
 * A dense distributed array. Construct it with {@link parray}. Every part stores the elements it
 * owns (per dimension the global indices of `localIndices()`, ascending) in `localValues()`, first
 * index fastest. Any part may read or write any global block without the owners taking part
 * ({@link PArray.getBlock}, {@link PArray.putBlock}, {@link PArray.accumulateBlock});
 * {@link PArray.sync} is the collective fence after which every such write is visible everywhere,
 * including in the owners' `localValues()`.
 *
 * The array holds one-sided memory (an MPI window on MPI): call {@link PArray.free} (collective)
 * when a long program no longer needs it; what is left is freed when the backend is disposed.
 *
 * @example
 * ```ts
 * const a = parray(ranks, [6, 4], { dist: ['cyclic', 'block'], init: ([i, j]) => 10 * i + j });
 * a.getBlock([[1, 3], [0, 2]]); // Float64Array [10, 20, 11, 21]
 * ```
 * @group Dense distributed arrays (PArray)
 */
export class PArray {
  /** The global shape. */
  readonly shape: readonly number[];
  /** Parts per dimension (product = np; part ids numbered first grid coordinate fastest). */
  readonly grid: readonly number[];
  /** The distribution of each dimension. */
  readonly dist: readonly Distribution[];
  /** Per part, the number of elements owned along each dimension. */
  readonly localShape: PData<readonly number[]>;
  /** @internal The arithmetic of the layout. */
  readonly layout: Layout;
  private readonly window: Window;
  private readonly values: PData<Float64Array>;

  /**
   * @internal Wraps a window whose local memories hold the layout's local elements; use
   * {@link parray}.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, ranks: PData<unknown>, layout: Layout, window: Window) {
    checkFactoryKey(key, 'PArray', 'parray(ranks, shape)');
    this.layout = layout;
    this.window = window;
    this.shape = Object.freeze([...layout.shape]);
    this.grid = Object.freeze([...layout.grid]);
    this.dist = Object.freeze(layout.dist);
    const local = window.local;
    this.values = new PData(ranks.backend, ranks.backend.localParts.map((_, i) => local[i]));
    this.localShape = ranks.map((_, p) => Object.freeze(layout.localShape(p)));
  }

  /** The backend the parts live on. */
  get backend(): Backend {
    return this.values.backend;
  }

  /** Number of parts. */
  get np(): number {
    return this.values.np;
  }

  /** Total number of elements. */
  get length(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /**
   * Per part, the elements it owns, first index fastest over `localShape` (the array's own
   * memory, mutable; after direct writes call {@link PArray.sync} before other parts read them).
   */
  localValues(): PData<Float64Array> {
    return this.values;
  }

  /**
   * Per part and per dimension, the global indices it owns, ascending (MPIArrays `localindices`).
   * O(local extent) per dimension.
   */
  localIndices(): PData<Float64Array[]> {
    return this.values.map((_, p) => {
      const c = this.layout.coords(p);
      return this.layout.dims.map((dim, d) => {
        const out = new Float64Array(dim.count(c[d]));
        for (let l = 0; l < out.length; l++) out[l] = dim.global(c[d], l);
        return out;
      });
    });
  }

  /**
   * Reads the global block `ranges` (`[start, end)` per dimension) from its owners, one-sided:
   * NOT collective, the owners take no part. Returns the block first index fastest. Reads what the
   * owners' memory holds now: writes of other parts are guaranteed visible after a
   * {@link PArray.sync}.
   * @throws InvalidArgumentError for malformed or empty ranges or options; IndexOutOfRangeError
   * when a range leaves the array (before anything is read).
   * @example `const corner = a.getBlock([[0, 2], [0, 2]]);`
   */
  getBlock(ranges: BlockRanges, options?: OneSidedOptions): Float64Array {
    const origin = this.origin(options, 'getBlock');
    const blockShape = checkRanges(this.layout, ranges, 'getBlock');
    const out = new Float64Array(blockShape.reduce((a, b) => a * b, 1));
    for (const t of blockRuns(this.layout, ranges)) {
      const tmp = new Float64Array(t.offsets.length);
      this.window.get(origin, t.part, t.starts, t.counts, tmp);
      for (let k = 0; k < tmp.length; k++) out[t.offsets[k]] = tmp[k];
    }
    return out;
  }

  /**
   * @internal One-sided read of the runs `[starts[k], starts[k] + counts[k])` of part `target`'s
   * local values into `out`, back to back (`Window.get`, checked), from local part `origin`.
   */
  readRuns(origin: number, target: number, starts: number[], counts: number[], out: Float64Array): void {
    this.window.get(origin, target, starts, counts, out);
  }

  /**
   * Writes `values` (the block first index fastest) into the global block `ranges`, one-sided:
   * NOT collective. Complete at the owners on return; visible to every part after the next
   * {@link PArray.sync}.
   * @throws as {@link PArray.getBlock}; DimensionMismatchError when `values` does not hold one
   * value per element of the block (nothing is written).
   * @example `a.putBlock([[0, 1], [0, 2]], [7, 8]);`
   */
  putBlock(ranges: BlockRanges, values: ArrayLike<number>, options?: OneSidedOptions): void {
    this.write('putBlock', ranges, values, options, false);
  }

  /**
   * Adds `values` into the global block `ranges` (`+=` per element, atomic per element with
   * respect to other accumulates, so several parts may accumulate into the same elements at once).
   * NOT collective; visible everywhere after the next {@link PArray.sync}.
   * @throws as {@link PArray.putBlock}.
   * @example `a.accumulateBlock([[0, 2], [0, 1]], [1, 1]);`
   */
  accumulateBlock(ranges: BlockRanges, values: ArrayLike<number>, options?: OneSidedOptions): void {
    this.write('accumulateBlock', ranges, values, options, true);
  }

  /**
   * Collective fence: every put and accumulate issued before it, and every direct write of
   * `localValues()`, is visible to every part after it.
   * @throws InvalidArgumentError when called inside per-part code or after {@link PArray.free}.
   */
  sync(): void {
    this.window.fence();
  }

  /**
   * Prepares ghosted reads of arbitrary elements (MPIArrays `GhostedBlock`): `indices` lists the
   * global multi-indices each part wants (a PData of lists, or one list used by every local part).
   * Nothing moves until the block's collective `sync()`.
   * @throws InvalidArgumentError when an index is not an array of ndims integers;
   * IndexOutOfRangeError when it lies outside the array.
   * @example
   * ```ts
   * const g = a.ghosted([[0, 0], [5, 3]]);
   * g.sync();
   * g.get([5, 3]);
   * ```
   */
  ghosted(indices: PData<ArrayLike<readonly number[]>> | ArrayLike<readonly number[]>): GhostedBlock {
    const perPart = indices instanceof PData ? indices : this.values.map(() => indices as ArrayLike<readonly number[]>);
    return new GhostedBlock(FACTORY_KEY, this.layout, this.window, perPart);
  }

  /**
   * Releases the array's one-sided memory (collective). Afterwards the array must not be used.
   * @throws InvalidArgumentError when called inside per-part code or twice.
   */
  free(): void {
    this.window.free();
  }

  private origin(options: OneSidedOptions | undefined, what: string): number {
    const { part } = checkOptions(options, ['part'], what);
    const parts = this.backend.localParts;
    if (part === undefined) return parts[0];
    if (!parts.includes(part)) {
      throw new InvalidArgumentError(`${what}: part must be a part held by this process (${parts.join(', ')}), got ${describeValue(part)}`);
    }
    return part;
  }

  private write(what: string, ranges: BlockRanges, values: ArrayLike<number>, options: OneSidedOptions | undefined, add: boolean): void {
    const origin = this.origin(options, what);
    const blockShape = checkRanges(this.layout, ranges, what);
    const n = blockShape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(values) && !(ArrayBuffer.isView(values) && !(values instanceof DataView))) {
      throw new InvalidArgumentError(`${what}: values must be an array or typed array, got ${describeValue(values)}`);
    }
    if (values.length !== n) {
      throw new DimensionMismatchError(`${what}: the block [${blockShape.join(' × ')}] has ${n} elements, got ${values.length} values`);
    }
    for (const t of blockRuns(this.layout, ranges)) {
      const tmp = new Float64Array(t.offsets.length);
      for (let k = 0; k < tmp.length; k++) tmp[k] = values[t.offsets[k]];
      if (add) this.window.accumulate(origin, t.part, t.starts, t.counts, tmp);
      else this.window.put(origin, t.part, t.starts, t.counts, tmp);
    }
  }
}

/**
 * Creates a dense distributed array of global `shape` (collective). See {@link PArrayOptions}.
 *
 * @throws InvalidArgumentError (before any communication) when `ranks` is not a PData, the shape
 * is not a non-empty array of non-negative integers, the grid has the wrong length, a non-integer
 * count or a product other than np, a distribution is malformed (block size 0, sizes that do not
 * add up), both `fill` and `init` are given, or `fill` is not a number or `init` not a function.
 * @example
 * ```ts
 * const a = parray(ranks, [1000, 3], { grid: [ranks.np, 1], dist: 'cyclic', fill: 1 });
 * const b = parray(ranks, [8], { dist: { blockCyclic: 2 }, init: ([i]) => i * i });
 * ```
 * @group Dense distributed arrays (PArray)
 */
export function parray(ranks: PData<unknown>, shape: readonly number[], options?: PArrayOptions): PArray {
  expectInstance(ranks, PData, 'parray: ranks');
  const { grid, dist, fill, init } = checkOptions(options, ['grid', 'dist', 'fill', 'init'], 'parray');
  if (fill !== undefined && init !== undefined) throw new InvalidArgumentError('parray: give fill or init, not both');
  if (fill !== undefined && typeof fill !== 'number') throw new InvalidArgumentError(`parray: fill must be a number, got ${describeValue(fill)}`);
  if (init !== undefined) expectFunction(init, 'parray: init');
  const layout = makeLayout(ranks.np, shape, grid, dist, 'parray');
  const a = createPArray(ranks, layout);
  if (fill !== undefined && fill !== 0) a.localValues().forEach((v) => v.fill(fill));
  if (init !== undefined) {
    const indices = a.localIndices();
    pmapLocal(a, indices, (v, ids) => {
      const index = new Array<number>(ids.length);
      let k = 0;
      forEachIndex(ids.map((x) => x.length), (l) => {
        for (let d = 0; d < l.length; d++) index[d] = ids[d][l[d]];
        v[k++] = init(index);
      });
    });
  }
  // The owners wrote their memory directly: fence so one-sided reads see it at once.
  a.sync();
  return a;
}

function pmapLocal(a: PArray, indices: PData<Float64Array[]>, f: (v: Float64Array, ids: Float64Array[]) => void): void {
  const ids = indices.localItems;
  let i = 0;
  a.localValues().forEach((v) => f(v, ids[i++]));
}

/** A zeroed PArray of a checked layout (collective: creates the window). */
export function createPArray(ranks: PData<unknown>, layout: Layout): PArray {
  const backend = ranks.backend;
  const window = backend.createWindow(backend.localParts.map((p) => layout.localLength(p)));
  return new PArray(FACTORY_KEY, ranks, layout, window);
}

/**
 * Runs `f` on each local part's block of `a` (MPIArrays `forlocalpart`): its values (the array's
 * own memory, mutable, first index fastest), its local shape, the global indices it owns per
 * dimension, and the part id. Returns the results as a PData. Not collective: after writing the
 * values, call {@link PArray.sync} before other parts read them.
 * @throws InvalidArgumentError when `a` is not a PArray or `f` not a function (and when `f` calls
 * a collective).
 * @example
 * ```ts
 * forLocalPart(a, (values, shape, [rows]) => values.forEach((_, k) => (values[k] = rows[k % shape[0]])));
 * ```
 * @group Dense distributed arrays (PArray)
 */
export function forLocalPart<T>(
  a: PArray,
  f: (values: Float64Array, localShape: readonly number[], localIndices: readonly Float64Array[], partId: number) => T,
): PData<T> {
  expectInstance(a, PArray, 'forLocalPart: a');
  expectFunction(f, 'forLocalPart: f');
  const shapes = a.localShape.localItems;
  const indices = a.localIndices().localItems;
  const parts = a.localValues().partIds;
  return a.localValues().map((values, p) => {
    const i = parts.indexOf(p);
    return f(values, shapes[i], indices[i], p);
  });
}
