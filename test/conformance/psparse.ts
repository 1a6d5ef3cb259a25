import assert from 'node:assert/strict';
import { LocalIndices, OwnList, PRange, pvector, pzeros, uniformPartition, type PData } from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { psparse, psparseRefill } from '../../src/sparse/psparse.js';
import { centralize, mul, spmv } from '../../src/sparse/psparse-matrix.js';
import { onParts } from './case.js';

const N = 10;

/** Long-range couplings (i, j, value), stored symmetrically: the matrix is SPD (diagonally dominant). */
const COUPLINGS: readonly (readonly [number, number, number])[] = [
  [0, 9, -0.5],
  [2, 7, -0.25],
  [1, 5, -0.5],
];

/** The reference matrix: tridiagonal (4, −1) plus the couplings, dense, row-major. */
function denseReference(scale = 1): number[][] {
  const A = Array.from({ length: N }, () => new Array<number>(N).fill(0));
  for (let i = 0; i < N; i++) {
    A[i][i] = 4 * scale;
    if (i > 0) A[i][i - 1] = -1 * scale;
    if (i + 1 < N) A[i][i + 1] = -1 * scale;
  }
  for (const [i, j, v] of COUPLINGS) {
    A[i][j] = v * scale;
    A[j][i] = v * scale;
  }
  return A;
}

/** Owner of row g in `uniformPartition(ranks, N)`: the last `N % np` parts get one extra row. */
function uniformOwner(g: number, np: number): number {
  const l = Math.floor(N / np);
  const r = N % np;
  const small = (np - r) * l;
  return g < small ? Math.floor(g / l) : np - r + Math.floor((g - small) / (l + 1));
}

/**
 * Triplets of the reference matrix emitted by the WRONG parts: the rows owned by part q are
 * emitted by part q−1 (mod np), split into pieces that sum to the entry (the diagonal's second
 * piece comes from the owner itself), plus triplets with negative ids that must be ignored.
 */
function wrongPartTriplets(ranks: PData<number>, scale: number): { I: PData<number[]>; J: PData<number[]>; V: PData<number[]> } {
  const np = ranks.np;
  const A = denseReference(1);
  const triplets = ranks.map((p) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    const push = (i: number, j: number, v: number): void => {
      I.push(i);
      J.push(j);
      V.push(v * scale);
    };
    push(-1, 3, 7);
    for (let i = 0; i < N; i++) {
      const owner = uniformOwner(i, np);
      if (owner === p) push(i, i, 2.5);
      if ((owner + np - 1) % np !== p) continue;
      for (let j = 0; j < N; j++) {
        if (i === j) push(i, j, 1.5);
        else if (A[i][j] === -1) {
          push(i, j, -0.25);
          push(i, j, -0.75);
        } else if (A[i][j] !== 0) push(i, j, A[i][j]);
      }
      push(i, -1, 5);
    }
    push(-3, -2, 1);
    return { I, J, V };
  });
  return { I: triplets.map((t) => t.I), J: triplets.map((t) => t.J), V: triplets.map((t) => t.V) };
}

function denseOf(A: CsrMatrix): number[][] {
  const dense = Array.from({ length: A.nRows }, () => new Array<number>(A.nCols).fill(0));
  for (let i = 0; i < A.nRows; i++) {
    for (let k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) dense[i][A.colIdx[k]] = A.values[k];
  }
  return dense;
}

function storedCount(dense: readonly number[][]): number {
  return dense.reduce((sum, row) => sum + row.filter((v) => v !== 0).length, 0);
}

export async function centralizeEqualsDenseReference(ranks: PData<number>): Promise<void> {
  const rows = uniformPartition(ranks, N);
  const { I, J, V } = wrongPartTriplets(ranks, 1);
  const A = await psparse(I, J, V, rows, rows);
  const reference = denseReference();
  const central = centralize(A);
  assert.equal(central.nRows, N);
  assert.equal(central.nCols, N);
  assert.deepEqual(denseOf(central), reference);
  assert.equal(central.colIdx.length, storedCount(reference));
  for (let i = 0; i < N; i++) {
    const cols = Array.from(central.colIdx.subarray(central.rowPtr[i], central.rowPtr[i + 1]));
    assert.deepEqual(cols, [...cols].sort((a, b) => a - b), `columns of row ${i} ascending`);
  }
  assert.equal(A.nnz, 10 + 2 * 9 + 2 * COUPLINGS.length);
  assert.equal(A.rows, rows);
}

export async function ghostColumnsAreExactlyTheReferencedOnes(ranks: PData<number>): Promise<void> {
  const np = ranks.np;
  const rows = uniformPartition(ranks, N);
  const { I, J, V } = wrongPartTriplets(ranks, 1);
  const A = await psparse(I, J, V, rows, rows);
  const reference = denseReference();
  A.cols.partition.forEach((ids, p) => {
    const referenced = new Set<number>();
    for (let i = 0; i < N; i++) {
      if (uniformOwner(i, np) !== p) continue;
      for (let j = 0; j < N; j++) if (reference[i][j] !== 0 && uniformOwner(j, np) !== p) referenced.add(j);
    }
    const expected = [...referenced].sort((a, b) => a - b);
    assert.deepEqual(Array.from(ids.ghostToGlobal), expected);
    assert.deepEqual(Array.from(ids.ghostToOwner), expected.map((g) => uniformOwner(g, np)));
    assert.deepEqual(Array.from(ids.ownToGlobal), Array.from(rows.partition.localItems[rows.partition.partIds.indexOf(p)].ownToGlobal));
  });
}

export async function spmvOfOnesGivesRowSums(ranks: PData<number>): Promise<void> {
  const rows = uniformPartition(ranks, N);
  const { I, J, V } = wrongPartTriplets(ranks, 1);
  const A = await psparse(I, J, V, rows, rows);
  const reference = denseReference();
  const x = pvector(A.cols, (ids) => new Array<number>(ids.nLocal).fill(1));
  const y = pzeros(A.rows);
  spmv(y, A, x);
  forEachOwn(y.ownValues(), rows, (got, gid) => assert.equal(got, reference[gid].reduce((s, v) => s + v, 0)));
  forEachOwn(mul(A, x).ownValues(), rows, (got, gid) => assert.equal(got, reference[gid].reduce((s, v) => s + v, 0)));
}

export async function refillWithDoubledValuesDoublesTheProduct(ranks: PData<number>): Promise<void> {
  const rows = uniformPartition(ranks, N);
  const { I, J, V } = wrongPartTriplets(ranks, 1);
  const A = await psparse(I, J, V, rows, rows);
  const x = pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g) => 1 / (g + 3)));
  const before = mul(A, x);
  await psparseRefill(A, wrongPartTriplets(ranks, 2).V);
  const after = mul(A, x);
  const beforeOwn = before.ownValues().localItems;
  after.ownValues().forEach((got, p) => {
    const old = beforeOwn[after.rows.partition.partIds.indexOf(p)];
    got.forEach((v, i) => assert.ok(Object.is(v, 2 * old[i]), `row ${i} of part ${p}: ${v} vs 2 × ${old[i]}`));
  });
  assert.deepEqual(denseOf(centralize(A)), denseReference(2));
}

export async function refillGivesTheBitsOfAFreshBuild(ranks: PData<number>): Promise<void> {
  const rows = uniformPartition(ranks, N);
  const { I, J } = wrongPartTriplets(ranks, 1);
  // Values whose sums round: any change of summation order would show in the last bits.
  const V1 = I.map((ids, p) => ids.map((_, k) => 1 / (3 + k + 7 * p)));
  const V2 = I.map((ids, p) => ids.map((_, k) => 0.1 * (k + 1) + p / 3));
  const A = await psparse(I, J, V1, rows, rows);
  await psparseRefill(A, V2);
  const fresh = await psparse(I, J, V2, rows, rows);
  const refilled = centralize(A);
  const rebuilt = centralize(fresh);
  assert.deepEqual(Array.from(refilled.colIdx), Array.from(rebuilt.colIdx));
  refilled.values.forEach((v, k) => assert.ok(Object.is(v, rebuilt.values[k]), `entry ${k}`));
}

export async function rectangularMatrixWithExplicitOwnList(ranks: PData<number>): Promise<void> {
  // 3 × 5 matrix, columns owned round-robin (an explicit own list with no owner function).
  const np = ranks.np;
  const nCols = 5;
  const cols = new PRange(
    nCols,
    ranks.map((p) => LocalIndices.fromLists(p, nCols, [0, 1, 2, 3, 4].filter((g) => g % np === p))),
  );
  const rows = uniformPartition(ranks, 3);
  const dense = [
    [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 0],
    [0, 4, 0, 5, 0],
  ];
  const I = ranks.map((p) => (p === np - 1 ? [0, 0, 0, 2, 2] : []));
  const J = ranks.map((p) => (p === np - 1 ? [0, 2, 4, 1, 3] : []));
  const V = ranks.map((p) => (p === np - 1 ? [1, 2, 3, 4, 5] : []));
  const A = await psparse(I, J, V, rows, cols);
  assert.deepEqual(denseOf(centralize(A)), dense);
  assert.equal(A.nnz, 5);
  const x = pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g) => g + 1));
  forEachOwn(mul(A, x).ownValues(), rows, (got, gid) =>
    assert.equal(got, dense[gid].reduce((s, v, j) => s + v * (j + 1), 0)),
  );
  A.cols.partition.forEach((ids) => assert.ok(ids.own instanceof OwnList));
}

export async function assembledOptionNeedsNoExchange(ranks: PData<number>): Promise<void> {
  const rows = uniformPartition(ranks, N);
  const reference = denseReference();
  const triplets = rows.partition.map((ids) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    for (const i of ids.ownToGlobal) {
      reference[i].forEach((v, j) => {
        if (v === 0) return;
        I.push(i, i);
        J.push(j, -1);
        V.push(v, 100);
      });
    }
    return { I, J, V };
  });
  const A = await psparse(
    triplets.map((t) => t.I),
    triplets.map((t) => t.J),
    triplets.map((t) => t.V),
    rows,
    rows,
    { assembled: true },
  );
  assert.deepEqual(denseOf(centralize(A)), reference);
  assert.equal(A.nnz, storedCount(reference));
}

/**
 * Floating-point sums that depend on the order: with `big = 2^53`, `big + 1` rounds back to `big`.
 * The documented order (the owner's triplets in input order, then the other parts' by ascending
 * part id, each in its input order) gives 0 for both entries; adding the received values first, in
 * another part order or reversing a part's triplets gives 1 (or −1).
 */
export const duplicatesAreSummedInTheDocumentedOrder = onParts([3, 4], async (ranks: PData<number>) => {
  const big = 2 ** 53;
  const rows = uniformPartition(ranks, N); // part 0 owns rows and columns 0, 1, 2
  const triplets: Record<number, [number, number, number][]> = {
    0: [[0, 0, 1]],
    1: [
      [0, 0, big],
      [0, 1, 1],
      [0, 1, big],
      [0, 1, -big],
    ],
    2: [[0, 0, -big]],
  };
  const mine = ranks.map((p) => triplets[p] ?? []);
  const I = mine.map((t) => t.map(([i]) => i));
  const J = mine.map((t) => t.map(([, j]) => j));
  const V = mine.map((t) => t.map(([, , v]) => v));
  const A = await psparse(I, J, V, rows, rows);
  const before = centralize(A);
  assert.deepEqual(Array.from(before.colIdx.subarray(0, before.rowPtr[1])), [0, 1]);
  assert.ok(Object.is(before.values[0], 0) && Object.is(before.values[1], 0), `got ${before.values[0]}, ${before.values[1]}`);
  await psparseRefill(A, V.map((values) => values.map((v) => -v)));
  const after = centralize(A);
  assert.ok(Object.is(after.values[0], 0) && Object.is(after.values[1], 0), `got ${after.values[0]}, ${after.values[1]}`);
});

/** Calls `check(value, globalId)` for every own value of a vector on (the own ids of) `rows`. */
function forEachOwn(own: PData<Float64Array>, rows: PRange, check: (value: number, gid: number) => void): void {
  const ids = rows.partition.localItems;
  own.forEach((values, p) => {
    const local = ids[rows.partition.partIds.indexOf(p)];
    values.forEach((v, i) => check(v, local.own.at(i)));
  });
}
