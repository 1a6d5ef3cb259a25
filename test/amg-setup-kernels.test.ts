/**
 * The AMG set-up's kernels (src/solvers/amg/setup-kernels.ts): the aggregation's properties, the
 * JavaScript loops against dense references (P = (I − ωD⁻¹A)·P0 and R·A·P), the room-growing
 * protocol of rapRows, the native addon against the JavaScript loops (and aggregation.ts) BIT FOR
 * BIT on random inputs (rapOfP, which forms R = Pᵀ a block of rows at a time, against rapRows on
 * Pᵀ), and the addon's argument checks.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';
import {
  jsSetupKernels,
  loadSetupBinding,
  nativeSetupKernels,
  selectSetupKernels,
  type SetupKernels,
} from '../src/solvers/amg/setup-kernels.js';
import { loadSpgemmBinding } from '../src/sparse/matmul-binding.js';
import { jsSpgemmKernels, nativeSpgemmKernels, type SpgemmKernels } from '../src/sparse/matmul-kernels.js';
import { seededRng as rng } from './fixtures/kernels/random-inputs.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';


interface Block {
  nRows: number;
  nCols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** A random block with unsorted, distinct columns per row and some empty rows. */
function randomBlock(random: () => number, nRows: number, nCols: number, density: number, diagonal = false): Block {
  const rowPtr = new Int32Array(nRows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < nRows; i++) {
    const row: number[] = [];
    if (diagonal) row.push(i);
    if (nCols > 0 && random() > 0.15) {
      for (let j = 0; j < nCols; j++) if (j !== i && random() < density) row.push(j);
    }
    // Shuffled: the kernels must not rely on ascending input rows.
    for (let k = row.length - 1; k > 0; k--) {
      const m = Math.floor(random() * (k + 1));
      [row[k], row[m]] = [row[m], row[k]];
    }
    for (const j of row) {
      cols.push(j);
      values.push(j === i && diagonal ? 4 + random() : random() - 0.5);
    }
    rowPtr[i + 1] = cols.length;
  }
  return { nRows, nCols, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(values) };
}

function dense(b: Block): Float64Array[] {
  const out = Array.from({ length: b.nRows }, () => new Float64Array(b.nCols));
  for (let i = 0; i < b.nRows; i++) for (let e = b.rowPtr[i]; e < b.rowPtr[i + 1]; e++) out[i][b.colIdx[e]] += b.values[e];
  return out;
}

function product(a: Float64Array[], b: Float64Array[], nCols: number): Float64Array[] {
  return a.map((row) => {
    const out = new Float64Array(nCols);
    row.forEach((x, k) => {
      if (x !== 0) b[k].forEach((y, j) => (out[j] += x * y));
    });
    return out;
  });
}

interface ProlongatorCase {
  a: Block;
  aggregateOf: Int32Array;
  count: number;
  inverse: Float64Array;
  omega: number;
}

function prolongatorCase(seed: number): ProlongatorCase {
  const random = rng(seed);
  const n = 20 + Math.floor(random() * 200);
  const a = randomBlock(random, n, n, 5 / n, true);
  const count = Math.max(1, Math.floor(n / 6));
  // Some rows in no aggregate (−1); every aggregate gets a row.
  const aggregateOf = Int32Array.from({ length: n }, (_, i) => (i < count ? i : random() < 0.1 ? -1 : Math.floor(random() * count)));
  const d = dense(a);
  const inverse = Float64Array.from({ length: n }, (_, i) => 1 / d[i][i]);
  return { a, aggregateOf, count, inverse, omega: 0.6 + random() * 0.2 };
}

/** Runs smoothedProlongator; returns P as a block (only its entries). */
function prolongator(kernels: SetupKernels, c: ProlongatorCase): Block {
  const { a, count } = c;
  const rowPtr = new Int32Array(a.nRows + 1);
  const colIdx = new Int32Array(a.rowPtr[a.nRows]).fill(-7);
  const values = new Float64Array(a.rowPtr[a.nRows]);
  kernels.smoothedProlongator(
    a.nRows, a.rowPtr, a.colIdx, a.values, c.aggregateOf, count, c.inverse, c.omega,
    new Float64Array(count), new Int32Array(count), new Float64Array(count), rowPtr, colIdx, values,
  );
  const nnz = rowPtr[a.nRows];
  return { nRows: a.nRows, nCols: count, rowPtr, colIdx: colIdx.slice(0, nnz), values: values.slice(0, nnz) };
}

/** Runs rapRows from row 0 with `room` entries, growing the room by `grow` whenever a row does not fit. */
function rap(kernels: SetupKernels, r: Block, a: Block, p: Block, room: number, grow = 5): { c: Block; calls: number } {
  const [nFine, nCoarse] = [a.nRows, p.nCols];
  const fine = [new Int32Array(nFine).fill(-1), new Float64Array(nFine), new Int32Array(nFine)] as const;
  const coarse = [new Int32Array(nCoarse).fill(-1), new Float64Array(nCoarse), new Int32Array(nCoarse)] as const;
  const rowPtr = new Int32Array(r.nRows + 1);
  let colIdx = new Int32Array(room);
  let values = new Float64Array(room);
  let done = 0;
  let calls = 0;
  for (;;) {
    calls++;
    done = kernels.rapRows(
      done, r.nRows, nFine, nCoarse, r.rowPtr, r.colIdx, r.values, a.rowPtr, a.colIdx, a.values, p.rowPtr, p.colIdx, p.values,
      ...fine, ...coarse, rowPtr, colIdx, values,
    );
    if (done === r.nRows) break;
    const [oldCols, oldValues] = [colIdx, values];
    colIdx = new Int32Array(oldCols.length + grow);
    values = new Float64Array(oldValues.length + grow);
    colIdx.set(oldCols.subarray(0, rowPtr[done]));
    values.set(oldValues.subarray(0, rowPtr[done]));
  }
  // The scratch is left reset.
  expect(fine[1].every((x) => x === 0), 'fine accumulator reset').toBe(true);
  expect(coarse[1].every((x) => x === 0), 'coarse accumulator reset').toBe(true);
  const nnz = rowPtr[r.nRows];
  return { c: { nRows: r.nRows, nCols: nCoarse, rowPtr, colIdx: colIdx.slice(0, nnz), values: values.slice(0, nnz) }, calls };
}

/** Runs rapOfP (R = Pᵀ inside) as {@link rap} runs rapRows. */
function rapOfP(kernels: SetupKernels, a: Block, p: Block, room: number, grow: number): { c: Block; calls: number } {
  const [nFine, nCoarse] = [a.nRows, p.nCols];
  const fine = [new Int32Array(nFine).fill(-1), new Float64Array(nFine), new Int32Array(nFine)] as const;
  const coarse = [new Int32Array(nCoarse).fill(-1), new Float64Array(nCoarse), new Int32Array(nCoarse)] as const;
  const rowPtr = new Int32Array(nCoarse + 1);
  let colIdx = new Int32Array(room);
  let values = new Float64Array(room);
  let done = 0;
  let calls = 0;
  for (;;) {
    calls++;
    done = kernels.rapOfP(done, nFine, nCoarse, a.rowPtr, a.colIdx, a.values, p.rowPtr, p.colIdx, p.values, ...fine, ...coarse, rowPtr, colIdx, values);
    if (done === nCoarse) break;
    const [oldCols, oldValues] = [colIdx, values];
    colIdx = new Int32Array(oldCols.length + grow);
    values = new Float64Array(oldValues.length + grow);
    colIdx.set(oldCols.subarray(0, rowPtr[done]));
    values.set(oldValues.subarray(0, rowPtr[done]));
  }
  expect(fine[1].every((x) => x === 0), 'fine accumulator reset').toBe(true);
  expect(coarse[1].every((x) => x === 0), 'coarse accumulator reset').toBe(true);
  const nnz = rowPtr[nCoarse];
  return { c: { nRows: nCoarse, nCols: nCoarse, rowPtr, colIdx: colIdx.slice(0, nnz), values: values.slice(0, nnz) }, calls };
}

/** Pᵀ by the definition: row c lists the rows of P's column c ascending, with P's values. */
function transposeOf(p: Block): Block {
  const rows: [number, number][][] = Array.from({ length: p.nCols }, () => []);
  for (let i = 0; i < p.nRows; i++) for (let e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) rows[p.colIdx[e]].push([i, p.values[e]]);
  const rowPtr = new Int32Array(p.nCols + 1);
  rows.forEach((row, c) => (rowPtr[c + 1] = rowPtr[c] + row.length));
  return {
    nRows: p.nCols,
    nCols: p.nRows,
    rowPtr,
    colIdx: Int32Array.from(rows.flat(), ([i]) => i),
    values: Float64Array.from(rows.flat(), ([, v]) => v),
  };
}

/**
 * A banded fine matrix (nFine rows) and a prolongator-like P with more coarse columns than the
 * addon's block of R (4096): each row reaches 1 to 3 columns near its own, a few rows a column
 * far away (blocks whose fine rows span much of P), some rows and columns nothing.
 */
function blockedRapCase(seed: number): { a: Block; p: Block } {
  const random = rng(seed);
  const [nFine, nCoarse] = [10000, 5000];
  const band = (nRows: number, nCols: number, row: (i: number) => number[]): Block => {
    const rowPtr = new Int32Array(nRows + 1);
    const cols: number[] = [];
    for (let i = 0; i < nRows; i++) {
      cols.push(...[...new Set(row(i))].sort((x, y) => x - y));
      rowPtr[i + 1] = cols.length;
    }
    return { nRows, nCols, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(cols, () => random() - 0.5) };
  };
  const near = (centre: number, width: number, n: number): number => Math.min(n - 1, Math.max(0, centre + Math.floor((random() - 0.5) * width)));
  const a = band(nFine, nFine, (i) => [i, ...Array.from({ length: 4 }, () => near(i, 400, nFine))]);
  const p = band(nFine, nCoarse, (i) => {
    if (random() < 0.02) return [];
    const centre = Math.floor((i * nCoarse) / nFine);
    const cols = Array.from({ length: 1 + Math.floor(random() * 3) }, () => near(centre, 40, nCoarse - 50));
    if (random() < 0.002) cols.push(Math.floor(random() * (nCoarse - 50)));
    return cols;
  });
  return { a, p };
}

function expectSameBits(got: Block, expected: Block, what: string): void {
  expect(Array.from(got.rowPtr), `${what}: rowPtr`).toEqual(Array.from(expected.rowPtr));
  expect(Array.from(got.colIdx), `${what}: colIdx`).toEqual(Array.from(expected.colIdx));
  expect(got.values.length, `${what}: values`).toBe(expected.values.length);
  const differs = got.values.findIndex((v, e) => !Object.is(v, expected.values[e]));
  expect(differs, `${what}: first value with other bits`).toBe(-1);
}

function expectSameValueBits(got: Float64Array, expected: Float64Array, what: string): void {
  expect(got.length, `${what}: length`).toBe(expected.length);
  expect(got.findIndex((v, e) => !Object.is(v, expected[e])), `${what}: first value with other bits`).toBe(-1);
}

function expectAscendingRows(b: Block, what: string): void {
  for (let i = 0; i < b.nRows; i++) {
    for (let e = b.rowPtr[i] + 1; e < b.rowPtr[i + 1]; e++) expect(b.colIdx[e] > b.colIdx[e - 1], `${what}: row ${i} ascends`).toBe(true);
  }
}

const PROLONGATOR_CASES = Array.from({ length: 8 }, (_, s) => prolongatorCase(31 + 7919 * s));

/** R, A, P of a random case: P from the prolongator kernel, R = a random coarse × fine block. */
function rapCase(seed: number): { r: Block; a: Block; p: Block } {
  const c = PROLONGATOR_CASES[seed % PROLONGATOR_CASES.length];
  const random = rng(seed);
  const p = prolongator(jsSetupKernels, c);
  const r = randomBlock(random, c.count, c.a.nRows, 4 / c.a.nRows);
  return { r, a: c.a, p };
}

/**
 * A random symmetric block with a diagonal, some weak and some zero couplings, and some isolated
 * rows; on odd seeds about a tenth of the rows couple to other parts (ghost block `g`, 6 ghosts
 * of parts 1..4 in `ghostOwner`).
 */
function aggregationCase(seed: number): { a: Block; g: Block; ghostOwner: Int32Array; diagonal: Float64Array; theta: number } {
  const random = rng(seed);
  const n = 30 + Math.floor(random() * 300);
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    rows[i].set(i, 2 + random() * 6);
    if (random() < 0.05) continue;
    for (let t = 0; t < 4; t++) {
      const j = Math.floor(random() * n);
      if (j === i || (random() < 0.05 && rows[i].size > 1)) continue;
      const v = random() < 0.1 ? 0 : -(random() * (random() < 0.3 ? 0.05 : 1));
      rows[i].set(j, v);
      rows[j].set(i, v);
    }
  }
  const rowPtr = new Int32Array(n + 1);
  const cols: number[] = [];
  const values: number[] = [];
  rows.forEach((row, i) => {
    for (const [j, v] of row) cols.push(j), values.push(v);
    rowPtr[i + 1] = cols.length;
  });
  const diagonal = Float64Array.from(rows, (row, i) => row.get(i)!);
  const ghostOwner = Int32Array.from({ length: 6 }, () => 1 + Math.floor(random() * 4));
  const gRowPtr = new Int32Array(n + 1);
  const gCols: number[] = [];
  for (let i = 0; i < n; i++) {
    if (seed % 2 === 1 && random() < 0.1) gCols.push(Math.floor(random() * 6), Math.floor(random() * 6));
    gRowPtr[i + 1] = gCols.length;
  }
  const g = { nRows: n, nCols: 6, rowPtr: gRowPtr, colIdx: Int32Array.from(gCols), values: new Float64Array(gCols.length).fill(-1) };
  const a = { nRows: n, nCols: n, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(values) };
  return { a, g, ghostOwner, diagonal, theta: [0, 0.08, 0.25][seed % 3] };
}

function aggregation(kernels: SetupKernels, c: ReturnType<typeof aggregationCase>): { aggregateOf: number[]; count: number } {
  const { a } = c;
  const aggregateOf = new Int32Array(a.nRows).fill(-9);
  const count = kernels.aggregateRows(
    a.nRows, a.rowPtr, a.colIdx, a.values, c.g.rowPtr, c.g.colIdx, c.ghostOwner, c.diagonal, c.theta,
    new Float64Array(a.nRows), new Uint8Array(a.rowPtr[a.nRows]), new Int32Array(a.nRows), new Int32Array(a.nRows), aggregateOf,
  );
  return { aggregateOf: Array.from(aggregateOf), count };
}

const AGGREGATION_CASES = Array.from({ length: 9 }, (_, s) => aggregationCase(53 + 104729 * s));

/** Runs levelDiagonal on an own block and a ghost block; returns its outputs. */
function levelDiagonal(kernels: SetupKernels, oo: Block, og: Block): { first: number; diagonal: Float64Array; inverse: Float64Array; out: Float64Array } {
  const diagonal = new Float64Array(oo.nRows).fill(-7);
  const inverse = new Float64Array(oo.nRows).fill(-7);
  const out = new Float64Array(2);
  const first = kernels.levelDiagonal(oo.nRows, oo.rowPtr, oo.colIdx, oo.values, og.rowPtr, og.values, diagonal, inverse, out);
  return { first, diagonal, inverse, out };
}

describe('AMG set-up kernels (JavaScript)', () => {
  it('prolongatorGhostBlock: per ghost aggregate Σ a_ig·p0_g in stored order, columns ascending, scaled by −ω/a_ii', () => {
    // Ghost block (4 ghost columns): row 0 = [g3: 2, g0: -1, g1: 4], row 1 = [], row 2 = [g2: 8];
    // aggregates of the ghost rows: g0 → 1, g1 → 0, g2 → none, g3 → 1.
    const og: Block = { nRows: 3, nCols: 4, rowPtr: Int32Array.of(0, 3, 3, 4), colIdx: Int32Array.of(3, 0, 1, 2), values: Float64Array.of(2, -1, 4, 8) };
    const ghostColumn = Int32Array.of(1, 0, -1, 1);
    const ghostP0 = Float64Array.of(0.5, 0.25, 1, 0.5);
    const [rowPtr, colIdx, values] = [new Int32Array(4), new Int32Array(4), new Float64Array(4)];
    const n = jsSetupKernels.prolongatorGhostBlock(
      3, og.rowPtr, og.colIdx, og.values, ghostColumn, ghostP0, 2, Float64Array.of(0.5, 1, 1), 0.5, new Int32Array(2).fill(-1), new Float64Array(2), rowPtr, colIdx, values,
    );
    expect(n).toBe(2);
    expect(Array.from(rowPtr)).toEqual([0, 2, 2, 2]);
    expect(Array.from(colIdx.subarray(0, n))).toEqual([0, 1]);
    // Column 0: 4·0.25 = 1; column 1: 2·0.5 + (−1)·0.5 = 0.5; scale −0.5·0.5 = −0.25.
    expect(Array.from(values.subarray(0, n))).toEqual([-0.25, -0.125]);
  });

  it('markUsedColumns marks the columns of the entries; renumberColumns maps them and sorts only the rows that need it', () => {
    const mark = new Int32Array(6).fill(-1);
    jsSetupKernels.markUsedColumns(4, Int32Array.of(5, 1, 5, 3, 0), mark);
    // The fifth id is past nnz: column 0 stays unmarked.
    expect(Array.from(mark)).toEqual([-1, 0, -1, 0, -1, 0]);
    // Rows [c5, c1] and [c3]; finalOf puts c5 first: the first row is re-sorted with its values.
    const rowPtr = Int32Array.of(0, 2, 3);
    const colIdx = Int32Array.of(5, 1, 3);
    const values = Float64Array.of(0.5, 1.5, 2.5);
    jsSetupKernels.renumberColumns(2, rowPtr, colIdx, values, Int32Array.of(-1, 2, -1, 1, -1, 0));
    expect(Array.from(colIdx)).toEqual([0, 2, 1]);
    expect(Array.from(values)).toEqual([0.5, 1.5, 2.5]);
    const swapped = Int32Array.of(5, 1, 3);
    jsSetupKernels.renumberColumns(2, rowPtr, swapped, values, Int32Array.of(-1, 0, -1, 1, -1, 2));
    expect(Array.from(swapped)).toEqual([0, 2, 1]);
    expect(Array.from(values)).toEqual([1.5, 0.5, 2.5]);
  });

  it('placeExtras: each row\'s entries at its fill position in message order, columns through columnOf', () => {
    // Rows 2 then 0 of the message: two entries for own row 2 (its place starts at 3), one for row 0.
    const fill = Int32Array.of(0, 1, 3);
    const extraCol = new Int32Array(5).fill(-1);
    const extraValue = new Float64Array(5);
    jsSetupKernels.placeExtras(
      2, Int32Array.of(2, 0), Float64Array.of(2, 1), Float64Array.of(1, 0, 1, 9), Float64Array.of(0.5, 1.5, 2.5, 9),
      Int32Array.of(7, 4), fill, extraCol, extraValue,
    );
    expect(Array.from(extraCol)).toEqual([4, -1, -1, 4, 7]);
    expect(Array.from(extraValue)).toEqual([2.5, 0, 0, 0.5, 1.5]);
    expect(Array.from(fill)).toEqual([1, 1, 5]);
  });

  it('ghostAggregateColumns: the reached ghosts\' distinct aggregates ascending, their first ghost, each ghost\'s column', () => {
    // Ghost 3 (aggregate 7) is reached by no entry; ghost 4 names aggregate 9 as ghost 1 does.
    const aggregateGid = Float64Array.of(12, 9, -1, 7, 9);
    const gids = new Float64Array(5);
    const firstGhost = new Int32Array(5);
    const ghostColumn = new Int32Array(5);
    const count = jsSetupKernels.ghostAggregateColumns(5, aggregateGid, 4, Int32Array.of(4, 0, 2, 1, 3), new Int32Array(5), gids, firstGhost, ghostColumn);
    expect(count).toBe(2);
    expect(Array.from(gids.subarray(0, 2))).toEqual([9, 12]);
    expect(Array.from(firstGhost.subarray(0, 2))).toEqual([1, 0]);
    expect(Array.from(ghostColumn)).toEqual([1, 0, -1, -1, 0]);
  });

  it('aggregateWeights and packAggregateRows: 1/sqrt(aggregate size), and per row its aggregate\'s global id and weight', () => {
    const aggregateOf = Int32Array.of(1, 0, 1, -1, 1, 1);
    const weight = new Float64Array(2).fill(7);
    jsSetupKernels.aggregateWeights(6, aggregateOf, 2, weight);
    expect(Array.from(weight)).toEqual([1, 0.5]);
    const out = new Float64Array(6).fill(9);
    jsSetupKernels.packAggregateRows(3, Int32Array.of(3, 1, 4), aggregateOf, weight, 100, out);
    expect(Array.from(out)).toEqual([-1, 0, 100, 1, 101, 0.5]);
  });

  it('scatterTriplets and lastNonzeros: triplets added at their local ids, the largest |entry|, each row\'s last nonzero', () => {
    // Global ids 10..12 are local 2, 0, 1; (10, 12) is given twice and sums to zero.
    const localOf = new Int32Array(13).fill(-1);
    localOf.set([2, 0, 1], 10);
    const lu = new Float64Array(9);
    const triplets = Float64Array.of(10, 11, 10, 12, 11, 12, 3, -5, -3);
    expect(jsSetupKernels.scatterTriplets(3, localOf, triplets, lu, 1)).toBe(5);
    expect(Array.from(lu)).toEqual([-5, 0, 0, 0, 0, 0, 0, 0, 0]);
    const last = new Int32Array(3).fill(7);
    jsSetupKernels.lastNonzeros(3, lu, last);
    expect(Array.from(last)).toEqual([0, -1, -1]);
  });

  it('placePairs: each message pair at its ghost (local id minus the offset)', () => {
    const first = new Float64Array(3).fill(-1);
    const second = new Float64Array(3);
    jsSetupKernels.placePairs(2, Int32Array.of(12, 10), 10, Float64Array.of(7, 0.5, 8, 0.25), first, second);
    expect(Array.from(first)).toEqual([8, -1, 7]);
    expect(Array.from(second)).toEqual([0.25, 0, 0.5]);
  });

  it('levelDiagonal: a_ii, 1/a_ii, Gershgorin bound over own and ghost entries, bandwidth, first failed row', () => {
    // Own block (columns ascending): row 0 = [4, -1 @2], row 1 = [-1 @0, 2, 0.5 @2], row 2 = [-2 @1, 8].
    const oo: Block = {
      nRows: 3, nCols: 3, rowPtr: Int32Array.of(0, 2, 5, 7), colIdx: Int32Array.of(0, 2, 0, 1, 2, 1, 2),
      values: Float64Array.of(4, -1, -1, 2, 0.5, -2, 8),
    };
    const og: Block = { nRows: 3, nCols: 2, rowPtr: Int32Array.of(0, 1, 1, 3), colIdx: Int32Array.of(1, 0, 1), values: Float64Array.of(-3, -1, 1) };
    const r = levelDiagonal(jsSetupKernels, oo, og);
    expect(r.first).toBe(-1);
    expect(Array.from(r.diagonal)).toEqual([4, 2, 8]);
    expect(Array.from(r.inverse)).toEqual([0.25, 0.5, 0.125]);
    // Row sums |a_ij| / |a_ii|: (4 + 1 + 3)/4 = 2, (1 + 2 + 0.5)/2 = 1.75, (2 + 8 + 1 + 1)/8 = 1.5.
    expect(r.out[0]).toBe(2);
    // Row 0 reaches column 2, row 1 column 0: bandwidth 2.
    expect(r.out[1]).toBe(2);
    // Row 1 without its diagonal entry (column 1 dropped) and row 2 with a zero one: row 1 first.
    const holed: Block = { ...oo, rowPtr: Int32Array.of(0, 2, 4, 6), colIdx: Int32Array.of(0, 2, 0, 2, 1, 2), values: Float64Array.of(4, -1, -1, 0.5, -2, 0) };
    const failed = levelDiagonal(jsSetupKernels, holed, og);
    expect(failed.first).toBe(1);
    expect(Array.from(failed.diagonal)).toEqual([4, 0, 0]);
  });
  it('aggregateRows gives aggregation.ts results: every aggregate used, rows in none only without strong connections', () => {
    for (const [s, c] of AGGREGATION_CASES.entries()) {
      const { aggregateOf, count } = aggregation(jsSetupKernels, c);
      const used = new Set(aggregateOf.filter((x) => x >= 0));
      expect(used.size, `case ${s}`).toBe(count);
      expect(aggregateOf.every((x) => x >= -1 && x < count)).toBe(true);
      aggregateOf.forEach((x, i) => {
        if (x >= 0) return;
        for (let e = c.a.rowPtr[i]; e < c.a.rowPtr[i + 1]; e++) {
          const [j, v] = [c.a.colIdx[e], c.a.values[e]];
          const strong = j !== i && v !== 0 && Math.abs(v) >= c.theta * Math.sqrt(c.diagonal[i]) * Math.sqrt(c.diagonal[j]);
          expect(strong, `case ${s}: row ${i} in no aggregate has a strong connection to ${j}`).toBe(false);
        }
      });
    }
  });

  it('aggregateRows starts its passes at the rows coupled to the lowest-numbered part, then breadth first', () => {
    // A chain 0-1-2-3-4-5 (a_ii = 2, a_i,i±1 = −1, all strong): row 5 couples to part 1 (ghost 0),
    // row 0 to part 3 (ghost 1). From row 5 down: 5 founds {4, 5}, 2 founds {1, 2, 3}, 0 joins
    // it. In local order: 0 founds {0, 1}, 3 founds {2, 3, 4}, 5 joins it.
    const a: Block = {
      nRows: 6, nCols: 6,
      rowPtr: Int32Array.of(0, 2, 5, 8, 11, 14, 16),
      colIdx: Int32Array.of(0, 1, 0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5),
      values: Float64Array.of(2, -1, -1, 2, -1, -1, 2, -1, -1, 2, -1, -1, 2, -1, -1, 2),
    };
    const diagonal = new Float64Array(6).fill(2);
    const run = (gRowPtr: Int32Array, gColIdx: Int32Array, ghostOwner: Int32Array): number[] => {
      const aggregateOf = new Int32Array(6);
      jsSetupKernels.aggregateRows(
        6, a.rowPtr, a.colIdx, a.values, gRowPtr, gColIdx, ghostOwner, diagonal, 0.08,
        new Float64Array(6), new Uint8Array(16), new Int32Array(6), new Int32Array(6), aggregateOf,
      );
      return Array.from(aggregateOf);
    };
    const coupled = run(Int32Array.of(0, 1, 1, 1, 1, 1, 2), Int32Array.of(1, 0), Int32Array.of(1, 3));
    expect(coupled).toEqual([1, 1, 1, 1, 0, 0]);
    // No ghost entries (one part): local order.
    expect(run(new Int32Array(7), new Int32Array(0), new Int32Array(0))).toEqual([0, 0, 1, 1, 1, 1]);
    // Ghost 1 now on part 0: row 0 is where the passes start, as in local order.
    expect(run(Int32Array.of(0, 1, 1, 1, 1, 1, 2), Int32Array.of(1, 0), Int32Array.of(1, 0))).toEqual([0, 0, 1, 1, 1, 1]);
  });

  it('smoothedProlongator is (I − ωD⁻¹A)·P0 on the pattern of A·P0, rows ascending', () => {
    for (const [s, c] of PROLONGATOR_CASES.entries()) {
      const p = prolongator(jsSetupKernels, c);
      expectAscendingRows(p, `case ${s}`);
      const size = new Float64Array(c.count);
      c.aggregateOf.forEach((x) => x >= 0 && size[x]++);
      const p0 = Array.from({ length: c.a.nRows }, (_, i) => {
        const row = new Float64Array(c.count);
        if (c.aggregateOf[i] >= 0) row[c.aggregateOf[i]] = 1 / Math.sqrt(size[c.aggregateOf[i]]);
        return row;
      });
      const ap0 = product(dense(c.a), p0, c.count);
      const got = dense(p);
      for (let i = 0; i < c.a.nRows; i++) {
        // The pattern: the aggregates of row i's columns.
        const expectedCols = new Set<number>();
        for (let e = c.a.rowPtr[i]; e < c.a.rowPtr[i + 1]; e++) if (c.aggregateOf[c.a.colIdx[e]] >= 0) expectedCols.add(c.aggregateOf[c.a.colIdx[e]]);
        expect(Array.from(p.colIdx.subarray(p.rowPtr[i], p.rowPtr[i + 1]))).toEqual([...expectedCols].sort((x, y) => x - y));
        for (let j = 0; j < c.count; j++) {
          const expected = p0[i][j] - c.omega * c.inverse[i] * ap0[i][j];
          expect(Math.abs(got[i][j] - expected)).toBeLessThanOrEqual(1e-14 * (1 + Math.abs(expected)));
        }
      }
    }
  });

  it('rapRows is the dense R·A·P, rows ascending; a short room resumes where it stopped, same bits', () => {
    for (let s = 0; s < 8; s++) {
      const { r, a, p } = rapCase(100 + s);
      const whole = rap(jsSetupKernels, r, a, p, r.nRows * p.nCols + 1);
      expect(whole.calls).toBe(1);
      expectAscendingRows(whole.c, `case ${s}`);
      const expected = product(product(dense(r), dense(a), a.nRows), dense(p), p.nCols);
      const got = dense(whole.c);
      expected.forEach((row, i) =>
        row.forEach((x, j) => expect(Math.abs(got[i][j] - x), `(${i}, ${j})`).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(x)))),
      );
      const grown = rap(jsSetupKernels, r, a, p, 1, 3);
      if (whole.c.values.length > 1) expect(grown.calls).toBeGreaterThan(1);
      expectSameBits(grown.c, whole.c, `case ${s} grown`);
    }
  });
});

function nativeKernels(): { kernels: SetupKernels } | { reason: string } {
  if (process.env.PA_KERNELS === 'js') return { reason: 'PA_KERNELS=js disables them' };
  try {
    return { kernels: nativeSetupKernels(loadSetupBinding()) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

const native = nativeKernels();
if ('kernels' in native) {
  describe('AMG set-up kernels: native vs JavaScript', () => {
    it('the same aggregates as aggregation.ts', () => {
      for (const [s, c] of AGGREGATION_CASES.entries()) expect(aggregation(native.kernels, c), `case ${s}`).toEqual(aggregation(jsSetupKernels, c));
    });

    it('same bits: prolongators, and R·A·P whole or grown from a short room', () => {
      for (const [s, c] of PROLONGATOR_CASES.entries()) {
        expectSameBits(prolongator(native.kernels, c), prolongator(jsSetupKernels, c), `prolongator ${s}`);
      }
      for (let s = 0; s < 8; s++) {
        const { r, a, p } = rapCase(200 + s);
        const js = rap(jsSetupKernels, r, a, p, r.nRows * p.nCols + 1).c;
        expectSameBits(rap(native.kernels, r, a, p, r.nRows * p.nCols + 1).c, js, `rap ${s}`);
        expectSameBits(rap(native.kernels, r, a, p, 2, 4).c, js, `rap ${s} grown`);
      }
    });

    it('rapOfP (R = Pᵀ formed a block at a time) has the bits of rapRows on Pᵀ, whole or resumed mid-block', () => {
      const { a, p } = blockedRapCase(400);
      const r = transposeOf(p);
      // Room for every row (each has at most 64 entries here): one call.
      const room = 64 * r.nRows;
      const reference = rap(jsSetupKernels, r, a, p, room).c;
      for (const [kernels, what] of [[jsSetupKernels, 'js'], [native.kernels, 'native']] as const) {
        const whole = rapOfP(kernels, a, p, room, 0);
        expect(whole.calls).toBe(1);
        expectSameBits(whole.c, reference, what);
      }
      const third = Math.ceil(reference.rowPtr[r.nRows] / 3);
      const grown = rapOfP(native.kernels, a, p, third, third);
      expect(grown.calls, 'resumed').toBeGreaterThan(2);
      expectSameBits(grown.c, reference, 'native grown');
      const call = (over: { firstRow?: number; pColIdx?: Int32Array }): number =>
        loadSetupBinding().rapOfP(
          over.firstRow ?? 0, a.nRows, p.nCols, a.rowPtr, a.colIdx, a.values, p.rowPtr, over.pColIdx ?? p.colIdx, p.values,
          new Int32Array(a.nRows).fill(-1), new Float64Array(a.nRows), new Int32Array(a.nRows),
          new Int32Array(p.nCols).fill(-1), new Float64Array(p.nCols), new Int32Array(p.nCols), new Int32Array(p.nCols + 1), new Int32Array(8), new Float64Array(8),
        );
      expect(call({})).toBe(0);
      expect(() => call({ firstRow: p.nCols + 1 })).toThrow(/firstRow/);
      expect(() => call({ pColIdx: Int32Array.from(p.colIdx, (x, e) => (e === 2 ? p.nCols : x)) })).toThrow(/pColIdx\[2\]/);
    });

    it('rapOfP cuts R into blocks by entries as well as rows (2^17 at most, one row alone beyond): the bits of rapRows on Pᵀ', () => {
      // Coarse-level shapes: a few columns of thousands of entries each (blocks of a few rows),
      // and column 0 in every row, more entries than a block holds (a block of that row alone).
      const random = rng(430);
      const [nFine, nCoarse] = [140000, 40];
      const rowPtr = Int32Array.from({ length: nFine + 1 }, (_, i) => 2 * i);
      const colIdx = Int32Array.from({ length: 2 * nFine }, (_, e) => (e % 2 === 0 ? 0 : 1 + Math.floor(((e >> 1) * (nCoarse - 1)) / nFine)));
      const p: Block = { nRows: nFine, nCols: nCoarse, rowPtr, colIdx, values: Float64Array.from(colIdx, () => random() - 0.5) };
      const aPtr = Int32Array.from({ length: nFine + 1 }, (_, i) => 2 * i);
      const aCol = Int32Array.from({ length: 2 * nFine }, (_, e) => Math.min(nFine - 1, (e >> 1) + (e % 2)));
      const a: Block = { nRows: nFine, nCols: nFine, rowPtr: aPtr, colIdx: aCol, values: Float64Array.from(aCol, () => random() - 0.5) };
      const reference = rap(jsSetupKernels, transposeOf(p), a, p, nCoarse * nCoarse).c;
      expect(reference.rowPtr[nCoarse]).toBeGreaterThan(nCoarse);
      for (const [kernels, what] of [[jsSetupKernels, 'js'], [native.kernels, 'native']] as const) {
        expectSameBits(rapOfP(kernels, a, p, nCoarse * nCoarse, 0).c, reference, what);
      }
      expectSameBits(rapOfP(native.kernels, a, p, 3 * nCoarse, 2 * nCoarse).c, reference, 'native resumed');
    });

    it('galerkinRows with R = P1ᵀ formed inside (empty rRowPtr) has the bits of galerkinRows on P1ᵀ, whole or resumed', () => {
      // blockedRapCase as one part's blocks: no ghost entries in A, P2 without entries, the
      // coarse columns from nOwn on going to the ghost block, other parts' sums as extra terms.
      const { a, p } = blockedRapCase(420);
      const [nFine, nCoarse, nOwn] = [a.nRows, p.nCols, p.nCols - 300];
      const r = transposeOf(p);
      const noRows = new Int32Array(nFine + 1);
      const random = rng(421);
      const extraPtr = Int32Array.from({ length: nCoarse + 1 }, (_, c) => Math.floor(c / 3));
      const extra = { rowPtr: extraPtr, colIdx: Int32Array.from({ length: extraPtr[nCoarse] }, () => Math.floor(random() * nCoarse)), values: Float64Array.from({ length: extraPtr[nCoarse] }, () => random() - 0.5) };
      const run = (kernels: SpgemmKernels, rBlock: Block | undefined, room: number): { blocks: Block[]; calls: number } => {
        const fine = [new Int32Array(nFine).fill(-1), new Float64Array(nFine), new Int32Array(nFine + 1)] as const;
        const coarse = [new Int32Array(nCoarse).fill(-1), new Float64Array(nCoarse), new Int32Array(nCoarse)] as const;
        const out = [0, 1].map(() => ({ rowPtr: new Int32Array(nCoarse + 1), colIdx: new Int32Array(room), values: new Float64Array(room) }));
        const none = new Int32Array(0);
        let [done, calls] = [0, 0];
        for (;;) {
          calls++;
          done = kernels.galerkinRows(
            done, nCoarse, nFine, nOwn, rBlock?.rowPtr ?? none, rBlock?.colIdx ?? none, rBlock?.values ?? new Float64Array(0),
            a.rowPtr, a.colIdx, a.values, noRows, none, new Float64Array(0), p.rowPtr, p.colIdx, p.values, noRows, none,
            new Float64Array(0), extra.rowPtr, extra.colIdx, extra.values, ...fine, ...coarse,
            out[0].rowPtr, out[0].colIdx, out[0].values, out[1].rowPtr, out[1].colIdx, out[1].values,
          );
          if (done === nCoarse) break;
          for (const b of out) {
            const [colIdx, values] = [new Int32Array(b.colIdx.length + room), new Float64Array(b.values.length + room)];
            colIdx.set(b.colIdx);
            values.set(b.values);
            Object.assign(b, { colIdx, values });
          }
        }
        expect(fine[1].every((x) => x === 0) && coarse[1].every((x) => x === 0), 'accumulators reset').toBe(true);
        const blocks = out.map((b, q) => ({ nRows: nCoarse, nCols: q === 0 ? nOwn : nCoarse - nOwn, rowPtr: b.rowPtr, colIdx: b.colIdx.slice(0, b.rowPtr[nCoarse]), values: b.values.slice(0, b.rowPtr[nCoarse]) }));
        return { blocks, calls };
      };
      const room = 80 * nCoarse;
      const reference = run(jsSpgemmKernels, r, room);
      expect(reference.calls).toBe(1);
      expect(reference.blocks[1].rowPtr[nCoarse], 'some ghost-block entries').toBeGreaterThan(0);
      const nativeSpgemm = nativeSpgemmKernels(loadSpgemmBinding());
      for (const [kernels, what] of [[jsSpgemmKernels, 'js'], [nativeSpgemm, 'native']] as const) {
        const got = run(kernels, undefined, room);
        got.blocks.forEach((b, q) => expectSameBits(b, reference.blocks[q], `${what} block ${q}`));
      }
      const grown = run(nativeSpgemm, undefined, Math.ceil(reference.blocks[0].rowPtr[nCoarse] / 3));
      expect(grown.calls, 'resumed').toBeGreaterThan(2);
      grown.blocks.forEach((b, q) => expectSameBits(b, reference.blocks[q], `native grown block ${q}`));
    });

    it('markUsedColumns and renumberColumns: the results of the JavaScript twins; the addon checks ids and lengths', () => {
      const random = rng(3571);
      for (let s = 0; s < 8; s++) {
        const b = randomBlock(random, 25, 40, 0.15);
        const nnz = b.rowPtr[b.nRows];
        const marks = [native.kernels, jsSetupKernels].map((k) => {
          const mark = new Int32Array(40).fill(-1);
          k.markUsedColumns(nnz, b.colIdx, mark);
          return mark;
        });
        expect(Array.from(marks[0]), `mark ${s}`).toEqual(Array.from(marks[1]));
        const finalOf = Int32Array.from({ length: 40 }, () => Math.floor(random() * 1000));
        const [nat, js] = [native.kernels, jsSetupKernels].map((k) => {
          const out = { ...b, colIdx: b.colIdx.slice(), values: b.values.slice() };
          k.renumberColumns(b.nRows, out.rowPtr, out.colIdx, out.values, finalOf);
          return out;
        });
        expectSameBits(nat, js, `renumbered ${s}`);
      }
      const binding = loadSetupBinding();
      expect(() => binding.markUsedColumns(2, Int32Array.of(0, 4), new Int32Array(4))).toThrow(/colIdx\[1\]/);
      expect(() => binding.markUsedColumns(3, Int32Array.of(0, 1), new Int32Array(4))).toThrow(/colIdx/);
      expect(() => binding.renumberColumns(1, Int32Array.of(0, 2), Int32Array.of(0, 3), new Float64Array(2), new Int32Array(3))).toThrow(/colIdx\[1\]/);
      expect(() => binding.renumberColumns(1, Int32Array.of(0, 2), Int32Array.of(0, 1), new Float64Array(1), new Int32Array(3))).toThrow(/values/);
    });

    it('placeExtras: the placement of the JavaScript twin over several messages; the addon checks counts, ranks, rows and room', () => {
      const random = rng(4231);
      for (let s = 0; s < 8; s++) {
        const nOwn = 30;
        // Messages naming distinct own rows each, with 0..4 entries per row, as ownRows receives them.
        const messages = Array.from({ length: 3 }, () => {
          const rows = Int32Array.from({ length: nOwn }, (_, i) => i).filter(() => random() < 0.4);
          const counts = Float64Array.from(rows, () => Math.floor(random() * 5));
          const total = counts.reduce((a, b) => a + b, 0);
          const nColumns = 1 + Math.floor(random() * 6);
          return {
            rows,
            counts,
            ranks: Float64Array.from({ length: total }, () => Math.floor(random() * nColumns)),
            values: Float64Array.from({ length: total }, () => random() - 0.5),
            columnOf: Int32Array.from({ length: nColumns }, () => Math.floor(random() * 50)),
          };
        });
        const ptr = new Int32Array(nOwn + 1);
        for (const m of messages) m.rows.forEach((r, k) => (ptr[r + 1] += m.counts[k]));
        for (let c = 0; c < nOwn; c++) ptr[c + 1] += ptr[c];
        const [nat, js] = [native.kernels, jsSetupKernels].map((k) => {
          const fill = ptr.slice(0, nOwn);
          const col = new Int32Array(ptr[nOwn]).fill(-1);
          const value = new Float64Array(ptr[nOwn]);
          for (const m of messages) k.placeExtras(m.rows.length, m.rows, m.counts, m.ranks, m.values, m.columnOf, fill, col, value);
          expect(Array.from(fill), `fill ${s}`).toEqual(Array.from(ptr.subarray(1)));
          return { col, value };
        });
        expect(Array.from(nat.col), `columns ${s}`).toEqual(Array.from(js.col));
        expect(nat.col.includes(-1)).toBe(false);
        expect(new Uint8Array(nat.value.buffer), `values ${s}`).toEqual(new Uint8Array(js.value.buffer));
      }
      const binding = loadSetupBinding();
      const call = (o: { rows?: Int32Array; counts?: Float64Array; ranks?: Float64Array; room?: number; fill?: Int32Array }): void =>
        binding.placeExtras(
          2, o.rows ?? Int32Array.of(1, 0), o.counts ?? Float64Array.of(1, 2), o.ranks ?? Float64Array.of(0, 1, 0),
          Float64Array.of(1, 2, 3), Int32Array.of(5, 6), o.fill ?? Int32Array.of(0, 2), new Int32Array(o.room ?? 3),
          new Float64Array(o.room ?? 3),
        );
      expect(() => call({})).not.toThrow();
      expect(() => call({ rows: Int32Array.of(2, 0) })).toThrow(/rows\[0\]/);
      expect(() => call({ counts: Float64Array.of(1, 1.5) })).toThrow(/counts\[1\]/);
      expect(() => call({ counts: Float64Array.of(1, 3) })).toThrow(/counts sum/);
      expect(() => call({ ranks: Float64Array.of(0, 2, 0) })).toThrow(/ranks\[1\]/);
      expect(() => call({ room: 2 })).toThrow(/row 0/);
      expect(() => call({ fill: Int32Array.of(-1, 2) })).toThrow(/row 1/);
      expect(() => binding.placeExtras(1, Int32Array.of(0), new Int32Array(1) as unknown as Float64Array, new Float64Array(1), new Float64Array(1), new Int32Array(1), new Int32Array(1), new Int32Array(1), new Float64Array(1))).toThrow(TypeError);
    });

    it('ghostAggregateColumns: the columns of the JavaScript twin; the addon checks ids and lengths', () => {
      const random = rng(8123);
      for (let s = 0; s < 10; s++) {
        const nGhost = 1 + Math.floor(random() * 60);
        // Few distinct aggregates (repeats), some ghosts in none, a sparse block reaching some ghosts.
        const aggregateGid = Float64Array.from({ length: nGhost }, () => (random() < 0.2 ? -1 : 1000 + Math.floor(random() * 20)));
        const nnz = Math.floor(random() * 2 * nGhost);
        const colIdx = Int32Array.from({ length: nnz + 3 }, () => Math.floor(random() * nGhost));
        const [nat, js] = [native.kernels, jsSetupKernels].map((k) => {
          const out = { gids: new Float64Array(nGhost), first: new Int32Array(nGhost), column: new Int32Array(nGhost).fill(5) };
          const count = k.ghostAggregateColumns(nGhost, aggregateGid, nnz, colIdx, new Int32Array(nGhost), out.gids, out.first, out.column);
          return { count, gids: Array.from(out.gids.subarray(0, count)), first: Array.from(out.first.subarray(0, count)), column: Array.from(out.column) };
        });
        expect(nat, `case ${s}`).toEqual(js);
        if (nnz > 0) expect(js.column.some((c) => c >= 0)).toBe(aggregateGid.some((a, g) => a >= 0 && colIdx.subarray(0, nnz).includes(g)));
      }
      const binding = loadSetupBinding();
      const call = (nGhost: number, colIdx: Int32Array, room = nGhost): number =>
        binding.ghostAggregateColumns(nGhost, new Float64Array(nGhost), colIdx.length, colIdx, new Int32Array(nGhost), new Float64Array(room), new Int32Array(nGhost), new Int32Array(nGhost));
      expect(call(3, Int32Array.of(0, 2))).toBe(1);
      expect(() => call(3, Int32Array.of(0, 3))).toThrow(/ogColIdx\[1\]/);
      expect(() => call(3, Int32Array.of(0), 2)).toThrow(/gids/);
      expect(() => binding.ghostAggregateColumns(2, new Float64Array(2), 3, Int32Array.of(0, 1), new Int32Array(2), new Float64Array(2), new Int32Array(2), new Int32Array(2))).toThrow(/ogColIdx/);
    });

    it('aggregateWeights and packAggregateRows: the bits of the JavaScript twins; the addon checks aggregates, rows and lengths', () => {
      const random = rng(9127);
      for (let s = 0; s < 8; s++) {
        const nRows = 1 + Math.floor(random() * 200);
        const nAggregates = 1 + Math.floor(random() * 40);
        const aggregateOf = Int32Array.from({ length: nRows }, () => (random() < 0.1 ? -1 : Math.floor(random() * nAggregates)));
        const rows = Int32Array.from({ length: Math.floor(random() * nRows) }, () => Math.floor(random() * nRows));
        const [nat, js] = [native.kernels, jsSetupKernels].map((k) => {
          const weight = new Float64Array(nAggregates);
          k.aggregateWeights(nRows, aggregateOf, nAggregates, weight);
          const out = new Float64Array(2 * rows.length);
          k.packAggregateRows(rows.length, rows, aggregateOf, weight, 12345, out);
          return { weight: new Uint8Array(weight.buffer), out: new Uint8Array(out.buffer) };
        });
        expect(nat, `case ${s}`).toEqual(js);
      }
      const binding = loadSetupBinding();
      expect(() => binding.aggregateWeights(2, Int32Array.of(0, 2), 2, new Float64Array(2))).toThrow(/aggregateOf\[1\]/);
      expect(() => binding.aggregateWeights(2, Int32Array.of(0, 1), 2, new Float64Array(1))).toThrow(/weight/);
      const weight = Float64Array.of(1, 0.5);
      expect(() => binding.packAggregateRows(1, Int32Array.of(2), Int32Array.of(0, 1), weight, 0, new Float64Array(2))).toThrow(/rows\[0\]/);
      expect(() => binding.packAggregateRows(1, Int32Array.of(1), Int32Array.of(0, 2), weight, 0, new Float64Array(2))).toThrow(/aggregateOf\[1\]/);
      expect(() => binding.packAggregateRows(2, Int32Array.of(1, 0), Int32Array.of(0, 1), weight, 0, new Float64Array(3))).toThrow(/out/);
    });

    it('scatterTriplets and lastNonzeros: the bits of the JavaScript twins; the addon checks ids and lengths', () => {
      const random = rng(5519);
      for (let s = 0; s < 8; s++) {
        const n = 1 + Math.floor(random() * 30);
        // Local ids are a permutation of the global ids 5..5+n−1.
        const localOf = new Int32Array(5 + n).fill(-1);
        const perm = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919 + s) % n) - ((b * 7919 + s) % n));
        perm.forEach((l, i) => (localOf[5 + i] = l));
        const count = Math.floor(random() * n * 3);
        const triplets = new Float64Array(3 * count);
        for (let k = 0; k < count; k++) {
          triplets[k] = 5 + Math.floor(random() * n);
          triplets[count + k] = 5 + Math.floor(random() * n);
          triplets[2 * count + k] = random() < 0.1 ? 0 : random() - 0.5;
        }
        const [nat, js] = [native.kernels, jsSetupKernels].map((k) => {
          const lu = new Float64Array(n * n);
          const largest = k.scatterTriplets(n, localOf, triplets, lu, 0.25);
          const last = new Int32Array(n);
          k.lastNonzeros(n, lu, last);
          return { largest, lu: new Uint8Array(lu.buffer), last: Array.from(last) };
        });
        expect(nat, `case ${s}`).toEqual(js);
      }
      expect(Number.isNaN(native.kernels.scatterTriplets(1, Int32Array.of(0), Float64Array.of(0, 0, NaN), new Float64Array(1), 1))).toBe(true);
      const binding = loadSetupBinding();
      const localOf = Int32Array.of(-1, 0, 1);
      expect(binding.scatterTriplets(2, localOf, Float64Array.of(1, 2, 4), new Float64Array(4), 0)).toBe(4);
      expect(() => binding.scatterTriplets(2, localOf, Float64Array.of(0, 2, 4), new Float64Array(4), 0)).toThrow(/triplets\[0\]/);
      expect(() => binding.scatterTriplets(2, localOf, Float64Array.of(1, 3, 4), new Float64Array(4), 0)).toThrow(/triplets\[1\]/);
      expect(() => binding.scatterTriplets(2, localOf, Float64Array.of(1, 2, 4, 5), new Float64Array(4), 0)).toThrow(/length 4/);
      expect(() => binding.scatterTriplets(2, localOf, Float64Array.of(1, 2, 4), new Float64Array(3), 0)).toThrow(/lu/);
      expect(() => binding.lastNonzeros(2, new Float64Array(3), new Int32Array(2))).toThrow(/lu/);
      expect(() => binding.lastNonzeros(2, new Float64Array(4), new Int32Array(1))).toThrow(/last/);
    });

    it('placePairs: the placement of the JavaScript twin; the addon checks the ghosts and lengths', () => {
      const random = rng(2203);
      for (let s = 0; s < 6; s++) {
        const nGhost = 1 + Math.floor(random() * 50);
        const lids = Int32Array.from({ length: nGhost }, (_, g) => 100 + g).sort(() => random() - 0.5).subarray(0, Math.floor(random() * nGhost));
        const message = Float64Array.from({ length: 2 * lids.length }, () => random());
        const [nat, js] = [native.kernels, jsSetupKernels].map((k) => {
          const first = new Float64Array(nGhost).fill(-1);
          const second = new Float64Array(nGhost);
          k.placePairs(lids.length, lids, 100, message, first, second);
          return { first: Array.from(first), second: Array.from(second) };
        });
        expect(nat, `case ${s}`).toEqual(js);
      }
      const binding = loadSetupBinding();
      const message = Float64Array.of(1, 2, 3, 4);
      expect(() => binding.placePairs(2, Int32Array.of(5, 7), 5, message, new Float64Array(2), new Float64Array(3))).toThrow(/lids\[1\]/);
      expect(() => binding.placePairs(2, Int32Array.of(5, 4), 5, message, new Float64Array(3), new Float64Array(3))).toThrow(/lids\[1\]/);
      expect(() => binding.placePairs(2, Int32Array.of(5, 6), 5, message.subarray(0, 3), new Float64Array(3), new Float64Array(3))).toThrow(/message/);
    });

    it('prolongatorGhostBlock: the same block as the JavaScript twin; the addon checks ids and lengths', () => {
      const random = rng(6151);
      const run = (k: SetupKernels, og: Block, ghostColumn: Int32Array, ghostP0: Float64Array, inverse: Float64Array): Block => {
        const nnz = og.rowPtr[og.nRows];
        const out = { rowPtr: new Int32Array(og.nRows + 1), colIdx: new Int32Array(nnz), values: new Float64Array(nnz) };
        const n = k.prolongatorGhostBlock(
          og.nRows, og.rowPtr, og.colIdx, og.values, ghostColumn, ghostP0, 5, inverse, 0.7, new Int32Array(5).fill(-1), new Float64Array(5), out.rowPtr, out.colIdx, out.values,
        );
        return { nRows: og.nRows, nCols: 5, rowPtr: out.rowPtr, colIdx: out.colIdx.subarray(0, n), values: out.values.subarray(0, n) };
      };
      for (let s = 0; s < 8; s++) {
        const og = randomBlock(random, 30, 12, 0.3);
        const ghostColumn = Int32Array.from({ length: 12 }, () => Math.floor(random() * 6) - 1);
        const ghostP0 = Float64Array.from({ length: 12 }, () => random());
        const inverse = Float64Array.from({ length: 30 }, () => 1 + random());
        expectSameBits(run(native.kernels, og, ghostColumn, ghostP0, inverse), run(jsSetupKernels, og, ghostColumn, ghostP0, inverse), `ghost block ${s}`);
      }
      const og = randomBlock(random, 10, 4, 0.6);
      const nnz = og.rowPtr[10];
      const call = (over: { ghostColumn?: Int32Array; colIdx?: Int32Array; pValues?: Float64Array }): number =>
        loadSetupBinding().prolongatorGhostBlock(
          10, og.rowPtr, over.colIdx ?? og.colIdx, og.values, over.ghostColumn ?? Int32Array.of(0, 1, -1, 2), new Float64Array(4), 3,
          new Float64Array(10), 1, new Int32Array(3).fill(-1), new Float64Array(3), new Int32Array(11), new Int32Array(nnz), over.pValues ?? new Float64Array(nnz),
        );
      expect(call({})).toBeGreaterThan(0);
      expect(() => call({ ghostColumn: Int32Array.of(0, 3, -1, 2) })).toThrow(/ghostColumn\[1\]/);
      expect(() => call({ colIdx: Int32Array.from(og.colIdx, (x, e) => (e === 0 ? 4 : x)) })).toThrow(/ogColIdx\[0\]/);
      expect(() => call({ pValues: new Float64Array(nnz - 1) })).toThrow(/pValues/);
    });

    it('levelDiagonal: the same bits, bound and bandwidth, and the same first failed row', () => {
      const random = rng(8117);
      for (let s = 0; s < 8; s++) {
        const oo = randomBlock(random, 40 + s, 40 + s, 0.1, s % 4 !== 3);
        const og = randomBlock(random, 40 + s, 9, 0.2);
        const js = levelDiagonal(jsSetupKernels, oo, og);
        const nat = levelDiagonal(native.kernels, oo, og);
        expect(nat.first, `case ${s}`).toBe(js.first);
        expectSameValueBits(nat.diagonal, js.diagonal, `diagonal ${s}`);
        expectSameValueBits(nat.inverse, js.inverse, `inverse ${s}`);
        if (js.first < 0) expectSameValueBits(nat.out, js.out, `bound and bandwidth ${s}`);
        else expect(nat.out[1], `bandwidth ${s}`).toBe(js.out[1]);
      }
      const binding = loadSetupBinding();
      const oo = randomBlock(random, 12, 12, 0.3, true);
      const og = randomBlock(random, 12, 3, 0.3);
      const call = (over: { ooColIdx?: Int32Array; ogRowPtr?: Int32Array; out?: Float64Array }): number =>
        binding.levelDiagonal(
          12, oo.rowPtr, over.ooColIdx ?? oo.colIdx, oo.values, over.ogRowPtr ?? og.rowPtr, og.values, new Float64Array(12),
          new Float64Array(12), over.out ?? new Float64Array(2),
        );
      expect(call({})).toBe(levelDiagonal(jsSetupKernels, oo, og).first);
      expect(() => call({ ooColIdx: Int32Array.from(oo.colIdx, (x, e) => (e === 0 ? 12 : x)) })).toThrow(/ooColIdx\[0\]/);
      expect(() => call({ ogRowPtr: Int32Array.from(og.rowPtr, (x, i) => (i === 12 ? og.values.length + 1 : x)) })).toThrow(/ogRowPtr/);
      expect(() => call({ out: new Float64Array(1) })).toThrow(/out/);
    });

    it('checks types, lengths, row pointers, column and aggregate ids before any pass', () => {
      const binding = loadSetupBinding();
      const c = PROLONGATOR_CASES[0];
      const { a, count } = c;
      const n = a.nRows;
      const nnz = a.rowPtr[n];
      const prolong = (over: { aggregateOf?: Int32Array; colIdx?: Int32Array; pValues?: Float64Array; size?: unknown }): void =>
        binding.smoothedProlongator(
          n, a.rowPtr, over.colIdx ?? a.colIdx, a.values, over.aggregateOf ?? c.aggregateOf, count, c.inverse, c.omega,
          (over.size ?? new Float64Array(count)) as Float64Array, new Int32Array(count), new Float64Array(count),
          new Int32Array(n + 1), new Int32Array(nnz), over.pValues ?? new Float64Array(nnz),
        );
      expect(() => prolong({})).not.toThrow();
      expect(() => prolong({ aggregateOf: Int32Array.from(c.aggregateOf, (x, i) => (i === 3 ? count : x)) })).toThrow(/aggregateOf\[3\]/);
      expect(() => prolong({ colIdx: Int32Array.from(a.colIdx, (x, e) => (e === 0 ? n : x)) })).toThrow(/aColIdx\[0\]/);
      expect(() => prolong({ pValues: new Float64Array(nnz - 1) })).toThrow(/pValues/);
      expect(() => prolong({ size: new Int32Array(count) })).toThrow(TypeError);
      const g = AGGREGATION_CASES[0];
      const aggregateCall = (strong: unknown, over: { gColIdx?: Int32Array; order?: unknown } = {}): number =>
        binding.aggregateRows(
          g.a.nRows, g.a.rowPtr, g.a.colIdx, g.a.values, g.g.rowPtr, over.gColIdx ?? g.g.colIdx, g.ghostOwner, g.diagonal, g.theta,
          new Float64Array(g.a.nRows), strong as Uint8Array, new Int32Array(g.a.nRows), (over.order ?? new Int32Array(g.a.nRows)) as Int32Array,
          new Int32Array(g.a.nRows),
        );
      const enough = new Uint8Array(g.a.rowPtr[g.a.nRows]);
      expect(aggregateCall(enough)).toBeGreaterThan(0);
      expect(() => aggregateCall(new Int32Array(g.a.rowPtr[g.a.nRows]))).toThrow(/strong must be a Uint8Array/);
      expect(() => aggregateCall(new Uint8Array(g.a.rowPtr[g.a.nRows] - 1))).toThrow(/strong has length/);
      expect(() => aggregateCall(enough, { gColIdx: Int32Array.from(g.g.colIdx, (x, e) => (e === 1 ? 6 : x)) })).toThrow(/gColIdx\[1\]/);
      expect(() => aggregateCall(enough, { order: new Float64Array(g.a.nRows) })).toThrow(/order must be an Int32Array/);
      const { r, p } = rapCase(296);
      const rapCall = (over: { firstRow?: number; pColIdx?: Int32Array; fineList?: Int32Array; cRowPtr?: Int32Array }): number =>
        binding.rapRows(
          over.firstRow ?? 0, r.nRows, n, p.nCols, r.rowPtr, r.colIdx, r.values, a.rowPtr, a.colIdx, a.values,
          p.rowPtr, over.pColIdx ?? p.colIdx, p.values, new Int32Array(n).fill(-1), new Float64Array(n), over.fineList ?? new Int32Array(n),
          new Int32Array(p.nCols).fill(-1), new Float64Array(p.nCols), new Int32Array(p.nCols),
          over.cRowPtr ?? new Int32Array(r.nRows + 1), new Int32Array(64), new Float64Array(64),
        );
      expect(rapCall({})).toBeGreaterThanOrEqual(0);
      expect(() => rapCall({ firstRow: r.nRows + 1 })).toThrow(/firstRow/);
      expect(() => rapCall({ pColIdx: Int32Array.from(p.colIdx, (x, e) => (e === 1 ? -1 : x)) })).toThrow(/pColIdx\[1\]/);
      expect(() => rapCall({ fineList: new Int32Array(n - 1) })).toThrow(/fineList/);
      expect(() => rapCall({ cRowPtr: Int32Array.from({ length: r.nRows + 1 }, () => 65) })).toThrow(/cRowPtr\[firstRow\]/);
    });
  });
} else {
  it(`AMG set-up kernels: native unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native AMG set-up kernels: ${native.reason}`);
    console.warn(`native-vs-JS AMG set-up comparison not run: ${native.reason}`);
  });
}

describe('AMG set-up kernel selection', () => {
  const missing = (): never => {
    throw new BackendUnavailableError('The native AMG set-up kernels are unavailable', ['not built'], []);
  };
  it('PA_KERNELS=js, fallback without the addon, and the settings that require it', () => {
    expect(selectSetupKernels({ PA_KERNELS: 'js' }, missing).kind).toBe('js');
    expect(selectSetupKernels({}, missing).kind).toBe('js');
    expect(() => selectSetupKernels({ PA_KERNELS: 'native' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectSetupKernels({ PA_REQUIRE_NATIVE: '1' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectSetupKernels({ PA_KERNELS: 'fast' }, missing)).toThrow(InvalidArgumentError);
  });
});
