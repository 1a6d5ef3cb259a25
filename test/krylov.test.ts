import { describe, expect, it } from 'vitest';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/krylov.js';
import { InvalidArgumentError, axpy, mul, norm, pfill, psparse, withSequential } from '../src/index.js';
import { convectionDiffusion } from '../src/gallery/convection-diffusion.js';
import { bicgstab, BicgstabSolver } from '../src/solvers/bicgstab.js';
import { gmres, GmresSolver } from '../src/solvers/gmres.js';
import { cg } from '../src/solvers/cg.js';

conformanceSuite('krylov', cases);

/** The error `f` throws on one Sequential part. */
async function thrown(f: (A: Awaited<ReturnType<typeof matrix>>) => unknown): Promise<unknown> {
  return withSequential(1, (ranks) => {
    try {
      f(matrix(ranks));
    } catch (error) {
      return error;
    }
    return undefined;
  });
}

function matrix(ranks: Parameters<typeof convectionDiffusion>[0]) {
  const p = convectionDiffusion(ranks, [4, 3], [1, 1]);
  return psparse(p.I, p.J, p.V, p.rows, p.cols).wait();
}

describe('Krylov option errors', () => {
  const loose = (o: unknown) => o as never;
  const cases: [string, (A: Awaited<ReturnType<typeof matrix>>) => unknown, string][] = [
    ['gmres tol', (A) => gmres(A, pfill(1, A.rows), loose({ tol: 1 })),
      "gmres: unknown option 'tol' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, restart, orthogonalization, refinement, x0)"],
    ['bicgstab restart', (A) => bicgstab(A, pfill(1, A.rows), loose({ restart: 5 })),
      "bicgstab: unknown option 'restart' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, x0)"],
    ['GmresSolver x0', (A) => new GmresSolver(A, loose({ x0: 1 })),
      "GmresSolver: unknown option 'x0' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, restart, orthogonalization, refinement)"],
    ['orthogonalization mgs', (A) => gmres(A, pfill(1, A.rows), loose({ orthogonalization: 'mgs' })),
      "gmres: orthogonalization must be 'classical' or 'modified', got \"mgs\""],
    ['refinement twice', (A) => new GmresSolver(A, loose({ refinement: 'twice' })),
      "gmres: refinement must be one of 'measured', 'ifneeded', 'always', 'never', got \"twice\""],
    ['refinement with modified', (A) => gmres(A, pfill(1, A.rows), { orthogonalization: 'modified', refinement: 'never' }),
      "gmres: refinement applies to orthogonalization 'classical' only, got \"never\" with 'modified'"],
    ['BicgstabSolver compactIndices', (A) => new BicgstabSolver(A, loose({ compactIndices: true })),
      "BicgstabSolver: unknown option 'compactIndices' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor)"],
    ['restart 2.5', (A) => gmres(A, pfill(1, A.rows), { restart: 2.5 }), 'gmres: restart must be an integer >= 1, got 2.5'],
    ['restart "30"', (A) => gmres(A, pfill(1, A.rows), loose({ restart: '30' })), 'gmres: restart must be an integer >= 1, got "30"'],
    ['preconditioner ilu', (A) => gmres(A, pfill(1, A.rows), loose({ preconditioner: 'ilu' })),
      "gmres: preconditioner must be one of 'none', 'jacobi', 'ssor', 'ilu0', 'amg' or an object with an apply(z, r) method, got ilu"],
    ['cg preconditioner amgx', (A) => cg(A, pfill(1, A.rows), loose({ preconditioner: 'amgx' })),
      "cg: preconditioner must be one of 'none', 'jacobi', 'ssor', 'ilu0', 'amg' or an object with an apply(z, r) method, got amgx"],
    ['bicgstab rtol', (A) => bicgstab(A, pfill(1, A.rows), { rtol: -1 }), 'bicgstab: rtol must be a finite number >= 0, got -1'],
    ['cg normType natural', (A) => cg(A, pfill(1, A.rows), loose({ normType: 'natural', preconditioner: 'jacobi' })),
      "cg: normType must be 'unpreconditioned' or 'preconditioned', got \"natural\""],
    ['gmres normType', (A) => gmres(A, pfill(1, A.rows), loose({ normType: 'preconditioned' })),
      "gmres: unknown option 'normType' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, restart, orthogonalization, refinement, x0)"],
  ];
  for (const [name, f, message] of cases) {
    it(name, async () => {
      const error = await thrown(f);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(message);
    });
  }
});

describe('GMRES orthogonalization', () => {
  it('every variant reaches the tolerance with the same iterations; the refinement rules fire as documented', async () => {
    await withSequential(1, (ranks) => {
      const p = convectionDiffusion(ranks, [30, 30, 30], [1, 1, 1], { velocity: [1, 0.5, 0.25] });
      const A = psparse(p.I, p.J, p.V, p.rows, p.cols).wait();
      const b = pfill(1, A.rows);
      const run = (opts: ConstructorParameters<typeof GmresSolver>[1]) => {
        const solver = new GmresSolver(A, { preconditioner: 'ilu0', restart: 30, rtol: 1e-8, maxIters: 1000, ...opts });
        const result = solver.solve(b);
        const r = mul(A, result.x);
        axpy(-1, b, r);
        expect(result.reason).toBe('converged-rtol');
        // The last residual is the true one.
        expect(result.residuals[result.iterations]).toBe(norm(r));
        return { iterations: result.iterations, refinements: solver.refinements };
      };
      const measured = run({});
      const ifneeded = run({ refinement: 'ifneeded' });
      const always = run({ refinement: 'always' });
      const never = run({ refinement: 'never' });
      const modified = run({ orthogonalization: 'modified' });
      for (const other of [ifneeded, always, never, modified]) expect(other.iterations).toBe(measured.iterations);
      expect(always.refinements).toBe(always.iterations);
      expect(never.refinements).toBe(0);
      expect(modified.refinements).toBe(0);
      // The measured rule refines when one pass has lost orthogonality (it does on this solve), far
      // less often than PETSc's rule, which fires whenever a pass cancels most of w.
      expect(measured.refinements).toBeGreaterThan(0);
      expect(measured.refinements).toBeLessThan(ifneeded.refinements / 2);
    });
  });
});
