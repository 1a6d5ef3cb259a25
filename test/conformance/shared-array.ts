/**
 * Shared arrays and banded block-banded matrices on every backend: the memory is really shared
 * (a part's writes are read by the others after the barrier), the matrix's entries and product
 * against a dense matrix built here from the definition, the same bits whatever the number of
 * parts, and bad input refused with typed errors.
 */
import assert from 'node:assert/strict';
import {
  BandedBlockBandedMatrix,
  DimensionMismatchError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  NonFiniteValueError,
  PartFailedError,
  PartitionedArraysError,
  bandedBlockBanded,
  mulInto,
  populate,
  sharedArray,
  sharedBarrier,
  toDense,
  uniformBandedBlockBanded,
  type BandedBlockBandedOptions,
  type PData,
} from '../../src/index.js';

/** Every part of a node (all of them on one machine) sees every other part's writes after the barrier. */
export function memoryIsShared(ranks: PData<number>): void {
  const np = ranks.np;
  const s = sharedArray(ranks, 3 * np);
  assert.equal(s.length, 3 * np);
  s.sharers.forEach((sharers, p) => {
    assert.deepEqual(sharers, Array.from({ length: np }, (_, q) => q), `part ${p}: one machine, every part shares`);
  });
  s.values.forEach((a) => assert.deepEqual(Array.from(a), new Array(3 * np).fill(0), 'zeroed at creation'));
  sharedBarrier(s);
  // Round 1: part p writes its own three slots; everyone reads all of them.
  s.values.forEach((a, p) => a.set([p + 0.5, -p, 100 * p], 3 * p));
  sharedBarrier(s);
  s.values.forEach((a, p) => {
    for (let q = 0; q < np; q++) assert.deepEqual(Array.from(a.subarray(3 * q, 3 * q + 3)), [q + 0.5, -q, 100 * q], `part ${p} reads q=${q}`);
  });
  sharedBarrier(s);
  // Round 2: part p overwrites its right neighbour's first slot; the neighbour sees it.
  s.values.forEach((a, p) => {
    a[3 * ((p + 1) % np)] = 1000 + p;
  });
  sharedBarrier(s);
  s.values.forEach((a, p) => assert.equal(a[3 * p], 1000 + ((p + np - 1) % np), `part ${p} sees its left neighbour's write`));
  // Many barriers in a row, some with part 0 late by more than the barrier's spin (so the others
  // give up spinning and wait in the backend's barrier), the others with every part on time: after
  // each one, every part reads the value each part wrote for that round.
  for (let round = 1; round <= 40; round++) {
    const late = round % 4 === 0;
    s.values.forEach((a, p) => {
      if (late && p === 0) {
        const until = performance.now() + 3;
        while (performance.now() < until);
      }
      a[3 * p + 1] = round * np + p;
    });
    sharedBarrier(s);
    s.values.forEach((a, p) => {
      for (let q = 0; q < np; q++) assert.equal(a[3 * q + 1], round * np + q, `round ${round}: part ${p} reads q=${q}`);
    });
    sharedBarrier(s);
  }
  // Two arrays are two memories.
  const t = sharedArray(ranks, 2);
  t.values.forEach((a) => assert.deepEqual(Array.from(a), [0, 0]));
  sharedBarrier(t);
}

/** The matrices of the checks: zero, asymmetric and large bandwidths, unequal and empty blocks. */
const SHAPES: readonly BandedBlockBandedOptions[] = [
  { rowBlocks: [3, 3, 3], colBlocks: [3, 3, 3], l: 1, u: 1, lambda: 1, mu: 1 },
  { rowBlocks: [2, 2, 2, 2], colBlocks: [2, 2, 2, 2], l: 0, u: 0, lambda: 0, mu: 0 },
  { rowBlocks: [4, 4, 4], colBlocks: [4, 4, 4], l: 0, u: 2, lambda: 2, mu: 0 },
  { rowBlocks: [1, 4, 2, 0, 3, 5], colBlocks: [2, 3, 5, 1, 4], l: 1, u: 2, lambda: 2, mu: 1 },
  { rowBlocks: [2, 3], colBlocks: [4, 1, 2], l: 5, u: 5, lambda: 4, mu: 6 },
  { rowBlocks: [5, 1, 6, 2, 7, 3, 4], colBlocks: [3, 6, 2, 5, 4, 1, 7], l: 2, u: 0, lambda: 0, mu: 3 },
];

/** An entry value that changes with i and j (finite, not too regular). */
const entry = (i: number, j: number): number => Math.sin(1.3 * i + 0.7 * j) + (i === j ? 3 : 0);

/** The dense matrix from the definition: block (K, J) and entry (k, j) inside the bandwidths. */
function denseFromDefinition(o: BandedBlockBandedOptions): { nRows: number; nCols: number; dense: Float64Array } {
  const starts = (sizes: readonly number[]): number[] => sizes.reduce((acc, s) => [...acc, acc[acc.length - 1] + s], [0]);
  const rs = starts(o.rowBlocks);
  const cs = starts(o.colBlocks);
  const nRows = rs[rs.length - 1];
  const nCols = cs[cs.length - 1];
  const dense = new Float64Array(nRows * nCols);
  for (let K = 0; K < o.rowBlocks.length; K++) {
    for (let J = 0; J < o.colBlocks.length; J++) {
      if (J - K < -o.l || J - K > o.u) continue;
      for (let k = 0; k < o.rowBlocks[K]; k++) {
        for (let j = 0; j < o.colBlocks[J]; j++) {
          if (j - k >= -o.lambda && j - k <= o.mu) dense[(rs[K] + k) * nCols + cs[J] + j] = entry(rs[K] + k, cs[J] + j);
        }
      }
    }
  }
  return { nRows, nCols, dense };
}

/** y = D x, summing each row by ascending column (the library's order, so the same bits). */
function denseProduct(dense: Float64Array, nRows: number, nCols: number, x: Float64Array): Float64Array {
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let s = 0;
    for (let j = 0; j < nCols; j++) s += dense[i * nCols + j] * x[j];
    y[i] = s;
  }
  return y;
}

function sameBits(actual: Float64Array, expected: Float64Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}: [${i}] = ${actual[i]}, expected ${expected[i]}`);
  }
}

/**
 * For every shape: get and toDense against the definition, mulInto (split and serial) against the
 * dense product bit for bit (so the same bits on every number of parts), the work split covering
 * every block row once, and the blog's matrix (small n) the same way.
 */
export function matricesMatchDefinition(ranks: PData<number>): void {
  const shapes: BandedBlockBandedOptions[] = [...SHAPES];
  const blog = uniformBandedBlockBanded(ranks, 5, { n: 6 });
  assert.deepEqual([blog.l, blog.u, blog.lambda, blog.mu, blog.nRows], [1, 2, 2, 1, 30]);
  shapes.push({ rowBlocks: blog.rowBlocks, colBlocks: blog.colBlocks, l: 1, u: 2, lambda: 2, mu: 1 });
  for (const [index, shape] of shapes.entries()) {
    const label = `shape ${index}`;
    const A = bandedBlockBanded(ranks, shape);
    assert.ok(A instanceof BandedBlockBandedMatrix);
    const { nRows, nCols, dense } = denseFromDefinition(shape);
    assert.deepEqual([A.nRows, A.nCols], [nRows, nCols], label);
    sameBits(toDense(A), new Float64Array(nRows * nCols), `${label}: zero before populate`);
    sharedBarrier(A); // every part has read the zeros before any part fills its rows
    populate(A, entry);
    sameBits(toDense(A), dense, `${label}: toDense`);
    for (let i = 0; i < nRows; i++) {
      for (let j = 0; j < nCols; j++) assert.ok(Object.is(A.get(i, j), dense[i * nCols + j]), `${label}: get(${i}, ${j})`);
    }
    // The split: contiguous block rows, every one exactly once over the parts of the node.
    const ranges = A.blockRows.localItems;
    if (ranges.length === ranks.np) {
      assert.equal(ranges[0][0], 0, label);
      ranges.forEach(([first, end], k) => {
        assert.ok(first <= end, label);
        if (k > 0) assert.equal(first, ranges[k - 1][1], label);
      });
      assert.equal(ranges[ranges.length - 1][1], shape.rowBlocks.length, label);
    }
    // x written by its parts in turn (index j by part j mod np); y holds garbage from a first product.
    const x = sharedArray(ranks, nCols);
    const y = sharedArray(ranks, nRows);
    const ySerial = sharedArray(ranks, nRows);
    const xValues = Float64Array.from({ length: nCols }, (_, j) => Math.cos(0.9 * j) - 0.25);
    x.values.forEach((a, p) => {
      for (let j = p; j < nCols; j += ranks.np) a[j] = xValues[j];
    });
    y.values.forEach((a, p) => {
      if (p === 0) a.fill(Number.NaN);
    });
    mulInto(y, A, x);
    mulInto(ySerial, A, x, { serial: true });
    const expected = denseProduct(dense, nRows, nCols, xValues);
    y.values.forEach((a) => sameBits(a, expected, `${label}: mulInto`));
    ySerial.values.forEach((a) => sameBits(a, expected, `${label}: mulInto serial`));
    // Every part has read y before part 0 overwrites it.
    sharedBarrier(y);
    y.values.forEach((a, p) => {
      if (p === 0) a.fill(Number.NaN);
    });
    mulInto(y, A, x, { shareWork: true });
    y.values.forEach((a) => sameBits(a, expected, `${label}: mulInto shareWork`));
  }
}

/** Throws `type` on every part (checked before any communication, so every part agrees). */
function throwsTyped(f: () => unknown, type: new (...args: never[]) => PartitionedArraysError, pattern: RegExp): void {
  assert.throws(f, (error: unknown) => error instanceof type && pattern.test((error as Error).message));
}

/** Bad bandwidths, block sizes, vectors and functions: typed errors, nothing half-built. */
export function badInputIsRefused(ranks: PData<number>): void {
  const ok: BandedBlockBandedOptions = { rowBlocks: [2, 3], colBlocks: [3, 2], l: 1, u: 0, lambda: 1, mu: 1 };
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, l: -1 }), InvalidArgumentError, /l must be an integer ≥ 0, got -1/);
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, mu: -2 }), InvalidArgumentError, /mu must be an integer ≥ 0/);
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, lambda: 0.5 }), InvalidArgumentError, /lambda must be an integer/);
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, rowBlocks: [2, -3] }), InvalidArgumentError, /rowBlocks\[1\] must be an integer ≥ 0/);
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, nRows: 6 }), DimensionMismatchError, /rowBlocks add up to 5, but nRows is 6/);
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, nCols: 4 }), DimensionMismatchError, /colBlocks add up to 5, but nCols is 4/);
  throwsTyped(() => bandedBlockBanded(ranks, { ...ok, bandwidth: 2 } as never), InvalidArgumentError, /unknown option 'bandwidth'/);
  throwsTyped(() => uniformBandedBlockBanded(ranks, -1), InvalidArgumentError, /N must be an integer ≥ 0/);
  throwsTyped(() => sharedArray(ranks, -1), InvalidArgumentError, /length must be a non-negative safe integer/);
  const A = bandedBlockBanded(ranks, { ...ok, nRows: 5, nCols: 5 });
  populate(A, (i, j) => i - j);
  const x = sharedArray(ranks, 5);
  const y = sharedArray(ranks, 5);
  throwsTyped(() => mulInto(sharedArray(ranks, 4), A, x), DimensionMismatchError, /y has 4 values, A has 5 rows/);
  throwsTyped(() => mulInto(y, A, sharedArray(ranks, 6)), DimensionMismatchError, /x has 6 values, A has 5 columns/);
  throwsTyped(() => mulInto(x, A, x), InvalidArgumentError, /y must not be x/);
  throwsTyped(() => mulInto(y, A, new Float64Array(5) as never), InvalidArgumentError, /x must be a SharedArray/);
  throwsTyped(() => mulInto(y, A, x, { serial: 1 } as never), InvalidArgumentError, /serial must be a boolean/);
  throwsTyped(() => mulInto(y, A, x, { shareWork: 'yes' } as never), InvalidArgumentError, /shareWork must be a boolean/);
  throwsTyped(() => populate(A, 3 as never), InvalidArgumentError, /f must be a function/);
  // A failure of f on some parts is a failure on every part (no part is left in the barrier).
  assert.throws(
    () => populate(A, (i) => (i === 4 ? Number.NaN : 1)),
    (error: unknown) =>
      (error instanceof NonFiniteValueError && /f\(4, [0-9]\) returned NaN/.test(error.message)) ||
      (error instanceof PartFailedError && /populate failed on part/.test(error.message)),
  );
  populate(A, (i, j) => i - j);
  throwsTyped(() => A.get(5, 0), IndexOutOfRangeError, /row 5 is not in 0..4/);
  throwsTyped(() => A.get(0, -1), IndexOutOfRangeError, /column -1 is not in 0..4/);
  throwsTyped(() => sharedBarrier({} as never), InvalidArgumentError, /expected a SharedArray/);
  throwsTyped(() => ranks.forEach(() => sharedBarrier(A)), InvalidArgumentError, /sharedBarrier is collective/);
  const wide = bandedBlockBanded(ranks, { rowBlocks: [2100], colBlocks: [2100], l: 0, u: 0, lambda: 0, mu: 0 });
  throwsTyped(() => toDense(wide), InvalidArgumentError, /more than 2\^22 entries/);
  // The refused calls left A and y as they were: a product still works and gives A x.
  x.values.forEach((a, p) => {
    if (p === 0) a.set([1, 2, 3, 4, 5]);
  });
  mulInto(y, A, x);
  y.values.forEach((a) => assert.deepEqual(Array.from(a), [-2, -2, -10, 5, 12]));
}
