import assert from 'node:assert/strict';
import {
  InvalidArgumentError,
  PRange,
  axpy,
  dot,
  getAny,
  gather,
  norm,
  pfill,
  pmap,
  pvector,
  pzeros,
  sum,
  type PData,
  type PVector,
} from '../../src/index.js';
import { laplacianFdm, type DirichletFunction } from '../../src/gallery/laplacian-fdm.js';
import { laplacianFem } from '../../src/gallery/laplacian-fem.js';
import { uniformPartition } from '../../src/partitions/partitions.js';
import { mul, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import { psparse } from '../../src/sparse/psparse.js';
import { pvectorFromCoo } from '../../src/vectors/pvector-from-coo.js';
import { entryRowSpan } from '../../src/kernels/csr.js';
import type { CgIterationInfo, CgResult } from '../../src/solvers/cg-options.js';
import { CgSolver, cg } from '../../src/solvers/cg.js';
import type { Preconditioner } from '../../src/solvers/preconditioners.js';
import { SpmvDotPlan } from '../../src/solvers/spmv-dot-plan.js';
import { coordsOf, partsFor } from './grid.js';

/** Own values of `x` by global id, over every part (gathered). */
function ownEntries(x: PVector): Map<number, number> {
  const pieces = pmap(
    (ids, values) => Array.from({ length: ids.nOwn }, (_, i): [number, number] => [ids.ownToGlobal[i], values[i]]),
    x.rows.partition,
    x.values,
  );
  return new Map(getAny(gather(pieces, { destination: 'all' })).flat());
}

function assertClose(actual: number, expected: number, relTol: number, what: string): void {
  const scale = Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= relTol * scale, `${what}: ${actual} vs ${expected}`);
}

function sumOf(x: readonly number[]): number {
  return x.reduce((a, b) => a + b, 0);
}

/** Solves the manufactured problem u = Σ x_d and checks u at every own node. */
function checkManufactured(ranks: PData<number>, kind: 'fdm' | 'fem', sizes: number[]): void {
  const parts = partsFor(ranks.np, sizes.length);
  const u: DirichletFunction = (x) => sumOf(x);
  const problem =
    kind === 'fdm'
      ? laplacianFdm(ranks, sizes, parts, { dirichlet: u })
      : laplacianFem(ranks, sizes, parts, { dirichlet: u });
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  const b = pvectorFromCoo(problem.b.I, problem.b.V, A.rows).wait();
  const result = cg(A, b, { rtol: 1e-12, preconditioner: 'jacobi' });
  assert.equal(result.reason, 'converged-rtol');
  assert.equal(result.converged, true);
  const unknowns = kind === 'fdm' ? sizes : sizes.map((c) => c - 1);
  const point = (c: number[]): number[] => (kind === 'fdm' ? c.map((ci) => ci + 1) : c.map((ci, d) => (ci + 1) / sizes[d]));
  pmap(
    (ids, values) => {
      for (let i = 0; i < ids.nOwn; i++) {
        const expected = sumOf(point(coordsOf(ids.ownToGlobal[i], unknowns)));
        assert.ok(Math.abs(values[i] - expected) <= 1e-6, `x[${ids.ownToGlobal[i]}] = ${values[i]}, expected ${expected}`);
      }
    },
    result.x.rows.partition,
    result.x.values,
  );
}

/** Dense Poisson-like SPD matrix with a varying diagonal, emitted by the owners of its rows. */
function varyingSpd(ranks: PData<number>, n: number): { A: PSparseMatrix; dense: number[][] } {
  const dense = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      if (i === j) return 3 + (i % 4);
      if (Math.abs(i - j) === 1) return -1;
      if (Math.abs(i - j) === 7) return -0.5;
      return 0;
    }),
  );
  const rows = uniformPartition(ranks, n);
  const triplets = rows.partition.map((ids) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    for (const i of ids.ownToGlobal) {
      for (let j = 0; j < n; j++) {
        if (dense[i][j] !== 0) {
          I.push(i);
          J.push(j);
          V.push(dense[i][j]);
        }
      }
    }
    return { I, J, V };
  });
  const A = psparse(
    triplets.map((t) => t.I),
    triplets.map((t) => t.J),
    triplets.map((t) => t.V),
    rows,
    rows,
  ).wait();
  return { A, dense };
}

/** Serial reference PCG on dense arrays (textbook Hestenes–Stiefel), with M = diag(m)⁻¹. */
function referencePcg(
  dense: number[][],
  b: number[],
  invM: number[],
  rtol: number,
): { x: number[]; residuals: number[] } {
  const n = b.length;
  const matVec = (v: number[]): number[] => dense.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
  const dotD = (a: number[], c: number[]): number => a.reduce((s, ai, i) => s + ai * c[i], 0);
  const x = new Array<number>(n).fill(0);
  const r = b.slice();
  let z = r.map((ri, i) => invM[i] * ri);
  let p = z.slice();
  let rz = dotD(r, z);
  const residuals = [Math.sqrt(dotD(r, r))];
  while (residuals[residuals.length - 1] > rtol * residuals[0]) {
    const q = matVec(p);
    const alpha = rz / dotD(p, q);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
    }
    residuals.push(Math.sqrt(dotD(r, r)));
    z = r.map((ri, i) => invM[i] * ri);
    const rzNext = dotD(r, z);
    p = z.map((zi, i) => zi + (rzNext / rz) * p[i]);
    rz = rzNext;
  }
  return { x, residuals };
}

function checkAgainstReference(result: CgResult, reference: { x: number[]; residuals: number[] }): void {
  assert.equal(result.iterations, reference.residuals.length - 1);
  assert.equal(result.residuals.length, reference.residuals.length);
  result.residuals.forEach((rk, k) => assertClose(rk, reference.residuals[k], 1e-9, `residual ${k}`));
  for (const [gid, value] of ownEntries(result.x)) assertClose(value, reference.x[gid], 1e-9, `x[${gid}]`);
}

/** PETSc's figures for the 3-D Poisson problem n = 50 (anchors/README.md). */
export function poisson3dN50MatchesPetsc(ranks: PData<number>): void {
  const n = 50;
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  assert.equal(A.nnz, 7 * n ** 3 - 6 * n ** 2);
  const result = cg(A, pfill(1, A.rows), { rtol: 1e-8, preconditioner: 'jacobi' });
  assert.equal(result.reason, 'converged-rtol');
  assert.equal(result.iterations, 124);
  assert.equal(result.residuals.length, 125);
  assertClose(norm(result.x), 2.3655395059e4, 1e-10, '‖x‖₂');
  assertClose(sum(result.x), 6.9426146955e6, 1e-10, 'Σx');
  assert.ok(result.residuals[124] <= 1e-8 * result.residuals[0]);
  assert.ok(result.residuals[123] > 1e-8 * result.residuals[0]);
}

export function manufacturedFdm2d(ranks: PData<number>): void {
  checkManufactured(ranks, 'fdm', [10, 12]);
}

export function manufacturedFdm3d(ranks: PData<number>): void {
  checkManufactured(ranks, 'fdm', [8, 9, 10]);
}

export function manufacturedFem2d(ranks: PData<number>): void {
  checkManufactured(ranks, 'fem', [10, 12]);
}

export function manufacturedFem3d(ranks: PData<number>): void {
  checkManufactured(ranks, 'fem', [8, 9, 10]);
}

export function jacobiMatchesSerialReference(ranks: PData<number>): void {
  const n = 30;
  const { A, dense } = varyingSpd(ranks, n);
  const bValues = Array.from({ length: n }, (_, g) => 1 + (g % 5));
  const b = pvector(A.rows, (ids) => Array.from(ids.localToGlobal, (g) => bValues[g]));
  const result = cg(A, b, { rtol: 1e-10, preconditioner: 'jacobi' });
  assert.equal(result.reason, 'converged-rtol');
  const reference = referencePcg(dense, bValues, dense.map((row, i) => 1 / row[i]), 1e-10);
  assert.ok(reference.residuals.length > 5, 'the reference needs several iterations');
  checkAgainstReference(result, reference);
}

export function unpreconditionedMatchesSerialReference(ranks: PData<number>): void {
  const n = 30;
  const { A, dense } = varyingSpd(ranks, n);
  const bValues = Array.from({ length: n }, (_, g) => Math.sin(g + 1));
  const b = pvector(A.rows, (ids) => Array.from(ids.localToGlobal, (g) => bValues[g]));
  const result = cg(A, b, { rtol: 1e-10 });
  assert.equal(result.reason, 'converged-rtol');
  checkAgainstReference(result, referencePcg(dense, bValues, new Array<number>(n).fill(1), 1e-10));
}

export function customPreconditionerIsUsed(ranks: PData<number>): void {
  const n = 30;
  const { A, dense } = varyingSpd(ranks, n);
  const bValues = Array.from({ length: n }, (_, g) => 1 + (g % 3));
  const b = pvector(A.rows, (ids) => Array.from(ids.localToGlobal, (g) => bValues[g]));
  const weights = Array.from({ length: n }, (_, g) => 1 / (1 + (g % 2)));
  let calls = 0;
  const diagonalWeights: Preconditioner = {
    apply(z, r) {
      calls++;
      pmap(
        (ids, zs, rs) => {
          for (let i = 0; i < ids.nOwn; i++) zs[i] = weights[ids.ownToGlobal[i]] * rs[i];
        },
        r.rows.partition,
        z.values,
        r.values,
      );
    },
  };
  const result = cg(A, b, { rtol: 1e-10, preconditioner: diagonalWeights });
  assert.equal(result.reason, 'converged-rtol');
  assert.equal(calls, result.iterations, 'one application per iteration that continues, plus the initial one');
  checkAgainstReference(result, referencePcg(dense, bValues, weights, 1e-10));
}

export function onIterationSeesEveryResidual(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [7, 9], partsFor(ranks.np, 2));
  const A = psparse(I, J, V, rows, cols).wait();
  const seen: CgIterationInfo[] = [];
  const result = cg(A, pfill(1, A.rows), { preconditioner: 'jacobi', onIteration: (info) => seen.push({ ...info }) });
  assert.equal(result.reason, 'converged-rtol');
  assert.deepEqual(
    seen,
    result.residuals.map((residual, iteration) => ({ iteration, residual })),
  );
  assert.equal(result.residuals[0], Math.sqrt(63));
}

export function zeroRightHandSideConvergesAtIterationZero(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [6, 5], partsFor(ranks.np, 2));
  const A = psparse(I, J, V, rows, cols).wait();
  const result = cg(A, pzeros(A.rows), { preconditioner: 'jacobi' });
  assert.equal(result.converged, true);
  assert.equal(result.reason, 'converged-rtol');
  assert.equal(result.iterations, 0);
  assert.deepEqual(result.residuals, [0]);
  assert.equal(result.x.rows, A.cols);
  for (const value of ownEntries(result.x).values()) assert.equal(value, 0);
}

export function exactInitialGuessConvergesAtIterationZero(ranks: PData<number>): void {
  const sizes = [6, 7, 5];
  const u: DirichletFunction = (x) => sumOf(x);
  const problem = laplacianFdm(ranks, sizes, partsFor(ranks.np, 3), { dirichlet: u });
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  const b = pvectorFromCoo(problem.b.I, problem.b.V, A.rows).wait();
  const exact = (range: PRange): PVector =>
    pvector(range, (ids) => Array.from(ids.localToGlobal, (g) => sumOf(coordsOf(g, sizes).map((c) => c + 1))));
  for (const range of [A.rows, A.cols]) {
    const result = cg(A, b, { x0: exact(range) });
    assert.equal(result.iterations, 0);
    assert.deepEqual(result.residuals, [0]);
    assert.equal(result.reason, 'converged-rtol');
  }
  const fromOnes = cg(A, b, { x0: pfill(1, A.rows), rtol: 1e-12, preconditioner: 'jacobi' });
  assert.equal(fromOnes.reason, 'converged-rtol');
  const error = pzeros(A.cols);
  axpy(1, fromOnes.x, error);
  axpy(-1, exact(A.cols), error);
  assert.ok(norm(error) < 1e-8, `‖x − u‖ = ${norm(error)}`);
}

export function maxItersStopsWithTrueResidual(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [10, 10], partsFor(ranks.np, 2));
  const A = psparse(I, J, V, rows, cols).wait();
  const b = pfill(1, A.rows);
  const result = cg(A, b, { maxIters: 3, preconditioner: 'jacobi' });
  assert.equal(result.reason, 'diverged-max-iters');
  assert.equal(result.converged, false);
  assert.equal(result.iterations, 3);
  assert.equal(result.residuals.length, 4);
  const trueResidual = mul(A, result.x);
  axpy(-1, b, trueResidual);
  assertClose(result.residuals[3], norm(trueResidual), 1e-12, '‖b − A x₃‖');
  const none = cg(A, b, { maxIters: 0 });
  assert.equal(none.reason, 'diverged-max-iters');
  assert.deepEqual(none.residuals, [10]);
}

export function absoluteToleranceStops(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [10, 10], partsFor(ranks.np, 2));
  const A = psparse(I, J, V, rows, cols).wait();
  const b = pfill(1, A.rows);
  const atol = 1e-3 * 10;
  const byAtol = cg(A, b, { rtol: 1e-6, atol, preconditioner: 'jacobi' });
  assert.equal(byAtol.reason, 'converged-atol');
  assert.equal(byAtol.converged, true);
  const last = byAtol.residuals.length - 1;
  assert.ok(byAtol.residuals[last] <= atol);
  assert.ok(byAtol.residuals[last - 1] > atol);
  const byRtol = cg(A, b, { rtol: 1e-2, atol: 1e-5, preconditioner: 'jacobi' });
  assert.equal(byRtol.reason, 'converged-rtol');
  assert.ok(byRtol.iterations < byAtol.iterations);
}

/** diag(3, 1, −1, −1, 3, 1, −1, −1): worked by hand, plain CG breaks down at the second step. */
export function indefiniteMatrixBreaksDown(ranks: PData<number>): void {
  const d = [3, 1, -1, -1, 3, 1, -1, -1];
  const rows = uniformPartition(ranks, d.length);
  const ids = rows.partition.map((own) => Array.from(own.ownToGlobal));
  const A = psparse(ids, ids, ids.map((gids) => gids.map((g) => d[g])), rows, rows).wait();
  const b = pfill(1, A.rows);
  // r0 = 1, pᵀAp = Σd = 4, α = 2, r1 = 1 − 2d, ‖r1‖² = 88, β = 11, p = r1 + 11 → pᵀAp = −368.
  const plain = cg(A, b);
  assert.equal(plain.reason, 'diverged-breakdown');
  assert.equal(plain.converged, false);
  assert.equal(plain.iterations, 1);
  assert.deepEqual(plain.residuals, [Math.sqrt(8), Math.sqrt(88)]);
  for (const value of ownEntries(plain.x).values()) assert.equal(value, 2);
  // diag(1, −1, ...) with Jacobi: z0 = D⁻¹ 1 alternates in sign, r0ᵀz0 = 0.
  const alternating = psparse(ids, ids, ids.map((gids) => gids.map((g) => (g % 2 === 0 ? 1 : -1))), rows, rows).wait();
  const jacobiRun = cg(alternating, b, { preconditioner: 'jacobi' });
  assert.equal(jacobiRun.reason, 'diverged-breakdown');
  assert.equal(jacobiRun.iterations, 0);
}

export function nanRightHandSideIsReported(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [5, 5], partsFor(ranks.np, 2));
  const A = psparse(I, J, V, rows, cols).wait();
  const result = cg(A, pfill(Number.NaN, A.rows), { preconditioner: 'jacobi' });
  assert.equal(result.reason, 'diverged-nan');
  assert.equal(result.iterations, 0);
  assert.equal(result.residuals.length, 1);
  assert.ok(Number.isNaN(result.residuals[0]));
}

/**
 * The solution's ghosts hold the owners' values (bit for bit) however the solve starts and stops:
 * a new x, a given x with stale ghosts, an x0, Jacobi or no preconditioner, converged or stopped
 * by maxIters (with Jacobi, x += αp is then still pending when the loop stops).
 */
export function solutionGhostsAreConsistent(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [6, 6], partsFor(ranks.np, 2));
  const A = psparse(I, J, V, rows, cols).wait();
  const b = pfill(1, A.rows);
  const check = (x: PVector): void => {
    const owned = ownEntries(x);
    pmap(
      (ids, values) => {
        for (let k = 0; k < ids.nGhost; k++) assert.equal(values[ids.nOwn + k], owned.get(ids.ghostToGlobal[k]));
      },
      x.rows.partition,
      x.values,
    );
  };
  check(cg(A, b, { preconditioner: 'jacobi' }).x);
  // A guess whose ghosts are stale (99): the solve reads only its own values.
  const guess = (): PVector => pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g, l) => (l < ids.nOwn ? 0.25 * (g % 7) : 99)));
  const x0 = guess();
  for (const preconditioner of ['jacobi', 'none'] as const) {
    for (const maxIters of [3, 1000]) {
      const solver = new CgSolver(A, { preconditioner, maxIters });
      const stale = pfill(5, A.cols);
      const fromZero = solver.solve(b, { x: stale });
      assert.equal(fromZero.reason, maxIters === 3 ? 'diverged-max-iters' : 'converged-rtol');
      check(fromZero.x);
      check(solver.solve(b, { x0 }).x);
      const inPlace = guess();
      check(solver.solve(b, { x0: inPlace, x: inPlace }).x);
    }
  }
}

/**
 * p·q summed as SpmvDotPlan documents it, with plain loops: per part the rows before the first
 * row with ghost entries, then those after the last, then the ones between; partials in part order.
 */
function planOrderDot(A: PSparseMatrix, p: PVector, q: PVector): number {
  const partials = pmap(
    (ghostBlock, pv, qv) => {
      const n = ghostBlock.nRows;
      const { first, end } = entryRowSpan(ghostBlock);
      let d = 0;
      for (let i = 0; i < first; i++) d += pv[i] * qv[i];
      for (let i = end; i < n; i++) d += pv[i] * qv[i];
      for (let i = first; i < end; i++) d += pv[i] * qv[i];
      return d;
    },
    A.ownGhost,
    p.values,
    q.values,
  );
  return getAny(gather(partials, { destination: 'all' })).reduce((total, d) => total + d, 0);
}

/** CG's split q = A p with p·q: q has the bits of `mul`, p·q the documented order, every part agrees. */
export function spmvDotPlanMatchesSpmvAndRowOrder(ranks: PData<number>): void {
  const problems = [
    laplacianFdm(ranks, [9, 7], partsFor(ranks.np, 2)),
    laplacianFdm(ranks, [5, 4, 6], partsFor(ranks.np, 3)),
    laplacianFem(ranks, [4, 5], partsFor(ranks.np, 2)),
  ];
  for (const problem of problems) {
    const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
    const p = pvector(A.cols, (ids) => Float64Array.from(ids.localToGlobal, (g) => 1.5 + Math.sin(g)));
    const q = pzeros(A.rows);
    for (const [round, compact] of [[0, false], [1, false], [2, true], [3, true]] as const) {
      const plan = new SpmvDotPlan(A, p, q, compact);
      assert.deepEqual(plan.compactParts, A.ownOwn.localItems.map(() => compact), 'every gallery block fits the compact form');
      if (round % 2 === 1) pmap((v) => v.forEach((value, i) => (v[i] = value * 0.75 - 0.5)), p.ownValues());
      const pq = plan.run();
      const expected = mul(A, p);
      pmap((got, want, part) => {
        for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `part ${part} q[${i}]`);
      }, q.ownValues(), expected.ownValues());
      assert.ok(Object.is(pq, planOrderDot(A, p, q)), `p·q ${pq} vs ${planOrderDot(A, p, q)}`);
      const all = getAny(gather(ranks.map(() => pq), { destination: 'all' }));
      assert.ok(all.every((value) => Object.is(value, pq)), `p·q differs between parts: ${all.join(', ')}`);
      assertClose(pq, dot(p, q), 1e-12, 'p·q against dot');
    }
  }
}

function assertSameBits(actual: PVector, expected: PVector, what: string): void {
  pmap(
    (a, e, part) => {
      for (let i = 0; i < e.length; i++) assert.ok(Object.is(a[i], e[i]), `${what}: part ${part} own value ${i}: ${a[i]} vs ${e[i]}`);
    },
    actual.ownValues(),
    expected.ownValues(),
  );
}

/**
 * One CgSolver for several right-hand sides gives, solve after solve, the bits of a fresh `cg`:
 * into a new x, into a given x (stale values overwritten), and in place from a guess (x = x0).
 */
export function solverReuseMatchesCg(ranks: PData<number>): void {
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [7, 6, 5], partsFor(ranks.np, 3));
  const A = psparse(I, J, V, rows, cols).wait();
  const b1 = pfill(1, A.rows);
  const b2 = pvector(A.rows, (ids) => Float64Array.from(ids.localToGlobal, (g) => Math.cos(g) + (g % 3)));
  const solver = new CgSolver(A, { preconditioner: 'jacobi', rtol: 1e-9 });
  const out = pfill(123, A.cols);
  for (const b of [b1, b2, b1]) {
    const fresh = cg(A, b, { preconditioner: 'jacobi', rtol: 1e-9 });
    assert.ok(fresh.iterations > 3, 'the problem needs several iterations');
    for (const result of [solver.solve(b), solver.solve(b, { x: out })]) {
      assert.equal(result.iterations, fresh.iterations);
      assert.equal(result.reason, fresh.reason);
      assert.deepEqual(result.residuals, fresh.residuals);
      assertSameBits(result.x, fresh.x, 'reused solver');
    }
    assert.equal(solver.solve(b, { x: out }).x, out);
  }
  const guess = pfill(0.5, A.cols);
  const fromGuess = cg(A, b2, { x0: pfill(0.5, A.rows), preconditioner: 'jacobi', rtol: 1e-9 });
  const inPlace = solver.solve(b2, { x0: guess, x: guess });
  assert.equal(inPlace.x, guess);
  assert.deepEqual(inPlace.residuals, fromGuess.residuals);
  assertSameBits(guess, fromGuess.x, 'in place from a guess');
}

/**
 * The compact SpMV indices of CgSolver change no bit: iterates, residuals and x are those of the
 * CSR SpMV, on a 3-D FD and a 2-D FE problem, and on a matrix whose dense last row (more than 255
 * entries) keeps its part on CSR while the others use the compact form.
 */
export function compactIndicesKeepTheBits(ranks: PData<number>): void {
  const fd = laplacianFdm(ranks, [7, 6, 8], partsFor(ranks.np, 3));
  const fe = laplacianFem(ranks, [6, 5], partsFor(ranks.np, 2));
  const arrow = arrowProblem(ranks, 1200);
  for (const [problem, fits] of [
    [fd, () => true],
    [fe, () => true],
    [arrow.problem, arrow.fits],
  ] as const) {
    const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
    const b = pvector(A.rows, (ids) => Float64Array.from(ids.ownToGlobal, (g) => 1 + (g % 5) / 4));
    const solvers = [true, false].map((compactIndices) => new CgSolver(A, { preconditioner: 'jacobi', rtol: 1e-10, compactIndices }));
    const expected = A.rows.partition.map((ids) => fits(ids.partId));
    assert.deepEqual(solvers[0].compactIndices, expected.localItems);
    assert.deepEqual(solvers[1].compactIndices, expected.localItems.map(() => false));
    const [compact, csr] = solvers.map((solver) => solver.solve(b));
    assert.ok(csr.iterations > 5, 'the problem needs several iterations');
    assert.equal(compact.iterations, csr.iterations);
    assert.equal(compact.reason, csr.reason);
    assert.deepEqual(compact.residuals, csr.residuals);
    assertSameBits(compact.x, csr.x, 'compact indices');
  }
  assert.throws(
    () => new CgSolver(psparse(fd.I, fd.J, fd.V, fd.rows, fd.cols).wait(), { compactIndices: 1 as unknown as boolean }),
    /cg: compactIndices must be a boolean, got 1/,
  );
}

/**
 * An SPD "arrow" matrix on n unknowns (1-D rows split evenly): the 1-D Laplacian plus a last row
 * and column coupling every unknown weakly to the last one, so the last part's block has a row of
 * more entries than a compact block allows (n ≥ 4·256 for up to 4 parts).
 */
function arrowProblem(ranks: PData<number>, n: number): {
  problem: { I: PData<Float64Array>; J: PData<Float64Array>; V: PData<Float64Array>; rows: PRange; cols: PRange };
  fits: (partId: number) => boolean;
} {
  const rows = uniformPartition(ranks, n);
  const triplets = rows.partition.map((ids) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    const add = (i: number, j: number, v: number): void => {
      I.push(i);
      J.push(j);
      V.push(v);
    };
    for (const g of ids.ownToGlobal) {
      add(g, g, g === n - 1 ? n : 4);
      if (g > 0) add(g, g - 1, -1);
      if (g < n - 1) add(g, g + 1, -1);
      if (g < n - 2) {
        add(g, n - 1, -0.01);
        add(n - 1, g, -0.01);
      }
    }
    return { I: Float64Array.from(I), J: Float64Array.from(J), V: Float64Array.from(V) };
  });
  const lastOwner = ranks.np - 1;
  return {
    problem: { I: triplets.map((t) => t.I), J: triplets.map((t) => t.J), V: triplets.map((t) => t.V), rows, cols: rows },
    // The last row's own-own entries are all the last part's own columns: at least 1200 / 4.
    fits: (partId) => partId !== lastOwner,
  };
}

/** A misspelt option or a matrix still pending is a typed error on every part, before any work. */
export function misuseIsATypedErrorOnEveryPart(ranks: PData<number>): void {
  const rows = uniformPartition(ranks, 8);
  const ids = rows.partition.map((own) => Array.from(own.ownToGlobal));
  const assembly = psparse(ids, ids, ids.map((gids) => gids.map(() => 4)), rows, rows);
  const b = pfill(1, rows);
  const invalid = (message: string) => (e: unknown) => e instanceof InvalidArgumentError && e.message === message;
  assert.throws(
    () => cg(assembly as unknown as PSparseMatrix, b),
    invalid('cg: A must be a PSparseMatrix, got a Pending (call .wait() first)'),
  );
  const A = assembly.wait();
  assert.throws(
    () => cg(A, b, { tol: 1e-6 } as object),
    invalid("cg: unknown option 'tol' (accepted: rtol, atol, maxIters, preconditioner, onIteration, compactIndices, monitor, normType, x0)"),
  );
  assert.throws(() => (cg as (...args: unknown[]) => unknown)(A), invalid('cg: b must be a PVector, got undefined'));
  const { x, converged } = cg(A, b, { rtol: 1e-12 });
  assert.ok(converged);
  x.ownValues().forEach((own) => own.forEach((value) => assert.equal(value, 0.25)));
}
