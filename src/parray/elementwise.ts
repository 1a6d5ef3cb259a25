/**
 * Elementwise maps and reductions of {@link PArray}s (DistArray's ufuncs and reductions). Folds
 * run in a fixed order (each part's elements in local order, then the parts' partial results in
 * part order, or along an axis in grid-coordinate order), so every backend gives the same bits.
 *
 * @module
 */
import { checkOptions, describeValue, expectFunction, expectInstance } from '../argument-checks.js';
import { InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { kernels } from '../kernels/select-kernels.js';
import { gather, getAny } from '../pdata/primitives.js';
import { partialsBuffer, sumPartials } from '../vectors/vector-ops.js';
import { forEachIndex, strides } from './block-plan.js';
import { dimLayout, type DimLayout } from './distribution.js';
import { defaultGrid, Layout } from './layout.js';
import { createPArray, PArray } from './parray.js';
import { route } from './route.js';

/**
 * A new PArray of the same shape, grid and distribution whose element is `f(a_i, b_i, ...)`
 * (collective only through the creation of the result). The arrays must have the same layout.
 * @throws InvalidArgumentError when `f` is not a function or an argument is not a PArray;
 * PartitionMismatchError when the arrays differ in shape, grid or distribution.
 * @example `const c = mapArray((x, y) => x + 2 * y, a, b);`
 * @group Dense distributed arrays (PArray)
 */
export function mapArray(f: (...values: number[]) => number, a: PArray, ...others: PArray[]): PArray {
  expectFunction(f, 'mapArray: f');
  expectInstance(a, PArray, 'mapArray: a');
  others.forEach((b, k) => {
    expectInstance(b, PArray, `mapArray: argument ${k + 3}`);
    if (!a.layout.sameAs(b.layout) || b.backend !== a.backend) {
      throw new PartitionMismatchError(
        `mapArray: argument ${k + 3} has shape [${b.shape.join(', ')}], grid [${b.grid.join(', ')}] and dist ${JSON.stringify(b.dist)}; the first array [${a.shape.join(', ')}], [${a.grid.join(', ')}], ${JSON.stringify(a.dist)}`,
      );
    }
  });
  const result = createPArray(a.localValues(), a.layout);
  const inputs = [a, ...others].map((x) => x.localValues().localItems);
  const args = new Array<number>(inputs.length);
  result.localValues().forEach((out, p) => {
    const i = result.localValues().partIds.indexOf(p);
    for (let k = 0; k < out.length; k++) {
      for (let j = 0; j < inputs.length; j++) args[j] = inputs[j][i][k];
      out[k] = f(...args);
    }
  });
  result.sync();
  return result;
}

/**
 * Options of {@link reduceArray}: the value the fold starts from (required) and the axis to
 * reduce (default: the whole array).
 * @group Dense distributed arrays (PArray)
 */
export interface ReduceOptions {
  /** The start of the fold, e.g. 0 for a sum. */
  readonly init: number;
  /** The dimension folded away (the result has one dimension fewer). */
  readonly axis?: number;
}

/** Folds `values[first], values[first + step], ...` (`count` of them) with `op`, from `acc`. */
function foldStrided(op: (acc: number, x: number) => number, acc: number, values: Float64Array, first: number, step: number, count: number): number {
  for (let k = 0, at = first; k < count; k++, at += step) acc = op(acc, values[at]);
  return acc;
}

/**
 * Folds a PArray with `op` (collective). Without `axis`: a number, the same on every part: each
 * part folds its elements in local order from its first element, and the partial results of the
 * non-empty parts are folded in part order from `init`. With `axis`: a new PArray of one
 * dimension fewer (block distributed over the default grid) whose element is the fold along that
 * axis: within a part in local order, then across the grid coordinates of that axis in order,
 * from `init`. So `op` should be associative (sum, product, max, min); for a given grid and
 * distribution the bits are the same on every backend.
 * @throws InvalidArgumentError when `op` is not a function, `a` not a PArray, `init` missing or
 * not a number, or `axis` not a dimension of `a` (or `a` has one dimension and `axis` is given).
 * @example
 * ```ts
 * const total = reduceArray((x, y) => x + y, a, { init: 0 });
 * const colMax = reduceArray(Math.max, a, { init: -Infinity, axis: 0 }); // shape [a.shape[1]]
 * ```
 * @group Dense distributed arrays (PArray)
 */
export function reduceArray(op: (acc: number, x: number) => number, a: PArray, options: ReduceOptions & { axis: number }): PArray;
/**
 * The fold of the whole array (no `axis`): a number, the same on every part (see the first form).
 * @example `const total = reduceArray((x, y) => x + y, a, { init: 0 });`
 */
export function reduceArray(op: (acc: number, x: number) => number, a: PArray, options: ReduceOptions & { axis?: undefined }): number;
/**
 * A number without `axis`, a PArray with it (see the first form).
 * @example `const r = reduceArray(Math.min, a, { init: Infinity, axis });`
 */
export function reduceArray(op: (acc: number, x: number) => number, a: PArray, options: ReduceOptions): number | PArray;
export function reduceArray(op: (acc: number, x: number) => number, a: PArray, options: ReduceOptions): number | PArray {
  expectFunction(op, 'reduceArray: op');
  expectInstance(a, PArray, 'reduceArray: a');
  const { init, axis } = checkOptions(options, ['init', 'axis'], 'reduceArray');
  if (typeof init !== 'number') throw new InvalidArgumentError(`reduceArray: the option init must be a number, got ${describeValue(init)}`);
  if (axis === undefined) return reduceAll(op, a, init);
  if (!Number.isInteger(axis) || axis < 0 || axis >= a.shape.length || a.shape.length < 2) {
    throw new InvalidArgumentError(
      `reduceArray: axis must be a dimension 0..${a.shape.length - 1} of an array of at least 2 dimensions (without axis the whole array is folded), got ${describeValue(axis)}`,
    );
  }
  return reduceAxis(op, a, init, axis);
}

function reduceAll(op: (acc: number, x: number) => number, a: PArray, init: number): number {
  const partials = a.localValues().map((v) => (v.length === 0 ? null : foldStrided(op, v[0], v, 1, 1, v.length - 1)));
  let acc = init;
  for (const x of getAny(gather(partials, { destination: 'all' }))) if (x !== null) acc = op(acc, x);
  return acc;
}

/** A layout equal to `layout` but with dimension `axis` replaced by `n` indices dealt as `dist`. */
function withAxis(layout: Layout, axis: number, dim: DimLayout): Layout {
  const shape = layout.shape.map((n, d) => (d === axis ? dim.n : n));
  const dims = layout.dims.map((x, d) => (d === axis ? dim : x));
  return new Layout(layout.np, shape, layout.grid, dims);
}

function reduceAxis(op: (acc: number, x: number) => number, a: PArray, init: number, axis: number): PArray {
  const layout = a.layout;
  const p = layout.grid[axis];
  // 1. Each part folds its own elements along the axis: one partial per grid coordinate of the axis.
  const partialLayout = withAxis(layout, axis, dimLayout(p, p, 'cyclic', 'axis'));
  const partials = a.localValues().map((v, part) => {
    const shape = layout.localShape(part);
    const s = strides(shape);
    const extent = shape.map((n, d) => (d === axis ? 1 : n));
    const out = new Float64Array(extent.reduce((x, y) => x * y, 1));
    if (shape[axis] === 0) return out;
    let k = 0;
    forEachIndex(extent, (index) => {
      let first = 0;
      for (let d = 0; d < index.length; d++) first += index[d] * s[d];
      out[k++] = foldStrided(op, v[first], v, first + s[axis], s[axis], shape[axis] - 1);
    });
    return out;
  });
  // 2. The partials move to grid coordinate 0 of the axis and are folded there in coordinate order.
  const gatheredLayout = withAxis(layout, axis, dimLayout(p, p, { sizes: [p, ...new Array<number>(p - 1).fill(0)] }, 'axis'));
  const gathered = a.localValues().map((_, part) => new Float64Array(gatheredLayout.localLength(part)));
  route(partialLayout, partials, gatheredLayout, gathered, layout.shape.map(() => 0));
  const nonEmpty = Array.from({ length: p }, (_, c) => layout.dims[axis].count(c) > 0);
  const foldedLayout = withAxis(layout, axis, dimLayout(1, p, { sizes: [1, ...new Array<number>(p - 1).fill(0)] }, 'axis'));
  const folded = gathered.map((g, part) => {
    const shape = gatheredLayout.localShape(part);
    const out = new Float64Array(foldedLayout.localLength(part));
    if (shape[axis] === 0) return out;
    const s = strides(shape);
    let k = 0;
    forEachIndex(shape.map((n, d) => (d === axis ? 1 : n)), (index) => {
      let first = 0;
      for (let d = 0; d < index.length; d++) first += index[d] * s[d];
      let acc = init;
      for (let c = 0; c < p; c++) if (nonEmpty[c]) acc = op(acc, g[first + c * s[axis]]);
      out[k++] = acc;
    });
    return out;
  });
  // 3. The folded values move to the result's block layout (the axis kept with length 1).
  const resultShape = layout.shape.filter((_, d) => d !== axis);
  const resultGrid = defaultGrid(layout.np, resultShape.length);
  const resultDims = resultShape.map((n, d) => dimLayout(n, resultGrid[d], 'block', 'result'));
  const result = createPArray(a.localValues(), new Layout(layout.np, resultShape, resultGrid, resultDims));
  const targetLayout = new Layout(
    layout.np,
    layout.shape.map((n, d) => (d === axis ? 1 : n)),
    [...resultGrid.slice(0, axis), 1, ...resultGrid.slice(axis)],
    [...resultDims.slice(0, axis), dimLayout(1, 1, 'block', 'axis'), ...resultDims.slice(axis)],
  );
  route(foldedLayout, folded, targetLayout, result.localValues(), layout.shape.map(() => 0));
  result.sync();
  return result;
}

/** The sum of all elements of a PArray (see `sum`): each part left to right, then in part order. */
export function parraySum(a: PArray): number {
  const values = a.localValues().localItems;
  const partials = partialsBuffer(a.backend);
  for (let i = 0; i < values.length; i++) partials[i] = kernels.sum(values[i].length, values[i]);
  return sumPartials(a.backend);
}

/** The 2-norm of a PArray's elements (see `norm`). */
export function parrayNorm(a: PArray): number {
  const values = a.localValues().localItems;
  const partials = partialsBuffer(a.backend);
  for (let i = 0; i < values.length; i++) partials[i] = kernels.dot(values[i].length, values[i], values[i]);
  return Math.sqrt(sumPartials(a.backend));
}
