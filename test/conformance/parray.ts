/**
 * PArray conformance: every case compares with plain dense arrays computed here, element by
 * element. Few cases, each checking a lot (an MPI job per case and part count is expensive).
 */
import assert from 'node:assert/strict';
import {
  DimensionMismatchError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  PartitionMismatchError,
  gather,
  getAny,
  pvector,
  uniformPartition,
  type PData,
} from '../../src/index.js';
import type { Distribution } from '../../src/parray/distribution.js';
import { defaultGrid } from '../../src/parray/layout.js';
import { mapArray, reduceArray } from '../../src/parray/elementwise.js';
import { matvec, matvecInto } from '../../src/parray/matvec.js';
import { forLocalPart, parray, type PArray } from '../../src/parray/parray.js';
import { fromPVector, redistribute, repartition, slice, toPVector } from '../../src/parray/redistribute.js';
import { norm, sum } from '../../src/parray/sum-norm.js';

/** A small deterministic generator (the same sequence on every backend). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const strides = (shape: readonly number[]): number[] => shape.map((_, d) => shape.slice(0, d).reduce((a, b) => a * b, 1));
const flat = (index: readonly number[], shape: readonly number[]): number => index.reduce((acc, g, d) => acc + g * strides(shape)[d], 0);
/** The value every test array holds at a global index: an integer, so sums are exact in any order. */
const valueAt = (index: readonly number[], shape: readonly number[]): number => 1 + flat(index, shape) * 3;

function dense(shape: readonly number[]): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = 1 + 3 * k;
  return out;
}

/** Every multi-index of a box, first index fastest. */
function boxIndices(ranges: readonly (readonly [number, number])[]): number[][] {
  let all: number[][] = [[]];
  for (const [a, b] of ranges) {
    const next: number[][] = [];
    for (let g = a; g < b; g++) for (const prefix of all) next.push([...prefix, g]);
    all = next;
  }
  // Built last dimension slowest by construction: reorder to first index fastest.
  return all.map((i) => i).sort((x, y) => {
    for (let d = x.length - 1; d >= 0; d--) if (x[d] !== y[d]) return x[d] - y[d];
    return 0;
  });
}

function denseBlock(shape: readonly number[], ranges: readonly (readonly [number, number])[]): number[] {
  const all = dense(shape);
  return boxIndices(ranges).map((i) => all[flat(i, shape)]);
}

/** Checks that each part's local values are the dense values at its local indices. */
function checkAgainstDense(a: PArray, expected: (index: number[]) => number, what: string): void {
  const indices = a.localIndices().localItems;
  a.localValues().localItems.forEach((local, i) => {
    const ids = indices[i];
    const localShape = ids.map((x) => x.length);
    assert.deepEqual(localShape, [...a.localShape.localItems[i]], `${what}: local shape`);
    const lists = ids.map((x) => [0, x.length] as const);
    boxIndices(lists).forEach((l, k) => {
      const g = l.map((li, d) => ids[d][li]);
      assert.equal(local[k], expected(g), `${what}: element [${g.join(', ')}] on part ${a.localValues().partIds[i]}`);
    });
  });
  // Every element is owned exactly once.
  const counts = gather(a.localValues().map((v) => v.length), { destination: 'all' });
  assert.equal(getAny(counts).reduce((x, y) => x + y, 0), a.shape.reduce((x, y) => x * y, 1), `${what}: elements owned once`);
}

/** Distributions for a dimension of length n over p grid coordinates (explicit sizes uneven). */
function distributions(n: number, p: number): Distribution[] {
  const sizes = Array.from({ length: p }, (_, c) => (c === 0 ? n - (p - 1) * Math.floor(n / (2 * p)) : Math.floor(n / (2 * p))));
  return ['block', 'cyclic', { blockCyclic: 2 }, { sizes }];
}

const SHAPES = [[13], [7, 5], [5, 4, 3]];

/**
 * Every distribution on 1-D, 2-D and 3-D shapes that do not divide evenly: local values, random
 * getBlocks, slices, reductions of the whole array and along each axis, mapArray, ghosted reads of
 * random indices; and redistribution round trips between every pair of distributions and grids.
 */
export function everyDistributionAgainstDense(ranks: PData<number>): void {
  const np = ranks.np;
  const next = random(17);
  for (const shape of SHAPES) {
    // The default grid and, beyond 1-D, all parts along the last dimension.
    const grids = shape.length === 1 ? [undefined] : [undefined, [...shape.slice(1).map(() => 1), np]];
    for (const g of grids) {
      const grid = g ?? defaultGrid(np, shape.length);
      const perDim = shape.map((n, d) => distributions(n, grid[d]));
      // Each distribution on every dimension at once, and one mixed per dimension.
      const choices: Distribution[][] = perDim[0].map((_, k) => shape.map((_, d) => perDim[d][k]));
      choices.push(shape.map((_, d) => perDim[d][(d + 1) % 4]));
      for (const [k, dist] of choices.entries()) {
        // The operations that build new arrays (each a collective window) run for the cyclic and
        // the mixed distributions; the redistribution round trips cover every pair.
        const heavy = k === 1 || k === 4;
        const what = `shape [${shape}] grid [${grid}] dist ${JSON.stringify(dist)}`;
        const a = parray(ranks, shape, { grid: g, dist, init: (i) => valueAt(i, shape) });
        assert.deepEqual([...a.shape], shape);
        checkAgainstDense(a, (i) => valueAt(i, shape), what);
        // Random blocks, read from the first local part (one-sided, not collective).
        const all = dense(shape);
        for (let t = 0; t < 3; t++) {
          const ranges = shape.map((n) => {
            const lo = Math.floor(next() * n);
            return [lo, lo + 1 + Math.floor(next() * (n - lo))] as [number, number];
          });
          assert.deepEqual([...a.getBlock(ranges)], denseBlock(shape, ranges), `${what}: getBlock ${JSON.stringify(ranges)}`);
        }
        // Whole-array folds (integers: exact) and folds along each axis.
        const total = all.reduce((x, y) => x + y, 0);
        assert.equal(sum(a), total, `${what}: sum`);
        assert.equal(reduceArray((x, y) => x + y, a, { init: 0 }), total, `${what}: reduceArray`);
        assert.equal(reduceArray(Math.max, a, { init: -Infinity }), all[all.length - 1], `${what}: max`);
        assert.ok(Math.abs(norm(a) - Math.sqrt(all.reduce((x, y) => x + y * y, 0))) <= 1e-12 * norm(a), `${what}: norm`);
        if (heavy && shape.length > 1) {
          for (let axis = 0; axis < shape.length; axis++) {
            const reduced = reduceArray((x, y) => x + y, a, { init: 0.5, axis });
            const rest = shape.filter((_, d) => d !== axis);
            assert.deepEqual([...reduced.shape], rest);
            checkAgainstDense(reduced, (i) => {
              let acc = 0.5;
              for (let k = 0; k < shape[axis]; k++) acc += valueAt([...i.slice(0, axis), k, ...i.slice(axis)], shape);
              return acc;
            }, `${what}: reduce along axis ${axis}`);
            reduced.free();
          }
        }
        if (heavy) {
          // A copy of an inner block, block distributed; elementwise.
          const ranges = shape.map((n) => [Math.min(1, n - 1), n] as [number, number]);
          const s = slice(a, ranges);
          checkAgainstDense(s, (i) => valueAt(i.map((x, d) => x + ranges[d][0]), shape), `${what}: slice`);
          const b = mapArray((x, y) => 2 * x - y, a, a);
          checkAgainstDense(b, (i) => valueAt(i, shape), `${what}: mapArray`);
          s.free();
          b.free();
        }
        // Ghosted reads of random indices, different per part.
        const wanted = ranks.map((p) => {
          const r = random(100 + p);
          return Array.from({ length: 6 }, () => shape.map((n) => Math.floor(r() * n)));
        });
        const ghosts = a.ghosted(wanted);
        ghosts.sync();
        wanted.forEach((list, p) => list.forEach((i) => assert.equal(ghosts.get(i, p), valueAt(i, shape), `${what}: ghosted [${i}]`)));
        // Local writes through forLocalPart, seen by one-sided reads after sync().
        const owned = forLocalPart(a, (values, localShape, ids, p) => {
          assert.deepEqual(ids.map((x) => x.length), [...localShape]);
          values.forEach((v, k) => (values[k] = -v));
          return p;
        });
        assert.deepEqual([...owned.localItems], [...ranks.partIds]);
        a.sync();
        const full = shape.map((n) => [0, n] as [number, number]);
        assert.deepEqual([...a.getBlock(full)], [...all].map((v) => -v), `${what}: after forLocalPart`);
        a.free();
      }
    }
  }
  redistributeRoundTrips(ranks);
}

/** Every pair of distributions, between grids of a 2-D array: there and back, against dense. */
function redistributeRoundTrips(ranks: PData<number>): void {
  const np = ranks.np;
  const shape = [9, 7];
  const a0 = parray(ranks, shape, { init: (i) => valueAt(i, shape) });
  let moved = 0;
  // Every pair of distributions from rows to columns; then each distribution from columns to
  // the default grid and from the default grid back to rows.
  const trips: [number[], number[], number, number][] = [];
  for (let kf = 0; kf < 4; kf++) for (let kt = 0; kt < 4; kt++) trips.push([[np, 1], [1, np], kf, kt]);
  for (let k = 0; k < 4; k++) trips.push([[1, np], a0.grid as number[], k, k], [a0.grid as number[], [np, 1], k, (k + 1) % 4]);
  for (const [gf, gt, kf, kt] of trips) {
    const distFrom = shape.map((n, d) => distributions(n, gf[d])[kf]);
    const distTo = shape.map((n, d) => distributions(n, gt[d])[kt]);
    const a = redistribute(a0, { grid: gf, dist: distFrom });
    const b = redistribute(a, { grid: gt, dist: distTo });
    const what = `${JSON.stringify([gf, distFrom])} -> ${JSON.stringify([gt, distTo])}`;
    checkAgainstDense(a, (i) => valueAt(i, shape), what);
    checkAgainstDense(b, (i) => valueAt(i, shape), what);
    const back = redistribute(b, { grid: gf, dist: distFrom });
    back.localValues().localItems.forEach((v, i) => assert.deepEqual([...v], [...a.localValues().localItems[i]], `${what}: back`));
    for (const x of [a, b, back]) x.free();
    moved++;
  }
  assert.equal(moved, 16 + 8);
  a0.free();
  // A larger array, which moves through a channel rather than an exchange.
  const big = [300, 250];
  const rows = parray(ranks, big, { grid: [np, 1], init: (i) => valueAt(i, big) });
  const cols = redistribute(rows, { grid: [1, np], dist: ['cyclic', { blockCyclic: 7 }] });
  assert.deepEqual([...cols.getBlock([[0, 300], [0, 250]])], [...dense(big)], 'large redistribute');
  const again = redistribute(cols, { grid: [np, 1], dist: 'block' });
  again.localValues().localItems.forEach((v, i) => assert.deepEqual([...v], [...rows.localValues().localItems[i]], 'large round trip'));
  for (const x of [rows, cols, again]) x.free();
  pulledMoves(ranks);
}

/**
 * Layouts whose first dimension is contiguous on both sides move by one-sided reads of runs:
 * rows to columns and back, a 3-D array with { sizes } and cyclic dimensions, a slice at an
 * offset; the owners' direct writes just before (no sync) are moved too.
 */
function pulledMoves(ranks: PData<number>): void {
  const np = ranks.np;
  const big = [300, 250];
  const rows = parray(ranks, big, { grid: [np, 1], init: (i) => valueAt(i, big) });
  const sizes = Array.from({ length: np }, (_, k) => (k === np - 1 ? 250 - 3 * (np - 1) : 3));
  const cols = redistribute(rows, { grid: [1, np], dist: ['block', { sizes }] });
  checkAgainstDense(cols, (i) => valueAt(i, big), 'rows -> columns (pulled)');
  // A direct write of every owner, not fenced: redistribute must see it.
  forLocalPart(cols, (values) => (values[0] += 0.5));
  const back = redistribute(cols, { grid: [np, 1], dist: 'block' });
  const firstOfEach = new Set(Array.from({ length: np }, (_, k) => (k === 0 ? 0 : sizes.slice(0, k).reduce((a, b) => a + b, 0))));
  checkAgainstDense(back, ([i, j]) => valueAt([i, j], big) + (i === 0 && firstOfEach.has(j) ? 0.5 : 0), 'columns -> rows after direct writes');
  const shape = [290, 5, 3];
  const cube = parray(ranks, shape, { grid: [np, 1, 1], dist: ['block', 'cyclic', 'block'], init: (i) => valueAt(i, shape) });
  const moved = redistribute(cube, { grid: [1, 1, np], dist: [{ sizes: [290] }, 'block', 'cyclic'] });
  checkAgainstDense(moved, (i) => valueAt(i, shape), '3-D (pulled)');
  const part = slice(moved, [[7, 290], [1, 4], [0, 3]]);
  checkAgainstDense(part, ([i, j, k]) => valueAt([i + 7, j + 1, k], shape), 'slice at an offset (pulled)');
  for (const x of [rows, cols, back, cube, moved, part]) x.free();
}

/**
 * One-sided blocks while the owner is busy: part 0 spins in JavaScript (no library call) until it
 * sees in its own memory a put from every other part, which each makes after reading and
 * accumulating into part 0's elements; then after sync() everybody sees every write, and
 * accumulates from all parts into the same elements add up.
 */
export function oneSidedBlocks(ranks: PData<number>): void {
  const np = ranks.np;
  const shape = [4 * np, 3];
  const a = parray(ranks, shape, { grid: [np, 1], init: (i) => valueAt(i, shape) });
  const parts = ranks.partIds;
  // Part 0 owns rows 0..3 (block rows of 4 per part); the others read its rows 1..2, add into
  // its row 0 and put -p at its element [p, 0].
  for (const p of parts) {
    if (p === 0) continue;
    assert.deepEqual([...a.getBlock([[1, 3], [1, 3]], { part: p })], denseBlock(shape, [[1, 3], [1, 3]]));
    a.accumulateBlock([[0, 1], [0, 2]], [p, p], { part: p });
    a.putBlock([[p, p + 1], [0, 1]], [-p], { part: p });
  }
  const sumOthers = (np * (np - 1)) / 2;
  let seenAll = true;
  if (parts.includes(0) && ranks.backend.kind !== 'sequential') {
    const local = a.localValues().localItems[parts.indexOf(0)];
    const deadline = Date.now() + 20_000;
    const t0 = Date.now();
    const arrived = (): boolean => {
      for (let q = 1; q < np; q++) if (local[q] !== -q) return false;
      return local[0] === valueAt([0, 0], shape) + sumOthers && local[4] === valueAt([0, 1], shape) + sumOthers;
    };
    // Busy for at least 100 ms, in JavaScript only (no library call), until every write arrived.
    while ((Date.now() - t0 < 100 || !arrived()) && Date.now() < deadline) {
      // spinning
    }
    seenAll = arrived();
  }
  a.sync();
  assert.ok(seenAll, "part 0 saw the others' writes while it was busy");
  assert.deepEqual([...a.getBlock([[0, 1], [0, 3]])], [valueAt([0, 0], shape) + sumOthers, valueAt([0, 1], shape) + sumOthers, valueAt([0, 2], shape)]);
  // Writes by every part into every other part's rows, then sync: visible in the owners' memory.
  ranks.forEach((p) => {
    const target = (p + 1) % np;
    a.putBlock([[4 * target + 1, 4 * target + 3], [0, 3]], [1, 2, 3, 4, 5, 6].map((v) => 100 * p + v), { part: p });
  });
  a.sync();
  a.localValues().forEach((local, p) => {
    const from = (p + np - 1) % np;
    // Local layout [4, 3] first index fastest: rows 1..2 of each column.
    assert.deepEqual([local[1], local[2], local[5], local[6], local[9], local[10]], [1, 2, 3, 4, 5, 6].map((v) => 100 * from + v));
  });
  // Accumulates from all parts at once into one element of every part.
  ranks.forEach((p) => {
    for (let t = 0; t < np; t++) a.accumulateBlock([[4 * t, 4 * t + 1], [2, 3]], [p + 1], { part: p });
  });
  a.sync();
  const column = a.getBlock([[0, 4 * np], [2, 3]]);
  for (let t = 0; t < np; t++) assert.equal(column[4 * t], valueAt([4 * t, 2], shape) + (np * (np + 1)) / 2);
  a.free();
}

/** matvec for A by rows, by columns and in 2-D blocks (block and cyclic), against a dense product. */
export function matvecEveryLayout(ranks: PData<number>): void {
  const np = ranks.np;
  const [m, n] = [11, 9];
  const entry = (i: number, j: number): number => 1 / (1 + Math.abs(i - j)) + i * 0.01;
  const yDense = Array.from({ length: m }, (_, i) => {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += entry(i, j) * (1 + (j % 7));
    return acc;
  });
  const x = parray(ranks, [n], { init: ([j]) => 1 + (j % 7) });
  const xIds = x.localIndices().localItems;
  const setX = (f: (j: number) => number): void => {
    x.localValues().localItems.forEach((v, i) => v.forEach((_, k) => (v[k] = f(xIds[i][0][k]))));
    x.sync();
  };
  let checked = 0;
  for (const grid of [[np, 1], [1, np], undefined]) {
    for (const dist of ['block', 'cyclic', { blockCyclic: 2 }] as Distribution[]) {
      const A = parray(ranks, [m, n], { grid, dist, init: ([i, j]) => entry(i, j) });
      const y = matvec(A, x);
      const got = y.getBlock([[0, m]]);
      for (let i = 0; i < m; i++) assert.ok(Math.abs(got[i] - yDense[i]) <= 1e-12 * Math.abs(yDense[i]), `grid ${grid} ${JSON.stringify(dist)} y[${i}]`);
      // Again into the same y (the cached plan), after x changed.
      setX(() => 2);
      matvecInto(y, A, x);
      const twice = y.getBlock([[0, m]]);
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += 2 * entry(i, j);
        assert.ok(Math.abs(twice[i] - acc) <= 1e-12 * acc, `grid ${grid} ${JSON.stringify(dist)} second product y[${i}]`);
      }
      setX((j) => 1 + (j % 7));
      A.free();
      y.free();
      checked++;
    }
  }
  assert.equal(checked, 9);
  // PVector conversions and repartition.
  const a = parray(ranks, [n], { init: ([j]) => j * j });
  const v = toPVector(a);
  assert.equal(sum(v), sum(a));
  const back = fromPVector(v);
  checkAgainstDense(back, ([j]) => j * j, 'fromPVector');
  const w = repartition(v, uniformPartition(ranks, [np], [n], { ghost: true }));
  w.rows.partition.forEach((ids, p) => {
    const local = w.values.localItems[w.values.partIds.indexOf(p)];
    ids.localToGlobal.forEach((g, lid) => assert.equal(local[lid], g * g, `repartition: gid ${g} (local ${lid})`));
  });
  const reversed = pvector(uniformPartition(ranks, n), (ids) => Array.from(ids.localToGlobal, (g) => -g));
  assert.equal(sum(fromPVector(reversed)), -(n * (n - 1)) / 2);
}

/** Runs `f`, expecting `Class` with a message matching `pattern`. */
function throwsTyped(f: () => unknown, Class: new (...args: never[]) => Error, pattern: RegExp): void {
  assert.throws(f, (error: unknown) => {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${String(error)}`);
    assert.match((error as Error).message, pattern);
    return true;
  });
}

/** Bad input: typed errors before any communication, nothing written. */
export function badInputTypedErrors(ranks: PData<number>): void {
  const np = ranks.np;
  const shape = [5, 4];
  throwsTyped(() => parray(ranks, [5, 4.5]), InvalidArgumentError, /shape\[1\]/);
  throwsTyped(() => parray(ranks, [5, 4], { grid: [np + 1, 1] }), InvalidArgumentError, /has \d+ parts, but the run has/);
  throwsTyped(() => parray(ranks, [5, 4], { dist: { blockCyclic: 0 } }), InvalidArgumentError, /block size/);
  throwsTyped(() => parray(ranks, [5], { dist: { sizes: [5.5, ...new Array<number>(np - 1).fill(0)] } }), InvalidArgumentError, /sizes\[0\]/);
  throwsTyped(() => parray(ranks, [5], { fill: 1, init: () => 2 }), InvalidArgumentError, /fill or init/);
  const a = parray(ranks, shape, { init: (i) => valueAt(i, shape) });
  const before = a.getBlock([[0, 5], [0, 4]]);
  throwsTyped(() => a.getBlock([[0, 6], [0, 4]]), IndexOutOfRangeError, /leaves dimension 0/);
  throwsTyped(() => a.getBlock([[-1, 2], [0, 4]]), IndexOutOfRangeError, /leaves/);
  throwsTyped(() => a.getBlock([[2, 2], [0, 4]]), InvalidArgumentError, /is empty/);
  throwsTyped(() => a.getBlock([[0, 1.5], [0, 4]]), InvalidArgumentError, /pair of integers/);
  throwsTyped(() => a.getBlock([[0, 1]]), InvalidArgumentError, /2 \[start, end\) pairs/);
  throwsTyped(() => a.putBlock([[0, 2], [0, 2]], [1, 2, 3]), DimensionMismatchError, /has 4 elements, got 3 values/);
  throwsTyped(() => a.accumulateBlock([[0, 2], [0, 5]], new Float64Array(10)), IndexOutOfRangeError, /leaves dimension 1/);
  throwsTyped(() => a.putBlock([[0, 1], [0, 1]], [1], { part: -1 }), InvalidArgumentError, /part must be a part held/);
  throwsTyped(() => a.ghosted([[0, 9]]), IndexOutOfRangeError, /outside the shape/);
  throwsTyped(() => reduceArray((x, y) => x + y, a, { init: 0, axis: 2 }), InvalidArgumentError, /axis/);
  throwsTyped(() => redistribute(a, { grid: [np, 2] }), InvalidArgumentError, /has \d+ parts/);
  throwsTyped(() => slice(a, [[0, 0], [0, 1]]), InvalidArgumentError, /is empty/);
  const other = parray(ranks, [4, 5]);
  throwsTyped(() => mapArray((x, y) => x + y, a, other), PartitionMismatchError, /argument 3/);
  throwsTyped(() => matvec(a, parray(ranks, [5])), DimensionMismatchError, /x must have shape \[4\]/);
  throwsTyped(() => toPVector(a), InvalidArgumentError, /1-D array/);
  a.sync();
  assert.deepEqual([...a.getBlock([[0, 5], [0, 4]])], [...before], 'nothing was written');
  a.free();
  other.free();
}
