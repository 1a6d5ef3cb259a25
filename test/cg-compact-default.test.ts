/**
 * CgSolver's default for its compact own-own indices: only blocks of at least 2^21 entries, and
 * only with Jacobi or no preconditioner. The big grid (70³ rows, 2.4 M own-own entries on one
 * part) is large enough for the size rule alone to choose the compact form, so each case tells
 * the two rules apart; an explicit option overrides both.
 */
import { describe, expect, it } from 'vitest';
import {
  CgSolver, laplacianFdm, pfill, psparse, withSequential, type PSparseMatrix, type PVector, type Preconditioner,
} from '../src/index.js';

/** The n³ Poisson matrix on one Sequential part, handed to `body` inside the run. */
async function withPoisson(n: number, body: (A: PSparseMatrix) => void): Promise<void> {
  await withSequential(1, (ranks) => {
    const p = laplacianFdm(ranks, [n, n, n], [1, 1, 1]);
    body(psparse(p.I, p.J, p.V, p.rows, p.cols).wait());
  });
}

/** z = r / 6: a preconditioner of the user's own, not Jacobi. */
const scaled: Preconditioner = {
  apply(z: PVector, r: PVector): void {
    z.values.localItems.forEach((zp, k) => {
      const rp = r.values.localItems[k];
      for (let i = 0; i < zp.length; i++) zp[i] = rp[i] / 6;
    });
  },
};

describe('CgSolver compact indices by default', () => {
  it('big block, Jacobi or none: compact; another preconditioner: not; the option overrides', async () => {
    await withPoisson(70, (A) => {
      expect(A.ownOwn.localItems[0].rowPtr[A.rows.n]).toBeGreaterThanOrEqual(2 ** 21);
      expect(new CgSolver(A, { preconditioner: 'jacobi' }).compactIndices).toEqual([true]);
      expect(new CgSolver(A).compactIndices).toEqual([true]);
      expect(new CgSolver(A, { preconditioner: 'ssor' }).compactIndices).toEqual([false]);
      expect(new CgSolver(A, { preconditioner: scaled }).compactIndices).toEqual([false]);
      expect(new CgSolver(A, { preconditioner: scaled, compactIndices: true }).compactIndices).toEqual([true]);
      expect(new CgSolver(A, { preconditioner: 'jacobi', compactIndices: false }).compactIndices).toEqual([false]);
    });
  });

  it('small block: not by default, compact when asked', async () => {
    await withPoisson(20, (A) => {
      expect(new CgSolver(A, { preconditioner: 'jacobi' }).compactIndices).toEqual([false]);
      expect(new CgSolver(A, { preconditioner: 'jacobi', compactIndices: true }).compactIndices).toEqual([true]);
    });
  });

  it('the choice keeps the bits of the solution', async () => {
    await withPoisson(20, (A) => {
      const b = pfill(1, A.rows);
      const solve = (compactIndices: boolean): Float64Array => {
        const { x, iterations } = new CgSolver(A, { preconditioner: scaled, compactIndices, rtol: 1e-6 }).solve(b);
        expect(iterations).toBeGreaterThan(5);
        return Float64Array.from(x.values.localItems[0].subarray(0, A.rows.n));
      };
      expect(solve(true)).toEqual(solve(false));
    });
  });
});
