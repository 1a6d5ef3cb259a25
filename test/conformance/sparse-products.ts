import assert from 'node:assert/strict';
import {
  DimensionMismatchError,
  InvalidArgumentError,
  PartitionMismatchError,
  variablePartition,
  type PData,
  type PRange,
} from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { planMatmul, matmul } from '../../src/sparse/matmul.js';
import { psparse } from '../../src/sparse/psparse.js';
import { centralize, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import { rap } from '../../src/sparse/rap.js';
import { planTranspose, transpose } from '../../src/sparse/transpose.js';

const M = 11;
const K = 9;
const N = 7;

/** Sizes per part adding up to `n`, part 1 owning nothing when there are several parts. */
function partitionWithEmptyPart(ranks: PData<number>, n: number): PRange {
  const np = ranks.np;
  const counts = new Array<number>(np).fill(0);
  const holders = Array.from({ length: np }, (_, p) => p).filter((p) => np === 1 || p !== 1);
  for (let g = 0; g < n; g++) counts[holders[g % holders.length]]++;
  return variablePartition(ranks, ranks.map((p) => counts[p]), n);
}

/** A deterministic sparse pattern with values: (i, j) stored when (3i + 5j + seed) % 4 === 0, plus a band. */
function entries(rows: number, cols: number, seed: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if ((3 * i + 5 * j + seed) % 4 === 0 || i === j) out.push([i, j, ((i * 7 + j * 3 + seed) % 11) / 4 - 1.3]);
    }
  }
  return out;
}

/** Builds the matrix, each part emitting a share of the triplets (so rows travel to their owners). */
async function build(ranks: PData<number>, rows: PRange, cols: PRange, seed: number): Promise<PSparseMatrix> {
  const all = entries(rows.n, cols.n, seed);
  const mine = ranks.map((p) => all.filter((_, k) => k % ranks.np === p));
  return psparse(
    mine.map((t) => t.map((e) => e[0])),
    mine.map((t) => t.map((e) => e[1])),
    mine.map((t) => t.map((e) => e[2])),
    rows,
    cols,
  );
}

function dense(csr: CsrMatrix): number[][] {
  const out = Array.from({ length: csr.nRows }, () => new Array<number>(csr.nCols).fill(0));
  for (let i = 0; i < csr.nRows; i++) {
    for (let e = csr.rowPtr[i]; e < csr.rowPtr[i + 1]; e++) out[i][csr.colIdx[e]] += csr.values[e];
  }
  return out;
}

function product(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, x, k) => s + x * b[k][j], 0)));
}

function assertClose(actual: number[][], expected: number[][], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: rows`);
  actual.forEach((row, i) =>
    row.forEach((x, j) => assert.ok(Math.abs(x - expected[i][j]) <= 1e-12 * (1 + Math.abs(expected[i][j])), `${what} (${i}, ${j}): ${x} vs ${expected[i][j]}`)),
  );
}

/** Every block sorted by column, and the result's ghosts exactly the columns its rows reference. */
function assertWellFormed(C: PSparseMatrix, what: string): void {
  C.ownGhost.forEach((og, p) => {
    const ids = C.cols.partition.localItems[C.cols.partition.partIds.indexOf(p)];
    const used = new Set(og.colIdx);
    assert.equal(used.size, ids.nGhost, `${what}: part ${p} ghosts only referenced columns`);
    for (let k = 1; k < ids.nGhost; k++) assert.ok(ids.ghostToGlobal[k - 1] < ids.ghostToGlobal[k], `${what}: ghosts ascend`);
  });
  for (const blocks of [C.ownOwn, C.ownGhost]) {
    blocks.forEach((b) => {
      for (let i = 0; i < b.nRows; i++) {
        for (let e = b.rowPtr[i] + 1; e < b.rowPtr[i + 1]; e++) assert.ok(b.colIdx[e - 1] < b.colIdx[e], `${what}: sorted row`);
      }
    });
  }
}

/**
 * The exact bits C = A·B must have: each row's products summed in A's stored order (own block,
 * then ghost block), whatever the backend. Each B row adds one term per column, so B's order does
 * not matter and its centralized form serves.
 */
function assertExactProduct(C: PSparseMatrix, A: PSparseMatrix, B: PSparseMatrix): void {
  const b = centralize(B);
  const c = centralize(C);
  A.ownOwn.forEach((oo, p) => {
    const i0 = A.rows.partition.partIds.indexOf(p);
    const rowIds = A.rows.partition.localItems[i0];
    const colIds = A.cols.partition.localItems[i0];
    const og = A.ownGhost.localItems[i0];
    for (let i = 0; i < oo.nRows; i++) {
      const row = new Float64Array(B.cols.n);
      const terms: [number, number][] = [];
      for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++) terms.push([colIds.own.at(oo.colIdx[e]), oo.values[e]]);
      for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) terms.push([colIds.ghostToGlobal[og.colIdx[e]], og.values[e]]);
      for (const [k, a] of terms) for (let f = b.rowPtr[k]; f < b.rowPtr[k + 1]; f++) row[b.colIdx[f]] += a * b.values[f];
      const gi = rowIds.own.at(i);
      const got = new Float64Array(B.cols.n);
      for (let f = c.rowPtr[gi]; f < c.rowPtr[gi + 1]; f++) got[c.colIdx[f]] = c.values[f];
      assert.deepEqual(got, row, `row ${gi} of the product has the documented bits`);
    }
  });
}

/**
 * matmul, transpose and rap against dense references, on rectangular matrices whose row and
 * column partitions have an empty part; exact bits of matmul; refresh after a change of values;
 * typed errors for operands that do not chain.
 */
export async function productsMatchDenseReferences(ranks: PData<number>): Promise<void> {
  const rowsM = partitionWithEmptyPart(ranks, M);
  const rowsK = partitionWithEmptyPart(ranks, K);
  const rowsN = partitionWithEmptyPart(ranks, N);
  const A = await build(ranks, rowsM, rowsK, 1); // M × K
  const B = await build(ranks, rowsK, rowsN, 2); // K × N
  const S = await build(ranks, rowsK, rowsK, 3); // K × K
  const [a, b, s] = [dense(centralize(A)), dense(centralize(B)), dense(centralize(S))];

  const plan = planMatmul(A, B);
  const C = plan.result;
  assert.equal(C.rows.n, M);
  assert.equal(C.cols.n, N);
  assertClose(dense(centralize(C)), product(a, b), 'A·B');
  assertExactProduct(C, A, B);
  assertWellFormed(C, 'A·B');

  const At = transpose(A);
  assert.equal(At.rows.n, K);
  assert.deepEqual(dense(centralize(At)), a[0].map((_, j) => a.map((row) => row[j])), 'Aᵀ');
  assertWellFormed(At, 'Aᵀ');

  const Bt = transpose(B);
  const G = rap(Bt, S, B); // N × N
  assertClose(dense(centralize(G)), product(product(dense(centralize(Bt)), s), b), 'Bᵀ·S·B');
  assertWellFormed(G, 'Bᵀ·S·B');
  assertExactProduct(matmul(S, S), S, S);

  // New values in place (A doubled), then refresh: the bits of a fresh product.
  for (const blocks of [A.ownOwn, A.ownGhost]) blocks.forEach((blk) => blk.values.forEach((v, e) => (blk.values[e] = 2 * v)));
  plan.refresh();
  assertExactProduct(C, A, B);
  assertClose(dense(centralize(C)), product(a, b).map((row) => row.map((x) => 2 * x)), '2A·B');
  const tPlan = planTranspose(A);
  tPlan.refresh();
  assert.deepEqual(dense(centralize(tPlan.result)), a[0].map((_, j) => a.map((row) => 2 * row[j])), '(2A)ᵀ');

  assert.throws(() => matmul(A, A), DimensionMismatchError);
  assert.throws(() => matmul(B, A), DimensionMismatchError);
  assert.throws(() => matmul(A, 'B' as unknown as PSparseMatrix), InvalidArgumentError);
  assert.throws(() => transpose({} as PSparseMatrix), InvalidArgumentError);
  assert.throws(() => rap(Bt, S, A), DimensionMismatchError);
  if (ranks.np === 2) {
    // Same sizes, other own ids on every part: B's rows must have the own ids of A's columns.
    const shifted = variablePartition(ranks, ranks.map((p) => (p === 1 ? K : 0)), K);
    const B2 = await build(ranks, shifted, rowsN, 2);
    assert.throws(() => matmul(A, B2), PartitionMismatchError);
  }
}
