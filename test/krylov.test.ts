import { describe, expect, it } from 'vitest';
import { conformanceSuite } from './harness.js';
import * as cases from './conformance/krylov.js';
import { InvalidArgumentError, pfill, psparse, withSequential } from '../src/index.js';
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
      "gmres: unknown option 'tol' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, restart, x0)"],
    ['bicgstab restart', (A) => bicgstab(A, pfill(1, A.rows), loose({ restart: 5 })),
      "bicgstab: unknown option 'restart' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, x0)"],
    ['GmresSolver x0', (A) => new GmresSolver(A, loose({ x0: 1 })),
      "GmresSolver: unknown option 'x0' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor, restart)"],
    ['BicgstabSolver compactIndices', (A) => new BicgstabSolver(A, loose({ compactIndices: true })),
      "BicgstabSolver: unknown option 'compactIndices' (accepted: rtol, atol, maxIters, preconditioner, onIteration, monitor)"],
    ['restart 2.5', (A) => gmres(A, pfill(1, A.rows), { restart: 2.5 }), 'gmres: restart must be an integer >= 1, got 2.5'],
    ['restart "30"', (A) => gmres(A, pfill(1, A.rows), loose({ restart: '30' })), 'gmres: restart must be an integer >= 1, got "30"'],
    ['preconditioner ilu', (A) => gmres(A, pfill(1, A.rows), loose({ preconditioner: 'ilu' })),
      "gmres: preconditioner must be one of 'none', 'jacobi', 'ssor', 'ilu0', 'amg' or an object with an apply(z, r) method, got ilu"],
    ['cg preconditioner amgx', (A) => cg(A, pfill(1, A.rows), loose({ preconditioner: 'amgx' })),
      "cg: preconditioner must be one of 'none', 'jacobi', 'ssor', 'ilu0', 'amg' or an object with an apply(z, r) method, got amgx"],
    ['bicgstab rtol', (A) => bicgstab(A, pfill(1, A.rows), { rtol: -1 }), 'bicgstab: rtol must be a finite number >= 0, got -1'],
  ];
  for (const [name, f, message] of cases) {
    it(name, async () => {
      const error = await thrown(f);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe(message);
    });
  }
});
