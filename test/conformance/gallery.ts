import assert from 'node:assert/strict';
import { gather, getAny, pmap, type PData } from '../../src/index.js';
import type { CsrMatrix } from '../../src/kernels/csr.js';
import { laplacianFdm, type LaplacianProblem } from '../../src/gallery/laplacian-fdm.js';
import { laplacianFem } from '../../src/gallery/laplacian-fem.js';
import { centralize, mul, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import { psparse } from '../../src/sparse/psparse.js';
import { pvectorFromCoo } from '../../src/vectors/pvector-from-coo.js';
import { pvector, type PVector } from '../../src/vectors/pvector.js';
import { coordsOf, partsFor } from './grid.js';

function product(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a * b, 1);
}

function toDense(A: CsrMatrix): number[][] {
  const dense = Array.from({ length: A.nRows }, () => new Array<number>(A.nCols).fill(0));
  for (let i = 0; i < A.nRows; i++) {
    for (let k = A.rowPtr[i]; k < A.rowPtr[i + 1]; k++) dense[i][A.colIdx[k]] = A.values[k];
  }
  return dense;
}

function assertDenseEqual(actual: number[][], expected: number[][], tol: number): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((row, i) =>
    row.forEach((value, j) =>
      assert.ok(Math.abs(actual[i][j] - value) <= tol, `A[${i}][${j}] = ${actual[i][j]}, expected ${value}`),
    ),
  );
}

/** The finite-difference Laplacian written from its definition: 2d on the diagonal, −1 to grid neighbours. */
function denseFdm(sizes: readonly number[]): number[][] {
  const n = product(sizes);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      if (i === j) return 2 * sizes.length;
      const ci = coordsOf(i, sizes);
      const cj = coordsOf(j, sizes);
      const distance = ci.reduce((s, c, d) => s + Math.abs(c - cj[d]), 0);
      return distance === 1 ? -1 : 0;
    }),
  );
}

/**
 * The Q1 stiffness matrix from its tensor structure: Σ_e (⊗_{d≠e} M_d) ⊗ K_e over interior nodes,
 * with the assembled 1-D matrices K = (1/h) tridiag(−1, 2, −1), M = h tridiag(1/6, 2/3, 1/6).
 */
function denseFem(cells: readonly number[]): number[][] {
  const sizes = cells.map((c) => c - 1);
  const n = product(sizes);
  const oneD = (kind: 'K' | 'M', h: number, a: number, b: number): number => {
    const gap = Math.abs(a - b);
    if (gap > 1) return 0;
    if (kind === 'K') return (gap === 0 ? 2 : -1) / h;
    return h * (gap === 0 ? 2 / 3 : 1 / 6);
  };
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const ci = coordsOf(i, sizes);
      const cj = coordsOf(j, sizes);
      let value = 0;
      for (let e = 0; e < sizes.length; e++) {
        let term = 1;
        for (let d = 0; d < sizes.length; d++) term *= oneD(d === e ? 'K' : 'M', 1 / cells[d], ci[d], cj[d]);
        value += term;
      }
      return value;
    }),
  );
}

function assemble(problem: LaplacianProblem): PSparseMatrix {
  return psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
}

/** Own values by global id, gathered from every part. */
function ownEntries(v: PVector): Map<number, number> {
  const pieces = pmap(
    (ids, values) => Array.from({ length: ids.nOwn }, (_, i): [number, number] => [ids.ownToGlobal[i], values[i]]),
    v.rows.partition,
    v.values,
  );
  return new Map(getAny(gather(pieces, { destination: 'all' })).flat());
}

function checkFdmTriplets(problem: LaplacianProblem): void {
  assert.equal(problem.cols, problem.rows);
  pmap(
    (ids, I, J) => {
      for (let k = 0; k < I.length; k++) {
        assert.ok(ids.globalToOwn(I[k]) >= 0, `row ${I[k]} emitted by part ${ids.partId}, which does not own it`);
        if (k > 0 && I[k] === I[k - 1]) assert.ok(J[k] > J[k - 1], `columns of row ${I[k]} not ascending`);
      }
    },
    problem.rows.partition,
    problem.I,
    problem.J,
  );
}

export function fdm2dMatchesDefinition(ranks: PData<number>): void {
  const sizes = [4, 5];
  const problem = laplacianFdm(ranks, sizes, partsFor(ranks.np, 2));
  checkFdmTriplets(problem);
  const A = assemble(problem);
  assert.equal(A.rows.n, 20);
  assertDenseEqual(toDense(centralize(A)), denseFdm(sizes), 0);
  assert.equal(A.nnz, 5 * 20 - 2 * (4 + 5));
}

export function fdm3dMatchesDefinition(ranks: PData<number>): void {
  const sizes = [3, 4, 5];
  const problem = laplacianFdm(ranks, sizes, partsFor(ranks.np, 3));
  checkFdmTriplets(problem);
  assertDenseEqual(toDense(centralize(assemble(problem))), denseFdm(sizes), 0);
}

export function fdm3dCubeNonzeros(ranks: PData<number>): void {
  const n = 6;
  const A = assemble(laplacianFdm(ranks, [n, n, n], partsFor(ranks.np, 3)));
  assert.equal(A.nnz, 7 * n ** 3 - 6 * n ** 2);
}

/** For u = x₀² the unscaled 2·d-point stencil gives −2 at every node: A u_interior = b − 2. */
export function fdmDirichletRightHandSide(ranks: PData<number>): void {
  for (const sizes of [[5, 4], [3, 4, 5]]) {
    const grid = (ci: number[]): number[] => ci.map((c) => c + 1);
    const problem = laplacianFdm(ranks, sizes, partsFor(ranks.np, sizes.length), { dirichlet: (x) => x[0] * x[0] });
    const A = assemble(problem);
    const b = ownEntries(pvectorFromCoo(problem.b.I, problem.b.V, A.rows).wait());
    const u = pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g) => grid(coordsOf(g, sizes))[0] ** 2));
    for (const [gid, Au] of ownEntries(mul(A, u))) assert.equal(b.get(gid), Au + 2, `b[${gid}]`);
  }
}

export function fem2dMatchesTensorReference(ranks: PData<number>): void {
  const cells = [5, 6];
  assertDenseEqual(toDense(centralize(assemble(laplacianFem(ranks, cells, partsFor(ranks.np, 2))))), denseFem(cells), 1e-13);
  // On square cells this is the well-known stencil (1/3)·[8 on the diagonal, −1 to all 8 neighbours].
  const square = toDense(centralize(assemble(laplacianFem(ranks, [4, 4], partsFor(ranks.np, 2)))));
  assert.ok(Math.abs(square[4][4] - 8 / 3) < 1e-15);
  for (const j of [0, 1, 2, 3, 5, 6, 7, 8]) assert.ok(Math.abs(square[4][j] + 1 / 3) < 1e-15, `A[4][${j}]`);
}

export function fem3dMatchesTensorReference(ranks: PData<number>): void {
  const cells = [3, 4, 5];
  assertDenseEqual(toDense(centralize(assemble(laplacianFem(ranks, cells, partsFor(ranks.np, 3))))), denseFem(cells), 1e-13);
}

export function femPartsEmitRowsOfNeighbours(ranks: PData<number>): void {
  const cells = [6, 7, 5];
  const problem = laplacianFem(ranks, cells, partsFor(ranks.np, 3));
  const emitsForeign = pmap(
    (ids, I) => Array.from(I).some((row) => ids.globalToOwn(row) < 0),
    problem.rows.partition,
    problem.I,
  );
  const anyForeign = getAny(gather(emitsForeign, { destination: 'all' })).some((b) => b);
  assert.equal(anyForeign, ranks.np > 1);
  const A = toDense(centralize(assemble(problem)));
  const sizes = cells.map((c) => c - 1);
  A.forEach((row, i) => {
    row.forEach((value, j) => assert.ok(Math.abs(value - A[j][i]) <= 1e-14, `A[${i}][${j}] ≠ A[${j}][${i}]`));
    const awayFromBoundary = coordsOf(i, sizes).every((c, d) => c >= 1 && c <= sizes[d] - 2);
    if (awayFromBoundary) {
      const rowSum = row.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(rowSum) <= 1e-13, `row ${i} sums to ${rowSum}`);
    }
  });
}

/** For a linear u, Galerkin Q1 is exact: A u_interior = b. */
export function femDirichletRightHandSide(ranks: PData<number>): void {
  for (const cells of [[5, 6], [3, 4, 5]]) {
    const sizes = cells.map((c) => c - 1);
    const u = (x: number[]): number => 1 + x.reduce((s, xi, d) => s + (d + 2) * xi, 0);
    const problem = laplacianFem(ranks, cells, partsFor(ranks.np, cells.length), { dirichlet: u });
    const A = assemble(problem);
    const b = ownEntries(pvectorFromCoo(problem.b.I, problem.b.V, A.rows).wait());
    const point = (g: number): number[] => coordsOf(g, sizes).map((c, d) => (c + 1) / cells[d]);
    const uInterior = pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g) => u(point(g))));
    for (const [gid, Au] of ownEntries(mul(A, uInterior))) {
      assert.ok(Math.abs((b.get(gid) ?? NaN) - Au) <= 1e-12, `b[${gid}] = ${b.get(gid)}, A u = ${Au}`);
    }
  }
}
