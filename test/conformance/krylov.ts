/**
 * Conformance of the Krylov solvers (cg, gmres, bicgstab) and the preconditioners by name
 * (none, jacobi, ssor, ilu0, amg): dense solves of small systems, a non-symmetric system where CG
 * fails, the same bits as a Sequential run of the same partition, and the breakdowns.
 */
import assert from 'node:assert/strict';
import {
  InvalidArgumentError,
  SingularMatrixError,
  axpy,
  centralize,
  gather,
  ilu0,
  jacobi,
  ssor,
  type Preconditioner,
  getAny,
  mul,
  norm,
  pmap,
  psparse,
  pvector,
  pzeros,
  withSequential,
  type PData,
  type PVector,
} from '../../src/index.js';
import { convectionDiffusion } from '../../src/gallery/convection-diffusion.js';
import { laplacianFdm } from '../../src/gallery/laplacian-fdm.js';
import type { PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import type { CgResult, PreconditionerName } from '../../src/solvers/cg-options.js';
import { cg, CgSolver } from '../../src/solvers/cg.js';
import { bicgstab, BicgstabSolver } from '../../src/solvers/bicgstab.js';
import { gmres, GmresSolver } from '../../src/solvers/gmres.js';
import { uniformPartition } from '../../src/partitions/partitions.js';
import { partsFor } from './grid.js';

type Method = 'cg' | 'gmres' | 'bicgstab';
const PRECONDITIONERS: readonly PreconditionerName[] = ['none', 'jacobi', 'ssor', 'ilu0', 'amg'];

function solve(method: Method, A: PSparseMatrix, b: PVector, opts: Parameters<typeof gmres>[2] = {}): CgResult {
  if (method === 'cg') {
    const { restart: _restart, ...rest } = opts;
    return cg(A, b, rest);
  }
  if (method === 'bicgstab') {
    const { restart: _restart, ...rest } = opts;
    return bicgstab(A, b, rest);
  }
  return gmres(A, b, opts);
}

/** Own values of `x` in global order, gathered to every part. */
function globalValues(x: PVector): Float64Array {
  const pieces = pmap((ids, values) => ({ ids: Array.from(ids.ownToGlobal), values: Array.from(values.subarray(0, ids.nOwn)) }), x.rows.partition, x.values);
  const out = new Float64Array(x.rows.n);
  for (const { ids, values } of getAny(gather(pieces, { destination: 'all' }))) ids.forEach((g, i) => (out[g] = values[i]));
  return out;
}

/** x with A x = b for the dense `n × n` matrix given in CSR, by Gaussian elimination with partial pivoting. */
function denseSolve(A: PSparseMatrix, bGlobal: Float64Array): Float64Array {
  const { nRows: n, rowPtr, colIdx, values } = centralize(A);
  const M = Array.from({ length: n }, () => new Float64Array(n + 1));
  for (let i = 0; i < n; i++) {
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) M[i][colIdx[k]] = values[k];
    M[i][n] = bGlobal[i];
  }
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[pivot][c])) pivot = r;
    [M[c], M[pivot]] = [M[pivot], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= f * M[c][j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** ‖b − A x‖₂ as the solvers compute it at exit (the same bits: b − q and q − b differ in sign only). */
function trueResidual(A: PSparseMatrix, x: PVector, b: PVector): number {
  const r = mul(A, x);
  axpy(-1, b, r);
  return norm(r);
}

function build(ranks: PData<number>, sizes: number[], velocity: number[] | null): { A: PSparseMatrix; b: PVector } {
  const parts = partsFor(ranks.np, sizes.length);
  const problem = velocity === null ? laplacianFdm(ranks, sizes, parts) : convectionDiffusion(ranks, sizes, parts, { velocity });
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  const b = pvector(A.rows, (ids) => Array.from(ids.localToGlobal, (g) => Math.sin(g + 1) + 0.5));
  return { A, b };
}

/**
 * Every method with every preconditioner on a symmetric (Laplacian) and a non-symmetric
 * (convection–diffusion) 2-D system of 42 unknowns, against Gaussian elimination: converged to
 * the documented reason, the last residual is the true one, x within 1e-9 of the dense solution;
 * CG on the non-symmetric system does not give its solution, GMRES and BiCGStab do.
 */
export function againstDenseSolves(ranks: PData<number>): void {
  for (const velocity of [null, [3, -1.5]]) {
    const { A, b } = build(ranks, [7, 6], velocity);
    const bGlobal = globalValues(b);
    const expected = denseSolve(A, bGlobal);
    const scale = Math.max(...expected.map(Math.abs));
    const symmetric = velocity === null;
    for (const method of ['cg', 'gmres', 'bicgstab'] as const) {
      for (const preconditioner of PRECONDITIONERS) {
        const label = `${method} + ${preconditioner} on the ${symmetric ? 'Laplacian' : 'convection-diffusion'} (np=${ranks.np})`;
        const seen: number[] = [];
        const result = solve(method, A, b, { preconditioner, rtol: 1e-13, restart: 8, maxIters: 2000, onIteration: ({ iteration }) => seen.push(iteration) });
        const error = maxAbsDifference(globalValues(result.x), expected);
        if (method === 'cg' && !symmetric) {
          // AMG of 42 unknowns is its coarse direct solve (M⁻¹ = A⁻¹): every method converges at once.
          if (preconditioner === 'amg') continue;
          assert.ok(!result.converged || error > 1e-6 * scale, `${label}: CG should not solve a non-symmetric system (error ${error})`);
          continue;
        }
        assert.equal(result.reason, 'converged-rtol', `${label}: ${result.reason} after ${result.iterations}`);
        assert.equal(result.converged, true);
        assert.equal(result.residuals.length, result.iterations + 1);
        assert.deepEqual(seen, Array.from({ length: result.iterations + 1 }, (_, i) => i), `${label}: onIteration`);
        assert.ok(result.residuals.every(Number.isFinite), `${label}: finite residuals`);
        const last = result.residuals[result.iterations];
        assert.ok(last <= 1e-13 * result.residuals[0], `${label}: last residual ${last}`);
        if (method !== 'cg') assert.equal(last, trueResidual(A, result.x, b), `${label}: the last residual is the true one`);
        assert.ok(error <= 1e-9 * scale, `${label}: |x - x_dense| = ${error}`);
      }
    }
    // Preconditioning helps where it should: ILU(0) needs fewer iterations than none.
    const plain = solve('gmres', A, b, { rtol: 1e-10, restart: 30 });
    const ilu = solve('gmres', A, b, { rtol: 1e-10, restart: 30, preconditioner: 'ilu0' });
    assert.ok(ilu.iterations < plain.iterations, `ILU(0) ${ilu.iterations} vs none ${plain.iterations}`);
  }
}

/** What must be the same bits on every backend for a given partition. */
interface Fingerprint {
  readonly runs: { iterations: number; reason: string; residuals: number[]; x: number[] }[];
}

function fingerprint(ranks: PData<number>): Fingerprint {
  const { A, b } = build(ranks, [8, 8, 6], [1, 0.5, -0.25]);
  const { A: L, b: bL } = build(ranks, [8, 8, 6], null);
  const results = [
    gmres(A, b, { preconditioner: 'ilu0', restart: 10, rtol: 1e-10 }),
    gmres(A, b, { preconditioner: 'ilu0', restart: 10, rtol: 1e-10, refinement: 'ifneeded' }),
    gmres(A, b, { preconditioner: 'ilu0', restart: 10, rtol: 1e-10, refinement: 'always' }),
    gmres(A, b, { preconditioner: 'ilu0', restart: 10, rtol: 1e-10, refinement: 'never' }),
    gmres(A, b, { preconditioner: 'ilu0', restart: 10, rtol: 1e-10, orthogonalization: 'modified' }),
    bicgstab(A, b, { preconditioner: 'ssor', rtol: 1e-10 }),
    gmres(A, b, { preconditioner: 'jacobi', restart: 5, rtol: 1e-10 }),
    cg(L, bL, { preconditioner: 'ilu0', rtol: 1e-10 }),
    cg(L, bL, { preconditioner: 'ssor', rtol: 1e-10 }),
    cg(L, bL, { preconditioner: 'ilu0', rtol: 1e-10, normType: 'preconditioned' }),
    cg(L, bL, { preconditioner: 'jacobi', rtol: 1e-10, normType: 'preconditioned' }),
  ];
  return {
    runs: results.map((r) => ({ iterations: r.iterations, reason: r.reason, residuals: r.residuals, x: Array.from(globalValues(r.x)) })),
  };
}

function assertSameBits(actual: Fingerprint, expected: Fingerprint, what: string): void {
  assert.equal(actual.runs.length, expected.runs.length);
  actual.runs.forEach((run, i) => {
    const ref = expected.runs[i];
    assert.equal(run.iterations, ref.iterations, `${what} run ${i}: iterations`);
    assert.equal(run.reason, ref.reason, `${what} run ${i}: reason`);
    run.residuals.forEach((v, k) => assert.ok(Object.is(v, ref.residuals[k]), `${what} run ${i}: residual ${k}: ${v} vs ${ref.residuals[k]}`));
    run.x.forEach((v, k) => assert.ok(Object.is(v, ref.x[k]), `${what} run ${i}: x[${k}]: ${v} vs ${ref.x[k]}`));
  });
}

/**
 * GMRES, BiCGStab and CG with ILU(0), SSOR and Jacobi give, on this backend, the bits of a
 * Sequential run of the same partition computed in this process (with 384 unknowns the ILU(0)
 * blocks of 1 and 2 parts take the native path); a reused solver gives the bits of a fresh
 * solve, also from an initial guess updated in place.
 */
export async function sameBitsAsSequential(ranks: PData<number>): Promise<void> {
  const here = fingerprint(ranks);
  const reference = await withSequential(ranks.np, fingerprint);
  assertSameBits(here, reference, `np=${ranks.np}`);
  for (const run of here.runs) assert.equal(run.reason, 'converged-rtol');

  const { A, b } = build(ranks, [8, 8, 6], [1, 0.5, -0.25]);
  for (const [name, solver, fresh] of [
    ['GmresSolver', new GmresSolver(A, { preconditioner: 'ilu0', restart: 7, rtol: 1e-9 }), () => gmres(A, b, { preconditioner: 'ilu0', restart: 7, rtol: 1e-9 })],
    ['BicgstabSolver', new BicgstabSolver(A, { preconditioner: 'jacobi', rtol: 1e-9 }), () => bicgstab(A, b, { preconditioner: 'jacobi', rtol: 1e-9 })],
  ] as const) {
    const expected = fresh();
    for (let k = 0; k < 2; k++) {
      const again = solver.solve(b);
      assert.equal(again.iterations, expected.iterations, `${name} solve ${k}`);
      assert.deepEqual(Array.from(globalValues(again.x)), Array.from(globalValues(expected.x)), `${name} solve ${k}: x`);
    }
    // From a guess updated in place: the same solution to the tolerance, written into the guess.
    const guess = pvector(A.cols, (ids) => new Float64Array(ids.nLocal).fill(1));
    const fromGuess = solver.solve(b, { x0: guess, x: guess });
    assert.equal(fromGuess.x, guess);
    assert.ok(fromGuess.converged, `${name} from a guess: ${fromGuess.reason}`);
    const difference = maxAbsDifference(globalValues(guess), globalValues(expected.x));
    assert.ok(difference < 1e-6, `${name} from a guess: |x - x_fresh| = ${difference}`);
  }
}

/** ‖M⁻¹(b − A x)‖₂, formed outside the solver. */
function preconditionedResidual(M: Preconditioner, A: PSparseMatrix, x: PVector, b: PVector): number {
  const r = mul(A, x);
  axpy(-1, b, r);
  const z = pzeros(A.rows);
  M.apply(z, r);
  return norm(z);
}

/**
 * CG with `normType: 'preconditioned'` stops on ‖M⁻¹r_k‖₂ ≤ rtol·‖M⁻¹b‖₂ (PETSc's default for
 * CG): its residual 0 is ‖M⁻¹b‖₂ computed outside the solver, its last residual is the first
 * below the bound and within 1e-6 (relative) of the preconditioned true residual, and it differs
 * from the default run, whose residual 0 is ‖b‖₂. Without a preconditioner both norm types give
 * the same bits.
 */
export function preconditionedNormStop(ranks: PData<number>): void {
  const { A, b } = build(ranks, [8, 8, 6], null);
  const rtol = 1e-8;
  for (const [name, M] of [['jacobi', jacobi(A)], ['ilu0', ilu0(A)], ['ssor', ssor(A)]] as const) {
    const run = cg(A, b, { preconditioner: M, rtol, normType: 'preconditioned' });
    assert.equal(run.reason, 'converged-rtol', name);
    const z0 = pzeros(A.rows);
    M.apply(z0, b);
    const bound = rtol * norm(z0);
    assert.ok(Math.abs(run.residuals[0] - norm(z0)) <= 1e-14 * norm(z0), `${name}: residual 0 ${run.residuals[0]} vs ‖M⁻¹b‖ ${norm(z0)}`);
    const last = run.residuals[run.iterations];
    assert.ok(last <= bound, `${name}: last ${last} above ${bound}`);
    assert.ok(run.residuals.slice(0, -1).every((v) => v > bound), `${name}: stopped late`);
    const trueNorm = preconditionedResidual(M, A, run.x, b);
    assert.ok(Math.abs(trueNorm - last) <= 1e-6 * run.residuals[0], `${name}: recurrence ${last} vs true ${trueNorm}`);
    const plain = cg(A, b, { preconditioner: M, rtol });
    assert.ok(Math.abs(plain.residuals[0] - norm(b)) <= 1e-14 * norm(b), `${name}: default residual 0`);
    assert.notEqual(plain.residuals[0], run.residuals[0], `${name}: the two norms coincide`);
  }
  const none = cg(A, b, { rtol, normType: 'preconditioned' });
  const noneDefault = cg(A, b, { rtol });
  assert.equal(none.iterations, noneDefault.iterations);
  none.residuals.forEach((v, k) => assert.ok(Object.is(v, noneDefault.residuals[k]), `none: residual ${k}`));
}

/** A diagonal matrix with `diagonal(g)` at (g, g) and, for ILU(0)'s sake, a superdiagonal of 1. */
function twoDiagonals(ranks: PData<number>, n: number, diagonal: (g: number) => number): PSparseMatrix {
  const rows = uniformPartition(ranks, n);
  const triplets = pmap((ids) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    for (const g of ids.ownToGlobal) {
      I.push(g);
      J.push(g);
      V.push(diagonal(g));
      if (g + 1 < n) {
        I.push(g);
        J.push(g + 1);
        V.push(1);
      }
    }
    return { I: Float64Array.from(I), J: Float64Array.from(J), V: Float64Array.from(V) };
  }, rows.partition);
  return psparse(triplets.map((t) => t.I), triplets.map((t) => t.J), triplets.map((t) => t.V), rows, rows).wait();
}

function expectThrow(f: () => unknown, check: (error: unknown) => void, what: string): void {
  let thrown: unknown;
  try {
    f();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown !== undefined, `${what}: nothing thrown`);
  check(thrown);
}

/**
 * Breakdowns: a zero pivot in ILU(0) or a zero diagonal in SSOR is a SingularMatrixError on EVERY
 * part naming the owner part and the global row; a singular operator stops GMRES and BiCGStab
 * with 'diverged-breakdown' and finite residuals; NaN in b is 'diverged-nan' at iteration 0;
 * maxIters is 'diverged-max-iters' with the true residual last.
 */
export function breakdowns(ranks: PData<number>): void {
  const n = 4 * ranks.np + 2;
  const zeroRow = n - 2; // owned by the last part
  const owner = ranks.np - 1;
  const A = twoDiagonals(ranks, n, (g) => (g === zeroRow ? 0 : 4));
  for (const [name, run] of [
    ['ilu0', () => gmres(A, pvector(A.rows, (ids) => new Float64Array(ids.nLocal).fill(1)), { preconditioner: 'ilu0' })],
    ['ssor', () => cg(A, pvector(A.rows, (ids) => new Float64Array(ids.nLocal).fill(1)), { preconditioner: 'ssor' })],
  ] as const) {
    expectThrow(run, (error) => {
      assert.ok(error instanceof SingularMatrixError, `${name}: ${String(error)}`);
      assert.equal(error.row, zeroRow, `${name}: row`);
      assert.equal(error.partId, owner, `${name}: part`);
      assert.match(error.message, new RegExp(`^${name}: .* at global row ${zeroRow} \\(part ${owner}\\)$`));
    }, name);
  }

  // A = 0 on the own-own diagonal with no off-diagonal: A p = 0 for every p.
  const Z = twoDiagonals(ranks, n, () => 0);
  const ones = pvector(Z.rows, (ids) => Array.from(ids.localToGlobal, (g) => (g === n - 1 ? 1 : 0)));
  // Z is the nilpotent shift Z e_j = e_{j-1}: the Krylov space of b = e_{n-1} ends at A^n b = 0
  // (GMRES, restart > n) and r̂ᵀA r = 0 at once (BiCGStab); b is outside Z's range.
  for (const method of ['gmres', 'bicgstab'] as const) {
    const result = solve(method, Z, ones, { restart: n + 1 });
    assert.equal(result.reason, 'diverged-breakdown', `${method} on a singular matrix: ${result.reason}`);
    assert.equal(result.converged, false);
    assert.ok(result.residuals.every(Number.isFinite), `${method}: residuals ${result.residuals}`);
    assert.ok(globalValues(result.x).every(Number.isFinite), `${method}: x finite`);
  }

  const { A: C, b } = build(ranks, [7, 6], [3, -1.5]);
  const withNaN = pvector(C.rows, (ids) => Array.from(ids.localToGlobal, (g) => (g === 5 ? Number.NaN : 1)));
  for (const method of ['gmres', 'bicgstab'] as const) {
    const nan = solve(method, C, withNaN);
    assert.equal(nan.reason, 'diverged-nan', `${method} with NaN in b`);
    assert.equal(nan.iterations, 0);
    const capped = solve(method, C, b, { maxIters: 3, restart: 2 });
    assert.equal(capped.reason, 'diverged-max-iters', `${method} maxIters 3`);
    assert.equal(capped.iterations, 3);
    assert.equal(capped.residuals[3], trueResidual(C, capped.x, b), `${method}: the true residual at exit`);
  }
  expectThrow(() => gmres(C, b, { restart: 0 }), (e) => assert.ok(e instanceof InvalidArgumentError && /restart must be an integer >= 1, got 0/.test(e.message)), 'restart 0');
}
